// The code generator's opcode table: one emitter per BEAM generic
// instruction (OTP 25's names, compiler/beam/opcodes.ts), each appending the
// WAT of its instruction to the current segment. An opcode without an emitter
// is a CompileError naming it, the module and the function (module.ts), so a
// later OTP's instruction is one entry here.
//
// Terms are tagged words (docs/abi.md "Terms"): a small integer v is
// (v << 4) | 0xF, a list cell's address | 1, a boxed term's address | 2 (its
// header: arity << 6 | subtag << 2). Tests read those bits inline; what
// needs the runtime (term order, lookups, arithmetic past the small range)
// calls the ABI.

import type { Instruction, Operand } from "../beam/index.js";
import { CompileError } from "./error.js";
import { u, label, items, heapWords } from "./operands.js";
import type { ModuleContext } from "./module.js";
import { cpWord } from "./cp.js";
import { NIL, SUB, small, header, atomTerm, PREDEFINED } from "./literals.js";

/** What makes the code of one instruction (`depth`: its handler depth, handlerDepths; `at`: its index in the function). */
export type Emit = (c: ModuleContext, ins: Instruction, depth: number, at: number) => void;

const TRUE = atomTerm(PREDEFINED.true), FALSE = atomTerm(PREDEFINED.false);
const ERROR = atomTerm(PREDEFINED.error), BADARG = atomTerm(PREDEFINED.badarg), BADARITH = atomTerm(PREDEFINED.badarith);


// ---- inline tests on a term held in a local -----------------------------------

const isSmall = (v: string) => `(i64.eq (i64.and ${v} (i64.const 15)) (i64.const 15))`;
const isBoxed = (v: string) => `(i64.eq (i64.and ${v} (i64.const 3)) (i64.const 2))`;
const isCons = (v: string) => `(i64.eq (i64.and ${v} (i64.const 3)) (i64.const 1))`;
const hdr = (v: string) => `(i64.load (i32.sub (i32.wrap_i64 ${v}) (i32.const 2)))`;
const subtag = (v: string) => `(i32.and (i32.wrap_i64 (i64.shr_u ${hdr(v)} (i64.const 2))) (i32.const 15))`;
/** Boxed with subtag `s` (the header is read only when boxed). */
const isBoxedOf = (v: string, s: number) => `(if (result i32) ${isBoxed(v)} (then (i32.eq ${subtag(v)} (i32.const ${s}))) (else (i32.const 0)))`;
const isBoxedIn = (v: string, subs: number[]) =>
  `(if (result i32) ${isBoxed(v)} (then (local.set $t ${subtag(v)}) ${subs.map((s) => `(i32.eq (local.get $t) (i32.const ${s}))`).reduce((a, b) => `(i32.or ${a} ${b})`)}) (else (i32.const 0)))`;
const isAtom = (v: string) => `(i64.eq (i64.and ${v} (i64.const 63)) (i64.const 11))`;
const isTuple = (v: string) => isBoxedOf(v, SUB.TUPLE);
const isInteger = (v: string) => `(i32.or ${isSmall(v)} ${isBoxedOf(v, SUB.BIG)})`;
const isFloat = (v: string) => isBoxedOf(v, SUB.FLOAT);
const isBinary = (v: string) => isBoxedIn(v, [SUB.REFC_BIN, SUB.HEAP_BIN]);
/** A binary or a bitstring box (0xA); leaves the subtag in $t when boxed. */
const isBitstr = (v: string) => isBoxedIn(v, [SUB.REFC_BIN, SUB.HEAP_BIN, SUB.BITS]);
const TYPE_TESTS: Record<string, (v: string) => string> = {
  is_integer: isInteger,
  is_float: isFloat,
  is_number: (v) => `(i32.or ${isSmall(v)} ${isBoxedIn(v, [SUB.BIG, SUB.FLOAT])})`,
  is_atom: isAtom,
  is_pid: (v) => `(i64.eq (i64.and ${v} (i64.const 15)) (i64.const 3))`,
  is_reference: (v) => isBoxedOf(v, SUB.REF),
  is_port: () => `(i32.const 0)`,
  is_nil: (v) => `(i64.eq ${v} (i64.const ${NIL}))`,
  is_list: (v) => `(i32.or ${isCons(v)} (i64.eq ${v} (i64.const ${NIL})))`,
  is_nonempty_list: isCons,
  is_tuple: isTuple,
  is_binary: isBinary,
  is_bitstr: isBitstr,
  is_map: (v) => isBoxedOf(v, SUB.MAP),
  is_function: (v) => isBoxedOf(v, SUB.FUN),
  is_boolean: (v) => `(i32.or (i64.eq ${v} (i64.const ${TRUE})) (i64.eq ${v} (i64.const ${FALSE})))`,
};

/** Fail to `fail` (a BEAM label) unless `cond` holds. */
function unless(c: ModuleContext, cond: string, fail: number): string {
  return `(if (i32.eqz ${cond}) (then ${c.jumpLabel(fail)}))`;
}

/** Raise error:Reason (a term expression, built without collecting) and go to the handler. */
function raiseError(reason: string): string {
  return `(drop (call $raise_trace (i64.const ${ERROR}) ${reason} @@T@@)) (br $exc)`;
}
/** Raise error:{Tag, Value}: the tuple is built by $error_tuple (module.ts), which roots Value. */
function raiseErrorTuple(c: ModuleContext, tag: string, value: string): string {
  return `(call $error_tuple ${c.atom(tag)} ${value} @@T@@) (br $exc)`;
}

/** A BIF failing: to `fail` if there is one (a guard), else raise error:Reason. */
function bifFail(c: ModuleContext, fail: number, reason: bigint | string): string {
  return fail ? c.jumpLabel(fail) : raiseError(typeof reason === "bigint" ? `(i64.const ${reason})` : reason);
}

const bool = (cond: string) => `(select (i64.const ${TRUE}) (i64.const ${FALSE}) ${cond})`;

// ---- comparisons ----------------------------------------------------------------

/** $v OP $w as an i32, the small-integer case inline. */
function compare(op: "lt" | "ge" | "eq" | "ne" | "eqx" | "nex"): string {
  const both = `(i64.eq (i64.and (i64.and (local.get $v) (local.get $w)) (i64.const 15)) (i64.const 15))`;
  switch (op) {
    case "lt": return `(if (result i32) ${both} (then (i64.lt_s (local.get $v) (local.get $w))) (else (i32.lt_s (call $term_order (local.get $v) (local.get $w)) (i32.const 0))))`;
    case "ge": return `(if (result i32) ${both} (then (i64.ge_s (local.get $v) (local.get $w))) (else (i32.ge_s (call $term_order (local.get $v) (local.get $w)) (i32.const 0))))`;
    case "eq": return `(if (result i32) (i64.eq (local.get $v) (local.get $w)) (then (i32.const 1)) (else (i32.eqz (call $term_order (local.get $v) (local.get $w)))))`;
    case "ne": return `(i32.eqz ${compare("eq")})`;
    case "eqx": return `(if (result i32) (i64.eq (local.get $v) (local.get $w)) (then (i32.const 1)) (else (call $term_equal (local.get $v) (local.get $w))))`;
    case "nex": return `(i32.eqz ${compare("eqx")})`;
  }
}
const COMPARE_TESTS: Record<string, "lt" | "ge" | "eq" | "ne" | "eqx" | "nex"> = {
  is_lt: "lt", is_ge: "ge", is_eq: "eq", is_ne: "ne", is_eq_exact: "eqx", is_ne_exact: "nex",
};
const COMPARE_BIFS: Record<string, string> = {
  "<": "lt", ">=": "ge", "==": "eq", "/=": "ne", "=:=": "eqx", "=/=": "nex",
};

// ---- arithmetic -----------------------------------------------------------------

/** The ABI's arithmetic for an operator (the slow path: past the small range, floats, errors). */
const ARITH2: Record<string, string> = {
  "+": "arith_add", "-": "arith_sub", "*": "arith_mul", div: "arith_div", rem: "arith_rem", "/": "arith_fdiv",
  band: "arith_band", bor: "arith_bor", bxor: "arith_bxor", bsl: "arith_bsl", bsr: "arith_bsr",
};
const ARITH1: Record<string, string> = { "-": "arith_neg", bnot: "arith_bnot" };

/** $v OP $w for two small integers into $r when the result is small, else 0 (take the slow path). */
function smallArith(op: string): string | undefined {
  const va = `(i64.shr_s (local.get $v) (i64.const 4))`, vb = `(i64.shr_s (local.get $w) (i64.const 4))`;
  const fits = (e: string) => `(local.set $r ${e}) (if (i64.eq (i64.shr_s (i64.shl (local.get $r) (i64.const 4)) (i64.const 4)) (local.get $r)) (then (local.set $r (i64.or (i64.shl (local.get $r) (i64.const 4)) (i64.const 15)))) (else (local.set $r (i64.const 0))))`;
  switch (op) {
    case "+": return fits(`(i64.add ${va} ${vb})`);
    case "-": return fits(`(i64.sub ${va} ${vb})`);
    case "*": // operands under 2^29 in magnitude cannot overflow 59 bits
      return `(if (i32.and (i64.lt_u (i64.add ${va} (i64.const 536870912)) (i64.const 1073741824)) (i64.lt_u (i64.add ${vb} (i64.const 536870912)) (i64.const 1073741824)))
        (then ${fits(`(i64.mul ${va} ${vb})`)}) (else (local.set $r (i64.const 0))))`;
    case "div": return `(if (i64.eqz ${vb}) (then (local.set $r (i64.const 0))) (else ${fits(`(i64.div_s ${va} ${vb})`)}))`;
    case "rem": return `(if (i64.eqz ${vb}) (then (local.set $r (i64.const 0))) (else ${fits(`(i64.rem_s ${va} ${vb})`)}))`;
    case "band": return `(local.set $r (i64.and (local.get $v) (local.get $w)))`;
    case "bor": return `(local.set $r (i64.or (local.get $v) (local.get $w)))`;
    case "bxor": return `(local.set $r (i64.or (i64.xor (local.get $v) (local.get $w)) (i64.const 15)))`;
    default: return undefined;
  }
}

// ---- BIFs -------------------------------------------------------------------------

/**
 * A BIF call: erlang:Name/Arity with arguments (WAT i64 expressions), its result stored by `store`.
 * `fail` 0: a failure raises; else it jumps there. `live`: x registers live if it may collect.
 */
function bif(c: ModuleContext, mod: string, name: string, args: Operand[], fail: number, live: number, dst: Operand, depth: number, ins: Instruction): void {
  const out = c.current.code;
  const n = args.length;
  const temps = ["$v", "$w", "$u"];
  if (n > 3) throw new CompileError(`${c.where(ins)}: a BIF of ${n} arguments`);
  args.forEach((a, i) => out.push(`(local.set ${temps[i]} ${c.src(a, depth, ins)})`));
  const set = (v: string) => out.push(c.dst(dst, v, depth, ins));
  const key = `${mod}:${name}/${n}`;
  const v = "(local.get $v)", w = "(local.get $w)";

  if (mod === "erlang") {
    if (n === 2 && (ARITH2[name])) {
      const fast = smallArith(name);
      // (a raise leaves before the spilled registers are reloaded: the raise moved the stack back)
      const slow = (onRaise: string) => c.spill(live, `(local.set $r (call $${ARITH2[name]} ${v} ${w})) (if (i64.eqz (local.get $r)) (then ${onRaise}))`);
      const call = fail
        ? `(call $try_enter (i32.const @@K${guardStub(c, fail)}@@)) ${slow("(br $exc)")} (call $try_leave)`
        : slow(onBifRaise(c, "erlang", name, ["$v", "$w"]));
      if (fast) out.push(`(local.set $r (i64.const 0)) (if (i64.eq (i64.and (i64.and ${v} ${w}) (i64.const 15)) (i64.const 15)) (then ${fast}))`,
        `(if (i64.eqz (local.get $r)) (then ${call}))`);
      else out.push(call);
      set(`(local.get $r)`);
      return;
    }
    if (n === 1 && ARITH1[name]) {
      const slow = (onRaise: string) => c.spill(live, `(local.set $r (call $${ARITH1[name]} ${v})) (if (i64.eqz (local.get $r)) (then ${onRaise}))`);
      const call = fail
        ? `(call $try_enter (i32.const @@K${guardStub(c, fail)}@@)) ${slow("(br $exc)")} (call $try_leave)`
        : slow(onBifRaise(c, "erlang", name, ["$v"]));
      out.push(call);
      set(`(local.get $r)`);
      return;
    }
    if (n === 1 && name === "+") { // unary plus: the number itself
      out.push(unlessOrRaise(c, `(i32.or ${isSmall(v)} ${isBoxedIn(v, [SUB.BIG, SUB.FLOAT])})`, fail, BADARITH, "+", 1));
      set(v);
      return;
    }
    if (n === 2 && COMPARE_BIFS[name]) { set(bool(compare(COMPARE_BIFS[name] as never))); return; }
    if (n === 2 && name === ">") { out.push(`(local.set $r (local.get $v)) (local.set $v (local.get $w)) (local.set $w (local.get $r))`); set(bool(compare("lt"))); return; }
    if (n === 2 && name === "=<") { out.push(`(local.set $r (local.get $v)) (local.set $v (local.get $w)) (local.set $w (local.get $r))`); set(bool(compare("ge"))); return; }
    if (n === 1 && TYPE_TESTS[name]) { set(bool(TYPE_TESTS[name](v))); return; }
    switch (key) {
      case "erlang:self/0": set(`(call $self)`); return;
      case "erlang:node/0": set(c.atom("nonode@nohost")); return;
      case "erlang:not/1":
        out.push(unlessOrRaise(c, TYPE_TESTS.is_boolean(v), fail, BADARG, "not", 1));
        set(`(select (i64.const ${FALSE}) (i64.const ${TRUE}) (i64.eq ${v} (i64.const ${TRUE})))`);
        return;
      case "erlang:and/2": case "erlang:or/2": case "erlang:xor/2": {
        out.push(unlessOrRaise(c, `(i32.and ${TYPE_TESTS.is_boolean(v)} ${TYPE_TESTS.is_boolean(w)})`, fail, BADARG, name, 2));
        const a = `(i64.eq ${v} (i64.const ${TRUE}))`, b = `(i64.eq ${w} (i64.const ${TRUE}))`;
        set(bool(name === "and" ? `(i32.and ${a} ${b})` : name === "or" ? `(i32.or ${a} ${b})` : `(i32.xor ${a} ${b})`));
        return;
      }
      case "erlang:tuple_size/1":
        out.push(unlessOrRaise(c, isTuple(v), fail, BADARG, "tuple_size", 1));
        set(`(i64.or (i64.shl (i64.shr_u ${hdr(v)} (i64.const 6)) (i64.const 4)) (i64.const 15))`);
        return;
      case "erlang:element/2": // element(N, Tuple): 1 <= N <= arity
        out.push(unlessOrRaise(c, `(if (result i32) (i32.and ${isSmall(v)} ${isTuple(w)})
          (then (i64.lt_u (i64.sub (i64.shr_s ${v} (i64.const 4)) (i64.const 1)) (i64.shr_u ${hdr(w)} (i64.const 6)))) (else (i32.const 0)))`, fail, BADARG, "element", 2));
        // element N (from 1) is the word at the tuple's address + 8N: the term + 8N - 2
        set(`(i64.load (i32.add (i32.wrap_i64 ${w}) (i32.sub (i32.shl (i32.wrap_i64 (i64.shr_s ${v} (i64.const 4))) (i32.const 3)) (i32.const 2))))`);
        return;
      case "erlang:hd/1": out.push(unlessOrRaise(c, isCons(v), fail, BADARG, "hd", 1)); set(`(i64.load offset=0 (i32.sub (i32.wrap_i64 ${v}) (i32.const 1)))`); return;
      case "erlang:tl/1": out.push(unlessOrRaise(c, isCons(v), fail, BADARG, "tl", 1)); set(`(i64.load offset=7 (i32.wrap_i64 ${v}))`); return;
      case "erlang:length/1":
        out.push(`(local.set $r (call $list_length ${v}))`, unlessOrRaise(c, `(i64.ge_s (local.get $r) (i64.const 0))`, fail, BADARG, "length", 1));
        set(`(i64.or (i64.shl (local.get $r) (i64.const 4)) (i64.const 15))`);
        return;
      case "erlang:byte_size/1":
        // a binary's byte size; a bitstring box's bits (a small) rounded up to bytes
        out.push(unlessOrRaise(c, isBitstr(v), fail, BADARG, "byte_size", 1));
        set(`(if (result i64) (i32.eq (local.get $t) (i32.const ${SUB.BITS}))
          (then (i64.or (i64.shl (i64.shr_u (i64.add (i64.shr_s (i64.load offset=6 (i32.wrap_i64 ${v})) (i64.const 4)) (i64.const 7)) (i64.const 3)) (i64.const 4)) (i64.const 15)))
          (else (i64.or (i64.shl (i64.load offset=6 (i32.wrap_i64 ${v})) (i64.const 4)) (i64.const 15))))`);
        return;
      case "erlang:map_size/1":
        // not a map: error:{badmap, V}, which the native raises (a tuple: bif_raise takes immediates)
        out.push(fail ? unless(c, isBoxedOf(v, SUB.MAP), fail)
          : `(if (i32.eqz ${isBoxedOf(v, SUB.MAP)}) (then ${nativeCall(c, "erlang", "map_size", [v], onBifRaise(c, "erlang", "map_size", ["$v"]))}))`);
        set(`(i64.load offset=6 (i32.wrap_i64 ${v}))`);
        return;
    }
  }
  // anything else: the native (or another module's function) by name, looked up once
  const i = c.external(mod, name, n);
  const argList = Array.from({ length: n }, (_, j) => `(local.get ${temps[j]})`).join(" ");
  // (a raise leaves before the spilled registers are reloaded: the raise moved the stack back)
  const call = (onRaise: string) => c.spill(live, `${c.keepRegisters(`(local.set $r (call_indirect (type $t${n}) ${argList} (global.get $ext${i})))`)} (if (i64.eqz (local.get $r)) (then ${onRaise}))`);
  const lookup = `(if (i32.lt_s (global.get $ext${i}) (i32.const 0))
      (then (global.set $ext${i} (call $export_lookup ${c.atom(mod)} ${c.atom(name)} (i32.const ${n})))))
    (if (i32.lt_s (global.get $ext${i}) (i32.const 0)) (then ${raiseError(c.atom("undef"))}))`;
  out.push(lookup);
  if (fail) out.push(`(call $try_enter (i32.const @@K${guardStub(c, fail)}@@)) ${call("(br $exc)")} (call $try_leave)`);
  else out.push(call(onBifRaise(c, mod, name, temps.slice(0, n))));
  set(`(local.get $r)`);
}

/**
 * Unless `cond`: to `fail`, or raise error:reason as BEAM's BIF erlang:name does, its trace's top
 * frame {erlang, name, Args, ErrorInfo} with the arguments (in $v, $w: pushed to root slots for
 * bif_raise, bif_traces.ts).
 */
function unlessOrRaise(c: ModuleContext, cond: string, fail: number, reason: bigint, name: string, n: number): string {
  if (fail) return `(if (i32.eqz ${cond}) (then ${c.jumpLabel(fail)}))`;
  return `(if (i32.eqz ${cond}) (then ${pushArgs(["$v", "$w", "$u"].slice(0, n))}
    (drop (call $bif_raise (i64.const ${reason}) ${c.atom("erlang")} ${c.atom(name)} (i32.const ${n}) @@T@@)) (br $exc)))`;
}

/** The locals `vars` (terms) in a new frame of as many root slots, in order (the raise path of a BIF: bif_raise, bif_trace). */
function pushArgs(vars: string[]): string {
  if (!vars.length) return "";
  return `(call $frame_enter (i32.const ${vars.length})) ${vars.map((v, j) => `(i64.store offset=${8 * j} (global.get $sp) (local.get ${v}))`).join(" ")}`;
}

/**
 * After a call that may reach a native returned the non-value 0: complete a native's raise's
 * trace (bif_trace: BEAM's BIF frame {mod, name, Args, ErrorInfo}, then `place`: the frame and
 * return address operands, as raise_trace's), args the locals holding the call's arguments, then
 * go to the handler. A raise in compiled code keeps its trace (bif_trace does nothing then).
 */
function onBifRaise(c: ModuleContext, mod: string, name: string, args: string[], place = "@@T@@"): string {
  return `${c.bifFix(mod, name, args, place)} (br $exc)`;
}

/**
 * A handler's resume point for a BIF in a guard: the raise is forgotten and the guard fails
 * (jumps to `fail`). Reached only by the dispatch, so it is laid out at the end.
 */
function guardStub(c: ModuleContext, fail: number): number {
  const id = c.freshId();
  const saved = c.current;
  const stub = { id, group: c.group, code: [] as string[] };
  c.current = stub;
  stub.code.push(`(call $exc_clear)`, c.jumpLabel(fail));
  c.current = saved;
  c.stubs.push(stub);
  return id;
}

/** Start a new segment (a continuation after a call, or the code after a catch) with `id`. */
function continueAt(c: ModuleContext, id: number): void {
  c.current = { id, group: c.group, code: [] };
  c.segments.push(c.current);
}

// ---- heap -------------------------------------------------------------------------

/** Store `values` (i64 expressions) at shoal_htop onwards and bump it; the address was taken into $t first. */
function bump(values: string[]): string {
  return `(local.set $t (global.get $htop)) ${values.map((v, i) => `(i64.store offset=${8 * i} (local.get $t) ${v})`).join(" ")} (global.set $htop (i32.add (local.get $t) (i32.const ${8 * values.length})))`;
}

/** The frame's slot 0: CP as a CP word (never a term; what stack traces are walked from: module.ts cpWord). */
const saveCp = `(i64.store (global.get $sp) ${cpWord("(global.get $CP)")})`;
/** Leave the function's frame of n y registers (and its CP: the CP word's 32 bits above its tag) inline, as docs/abi.md allows: shoal_sp moves up. */
const deallocate = (n: number) => `(global.set $CP (i32.wrap_i64 (i64.shr_u (i64.load (global.get $sp)) (i64.const 6)))) (global.set $sp (i32.add (global.get $sp) (i32.const ${8 * (n + 1)})))`;
/**
 * Push the function's frame of n y registers and its CP inline while the region has room (shoal_sp
 * - 8(n+1) >= shoal_sp_limit), zeroing it as frame_enter does; else frame_enter, which grows the region.
 */
const pushFrame = (n: number) => {
  const b = 8 * (n + 1);
  return `(if (i32.and (i32.ge_u (global.get $sp) (i32.const ${b})) (i32.ge_u (i32.sub (global.get $sp) (i32.const ${b})) (global.get $sp_limit)))
      (then (global.set $sp (i32.sub (global.get $sp) (i32.const ${b}))) (memory.fill (global.get $sp) (i32.const 0) (i32.const ${b})))
      (else (call $frame_enter (i32.const ${n + 1}))))`;
};
/** Continue at CP (resolved per function by module.ts: a local jump, or x0 handed back to the trampoline). */
const doReturn = `@@R@@`;

// ---- funs and apply ---------------------------------------------------------------

/**
 * Call the fun in $v with x0..x(arity-1); result to x0, then continue at a new segment. A fun of
 * this module (its entry one of the module's fun wrappers) is entered through the trampoline as a
 * local call is: the arguments and its free variables handed over in the globals (its
 * $fenter stub, module.ts, sets the free ones and gives the id of its code), CP the continuation,
 * so no Wasm call nests; any other fun is called natively through its entry. Not a fun of that
 * arity: apply raises BEAM's error.
 */
function callFun(c: ModuleContext, arity: number, tail: boolean): void {
  c.types.add(arity + 1);
  const args = Array.from({ length: arity }, (_, j) => `(local.get ${c.x(j)})`).join(" ");
  const word = `(i64.load offset=6 (i32.wrap_i64 (local.get $v)))`;   // small integer: entry | arity << 32
  const entry = `(i32.wrap_i64 (i64.shr_u ${word} (i64.const 4)))`;
  const cont = c.freshId();
  const handOver = Array.from({ length: arity }, (_, j) => `(global.set $X${j} (local.get ${c.x(j)}))`).join(" ");
  // a trace raised inside sees this place, unless the call is in tail position (its function's
  // frame left right after: BEAM's loader makes that a tail call, which leaves no frame); then the
  // function's frame, still there, gives its return address as BEAM's stack would
  if (!tail) c.continuation(cont);
  const call = c.keepRegisters(`(local.set $r (call_indirect (type $t${arity + 1}) ${args} (local.get $v) ${entry}))`);
  const local = c.beam.lambdas.length
    ? `(if (i32.lt_u (i32.sub ${entry} (global.get $tb)) (i32.const ${c.beam.lambdas.length}))
        (then ${handOver} (global.set $CP (i32.const @@K${cont}@@))
          (return (call_indirect (type $fenter) (local.get $v) (i32.add ${entry} (i32.const @@FENTER@@))))))`
    : "";
  c.current.code.push(`(if (if (result i32) ${isBoxedOf("(local.get $v)", SUB.FUN)} (then (i64.eq (i64.shr_u ${word} (i64.const 36)) (i64.const ${arity}))) (else (i32.const 0)))
      (then ${local} ${tail ? call : c.withSite(call)})
      (else (local.set ${c.x(arity)} (local.get $v)) ${c.keepRegisters(c.argList(arity, `(local.set $r (call $apply (local.get ${c.x(arity)}) (local.get $r)))`, arity + 1))}
        (if (i64.eqz (local.get $r)) (then ${tail ? "(call $bif_trace (i64.const 0) (i64.const 0) (i32.const 0) @@T@@)" : "(call $fun_trace @@T@@)"}))))
    (br_if $exc (i64.eqz (local.get $r)))
    (local.set ${c.x(0)} (local.get $r))`, c.jump(cont));
  continueAt(c, cont);
}

/** $YN when a group returns -id to $run for a receive's wait, or for erlang:yield() (else: a reduction's argument count). */
export const YN_WAIT = -1, YN_YIELD = -2;

/**
 * A receive's wait (`wait`, `wait_timeout`): the function returns to the trampoline, which waits
 * for a message (recv_wait, `ms` at most) and then continues at `again` (loop_rec's label, to
 * look at the new message) or, when the time ran out, at `timedOut` (a fresh id: the `timeout`
 * instruction). Why by return: a call that may suspend makes Binaryen's Asyncify instrument the
 * function that makes it, and save its locals at every suspension; so only $run waits, as only
 * $run yields (reduction in module.ts). Nothing is live across the wait but the function's frame
 * on the shadow stack (BEAM's wait keeps no x register). In the globals: $YN YN_WAIT (a wait, not a
 * reduction's yield), $WMS the ms, $WT the id after a timeout.
 */
function waitByReturn(c: ModuleContext, again: number, ms: string, timedOut: number): string {
  return `(global.set $WMS ${ms}) (global.set $WT (i32.const ${timedOut ? `@@K${timedOut}@@` : 0})) (global.set $YN (i32.const ${YN_WAIT}))
    (return (i32.sub (i32.const 0) (i32.const @@K${c.idOf(again)}@@)))`;
}

/** erlang:yield() in a body call: returned to $run as a receive's wait is (waitByReturn), $YN YN_YIELD; $run yields, then continues here with x0 true. */
function yieldByReturn(c: ModuleContext): void {
  const cont = c.freshId();
  c.current.code.push(`(global.set $YN (i32.const ${YN_YIELD})) (return (i32.sub (i32.const 0) (i32.const @@K${cont}@@)))`);
  continueAt(c, cont);
}

/** Whether the call at instruction `at` is in tail position: `deallocate` and `return` follow it. */
function tailPosition(c: ModuleContext, at: number): boolean {
  const next = c.fn.code.slice(at + 1).filter((i) => i.name !== "line");
  return next[0]?.name === "deallocate" && next[1]?.name === "return";
}

/** apply/3 with the arguments in x0..x(arity-1), module in x(arity), function in x(arity+1); `body`: not a tail call (its place is a frame of the trace). */
function applyMfa(c: ModuleContext, arity: number, body: boolean): string {
  c.types.add(arity);
  const args = Array.from({ length: arity }, (_, j) => `(local.get ${c.x(j)})`).join(" ");
  const m = `(local.get ${c.x(arity)})`, f = `(local.get ${c.x(arity + 1)})`;
  const call = c.keepRegisters(`(if (i32.ge_s (local.get $t) (i32.const 0))
      (then (local.set $r (call_indirect (type $t${arity}) ${args} (local.get $t))))
      (else ${c.argList(arity, `(local.set $r (call $apply_mfa ${m} ${f} (local.get $r)))`, arity + 2)}))`);
  // a native's raise in the callee (module and function are atoms then: the lookup found it): its
  // frame {M, F, Args, ErrorInfo}, then this place (its site on the stack for a body call), as callExternal
  const regs = Array.from({ length: arity }, (_, j) => c.x(j));
  const onRaise = c.bifFixDynamic(m, f, regs, "(i64.const 0) (i64.const 0)");   // (a tail call: BEAM's trace has no frame of this function, as for undef)
  return `(local.set $t (call $export_lookup ${m} ${f} (i32.const ${arity})))
    ${c.withSite(call, body ? "body" : "tail", onRaise)}
    (br_if $exc (i64.eqz (local.get $r)))
    (local.set ${c.x(0)} (local.get $r))`;
}

/** The ABI's spawn answers the atom system_limit at the process limit; erlang:spawn raises it (error:system_limit), as BEAM. */
function spawnLimit(c: ModuleContext): string {
  return `(if (i64.eq (local.get $r) ${c.atom("system_limit")}) (then ${raiseError(c.atom("system_limit"))}))`;
}

/** Calls the compiler answers itself (functions erlang.beam has in Erlang, or module_info's BIFs); `body`: not a tail call. */
function intrinsic(c: ModuleContext, mod: string, fn: string, arity: number, body: boolean): string | undefined {
  const site = (call: string, onRaise?: string) => c.withSite(call, body ? "body" : "tail", onRaise);
  const key = `${mod}:${fn}/${arity}`;
  switch (key) {
    // module_info/0,1: this module's answers are literals (module_info.ts); another module's, the native's
    case "erlang:get_module_info/1":
      return `(if (i64.eq (local.get ${c.x(0)}) ${c.atom(c.module)})
        (then (local.set ${c.x(0)} ${c.word(c.info.all)}))
        (else ${c.callExternal("erlang", "get_module_info", 1)}))`;
    case "erlang:get_module_info/2": {
      // an item erts does not know: badarg from the BIF, its frame {erlang, get_module_info, [M, X], ErrorInfo} first
      let answer = `${pushArgs([c.x(0), c.x(1)])} (drop (call $bif_raise (i64.const ${BADARG}) ${c.atom("erlang")} ${c.atom("get_module_info")} (i32.const 2) @@T@@)) (br $exc)`;
      for (const [item, w] of c.info.items) {
        answer = `(if (i64.eq (local.get ${c.x(1)}) ${c.atom(item)}) (then (local.set ${c.x(0)} ${c.word(w)})) (else ${answer}))`;
      }
      answer = `(if (i64.ne (local.get ${c.x(1)}) ${c.atom("module")}) (then ${answer}))`;   // module: x0 already
      return `(if (i64.eq (local.get ${c.x(0)}) ${c.atom(c.module)})
        (then ${answer})
        (else ${c.callExternal("erlang", "get_module_info", 2)}))`;
    }
    // raising needs no call into a native: straight to the handler
    case "erlang:throw/1": return `(drop (call $raise_trace (i64.const ${atomTerm(PREDEFINED.throw)}) (local.get ${c.x(0)}) @@T@@)) (br $exc)`;
    case "erlang:error/1": case "erlang:error/2": case "erlang:error/3": return `(drop (call $raise_trace (i64.const ${ERROR}) (local.get ${c.x(0)}) @@T@@)) (br $exc)`;
    case "erlang:exit/1": return `(drop (call $raise_trace (i64.const ${atomTerm(PREDEFINED.exit)}) (local.get ${c.x(0)}) @@T@@)) (br $exc)`;
    case "erlang:apply/2": // apply(Fun, Args)
      return `${site(`(local.set $r (call $apply (local.get ${c.x(0)}) (local.get ${c.x(1)})))`, "(call $bif_trace (i64.const 0) (i64.const 0) (i32.const 0) (i64.const 0) (i64.const 0))")} (br_if $exc (i64.eqz (local.get $r))) (local.set ${c.x(0)} (local.get $r))`;
    case "erlang:apply/3":
      return `${site(`(local.set $r (call $apply_mfa (local.get ${c.x(0)}) (local.get ${c.x(1)}) (local.get ${c.x(2)})))`)} (br_if $exc (i64.eqz (local.get $r))) (local.set ${c.x(0)} (local.get $r))`;
    // min/2 and max/2 are calls in OTP 25 (guard BIFs from 26) and cannot fail: inline, small
    // integers compared in place, any other terms by term_order (a direct ABI call, so the function
    // has no call_indirect for them, which Asyncify would have to assume can suspend). As erlang.erl:
    // min(A, B) is B when A > B, else A; max(A, B) is B when A < B, else A (of two equal terms, A)
    case "erlang:min/2":
      return `(local.set $v (local.get ${c.x(1)})) (local.set $w (local.get ${c.x(0)})) (local.set ${c.x(0)} (select (local.get $v) (local.get $w) ${compare("lt")}))`;
    case "erlang:max/2":
      return `(local.set $v (local.get ${c.x(0)})) (local.set $w (local.get ${c.x(1)})) (local.set ${c.x(0)} (select (local.get $w) (local.get $v) ${compare("lt")}))`;
    case "erlang:spawn/1":
      return `(local.set $r (call $spawn_fun (local.get ${c.x(0)}) (i32.const 2))) (br_if $exc (i64.eqz (local.get $r))) ${spawnLimit(c)} (local.set ${c.x(0)} (local.get $r))`;
    case "erlang:spawn/3":
      return `(local.set $r (call $spawn_mfa (local.get ${c.x(0)}) (local.get ${c.x(1)}) (local.get ${c.x(2)}) (i32.const 2))) (br_if $exc (i64.eqz (local.get $r))) ${spawnLimit(c)} (local.set ${c.x(0)} (local.get $r))`;
  }
  return undefined;
}

/** The entry label of import `imp` if it names a function of this module (not a BIF stub), else undefined. */
function ownFunction(c: ModuleContext, imp: number): number | undefined {
  const e = c.beam.imports[imp];
  if (!e || e.module !== c.module) return undefined;
  const label = c.localEntries.get(`${e.function}/${e.arity}`);
  return label !== undefined && !c.stubs_.has(label) ? label : undefined;
}

/**
 * A call to an external function (call_ext*), intrinsic or by name. A trace raised inside sees the
 * caller as BEAM's stack holds it (a CP word pushed around the call: ModuleContext.withSite): for a
 * body call (`body`) this place, for a tail call the function's return address. Around erlang's
 * functions (natives, which run no Erlang code) only when none is linked by that name: undef.
 */
function external(c: ModuleContext, imp: number, ins: Instruction, body: boolean): string {
  const e = c.beam.imports[imp];
  if (!e) throw new CompileError(`${c.where(ins)}: import ${imp} is not in the import table`);
  return intrinsic(c, e.module, e.function, e.arity, body) ?? c.callExternal(e.module, e.function, e.arity, body ? "body" : "tail", e.module === "erlang");
}

// ---- maps ----------------------------------------------------------------------------

/**
 * $r := Name(args...) of the native mod:name/arity (no collection: lookups). A raise (a map
 * instruction's error, which BEAM raises with no BIF frame) is this place's: `onRaise` otherwise.
 */
function nativeCall(c: ModuleContext, mod: string, name: string, args: string[], onRaise = "(call $bif_trace (i64.const 0) (i64.const 0) (i32.const 0) @@T@@) (br $exc)"): string {
  const i = c.external(mod, name, args.length);
  return `(if (i32.lt_s (global.get $ext${i}) (i32.const 0))
      (then (global.set $ext${i} (call $export_lookup ${c.atom(mod)} ${c.atom(name)} (i32.const ${args.length})))))
    (if (i32.lt_s (global.get $ext${i}) (i32.const 0)) (then ${raiseError(c.atom("undef"))}))
    (local.set $r (call_indirect (type $t${args.length}) ${args.join(" ")} (global.get $ext${i})))
    (if (i64.eqz (local.get $r)) (then ${onRaise}))`;
}

/** Keys present (get_map_elements binds their values): else to Fail. Src is a map (else Fail too). */
function mapElements(c: ModuleContext, i: Instruction, d: number, bind: boolean): void {
  const out = c.current.code;
  const fail = label(i.args[0]);
  const list = items(i.args[2]);
  const step = bind ? 2 : 1;
  out.push(`(local.set $w ${c.src(i.args[1], d, i)})`, unless(c, isBoxedOf("(local.get $w)", SUB.MAP), fail));
  for (let k = 0; k < list.length; k += step) {
    out.push(`(local.set $v ${c.src(list[k], d, i)})`, nativeCall(c, "erlang", "is_map_key", ["(local.get $v)", "(local.get $w)"]),
      unless(c, `(i64.eq (local.get $r) (i64.const ${TRUE}))`, fail));
    if (bind) {
      out.push(`(local.set $v ${c.src(list[k], d, i)})`, nativeCall(c, "erlang", "map_get", ["(local.get $v)", "(local.get $w)"]),
        c.dst(list[k + 1], "(local.get $r)", d, i));
    }
  }
}

/**
 * put_map_assoc / put_map_exact: the pairs put one by one with maps:put/3 (maps:update/3, which
 * raises {badkey, K}). Each call may collect, so the live x registers and the map being built
 * stay in root slots for the whole instruction, and every operand is read again after a call.
 */
function mapPut(c: ModuleContext, i: Instruction, d: number, fn: "put" | "update"): void {
  const out = c.current.code;
  const live = u(i.args[3]);
  const pairs = items(i.args[4]);
  const slots = live + 1;
  const reload = Array.from({ length: live }, (_, j) => `(local.set ${c.x(j)} (i64.load offset=${8 * j} (global.get $sp)))`).join(" ");
  out.push(`(local.set $w ${c.src(i.args[1], d, i)})`, `(call $frame_enter (i32.const ${slots}))`,
    ...Array.from({ length: live }, (_, j) => `(i64.store offset=${8 * j} (global.get $sp) (local.get ${c.x(j)}))`),
    `(i64.store offset=${8 * live} (global.get $sp) (local.get $w))`);
  c.pushed = 8 * slots;
  for (let k = 0; k < pairs.length; k += 2) {
    out.push(`(local.set $v ${c.src(pairs[k], d, i)}) (local.set $u ${c.src(pairs[k + 1], d, i)})`,
      nativeCall(c, "maps", fn, ["(local.get $v)", "(local.get $u)", `(i64.load offset=${8 * live} (global.get $sp))`]),
      `(i64.store offset=${8 * live} (global.get $sp) (local.get $r))`, reload);
  }
  c.pushed = 0;
  out.push(reload, `(local.set $r (i64.load offset=${8 * live} (global.get $sp)))`, `(call $frame_leave (i32.const ${slots}))`,
    c.dst(i.args[2], "(local.get $r)", d, i));
}

// ---- the table ---------------------------------------------------------------------

export const EMITTERS: Record<string, Emit> = {
  line: () => {},
  // -on_load(F/0): erlc marks F's body with it; the module gets an entry that runs F (module.ts,
  // ON_LOAD_ENTRY), which the host runs before the program (host/on_load.ts)
  on_load: (c, ins) => {
    if (c.fn.arity !== 0) throw new CompileError(`${c.where(ins)}: an on_load function takes no arguments`);
    if (c.onLoad && c.onLoad !== c.fn) throw new CompileError(`${c.where(ins)}: a second on_load function (${c.onLoad.name}/0 is one)`);
    c.onLoad = c.fn;
  },
  int_code_end: () => {},
  nif_start: () => {},
  func_info: (c) => {
    // error:function_clause, its trace's top frame {M, F, Args, Location} with the arguments: they
    // go in a frame of root slots, which $function_clause (module.ts) makes the trace from
    const n = c.fn.arity;
    c.current.code.push(n ? `(call $frame_enter (i32.const ${n}))` : "",
      ...Array.from({ length: n }, (_, j) => `(i64.store offset=${8 * j} (global.get $sp) (local.get ${c.x(j)}))`),
      `(call $function_clause ${c.atom(c.module)} ${c.atom(c.fn.name)} (i32.const ${n}) ${c.word(c.location())} ${cpWord("(global.get $CP)")}) (br $exc)`);
  },


  // data
  move: (c, i, d) => { c.current.code.push(c.dst(i.args[1], c.src(i.args[0], d, i), d, i)); },
  swap: (c, i, d) => {
    c.current.code.push(`(local.set $v ${c.src(i.args[0], d, i)})`, c.dst(i.args[0], c.src(i.args[1], d, i), d, i), c.dst(i.args[1], `(local.get $v)`, d, i));
  },
  get_list: (c, i, d) => {
    c.current.code.push(`(local.set $t (i32.wrap_i64 ${c.src(i.args[0], d, i)}))`,
      `(local.set $v (i64.load offset=0 (i32.sub (local.get $t) (i32.const 1))))`, `(local.set $w (i64.load offset=7 (local.get $t)))`,
      c.dst(i.args[1], `(local.get $v)`, d, i), c.dst(i.args[2], `(local.get $w)`, d, i));
  },
  get_hd: (c, i, d) => { c.current.code.push(c.dst(i.args[1], `(i64.load (i32.sub (i32.wrap_i64 ${c.src(i.args[0], d, i)}) (i32.const 1)))`, d, i)); },
  get_tl: (c, i, d) => { c.current.code.push(c.dst(i.args[1], `(i64.load offset=7 (i32.wrap_i64 ${c.src(i.args[0], d, i)}))`, d, i)); },
  put_list: (c, i, d) => {
    c.current.code.push(`(local.set $v ${c.src(i.args[0], d, i)}) (local.set $w ${c.src(i.args[1], d, i)})`,
      bump(["(local.get $v)", "(local.get $w)"]), c.dst(i.args[2], `(i64.or (i64.extend_i32_u (local.get $t)) (i64.const 1))`, d, i));
  },
  get_tuple_element: (c, i, d) => {
    c.current.code.push(c.dst(i.args[2], `(i64.load offset=${6 + 8 * u(i.args[1])} (i32.wrap_i64 ${c.src(i.args[0], d, i)}))`, d, i));
  },
  set_tuple_element: (c, i, d) => {
    c.current.code.push(`(i64.store offset=${6 + 8 * u(i.args[2])} (i32.wrap_i64 ${c.src(i.args[1], d, i)}) ${c.src(i.args[0], d, i)})`);
  },
  put_tuple2: (c, i, d) => {
    const els = items(i.args[1]);
    // every element is read before the tuple is stored (it may replace one of them)
    c.current.code.push(bump([`(i64.const ${header(els.length, SUB.TUPLE)})`, ...els.map((e) => c.src(e, d, i))]),
      c.dst(i.args[0], `(i64.or (i64.extend_i32_u (local.get $t)) (i64.const 2))`, d, i));
  },

  // frames and the heap
  test_heap: (c, i) => { c.current.code.push(c.reserve(heapWords(c, i.args[0]), u(i.args[1]))); },
  allocate: (c, i) => { c.current.code.push(pushFrame(u(i.args[0])), saveCp); },
  allocate_zero: (c, i) => { c.current.code.push(pushFrame(u(i.args[0])), saveCp); },
  allocate_heap: (c, i) => {
    c.current.code.push(pushFrame(u(i.args[0])), saveCp, c.reserve(heapWords(c, i.args[1]), u(i.args[2])));
  },
  allocate_heap_zero: (c, i) => {
    c.current.code.push(pushFrame(u(i.args[0])), saveCp, c.reserve(heapWords(c, i.args[1]), u(i.args[2])));
  },
  init_yregs: (c, i, d) => { for (const y of items(i.args[0])) c.current.code.push(c.dst(y, `(i64.const ${NIL})`, d, i)); },
  deallocate: (c, i) => { c.current.code.push(deallocate(u(i.args[0]))); },
  trim: (c, i) => {
    const n = u(i.args[0]);
    c.current.code.push(`(local.set $v (i64.load (global.get $sp)))`, `(global.set $sp (i32.add (global.get $sp) (i32.const ${8 * n})))`,
      `(i64.store (global.get $sp) (local.get $v))`);
  },

  // calls
  return: (c) => { c.current.code.push(doReturn); },
  call: (c, i) => {
    const stub = c.stubs_.get(label(i.args[1]));
    if (stub) { c.current.code.push(c.callExternal(c.module, stub.fn, stub.arity, "body", true)); return; }   // the native
    const cont = c.freshId();
    c.continuation(cont);
    c.current.code.push(`(global.set $CP (i32.const @@K${cont}@@))`, c.callLabel(label(i.args[1]), u(i.args[0])));
    continueAt(c, cont);
  },
  call_last: (c, i) => {
    const stub = c.stubs_.get(label(i.args[1]));
    c.deallocated = true;   // a raise in the call: the function's return address is in $CP only
    if (stub) { c.current.code.push(deallocate(u(i.args[2])), c.callExternal(c.module, stub.fn, stub.arity, "tail", true), doReturn); return; }
    c.current.code.push(deallocate(u(i.args[2])), c.callLabel(label(i.args[1]), u(i.args[0])));
  },
  call_only: (c, i) => {
    const stub = c.stubs_.get(label(i.args[1]));
    if (stub) { c.current.code.push(c.callExternal(c.module, stub.fn, stub.arity, "tail", true), doReturn); return; }
    c.current.code.push(c.callLabel(label(i.args[1]), u(i.args[0])));
  },
  // a call to this module by name (?MODULE:f(...)) is a local call: Shoal never reloads code, so
  // "the latest version" BEAM's external call asks for is this one
  call_ext: (c, i) => {
    const imp = c.beam.imports[u(i.args[1])];
    if (imp?.module === "erlang" && imp.function === "yield" && imp.arity === 0) { yieldByReturn(c); return; }
    const own = ownFunction(c, u(i.args[1]));
    if (own === undefined) { c.current.code.push(external(c, u(i.args[1]), i, true)); return; }
    const cont = c.freshId();
    c.continuation(cont);
    c.current.code.push(`(global.set $CP (i32.const @@K${cont}@@))`, c.callLabel(own, u(i.args[0])));
    continueAt(c, cont);
  },
  call_ext_last: (c, i) => {
    const own = ownFunction(c, u(i.args[1]));
    c.deallocated = true;   // a raise in the call: the function's return address is in $CP only
    c.current.code.push(deallocate(u(i.args[2])), own === undefined ? `${external(c, u(i.args[1]), i, false)} ${doReturn}` : c.callLabel(own, u(i.args[0])));
  },
  call_ext_only: (c, i) => {
    const own = ownFunction(c, u(i.args[1]));
    c.current.code.push(own === undefined ? `${external(c, u(i.args[1]), i, false)} ${doReturn}` : c.callLabel(own, u(i.args[0])));
  },
  call_fun: (c, i, _d, at) => { const a = u(i.args[0]); c.current.code.push(`(local.set $v (local.get ${c.x(a)}))`); callFun(c, a, tailPosition(c, at)); },
  call_fun2: (c, i, d, at) => { const a = u(i.args[1]); c.current.code.push(`(local.set $v ${c.src(i.args[2], d, i)})`); callFun(c, a, tailPosition(c, at)); },
  apply: (c, i) => { c.current.code.push(applyMfa(c, u(i.args[0]), true)); },
  apply_last: (c, i) => { c.current.code.push(deallocate(u(i.args[1])), applyMfa(c, u(i.args[0]), false), doReturn); },
  make_fun3: (c, i, d) => {
    const idx = u(i.args[0]);
    const l = c.beam.lambdas[idx];
    if (!l) throw new CompileError(`${c.where(i)}: fun ${idx} is not in the fun table`);
    const free = items(i.args[2]);
    // a fun of no free variables is a literal (literals.ts lambdaFun): nothing to allocate
    if (!free.length) { c.current.code.push(c.dst(i.args[1], c.word(c.data.lambdaFun(idx, l.arity - l.numFree)), d, i)); return; }
    c.current.code.push(`(local.set $r (call $make_fun (i32.add (global.get $tb) (i32.const ${idx})) (i32.const ${l.arity - l.numFree}) (i32.const ${free.length})))`,
      ...free.map((f, k) => `(i64.store offset=${14 + 8 * k} (i32.wrap_i64 (local.get $r)) ${c.src(f, d, i)})`),
      c.dst(i.args[1], `(local.get $r)`, d, i));
  },

  // maps
  get_map_elements: (c, i, d) => { mapElements(c, i, d, true); },
  has_map_fields: (c, i, d) => { mapElements(c, i, d, false); },
  put_map_assoc: (c, i, d) => { mapPut(c, i, d, "put"); },
  put_map_exact: (c, i, d) => { mapPut(c, i, d, "update"); },

  // control
  jump: (c, i) => { c.current.code.push(c.jumpLabel(label(i.args[0]))); },
  select_val: (c, i, d) => {
    const pairs = items(i.args[2]);
    const out = [`(local.set $v ${c.src(i.args[0], d, i)})`];
    for (let k = 0; k < pairs.length; k += 2) out.push(`(if (i64.eq (local.get $v) ${c.src(pairs[k], d, i)}) (then ${c.jumpLabel(label(pairs[k + 1]))}))`);
    out.push(c.jumpLabel(label(i.args[1])));
    c.current.code.push(...out);
  },
  select_tuple_arity: (c, i, d) => {
    const pairs = items(i.args[2]);
    const out = [`(local.set $w ${hdr(c.src(i.args[0], d, i))})`];
    for (let k = 0; k < pairs.length; k += 2) out.push(`(if (i64.eq (local.get $w) (i64.const ${header(u(pairs[k]), SUB.TUPLE)})) (then ${c.jumpLabel(label(pairs[k + 1]))}))`);
    out.push(c.jumpLabel(label(i.args[1])));
    c.current.code.push(...out);
  },
  test_arity: (c, i, d) => {
    c.current.code.push(`(local.set $v ${c.src(i.args[1], d, i)})`, unless(c, `(i64.eq ${hdr("(local.get $v)")} (i64.const ${header(u(i.args[2]), SUB.TUPLE)}))`, label(i.args[0])));
  },
  is_tagged_tuple: (c, i, d) => {
    const v = "(local.get $v)";
    c.current.code.push(`(local.set $v ${c.src(i.args[1], d, i)})`,
      unless(c, `(if (result i32) ${isBoxed(v)} (then (if (result i32) (i64.eq ${hdr(v)} (i64.const ${header(u(i.args[2]), SUB.TUPLE)}))
        (then (i64.eq (i64.load offset=6 (i32.wrap_i64 ${v})) ${c.src(i.args[3], d, i)})) (else (i32.const 0)))) (else (i32.const 0)))`, label(i.args[0])));
  },
  is_function2: (c, i, d) => {
    const v = "(local.get $v)";
    c.current.code.push(`(local.set $v ${c.src(i.args[1], d, i)}) (local.set $w ${c.src(i.args[2], d, i)})`,
      unless(c, `(if (result i32) ${isBoxedOf(v, SUB.FUN)} (then (i64.eq (i64.shr_u (i64.load offset=6 (i32.wrap_i64 ${v})) (i64.const 36)) (i64.shr_s (local.get $w) (i64.const 4)))) (else (i32.const 0)))`, label(i.args[0])));
  },

  // BIFs
  bif0: (c, i, d) => { const e = c.beam.imports[u(i.args[0])]; bif(c, e.module, e.function, [], 0, 0, i.args[1], d, i); },
  bif1: (c, i, d) => { const e = c.beam.imports[u(i.args[1])]; bif(c, e.module, e.function, [i.args[2]], label(i.args[0]), 0, i.args[3], d, i); },
  bif2: (c, i, d) => { const e = c.beam.imports[u(i.args[1])]; bif(c, e.module, e.function, [i.args[2], i.args[3]], label(i.args[0]), 0, i.args[4], d, i); },
  gc_bif1: (c, i, d) => { const e = c.beam.imports[u(i.args[2])]; bif(c, e.module, e.function, [i.args[3]], label(i.args[0]), u(i.args[1]), i.args[4], d, i); },
  gc_bif2: (c, i, d) => { const e = c.beam.imports[u(i.args[2])]; bif(c, e.module, e.function, [i.args[3], i.args[4]], label(i.args[0]), u(i.args[1]), i.args[5], d, i); },
  gc_bif3: (c, i, d) => { const e = c.beam.imports[u(i.args[2])]; bif(c, e.module, e.function, [i.args[3], i.args[4], i.args[5]], label(i.args[0]), u(i.args[1]), i.args[6], d, i); },

  // errors
  badmatch: (c, i, d) => { c.current.code.push(raiseErrorTuple(c, "badmatch", c.src(i.args[0], d, i))); },
  case_end: (c, i, d) => { c.current.code.push(raiseErrorTuple(c, "case_clause", c.src(i.args[0], d, i))); },
  try_case_end: (c, i, d) => { c.current.code.push(raiseErrorTuple(c, "try_clause", c.src(i.args[0], d, i))); },
  badrecord: (c, i, d) => { c.current.code.push(raiseErrorTuple(c, "badrecord", c.src(i.args[0], d, i))); },
  if_end: (c) => { c.current.code.push(raiseError(c.atom("if_clause"))); },

  // exceptions
  try: (c, i) => { c.current.code.push(`(call $try_enter (i32.const @@K${c.idOf(label(i.args[1]))}@@))`); },
  try_end: (c) => { c.current.code.push(`(call $try_leave)`); },
  try_case: (c) => {
    c.current.code.push(`(local.set $cls (call $exc_class)) (local.set ${c.x(0)} (local.get $cls))`,
      `(local.set ${c.x(1)} (call $exc_reason)) (local.set ${c.x(2)} (call $exc_trace)) (call $exc_clear)`);
  },
  catch: (c, i) => {
    // the raise path: a stub that makes catch's value and continues after the catch_end
    const after = c.freshId();
    c.catchAfter.set(label(i.args[1]), after);
    const stub = { id: c.freshId(), group: c.group, code: [`(local.set $x0 (call $catch_value))`, `@@J${after}@@`] };
    c.stubs.push(stub);
    c.x(0);
    c.current.code.push(`(call $try_enter (i32.const @@K${stub.id}@@))`);
  },
  catch_end: (c, i) => {
    const after = c.current.label !== undefined ? c.catchAfter.get(c.current.label) : undefined;
    if (after === undefined) throw new CompileError(`${c.where(i)}: catch_end not at its catch's label`);
    c.current.code.push(`(call $try_leave)`);   // the body returned normally: its value is in x0
    c.current.code.push(c.jump(after));
    continueAt(c, after);
  },
  raise: (c, i, d) => {
    c.current.code.push(`(drop (call $raise (local.get $cls) ${c.src(i.args[1], d, i)} ${c.src(i.args[0], d, i)})) (br $exc)`);
  },
  raw_raise: (c) => {
    c.current.code.push(`(drop (call $raise (local.get ${c.x(0)}) (local.get ${c.x(1)}) (local.get ${c.x(2)}))) (br $exc)`);
  },
  build_stacktrace: () => {},   // x0 holds the trace as a list already

  // messages
  send: (c) => {
    c.current.code.push(`(br_if $exc (i32.eqz (call $send_op (local.get ${c.x(0)}) (local.get ${c.x(1)}))))`, `(local.set $x0 (local.get $x1))`);
  },
  loop_rec: (c, i, d) => {
    c.current.code.push(`(local.set $r (call $recv_peek))`, `(if (i64.eqz (local.get $r)) (then ${c.jumpLabel(label(i.args[0]))}))`,
      c.dst(i.args[1], `(local.get $r)`, d, i));
  },
  loop_rec_end: (c, i) => { c.current.code.push(`(call $recv_next)`, c.jumpLabel(label(i.args[0]))); },
  remove_message: (c) => { c.current.code.push(`(drop (call $recv_accept))`); },
  // a wait returns to $run, which waits (waitByReturn)
  wait: (c, i) => { c.current.code.push(waitByReturn(c, label(i.args[0]), "(f64.const inf)", 0)); },
  wait_timeout: (c, i, d) => {
    const timedOut = c.freshId();
    c.current.code.push(`(local.set $v ${c.src(i.args[1], d, i)})`,
      `(if (i32.eqz (call $timeout_ok (local.get $v))) (then ${raiseError(c.atom("timeout_value"))}))`,
      waitByReturn(c, label(i.args[0]), "(call $timeout_ms (local.get $v))", timedOut));
    continueAt(c, timedOut);   // the `timeout` instruction, which follows
  },
  timeout: (c) => { c.current.code.push(`(call $recv_timeout)`); },
  recv_marker_reserve: (c, i, d) => { c.current.code.push(c.dst(i.args[0], `(i64.const ${NIL})`, d, i)); },
  recv_marker_bind: () => {},
  recv_marker_clear: () => {},
  recv_marker_use: () => {},

  // floats
  fmove: (c, i, d) => {
    const [s, t] = i.args;
    if (s.kind === "fr" && t.kind !== "fr") {   // box
      c.current.code.push(bump([`(i64.const ${header(1, SUB.FLOAT)})`, `(i64.reinterpret_f64 (local.get ${c.fr(s.n)}))`]),
        c.dst(t, `(i64.or (i64.extend_i32_u (local.get $t)) (i64.const 2))`, d, i));
    } else if (t.kind === "fr" && s.kind === "fr") {
      c.current.code.push(`(local.set ${c.fr(t.n)} (local.get ${c.fr(s.n)}))`);
    } else if (t.kind === "fr") {             // unbox a float term (a literal or a register known to hold one)
      const v = s.kind === "float" ? `(f64.const ${s.value})` : `(f64.load offset=6 (i32.wrap_i64 ${c.src(s, d, i)}))`;
      c.current.code.push(`(local.set ${c.fr(t.n)} ${v})`);
    } else throw new CompileError(`${c.where(i)}: fmove between two terms`);
  },
  fconv: (c, i, d) => {
    const t = i.args[1] as { n: number };
    c.current.code.push(`(local.set $v ${c.src(i.args[0], d, i)})`,
      `(if (i32.eqz ${TYPE_TESTS.is_number("(local.get $v)")}) (then ${raiseError(`(i64.const ${BADARITH})`)}))`,
      `(local.set ${c.fr(t.n)} (call $to_f64 (local.get $v)))`);
  },
  fadd: (c, i) => { floatOp(c, i, "f64.add"); },
  fsub: (c, i) => { floatOp(c, i, "f64.sub"); },
  fmul: (c, i) => { floatOp(c, i, "f64.mul"); },
  fdiv: (c, i) => { floatOp(c, i, "f64.div"); },
  fnegate: (c, i) => {
    const [, a, t] = i.args as [Operand, { n: number }, { n: number }];
    c.current.code.push(`(local.set ${c.fr(t.n)} (f64.neg (local.get ${c.fr(a.n)})))`);
  },
};

// the type tests and comparisons: test Fail Args...
for (const [name, test] of Object.entries(TYPE_TESTS)) {
  EMITTERS[name] = (c, i, d) => {
    c.current.code.push(`(local.set $v ${c.src(i.args[1], d, i)})`, unless(c, test("(local.get $v)"), label(i.args[0])));
  };
}
/** An operand that is an immediate constant: a small integer, an atom or []; =:= with one is identity. */
const immediate = (op: Operand): boolean =>
  op.kind === "atom" || op.kind === "nil" || (op.kind === "i" && BigInt(op.value) >= -(1n << 59n) && BigInt(op.value) < (1n << 59n));
for (const [name, op] of Object.entries(COMPARE_TESTS)) {
  EMITTERS[name] = (c, i, d) => {
    c.current.code.push(`(local.set $v ${c.src(i.args[1], d, i)}) (local.set $w ${c.src(i.args[2], d, i)})`);
    // exact (in)equality with an immediate needs no call: two terms are =:= to one exactly when their words are equal
    const exactImmediate = (op === "eqx" || op === "nex" || ((op === "eq" || op === "ne") && (i.args[1].kind === "atom" || i.args[1].kind === "nil" || i.args[2].kind === "atom" || i.args[2].kind === "nil")))
      && (immediate(i.args[1]) || immediate(i.args[2]));
    const cond = exactImmediate
      ? (op === "eqx" || op === "eq" ? `(i64.eq (local.get $v) (local.get $w))` : `(i64.ne (local.get $v) (local.get $w))`)
      : compare(op);
    c.current.code.push(unless(c, cond, label(i.args[0])));
  };
}

/** fadd & co: Fail A B Dst on float registers; a result that is not finite is badarith, as on BEAM. */
function floatOp(c: ModuleContext, i: Instruction, op: string): void {
  const [, a, b, t] = i.args as [Operand, { n: number }, { n: number }, { n: number }];
  c.current.code.push(`(local.set ${c.fr(t.n)} (${op} (local.get ${c.fr(a.n)}) (local.get ${c.fr(b.n)})))`,
    `(if (f64.ne (f64.sub (local.get ${c.fr(t.n)}) (local.get ${c.fr(t.n)})) (f64.const 0)) (then ${raiseError(`(i64.const ${BADARITH})`)}))`);
}

