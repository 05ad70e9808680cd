// Stack traces of errors raised inside BIFs: natives, arithmetic's slow path,
// apply's undef, a call of a non-fun. BEAM's trace is then the BIF's frame
// {M, F, Args, [{error_info, #{module => erl_erts_errors}}]} (erl_stdlib_errors
// for a BIF of another module than erlang; [] and no error_info for undef),
// the frame of the calling place (its line), then the callers' frames as a
// raise at that place gives them (traces.ts).
//
// No cost on a native's success path: a native knows neither its name nor
// its caller, and compiled code pushes nothing around a call to one. So a
// native's raise (nativeRaise) only walks the shadow stack for the callers'
// frames (literals: nothing allocated, traces.ts traceOf), raises with no
// trace, and leaves the raise "pending" in the process. The code that called
// the native learns of the raise from the non-value 0 it got back, and then
// (the raise's cold path) calls bifTrace with the BIF's name, its arguments
// (they are still in its registers: a native raises before it allocates, the
// invariant of assembly/natives/common.ts), its own place's frame and its
// return address: bifTrace builds the trace from them and the walk.
//
// A native's raise in a process with no handler at all does not end the
// process at once, as a raise does: it sets the exception and leaves it
// pending the same way, and bifTrace, once the trace is whole, ends the
// process with it ({Reason, Trace}, what its links and monitors get).
//
// Who completes a pending raise: compiled code after every call that can
// reach a native (compiler codegen: BIFs, arithmetic, call_ext, map
// instructions, funs), apply (this runtime: its callee is known), and a fun
// of M:F/A's code. Anything else that sees it (a guard's exc_clear, a catch,
// the next raise) forgets it, so a pending raise never outlives the call that
// raised it: pendingPid is the process whose last raise it is.
//
// Invariants: pending only between a native's raise and its caller's
// bifTrace; the walk's frames (traces.ts found) unchanged meanwhile (no other
// raise runs in between).

import { Term, NIL, isList } from "../../gc/term/term";
import { tupleRaw, consRaw, mapRaw, pairRaw } from "../../gc/term/build";
import { atomOf } from "../../gc/term/atoms";
import { DEBUG } from "../../gc/mem/debug";
import { current } from "./scheduler";
import { frameLeave, slotGet } from "./shadowstack";
import { reserve, reserveEnding } from "./alloc";
import { raise, raiseUncaught, uncaughtReasonRaw, UNCAUGHT_WORDS, ERROR } from "./exceptions";
import { traceOf, foundFrame, walkFirst, frameOf, isCp, BACKTRACE_DEPTH } from "./traces";


/** The process whose last raise is a native's awaiting its trace (0: none). */
let pendingPid: Term = 0;
/** The walk's frames (traces.ts found[0..n)) and its first CP word that gave one. */
let pendingN: i32 = 0;
let pendingFirst: u64 = 0;
/** Whether the pending raise had no handler to go to: completing it ends the process. */
let pendingUncaught = false;
/** A tagged reason's tag ({Tag, Body}: Body is the exception's reason until completed), or 0. */
let pendingTag: Term = 0;

/** Forget a pending raise (any other raise, exc_clear). */
// @ts-ignore: decorator
@inline export function bifPendingClear(): void { pendingPid = 0; }

/**
 * Settle a pending raise nobody completed (a native called by another native, say): the reason
 * made whole, the trace the callers' frames. May collect. Read before the exception is.
 */
export function bifSettle(): void { if (bifPending()) bifTrace(0, 0, 0, 0, false, 0, false); }

/** Whether the running process's last raise is a native's awaiting its trace. */
export function bifPending(): bool { return pendingPid != 0 && pendingPid == current!.pid; }

/** Whether process `pid`'s last raise is a native's awaiting its trace. */
export function bifPendingOf(pid: Term): bool { return pendingPid != 0 && pendingPid == pid; }

/**
 * A native's raise of error:Reason (tag 0) or error:{tag, Reason}: the callers' frames walked now,
 * the trace completed by the native's caller (bifTrace). The non-value 0, for the native to return.
 * With no handler the process ends when the trace is completed, or at once when `defer` is false.
 */
export function nativeRaise(reason: Term, tag: Term, defer: bool = true): Term {
  const p = current!;
  const n = traceOf(0);   // before the raise moves the stack back
  const first = walkFirst;
  pendingUncaught = p.handler == 0;
  if (pendingUncaught) {
    // no handler: the process is to end with this error, but with its whole trace (links and
    // monitors see it), which only the caller can complete: the exception is set without the
    // raise (which would end the process now), and bifTrace ends the process once it is whole
    bifPendingClear();
    p.excClass = ERROR;
    p.excReason = reason;
    p.excTrace = NIL;
  } else {
    raise(ERROR, reason, NIL);
  }
  pendingPid = p.pid;
  pendingN = n;
  pendingFirst = first;
  pendingTag = tag;
  // an ABI call's own error (apply's badarg, badfun, badarity: `defer` false) ends a process with no
  // handler here, as docs/abi.md promises for every raise: its caller may be code that never
  // completes a native's raise; the trace is the callers' frames
  if (pendingUncaught && !defer) bifTrace(0, 0, 0, 0, false, 0, false);
  return 0;
}

let A_ERLANG: Term = 0;
let A_ERROR_INFO: Term = 0;
let A_MODULE: Term = 0;
let A_ERTS_ERRORS: Term = 0;
let A_STDLIB_ERRORS: Term = 0;

/** Frames of the trace being put together (literals, or 0 for the BIF's frame, made last). */
const parts = new StaticArray<Term>(BACKTRACE_DEPTH);

/**
 * Complete the running process's pending raise (a no-op if there is none: the call raised in
 * compiled code, whose trace is whole), called by the code that called the native, after the
 * raise. Its n arguments are the newest n root slots (n = -1: one slot holding the argument list),
 * which this leaves. The trace: [{m, f, Args, ErrorInfo} (when m is not 0), `frame` `twice` times
 * (when not 0; twice: a call of a non-fun, whose place BEAM lists again for its return address),
 * the frame of `cp` (a CP word: the caller's return address when it has no frame), the walk's
 * frames], BACKTRACE_DEPTH frames at most. `info`: with error_info (not undef's []).
 */
export function bifTrace(m: Term, f: Term, n: i32, frame: Term, twice: bool, cp: u64, info: bool): void {
  const slots = n < 0 ? 1 : n;
  if (!bifPending()) { if (slots) frameLeave(slots); return; }
  pendingPid = 0;
  reserve(traceParts(m, n, frame, twice, cp, info));   // the arguments in their slots, the reason in the process: rooted
  traceBuild(m, f, n, info);
  if (slots) frameLeave(slots);
  // nativeRaise's error with no handler: now whole, it ends the process (p.handler is 0 too after
  // a raise that went to the outermost handler, so the flag, not the handler, tells)
  if (pendingUncaught) { pendingUncaught = false; raiseUncaught(); }
}

/**
 * The scheduler's side of a native's raise with no handler that nothing completed: the process's
 * code returned the non-value (a caller that does not call bif_trace), so it ends with that error,
 * its trace the callers' frames. The exit reason; 0 if process `pid` has no such raise. Called in
 * the process's context (its heap and shadow stack), right after its code returned; it collects
 * at most (reserveEnding), never suspends or ends the process: it runs in the scheduler's loop,
 * outside fiber_resume, which alone catches an end (fiber_exit).
 */
export function bifUncaughtReason(pid: Term): Term {
  if (!bifPendingOf(pid) || !pendingUncaught) return 0;
  pendingPid = 0;
  pendingUncaught = false;
  reserveEnding(traceParts(0, 0, 0, false, 0, false) + UNCAUGHT_WORDS);
  traceBuild(0, 0, 0, false);
  return uncaughtReasonRaw();
}

/** Frames of the trace being completed in parts[0..partsN). */
let partsN = 0;

/** Lay out the pending raise's trace in parts (as bifTrace describes it); the words it takes to build. */
function traceParts(m: Term, n: i32, frame: Term, twice: bool, cp: u64, info: bool): usize {
  let k = 0;
  if (m) unchecked(parts[k++] = 0);
  if (frame) { unchecked(parts[k++] = frame); if (twice) unchecked(parts[k++] = frame); }
  if (isCp(cp) && cp != pendingFirst && k < BACKTRACE_DEPTH) { const cf = frameOf(cp); if (cf) unchecked(parts[k++] = cf); }
  for (let i = 0; i < pendingN && k < BACKTRACE_DEPTH; i++) unchecked(parts[k++] = foundFrame(i));
  partsN = k;
  if (m && !A_ERROR_INFO) {
    A_ERLANG = atomOf("erlang");
    A_ERROR_INFO = atomOf("error_info");
    A_MODULE = atomOf("module");
    A_ERTS_ERRORS = atomOf("erl_erts_errors");
    A_STDLIB_ERRORS = atomOf("erl_stdlib_errors");
  }
  // words: the tag's tuple, the trace's cells, the arguments' cells, the head {M, F, Args, Info},
  // the info [{error_info, #{module => ...}}]
  const args: usize = n < 0 ? 0 : <usize>n;
  let words: usize = (pendingTag ? 3 : 0) + (<usize>k << 1);
  if (m) words += (args << 1) + 5 + (info ? 2 + 3 + 4 : 0);
  return words;
}

/** Build the trace traceParts laid out (and the tagged reason) into the process's exception, its words reserved. */
function traceBuild(m: Term, f: Term, n: i32, info: bool): void {
  const p = current!;
  if (pendingTag) p.excReason = pairRaw(pendingTag, p.excReason);
  let l: Term = NIL;
  for (let i = partsN - 1; i >= 0; i--) {
    let fr = unchecked(parts[i]);
    if (fr == 0) fr = headFrame(m, f, n, info);
    l = consRaw(fr, l);
  }
  p.excTrace = l;
}

/** {m, f, Args, Info}, Args from the newest root slots (bifTrace reserved the words). */
function headFrame(m: Term, f: Term, n: i32, info: bool): Term {
  let args: Term = NIL;
  if (n < 0) args = slotGet(0);
  else for (let i = n - 1; i >= 0; i--) args = consRaw(slotGet(i), args);
  if (DEBUG) assert(n >= 0 || isList(args) || args == NIL);
  let loc: Term = NIL;
  if (info) {
    const map = mapRaw(1);
    store<u64>(<usize>(map - 2) + 16, A_MODULE);
    store<u64>(<usize>(map - 2) + 24, m == A_ERLANG ? A_ERTS_ERRORS : A_STDLIB_ERRORS);
    loc = consRaw(pairRaw(A_ERROR_INFO, map), NIL);
  }
  const h = tupleRaw(4);
  store<u64>(<usize>(h - 2) + 8, m);
  store<u64>(<usize>(h - 2) + 16, f);
  store<u64>(<usize>(h - 2) + 24, args);
  store<u64>(<usize>(h - 2) + 32, loc);
  return h;
}

/**
 * A BIF's error raised by compiled code itself (an inline BIF: element/2, hd/1, ...): error:reason
 * (an immediate) with the trace [{m, f, Args, ErrorInfo}, frame, cp's frame, callers...], its n
 * arguments in the newest n root slots (left by the raise). As raise_trace otherwise.
 */
export function bifRaise(reason: Term, m: Term, f: Term, n: i32, frame: Term, cp: u64): i32 {
  bifWalk();
  bifTrace(m, f, n, frame, false, cp, true);
  return raise(ERROR, reason, current!.excTrace);
}

/** Walk the callers' frames from here for a raise to come (made pending: bifTrace completes it). */
export function bifWalk(): void {
  pendingN = traceOf(0);
  pendingFirst = walkFirst;
  pendingTag = 0;
  pendingUncaught = false;
  pendingPid = current!.pid;
}
