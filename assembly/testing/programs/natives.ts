// The native caller: a process that calls natives (and any entry) by name,
// through the ABI's apply_mfa, as compiled code calls another module, so
// tests/natives.test.ts can set every answer beside BEAM's.
//
//   message                          reply to the host
//   -------------------------------  ----------------------------------------------------------
//   [{M, F, Args}, ...]              [Result, ...] in the same order: M:F(Args...)'s value, or
//                                    {Class, Reason} where it raised (caught by a handler, as
//                                    compiled code catches)
//   {gc, [{M, F, Args}, ...]}        the same, with a major collection before each call
//   {fill, [{M, F, Args}, ...]}      the same, the young generation filled to its end before each
//                                    call, so that the native's own allocation collects while it
//                                    holds its arguments
//   stop                             none: the process ends
//   (anything else stays in the mailbox)
//
// Results accumulate in a root slot across every call, so the collections
// the calls take move them.

import { Term, NIL, isList, head, tail, isBoxed, boxedHeader, headerSubtag, headerArity, SUB_TUPLE, tupleGet, tupleSet, tupleWords } from "../../../gc/term/term";
import {
  frameEnter, frameLeave, slotGet, slotSet, gcReserve, gcCollect, makeTuple, makeCons, send, hostPid, tryEnter, tryLeave,
  excClass, excReason, excClear, applyMfa, shoalHtop, shoalHend, exportLookup,
} from "../shoal";
import { atom, receive, sendReversed } from "../lib";

/** The atoms a command is told by (set at start). */
let GC: Term = 0, FILL: Term = 0, STOP: Term = 0;
/** A command: a list of calls, {gc, Calls}, or stop (other messages, such as the 'DOWN' of a monitor a call set up, stay in the mailbox). */
function isCommand(t: Term): bool { return isList(t) || t == NIL || t == STOP || (isTuple(t, 2) && (tupleGet(t, 0) == GC || tupleGet(t, 0) == FILL)); }

function isTuple(t: Term, n: u64): bool {
  return isBoxed(t) && headerSubtag(boxedHeader(t)) == SUB_TUPLE && headerArity(boxedHeader(t)) == n;
}

/** Run the calls of the list in slot 0, the results consed (reversed) onto slot 1; then reply. */
function runBatch(gc: bool, fill: bool): void {
  while (isList(slotGet(0))) {
    const item = head(slotGet(0));
    slotSet(0, tail(slotGet(0)));
    slotSet(2, item);
    if (gc) gcCollect(true);
    const call = slotGet(2);
    if (fill) {
      const free = <usize>(shoalHend - shoalHtop) >> 3;
      if (free >= 1) makeTuple(free - 1);        // a dead tuple to the end: the next allocation collects
    }
    tryEnter(1);
    let r = applyMfa(tupleGet(call, 0), tupleGet(call, 1), tupleGet(call, 2));
    if (r != 0) tryLeave();
    else {
      // raised: the handler is gone, the shadow stack as at try_enter; {Class, Reason}
      gcReserve(tupleWords(2));
      r = makeTuple(2);
      tupleSet(r, 0, excClass());
      tupleSet(r, 1, excReason());
      excClear();
    }
    slotSet(2, r);
    gcReserve(2);
    slotSet(1, makeCons(slotGet(2), slotGet(1)));
  }
  sendReversed(1, 2);   // the results, put back in order
}

export function nativeCaller(arg: Term): Term {
  frameEnter(3);
  GC = atom("gc");
  FILL = atom("fill");
  STOP = atom("stop");
  for (;;) {
    const m = receive(isCommand, Infinity);
    let gc = false, fill = false;
    let calls = m;
    if (isTuple(m, 2)) { gc = tupleGet(m, 0) == GC; fill = !gc; calls = tupleGet(m, 1); }
    if (!isList(calls) && calls != NIL) break;
    slotSet(0, calls);
    slotSet(1, NIL);
    runBatch(gc, fill);
    slotSet(0, NIL);
    slotSet(1, NIL);
    slotSet(2, NIL);
  }
  frameLeave(3);
  return NIL;
}

/**
 * {M, F, Arg}: calls the native M:F/1 on Arg by its table index, with no handler, and returns
 * what it returned, without bif_trace: a caller that does not complete a native's raise. The
 * process then ends when this returns the non-value, with the error (docs/abi.md "Natives").
 */
export function nativeNoHandler(arg: Term): Term {
  const index = exportLookup(tupleGet(arg, 0), tupleGet(arg, 1), 1);
  if (index < 0) return NIL;
  return call_indirect<u64>(<u32>index, tupleGet(arg, 2));
}
