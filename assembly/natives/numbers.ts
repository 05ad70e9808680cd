// Numeric conversions of the erlang module, as natives: functions of the
// native-entry signature (i64 × arity) → i64 (terms in, a term out), named
// erlang_<function>_<arity>, that raise error:badarg (exceptions.ts
// raiseError) and return the non-value 0 on a bad argument, as BEAM's BIFs
// do. They allocate (may collect); arguments are read before the one
// allocation of the result, so none needs a root across it.
//
//   native                          does
//   ------------------------------  ----------------------------------------------------------
//   erlang_integer_to_list_1/2      an integer's digits in base 2..36 (10 by default; letters
//   erlang_integer_to_binary_1/2    upper case), as a list of characters or a binary
//   erlang_list_to_integer_1/2      [+-]digits in base 2..36 (either case), from a list or a
//   erlang_binary_to_integer_1/2    binary; nothing else, not even a space
//   erlang_abs_1                    |N| (-0.0 stays -0.0, as BEAM's abs leaves it)
//   erlang_trunc_1, erlang_round_1  a float to the integer toward zero / nearest, halves away
//                                   from zero, of any size, exactly; an integer is itself
//   erlang_floor_1, erlang_ceil_1   a float to the integer below / above it, exactly
//   erlang_float_1                  a number as a float (a big as BEAM's big_to_double; badarg
//                                   past the largest double)
//   erlang_float_to_list_1          "%.20e": 1.00000000000000000000e+00
//   erlang_float_to_list_2          options, the last format option winning: {decimals, 0..253}
//                                   (BEAM's sys_double_to_chars_fast, below), {scientific, N}
//                                   ("%.Ne"), short (the shortest digits that read back, laid out
//                                   as BEAM lays them: below), compact (trailing zeros of
//                                   decimals dropped, one kept); text of 256 characters or more:
//                                   badarg (BEAM's buffer)
//   erlang_list_to_float_1          Erlang float syntax, [+-]D+.D+([eE][+-]?D+)?, correctly
//                                   rounded; badarg past the largest double
//
// Decimal text of doubles comes from the host (env.float_text, host/floats.ts:
// exact expansions rounded half to even, as printf's) except where BEAM does
// not use printf: {decimals, N} below 2^53 and N < 19 is BEAM's own
// arithmetic (floor, then round((x - floor) * 10^N), halves away from zero),
// done here in the same doubles so it rounds where BEAM's does; and [short]
// lays out the shortest digits D (k of them, first at decimal exponent E) as
// fixed "I.F" when that is no longer than scientific "D.DDDeE" and |x| < 2^53
// (or E < 0), else scientific (1.0e15, 100.0, 0.0001, 1.2e-4: BEAM 25's
// choices, tests/bignum.test.ts).

import {
  Term, NIL, isSmall, smallValue, makeSmall, makeAtom, isList, head, tail, isBoxed, boxedHeader, headerSubtag,
  headerArity, SUB_TUPLE, tupleGet, floatValue, isBinary, binarySize, binaryWords,
} from "../../gc/term/term";
import { consRaw, binaryRaw, binaryData } from "../../gc/term/build";
import { atomOf } from "../../gc/term/atoms";
import {
  isBig, bigNeg, magOf, magN, magNeg, bigWordsFor, resultDigits, finishInteger, scratch, magDivSmall, magTrim,
  magOfF64, bigToF64,
} from "../../gc/term/bignum";
import { PredefinedAtom } from "../boundary/atoms";
import { nativeRaise } from "../runtime/bif_traces";
import { reserve } from "../runtime/alloc";
import { hostFloatText, hostFloatParse } from "../runtime/env";
import { isFloat, isInt, floatResult, arithNeg } from "../runtime/arith";

/** Raise error:badarg; the non-value 0. */
function badarg(): Term { return nativeRaise(makeAtom(PredefinedAtom.BADARG), 0); }

// ── text buffers

/** Text built before the result is allocated (a float's, at most FLOAT_TEXT_MAX bytes). */
// @ts-ignore: decorator
@inline const FLOAT_TEXT_MAX: usize = 1024;
const floatBuf = memory.data(<i32>FLOAT_TEXT_MAX);
/** BEAM's buffer for float_to_list/2: text of 256 characters or more does not fit (badarg). */
// @ts-ignore: decorator
@inline const BEAM_FLOAT_BUF: usize = 256;

/** The text p[0..n) as a list of characters (2n words). */
function textList(p: usize, n: usize): Term {
  reserve(2 * n);
  let l: Term = NIL;
  for (let i = n; i > 0; i--) l = consRaw(makeSmall(<i64>load<u8>(p + i - 1)), l);
  return l;
}

/** The text p[0..n) as a binary. */
function textBinary(p: usize, n: usize): Term {
  reserve(binaryWords(<u32>n));
  const b = binaryRaw(<u32>n);
  memory.copy(binaryData(b), p, n);
  return b;
}

/** listText's answer for a term that is not a list of characters. */
// @ts-ignore: decorator
@inline const NO_TEXT: usize = <usize>-1;
/** Bytes of the list of characters 0..255 `l` copied to scratch memory (textLen of them), or NO_TEXT if it is not one. */
let textLen: usize = 0;
function listText(l: Term): usize {
  let n: usize = 0;
  for (let r = l; ; r = tail(r)) {
    if (r == NIL) break;
    if (!isList(r)) return NO_TEXT;
    const c = head(r);
    if (!isSmall(c) || <u64>smallValue(c) > 255) return NO_TEXT;
    n++;
  }
  const p = scratch(n + 8);
  let i: usize = 0;
  for (let r = l; r != NIL; r = tail(r)) store<u8>(p + i++, <u8>smallValue(head(r)));
  textLen = n;
  return p;
}

// ── integers to text

/** Where integerText leaves its text, and its length. */
let textAt: usize = 0;
/** Write integer `t` in `base` (2..36) to scratch memory: textAt, textLen. */
function integerText(t: Term, base: u32): void {
  const pa = magOf(t, memory.data(8));
  const n = magN, neg = magNeg;
  // chars: at most 32 a digit (base 2), a sign; the working copy of the magnitude before them
  const chars = (<usize>n << 5) + 2;
  const work = scratch((<usize>n << 2) + chars);
  const text = work + (<usize>n << 2);
  memory.copy(work, pa, <usize>n << 2);
  // the largest power of base below 2^32, and its digits
  let chunk: u32 = base, per: u32 = 1;
  while (<u64>chunk * <u64>base <= 0xFFFF_FFFF) { chunk *= base; per++; }
  let at = text + chars;                                // written backwards
  let m = n;
  do {
    let r = magDivSmall(work, work, m, chunk);
    m = magTrim(work, m);
    for (let i: u32 = 0; i < per; i++) {
      const d = r % base;
      r /= base;
      store<u8>(--at, <u8>(d < 10 ? 48 + d : 55 + d));
      if (m == 0 && r == 0) break;                     // the top chunk: no leading zeros
    }
  } while (m != 0);
  if (neg) store<u8>(--at, 45);                          // '-'
  textAt = at;
  textLen = text + chars - at;
}

/** The decimal text of integer t (display.ts): its address in scratch memory, decimalLen() bytes, valid until the next scratch use. */
export function integerDecimal(t: Term): usize { integerText(t, 10); return textAt; }
/** Bytes of integerDecimal's text. */
export function decimalLen(): usize { return textLen; }

/** The base argument: 2..36, else 0. */
function baseOf(b: Term): u32 {
  if (!isSmall(b)) return 0;
  const v = smallValue(b);
  return v >= 2 && v <= 36 ? <u32>v : 0;
}

/** erlang:integer_to_list/1. */
export function erlang_integer_to_list_1(i: Term): Term { return erlang_integer_to_list_2(i, makeSmall(10)); }
/** erlang:integer_to_list/2. */
export function erlang_integer_to_list_2(i: Term, base: Term): Term {
  const b = baseOf(base);
  if (!isInt(i) || !b) return badarg();
  integerText(i, b);
  return textList(textAt, textLen);
}
/** erlang:integer_to_binary/1. */
export function erlang_integer_to_binary_1(i: Term): Term { return erlang_integer_to_binary_2(i, makeSmall(10)); }
/** erlang:integer_to_binary/2. */
export function erlang_integer_to_binary_2(i: Term, base: Term): Term {
  const b = baseOf(base);
  if (!isInt(i) || !b) return badarg();
  integerText(i, b);
  return textBinary(textAt, textLen);
}

// ── text to integers

/** The integer [+-]digits in `base` at p[0..n), or badarg. Reserves bigWordsFor(its digits) words. */
export function textInteger(p: usize, n: usize, base: u32): Term {
  let i: usize = 0;
  let neg = false;
  if (n > 0 && (load<u8>(p) == 43 || load<u8>(p) == 45)) { neg = load<u8>(p) == 45; i = 1; }
  if (i == n) return badarg();
  // digits of the result: each character adds at most log2(36) < 6 bits
  const cap = <u32>((n * 6) >> 5) + 2;
  const r = scratch(<usize>cap << 2);
  memory.fill(r, 0, <usize>cap << 2);
  let m: u32 = 0;
  for (; i < n; i++) {
    const c = <u32>load<u8>(p + i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : c >= 97 && c <= 122 ? c - 87 : 99;
    if (d >= base) return badarg();
    // r = r * base + d
    let carry: u64 = d;
    for (let k: u32 = 0; k < m; k++) {
      const v = <u64>load<u32>(r + (<usize>k << 2)) * <u64>base + carry;
      store<u32>(r + (<usize>k << 2), <u32>v);
      carry = v >> 32;
    }
    if (carry) { store<u32>(r + (<usize>m << 2), <u32>carry); m++; }
  }
  reserve(bigWordsFor(m));
  memory.copy(resultDigits(), r, <usize>m << 2);
  return finishInteger(m, neg);
}

/** erlang:list_to_integer/1. */
export function erlang_list_to_integer_1(l: Term): Term { return erlang_list_to_integer_2(l, makeSmall(10)); }
/** erlang:list_to_integer/2. */
export function erlang_list_to_integer_2(l: Term, base: Term): Term {
  const b = baseOf(base);
  if (!b) return badarg();
  const p = listText(l);
  if (p == NO_TEXT) return badarg();
  const n = textLen;
  // the text is in scratch memory, which textInteger reuses: move it to the float buffer if it fits, else copy aside
  if (n <= FLOAT_TEXT_MAX) { memory.copy(floatBuf, p, n); return textInteger(floatBuf, n, b); }
  const copy = heap.alloc(n);
  memory.copy(copy, p, n);
  const r = textInteger(copy, n, b);
  heap.free(copy);
  return r;
}
/** erlang:binary_to_integer/1. */
export function erlang_binary_to_integer_1(bin: Term): Term { return erlang_binary_to_integer_2(bin, makeSmall(10)); }
/** erlang:binary_to_integer/2. */
export function erlang_binary_to_integer_2(bin: Term, base: Term): Term {
  const b = baseOf(base);
  if (!isBinary(bin) || !b) return badarg();
  const n = <usize>binarySize(bin);
  // the bytes may move in the collection the result's reserve takes: copy them out first
  const copy = heap.alloc(max(n, 1));
  memory.copy(copy, binaryData(bin), n);
  const r = textInteger(copy, n, b);
  heap.free(copy);
  return r;
}

// ── abs, trunc, round, float

/** erlang:abs/1. */
export function erlang_abs_1(n: Term): Term {
  if (isSmall(n)) return smallValue(n) < 0 ? arithNeg(n) : n;
  if (isFloat(n)) { const f = floatValue(n); return f < 0 ? floatResult(-f) : n; }
  if (isBig(n)) return bigNeg(n) ? arithNeg(n) : n;
  return badarg();
}

/** The integer of the integral double f, exactly. */
function integerOfF64(f: f64): Term {
  const m = scratch(70 * 4);
  const n = magOfF64(m, f);
  reserve(bigWordsFor(n));
  memory.copy(resultDigits(), m, <usize>n << 2);
  return finishInteger(n, f < 0);
}

/** erlang:trunc/1. */
export function erlang_trunc_1(n: Term): Term {
  if (isInt(n)) return n;
  if (!isFloat(n)) return badarg();
  return integerOfF64(Math.trunc(floatValue(n)));
}
/** erlang:round/1: halves away from zero (C's round). */
export function erlang_round_1(n: Term): Term {
  if (isInt(n)) return n;
  if (!isFloat(n)) return badarg();
  return integerOfF64(roundAway(floatValue(n)));
}

/** erlang:floor/1: the greatest integer not above n (an integer is itself). */
export function erlang_floor_1(n: Term): Term {
  if (isInt(n)) return n;
  if (!isFloat(n)) return badarg();
  return integerOfF64(Math.floor(floatValue(n)));
}
/** erlang:ceil/1: the least integer not below n. */
export function erlang_ceil_1(n: Term): Term {
  if (isInt(n)) return n;
  if (!isFloat(n)) return badarg();
  return integerOfF64(Math.ceil(floatValue(n)));
}

/** C's round(): to the nearest integer, halves away from zero (exact: |f| - trunc(|f|) is). */
function roundAway(f: f64): f64 {
  const a = Math.abs(f);
  let t = Math.trunc(a);
  if (a - t >= 0.5) t += 1;
  return f < 0 ? -t : t;
}

/** erlang:float/1. */
export function erlang_float_1(n: Term): Term {
  if (isFloat(n)) return n;
  if (isSmall(n)) return floatResult(<f64>smallValue(n));
  if (!isBig(n)) return badarg();
  const f = bigToF64(n);
  if (!isFinite(f)) return badarg();
  return floatResult(f);
}

// ── floats to text

/** erlang:float_to_list/1: "%.20e". */
export function erlang_float_to_list_1(f: Term): Term {
  if (!isFloat(f)) return badarg();
  const n = hostFloatText(floatValue(f), 0, 20, floatBuf);
  return textList(floatBuf, <usize>n);
}

/** What float_to_list/2's options ask. */
// @ts-ignore: decorator
@inline const F_SCI: i32 = 0;
// @ts-ignore: decorator
@inline const F_DECIMALS: i32 = 1;
// @ts-ignore: decorator
@inline const F_SHORT: i32 = 2;

/** The options' atoms, interned on first use (an atom is never freed). */
let optionAtoms = false;
let A_DECIMALS: Term = 0, A_SCIENTIFIC: Term = 0, A_SHORT: Term = 0, A_COMPACT: Term = 0;
function optionAtomsInit(): void {
  A_DECIMALS = atomOf("decimals");
  A_SCIENTIFIC = atomOf("scientific");
  A_SHORT = atomOf("short");
  A_COMPACT = atomOf("compact");
  optionAtoms = true;
}

/** erlang:float_to_list/2. */
export function erlang_float_to_list_2(f: Term, opts: Term): Term {
  if (!isFloat(f)) return badarg();
  let format = F_SCI, prec: i32 = 20, compact = false;
  if (!optionAtoms) optionAtomsInit();
  const decimals = A_DECIMALS, scientific = A_SCIENTIFIC, short = A_SHORT, compactA = A_COMPACT;
  let r = opts;
  for (; isList(r); r = tail(r)) {
    const o = head(r);
    if (o == compactA) { compact = true; continue; }
    if (o == short) { format = F_SHORT; continue; }
    if (!isBoxed(o) || headerSubtag(boxedHeader(o)) != SUB_TUPLE || headerArity(boxedHeader(o)) != 2) return badarg();
    const k = tupleGet(o, 0), v = tupleGet(o, 1);
    if (!isSmall(v) || smallValue(v) < 0) return badarg();
    if (k == decimals) {
      if (smallValue(v) > 253) return badarg();
      format = F_DECIMALS; prec = <i32>smallValue(v);
    } else if (k == scientific) {
      if (smallValue(v) > 249) return badarg();
      format = F_SCI; prec = <i32>smallValue(v);
    } else return badarg();
  }
  if (r != NIL) return badarg();
  const x = floatValue(f);
  let n: usize;
  if (format == F_SCI) n = <usize>hostFloatText(x, 0, prec, floatBuf);
  else if (format == F_SHORT) n = shortText(x);
  else {
    n = decimalsText(x, prec);
    if (n >= BEAM_FLOAT_BUF) return badarg();                       // BEAM measures before compacting
    if (compact && prec > 0) {
      while (load<u8>(floatBuf + n - 1) == 48) n--;                 // '0'
      if (load<u8>(floatBuf + n - 1) == 46) n++;                    // '.': keep one zero
    }
  }
  if (n >= BEAM_FLOAT_BUF) return badarg();
  return textList(floatBuf, n);
}

/** BEAM's float_to_list(X, [{decimals, N}]) text into floatBuf (sys_double_to_chars_fast); its length. */
function decimalsText(x: f64, decimals: i32): usize {
  const neg = (reinterpret<u64>(x) >> 63) != 0;
  const af = Math.abs(x);
  if (af > 9007199254740992.0 || decimals >= 19) return <usize>hostFloatText(x, 1, decimals, floatBuf);
  let intPart: u64, fracPart: u64 = 0;
  if (decimals) {
    const pow = pow10(decimals);
    const intF = Math.floor(af);
    const fracF = roundAway((af - intF) * pow);
    intPart = <u64>intF;
    fracPart = <u64>fracF;
    if (fracF >= pow) { intPart++; fracPart = 0; }                // the rounding carried
  } else intPart = <u64>roundAway(af);
  // written backwards from the end of a 64-byte window, then moved to floatBuf
  const end = floatBuf + 64;
  let at = end;
  if (decimals) {
    for (let i = 0; i < decimals; i++) { store<u8>(--at, <u8>(48 + fracPart % 10)); fracPart /= 10; }
    store<u8>(--at, 46);
  }
  do { store<u8>(--at, <u8>(48 + intPart % 10)); intPart /= 10; } while (intPart);
  if (neg) store<u8>(--at, 45);
  const n = end - at;
  memory.copy(floatBuf, at, n);
  return n;
}

/** 10^k for 0 <= k < 19, exactly as a double (BEAM's table). */
function pow10(k: i32): f64 {
  let p: f64 = 1;
  for (let i = 0; i < k; i++) p *= 10;      // exact up to 10^22
  return p;
}

/** float_to_list(X, [short]) text into floatBuf; its length. */
function shortText(x: f64): usize {
  // the host writes "DDDDeE" at floatBuf + 512: k digits, the first at decimal exponent E
  const src = floatBuf + 512;
  const len = <usize>hostFloatText(x, 2, 0, src);
  let k: usize = 0;
  while (load<u8>(src + k) != 101) k++;                               // 'e'
  let e: i32 = 0, eneg = false;
  for (let i = k + 1; i < len; i++) {
    const c = load<u8>(src + i);
    if (c == 45) eneg = true; else e = e * 10 + <i32>(c - 48);
  }
  if (eneg) e = -e;
  const neg = (reinterpret<u64>(x) >> 63) != 0;
  // scientific: D.DDD (one zero if a single digit) e E; fixed: I.F
  const sciLen = (k == 1 ? 3 : <i32>k + 1) + 1 + (e < 0 ? 1 : 0) + decimalDigits(<u32>abs(e));
  const fixedLen = e >= 0 ? (e + 1) + 1 + max(<i32>k - e - 1, 1) : 2 + (-e - 1) + <i32>k;
  let at = floatBuf;
  if (neg) store<u8>(at++, 45);
  if (fixedLen <= sciLen && (e < 0 || Math.abs(x) < 9007199254740992.0)) {
    if (e < 0) {
      store<u8>(at++, 48); store<u8>(at++, 46);
      for (let i = 0; i < -e - 1; i++) store<u8>(at++, 48);
      for (let i: usize = 0; i < k; i++) store<u8>(at++, load<u8>(src + i));
    } else {
      for (let i = 0; i <= e; i++) store<u8>(at++, i < <i32>k ? load<u8>(src + i) : 48);
      store<u8>(at++, 46);
      if (<i32>k > e + 1) for (let i = e + 1; i < <i32>k; i++) store<u8>(at++, load<u8>(src + i));
      else store<u8>(at++, 48);
    }
  } else {
    store<u8>(at++, load<u8>(src));
    store<u8>(at++, 46);
    if (k == 1) store<u8>(at++, 48);
    for (let i: usize = 1; i < k; i++) store<u8>(at++, load<u8>(src + i));
    store<u8>(at++, 101);
    if (e < 0) store<u8>(at++, 45);
    const ae = <u32>abs(e);
    const nd = decimalDigits(ae);
    let v = ae;
    for (let i = nd; i > 0; i--) { store<u8>(at + i - 1, <u8>(48 + v % 10)); v /= 10; }
    at += nd;
  }
  return at - floatBuf;
}

/** Decimal digits of v (1 for 0). */
function decimalDigits(v: u32): i32 {
  let n = 1;
  while (v >= 10) { v /= 10; n++; }
  return n;
}

// ── text to floats

/** Whether p[0..n) is Erlang float syntax: [+-]D+.D+([eE][+-]?D+)? */
function isFloatSyntax(p: usize, n: usize): bool {
  let i: usize = 0;
  if (i < n && (load<u8>(p) == 43 || load<u8>(p) == 45)) i++;
  let s = i;
  while (i < n && isDigit(load<u8>(p + i))) i++;
  if (i == s || i >= n || load<u8>(p + i) != 46) return false;
  i++;
  s = i;
  while (i < n && isDigit(load<u8>(p + i))) i++;
  if (i == s) return false;
  if (i == n) return true;
  const c = load<u8>(p + i);
  if (c != 101 && c != 69) return false;
  i++;
  if (i < n && (load<u8>(p + i) == 43 || load<u8>(p + i) == 45)) i++;
  s = i;
  while (i < n && isDigit(load<u8>(p + i))) i++;
  return i > s && i == n;
}

// @ts-ignore: decorator
@inline function isDigit(c: u8): bool { return c >= 48 && c <= 57; }

/** erlang:list_to_float/1. */
export function erlang_list_to_float_1(l: Term): Term {
  const p = listText(l);
  if (p == NO_TEXT || !isFloatSyntax(p, textLen)) return badarg();
  const f = hostFloatParse(p, textLen);
  if (!isFinite(f)) return badarg();
  return floatResult(f);
}
