// Erlang's arithmetic on terms: erlang:'+'/2, '-'/2, '*'/2, '/'/2, div, rem,
// unary '-', band, bor, bxor, bnot, bsl and bsr, for integers of any size
// and floats, exactly as BEAM computes them. Compiled code inlines the
// small-integer fast path and calls these (the ABI's arith_*) on overflow or
// when an operand is not a small integer.
//
//   operation          operands                        result
//   -----------------  ------------------------------  ------------------------------------------
//   + - *              integers                        an integer of any size
//                      numbers, one a float            a float (both as doubles: a big as BEAM
//                                                      converts it, gc/term/bignum.ts bigToF64)
//   /                  numbers                         a float
//   div rem            integers                        truncated toward zero; rem has the
//                                                      dividend's sign
//   unary -            a number                        its negation (-0.0 for 0.0)
//   band bor bxor bnot integers                        two's complement, of any size
//   bsl bsr            integers                        A * 2^B, floor(A / 2^B); a shift the
//                                                      other way for a negative B
//
// Failures raise error:badarith (assembly/runtime/exceptions.ts raiseError)
// and return the non-value 0: an operand of the wrong type, a zero divisor
// (div, rem, and '/' by 0 or 0.0), a float result that is not finite, or a
// big whose double is not (BEAM's checks); a result past BIG_MAX_DIGITS
// digits raises error:system_limit, as BEAM's bsl does past its limit.
//
// Every check comes before the first allocation, so a raise never leaves a
// root frame behind. An allocation may collect: the operands wait in two
// root slots across it (docs/abi.md "Root slots") and are reloaded after.
// The result's digits are computed straight into the reserved words above
// the heap's top (bignum.ts resultDigits), and finishInteger takes only the
// words the canonical result needs (nothing for a small).

import {
  Term, isSmall, smallValue, makeSmall, makeAtom, isBoxed, boxedHeader, headerSubtag, SUB_FLOAT, floatValue, SMALL_MAX, SMALL_MIN,
} from "../../gc/term/term";
import { floatRaw, integerRaw } from "../../gc/term/build";
import {
  isBig, bigNeg, magOf, magN, magNeg, integerDigits, bigWordsFor, resultDigits, finishInteger, scratch, integerToF64,
  magAdd, magSub, magMul, magCmp, magDivSmall, magDivRem, magShl, magShr, magTrim, twos, untwos, BIG_MAX_DIGITS,
} from "../../gc/term/bignum";
import { PredefinedAtom } from "../boundary/atoms";
import { nativeRaise } from "./bif_traces";
import { reserve } from "./alloc";
import { frameEnter, frameLeave, slotGet, slotSet } from "./shadowstack";

/** A small's magnitude, for magOf (one buffer per operand). */
const bufA = memory.data(8);
const bufB = memory.data(8);
/** The magnitude 1. */
const ONE = memory.data<u32>([1]);

// ── failures (before any allocation)

/** Raise error:badarith; the non-value 0. */
export function badarith(): Term { return nativeRaise(makeAtom(PredefinedAtom.BADARITH), 0); }
/** Raise error:system_limit; the non-value 0. */
function systemLimit(): Term { return nativeRaise(makeAtom(PredefinedAtom.SYSTEM_LIMIT), 0); }

// ── kinds of operand

/** Whether `t` is a float. */
// @ts-ignore: decorator
@inline export function isFloat(t: Term): bool { return isBoxed(t) && headerSubtag(boxedHeader(t)) == SUB_FLOAT; }
/** Whether `t` is an integer of any size. */
// @ts-ignore: decorator
@inline export function isInt(t: Term): bool { return isSmall(t) || isBig(t); }
/** Whether `t` is a number. */
// @ts-ignore: decorator
@inline export function isNumber(t: Term): bool { return isSmall(t) || (isBoxed(t) && (isBig(t) || isFloat(t))); }

/** The double of a number (a big's may be ±Infinity: the caller checks). */
export function numberToF64(t: Term): f64 { return isFloat(t) ? floatValue(t) : integerToF64(t); }

/** A float term for v, or badarith if v is not finite. */
export function floatResult(v: f64): Term {
  if (!isFinite(v)) return badarith();
  reserve(2);
  return floatRaw(v);
}

/** The integer v (any i64), taking at most 3 words. */
export function i64Result(v: i64): Term {
  if (v >= SMALL_MIN && v <= SMALL_MAX) return makeSmall(v);
  reserve(3);
  return integerRaw(v);
}

/** The operands, reloaded after reserveKeeping. */
let opA: Term = 0, opB: Term = 0;
/** Make `words` free on the heap with a and b kept across the collection it may take; they are back in opA and opB. */
function reserveKeeping(a: Term, b: Term, words: usize): void {
  frameEnter(2);
  slotSet(0, a);
  slotSet(1, b);
  reserve(words);
  opA = slotGet(0);
  opB = slotGet(1);
  frameLeave(2);
}

// ── + - *

/** a + b, or a - b if `negB`, for integers (any size). */
function addIntegers(a: Term, b: Term, negB: bool): Term {
  const bound = max(integerDigits(a), integerDigits(b)) + 1;
  if (bound > BIG_MAX_DIGITS) return systemLimit();
  reserveKeeping(a, b, bigWordsFor(bound));
  const pa = magOf(opA, bufA); const la = magN, sa = magNeg;
  const pb = magOf(opB, bufB); const lb = magN, sb = magNeg != negB;
  const r = resultDigits();
  if (sa == sb) return finishInteger(magAdd(r, pa, la, pb, lb), sa);
  if (magCmp(pa, la, pb, lb) >= 0) return finishInteger(magSub(r, pa, la, pb, lb), sa);
  return finishInteger(magSub(r, pb, lb, pa, la), sb);
}

/** '+' and '-' (negB). */
function addSub(a: Term, b: Term, negB: bool): Term {
  if (isSmall(a) && isSmall(b)) return i64Result(negB ? smallValue(a) - smallValue(b) : smallValue(a) + smallValue(b));
  if (isInt(a) && isInt(b)) return addIntegers(a, b, negB);
  if (!isNumber(a) || !isNumber(b)) return badarith();
  const x = numberToF64(a), y = numberToF64(b);
  if (!isFinite(x) || !isFinite(y)) return badarith();
  return floatResult(negB ? x - y : x + y);
}

/** erlang:'+'/2. */
export function arithAdd(a: Term, b: Term): Term { return addSub(a, b, false); }
/** erlang:'-'/2. */
export function arithSub(a: Term, b: Term): Term { return addSub(a, b, true); }

/** erlang:'*'/2. */
export function arithMul(a: Term, b: Term): Term {
  if (isSmall(a) && isSmall(b)) {
    const x = smallValue(a), y = smallValue(b);
    // both below 2^31 in magnitude: the product fits an i64
    if (x > -0x8000_0000 && x < 0x8000_0000 && y > -0x8000_0000 && y < 0x8000_0000) return i64Result(x * y);
  }
  if (isInt(a) && isInt(b)) {
    const la = integerDigits(a), lb = integerDigits(b);
    if (la == 0 || lb == 0) return makeSmall(0);
    if (la + lb > BIG_MAX_DIGITS) return systemLimit();
    reserveKeeping(a, b, bigWordsFor(la + lb));
    const pa = magOf(opA, bufA); const sa = magNeg;
    const pb = magOf(opB, bufB); const sb = magNeg;
    return finishInteger(magMul(resultDigits(), pa, la, pb, lb), sa != sb);
  }
  if (!isNumber(a) || !isNumber(b)) return badarith();
  const x = numberToF64(a), y = numberToF64(b);
  if (!isFinite(x) || !isFinite(y)) return badarith();
  return floatResult(x * y);
}

/** erlang:'/'/2: always a float. */
export function arithFdiv(a: Term, b: Term): Term {
  if (!isNumber(a) || !isNumber(b)) return badarith();
  const x = numberToF64(a), y = numberToF64(b);
  if (!isFinite(x) || !isFinite(y) || y == 0) return badarith();
  return floatResult(x / y);
}

// ── div rem

/** div (quotient, !wantRem) or rem, for integers; b is not 0. */
function divRem(a: Term, b: Term, wantRem: bool): Term {
  if (isSmall(a) && isSmall(b)) {
    const x = smallValue(a), y = smallValue(b);
    return i64Result(wantRem ? x % y : x / y);        // SMALL_MIN div -1 = 2^59: a big
  }
  const la = integerDigits(a), lb = integerDigits(b);
  if (la < lb) {                                       // |a| < |b|: quotient 0, remainder a
    return wantRem ? a : makeSmall(0);
  }
  // the result first, the other part after it (both above the heap's top; only the result is kept)
  const first = (<usize>(la + 2) + 1) & ~<usize>1;    // digits, rounded to whole limbs
  reserveKeeping(a, b, 2 + (first >> 1) + 1 + (first >> 1));
  const pa = magOf(opA, bufA); const sa = magNeg;
  const pb = magOf(opB, bufB); const sb = magNeg;
  const res = resultDigits();
  const other = res + (first << 2);
  const q = wantRem ? other : res, r = wantRem ? res : other;
  if (lb == 1) {
    const m = magDivSmall(q, pa, la, load<u32>(pb));
    store<u32>(r, m);
    return wantRem ? finishInteger(1, sa) : finishInteger(la, sa != sb);
  }
  magDivRem(q, r, pa, la, pb, lb);
  return wantRem ? finishInteger(lb, sa) : finishInteger(la - lb + 1, sa != sb);
}

/** erlang:'div'/2. */
export function arithDiv(a: Term, b: Term): Term {
  if (!isInt(a) || !isInt(b) || b == makeSmall(0)) return badarith();
  return divRem(a, b, false);
}
/** erlang:'rem'/2. */
export function arithRem(a: Term, b: Term): Term {
  if (!isInt(a) || !isInt(b) || b == makeSmall(0)) return badarith();
  return divRem(a, b, true);
}

// ── unary -

/** erlang:'-'/1. */
export function arithNeg(a: Term): Term {
  if (isSmall(a)) return i64Result(-smallValue(a));
  if (isFloat(a)) return floatResult(-floatValue(a));
  if (!isBig(a)) return badarith();
  const n = integerDigits(a);
  reserveKeeping(a, 0, bigWordsFor(n));
  const p = magOf(opA, bufA);
  memory.copy(resultDigits(), p, <usize>n << 2);
  return finishInteger(n, !magNeg);
}

// ── bitwise

/** Which bitwise operation. */
// @ts-ignore: decorator
@inline const BAND: i32 = 0;
// @ts-ignore: decorator
@inline const BOR: i32 = 1;
// @ts-ignore: decorator
@inline const BXOR: i32 = 2;

function bitwise(a: Term, b: Term, op: i32): Term {
  if (!isInt(a) || !isInt(b)) return badarith();
  if (isSmall(a) && isSmall(b)) {        // on the tagged words: the tag bits stay 1111 for and/or, xor clears them
    return op == BAND ? a & b : op == BOR ? a | b : (a ^ b) | 0xF;
  }
  const l = max(integerDigits(a), integerDigits(b)) + 1;
  if (l > BIG_MAX_DIGITS) return systemLimit();
  reserveKeeping(a, b, bigWordsFor(l));
  const pa = magOf(opA, bufA); const la = magN, sa = magNeg;
  const pb = magOf(opB, bufB); const lb = magN, sb = magNeg;
  const ta = scratch(<usize>l << 3), tb = ta + (<usize>l << 2);
  twos(ta, pa, la, sa, l);
  twos(tb, pb, lb, sb, l);
  const r = resultDigits();
  for (let i: usize = 0; i < <usize>l; i++) {
    const x = load<u32>(ta + (i << 2)), y = load<u32>(tb + (i << 2));
    store<u32>(r + (i << 2), op == BAND ? x & y : op == BOR ? x | y : x ^ y);
  }
  const neg = untwos(r, l);
  return finishInteger(magTrim(r, l), neg);
}

/** erlang:'band'/2. */
export function arithBand(a: Term, b: Term): Term { return bitwise(a, b, BAND); }
/** erlang:'bor'/2. */
export function arithBor(a: Term, b: Term): Term { return bitwise(a, b, BOR); }
/** erlang:'bxor'/2. */
export function arithBxor(a: Term, b: Term): Term { return bitwise(a, b, BXOR); }

/** erlang:'bnot'/1: -A - 1. */
export function arithBnot(a: Term): Term {
  if (isSmall(a)) return makeSmall(~smallValue(a));
  if (!isBig(a)) return badarith();
  const n = integerDigits(a) + 1;
  reserveKeeping(a, 0, bigWordsFor(n));
  const p = magOf(opA, bufA); const la = magN, neg = magNeg;
  const r = resultDigits();
  // A >= 0: -(A + 1); A < 0: |A| - 1
  return neg ? finishInteger(magSub(r, p, la, ONE, 1), false) : finishInteger(magAdd(r, p, la, ONE, 1), true);
}

// ── shifts

/** a * 2^k (k > 0) or floor(a / 2^-k) (k < 0) for integer a and shift k (an i64, or `huge` past any size). */
function shift(a: Term, k: i64): Term {
  if (a == makeSmall(0) || k == 0) return a;
  if (isSmall(a)) {
    const v = smallValue(a);
    if (k < 0) return makeSmall(k <= -63 ? (v < 0 ? -1 : 0) : v >> -k);   // arithmetic: floor
    if (k < 60) {
      const s = v << k;
      if ((s >> k) == v) return i64Result(s);
    }
  }
  const la = integerDigits(a);
  if (k > 0) {
    const digits = <i64>la + (k >> 5) + 1;
    if (digits > <i64>BIG_MAX_DIGITS) return systemLimit();
    reserveKeeping(a, 0, bigWordsFor(<u32>digits));
    const p = magOf(opA, bufA);
    return finishInteger(magShl(resultDigits(), p, la, <u32>k), magNeg);
  }
  const m = -k;
  if (m >= <i64>la * 32) return isSmall(a) ? makeSmall(smallValue(a) < 0 ? -1 : 0) : makeSmall(bigNeg(a) ? -1 : 0);
  reserveKeeping(a, 0, bigWordsFor(la + 1));
  const p = magOf(opA, bufA); const neg = magNeg;
  const r = resultDigits();
  if (!neg) return finishInteger(magShr(r, p, la, <u32>m), false);
  // floor for a negative: -(((|a| - 1) >> m) + 1)
  const t = scratch(<usize>la << 2);
  const lt = magSub(t, p, la, ONE, 1);
  const ls = magShr(r, t, lt, <u32>m);
  return finishInteger(magAdd(r, r, ls, ONE, 1), true);
}

/** a bsl b (left: true) or a bsr b, for integers. */
function shiftBy(a: Term, b: Term, left: bool): Term {
  if (!isInt(a) || !isInt(b)) return badarith();
  if (isBig(b)) {
    // past any size: left grows past every limit (unless a is 0), right leaves the sign
    const grows = bigNeg(b) != left;
    if (a == makeSmall(0)) return a;
    if (grows) return systemLimit();
    return makeSmall(isSmall(a) ? (smallValue(a) < 0 ? -1 : 0) : (bigNeg(a) ? -1 : 0));
  }
  const k = smallValue(b);
  return shift(a, left ? k : -k);
}

/** erlang:'bsl'/2. */
export function arithBsl(a: Term, b: Term): Term { return shiftBy(a, b, true); }
/** erlang:'bsr'/2. */
export function arithBsr(a: Term, b: Term): Term { return shiftBy(a, b, false); }
