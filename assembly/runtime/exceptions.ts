// Exceptions: Erlang's throw, error and exit, raised straight to the newest
// handler, setjmp-style. A handler records where to resume and the
// shadow-stack depth to restore; raising restores that depth and hands the
// compiled code the handler's resume id, with no work for the frames in
// between. docs/exceptions.md has the mechanisms measured side by side and
// why this one; docs/abi.md ("Exceptions") the contract for compilers.
//
// A handler is a frame of two slots on the process's shadow stack, pushed by
// try_enter and popped by try_leave (or by the raise that takes it):
//
//   slot 0   the previous handler's depth (a small integer; 0: none)
//   slot 1   the resume id the compiled code gave (a small integer)
//
// Process.handler is the newest handler frame's depth (stackHi - its address:
// a distance, so it survives the region moving when it grows). raise():
//
//   a handler    sp := that frame; handler := its slot 0; pop it; return its
//                resume id. The exception (class, reason, trace) stays in the
//                process (roots of its collector) until exc_clear.
//   none         the process ends: throw → {{nocatch, Value}, Trace};
//                error → {Reason, Trace}; exit → Reason (as on BEAM).
//
// Code whose calls are native Wasm calls reaches the handler's function by
// returning the non-value 0 (never a term) from every function in between,
// without leaving their shadow-stack frames (the restore already did); code
// whose frames live on the shadow stack jumps to the resume id at once.
//
// Invariants: handler frames nest (a handler's previous is deeper); at
// try_leave the newest frame is the newest handler's.

import { Term, NIL, makeAtom, makeSmall, smallValue } from "../../gc/term/term";
import { pairRaw } from "../../gc/term/build";
import { DEBUG } from "../../gc/mem/debug";
import { ATOM_THROW, ATOM_ERROR, ATOM_EXIT } from "../../gc/term/atoms";
import { PredefinedAtom } from "../boundary/atoms";
import { current, processExit } from "./scheduler";
import { frameEnter, frameLeave, slotGet, slotSet, sp, spLimit, setSp } from "./shadowstack";
import { reserve } from "./alloc";
import { traceOf, traceList, traceSame, traceWords, traceKeep, lastWalkSame } from "./traces";
import { bifPendingClear, bifSettle } from "./bif_traces";

// @ts-ignore: decorator
@inline const THROW: Term = ATOM_THROW;
// @ts-ignore: decorator
@inline export const ERROR: Term = ATOM_ERROR;
// @ts-ignore: decorator
@inline const EXIT: Term = ATOM_EXIT;

/** Install a handler that resumes at `resume` (an id of the compiled code's choosing, >= 0). */
export function tryEnter(resume: i32): void {
  const p = current!;
  // the frame's two slots are written at once (no zeroing): frameEnter only when the region must grow
  if (sp - 16 < spLimit || sp < 16) frameEnter(2);
  else setSp(sp - 16);
  slotSet(0, makeSmall(<i64>p.handler));
  slotSet(1, makeSmall(<i64>resume));
  p.handler = <u32>(p.stackHi - sp);
}

/** Remove the newest handler (the body returned normally). */
export function tryLeave(): void {
  const p = current!;
  if (DEBUG) assert(p.handler == <u32>(p.stackHi - sp));   // the newest frame is the handler's
  p.handler = <u32>smallValue(slotGet(0));
  frameLeave(2);
}

/** Whether `c` is one of the three classes. */
function isClass(c: Term): bool { return c == THROW || c == ERROR || c == EXIT; }

/**
 * Raise (class, reason, trace) in the running process: the newest handler's resume id, the shadow
 * stack back where that handler was installed; or, with no handler, the process ends (never
 * returns). A class that is not throw, error or exit raises error:badarg instead.
 */
export function raise(cls: Term, reason: Term, trace: Term): i32 {
  const p = current!;
  bifPendingClear();   // this raise is whole (a native's sets its pending state after: bif_traces.ts)
  if (!isClass(cls)) { cls = ERROR; reason = makeAtom(PredefinedAtom.BADARG); trace = NIL; }
  p.excClass = cls;
  p.excReason = reason;
  p.excTrace = trace;
  if (p.handler == 0) raiseUncaught();
  setSp(p.stackHi - <usize>p.handler);
  p.handler = <u32>smallValue(slotGet(0));
  const resume = <i32>smallValue(slotGet(1));
  frameLeave(2);
  p.excResume = resume;
  return resume;
}

/**
 * Raise (class, reason) from compiled code at the place whose frame tuple is `frame`, its trace
 * BEAM's: [frame | the callers' frames] from the CP words on the shadow stack (traces.ts), `cp`
 * the raising function's return address (a CP word) when it has no frame of its own, else 0. As
 * raise otherwise. May collect: reason and frame are rooted in the process meanwhile.
 */
export function raiseTrace(cls: Term, reason: Term, frame: Term, cp: u64): i32 {
  const p = current!;
  // the same walk as the one that built this process's last trace: that trace (a loop's raise)
  if (lastWalkSame(p.pid, p.traceCache, frame, cp)) return raise(cls, reason, p.traceCache);
  const n = traceOf(cp);   // before anything moves the stack or allocates
  if (traceSame(p.traceCache, frame, n)) { traceKeep(p.pid); return raise(cls, reason, p.traceCache); }
  p.excReason = reason;
  p.excTrace = frame;
  reserve(traceWords(n));
  p.traceCache = traceList(p.excTrace, n);
  traceKeep(p.pid);
  return raise(cls, p.excReason, p.traceCache);
}

/** The running process ends with its exception (class, reason, trace as set), uncaught. */
export function raiseUncaught(): void {
  reserve(UNCAUGHT_WORDS);   // (the exception's terms are roots of the process across it)
  processExit(uncaughtReasonRaw());
}

/** Words uncaughtReasonRaw may take. */
// @ts-ignore: decorator
@inline export const UNCAUGHT_WORDS: usize = 6;

/**
 * The exit reason the running process's exception gives when nothing catches it, as on BEAM: exit's
 * reason itself, {Reason, Trace} for an error, {{nocatch, Value}, Trace} for a throw; built in
 * UNCAUGHT_WORDS the caller reserved.
 */
export function uncaughtReasonRaw(): Term {
  const p = current!;
  if (DEBUG) assert(p.handler == 0 && p.excClass != 0);
  if (p.excClass == EXIT) return p.excReason;
  let r = p.excReason;
  if (p.excClass == THROW) r = pairRaw(makeAtom(PredefinedAtom.NOCATCH), r);
  return pairRaw(r, p.excTrace);
}

/** error:Reason raised by the runtime itself (a bad argument to an ABI call, a bad fun...): as raise. */
export function raiseError(reason: Term): i32 {
  return raise(ERROR, reason, NIL);
}

/** The exception last raised in the running process: its class (0 if none), reason, trace. */
// (a native's raise that no caller completed is settled first: its reason whole, its trace the callers' frames)
export function excClass(): Term { bifSettle(); return current!.excClass; }
export function excReason(): Term { bifSettle(); return current!.excReason; }
export function excTrace(): Term { bifSettle(); return current!.excTrace; }

/**
 * The resume id the running process's last raise went to. A raise inside a call (an ABI call that
 * may raise, a callee of native-call code) hands its id only to that call's code, which returns
 * the non-value 0; a dispatch loop that keeps its handlers' ids learns it here.
 */
export function excResume(): i32 { return current!.excResume; }

/** Bytes of the running process's shadow stack in use: where a handler's depth is measured from (a distance from the region's top, which survives the region moving). */
export function stackDepth(): i32 { const p = current!; return <i32>(p.stackHi - sp); }

/** Forget the exception (after a catch), so it no longer keeps its terms alive. */
export function excClear(): void {
  const p = current!;
  bifPendingClear();
  p.excClass = 0;
  p.excReason = NIL;
  p.excTrace = NIL;
}
