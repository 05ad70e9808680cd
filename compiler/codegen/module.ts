// A .beam module compiled to one Wasm module against Shoal's ABI: the code
// shape docs/depth.md chose by measurement, for BEAM's register machine.
//
// The whole module's code is one Wasm function, $run, a dispatch loop: every
// label (BEAM's, and the continuations the compiler adds after each call) is a
// case of one br_table, laid out in code order as nested blocks, so a jump
// forward is a plain `br` and a jump backward (or to a computed place: a
// return, a handler) sets $k and goes round the loop.
//
//   (loop $dispatch
//     (block $exc
//       (block $B<n> ... (block $B1 (block $B0 (br_table $B0 $B1 ... (local.get $k)))
//                         (return x0))              id 0: return from $run
//                        code of label id 1) ...     falls through to id 2, as BEAM's code does
//       code of label id n)
//     a raise in a call: ours → k := exc_resume(), loop; a caller's → return 0)
//
// BEAM's machine, mapped:
//
//   x registers      locals $x0..: they live only between calls; across a point
//                    that can collect or suspend, the live ones (BEAM gives the
//                    count) are spilled to a frame of root slots and reloaded
//   y registers      the function's frame on the shadow stack, pushed by
//                    `allocate`: slot 0 the continuation (CP), slots 1.. y0..;
//                    a handler frame (2 slots) pushed by `try`/`catch` sits on
//                    top of it, so y addresses shift by 16 per open handler
//                    (known at each instruction: handlerDepths below)
//   CP               local $cp: the id to continue at on `return`; `allocate`
//                    saves it in slot 0, `deallocate` restores it; 0 returns
//                    from $run
//   calls            local: $cp := the continuation's id, jump; to another
//                    module or a native: a call_indirect through the
//                    function table, the index looked up by name once
//                    (export_lookup) and cached in a global; unknown at run
//                    time: apply_mfa, which raises undef as BEAM does
//   reductions       one at each function's entry, inline against shoal_budget; when the
//                    slice ends there the function returns to $run, which yields (reduction())
//   waits            a receive's wait and erlang:yield() return to $run too, which waits or
//                    yields and goes on at loop_rec, the timeout, or the call's continuation
//                    (waitByReturn, yieldByReturn): only $run suspends
//   exceptions       try/catch install the runtime's handler (try_enter) with a
//                    resume id of this module; a raise restores the shadow
//                    stack and hands over the id; a call that returns the
//                    non-value 0 sends us to $exc
//   funs             make_fun of a per-lambda wrapper in the table; calling a
//                    fun is a call_indirect of its entry
//
// Each exported function f/a is an entry `module:f/a` (a wrapper that puts
// its arguments where $run reads them and runs it at f's label), so the
// runtime (spawn, apply) and other modules call it by name.
//
// Invariants: $run returns with the shadow stack as it found it, or 0 after a
// raise whose handler is a caller's; between two calls that can collect, no
// term is held in a local that the collector cannot see, except x registers
// that BEAM says are live, which are spilled around every such call.

import type { BeamFile, BeamFunction, Instruction, Operand } from "../beam/index.js";
import { CompileError } from "./error.js";
import { moduleInfo, type ModuleInfo } from "./module_info.js";
import { DataBuilder, NIL, small, fitsSmall, type Word, header, SUB, PREDEFINED, atomTerm } from "./literals.js";
import { Tag, CP_MODULE_SHIFT } from "../../assembly/boundary/terms.js";
import { cpWord, EXTERNAL_SITE } from "./cp.js";
import { YN_WAIT, YN_YIELD } from "./instructions.js";
import { BINARY_HELPERS } from "./binaries.js";
import { emitterOf } from "./opcode_support.js";
import { ABI_SIGNATURES } from "./abi_signatures.js";

/** Labels (dispatch cases) one Wasm function holds at most: a BEAM function with more is split. */
const MAX_SEGMENTS = 400;

/** The ABI functions compiled code calls (their Wasm signatures: abi_signatures.ts, generated from abi/abi.json). */
const ABI_USED = [
  "reduce", "yield_now", "self", "frame_enter", "frame_leave", "gc_reserve", "make_fun",
  "try_enter", "try_leave", "raise", "raise_trace", "bif_raise", "bif_trace", "fun_trace", "trace_module", "exc_class", "exc_reason", "exc_trace", "exc_clear", "exc_resume", "stack_depth",
  "apply", "apply_mfa", "export_lookup", "spawn_fun", "spawn_mfa",
  "send", "send_named", "recv_peek", "recv_next", "recv_accept", "recv_wait", "recv_timeout",
  "make_binary", "binary_words", "binary_data", "bits_integer_get", "bits_integer_put", "term_order", "term_equal", "atom_intern",
  "arith_add", "arith_sub", "arith_mul", "arith_div", "arith_rem", "arith_fdiv", "arith_neg",
  "arith_band", "arith_bor", "arith_bxor", "arith_bnot", "arith_bsl", "arith_bsr",
];


/** One case of the dispatch: a label (BEAM's or added) and the instructions up to the next. */
export interface Segment {
  /** Its id: the br_table index, the value of $k and of a continuation. */
  id: number;
  /** BEAM's label number, if it is one. */
  label?: number;
  /** The function it belongs to (1..: the dispatch's outer level). */
  group: number;
  code: string[];
}

/** A call_ext target: the cache global of its table index. */
interface External { module: string; fn: string; arity: number }

/** What compiling one module builds up. */
export class ModuleContext {
  readonly data = new DataBuilder();
  readonly module: string;
  readonly segments: Segment[] = [];
  /** BEAM label → segment id. */
  readonly labelIds = new Map<number, number>();
  /** Highest x register used + 1, and float registers. */
  xCount = 1;
  fCount = 0;
  /** Arguments the most any entry or fun passes (x registers and $X globals are at least as many). */
  argCount = 1;
  /** call_indirect types by parameter count. */
  readonly types = new Set<number>();
  /** Arities of the $bif_fix helpers the code calls (bifFix). */
  readonly bifFixArities = new Set<number>();

  /**
   * The raise path after a call that may reach a native (returned the non-value 0): bif_trace with
   * the call's arguments `regs` (locals) pushed to root slots, by a helper per arity (one call at
   * each site: the cold path's code stays small). `place`: bif_trace's frame and cp operands.
   */
  bifFix(mod: string, fn: string, regs: string[], place: string): string {
    const n = regs.length;
    if (n === 0) return `(call $bif_trace ${this.atom(mod)} ${this.atom(fn)} (i32.const 0) ${place})`;
    this.bifFixArities.add(n);
    return `(call $bif_fix${n} ${this.atom(mod)} ${this.atom(fn)} ${regs.map((r) => `(local.get ${r})`).join(" ")} ${place})`;
  }
  /** As bifFix, module and function given as i64 expressions (apply's, atoms at run time). */
  bifFixDynamic(mod: string, fn: string, regs: string[], place: string): string {
    const n = regs.length;
    if (n === 0) return `(call $bif_trace ${mod} ${fn} (i32.const 0) ${place})`;
    this.bifFixArities.add(n);
    return `(call $bif_fix${n} ${mod} ${fn} ${regs.map((r) => `(local.get ${r})`).join(" ")} ${place})`;
  }
  /** call_ext targets, by "m:f/a". */
  readonly externals = new Map<string, number>();
  readonly externalList: External[] = [];
  /** Function being compiled and its handler depth at each instruction (index in its code). */
  fn!: BeamFunction;
  depths!: number[];
  /** Segment being emitted, and its function's group. */
  current!: Segment;
  group = 0;
  /** Stubs (segments reached only by dispatch) added at the end. */
  readonly stubs: Segment[] = [];
  /** Each function group's arity (the x registers live when it is entered by a call). */
  readonly groupArity = new Map<number, number>();
  /** Largest arity of a function whose entry has a reduction check (what $run roots when a slice ends there). */
  maxArity = 0;
  /** Largest number of free variables of a fun (test_heap reserves this much per fun). */
  maxFree = 0;
  /**
   * Entry labels of the module's BIF stubs: functions whose body only calls erlang:nif_error (OTP's
   * lists and maps hold one for each of their BIFs). The runtime's native of that name replaces
   * them: the module does not export them, and its own calls to them call the native by name.
   */
  readonly stubs_ = new Map<number, { fn: string; arity: number }>();
  /** "function/arity" → entry label, for every function of the module. */
  readonly localEntries = new Map<string, number>();
  /** A catch's label → the segment after its catch_end (where the raise path rejoins). */
  readonly catchAfter = new Map<number, number>();
  private nextId = 1;

  constructor(readonly beam: BeamFile) {
    this.module = beam.module;
  }

  /** A fresh segment id (for continuations and stubs). */
  freshId(): number { return this.nextId++; }
  idOf(label: number): number {
    let id = this.labelIds.get(label);
    if (id === undefined) { id = this.freshId(); this.labelIds.set(label, id); }
    return id;
  }

  /** The Line chunk's item of the newest `line` instruction (0: none). */
  lineItem = 0;
  private readonly traces = new Map<string, Word>();

  /** The current location as BEAM writes it in a stack trace: [{file, F}, {line, L}], or []. */
  location(): Word {
    const lines = this.beam.lines;
    const item = lines?.items[this.lineItem];
    if (!lines || !item || item.line === 0) return { kind: "imm", value: NIL };
    const d = this.data;
    return d.listOf([
      d.tupleOf([{ kind: "atom", atom: d.atom("file") }, d.string(lines.files[item.file] ?? `${this.module}.erl`)]),
      d.tupleOf([{ kind: "atom", atom: d.atom("line") }, { kind: "imm", value: small(BigInt(item.line)) }]),
    ]);
  }

  /** The frame of this place in a stack trace: {M, F, Arity, Location} (a literal, made once per place). */
  frame(): Word {
    const key = `${this.fn.name}/${this.fn.arity}@${this.lineItem}`;
    let w = this.traces.get(key);
    if (!w) {
      const d = this.data;
      w = d.tupleOf([{ kind: "atom", atom: d.atom(this.module) }, { kind: "atom", atom: d.atom(this.fn.name) },
        { kind: "imm", value: small(BigInt(this.fn.arity)) }, this.location()]);
      this.traces.set(key, w);
    }
    return w;
  }

  /**
   * raise_trace's last two operands for a raise here: the frame, and the return address when the
   * function has no frame of its own at instruction `at` (then it is only in $CP, not on the
   * shadow stack, where the runtime walks the others from).
   */
  trace(at: number): string {
    return `${this.word(this.frame())} ${this.framed[at] && !this.deallocated ? "(i64.const 0)" : cpWord("(global.get $CP)")}`;
  }

  /** Whether the instruction being compiled left the function's frame before its call (call_ext_last): a raise in the call sees the return address in $CP only. */
  deallocated = false;

  /** Frames of the continuations of body calls (segment id → the frame of the call). */
  readonly contFrames = new Map<number, Word>();
  /** Frames of the calls to other modules, by site number (their CP words' ids are EXTERNAL_SITE + n). */
  readonly siteFrames: Word[] = [];
  /** Whether the current function has its frame (allocate..deallocate) before each instruction. */
  framed!: boolean[];

  /** Continuation `id` of a body call made here: its frame in a trace is this place's. */
  continuation(id: number): void { this.contFrames.set(id, this.frame()); }

  /**
   * `call` (a call to another module, or through a fun or apply, which runs another trampoline)
   * with a CP word pushed in a slot of its own around it, so that a trace walked from inside sees
   * what BEAM's stack would hold there: for a body call ("body") this place, a frame of the trace;
   * for a tail call ("tail") the function's own return address, which is only in $CP (the function
   * has no frame then), so the caller's frame is not lost. The slot is left only when the call
   * returns a value: a raise has restored the stack already.
   */
  withSite(call: string, kind: "body" | "tail" = "body", onRaise = ""): string {
    let word: string;
    if (kind === "body") {
      const n = this.siteFrames.length;
      this.siteFrames.push(this.frame());
      word = cpWord(`(i32.const ${(EXTERNAL_SITE + n) | 0})`);
    } else word = cpWord("(global.get $CP)");
    return `(if (i32.and (i32.ge_u (global.get $sp) (i32.const 8)) (i32.ge_u (i32.sub (global.get $sp) (i32.const 8)) (global.get $sp_limit)))
        (then (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))) (else (call $frame_enter (i32.const 1))))
      (i64.store (global.get $sp) ${word})
      ${call}
      (if (i64.eqz (local.get $r)) (then ${onRaise} (br $exc)))
      (global.set $sp (i32.add (global.get $sp) (i32.const 8)))`;
  }

  /** Where this instruction is, for errors. */
  where(ins?: Instruction): string {
    return `${this.module}.beam: function ${this.fn.name}/${this.fn.arity}${ins ? `: ${ins.name}` : ""}`;
  }

  // ---- operands -----------------------------------------------------------

  x(n: number): string { this.xCount = Math.max(this.xCount, n + 1); return `$x${n}`; }
  fr(n: number): string { this.fCount = Math.max(this.fCount, n + 1); return `$f${n}`; }

  /** Address of y register n at instruction index `at` of the current function. */
  yAddr(n: number, depth: number): string {
    return `(i32.add (global.get $sp) (i32.const ${8 * (n + 1) + 16 * depth + this.pushed}))`;
  }
  /** Bytes of root slots an instruction has pushed above the frame while it reads operands. */
  pushed = 0;

  /** An atom's term as a WAT expression. */
  atom(name: string): string {
    const pre = PREDEFINED[name];
    if (pre !== undefined) return `(i64.const ${atomTerm(pre)})`;
    return `(global.get $atom${this.data.atom(name)})`;
  }

  /** A constant word (literal or immediate) as a WAT expression. */
  word(w: Word): string {
    switch (w.kind) {
      case "imm": return `(i64.const ${BigInt.asIntN(64, w.value)})`;
      case "atom": return `(global.get $atom${w.atom})`;
      case "slot": case "lambda": throw new CompileError(`${this.module}.beam: internal: a fun's entry word outside a literal`);
      case "ptr": return `(i64.extend_i32_u (i32.add (global.get $mb) (i32.const ${w.offset + w.tag})))`;
    }
  }

  /** A source operand's term as a WAT expression (i64), at handler depth `depth`. */
  src(op: Operand, depth: number, ins: Instruction): string {
    switch (op.kind) {
      case "x": return `(local.get ${this.x(op.n)})`;
      case "y": return `(i64.load ${this.yAddr(op.n, depth)})`;
      case "tr": return this.src(op.reg, depth, ins);
      case "atom": return this.atom(op.name);
      case "nil": return `(i64.const ${NIL})`;
      case "i": {
        const v = BigInt(op.value);
        if (fitsSmall(v)) return `(i64.const ${BigInt.asIntN(64, small(v))})`;
        return this.word(this.data.integer(v, this.where(ins)));
      }
      case "literal": return this.word(this.literals[op.index]);
      case "u": return `(i64.const ${small(BigInt(op.value))})`;
      default: throw new CompileError(`${this.where(ins)}: operand ${op.kind} is not a term`);
    }
  }

  /** Store `value` (an i64 expression) into a destination register. */
  dst(op: Operand, value: string, depth: number, ins: Instruction): string {
    switch (op.kind) {
      case "x": return `(local.set ${this.x(op.n)} ${value})`;
      case "y": return `(i64.store ${this.yAddr(op.n, depth)} ${value})`;
      case "tr": return this.dst(op.reg, value, depth, ins);
      default: throw new CompileError(`${this.where(ins)}: operand ${op.kind} is not a register`);
    }
  }

  /** The module's -on_load function (its body holds the on_load instruction), if it has one. */
  onLoad: BeamFunction | undefined;
  /** module_info's answers (literals), filled by compileModule. */
  info!: ModuleInfo;
  /** The module's literals as words (LitT, in order), filled by compileModule. */
  literals: Word[] = [];

  // ---- control ------------------------------------------------------------

  /** Go to segment `id` (a label's or a continuation's). */
  jump(id: number): string {
    // a br when the target lies later in the layout, else round the loop: which one is known only
    // once the layout is (assemble resolves the mark)
    return `@@J${id}@@`;
  }
  /** Go to BEAM label `label` (in this function). */
  jumpLabel(label: number): string { return this.jump(this.idOf(label)); }
  /** Go to `label`, maybe another function's, with x0..x(arity-1) live (a call). */
  callLabel(label: number, arity: number): string { return `@@C${this.idOf(label)}:${arity}@@`; }

  /** `body` with x0..x(live-1) in root slots around it (it may collect or suspend). */
  spill(live: number, body: string): string {
    if (live === 0) return body;
    const save: string[] = [`(call $frame_enter (i32.const ${live}))`];
    for (let i = 0; i < live; i++) save.push(`(i64.store offset=${8 * i} (global.get $sp) (local.get ${this.x(i)}))`);
    const load: string[] = [];
    for (let i = 0; i < live; i++) load.push(`(local.set ${this.x(i)} (i64.load offset=${8 * i} (global.get $sp)))`);
    return `${save.join(" ")} ${body} ${load.join(" ")} (call $frame_leave (i32.const ${live}))`;
  }

  /**
   * `body`, a call that may suspend the process (a yield, a receive's wait, a call out of the
   * module: another module's code or a native may yield or wait), with $CP and $D0 kept across it
   * in the function's locals. They are the running process's registers but Wasm globals of the
   * module, which every process running this module's code shares: while this one is suspended,
   * another one running here overwrites them.
   */
  keepRegisters(body: string): string {
    return `(local.set $sCP (global.get $CP)) (local.set $sD0 (global.get $D0)) ${body} (global.set $CP (local.get $sCP)) (global.set $D0 (local.get $sD0))`;
  }

  /** Make sure `words` words can be bumped from shoal_htop, collecting (live x registers rooted) if not. */
  reserve(words: number, live: number): string {
    if (words === 0) return "";
    return `(if (i32.gt_u (i32.add (global.get $htop) (i32.const ${8 * words})) (global.get $hend)) (then ${this.spill(live, `(call $gc_reserve (i32.const ${words}))`)}))`;
  }

  /** The table slot of a call_ext target, cached after its first lookup (-1 while unknown). */
  external(module: string, fn: string, arity: number): number {
    const key = `${module}:${fn}/${arity}`;
    let i = this.externals.get(key);
    if (i === undefined) {
      i = this.externalList.length;
      this.externalList.push({ module, fn, arity });
      this.externals.set(key, i);
    }
    this.types.add(arity);
    return i;
  }

  /**
   * Call module:fn/arity with x0..x(arity-1), its result to x0; a raise goes to $exc. Looked up by
   * name once; if nothing by that name is linked, apply_mfa raises undef (as BEAM's late binding).
   * `site`: the call's CP word pushed around it (withSite); `native` (a native's name: erlang's, or
   * a BIF stub's): only around apply_mfa, the lookup having found nothing, since a native runs no
   * Erlang code and its own raise is completed by bif_fix from the trace operand.
   */
  callExternal(module: string, fn: string, arity: number, site?: "body" | "tail", native = false): string {
    const i = this.external(module, fn, arity);
    const args = Array.from({ length: arity }, (_, j) => `(local.get ${this.x(j)})`).join(" ");
    const direct = `(local.set $r (call_indirect (type $t${arity}) ${args} (global.get $ext${i})))`;
    const byName = this.argList(arity, `(local.set $r (call $apply_mfa ${this.atom(module)} ${this.atom(fn)} (local.get $r)))`);
    // a native's raise (the callee may be one): BEAM's trace has the BIF's frame, then this place's
    // (on the stack already for a body call: its site's CP word), then the callers'; a tail call's
    // CP word is its return address, not this place, which BEAM keeps for a BIF (call_bif, return)
    const regs = Array.from({ length: arity }, (_, j) => this.x(j));
    const pushed = native ? undefined : site;
    const place = pushed === "body" ? "(i64.const 0) (i64.const 0)" : pushed === "tail" ? `${this.word(this.frame())} (i64.const 0)` : "@@T@@";
    const onRaise = this.bifFix(module, fn, regs, place);
    const lookup = `(if (i32.lt_s (global.get $ext${i}) (i32.const 0))
        (then (global.set $ext${i} (call $export_lookup ${this.atom(module)} ${this.atom(fn)} (i32.const ${arity})))))`;
    const result = `(local.set ${this.x(0)} (local.get $r))`;
    if (pushed) return `${lookup} ${this.withSite(this.keepRegisters(`(if (i32.ge_s (global.get $ext${i}) (i32.const 0)) (then ${direct}) (else ${byName}))`), pushed, onRaise)} ${result}`;
    // a native (`native`): no site around the call, it runs no Erlang code; only around the lookup's
    // failure, apply_mfa's undef, whose trace is [{M, F, Args, []}, this place or the return address, ...]
    const check = `(if (i64.eqz (local.get $r)) (then ${onRaise} (br $exc)))`;
    const failed = site ? this.withSite(this.keepRegisters(byName), site, onRaise) : `${this.keepRegisters(byName)} ${check}`;
    return `${lookup} (if (i32.ge_s (global.get $ext${i}) (i32.const 0)) (then ${this.keepRegisters(direct)} ${check}) (else ${failed})) ${result}`;
  }

  /** x0..x(n-1) as a list in $r (collecting if need be, those registers rooted), then `then`. */
  argList(n: number, then: string, live = n): string {
    const parts = [this.reserve(2 * n, live), `(local.set $r (i64.const ${NIL}))`];
    for (let j = n - 1; j >= 0; j--) {
      parts.push(`(i64.store (global.get $htop) (local.get ${this.x(j)}))`,
        `(i64.store offset=8 (global.get $htop) (local.get $r))`,
        `(local.set $r (i64.or (i64.extend_i32_u (global.get $htop)) (i64.const 1)))`,
        `(global.set $htop (i32.add (global.get $htop) (i32.const 16)))`);
    }
    parts.push(then);
    return parts.join(" ");
  }
}

/** Whether `fn` is a BIF stub: after its entry label, nothing but moves and lines, then a tail call of erlang:nif_error/1,2. */
function isNifStub(beam: BeamFile, fn: BeamFunction): boolean {
  let after = false;
  for (const ins of fn.code) {
    if (ins.name === "label" && (ins.args[0] as { value: number }).value === fn.entry) { after = true; continue; }
    if (!after || ins.name === "line" || ins.name === "move") continue;
    if (ins.name !== "call_ext_only" && ins.name !== "call_ext_last" && ins.name !== "call_ext") return false;
    const imp = beam.imports[(ins.args[1] as { value: number }).value];
    return !!imp && imp.module === "erlang" && imp.function === "nif_error";
  }
  return false;
}

/**
 * Handler depth (open try/catch frames of the current function) before each instruction, and
 * whether the function's frame (allocate ... deallocate) is there: both are the same at every
 * way into a label (BEAM's validator checks it), so each is carried along the code and to labels.
 */
function handlerDepths(fn: BeamFunction, where: string): { depths: number[]; framed: boolean[] } {
  const code = fn.code;
  const atLabel = new Map<number, number>();
  const depths = new Array<number>(code.length).fill(0);
  const framedAt = new Map<number, boolean>();
  const framed = new Array<boolean>(code.length).fill(false);
  const targetOf = (op: Operand | undefined) => (op && op.kind === "f" && op.label !== 0 ? op.label : undefined);
  // two passes: a label reached only by a jump from later code gets its depth on the second
  for (let pass = 0; pass < 2; pass++) {
    let d = 0, f = false, reachable = true;
    for (let i = 0; i < code.length; i++) {
      const ins = code[i];
      if (ins.name === "label") {
        const l = (ins.args[0] as { value: number }).value;
        const known = atLabel.get(l);
        if (known !== undefined) d = known;
        else if (reachable) atLabel.set(l, d);
        const knownF = framedAt.get(l);
        if (knownF !== undefined) f = knownF;
        else if (reachable) framedAt.set(l, f);
        reachable = true;
      }
      depths[i] = d;
      framed[i] = f;
      const reach = (t: number | undefined) => {
        if (t === undefined) return;
        if (!atLabel.has(t)) atLabel.set(t, d);
        if (!framedAt.has(t)) framedAt.set(t, f);
      };
      switch (ins.name) {
        case "try": atLabel.set(targetOf(ins.args[1])!, d); framedAt.set(targetOf(ins.args[1])!, f); d++; break;   // the handler resumes at depth d
        case "catch": atLabel.set(targetOf(ins.args[1])!, d + 1); framedAt.set(targetOf(ins.args[1])!, f); d++; break;   // catch_end is reached with it open
        case "try_end": case "catch_end": d--; break;
        case "try_case": break;                                                   // arrived by a raise: already d
        case "allocate": case "allocate_zero": case "allocate_heap": case "allocate_heap_zero": f = true; break;
        case "deallocate": f = false; break;
        default:
          for (const op of ins.args) {
            reach(targetOf(op));
            if (op.kind === "list") for (const o of op.items) reach(targetOf(o));
          }
      }
      if (d < 0) throw new CompileError(`${where}: try/catch frames do not nest`);
      if (["return", "jump", "call_only", "call_last", "call_ext_only", "call_ext_last", "func_info", "badmatch", "case_end",
        "if_end", "try_case_end", "raise", "wait", "loop_rec_end", "apply_last", "badrecord"].includes(ins.name)) reachable = false;
    }
  }
  return { depths, framed };
}

/**
 * The function name of the entry a module with -on_load(F/0) exports, `module:$on_load/0`: it runs
 * F and exits with its result, ok included, as BEAM's code_server does (host/on_load.ts runs it, before
 * the program, and keeps the module when that reason is ok).
 */
export const ON_LOAD_ENTRY = "$on_load";

/** The WAT text of one .beam module. */
export function compileModule(beam: BeamFile, functions: BeamFunction[]): string {
  const c = new ModuleContext(beam);
  c.literals = beam.literals.map((l, i) => c.data.literal(l.etf, `${beam.module}.beam: literal ${i}`));
  c.info = moduleInfo(beam, functions, c.data);
  for (const l of beam.lambdas) c.maxFree = Math.max(c.maxFree, l.numFree);
  for (const a of c.data.thunkArities) c.types.add(a);   // the export-fun thunks' calls
  c.atom("undef");                                       // (what they raise; atoms must all be known before assemble)
  c.atom("function_clause");                             // ($function_clause raises it)

  for (const fn of functions) {
    c.localEntries.set(`${fn.name}/${fn.arity}`, fn.entry);
    if (isNifStub(beam, fn)) c.stubs_.set(fn.entry, { fn: fn.name, arity: fn.arity });
  }
  // every BEAM label gets its id in code order first, so that ids follow the layout
  for (const fn of functions) for (const ins of fn.code) if (ins.name === "label") c.idOf((ins.args[0] as { value: number }).value);

  for (const fn of functions) {
    c.fn = fn;
    c.lineItem = 0;
    c.group++;
    c.groupArity.set(c.group, fn.arity);
    ({ depths: c.depths, framed: c.framed } = handlerDepths(fn, c.where()));
    for (let i = 0; i < fn.code.length; i++) {
      const ins = fn.code[i];
      if (ins.name === "label") {
        const label = (ins.args[0] as { value: number }).value;
        c.current = { id: c.idOf(label), label, group: c.group, code: [] };
        c.segments.push(c.current);
        if (label === fn.entry) c.current.code.push(reduction(c, fn.arity));
        continue;
      }
      if (ins.name === "line") c.lineItem = (ins.args[0] as { value: number }).value;
      if (!c.current) continue;
      const emit = emitterOf(ins.name);
      if (!emit) throw new CompileError(`${c.where(ins)}: opcode ${ins.opcode} (${ins.name}) is not supported yet`);
      const seg = c.current, from = seg.code.length;
      emit(c, ins, c.depths[i], i);
      // a raise carries the trace of where it is (the instruction may have started new segments)
      for (const s of new Set([seg, c.current, ...c.stubs.slice(-2)])) {
        for (let j = s === seg ? from : 0; j < s.code.length; j++) if (s.code[j].includes("@@T@@")) s.code[j] = s.code[j].replaceAll("@@T@@", c.trace(i));
      }
      c.deallocated = false;
    }
  }
  c.argCount = Math.max(1, ...beam.exports.map((e) => e.arity), ...beam.lambdas.map((l) => l.arity));
  c.xCount = Math.max(c.xCount, c.argCount);
  return assemble(c);
}

/**
 * One reduction at a function's entry. On the slice's end the function does not suspend here: it
 * returns to the trampoline with "continue at my entry" (the negated id of this segment, `@@Y@@`,
 * resolved by assemble: its arguments handed over in the $X globals as a call's, their count in
 * $YN), and $run yields with them rooted, then calls the function again at its entry. Why: a call
 * that may suspend makes Binaryen's Asyncify instrument the function that makes it (a check of its
 * state around every block, the rewind path at entry, which V8 optimises poorly), and every
 * function has an entry; the trampoline is instrumented anyway (its call_indirect may suspend).
 */
function reduction(c: ModuleContext, arity: number): string {
  c.maxArity = Math.max(c.maxArity, arity);
  if (arity) c.x(arity - 1);   // (handed over from locals: they must exist)
  return `(global.set $budget (i32.sub (global.get $budget) (i32.const 1)))
    (if (i32.le_s (global.get $budget) (i32.const 0)) (then @@Y${c.current.id}:${arity}@@))`;
}

/** The module's text: imports, data, $init, $run with its segments in layout order, the entries. */
function assemble(c: ModuleContext): string {
  const { data, beam } = c;
  // the function groups in order, a BEAM function of more than MAX_SEGMENTS labels split into
  // several (Binaryen recurses on block nesting, one block per label); jumps between the pieces
  // of one function hand every x register over
  const groups = new Map<number, Segment[]>();
  const origin = new Map<number, number>();   // group → the BEAM function's group it is a piece of
  const liveIn = new Map<number, number>();
  const split = new Set<number>();            // groups that are pieces of a split function
  {
    const byFunction = new Map<number, Segment[]>();
    for (const s of [...c.segments, ...c.stubs]) {
      let g = byFunction.get(s.group);
      if (!g) byFunction.set(s.group, g = []);
      g.push(s);
    }
    let next = 1;
    for (const f of [...byFunction.keys()].sort((a, b) => a - b)) {
      const segs = byFunction.get(f)!;
      const pieces = Math.ceil(segs.length / MAX_SEGMENTS);
      for (let p = 0; p < pieces; p++) {
        groups.set(next, segs.slice(p * MAX_SEGMENTS, (p + 1) * MAX_SEGMENTS));
        origin.set(next, f);
        liveIn.set(next, pieces > 1 ? c.xCount : Math.max(1, c.groupArity.get(f) ?? 1));
        if (pieces > 1) split.add(next);
        next++;
      }
    }
  }
  // where each segment lands (its id's code: group << 16 | position), known before the data's layout
  // so that the frame table (continuations and call sites → their frames) can be a literal
  const where = new Map<number, { group: number; pos: number }>();
  for (const [g, segs] of groups) segs.forEach((s, i) => where.set(s.id, { group: g, pos: i + 1 }));
  const encode = (id: number): number => {
    const w = where.get(id);
    if (!w) throw new CompileError(`${c.module}.beam: a jump to a label with no code (id ${id})`);
    return (w.group << 16) | w.pos;
  };
  if (groups.size >= 1 << 15) throw new CompileError(`${c.module}.beam: ${groups.size} function groups (at most 32767)`);
  // {Bases, Frames, Sites} (assembly/runtime/traces.ts): group g's positions 0.. at Frames[Bases[g] + pos]
  const bases: Word[] = [], frames: Word[] = [];
  const maxGroup = Math.max(0, ...groups.keys());
  for (let g = 0; g <= maxGroup; g++) {
    bases.push({ kind: "imm", value: small(BigInt(frames.length)) });
    const segs = groups.get(g) ?? [];
    for (let pos = 0; pos <= segs.length; pos++) {
      const f = pos === 0 ? undefined : c.contFrames.get(segs[pos - 1].id);
      frames.push(f ?? { kind: "imm", value: NIL });
    }
  }
  bases.push({ kind: "imm", value: small(BigInt(frames.length)) });
  const frameTable = data.tupleOf([data.tupleOf(bases), data.tupleOf(frames), data.tupleOf(c.siteFrames)]);
  // the on_load entry's frame, for the trace of its exit with F's result
  const onLoadFrame = c.onLoad && data.tupleOf([{ kind: "atom", atom: data.atom(c.module) }, { kind: "atom", atom: data.atom(c.onLoad.name) },
    { kind: "imm", value: small(0n) }, { kind: "imm", value: NIL }]);
  const layout = data.layout();
  const lines: string[] = [];
  lines.push(`(module`);
  lines.push(`  (import "shoal" "memory" (memory 0))`);
  lines.push(`  (import "shoal" "table" (table 0 funcref))`);
  lines.push(`  (import "shoal" "__memory_base" (global $mb i32))`);
  lines.push(`  (import "shoal" "__table_base" (global $tb i32))`);
  lines.push(`  (import "shoal" "shoal_sp" (global $sp (mut i32)))`);
  lines.push(`  (import "shoal" "shoal_sp_limit" (global $sp_limit (mut i32)))`);
  lines.push(`  (import "shoal" "shoal_htop" (global $htop (mut i32)))`);
  lines.push(`  (import "shoal" "shoal_hend" (global $hend (mut i32)))`);
  lines.push(`  (import "shoal" "shoal_budget" (global $budget (mut i32)))`);
  for (const name of ABI_USED) lines.push(`  (import "shoal" "${name}" (func $${name} ${ABI_SIGNATURES[name]}))`);
  for (const n of [...c.types].sort((a, b) => a - b)) lines.push(`  (type $t${n} (func (param${" i64".repeat(n)}) (result i64)))`);
  lines.push(`  (global $ready (mut i32) (i32.const 0))`);
  for (let i = 0; i < data.atoms.length; i++) lines.push(`  (global $atom${i} (mut i64) (i64.const 0))`);
  for (let i = 0; i < c.externalList.length; i++) lines.push(`  (global $ext${i} (mut i32) (i32.const -1))`);
  for (let i = 0; i < c.xCount; i++) lines.push(`  (global $X${i} (mut i64) (i64.const 0))`);
  lines.push(`  (global $CP (mut i32) (i32.const 0))`, `  (global $D0 (mut i32) (i32.const 0))`, `  (global $cpBase (mut i64) (i64.const 0))`);
  // why a group returned -id to $run: the count of arguments of a function whose slice ended at its
  // entry (reduction), YN_WAIT a receive's wait (waitByReturn: its ms, the id after a timeout), YN_YIELD erlang:yield()
  lines.push(`  (global $YN (mut i32) (i32.const 0))`);
  lines.push(`  (global $WMS (mut f64) (f64.const 0)) (global $WT (mut i32) (i32.const 0))`);
  lines.push(`  (type $group (func (param i32) (result i32)))`, `  (type $fenter (func (param i64) (result i32)))`);
  if (layout.bytes.length) lines.push(`  (data (global.get $mb) "${watBytes(layout.bytes)}")`);

  // the table: the funs' wrappers, then the function groups, then the export-fun thunks
  const thunkBase = beam.lambdas.length + groups.size;
  const fenterBase = thunkBase + data.thunkArities.length;   // the funs' $fenter stubs follow the thunks
  // $init: intern the atoms, then fix the literals' words (pointers get the base, atoms their term)
  const init: string[] = [];
  layout.atomNames.forEach((n, i) => {
    init.push(`(local.set $i (call $atom_intern (i32.add (global.get $mb) (i32.const ${n.offset})) (i32.const ${n.length})))`,
      `(if (i32.lt_s (local.get $i) (i32.const 0)) (then (unreachable)))`,   // the atom table is full (system_limit)
      `(global.set $atom${i} (i64.or (i64.shl (i64.extend_i32_u (local.get $i)) (i64.const 6)) (i64.const 11)))`,
      `(i64.store (i32.add (global.get $mb) (i32.const ${layout.atomTable + 8 * i})) (global.get $atom${i}))`);
  });
  lines.push(`  (func $init (local $i i32) (local $p i32) (local $w i32) (local $at i32)
    ${init.join("\n    ")}
    (local.set $p (i32.add (global.get $mb) (i32.const ${layout.relocations})))
    (local.set $i (i32.const ${layout.relocationCount}))
    (block $done (loop $fix
      (br_if $done (i32.eqz (local.get $i)))
      (local.set $at (i32.add (global.get $mb) (i32.load (local.get $p))))
      (local.set $w (i32.load offset=4 (local.get $p)))
      (if (i32.eqz (local.get $w))
        (then (i64.store (local.get $at) (i64.add (i64.load (local.get $at)) (i64.extend_i32_u (global.get $mb)))))
        (else (if (i32.lt_s (local.get $w) (i32.const 0))
          (then (i64.store (local.get $at) (i64.add (i64.load (local.get $at))
            (i64.shl (i64.extend_i32_u (i32.add (global.get $tb) (i32.add (i32.const ${thunkBase}) (i32.and (local.get $w) (i32.const 0x7FFFFFFF))))) (i64.const 4)))))
          (else (if (i32.and (local.get $w) (i32.const 0x40000000))
            (then (i64.store (local.get $at) (i64.add (i64.load (local.get $at))
              (i64.shl (i64.extend_i32_u (i32.add (global.get $tb) (i32.and (local.get $w) (i32.const 0x3FFFFFFF)))) (i64.const 4)))))
            (else (i64.store (local.get $at) (i64.load (i32.add (global.get $mb) (i32.add (i32.const ${layout.atomTable}) (i32.shl (i32.sub (local.get $w) (i32.const 1)) (i32.const 3))))))))))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br $fix)))
    ;; the frame table, for stack traces: the module id goes in every CP word
    (local.set $i (call $trace_module ${c.word(frameTable)}))
    (if (i32.lt_s (local.get $i) (i32.const 0)) (then (unreachable)))
    (global.set $cpBase (i64.or (i64.shl (i64.extend_i32_u (local.get $i)) (i64.const ${CP_MODULE_SHIFT})) (i64.const ${Tag.CP})))
    (global.set $ready (i32.const 1)))`);

  lines.push(helpers(c), BINARY_HELPERS);

  // one Wasm function per BEAM function (its "group": its labels, continuations and stubs), each a
  // dispatch loop over its own labels; $run is the trampoline between them. Jumps within a
  // function are br (forward) or its own loop (backward); a call or return to another function
  // hands the live x registers over in the globals $X.. and returns the id to run next.
  const groupIds = [...groups.keys()].sort((a, b) => a - b);
  const handOver = (live: number) => Array.from({ length: live }, (_, j) => `(global.set $X${j} (local.get $x${j}))`).join(" ");
  const locals = [`(local $r i64) (local $t i32) (local $cls i64) (local $v i64) (local $w i64) (local $u i64) (local $bits i64) (local $sCP i32) (local $sD0 i32)`];
  for (let i = 0; i < c.xCount; i++) locals.push(`(local $x${i} i64)`);
  for (let i = 0; i < c.fCount; i++) locals.push(`(local $f${i} f64)`);
  const groupFuncs: string[] = [];
  for (const g of groupIds) {
    const segs = groups.get(g)!;
    const body: string[] = [];
    // entered from the trampoline: the live x registers come in the globals (a continuation reads
    // x0 only, a handler none; the others are stale and never read before written)
    for (let j = 0; j < liveIn.get(g)!; j++) body.push(`(local.set $x${j} (global.get $X${j}))`);
    body.push(`(loop $L (block $exc`);
    for (let i = segs.length; i >= 1; i--) body.push(`(block $B${i}`);
    body.push(`(block $B0 (br_table $B0 ${segs.map((_, i) => `$B${i + 1}`).join(" ")} (i32.and (local.get $k) (i32.const 65535))))`);
    body.push(`(unreachable))`);
    segs.forEach((s, si) => {
      const here = si + 1;
      const jumpTo = (id: number, live: number) => {
        const there = where.get(id);
        if (!there) throw new CompileError(`${c.module}.beam: a jump to a label with no code (id ${id})`);
        if (there.group === g) return there.pos > here ? `(br $B${there.pos})` : `(local.set $k (i32.const ${encode(id)})) (br $L)`;
        if (live < 0) {   // a jump within one BEAM function, to another piece of it
          if (origin.get(there.group) !== origin.get(g)) throw new CompileError(`${c.module}.beam: internal: a jump out of function group ${g}`);
          live = c.xCount;
        }
        return `${handOver(live)} (return (i32.const ${encode(id)}))`;
      };
      const code = s.code.map((line) => line
        .replace(/@@FENTER@@/g, String(fenterBase))
        .replace(/@@K(\d+)@@/g, (_m, t: string) => String(encode(Number(t))))
        .replace(/@@J(\d+)@@/g, (_m, t: string) => jumpTo(Number(t), -1))
        .replace(/@@C(\d+):(\d+)@@/g, (_m, t: string, live: string) => jumpTo(Number(t), Number(live)))
        .replace(/@@Y(\d+):(\d+)@@/g, (_m, t: string, n: string) => `${handOver(Number(n))} (global.set $YN (i32.const ${n})) (return (i32.const ${-encode(Number(t))}))`)
        .replace(/@@R@@/g, `(local.set $k (global.get $CP)) (if (i32.eq (i32.shr_u (local.get $k) (i32.const 16)) (i32.const ${g})) (then (br $L))) ${handOver(1)} (return (local.get $k))`));
      body.push(`;; ${s.label !== undefined ? `label ${s.label}` : "added"}`, ...code);
      if (si < segs.length - 1) body.push(`)`);   // closes the next segment's block
    });
    body.push(`(unreachable))`);   // nothing falls out of the last segment; closes $exc's block
    // a raise in a call or our own: this activation's handler (its resume id) or a caller's (-1)
    body.push(`(if (i32.lt_s (call $stack_depth) (global.get $D0)) (then (return (i32.const -1))))`);
    body.push(`(local.set $k (call $exc_resume))`);
    body.push(`(if (i32.eq (i32.shr_u (local.get $k) (i32.const 16)) (i32.const ${g})) (then (br $L)))`);
    // (a guard's fail stub may be in another piece of a split function: it reads every x register)
    body.push(`${split.has(g) ? handOver(c.xCount) : ""} (return (local.get $k)))`);
    body.push(`(unreachable)`);
    lines.push(`  (func $g${g} (param $k i32) (result i32) ${locals.join(" ")}\n    ${body.join("\n    ")})`);
    groupFuncs.push(`$g${g}`);
  }
  // the trampoline: runs function groups until one returns to id 0 (x0 is the result) or a raise
  // goes to a caller's handler (0, the non-value); CP and the depth of this activation's bottom
  // are globals, saved and restored around it (a fun or an entry may run it again inside)
  // A group returning -id (< -1) ended its slice at a function's entry (reduction): $run yields
  // here, then calls it again at that entry. Across the yield, a frame of root slots holds what the
  // function needs back: the id, the count of arguments and the registers $CP and $D0 (as small
  // integers), then its $YN arguments. The $X globals, like $CP and $D0, are this module's, shared
  // by every process that runs its code, which may run while this one waits; and in slots rather
  // than locals, nothing is live in $run across the yield but what was (on Asyncify, every local
  // live there is saved in each waiting process's frames). So only $run suspends, not functions.
  const groupBase = beam.lambdas.length;
  const argSlots = (f: (i: number) => string) => Array.from({ length: c.maxArity }, (_, i) => `(if (i32.gt_u (local.get $n) (i32.const ${i})) (then ${f(i)}))`).join(" ");
  const smallOf = (v: string) => `(i64.or (i64.shl (i64.extend_i32_u ${v}) (i64.const 4)) (i64.const 15))`;
  const fromSmall = (offset: number) => `(i32.wrap_i64 (i64.shr_u (i64.load offset=${offset} (global.get $sp)) (i64.const 4)))`;
  lines.push(`  (func $run (param $k i32) (result i64) (local $cp i32) (local $d0 i32) (local $n i32)
    (local.set $cp (global.get $CP)) (local.set $d0 (global.get $D0))
    (global.set $CP (i32.const 0)) (global.set $D0 (call $stack_depth))
    (block $out (loop $next
      (local.set $k (call_indirect (type $group) (local.get $k)
        (i32.add (global.get $tb) (i32.add (i32.const ${groupBase - 1}) (i32.shr_u (local.get $k) (i32.const 16))))))
      (br_if $next (i32.gt_s (local.get $k) (i32.const 0)))
      (br_if $out (i32.eqz (local.get $k)))
      (if (i32.lt_s (local.get $k) (i32.const -1)) (then
        (local.set $n (global.get $YN))
        (if (i32.eq (local.get $n) (i32.const ${YN_YIELD})) (then
          ;; erlang:yield(): again at -k (the call's continuation), its result true
          (call $frame_enter (i32.const 3))
          (i64.store (global.get $sp) ${smallOf("(i32.sub (i32.const 0) (local.get $k))")})
          (i64.store offset=8 (global.get $sp) ${smallOf("(global.get $CP)")})
          (i64.store offset=16 (global.get $sp) ${smallOf("(global.get $D0)")})
          (call $yield_now)
          (local.set $k ${fromSmall(0)})
          (global.set $CP ${fromSmall(8)})
          (global.set $D0 ${fromSmall(16)})
          (call $frame_leave (i32.const 3))
          (global.set $X0 (i64.const ${atomTerm(PREDEFINED.true)}))
          (br $next)))
        (if (i32.eq (local.get $n) (i32.const ${YN_WAIT})) (then
          ;; a receive's wait: again at -k (loop_rec) when a message came, else at $WT (timeout)
          (call $frame_enter (i32.const 4))
          (i64.store (global.get $sp) ${smallOf("(i32.sub (i32.const 0) (local.get $k))")})
          (i64.store offset=8 (global.get $sp) ${smallOf("(global.get $WT)")})
          (i64.store offset=16 (global.get $sp) ${smallOf("(global.get $CP)")})
          (i64.store offset=24 (global.get $sp) ${smallOf("(global.get $D0)")})
          (local.set $n (call $recv_wait (global.get $WMS)))
          (local.set $k (select ${fromSmall(0)} ${fromSmall(8)} (local.get $n)))
          (global.set $CP ${fromSmall(16)})
          (global.set $D0 ${fromSmall(24)})
          (call $frame_leave (i32.const 4))
          (br $next)))
        (call $frame_enter (i32.add (local.get $n) (i32.const 4)))
        (i64.store (global.get $sp) ${smallOf("(i32.sub (i32.const 0) (local.get $k))")})
        (i64.store offset=8 (global.get $sp) ${smallOf("(local.get $n)")})
        (i64.store offset=16 (global.get $sp) ${smallOf("(global.get $CP)")})
        (i64.store offset=24 (global.get $sp) ${smallOf("(global.get $D0)")})
        ${argSlots((i) => `(i64.store offset=${32 + 8 * i} (global.get $sp) (global.get $X${i}))`)}
        (call $yield_now)
        (local.set $k ${fromSmall(0)})
        (local.set $n ${fromSmall(8)})
        (global.set $CP ${fromSmall(16)})
        (global.set $D0 ${fromSmall(24)})
        ${argSlots((i) => `(global.set $X${i} (i64.load offset=${32 + 8 * i} (global.get $sp)))`)}
        (call $frame_leave (i32.add (local.get $n) (i32.const 4)))
        (br $next)))
      ;; -1: not one of ours; ours: where its resume id says
      (if (i32.lt_s (call $stack_depth) (global.get $D0))
        (then (global.set $CP (local.get $cp)) (global.set $D0 (local.get $d0)) (return (i64.const 0))))
      (local.set $k (call $exc_resume))
      (br $next)))
    (global.set $CP (local.get $cp)) (global.set $D0 (local.get $d0))
    (global.get $X0))`);

  // entries: the exported functions, and the funs' wrappers in the table
  for (const e of beam.exports) {
    if (c.stubs_.has(e.label)) continue;   // a native's stub: the runtime's native has the name
    const id = c.labelIds.get(e.label);
    if (id === undefined) throw new CompileError(`${c.module}.beam: export ${e.function}/${e.arity} has no code`);
    const params = Array.from({ length: e.arity }, () => "(param i64)").join(" ");
    const sets = Array.from({ length: e.arity }, (_, j) => `(global.set $X${j} (local.get ${j}))`).join(" ");
    lines.push(`  (func (export "${watString(`${c.module}:${e.function}/${e.arity}`)}") ${params} (result i64)
    (if (i32.eqz (global.get $ready)) (then (call $init))) ${sets} (call $run (i32.const ${encode(id)})))`);
  }
  // the on_load entry: exit(F()), as BEAM's code_server runs F (`exit(call_on_load_function(M))`),
  // so the process running it (host/on_load.ts) ends with F's result as its reason, ok included (a
  // normal end would not tell F returning normal from F returning ok); an exception in F ends it as
  // F's would
  if (c.onLoad) {
    const id = c.labelIds.get(c.onLoad.entry);
    if (id === undefined) throw new CompileError(`${c.module}.beam: on_load function ${c.onLoad.name}/0 has no code`);
    lines.push(`  (func (export "${watString(`${c.module}:${ON_LOAD_ENTRY}/0`)}") (result i64) (local $r i64)
    (if (i32.eqz (global.get $ready)) (then (call $init)))
    (local.set $r (call $run (i32.const ${encode(id)})))
    (if (i64.ne (local.get $r) (i64.const 0))
      (then (drop (call $raise_trace (i64.const ${atomTerm(PREDEFINED.exit)}) (local.get $r) ${c.word(onLoadFrame!)} (i64.const 0))) (return (i64.const 0))))
    (local.get $r))`);
  }
  const funs: string[] = [];
  beam.lambdas.forEach((l, i) => {
    const id = c.labelIds.get(l.label);
    if (id === undefined) throw new CompileError(`${c.module}.beam: fun ${l.function} has no code`);
    const own = l.arity - l.numFree;
    const params = Array.from({ length: own + 1 }, () => "(param i64)").join(" ");
    const sets: string[] = [];
    for (let j = 0; j < own; j++) sets.push(`(global.set $X${j} (local.get ${j}))`);
    for (let k = 0; k < l.numFree; k++) sets.push(`(global.set $X${own + k} (i64.load offset=${14 + 8 * k} (i32.wrap_i64 (local.get ${own}))))`);
    lines.push(`  (func $fun${i} ${params} (result i64)
    (if (i32.eqz (global.get $ready)) (then (call $init))) ${sets.join(" ")} (call $run (i32.const ${encode(id)})))`);
    funs.push(`$fun${i}`);
  });
  funs.push(...groupFuncs);   // the function groups follow the funs in the table (the trampoline's call_indirect)
  // export funs (fun M:F/A literals): code of a fun's type that calls M:F by name (free variables M, F)
  data.thunkArities.forEach((a, j) => {
    c.types.add(a);
    const params = Array.from({ length: a + 1 }, () => "(param i64)").join(" ");
    const args = Array.from({ length: a }, (_, k) => `(local.get ${k})`).join(" ");
    const fun = `(local.get ${a})`;
    lines.push(`  (func $xfun${j} ${params} (result i64) (local $i i32) (local $r i64)
    (local.set $i (call $export_lookup (i64.load offset=14 (i32.wrap_i64 ${fun})) (i64.load offset=22 (i32.wrap_i64 ${fun})) (i32.const ${a})))
    (if (i32.lt_s (local.get $i) (i32.const 0)) (then (drop (call $raise (i64.const ${ERROR}) ${c.atom("undef")} (i64.const ${NIL}))) (return (i64.const 0))))
    (local.set $r (call_indirect (type $t${a}) ${args} (local.get $i)))
    ;; a native's raise: its frame {M, F, Args, ErrorInfo}, the caller's place on the stack already
    (if (i64.eqz (local.get $r)) (then
      ${a ? `(call $frame_enter (i32.const ${a})) ${Array.from({ length: a }, (_, k) => `(i64.store offset=${8 * k} (global.get $sp) (local.get ${k}))`).join(" ")}` : ""}
      (call $bif_trace (i64.load offset=14 (i32.wrap_i64 ${fun})) (i64.load offset=22 (i32.wrap_i64 ${fun})) (i32.const ${a}) (i64.const 0) (i64.const 0))))
    (local.get $r))`);
    funs.push(`$xfun${j}`);
  });
  // a fun of this module entered through the trampoline (instructions.ts callFun): its free
  // variables handed over after its arguments, and the id of its code
  beam.lambdas.forEach((l, j) => {
    const own = l.arity - l.numFree;
    const sets = Array.from({ length: l.numFree }, (_, k) => `(global.set $X${own + k} (i64.load offset=${14 + 8 * k} (i32.wrap_i64 (local.get 0))))`).join(" ");
    lines.push(`  (func $fenter${j} (param i64) (result i32) ${sets} (i32.const ${encode(c.labelIds.get(l.label)!)}))`);
    funs.push(`$fenter${j}`);
  });
  if (funs.length) lines.push(`  (elem (global.get $tb) func ${funs.join(" ")})`);
  lines.push(`)`);
  return lines.join("\n");
}

const ERROR = atomTerm(PREDEFINED.error), THROW = atomTerm(PREDEFINED.throw), EXIT = atomTerm(PREDEFINED.exit);
const BADARG = atomTerm(PREDEFINED.badarg), INFINITY = atomTerm(PREDEFINED.infinity), EXIT_TAG = atomTerm(PREDEFINED.EXIT);

/** Out-of-line helpers every compiled module has (the cold paths of instructions.ts). */
function helpers(c: ModuleContext): string {
  // bif_trace with n arguments in a new frame of n root slots (ModuleContext.bifFix)
  const fixes = [...c.bifFixArities].sort((a, b) => a - b).map((n) => {
    const params = Array.from({ length: n }, (_, j) => `(param $a${j} i64)`).join(" ");
    const stores = Array.from({ length: n }, (_, j) => `(i64.store offset=${8 * j} (global.get $sp) (local.get $a${j}))`).join(" ");
    return `  (func $bif_fix${n} (param $m i64) (param $f i64) ${params} (param $frame i64) (param $cp i64)
    (call $frame_enter (i32.const ${n})) ${stores}
    (call $bif_trace (local.get $m) (local.get $f) (i32.const ${n}) (local.get $frame) (local.get $cp)))`;
  }).join("\n");
  return `${fixes}
  ;; raise error:{Tag, V} (badmatch, case_clause, ...): V rooted while the tuple's words are made;
  ;; frame and cp as raise_trace's
  (func $error_tuple (param $tag i64) (param $v i64) (param $frame i64) (param $cp i64) (local $t i32)
    (call $frame_enter (i32.const 1)) (i64.store (global.get $sp) (local.get $v))
    (call $gc_reserve (i32.const 3))
    (local.set $v (i64.load (global.get $sp))) (call $frame_leave (i32.const 1))
    (local.set $t (global.get $htop))
    (i64.store (local.get $t) (i64.const ${header(2, SUB.TUPLE)}))
    (i64.store offset=8 (local.get $t) (local.get $tag)) (i64.store offset=16 (local.get $t) (local.get $v))
    (global.set $htop (i32.add (local.get $t) (i32.const 24)))
    (drop (call $raise_trace (i64.const ${ERROR}) (i64.or (i64.extend_i32_u (local.get $t)) (i64.const 2)) (local.get $frame) (local.get $cp))))
  ;; raise error:function_clause, the trace's top frame {M, F, Args, Location}, Args the n terms in
  ;; the newest frame of root slots (rooted while the words are made), which it leaves; the
  ;; function has no frame yet: $cp is its return address
  (func $function_clause (param $m i64) (param $f i64) (param $n i32) (param $loc i64) (param $cp i64) (local $t i32) (local $r i64)
    (call $gc_reserve (i32.add (i32.shl (local.get $n) (i32.const 1)) (i32.const 5)))
    (local.set $r (i64.const ${NIL}))
    (block $done (loop $arg
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (local.set $t (global.get $htop))
      (i64.store (local.get $t) (i64.load (i32.add (global.get $sp) (i32.shl (local.get $n) (i32.const 3)))))
      (i64.store offset=8 (local.get $t) (local.get $r))
      (global.set $htop (i32.add (local.get $t) (i32.const 16)))
      (local.set $r (i64.or (i64.extend_i32_u (local.get $t)) (i64.const 1)))
      (br $arg)))
    (local.set $t (global.get $htop))
    (i64.store (local.get $t) (i64.const ${header(4, SUB.TUPLE)}))
    (i64.store offset=8 (local.get $t) (local.get $m)) (i64.store offset=16 (local.get $t) (local.get $f))
    (i64.store offset=24 (local.get $t) (local.get $r)) (i64.store offset=32 (local.get $t) (local.get $loc))
    (global.set $htop (i32.add (local.get $t) (i32.const 40)))
    (drop (call $raise_trace (i64.const ${ERROR}) ${c.atom("function_clause")} (i64.or (i64.extend_i32_u (local.get $t)) (i64.const 2)) (local.get $cp))))
  ;; catch Expr's value after a raise: throw → Reason; error → {'EXIT', {Reason, Trace}}; exit → {'EXIT', Reason}
  ;; (the exception is a root of the process while the words are made, so it is read after)
  (func $catch_value (result i64) (local $cls i64) (local $t i32) (local $r i64)
    (local.set $cls (call $exc_class))
    (if (i64.eq (local.get $cls) (i64.const ${THROW})) (then (local.set $r (call $exc_reason)))
      (else (if (i64.eq (local.get $cls) (i64.const ${EXIT}))
        (then (call $gc_reserve (i32.const 3)) (local.set $r (call $exc_reason)))
        (else (call $gc_reserve (i32.const 6))
          (local.set $t (global.get $htop))
          (i64.store (local.get $t) (i64.const ${header(2, SUB.TUPLE)}))
          (i64.store offset=8 (local.get $t) (call $exc_reason)) (i64.store offset=16 (local.get $t) (call $exc_trace))
          (global.set $htop (i32.add (local.get $t) (i32.const 24)))
          (local.set $r (i64.or (i64.extend_i32_u (local.get $t)) (i64.const 2)))))
        (local.set $t (global.get $htop))
        (i64.store (local.get $t) (i64.const ${header(2, SUB.TUPLE)}))
        (i64.store offset=8 (local.get $t) (i64.const ${EXIT_TAG})) (i64.store offset=16 (local.get $t) (local.get $r))
        (global.set $htop (i32.add (local.get $t) (i32.const 24)))
        (local.set $r (i64.or (i64.extend_i32_u (local.get $t)) (i64.const 2)))))
    (call $exc_clear)
    (local.get $r))
  ;; Dest ! Msg: a pid, or a registered name; anything else (or a name nobody has) raises badarg: 0
  (func $send_op (param $to i64) (param $m i64) (result i32)
    (if (i64.eq (i64.and (local.get $to) (i64.const 15)) (i64.const 3)) (then (call $send (local.get $to) (local.get $m)) (return (i32.const 1))))
    (if (i64.eq (i64.and (local.get $to) (i64.const 63)) (i64.const 11))
      (then (if (call $send_named (local.get $to) (local.get $m)) (then (return (i32.const 1))))))
    (drop (call $raise (i64.const ${ERROR}) (i64.const ${BADARG}) (i64.const ${NIL})))
    (i32.const 0))
  ;; length of a proper list, -1 if improper
  (func $list_length (param $l i64) (result i64) (local $n i64)
    (block $done (loop $next
      (br_if $done (i64.ne (i64.and (local.get $l) (i64.const 3)) (i64.const 1)))
      (local.set $n (i64.add (local.get $n) (i64.const 1)))
      (local.set $l (i64.load offset=7 (i32.wrap_i64 (local.get $l))))
      (br $next)))
    (select (local.get $n) (i64.const -1) (i64.eq (local.get $l) (i64.const ${NIL}))))
  ;; receive ... after T: T a non-negative integer or infinity
  (func $timeout_ok (param $v i64) (result i32)
    (i32.or (i64.eq (local.get $v) (i64.const ${INFINITY}))
      (i32.and (i64.eq (i64.and (local.get $v) (i64.const 15)) (i64.const 15)) (i64.ge_s (local.get $v) (i64.const 0)))))
  (func $timeout_ms (param $v i64) (result f64)
    (if (result f64) (i64.eq (local.get $v) (i64.const ${INFINITY})) (then (f64.const inf))
      (else (f64.convert_i64_s (i64.shr_s (local.get $v) (i64.const 4))))))
  ;; a number as a float (fconv): small, boxed integer, or float
  (func $to_f64 (param $v i64) (result f64)
    (if (i64.eq (i64.and (local.get $v) (i64.const 15)) (i64.const 15)) (then (return (f64.convert_i64_s (i64.shr_s (local.get $v) (i64.const 4))))))
    (if (i32.eq (i32.and (i32.wrap_i64 (i64.shr_u (i64.load (i32.sub (i32.wrap_i64 (local.get $v)) (i32.const 2))) (i64.const 2))) (i32.const 15)) (i32.const ${SUB.FLOAT}))
      (then (return (f64.load offset=6 (i32.wrap_i64 (local.get $v))))))
    (call $big_to_f64 (local.get $v)))
  ;; a big integer as the nearest float (limbs from the top: exact to within rounding, as float/1)
  (func $big_to_f64 (param $v i64) (result f64) (local $p i32) (local $n i32) (local $f f64)
    (local.set $p (i32.sub (i32.wrap_i64 (local.get $v)) (i32.const 2)))
    (local.set $n (i32.sub (i32.wrap_i64 (i64.shr_u (i64.load (local.get $p)) (i64.const 6))) (i32.const 1)))
    (block $done (loop $limb
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (local.set $f (f64.add (f64.mul (local.get $f) (f64.const 18446744073709551616))
        (f64.convert_i64_u (i64.load offset=16 (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 3)))))))
      (br $limb)))
    (select (f64.neg (local.get $f)) (local.get $f) (i64.ne (i64.load offset=8 (local.get $p)) (i64.const 0))))
`;
}

function watBytes(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x >= 0x20 && x < 0x7F && x !== 0x22 && x !== 0x5C ? String.fromCharCode(x) : `\\${x.toString(16).padStart(2, "0")}`;
  return s;
}

export function watString(s: string): string {
  return watBytes(new TextEncoder().encode(s));
}

