// The calculator program: a process that applies the runtime's arithmetic
// (the ABI's arith_*) and numeric conversions (the erlang_* natives) to what
// the host sends it, so tests/bignum.test.ts can set every answer beside
// BEAM's for the same operands.
//
//   message                          reply to the host
//   -------------------------------  ----------------------------------------------------------
//   [{Op, Args}, ...]                [Result, ...] in the same order: each operation's result,
//                                    or {error, Reason} where it raised (caught by a handler, as
//                                    compiled code catches); Op is an index into OPS below
//   {fact, N, Gc}                    N! by arith_mul from 1, a major collection after each step
//                                    when Gc is true (the growing product lives in a root slot)
//   anything else                    none: the process ends
//
// Results accumulate in a root slot across every call, so the collections
// the calls take (and Op 99: a major collection) move them; the host sees
// them after. Op 98 fills the young generation first, so that the next
// call's own allocation collects while it holds its operands.

import {
  Term, NIL, isList, head, tail, isBoxed, boxedHeader, headerSubtag, headerArity, SUB_TUPLE, tupleGet, tupleSet, tupleWords,
  isSmall, smallValue, makeSmall, makeAtom,
} from "../../../gc/term/term";
import {
  frameEnter, frameLeave, slotGet, slotSet, gcReserve, shoalHtop, shoalHend, gcCollect, makeTuple, makeCons, send, hostPid,
  tryEnter, tryLeave, excReason, excClear,
  arithAdd, arithSub, arithMul, arithDiv, arithRem, arithFdiv, arithNeg, arithBand, arithBor, arithBxor, arithBnot, arithBsl, arithBsr,
  erlangIntegerToList_1, erlangIntegerToList_2, erlangIntegerToBinary_1, erlangIntegerToBinary_2, erlangListToInteger_1,
  erlangListToInteger_2, erlangBinaryToInteger_1, erlangBinaryToInteger_2, erlangAbs_1, erlangTrunc_1, erlangRound_1,
  erlangFloat_1, erlangFloatToList_1, erlangFloatToList_2, erlangListToFloat_1,
} from "../shoal";
import { atom, receive, sendReversed } from "../lib";
import { PredefinedAtom } from "../../boundary/atoms";

function anything(t: Term): bool { return true; }

/** Op 99: a major collection (its result: the atom true). */
// @ts-ignore: decorator
@inline const OP_GC: i64 = 99;
/** Op 98: fill the young generation to its end with a dead tuple, so the next allocation must collect (result: true). */
// @ts-ignore: decorator
@inline const OP_FILL: i64 = 98;

/**
 * Apply operation `op` to the arguments a, b (b unused for one-argument ones). The ops, by index:
 *    0 +  1 -  2 *  3 div  4 rem  5 /  6 unary -  7 band  8 bor  9 bxor  10 bnot  11 bsl  12 bsr
 *   13 integer_to_list/1  14 /2  15 integer_to_binary/1  16 /2  17 list_to_integer/1  18 /2
 *   19 binary_to_integer/1  20 /2  21 abs  22 trunc  23 round  24 float  25 float_to_list/1  26 /2
 *   27 list_to_float/1
 */
function apply(op: i64, a: Term, b: Term): Term {
  switch (<i32>op) {
    case 0: return arithAdd(a, b);
    case 1: return arithSub(a, b);
    case 2: return arithMul(a, b);
    case 3: return arithDiv(a, b);
    case 4: return arithRem(a, b);
    case 5: return arithFdiv(a, b);
    case 6: return arithNeg(a);
    case 7: return arithBand(a, b);
    case 8: return arithBor(a, b);
    case 9: return arithBxor(a, b);
    case 10: return arithBnot(a);
    case 11: return arithBsl(a, b);
    case 12: return arithBsr(a, b);
    case 13: return erlangIntegerToList_1(a);
    case 14: return erlangIntegerToList_2(a, b);
    case 15: return erlangIntegerToBinary_1(a);
    case 16: return erlangIntegerToBinary_2(a, b);
    case 17: return erlangListToInteger_1(a);
    case 18: return erlangListToInteger_2(a, b);
    case 19: return erlangBinaryToInteger_1(a);
    case 20: return erlangBinaryToInteger_2(a, b);
    case 21: return erlangAbs_1(a);
    case 22: return erlangTrunc_1(a);
    case 23: return erlangRound_1(a);
    case 24: return erlangFloat_1(a);
    case 25: return erlangFloatToList_1(a);
    case 26: return erlangFloatToList_2(a, b);
    case 27: return erlangListToFloat_1(a);
    default: return makeAtom(PredefinedAtom.UNDEFINED);
  }
}

/** Whether t is a tuple of n elements. */
function isTuple(t: Term, n: u64): bool {
  return isBoxed(t) && headerSubtag(boxedHeader(t)) == SUB_TUPLE && headerArity(boxedHeader(t)) == n;
}

/** Run the operations of the list in slot 0, the results consed (reversed) onto slot 1; then reply. */
function runBatch(): void {
  while (isList(slotGet(0))) {
    const item = head(slotGet(0));
    slotSet(0, tail(slotGet(0)));
    const op = smallValue(tupleGet(item, 0));
    const args = tupleGet(item, 1);
    const a = isList(args) ? head(args) : NIL;
    const b = isList(args) && isList(tail(args)) ? head(tail(args)) : NIL;
    let r: Term;
    if (op == OP_GC) { gcCollect(true); r = makeAtom(PredefinedAtom.TRUE); }
    else if (op == OP_FILL) {
      const free = <usize>(shoalHend - shoalHtop) >> 3;
      if (free >= 3) makeTuple(free - 3);          // leaves 2 words: the result's cons cell below, then nothing
      r = makeAtom(PredefinedAtom.TRUE);
    }
    else {
      tryEnter(1);
      r = apply(op, a, b);
      if (r != 0) tryLeave();
      else {
        // raised: the handler is gone, the shadow stack as at try_enter; {error, Reason}
        gcReserve(tupleWords(2));
        r = makeTuple(2);
        tupleSet(r, 0, makeAtom(PredefinedAtom.ERROR));
        tupleSet(r, 1, excReason());
        excClear();
      }
    }
    slotSet(2, r);
    gcReserve(2);
    slotSet(1, makeCons(slotGet(2), slotGet(1)));
  }
  sendReversed(1, 2);   // the results, put back in order
}

/** N! by arith_mul, a major collection after each step if asked. */
function fact(n: i64, gc: bool): void {
  slotSet(1, makeSmall(1));
  for (let i: i64 = 2; i <= n; i++) {
    slotSet(1, arithMul(slotGet(1), makeSmall(i)));
    if (gc) gcCollect(true);
  }
  send(hostPid(), slotGet(1));
}

export function calculator(arg: Term): Term {
  frameEnter(3);
  const FACT = atom("fact"), TRUE = makeAtom(PredefinedAtom.TRUE);
  for (;;) {
    const m = receive(anything, Infinity);
    if (isTuple(m, 3) && tupleGet(m, 0) == FACT && isSmall(tupleGet(m, 1))) {
      fact(smallValue(tupleGet(m, 1)), tupleGet(m, 2) == TRUE);
      continue;
    }
    if (!isList(m)) break;
    slotSet(0, m);
    slotSet(1, NIL);
    runBatch();
    slotSet(0, NIL);
    slotSet(1, NIL);
    slotSet(2, NIL);
  }
  frameLeave(3);
  return NIL;
}
