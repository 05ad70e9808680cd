// Binaries: BEAM's bit syntax, matching (bs_start_match*, bs_get_*, bs_skip_*,
// bs_test_*, bs_match_string, positions) and construction (bs_create_bin),
// compiled against the ABI's binaries (make_binary, binary_data; docs/abi.md
// "Boxed terms").
//
// A match context is the compiler's own term, a tuple no Erlang code can
// make (its first element the atom '$shoal_match', which no program has):
//
//   {'$shoal_match', Binary, Offset, End}
//     Binary: the bytes (a binary: a bitstring's own binary when it is not whole bytes)
//     Offset: bits matched so far; End: the bitstring's size in bits (small integers)
//
// It is made by bs_start_match* (5 words: a collection point with BEAM's
// Live count) and updated in place as fields are taken (only its offset, a
// small integer, so no old-to-young pointer is ever written). A context never
// reaches code that could see it as a tuple: BEAM passes one only to
// functions that accept a match context.
//
// Bits are read and written through module helpers, $bits_read and
// $bits_write (big-endian, any bit offset, up to 64 bits; whole bytes at a
// byte offset take the byte loop), $bits_move (a field of any size between
// any offsets; memory.copy when both are byte boundaries and the size whole
// bytes). A result whose size is not whole bytes is a bitstring, a 0xA box
// around its binary (docs/abi.md "Boxed terms"): $bits_new makes the binary,
// $bits_finish the box. Integer fields over 64 bits go to the runtime
// (bits_integer_get / bits_integer_put, gc/term/bits.ts).

import type { Instruction, Operand } from "../beam/index.js";
import { CompileError } from "./error.js";
import { u, label, items, heapWords } from "./operands.js";
import type { ModuleContext } from "./module.js";
import type { Emit } from "./instructions.js";
import { NIL, SUB, header, atomTerm, PREDEFINED } from "./literals.js";


const ERROR = atomTerm(PREDEFINED.error), BADARG = atomTerm(PREDEFINED.badarg);
const raiseBadarg = `(drop (call $raise_trace (i64.const ${ERROR}) (i64.const ${BADARG}) @@T@@)) (br $exc)`;
const FLAG_LITTLE = 2, FLAG_SIGNED = 4;
const MATCH_ATOM = "$shoal_match";

/** Fail to `fail`, or with no fail label, raise error:badarg (a construction or match that cannot be). */
const failTo = (c: ModuleContext, fail: number) => (fail ? c.jumpLabel(fail) : raiseBadarg);

/** Match context accessors on a term expression. */
const ctxBin = (ctx: string) => `(i64.load offset=14 (i32.wrap_i64 ${ctx}))`;
const ctxOff = (ctx: string) => `(i64.shr_s (i64.load offset=22 (i32.wrap_i64 ${ctx})) (i64.const 4))`;
const setCtxOff = (ctx: string, off: string) => `(i64.store offset=22 (i32.wrap_i64 ${ctx}) (i64.or (i64.shl ${off} (i64.const 4)) (i64.const 15)))`;
const ctxEnd = (ctx: string) => `(i64.shr_s (i64.load offset=30 (i32.wrap_i64 ${ctx})) (i64.const 4))`;

/**
 * Flags of a field: a number (matching) or a literal list of atoms (bs_create_bin), nil for none.
 */
function flags(c: ModuleContext, op: Operand): number {
  if (op.kind === "u") return op.value;
  if (op.kind === "nil") return 0;
  if (op.kind === "literal") {
    const v = c.beam.literals[op.index]?.value;
    let f = 0;
    if (Array.isArray(v)) for (const a of v) { const n = String(a); if (n === "little") f |= FLAG_LITTLE; if (n === "signed") f |= FLAG_SIGNED; if (n === "native") f |= FLAG_LITTLE; }
    return f;
  }
  return 0;
}

/** $w := Size × Unit in bits, or to `fail` unless Size is a non-negative small integer (or 'all': `all`). */
function fieldBits(c: ModuleContext, size: Operand, unit: number, d: number, i: Instruction, fail: string, all?: string): string {
  if (size.kind === "atom" && size.name === "all") {
    if (!all) throw new CompileError(`${c.where(i)}: size 'all' here`);
    return all;
  }
  if (size.kind === "i") return `(local.set $w (i64.const ${BigInt(size.value) * BigInt(unit)}))`;
  return `(local.set $w ${c.src(size, d, i)})
    (if (i32.eqz (i32.and (i64.eq (i64.and (local.get $w) (i64.const 15)) (i64.const 15)) (i64.ge_s (local.get $w) (i64.const 0)))) (then ${fail}))
    (local.set $w (i64.mul (i64.shr_s (local.get $w) (i64.const 4)) (i64.const ${unit})))`;
}

/** Make `words` (an i32 expression) free on the heap, the live x registers rooted if it collects. */
function reserveDynamic(c: ModuleContext, words: string, live: number): string {
  return `(local.set $t ${words})
    (if (i32.gt_u (i32.add (global.get $htop) (i32.shl (local.get $t) (i32.const 3))) (global.get $hend))
      (then ${c.spill(live, "(call $gc_reserve (local.get $t))")}))`;
}

/** The integer term of the i64 in $r (as signed, or as unsigned when `unsigned` says so): small, or a big of one limb. */
function integerOf(c: ModuleContext, live: number, unsigned: string): string {
  return `(if (i32.and (i64.eq (i64.shr_s (i64.shl (local.get $r) (i64.const 4)) (i64.const 4)) (local.get $r)) (i32.or (i32.eqz ${unsigned}) (i64.ge_s (local.get $r) (i64.const 0))))
      (then (local.set $r (i64.or (i64.shl (local.get $r) (i64.const 4)) (i64.const 15))))
      (else
        (local.set $u (local.get $r))
        ${c.reserve(3, live)}
        (local.set $t (global.get $htop))
        (i64.store (local.get $t) (i64.const ${header(2, SUB.BIG)}))
        (if (i32.and (i32.eqz ${unsigned}) (i64.lt_s (local.get $u) (i64.const 0)))
          (then (i64.store offset=8 (local.get $t) (i64.const 1)) (i64.store offset=16 (local.get $t) (i64.sub (i64.const 0) (local.get $u))))
          (else (i64.store offset=8 (local.get $t) (i64.const 0)) (i64.store offset=16 (local.get $t) (local.get $u))))
        (global.set $htop (i32.add (local.get $t) (i32.const 24)))
        (local.set $r (i64.or (i64.extend_i32_u (local.get $t)) (i64.const 2)))))`;
}

/**
 * A new bitstring of the $w bits of `ctx` from its offset on, into $r (a binary when $w is whole
 * bytes); the offset moves past them. Whole bytes at a byte offset keep the binary fast path
 * (make_binary and memory.copy inline); any other field takes $bits_new, $bits_move, $bits_finish.
 */
function takeBinary(c: ModuleContext, ctxOp: Operand, live: number, d: number, i: Instruction): string {
  const ctx = () => c.src(ctxOp, d, i);
  return `(if (i64.eqz (i64.and (i64.or ${ctxOff(ctx())} (local.get $w)) (i64.const 7)))
    (then
      ${reserveDynamic(c, `(call $binary_words (i32.wrap_i64 (i64.shr_u (local.get $w) (i64.const 3))))`, live)}
      (local.set $r (call $make_binary (i32.wrap_i64 (i64.shr_u (local.get $w) (i64.const 3)))))
      (memory.copy (call $binary_data (local.get $r))
        (i32.add (call $binary_data ${ctxBin(ctx())}) (i32.wrap_i64 (i64.shr_u ${ctxOff(ctx())} (i64.const 3))))
        (i32.wrap_i64 (i64.shr_u (local.get $w) (i64.const 3)))))
    (else
      ${reserveDynamic(c, `(call $bits_words (local.get $w))`, live)}
      (local.set $r (call $bits_new (local.get $w)))
      (call $bits_move (call $binary_data (local.get $r)) (i64.const 0) (call $binary_data ${ctxBin(ctx())}) ${ctxOff(ctx())} (local.get $w))
      (local.set $r (call $bits_finish (local.get $r) (local.get $w)))))
    ${setCtxOff(ctx(), `(i64.add ${ctxOff(ctx())} (local.get $w))`)}`;
}

/** bs_start_match3 / bs_start_match4: a match context for a binary (or the context given). */
function startMatch(c: ModuleContext, i: Instruction, d: number, fail: number, live: number, src: Operand, dst: Operand): void {
  const v = "(local.get $v)";
  const isCtx = `(if (result i32) (i64.eq (i64.and ${v} (i64.const 3)) (i64.const 2))
      (then (if (result i32) (i64.eq (i64.load (i32.sub (i32.wrap_i64 ${v}) (i32.const 2))) (i64.const ${header(4, SUB.TUPLE)}))
        (then (i64.eq (i64.load offset=6 (i32.wrap_i64 ${v})) ${c.atom(MATCH_ATOM)})) (else (i32.const 0)))) (else (i32.const 0)))`;
  const isBin = `(if (result i32) (i64.eq (i64.and ${v} (i64.const 3)) (i64.const 2))
      (then (local.set $t (i32.and (i32.wrap_i64 (i64.shr_u (i64.load (i32.sub (i32.wrap_i64 ${v}) (i32.const 2))) (i64.const 2))) (i32.const 15)))
        (i32.or (i32.eq (local.get $t) (i32.const ${SUB.BITS})) (i32.or (i32.eq (local.get $t) (i32.const ${SUB.REFC_BIN})) (i32.eq (local.get $t) (i32.const ${SUB.HEAP_BIN}))))) (else (i32.const 0)))`;
  c.current.code.push(`(local.set $v ${c.src(src, d, i)})`,
    `(if ${isCtx} (then (local.set $r ${v}))
      (else
        (if (i32.eqz ${isBin}) (then ${failTo(c, fail)}))
        ${c.reserve(5, live)}
        (local.set $v ${c.src(src, d, i)})
        (local.set $t (global.get $htop))
        (i64.store (local.get $t) (i64.const ${header(4, SUB.TUPLE)}))
        (i64.store offset=8 (local.get $t) ${c.atom(MATCH_ATOM)})
        ;; a bitstring box gives its binary and its size (a small); a binary, itself and its bytes × 8
        (if (i32.eq (call $boxed_subtag ${v}) (i32.const ${SUB.BITS}))
          (then (i64.store offset=16 (local.get $t) (i64.load offset=14 (i32.wrap_i64 ${v})))
            (i64.store offset=32 (local.get $t) (i64.load offset=6 (i32.wrap_i64 ${v}))))
          (else (i64.store offset=16 (local.get $t) ${v})
            (i64.store offset=32 (local.get $t) (i64.or (i64.shl (i64.load offset=6 (i32.wrap_i64 ${v})) (i64.const 7)) (i64.const 15)))))
        (i64.store offset=24 (local.get $t) (i64.const 15))
        (global.set $htop (i32.add (local.get $t) (i32.const 40)))
        (local.set $r (i64.or (i64.extend_i32_u (local.get $t)) (i64.const 2)))))`,
    c.dst(dst, "(local.get $r)", d, i));
}

/** Remaining bits of the context in `ctx` into $u. */
const remaining = (ctx: string) => `(local.set $u (i64.sub ${ctxEnd(ctx)} ${ctxOff(ctx)}))`;

export const BINARY_EMITTERS: Record<string, Emit> = {
  bs_start_match3: (c, i, d) => startMatch(c, i, d, label(i.args[0]), u(i.args[2]), i.args[1], i.args[3]),
  bs_start_match4: (c, i, d) => startMatch(c, i, d, label(i.args[0]), u(i.args[1]), i.args[2], i.args[3]),
  bs_get_position: (c, i, d) => {
    c.current.code.push(c.dst(i.args[1], `(i64.load offset=22 (i32.wrap_i64 ${c.src(i.args[0], d, i)}))`, d, i));
  },
  bs_set_position: (c, i, d) => {
    c.current.code.push(`(i64.store offset=22 (i32.wrap_i64 ${c.src(i.args[0], d, i)}) ${c.src(i.args[1], d, i)})`);
  },
  bs_test_tail2: (c, i, d) => {
    const ctx = c.src(i.args[1], d, i);
    c.current.code.push(remaining(ctx), `(if (i64.ne (local.get $u) (i64.const ${u(i.args[2])})) (then ${c.jumpLabel(label(i.args[0]))}))`);
  },
  bs_test_unit: (c, i, d) => {
    const ctx = c.src(i.args[1], d, i);
    c.current.code.push(remaining(ctx), `(if (i64.ne (i64.rem_u (local.get $u) (i64.const ${u(i.args[2])})) (i64.const 0)) (then ${c.jumpLabel(label(i.args[0]))}))`);
  },
  bs_get_tail: (c, i, d) => {
    // the rest as a binary; the context keeps its position (as erts: code after it may skip from there, as OTP's
    // string:bin_search_loop/5 does), so the offset takeBinary advanced by $w goes back (the context read again:
    // takeBinary may have collected)
    const ctx = c.src(i.args[0], d, i);
    c.current.code.push(remaining(ctx), `(local.set $w (local.get $u))`, takeBinary(c, i.args[0], u(i.args[2]), d, i),
      setCtxOff(c.src(i.args[0], d, i), `(i64.sub ${ctxOff(c.src(i.args[0], d, i))} (local.get $w))`),
      c.dst(i.args[1], "(local.get $r)", d, i));
  },
  bs_skip_bits2: (c, i, d) => {
    // Fail Ctx Size Unit Flags
    const fail = c.jumpLabel(label(i.args[0]));
    const ctx = c.src(i.args[1], d, i);
    c.current.code.push(remaining(ctx),
      fieldBits(c, i.args[2], u(i.args[3]), d, i, fail, `(local.set $w (local.get $u)) (if (i64.ne (i64.rem_u (local.get $u) (i64.const ${u(i.args[3])})) (i64.const 0)) (then ${fail}))`),
      `(if (i64.gt_u (local.get $w) (local.get $u)) (then ${fail}))`,
      setCtxOff(ctx, `(i64.add ${ctxOff(ctx)} (local.get $w))`));
  },
  bs_get_integer2: (c, i, d) => {
    // Fail Ctx Live Size Unit Flags Dst: up to 64 bits read here, wider ones by the runtime (a big)
    const fail = c.jumpLabel(label(i.args[0]));
    const live = u(i.args[2]);
    const f = flags(c, i.args[5]);
    const ctx = c.src(i.args[1], d, i);
    const size = i.args[3], unit = u(i.args[4]);
    const known = size.kind === "i" ? BigInt(size.value) * BigInt(unit) : undefined;
    const narrow = [`(local.set $r (call $bits_read (call $binary_data ${ctxBin(ctx)}) ${ctxOff(ctx)} (i32.wrap_i64 (local.get $w))))`];
    if (f & FLAG_LITTLE) narrow.push(`(local.set $r (call $little_read (local.get $r) (i32.wrap_i64 (local.get $w))))`);
    if (f & FLAG_SIGNED) narrow.push(`(if (i64.lt_u (i64.sub (local.get $w) (i64.const 1)) (i64.const 63)) (then (local.set $r (i64.shr_s (i64.shl (local.get $r) (i64.sub (i64.const 64) (local.get $w))) (i64.sub (i64.const 64) (local.get $w))))))`);
    narrow.push(setCtxOff(ctx, `(i64.add ${ctxOff(ctx)} (local.get $w))`));
    narrow.push(integerOf(c, live, f & FLAG_SIGNED ? "(i32.const 0)" : "(i32.const 1)"));
    const wide = [reserveDynamic(c, `(i32.wrap_i64 (i64.add (i64.const 2) (i64.shr_u (i64.add (local.get $w) (i64.const 63)) (i64.const 6))))`, live),
      `(local.set $r (call $bits_integer_get (call $binary_data ${ctxBin(ctx)}) ${ctxOff(ctx)} (i32.wrap_i64 (local.get $w)) (i32.const ${f & (FLAG_LITTLE | FLAG_SIGNED)})))`,
      setCtxOff(ctx, `(i64.add ${ctxOff(ctx)} (local.get $w))`)];
    const out = [remaining(ctx), fieldBits(c, size, unit, d, i, fail),
      `(if (i64.gt_u (local.get $w) (local.get $u)) (then ${fail}))`];
    if (known !== undefined) out.push(...(known <= 64n ? narrow : wide));
    else out.push(`(if (i64.le_u (local.get $w) (i64.const 64)) (then ${narrow.join("\n")}) (else ${wide.join("\n")}))`);
    out.push(c.dst(i.args[6], "(local.get $r)", d, i));
    c.current.code.push(...out);
  },
  bs_get_binary2: (c, i, d) => {
    // Fail Ctx Live Size Unit Flags Dst
    const fail = c.jumpLabel(label(i.args[0]));
    const unit = u(i.args[4]);
    const ctx = c.src(i.args[1], d, i);
    c.current.code.push(remaining(ctx),
      fieldBits(c, i.args[3], unit, d, i, fail, `(local.set $w (local.get $u)) (if (i64.ne (i64.rem_u (local.get $u) (i64.const ${unit})) (i64.const 0)) (then ${fail}))`),
      `(if (i64.gt_u (local.get $w) (local.get $u)) (then ${fail}))`,
      takeBinary(c, i.args[1], u(i.args[2]), d, i), c.dst(i.args[6], "(local.get $r)", d, i));
  },
  bs_match_string: (c, i, d) => {
    // Fail Ctx Bits Offset(StrT)
    const fail = c.jumpLabel(label(i.args[0]));
    const bits = u(i.args[2]);
    const bytes = c.beam.strings.subarray(u(i.args[3]), u(i.args[3]) + Math.ceil(bits / 8));
    const at = c.data.raw(bytes);
    const ctx = c.src(i.args[1], d, i);
    c.current.code.push(remaining(ctx), `(if (i64.lt_u (local.get $u) (i64.const ${bits})) (then ${fail}))`,
      `(if (i32.eqz (call $bits_equal (call $binary_data ${ctxBin(ctx)}) ${ctxOff(ctx)} (i32.add (global.get $mb) (i32.const ${at})) (i32.const ${bits}))) (then ${fail}))`,
      setCtxOff(ctx, `(i64.add ${ctxOff(ctx)} (i64.const ${bits}))`));
  },
  bs_get_utf8: (c, i, d) => {
    // Fail Ctx Live Flags Dst
    const fail = c.jumpLabel(label(i.args[0]));
    const ctx = c.src(i.args[1], d, i);
    c.current.code.push(remaining(ctx),
      `(local.set $r (call $utf8_decode (call $binary_data ${ctxBin(ctx)}) ${ctxOff(ctx)} (local.get $u)))`,
      `(if (i64.lt_s (local.get $r) (i64.const 0)) (then ${fail}))`,
      setCtxOff(ctx, `(i64.add ${ctxOff(ctx)} (i64.shl (i64.and (local.get $r) (i64.const 7)) (i64.const 3)))`),
      c.dst(i.args[4], `(i64.or (i64.shl (i64.shr_u (local.get $r) (i64.const 3)) (i64.const 4)) (i64.const 15))`, d, i));
  },
  bs_skip_utf8: (c, i, d) => {
    const fail = c.jumpLabel(label(i.args[0]));
    const ctx = c.src(i.args[1], d, i);
    c.current.code.push(remaining(ctx),
      `(local.set $r (call $utf8_decode (call $binary_data ${ctxBin(ctx)}) ${ctxOff(ctx)} (local.get $u)))`,
      `(if (i64.lt_s (local.get $r) (i64.const 0)) (then ${fail}))`,
      setCtxOff(ctx, `(i64.add ${ctxOff(ctx)} (i64.shl (i64.and (local.get $r) (i64.const 7)) (i64.const 3)))`));
  },
  bs_get_utf16: (c, i, d) => utfGet(c, i, d, 16, true),
  bs_skip_utf16: (c, i, d) => utfGet(c, i, d, 16, false),
  bs_get_utf32: (c, i, d) => utfGet(c, i, d, 32, true),
  bs_skip_utf32: (c, i, d) => utfGet(c, i, d, 32, false),
  bs_get_float2: (c, i, d) => {
    // Fail Ctx Live Size Unit Flags Dst: a 64- or 32-bit IEEE float (NaN and infinities fail, as BEAM)
    const fail = c.jumpLabel(label(i.args[0]));
    const live = u(i.args[2]);
    const f = flags(c, i.args[5]);
    const ctx = c.src(i.args[1], d, i);
    c.current.code.push(remaining(ctx), fieldBits(c, i.args[3], u(i.args[4]), d, i, fail),
      `(if (i32.or (i64.gt_u (local.get $w) (local.get $u)) (i32.and (i64.ne (local.get $w) (i64.const 64)) (i64.ne (local.get $w) (i64.const 32)))) (then ${fail}))`,
      `(local.set $r (call $bits_read (call $binary_data ${ctxBin(ctx)}) ${ctxOff(ctx)} (i32.wrap_i64 (local.get $w))))`,
      f & FLAG_LITTLE ? `(local.set $r (call $swap_bytes (local.get $r) (i32.wrap_i64 (local.get $w))))` : "",
      `(local.set $r (if (result i64) (i64.eq (local.get $w) (i64.const 64)) (then (local.get $r))
        (else (i64.reinterpret_f64 (f64.promote_f32 (f32.reinterpret_i32 (i32.wrap_i64 (local.get $r))))))))`,
      `(if (f64.ne (f64.sub (f64.reinterpret_i64 (local.get $r)) (f64.reinterpret_i64 (local.get $r))) (f64.const 0)) (then ${fail}))`,
      setCtxOff(ctx, `(i64.add ${ctxOff(ctx)} (local.get $w))`),
      `(local.set $u (local.get $r))`, c.reserve(2, live),
      `(local.set $t (global.get $htop)) (i64.store (local.get $t) (i64.const ${header(1, SUB.FLOAT)})) (i64.store offset=8 (local.get $t) (local.get $u))`,
      `(global.set $htop (i32.add (local.get $t) (i32.const 16)))`,
      c.dst(i.args[6], `(i64.or (i64.extend_i32_u (local.get $t)) (i64.const 2))`, d, i));
  },
  bs_create_bin: (c, i, d) => createBin(c, i, d),
  // the start of a binary comprehension: x0 (a size hint) becomes the empty binary appended to
  bs_init_writable: (c) => {
    c.current.code.push(`(local.set ${c.x(0)} ${c.word(c.data.literal(new Uint8Array([131, 109, 0, 0, 0, 0]), "<<>>"))})`);
  },
};

/** bs_get_utf16/32 (Fail Ctx Live Flags Dst) and bs_skip_utf16/32 (Fail Ctx Live Flags): a character or to Fail. */
function utfGet(c: ModuleContext, i: Instruction, d: number, bits: 16 | 32, get: boolean): void {
  const fail = c.jumpLabel(label(i.args[0]));
  const little = flags(c, i.args[3]) & FLAG_LITTLE ? 1 : 0;
  const ctx = c.src(i.args[1], d, i);
  c.current.code.push(remaining(ctx),
    `(local.set $r (call $utf${bits}_decode (call $binary_data ${ctxBin(ctx)}) ${ctxOff(ctx)} (local.get $u) (i32.const ${little})))`,
    `(if (i64.lt_s (local.get $r) (i64.const 0)) (then ${fail}))`,
    setCtxOff(ctx, `(i64.add ${ctxOff(ctx)} (i64.shl (i64.and (local.get $r) (i64.const 7)) (i64.const 3)))`));
  if (get) c.current.code.push(c.dst(i.args[4], `(i64.or (i64.shl (i64.shr_u (local.get $r) (i64.const 3)) (i64.const 4)) (i64.const 15))`, d, i));
}

interface Segment { type: string; unit: number; flags: number; value: Operand; size: Operand }

/**
 * bs_create_bin Fail Alloc Live Unit Dst Segments: the size in bits of every segment first (a
 * failure raises badarg, as BEAM), then one binary made and the segments written into it, Alloc
 * words more reserved for the code after it. The values are read again after the allocation, which
 * may collect.
 */
function createBin(c: ModuleContext, i: Instruction, d: number): void {
  const fail = label(i.args[0]);
  const live = u(i.args[2]);
  const list = items(i.args[5]);
  const segs: Segment[] = [];
  for (let k = 0; k + 5 < list.length; k += 6) {
    const t = list[k];
    if (t.kind !== "atom") throw new CompileError(`${c.where(i)}: a segment type that is not an atom`);
    segs.push({ type: t.name, unit: u(list[k + 2]), flags: flags(c, list[k + 3]), value: list[k + 4], size: list[k + 5] });
  }
  const bad = failTo(c, fail);
  const out = c.current.code;
  out.push(`(local.set $bits (i64.const 0))`);   // $bits: the total size in bits
  const v = "(local.get $v)";
  // 1. sizes
  for (const s of segs) {
    out.push(`(local.set $v ${c.src(s.value, d, i)})`);
    switch (s.type) {
      case "integer":
        out.push(`(if (i32.eqz (i32.or (i64.eq (i64.and ${v} (i64.const 15)) (i64.const 15)) (call $is_big ${v}))) (then ${bad}))`,
          fieldBits(c, s.size, s.unit, d, i, bad));
        break;
      case "binary": case "append": case "private_append":
        // a bitstring of any size; 'all' of it must be a whole number of units (a bitstring is no binary)
        out.push(`(if (i32.eqz (call $is_bitstring ${v})) (then ${bad}))`,
          fieldBits(c, s.size, s.unit, d, i, bad, `(local.set $w (call $bitstring_bits ${v}))` +
            (s.unit > 1 ? ` (if (i64.ne (i64.rem_u (local.get $w) (i64.const ${s.unit})) (i64.const 0)) (then ${bad}))` : "")),
          `(if (i64.gt_u (local.get $w) (call $bitstring_bits ${v})) (then ${bad}))`);
        break;
      case "string":
        out.push(`(local.set $w (i64.const ${8 * Number((s.size as { value: number }).value)}))`);
        break;
      case "utf8":
        out.push(`(local.set $r (call $utf8_size ${v}))`, `(if (i64.lt_s (local.get $r) (i64.const 0)) (then ${bad}))`, `(local.set $w (i64.shl (local.get $r) (i64.const 3)))`);
        break;
      case "utf16": case "utf32":
        out.push(`(local.set $r (call $utf8_size ${v}))`, `(if (i64.lt_s (local.get $r) (i64.const 0)) (then ${bad}))`,
          s.type === "utf32" ? `(local.set $w (i64.const 32))` : `(local.set $w (select (i64.const 32) (i64.const 16) (i64.eq (local.get $r) (i64.const 4))))`);
        break;
      case "float":
        out.push(`(if (i32.eqz (i32.or (i64.eq (i64.and ${v} (i64.const 15)) (i64.const 15)) (call $is_float_or_big ${v}))) (then ${bad}))`,
          fieldBits(c, s.size, s.unit, d, i, bad), `(if (i32.and (i64.ne (local.get $w) (i64.const 64)) (i64.ne (local.get $w) (i64.const 32))) (then ${bad}))`);
        break;
      default:
        throw new CompileError(`${c.where(i)}: a ${s.type} segment is not supported yet`);
    }
    out.push(`(local.set $bits (i64.add (local.get $bits) (local.get $w)))`);
  }
  // 2. the binary, and the box if it is not whole bytes (the values may move: read again below),
  // with Alloc words more: the heap the instructions after it use without a test_heap of their own
  // (erlc folds a following put_list's 2 words in here; unreserved, they were bumped past the heap's end)
  const alloc = heapWords(c, i.args[1]);
  out.push(reserveDynamic(c, alloc ? `(i32.add (call $bits_words (local.get $bits)) (i32.const ${alloc}))` : `(call $bits_words (local.get $bits))`, live),
    `(local.set $r (call $bits_new (local.get $bits)))`,
    `(local.set $bits (i64.const 0))`);   // now: the bit offset written so far
  // 3. the segments
  for (const s of segs) {
    out.push(`(local.set $v ${c.src(s.value, d, i)})`);
    switch (s.type) {
      case "integer": {
        // up to 64 bits written here; wider fields by the runtime (any integer's low bits)
        const known = s.size.kind === "i" ? BigInt(s.size.value) * BigInt(s.unit) : undefined;
        const narrow = `(local.set $u (if (result i64) (i64.eq (i64.and ${v} (i64.const 15)) (i64.const 15)) (then (i64.shr_s ${v} (i64.const 4))) (else (call $big_low ${v}))))
          ${s.flags & FLAG_LITTLE ? `(local.set $u (call $little_write (local.get $u) (i32.wrap_i64 (local.get $w))))` : ""}
          (call $bits_write (call $binary_data (local.get $r)) (local.get $bits) (i32.wrap_i64 (local.get $w)) (local.get $u))`;
        const wide = `(call $bits_integer_put (call $binary_data (local.get $r)) (local.get $bits) (i32.wrap_i64 (local.get $w)) (i32.const ${s.flags & FLAG_LITTLE}) ${v})`;
        out.push(fieldBits(c, s.size, s.unit, d, i, bad),
          known !== undefined ? (known <= 64n ? narrow : wide) : `(if (i64.le_u (local.get $w) (i64.const 64)) (then ${narrow}) (else ${wide}))`);
        break;
      }
      case "binary": case "append": case "private_append":
        out.push(fieldBits(c, s.size, s.unit, d, i, bad, `(local.set $w (call $bitstring_bits ${v}))`),
          `(call $bits_copy (call $binary_data (local.get $r)) (local.get $bits) (call $bitstring_data ${v}) (local.get $w))`);
        break;
      case "string": {
        const off = u(s.value), n = Number((s.size as { value: number }).value);
        const at = c.data.raw(c.beam.strings.subarray(off, off + n));
        out.push(`(local.set $w (i64.const ${8 * n}))`,
          `(call $bits_copy (call $binary_data (local.get $r)) (local.get $bits) (i32.add (global.get $mb) (i32.const ${at})) (local.get $w))`);
        break;
      }
      case "utf8":
        out.push(`(local.set $w (i64.shl (call $utf8_encode (call $binary_data (local.get $r)) (local.get $bits) ${v}) (i64.const 3)))`);
        break;
      case "utf16": case "utf32": {
        // UTF-32: the code point; UTF-16: one unit, or a surrogate pair past U+FFFF
        const cp = `(i64.shr_s ${v} (i64.const 4))`;
        const units = s.type === "utf32" ? `(local.set $w (i64.const 32)) (local.set $u ${cp})`
          : `(if (i64.lt_s ${cp} (i64.const 0x10000)) (then (local.set $w (i64.const 16)) (local.set $u ${cp}))
              (else (local.set $w (i64.const 32)) (local.set $u (i64.sub ${cp} (i64.const 0x10000)))
                (local.set $u (i64.or (i64.shl (i64.or (i64.const 0xD800) (i64.shr_u (local.get $u) (i64.const 10))) (i64.const 16))
                  (i64.or (i64.const 0xDC00) (i64.and (local.get $u) (i64.const 0x3FF)))))))`;
        const swap = s.type === "utf32" ? `(local.set $u (call $swap_bytes (local.get $u) (i32.const 32)))`
          : `(local.set $u (if (result i64) (i64.eq (local.get $w) (i64.const 16)) (then (call $swap_bytes (local.get $u) (i32.const 16)))
              (else (i64.or (i64.shl (call $swap_bytes (i64.shr_u (local.get $u) (i64.const 16)) (i32.const 16)) (i64.const 16)) (call $swap_bytes (i64.and (local.get $u) (i64.const 0xFFFF)) (i32.const 16))))))`;
        out.push(units, s.flags & FLAG_LITTLE ? swap : "",
          `(call $bits_write (call $binary_data (local.get $r)) (local.get $bits) (i32.wrap_i64 (local.get $w)) (local.get $u))`);
        break;
      }
      case "float":
        out.push(fieldBits(c, s.size, s.unit, d, i, bad),
          `(local.set $u (if (result i64) (i64.eq (local.get $w) (i64.const 64)) (then (i64.reinterpret_f64 (call $to_f64 ${v})))
            (else (i64.extend_i32_u (i32.reinterpret_f32 (f32.demote_f64 (call $to_f64 ${v})))))))`,
          s.flags & FLAG_LITTLE ? `(local.set $u (call $swap_bytes (local.get $u) (i32.wrap_i64 (local.get $w))))` : "",
          `(call $bits_write (call $binary_data (local.get $r)) (local.get $bits) (i32.wrap_i64 (local.get $w)) (local.get $u))`);
        break;
    }
    out.push(`(local.set $bits (i64.add (local.get $bits) (local.get $w)))`);
  }
  out.push(`(local.set $r (call $bits_finish (local.get $r) (local.get $bits)))`, c.dst(i.args[4], "(local.get $r)", d, i));
}

/** The bit-level helpers every module with binaries has (module.ts adds them to HELPERS). */
export const BINARY_HELPERS = `
  ;; n (0..64) bits big-endian at bit offset off from p, as an unsigned i64
  (func $bits_read (param $p i32) (param $off i64) (param $n i32) (result i64) (local $acc i64) (local $i i32) (local $bit i64)
    (if (i32.eqz (i32.or (i32.wrap_i64 (i64.and (local.get $off) (i64.const 7))) (i32.and (local.get $n) (i32.const 7))))
      (then
        (local.set $p (i32.add (local.get $p) (i32.wrap_i64 (i64.shr_u (local.get $off) (i64.const 3)))))
        (block $done (loop $byte
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $acc (i64.or (i64.shl (local.get $acc) (i64.const 8)) (i64.load8_u (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (local.set $i (i32.add (local.get $i) (i32.const 8)))
          (br $byte)))
        (return (local.get $acc))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $bit (i64.add (local.get $off) (i64.extend_i32_u (local.get $i))))
      (local.set $acc (i64.or (i64.shl (local.get $acc) (i64.const 1))
        (i64.and (i64.shr_u (i64.load8_u (i32.add (local.get $p) (i32.wrap_i64 (i64.shr_u (local.get $bit) (i64.const 3)))))
          (i64.sub (i64.const 7) (i64.and (local.get $bit) (i64.const 7)))) (i64.const 1))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $acc))
  ;; write the low n (0..64) bits of v big-endian at bit offset off from p
  (func $bits_write (param $p i32) (param $off i64) (param $n i32) (param $v i64) (local $i i32) (local $bit i64) (local $a i32) (local $m i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $bit (i64.add (local.get $off) (i64.extend_i32_u (local.get $i))))
      (local.set $a (i32.add (local.get $p) (i32.wrap_i64 (i64.shr_u (local.get $bit) (i64.const 3)))))
      (local.set $m (i32.shl (i32.const 1) (i32.sub (i32.const 7) (i32.wrap_i64 (i64.and (local.get $bit) (i64.const 7))))))
      (if (i64.ne (i64.and (i64.shr_u (local.get $v) (i64.extend_i32_u (i32.sub (i32.sub (local.get $n) (i32.const 1)) (local.get $i)))) (i64.const 1)) (i64.const 0))
        (then (i32.store8 (local.get $a) (i32.or (i32.load8_u (local.get $a)) (local.get $m))))
        (else (i32.store8 (local.get $a) (i32.and (i32.load8_u (local.get $a)) (i32.xor (local.get $m) (i32.const -1))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))))
  ;; copy n bits from bit offset soff of src to bit offset off of p (memory.copy when both are byte
  ;; boundaries and n whole bytes; else 32 bits at a time)
  (func $bits_move (param $p i32) (param $off i64) (param $src i32) (param $soff i64) (param $n i64) (local $i i64) (local $k i32)
    (if (i64.eqz (i64.and (i64.or (i64.or (local.get $off) (local.get $soff)) (local.get $n)) (i64.const 7)))
      (then (memory.copy (i32.add (local.get $p) (i32.wrap_i64 (i64.shr_u (local.get $off) (i64.const 3))))
        (i32.add (local.get $src) (i32.wrap_i64 (i64.shr_u (local.get $soff) (i64.const 3)))) (i32.wrap_i64 (i64.shr_u (local.get $n) (i64.const 3)))) (return)))
    (block $done (loop $next
      (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
      (local.set $k (i32.wrap_i64 (select (i64.const 32) (i64.sub (local.get $n) (local.get $i)) (i64.ge_u (i64.sub (local.get $n) (local.get $i)) (i64.const 32)))))
      (call $bits_write (local.get $p) (i64.add (local.get $off) (local.get $i)) (local.get $k)
        (call $bits_read (local.get $src) (i64.add (local.get $soff) (local.get $i)) (local.get $k)))
      (local.set $i (i64.add (local.get $i) (i64.extend_i32_u (local.get $k))))
      (br $next))))
  ;; copy n bits from byte address src to bit offset off from p
  (func $bits_copy (param $p i32) (param $off i64) (param $src i32) (param $n i64)
    (call $bits_move (local.get $p) (local.get $off) (local.get $src) (i64.const 0) (local.get $n)))
  ;; whether the n bits at bit offset off from p equal the first n bits at q (8 at a time, the rest last)
  (func $bits_equal (param $p i32) (param $off i64) (param $q i32) (param $n i32) (result i32) (local $i i32) (local $k i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $k (select (i32.const 8) (i32.sub (local.get $n) (local.get $i)) (i32.ge_u (i32.sub (local.get $n) (local.get $i)) (i32.const 8))))
      (if (i64.ne (call $bits_read (local.get $p) (i64.add (local.get $off) (i64.extend_i32_u (local.get $i))) (local.get $k))
            (i64.shr_u (i64.load8_u (i32.add (local.get $q) (i32.shr_u (local.get $i) (i32.const 3)))) (i64.extend_i32_u (i32.sub (i32.const 8) (local.get $k)))))
        (then (return (i32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $next)))
    (i32.const 1))
  ;; words $bits_new and $bits_finish take for a bitstring of n bits (its binary, and a box unless whole bytes)
  (func $bits_words (param $n i64) (result i32)
    (i32.add (call $binary_words (i32.wrap_i64 (i64.shr_u (i64.add (local.get $n) (i64.const 7)) (i64.const 3))))
      (select (i32.const 3) (i32.const 0) (i32.wrap_i64 (i64.and (local.get $n) (i64.const 7))))))
  ;; the binary of a bitstring of n bits: ceil(n / 8) bytes, its last byte 0 (its unused bits stay 0)
  (func $bits_new (param $n i64) (result i64) (local $b i64) (local $k i32)
    (local.set $k (i32.wrap_i64 (i64.shr_u (i64.add (local.get $n) (i64.const 7)) (i64.const 3))))
    (local.set $b (call $make_binary (local.get $k)))
    (if (local.get $k) (then (i32.store8 (i32.sub (i32.add (call $binary_data (local.get $b)) (local.get $k)) (i32.const 1)) (i32.const 0))))
    (local.get $b))
  ;; the bitstring of n bits whose binary is b: b itself when n is whole bytes, else a 0xA box (3 words, reserved)
  (func $bits_finish (param $b i64) (param $n i64) (result i64) (local $t i32)
    (if (i64.eqz (i64.and (local.get $n) (i64.const 7))) (then (return (local.get $b))))
    (local.set $t (global.get $htop))
    (i64.store (local.get $t) (i64.const ${header(2, SUB.BITS)}))
    (i64.store offset=8 (local.get $t) (i64.or (i64.shl (local.get $n) (i64.const 4)) (i64.const 15)))
    (i64.store offset=16 (local.get $t) (local.get $b))
    (global.set $htop (i32.add (local.get $t) (i32.const 24)))
    (i64.or (i64.extend_i32_u (local.get $t)) (i64.const 2)))
  ;; a bitstring's size in bits, and the address of its bytes (a binary's, or a box's binary's)
  (func $bitstring_bits (param $v i64) (result i64)
    (if (result i64) (i32.eq (call $boxed_subtag (local.get $v)) (i32.const ${SUB.BITS}))
      (then (i64.shr_s (i64.load offset=6 (i32.wrap_i64 (local.get $v))) (i64.const 4)))
      (else (i64.shl (i64.load offset=6 (i32.wrap_i64 (local.get $v))) (i64.const 3)))))
  (func $bitstring_data (param $v i64) (result i32)
    (call $binary_data (if (result i64) (i32.eq (call $boxed_subtag (local.get $v)) (i32.const ${SUB.BITS}))
      (then (i64.load offset=14 (i32.wrap_i64 (local.get $v)))) (else (local.get $v)))))
  ;; a little-endian field's n bits, read big-endian, as its value: the first byte is the lowest, the
  ;; last n mod 8 bits the highest (BEAM: <<X:12/little>> = <<1, 2:4>> gives 513)
  (func $little_read (param $v i64) (param $n i32) (result i64) (local $r i64) (local $s i64)
    (block $done (loop $next
      (br_if $done (i32.lt_u (local.get $n) (i32.const 8)))
      (local.set $n (i32.sub (local.get $n) (i32.const 8)))
      (local.set $r (i64.or (local.get $r) (i64.shl (i64.and (i64.shr_u (local.get $v) (i64.extend_i32_u (local.get $n))) (i64.const 255)) (local.get $s))))
      (local.set $s (i64.add (local.get $s) (i64.const 8)))
      (br $next)))
    (i64.or (local.get $r) (i64.shl (i64.and (local.get $v) (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $n))) (i64.const 1))) (local.get $s))))
  ;; the n bits to write, big-endian, for value v as a little-endian field (the inverse of $little_read)
  (func $little_write (param $v i64) (param $n i32) (result i64) (local $r i64)
    (block $done (loop $next
      (br_if $done (i32.lt_u (local.get $n) (i32.const 8)))
      (local.set $r (i64.or (i64.shl (local.get $r) (i64.const 8)) (i64.and (local.get $v) (i64.const 255))))
      (local.set $v (i64.shr_u (local.get $v) (i64.const 8)))
      (local.set $n (i32.sub (local.get $n) (i32.const 8)))
      (br $next)))
    (i64.or (i64.shl (local.get $r) (i64.extend_i32_u (local.get $n))) (i64.and (local.get $v) (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $n))) (i64.const 1)))))
  ;; the low n bits of v with their bytes in the other order (n a multiple of 8; little-endian fields)
  (func $swap_bytes (param $v i64) (param $n i32) (result i64) (local $r i64) (local $i i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $r (i64.or (i64.shl (local.get $r) (i64.const 8)) (i64.and (local.get $v) (i64.const 255))))
      (local.set $v (i64.shr_u (local.get $v) (i64.const 8)))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $next)))
    (local.get $r))
  ;; a UTF-8 character at bit offset off (rem bits left): (code point << 3) | bytes, or -1
  (func $utf8_decode (param $p i32) (param $off i64) (param $rem i64) (result i64) (local $b i64) (local $n i32) (local $cp i64) (local $i i32) (local $c i64)
    (if (i64.lt_u (local.get $rem) (i64.const 8)) (then (return (i64.const -1))))
    (local.set $b (call $bits_read (local.get $p) (local.get $off) (i32.const 8)))
    (if (i64.lt_u (local.get $b) (i64.const 0x80)) (then (return (i64.or (i64.shl (local.get $b) (i64.const 3)) (i64.const 1)))))
    (if (i64.eq (i64.and (local.get $b) (i64.const 0xE0)) (i64.const 0xC0)) (then (local.set $n (i32.const 2)) (local.set $cp (i64.and (local.get $b) (i64.const 0x1F))))
      (else (if (i64.eq (i64.and (local.get $b) (i64.const 0xF0)) (i64.const 0xE0)) (then (local.set $n (i32.const 3)) (local.set $cp (i64.and (local.get $b) (i64.const 0x0F))))
        (else (if (i64.eq (i64.and (local.get $b) (i64.const 0xF8)) (i64.const 0xF0)) (then (local.set $n (i32.const 4)) (local.set $cp (i64.and (local.get $b) (i64.const 0x07))))
          (else (return (i64.const -1))))))))
    (if (i64.lt_u (local.get $rem) (i64.extend_i32_u (i32.shl (local.get $n) (i32.const 3)))) (then (return (i64.const -1))))
    (local.set $i (i32.const 1))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $c (call $bits_read (local.get $p) (i64.add (local.get $off) (i64.extend_i32_u (i32.shl (local.get $i) (i32.const 3)))) (i32.const 8)))
      (if (i64.ne (i64.and (local.get $c) (i64.const 0xC0)) (i64.const 0x80)) (then (return (i64.const -1))))
      (local.set $cp (i64.or (i64.shl (local.get $cp) (i64.const 6)) (i64.and (local.get $c) (i64.const 0x3F))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    ;; overlong forms, surrogates and code points past U+10FFFF are not UTF-8
    (if (i32.or (i32.or (i64.gt_u (local.get $cp) (i64.const 0x10FFFF)) (i32.and (i64.ge_u (local.get $cp) (i64.const 0xD800)) (i64.le_u (local.get $cp) (i64.const 0xDFFF))))
          (i64.lt_u (local.get $cp) (select (i64.const 0x80) (select (i64.const 0x800) (i64.const 0x10000) (i32.eq (local.get $n) (i32.const 3))) (i32.eq (local.get $n) (i32.const 2)))))
      (then (return (i64.const -1))))
    (i64.or (i64.shl (local.get $cp) (i64.const 3)) (i64.extend_i32_u (local.get $n))))
  ;; a UTF-16 character (little: 1 for little-endian units): (code point << 3) | bytes, or -1
  (func $utf16_decode (param $p i32) (param $off i64) (param $rem i64) (param $little i32) (result i64) (local $a i64) (local $b i64)
    (if (i64.lt_u (local.get $rem) (i64.const 16)) (then (return (i64.const -1))))
    (local.set $a (call $bits_read (local.get $p) (local.get $off) (i32.const 16)))
    (if (local.get $little) (then (local.set $a (call $swap_bytes (local.get $a) (i32.const 16)))))
    (if (i32.or (i64.lt_u (local.get $a) (i64.const 0xD800)) (i64.gt_u (local.get $a) (i64.const 0xDFFF)))
      (then (return (i64.or (i64.shl (local.get $a) (i64.const 3)) (i64.const 2)))))
    (if (i32.or (i64.gt_u (local.get $a) (i64.const 0xDBFF)) (i64.lt_u (local.get $rem) (i64.const 32))) (then (return (i64.const -1))))
    (local.set $b (call $bits_read (local.get $p) (i64.add (local.get $off) (i64.const 16)) (i32.const 16)))
    (if (local.get $little) (then (local.set $b (call $swap_bytes (local.get $b) (i32.const 16)))))
    (if (i32.or (i64.lt_u (local.get $b) (i64.const 0xDC00)) (i64.gt_u (local.get $b) (i64.const 0xDFFF))) (then (return (i64.const -1))))
    (i64.or (i64.shl (i64.add (i64.const 0x10000) (i64.or (i64.shl (i64.sub (local.get $a) (i64.const 0xD800)) (i64.const 10)) (i64.sub (local.get $b) (i64.const 0xDC00))))
      (i64.const 3)) (i64.const 4)))
  ;; a UTF-32 character: (code point << 3) | 4, or -1
  (func $utf32_decode (param $p i32) (param $off i64) (param $rem i64) (param $little i32) (result i64) (local $a i64)
    (if (i64.lt_u (local.get $rem) (i64.const 32)) (then (return (i64.const -1))))
    (local.set $a (call $bits_read (local.get $p) (local.get $off) (i32.const 32)))
    (if (local.get $little) (then (local.set $a (call $swap_bytes (local.get $a) (i32.const 32)))))
    (if (i32.or (i64.gt_u (local.get $a) (i64.const 0x10FFFF)) (i32.and (i64.ge_u (local.get $a) (i64.const 0xD800)) (i64.le_u (local.get $a) (i64.const 0xDFFF))))
      (then (return (i64.const -1))))
    (i64.or (i64.shl (local.get $a) (i64.const 3)) (i64.const 4)))
  ;; bytes a character term takes in UTF-8, or -1 if it is not one
  (func $utf8_size (param $v i64) (result i64) (local $c i64)
    (if (i64.ne (i64.and (local.get $v) (i64.const 15)) (i64.const 15)) (then (return (i64.const -1))))
    (local.set $c (i64.shr_s (local.get $v) (i64.const 4)))
    (if (i32.or (i64.lt_s (local.get $c) (i64.const 0)) (i64.gt_s (local.get $c) (i64.const 0x10FFFF))) (then (return (i64.const -1))))
    (if (i32.and (i64.ge_s (local.get $c) (i64.const 0xD800)) (i64.le_s (local.get $c) (i64.const 0xDFFF))) (then (return (i64.const -1))))
    (select (i64.const 1) (select (i64.const 2) (select (i64.const 3) (i64.const 4) (i64.lt_s (local.get $c) (i64.const 0x10000))) (i64.lt_s (local.get $c) (i64.const 0x800))) (i64.lt_s (local.get $c) (i64.const 0x80))))
  ;; write a character (checked by $utf8_size) in UTF-8 at bit offset off; its byte count
  (func $utf8_encode (param $p i32) (param $off i64) (param $v i64) (result i64) (local $c i64) (local $n i64)
    (local.set $c (i64.shr_s (local.get $v) (i64.const 4)))
    (local.set $n (call $utf8_size (local.get $v)))
    (if (i64.eq (local.get $n) (i64.const 1)) (then (call $bits_write (local.get $p) (local.get $off) (i32.const 8) (local.get $c))))
    (if (i64.eq (local.get $n) (i64.const 2)) (then (call $bits_write (local.get $p) (local.get $off) (i32.const 16)
      (i64.or (i64.shl (i64.or (i64.const 0xC0) (i64.shr_u (local.get $c) (i64.const 6))) (i64.const 8)) (i64.or (i64.const 0x80) (i64.and (local.get $c) (i64.const 0x3F)))))))
    (if (i64.eq (local.get $n) (i64.const 3)) (then (call $bits_write (local.get $p) (local.get $off) (i32.const 24)
      (i64.or (i64.or (i64.shl (i64.or (i64.const 0xE0) (i64.shr_u (local.get $c) (i64.const 12))) (i64.const 16))
        (i64.shl (i64.or (i64.const 0x80) (i64.and (i64.shr_u (local.get $c) (i64.const 6)) (i64.const 0x3F))) (i64.const 8)))
        (i64.or (i64.const 0x80) (i64.and (local.get $c) (i64.const 0x3F)))))))
    (if (i64.eq (local.get $n) (i64.const 4)) (then (call $bits_write (local.get $p) (local.get $off) (i32.const 32)
      (i64.or (i64.or (i64.shl (i64.or (i64.const 0xF0) (i64.shr_u (local.get $c) (i64.const 18))) (i64.const 24))
        (i64.shl (i64.or (i64.const 0x80) (i64.and (i64.shr_u (local.get $c) (i64.const 12)) (i64.const 0x3F))) (i64.const 16)))
        (i64.or (i64.shl (i64.or (i64.const 0x80) (i64.and (i64.shr_u (local.get $c) (i64.const 6)) (i64.const 0x3F))) (i64.const 8))
          (i64.or (i64.const 0x80) (i64.and (local.get $c) (i64.const 0x3F))))))))
    (local.get $n))
  (func $boxed_subtag (param $v i64) (result i32)
    (if (result i32) (i64.eq (i64.and (local.get $v) (i64.const 3)) (i64.const 2))
      (then (i32.and (i32.wrap_i64 (i64.shr_u (i64.load (i32.sub (i32.wrap_i64 (local.get $v)) (i32.const 2))) (i64.const 2))) (i32.const 15)))
      (else (i32.const -1))))
  (func $is_big (param $v i64) (result i32) (i32.eq (call $boxed_subtag (local.get $v)) (i32.const ${SUB.BIG})))
  (func $is_bitstring (param $v i64) (result i32) (local $s i32) (local.set $s (call $boxed_subtag (local.get $v)))
    (i32.or (i32.eq (local.get $s) (i32.const ${SUB.BITS})) (i32.or (i32.eq (local.get $s) (i32.const ${SUB.REFC_BIN})) (i32.eq (local.get $s) (i32.const ${SUB.HEAP_BIN})))))
  (func $is_float_or_big (param $v i64) (result i32) (local $s i32) (local.set $s (call $boxed_subtag (local.get $v)))
    (i32.or (i32.eq (local.get $s) (i32.const ${SUB.FLOAT})) (i32.eq (local.get $s) (i32.const ${SUB.BIG}))))
  ;; a big integer's low 64 bits, two's complement (an integer field takes its low bits, as BEAM)
  (func $big_low (param $v i64) (result i64) (local $m i64)
    (local.set $m (i64.load offset=14 (i32.wrap_i64 (local.get $v))))
    (select (i64.sub (i64.const 0) (local.get $m)) (local.get $m) (i64.ne (i64.load offset=6 (i32.wrap_i64 (local.get $v))) (i64.const 0))))
`;
