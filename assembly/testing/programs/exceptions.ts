// The exception probe: raises and catches as compiled code does with native
// Wasm calls (docs/abi.md, "Exceptions"): a handler installed with
// try_enter, functions in between returning the non-value 0 without leaving
// their frames, the handler's function taking it from there. Argument
// {Op, Class, Reason, Depth}:
//
//   catch     raise Class:Reason Depth calls deep inside a handler; report
//             {caught, Class, Reason, Trace, After}, After counting the
//             `after` code that ran (on both paths), then collect (major,
//             from-space poisoned in the tests) and report again, then
//             this function's own slot 0 (set before try_enter: Depth), which
//             reads back only if the shadow stack is exactly where it was
//   nested    an inner handler catches, then raises exit:{rethrown, Reason};
//             the outer handler catches that
//   uncaught  raise with no handler: the process ends with BEAM's reason
//   apply     apply a fun of arity 1 to two arguments inside a handler:
//             error:{badarity, ...} is caught
//   none      a handler installed and removed, never raised to

import { Term, NIL, isBoxed, boxedSubtag, SUB_TUPLE, tupleGet, tupleSet, tupleArity, makeSmall, smallValue, makeAtom } from "../../../gc/term/term";
import {
  self, send, hostPid, frameEnter, frameLeave, slotGet, slotSet, gcReserve, gcCollect, makeTuple, makeCons, makeFun,
  tryEnter, tryLeave, raise, excClass, excReason, excTrace, excClear, apply, reduce,
} from "../shoal";
import { atom } from "../lib";
import { PredefinedAtom } from "../../boundary/atoms";

let CATCH: Term = 0, NESTED: Term = 0, UNCAUGHT: Term = 0, APPLY: Term = 0, CAUGHT: Term = 0, AFTER_GC: Term = 0, RETHROWN: Term = 0;
function atomsInit(): void {
  if (CATCH) return;
  CATCH = atom("catch"); NESTED = atom("nested"); UNCAUGHT = atom("uncaught"); APPLY = atom("apply");
  CAUGHT = atom("caught"); AFTER_GC = atom("after_gc"); RETHROWN = atom("rethrown");
}

let afterRuns: i64 = 0;

/** `depth` calls deep, each with a frame of its own, then raise class:reason (args in slots 0, 1 of the caller's frame). Returns 0: the exception is on its way. */
function deep(depth: i64, cls: Term, reason: Term): Term {
  reduce(1);
  frameEnter(2);                          // a frame per level, left behind by the raise
  slotSet(0, cls);
  slotSet(1, reason);
  if (depth <= 1) {
    raise(slotGet(0), slotGet(1), NIL);   // (the handler's resume id is not needed: native calls return 0)
    return 0;
  }
  const r = deep(depth - 1, slotGet(0), slotGet(1));
  if (r == 0) return 0;                   // the non-value: pass it on, no frame_leave
  frameLeave(2);
  return r;
}

/** {Tag, Class, Reason, Trace, After} to the host, from the exception state. */
function report(tag: Term): void {
  gcReserve(6);
  const t = makeTuple(5);
  tupleSet(t, 0, tag);
  tupleSet(t, 1, excClass());
  tupleSet(t, 2, excReason());
  tupleSet(t, 3, excTrace());
  tupleSet(t, 4, makeSmall(afterRuns));
  send(hostPid(), t);
}

/** try deep(...) catch C:R -> report after -> afterRuns++ end. */
function catchAt(depth: i64, cls: Term, reason: Term): void {
  frameEnter(1);
  slotSet(0, makeSmall(depth));
  tryEnter(1);
  const r = deep(depth, cls, reason);
  if (r != 0) { tryLeave(); afterRuns++; frameLeave(1); return; }
  // the handler: the shadow stack is as it was at try_enter (this function's one-slot frame newest)
  afterRuns++;                                     // the after clause, on the exception path
  report(CAUGHT);
  gcCollect(true);                                 // no dead frame may hold a stale term now
  report(AFTER_GC);
  excClear();
  send(hostPid(), slotGet(0));                     // this frame's slot, set before try_enter: the depth restored exactly
  frameLeave(1);
}

function nested(depth: i64, cls: Term, reason: Term): void {
  frameEnter(1);
  tryEnter(1);                                     // outer
  tryEnter(2);                                     // inner
  let r = deep(depth, cls, reason);
  if (r == 0) {
    // inner handler: rethrow exit:{rethrown, Reason}
    slotSet(0, excReason());
    gcReserve(3);
    const t = makeTuple(2);
    tupleSet(t, 0, RETHROWN);
    tupleSet(t, 1, slotGet(0));
    excClear();
    raise(makeAtom(PredefinedAtom.EXIT), t, NIL);
    // the outer handler (this function installed both: no frame between)
    report(CAUGHT);
    excClear();
  }
  frameLeave(1);
}

function badFunCall(): void {
  frameEnter(1);
  tryEnter(1);
  gcReserve(2 + 2 * 2);
  const f = makeFun(0, 1, 0);                       // a fun of arity 1 (its entry is never called)
  const args = makeCons(makeSmall(1), makeCons(makeSmall(2), NIL));
  const r = apply(f, args);
  if (r == 0) {
    // {caught, Class, Tag, Args} of error:{Tag, {Fun, Args}} (a fun cannot go to the host)
    gcReserve(5);
    const t = makeTuple(4);
    tupleSet(t, 0, CAUGHT);
    tupleSet(t, 1, excClass());
    tupleSet(t, 2, tupleGet(excReason(), 0));
    tupleSet(t, 3, tupleGet(tupleGet(excReason(), 1), 1));
    send(hostPid(), t);
    excClear();
  } else tryLeave();
  frameLeave(1);
}

export function excProbe(arg: Term): Term {
  atomsInit();
  afterRuns = 0;
  if (!isBoxed(arg) || boxedSubtag(arg) != SUB_TUPLE || tupleArity(arg) != 4) return NIL;
  const op = tupleGet(arg, 0), depth = smallValue(tupleGet(arg, 3));
  if (op == CATCH) catchAt(depth, tupleGet(arg, 1), tupleGet(arg, 2));
  else if (op == NESTED) nested(depth, tupleGet(arg, 1), tupleGet(arg, 2));
  else if (op == UNCAUGHT) deep(depth, tupleGet(arg, 1), tupleGet(arg, 2));
  else if (op == APPLY) badFunCall();
  else {
    for (let i = 0; i < 1000; i++) { tryEnter(1); tryLeave(); }   // installed, never raised to
    send(hostPid(), makeSmall(1000));
  }
  return NIL;
}
