// Integers of any size: the big integer term (subtag 0x2) and the algorithms
// on magnitudes that Erlang's arithmetic (assembly/runtime/arith.ts), the
// numeric conversions (assembly/natives/numbers.ts), term order, phash2 and
// the External Term Format read and build them with.
//
// ╒══════════════ big integer (subtag 0x2), 2 + L words ══════════════╕
//   +0   header     makeHeader(SUB_BIG, 1 + L)
//   +8   sign       0: positive, 1: negative
//   +16  limb 0     the magnitude, L >= 1 limbs of 64 bits, least
//   ...             significant first (so its bytes, in memory, are the
//   +8+8L limb L-1  little-endian magnitude ETF's SMALL_BIG_EXT carries)
// └────────────────────────────────────────────────────────────────────┘
//
// Invariants (checked where a big is built, `if (DEBUG)`):
//   - an integer in the small range (-2^59 <= v < 2^59) is always a small
//     integer; a big never holds one (so two integers are =:= exactly when
//     their words are equal (small) or their sign and limbs are (big));
//   - a big is canonical: its top limb is not zero.
// So a big's magnitude is at least 2^59, and it sorts outside every small.
//
// The algorithms see a magnitude as n 32-bit digits, little-endian (the
// same bytes as the limbs: a big of L limbs has 2L digits, or 2L - 1 when
// its top limb's high half is 0), so that a digit product and carries fit a
// u64 (Wasm has no 64x64→128 multiply). A magnitude of n digits at p is
// written "p[n]"; n = 0 is zero. They write their results into memory the
// caller provides and never allocate, collect or fail:
//
//   magCmp   a[na] against b[nb]            magAdd   r = a + b (r: max + 1 digits)
//   magSub   r = a - b, a >= b (r: na)      magMul   r = a * b (r: na + nb, zeroed here)
//   magDivSmall  q = a / d, returns a % d   magDivRem   q = a / b, r = a % b (Knuth's
//   magShl / magShr  r = a << k, a >> k                 algorithm D, TAOCP 4.3.1)
//   twos / untwos  to and from two's complement (bitwise operations on negatives)
//
// Building: the caller reserves bigWordsFor(digits) words (assembly/runtime/
// alloc.ts reserve), computes the result's digits at resultDigits() (just
// above the heap's top, where a big's limbs will be), then finishInteger()
// trims them and makes the small integer, or writes the header and sign
// around them and bumps exactly the words they take. Operands are read
// through magOf(), which views a big's limbs in place and copies a small's
// magnitude to a buffer of the caller's.

import {
  Term, makeSmall, smallValue, isSmall, isBoxed, boxedHeader, headerArity, headerSubtag, termPtr, makeHeader, makeBoxed,
  SUB_BIG, SMALL_MAX, SMALL_MIN,
} from "./term";
import { htop, bump } from "../mem/heap";
import { vecStatic, vecReserve } from "../mem/vec";
import { DEBUG } from "../mem/debug";

// ── the term

/** Whether `t` is a big integer. */
export function isBig(t: Term): bool { return isBoxed(t) && headerSubtag(boxedHeader(t)) == SUB_BIG; }
/** Limbs (64-bit) of a big. */
// @ts-ignore: decorator
@inline export function bigLimbs(t: Term): usize { return <usize>headerArity(boxedHeader(t)) - 1; }
/** Whether a big is negative. */
// @ts-ignore: decorator
@inline export function bigNeg(t: Term): bool { return load<u64>(termPtr(t), 8) != 0; }
/** Address of a big's limb 0 (its digits, little-endian). */
// @ts-ignore: decorator
@inline export function bigData(t: Term): usize { return termPtr(t) + 16; }
/** Digits (32-bit) of a big's magnitude. */
export function bigDigits(t: Term): u32 {
  const l = bigLimbs(t);
  return (<u32>l << 1) - (load<u32>(bigData(t) + (l << 3) - 4) == 0 ? 1 : 0);
}
/** Whether big `t` keeps the invariants: a limb at least, the top one not 0, the value outside the small range. */
export function isCanonicalBig(t: Term): bool {
  const l = bigLimbs(t);
  if (l < 1 || load<u64>(bigData(t) + ((l - 1) << 3)) == 0) return false;
  if (l > 1) return true;
  const m = load<u64>(bigData(t));
  return bigNeg(t) ? m > <u64>(-SMALL_MIN) : m > <u64>SMALL_MAX;
}
/** Words a big of n digits takes (header, sign, limbs). */
// @ts-ignore: decorator
@inline export function bigWordsFor(n: u32): usize { return 2 + ((<usize>n + 1) >> 1); }

/** The most words an integer may take; past it, arithmetic fails with system_limit (as BEAM's, near 2^26 bits). */
// @ts-ignore: decorator
@inline export const BIG_MAX_DIGITS: u32 = 1 << 21;

// ── operands: a magnitude view of an integer term

/** The view's digit count and sign, set by magOf. */
export let magN: u32 = 0;
export let magNeg: bool = false;

/**
 * View the magnitude of integer `t`: its address (a big's limbs in place, or
 * `buf`, 8 bytes the caller owns, holding a small's magnitude); magN and
 * magNeg say its digits and sign.
 */
export function magOf(t: Term, buf: usize): usize {
  if (isSmall(t)) {
    const v = smallValue(t);
    magNeg = v < 0;
    const m: u64 = v < 0 ? <u64>(-v) : <u64>v;
    store<u64>(buf, m);
    magN = m == 0 ? 0 : m >> 32 ? 2 : 1;
    return buf;
  }
  if (DEBUG) assert(isBig(t) && isCanonicalBig(t));
  magNeg = bigNeg(t);
  magN = bigDigits(t);
  return bigData(t);
}

/** Digits of integer `t`'s magnitude (0 for 0). */
export function integerDigits(t: Term): u32 {
  if (!isSmall(t)) return bigDigits(t);
  const v = smallValue(t);
  const m: u64 = v < 0 ? <u64>(-v) : <u64>v;
  return m == 0 ? 0 : m >> 32 ? 2 : 1;
}

// ── building results

/** Where a result's digits go: just above the heap's top, past the header and sign of the big they may become. */
// @ts-ignore: decorator
@inline export function resultDigits(): usize { return htop + 16; }

/**
 * The integer -1^neg * (the n digits at resultDigits()): a small integer if
 * it fits (nothing taken from the heap), else a big built around the digits
 * (bigWordsFor(trimmed n) words, which the caller reserved).
 */
export function finishInteger(n: u32, neg: bool): Term {
  const p = htop;
  const d = p + 16;
  n = magTrim(d, n);
  if (n <= 2) {
    const m: u64 = n == 0 ? 0 : n == 1 ? <u64>load<u32>(d) : load<u64>(d);
    if (!neg && m <= <u64>SMALL_MAX) return makeSmall(<i64>m);
    if (neg && m <= <u64>(-SMALL_MIN)) return makeSmall(-<i64>m);
  }
  if (n & 1) store<u32>(d + (<usize>n << 2), 0);       // the top limb's high half
  const limbs = (<usize>n + 1) >> 1;
  bump(2 + limbs);
  store<u64>(p, makeHeader(SUB_BIG, 1 + limbs));
  store<u64>(p, neg ? 1 : 0, 8);
  if (DEBUG) assert(isCanonicalBig(makeBoxed(p)));
  return makeBoxed(p);
}

/** The integer of magnitude m (u64) and sign neg, built as finishInteger does (at most 3 words). */
export function integerFromU64(m: u64, neg: bool): Term {
  store<u64>(resultDigits(), m);
  return finishInteger(2, neg);
}

// ── scratch memory (never on a heap, never moved while a computation runs)

const scratchVec = vecStatic();
/** `bytes` bytes of scratch memory, valid until the next call. */
export function scratch(bytes: usize): usize {
  vecReserve(scratchVec, <u32>((bytes + 7) >> 3) + 1, 3);
  return scratchVec.data;
}

// ── magnitudes: n 32-bit digits, little-endian

// @ts-ignore: decorator
@inline function dg(p: usize, i: u32): u32 { return load<u32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function setDg(p: usize, i: u32, v: u32): void { store<u32>(p + (<usize>i << 2), v); }

/** n without the zero digits on top. */
export function magTrim(p: usize, n: u32): u32 {
  while (n > 0 && dg(p, n - 1) == 0) n--;
  return n;
}

/** -1, 0 or 1 as a[na] is less than, equal to or greater than b[nb] (both trimmed). */
export function magCmp(a: usize, na: u32, b: usize, nb: u32): i32 {
  if (na != nb) return na < nb ? -1 : 1;
  for (let i = na; i > 0; i--) {
    const x = dg(a, i - 1), y = dg(b, i - 1);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

/** r = a + b; returns r's digits (r holds max(na, nb) + 1; may be a or b). */
export function magAdd(r: usize, a: usize, na: u32, b: usize, nb: u32): u32 {
  if (na < nb) { const t = a; a = b; b = t; const tn = na; na = nb; nb = tn; }
  let carry: u64 = 0;
  for (let i: u32 = 0; i < na; i++) {
    const s = <u64>dg(a, i) + (i < nb ? <u64>dg(b, i) : 0) + carry;
    setDg(r, i, <u32>s);
    carry = s >> 32;
  }
  setDg(r, na, <u32>carry);
  return na + <u32>carry;
}

/** r = a - b for a >= b; returns r's digits, trimmed (r holds na; may be a). */
export function magSub(r: usize, a: usize, na: u32, b: usize, nb: u32): u32 {
  if (DEBUG) assert(magCmp(a, na, b, nb) >= 0);
  let borrow: i64 = 0;
  for (let i: u32 = 0; i < na; i++) {
    const s = <i64>dg(a, i) - (i < nb ? <i64>dg(b, i) : 0) - borrow;
    setDg(r, i, <u32>s);
    borrow = s < 0 ? 1 : 0;
  }
  return magTrim(r, na);
}

/** r = a * b; returns r's digits, trimmed (r holds na + nb and is neither a nor b). */
export function magMul(r: usize, a: usize, na: u32, b: usize, nb: u32): u32 {
  memory.fill(r, 0, <usize>(na + nb) << 2);
  for (let i: u32 = 0; i < na; i++) {
    const x = <u64>dg(a, i);
    if (!x) continue;
    let carry: u64 = 0;
    for (let j: u32 = 0; j < nb; j++) {
      const t = x * <u64>dg(b, j) + <u64>dg(r, i + j) + carry;   // < 2^64: (2^32-1)^2 + 2(2^32-1)
      setDg(r, i + j, <u32>t);
      carry = t >> 32;
    }
    setDg(r, i + nb, <u32>carry);
  }
  return magTrim(r, na + nb);
}

/** q = a / d (q holds na digits; may be a); returns a % d. q's digits: magTrim(q, na). */
export function magDivSmall(q: usize, a: usize, na: u32, d: u32): u32 {
  if (DEBUG) assert(d != 0);
  let rem: u64 = 0;
  for (let i = na; i > 0; i--) {
    const cur = (rem << 32) | <u64>dg(a, i - 1);
    setDg(q, i - 1, <u32>(cur / <u64>d));
    rem = cur % <u64>d;
  }
  return <u32>rem;
}

/**
 * q = a / b and r = a % b for nb >= 2 and na >= nb (Knuth's algorithm D with
 * 32-bit digits, as Hacker's Delight's divmnu writes it). q holds na - nb + 1
 * digits, r nb; neither may be a or b. Trim both after.
 */
export function magDivRem(q: usize, r: usize, a: usize, na: u32, b: usize, nb: u32): void {
  if (DEBUG) assert(nb >= 2 && na >= nb && dg(b, nb - 1) != 0);
  const m = na, n = nb;
  const s = <u64>clz<u32>(dg(b, n - 1));
  // normalized copies: vn = b << s (n digits), un = a << s (m + 1 digits)
  const vn = scratch((<usize>(m + 1 + n)) << 2);
  const un = vn + (<usize>n << 2);
  for (let i = n - 1; i > 0; i--) setDg(vn, i, <u32>((<u64>dg(b, i) << s) | (<u64>dg(b, i - 1) >> (32 - s))));
  setDg(vn, 0, <u32>(<u64>dg(b, 0) << s));
  setDg(un, m, <u32>(<u64>dg(a, m - 1) >> (32 - s)));
  for (let i = m - 1; i > 0; i--) setDg(un, i, <u32>((<u64>dg(a, i) << s) | (<u64>dg(a, i - 1) >> (32 - s))));
  setDg(un, 0, <u32>(<u64>dg(a, 0) << s));
  const B: u64 = 0x1_0000_0000;
  const vtop = <u64>dg(vn, n - 1), vnext = <u64>dg(vn, n - 2);
  for (let j = <i32>(m - n); j >= 0; j--) {
    const ju = <u32>j;
    const num = (<u64>dg(un, ju + n) << 32) | <u64>dg(un, ju + n - 1);
    let qhat = num / vtop;
    let rhat = num - qhat * vtop;
    while (qhat >= B || qhat * vnext > ((rhat << 32) | <u64>dg(un, ju + n - 2))) {
      qhat--;
      rhat += vtop;
      if (rhat >= B) break;
    }
    // un[j..j+n] -= qhat * vn
    let k: i64 = 0;
    let t: i64 = 0;
    for (let i: u32 = 0; i < n; i++) {
      const p = qhat * <u64>dg(vn, i);
      t = <i64>dg(un, i + ju) - k - <i64>(p & 0xFFFF_FFFF);
      setDg(un, i + ju, <u32>t);
      k = <i64>(p >> 32) - (t >> 32);
    }
    t = <i64>dg(un, ju + n) - k;
    setDg(un, ju + n, <u32>t);
    if (t < 0) {                    // subtracted too much (rare): add one vn back
      qhat--;
      let c: u64 = 0;
      for (let i: u32 = 0; i < n; i++) {
        const u = <u64>dg(un, i + ju) + <u64>dg(vn, i) + c;
        setDg(un, i + ju, <u32>u);
        c = u >> 32;
      }
      setDg(un, ju + n, dg(un, ju + n) + <u32>c);
    }
    setDg(q, ju, <u32>qhat);
  }
  for (let i: u32 = 0; i < n - 1; i++) setDg(r, i, <u32>((<u64>dg(un, i) >> s) | (<u64>dg(un, i + 1) << (32 - s))));
  setDg(r, n - 1, <u32>(<u64>dg(un, n - 1) >> s));
}

/** r = a << k; returns r's digits, trimmed (r holds na + k/32 + 1; not a). */
export function magShl(r: usize, a: usize, na: u32, k: u32): u32 {
  const words = k >> 5, bits = <u64>(k & 31);
  memory.fill(r, 0, <usize>words << 2);
  let carry: u64 = 0;
  for (let i: u32 = 0; i < na; i++) {
    const v = (<u64>dg(a, i) << bits) | carry;
    setDg(r, i + words, <u32>v);
    carry = v >> 32;
  }
  setDg(r, na + words, <u32>carry);
  return magTrim(r, na + words + 1);
}

/** r = a >> k; returns r's digits, trimmed (r holds na; may be a). */
export function magShr(r: usize, a: usize, na: u32, k: u32): u32 {
  const words = k >> 5, bits = <u64>(k & 31);
  if (words >= na) return 0;
  const n = na - words;
  for (let i: u32 = 0; i < n; i++) {
    const lo = <u64>dg(a, i + words) >> bits;
    const hi = i + words + 1 < na ? (<u64>dg(a, i + words + 1) << (32 - bits)) & 0xFFFF_FFFF : 0;
    setDg(r, i, <u32>(lo | hi));
  }
  return magTrim(r, n);
}

/** Whether any of a's lowest k bits is set. */
export function magLowBits(a: usize, na: u32, k: u32): bool {
  const words = k >> 5, bits = k & 31;
  for (let i: u32 = 0; i < words && i < na; i++) if (dg(a, i)) return true;
  return words < na && bits != 0 && (dg(a, words) & ((1 << bits) - 1)) != 0;
}

/** r = -1^neg * a[na] in two's complement, l digits (l > na; r may not be a). */
export function twos(r: usize, a: usize, na: u32, neg: bool, l: u32): void {
  let borrow: u32 = neg ? 1 : 0;
  for (let i: u32 = 0; i < l; i++) {
    const x = i < na ? dg(a, i) : 0;
    if (!neg) { setDg(r, i, x); continue; }
    const d = x - borrow;
    borrow = x < borrow ? 1 : 0;
    setDg(r, i, ~d);
  }
}

/** The two's complement r[l] back to a magnitude in place; returns whether it was negative (the digits: magTrim(r, l)). */
export function untwos(r: usize, l: u32): bool {
  const neg = (dg(r, l - 1) >> 31) != 0;
  if (neg) {
    let carry: u64 = 1;
    for (let i: u32 = 0; i < l; i++) {
      const v = <u64>(~dg(r, i)) + carry;
      setDg(r, i, <u32>v);
      carry = v >> 32;
    }
  }
  return neg;
}

// ── integers and floats

/** BEAM's big_to_double: the limbs from the top, d = d * 2^64 + limb, each step rounded; may be ±Infinity. */
export function bigToF64(t: Term): f64 {
  const p = bigData(t);
  let d: f64 = 0;
  for (let i = bigLimbs(t); i > 0; i--) d = d * 18446744073709551616.0 + <f64>load<u64>(p + ((i - 1) << 3));
  return bigNeg(t) ? -d : d;
}

/** The float of an integer term (a big as BEAM converts it: bigToF64). */
export function integerToF64(t: Term): f64 {
  return isSmall(t) ? <f64>smallValue(t) : bigToF64(t);
}

/**
 * The magnitude of trunc(|f|) for a finite f, written at r (r holds 33
 * digits: |f| < 2^1024); returns its digits. `fracOut` says whether f had a
 * fraction.
 */
export let fracOut: bool = false;
export function magOfF64(r: usize, f: f64): u32 {
  const a = Math.abs(f);
  const bits = reinterpret<u64>(a);
  const e = <i32>(bits >> 52);
  if (e < 1023 + 53) {            // |f| < 2^53: the integer part fits a u64 exactly
    const ip = Math.trunc(a);
    fracOut = a != ip;
    const m = <u64>ip;
    setDg(r, 0, <u32>m);
    setDg(r, 1, <u32>(m >> 32));
    return magTrim(r, 2);
  }
  fracOut = false;                // |f| >= 2^53: integral
  const mant = (bits & 0x000F_FFFF_FFFF_FFFF) | 0x0010_0000_0000_0000;
  const shift = <u32>(e - 1075);
  setDg(r, 0, <u32>mant);
  setDg(r, 1, <u32>(mant >> 32));
  const tmp = r + 34 * 4;         // r holds 33 digits; mant << shift needs 2 + shift/32 + 1 <= 33
  memory.copy(tmp, r, 8);
  return magShl(r, tmp, 2, shift);
}

/** -1, 0 or 1 as the big b is less than, equal to or greater than the finite float f, by exact value. */
export function compareBigF64(b: Term, f: f64): i32 {
  const neg = bigNeg(b);
  if (neg != (f < 0)) return neg ? -1 : 1;          // f == 0 (either sign): the big's sign decides
  const m = scratch(70 * 4);
  const n = magOfF64(m, f);
  let c = magCmp(bigData(b), bigDigits(b), m, n);
  if (c == 0 && fracOut) c = -1;                    // |b| = trunc(|f|) < |f|
  return neg ? -c : c;
}

/** -1, 0 or 1 as integer a is less than, equal to or greater than integer b. */
export function compareIntegers(a: Term, b: Term): i32 {
  const sa = isSmall(a), sb = isSmall(b);
  if (sa && sb) { const x = smallValue(a), y = smallValue(b); return x < y ? -1 : x > y ? 1 : 0; }
  // a big lies outside every small: its sign places it
  if (DEBUG) assert((sa || isCanonicalBig(a)) && (sb || isCanonicalBig(b)));
  if (sa) return bigNeg(b) ? 1 : -1;
  if (sb) return bigNeg(a) ? -1 : 1;
  const na = bigNeg(a), nb = bigNeg(b);
  if (na != nb) return na ? -1 : 1;
  const c = magCmp(bigData(a), bigDigits(a), bigData(b), bigDigits(b));
  return na ? -c : c;
}
