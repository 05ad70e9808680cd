// The scheduler: runs processes in slices, preemptively, by reductions.
//
// Every process runs on its own fiber (fiber/fiber.ts). A slice starts with a
// budget of SLICE reductions (BEAM's 4000); code running in a process spends
// it through reduce(n), which compiled code emits at every call and loop head,
// and the process is preempted when the budget runs out. No JS timer ever
// interrupts a slice: the host calls schedule() with a deadline, and the
// scheduler looks at the clock only between slices.
//
//   suspend code   meaning                       the scheduler then
//   ------------   ---------------------------   --------------------------
//   YIELD          budget spent, or yield()      queues it again (RUNNABLE)
//   WAIT           sleeping, or in a receive     leaves it WAITING; its timer,
//                  with nothing to take          or (in a receive) a message,
//                                                wakes it
//   -1 (ended)     returned, exit(), or killed   frees its slot
//
//   schedule() returns (Status, assembly/boundary/codes.ts)
//   ------------------   ------------------------------------------------
//   IDLE      0          no process is alive, no timer armed
//   RUNNABLE  1          processes are ready: call again (after the host's
//                        event loop has had a turn)
//   TIMERS    2          none ready; the earliest timer (a sleep, a receive
//                        timeout, or a message timer) is nextDeadline()
//   WAITING   3          processes alive, all waiting, no timer armed
//
// A trap inside a process (stack overflow, unreachable, out-of-bounds) leaves
// schedule() as a host exception; the host calls crash() and the process ends
// alone with a reason, while the scheduler's own state stays consistent
// because it is kept in globals, never in the frames the trap unwound.

import { Term, NIL, head, tupleGet } from "../../gc/term/term";
import { ATOM_SYSTEM_LIMIT, ATOM_KILL, ATOM_KILLED, ATOM_BADARG, ATOM_NORMAL, ATOM_MAX_HEAP_SIZE } from "../../gc/term/atoms";
import {
  fiber_create, fiber_resume, fiber_suspend, fiber_exit, fiber_destroy, fiber_release, fiber_recover,
} from "../fiber/fiber";
import {
  Process, allocProcess, freeProcess, lookup, fiberCtx, processAt, slotCount, liveProcesses, heapOf, sharedHeap,
  STATE_FREE, STATE_RUNNABLE, STATE_RUNNING, STATE_WAITING, STATE_EXITING,
} from "./process";
import { enqueue, dequeue, clearQueues, queued } from "./runqueue";
import { timerAdd, timerCancel, timerPopDue, timersClear, timerCount, TIMER_PROCESS } from "./timers";
import { messageTimerFire, messageTimersDrop, messageTimersClear } from "./message_timers";
import { shadowSwitchIn, shadowSwitchOut, shadowRelease } from "./shadowstack";
import { heapSwitchIn, heapSwitchOut, heapTargetAbort, youngCapacity } from "../../gc/mem/heap";
import { etfReset } from "../../gc/term/etf";
import { heapRelease } from "../../gc/collector";
import { collectSuspended } from "./alloc";
import { hostNow, hostExited } from "./env";
import { copyIntoProcess, encodedWords, decodeIntoProcess, encodeForHost, encodedBytes } from "./transfer";
import { Status, HostResult } from "../boundary/codes";
import { DEBUG } from "../../gc/mem/debug";
import { mailboxClear } from "./mailbox";
import { unregisterName } from "./registry";
import { signalsOnExit, signalsDrop } from "./signals";
import { applyTrampoline, directEntry } from "./exports";
import { bifUncaughtReason } from "./bif_traces";

// @ts-ignore: decorator
@inline export const SUSPEND_YIELD: i32 = 0;
// @ts-ignore: decorator
@inline export const SUSPEND_WAIT: i32 = 1;


/** The process running now, null between slices. */
export let current: Process | null = null;
/** Reductions left in the running slice (compiled code may decrement it inline). */
export let budget: i32 = 0;
/** Reductions a slice starts with. */
export let sliceReductions: i32 = 4000;
/** Whether to tell the host of every exit (hostExited). */
export let notifyExits: bool = false;
/** Slices run since start (one fiber resume each). */
export let switches: u64 = 0;
/** Reductions spent since start. */
export let reductionsTotal: u64 = 0;
/** kill_all is ending every process: no exit signals. */
let tearingDown = false;
/** How many slices run between looks at the clock. */
// @ts-ignore: decorator
@inline const CLOCK_EVERY: i32 = 16;

/** Set the slice budget and whether exits are reported; called at start. */
export function schedulerInit(slice: i32, exits: bool): void {
  sliceReductions = max(slice, 1);
  notifyExits = exits;
}

/** Turn exit reports to the host on or off. */
export function setNotifyExits(on: bool): void { notifyExits = on; }

/**
 * Spawn a process running entry(arg) at `priority`; its pid, or the atom system_limit. The argument
 * is copied into the new process's heap (unless `shared`: a literal, immutable and never moved); with `argOnce` (a start by name: apply.ts) it is dropped
 * after the process's first slice, else kept live for its life.
 */
export function spawn(entry: u32, arg: Term, priority: u8, argOnce: bool = false, shared: bool = false): Term {
  const p = allocProcess(entry, NIL, priority);
  if (!p) return ATOM_SYSTEM_LIMIT;
  // into a fragment (the heap gets a block when it first allocates), or, `shared`, a literal the
  // child may point at as it is (apply.ts spawnFun)
  p.arg = shared ? arg : copyIntoProcess(p, arg);
  p.argOnce = argOnce;
  start(p);
  return p.pid;
}

/** Spawn entry(the term External Term Format bytes at buf..buf+len hold) for the host: its pid, or the atom badarg (malformed bytes) or system_limit. */
export function spawnEncoded(entry: u32, buf: usize, len: usize, priority: u8): Term {
  const words = encodedWords(buf, len);
  if (words < 0) return ATOM_BADARG;
  const p = allocProcess(entry, NIL, priority);
  if (!p) return ATOM_SYSTEM_LIMIT;
  const arg = decodeIntoProcess(p, buf, len, words);
  if (!arg) {                         // the atom table is full: give the slot back unstarted
    if (!sharedHeap) heapRelease(heapOf(p));
    freeProcess(p);
    return ATOM_SYSTEM_LIMIT;
  }
  p.arg = arg;
  if (entry == applyTrampoline) {
    // spawned by name: an entry of one argument starts as itself (exports.ts directEntry), its
    // argument dropped after the first slice as the trampoline drops {M, F, Args}
    const direct = directEntry(arg);
    if (direct >= 0) {
      p.entry = <u32>direct;
      p.arg = head(tupleGet(arg, 2));
      p.argOnce = true;
    }
  }
  start(p);
  return p.pid;
}

/** Make a new process's fiber and queue it. The backend calls entry(arg) itself, reading the argument's root when the process starts. */
function start(p: Process): void {
  fiber_create(p.slot, fiberCtx(p), p.entry, changetype<usize>(p) + offsetof<Process>("arg"));
  enqueue(p);
}

/** Spend n reductions; suspend when the slice's budget is gone. */
// @ts-ignore: decorator
@inline export function reduce(n: i32): void {
  budget -= n;
  if (budget <= 0) fiber_suspend(SUSPEND_YIELD);
}

/** Give up the rest of the slice (erlang:yield/0). */
export function yieldNow(): void {
  fiber_suspend(SUSPEND_YIELD);
}

/** Pid of the running process. */
export function self(): Term { return current!.pid; }

/** Sleep for ms milliseconds of host time (0 or less just yields). */
export function sleep(ms: f64): void {
  const p = current!;
  if (!(ms > 0)) { yieldNow(); return; }
  timerAdd(p, hostNow() + ms);
  p.state = STATE_WAITING;
  fiber_suspend(SUSPEND_WAIT);
}

/** Make a waiting process with no timer runnable (what a message arrival does); false if it was not waiting. */
export function wake(p: Process): bool {
  if (p.state != STATE_WAITING) return false;
  timerCancel(p);
  p.state = STATE_RUNNABLE;
  enqueue(p);
  return true;
}

/** End the running process now with `reason`. */
export function processExit(reason: Term): void {
  const p = current!;
  p.reason = reason;
  p.exitPending = false;   // (its own end comes first)
  fiber_exit();
}

/**
 * Mark the running process `p` to end with `reason` (a term of its heap) at its next scheduling
 * point, without suspending it here: its budget is spent, so its next reduction check yields, and
 * runSlice ends it whether it yields, waits or ends first (returning normally: then its reason is
 * normal, the signal not yet handled).
 */
export function endPending(p: Process, reason: Term): void {
  if (DEBUG) assert(p == current);
  p.reason = reason;
  p.exitPending = true;
  budget = 0;
}

/** End process `pid` with `reason` (a term of the caller's heap, copied into the victim's), from the host or another process; false if it is not alive. */
export function kill(pid: Term, reason: Term): bool {
  const p = lookup(pid);
  if (!p) return false;
  if (reason == ATOM_KILL) reason = ATOM_KILLED;   // as erlang:exit(Pid, kill)
  if (p == current) { processExit(reason); return true; }
  return killWith(p, copyIntoProcess(p, reason));
}

/** End process `pid` with the reason External Term Format bytes at buf..buf+len hold, for the host: HostResult. */
export function killEncoded(pid: Term, buf: usize, len: usize): i32 {
  const words = encodedWords(buf, len);
  if (words < 0) return HostResult.MALFORMED;
  const p = lookup(pid);
  if (!p) return HostResult.NO_PROCESS;
  let reason = decodeIntoProcess(p, buf, len, words);
  if (!reason) return HostResult.LIMIT;
  if (reason == ATOM_KILL) reason = ATOM_KILLED;
  if (p == current) processExit(reason);
  killWith(p, reason);
  return HostResult.OK;
}

/** End `p` (not running) with `reason`, a term of its own heap. */
function killWith(p: Process, reason: Term): bool {
  terminate(p, reason, false);
  return true;
}

/**
 * End `p` (not running) with `reason`, a term of its own heap: a runnable process when it is next
 * picked (runqueue.ts), a waiting one now, or (`deferred`: an exit signal from a process that is
 * itself ending) when it is picked too, so that a chain of links unwinds in the scheduler's loop.
 */
export function terminate(p: Process, reason: Term, deferred: bool): void {
  if (DEBUG) assert(p != current);
  p.reason = reason;
  if (p.state == STATE_RUNNABLE) p.state = STATE_EXITING;   // ended when picked
  else if (p.state == STATE_WAITING) {
    if (!deferred) { finish(p); return; }
    timerCancel(p);
    p.waitingForMessage = false;
    p.state = STATE_EXITING;
    enqueue(p);                                  // (ended when picked, as a runnable one)
  }
}

/** Release everything `p` holds and free its slot; the host hears of it first, while its reason's heap still exists. */
function finish(p: Process): void {
  if (DEBUG) assert(p.state != STATE_FREE && p != current);
  if (notifyExits) {
    const len = encodeForHost(p.reason);         // -1: the reason holds a fun, which cannot cross
    hostExited(p.pid, encodedBytes(), len < 0 ? 0 : <usize>len);
  }
  if (tearingDown) signalsDrop(p);
  else signalsOnExit(p);                       // links hear of it (its reason is still in its heap)
  fiber_destroy(p.slot, fiberCtx(p));
  timerCancel(p);
  messageTimersDrop(p);   // timers aimed at its pid go with it
  shadowRelease(p);
  mailboxClear(p);
  if (p.name) unregisterName(p.name);
  if (!sharedHeap) heapRelease(heapOf(p));   // the whole heap goes back at once
  freeProcess(p);
}

/** Fire every timer that is due, in order: a process's makes it runnable, a message timer's delivers. */
function fireTimers(now: f64): void {
  for (;;) {
    const t = timerPopDue(now);
    if (!t) return;
    if (t.timerKind != TIMER_PROCESS) { messageTimerFire(t); continue; }
    const p = changetype<Process>(t);
    if (p.waitingForMessage) { p.waitingForMessage = false; p.timedOut = true; }
    p.state = STATE_RUNNABLE;
    enqueue(p);
  }
}

/** Run `p` for one slice and act on how it stopped. */
function runSlice(p: Process): void {
  const h = heapOf(p);
  // messages in fragments, or off-heap binaries, outgrowing the heap: collect before it runs
  if (!sharedHeap && (h.fragWords > youngCapacity(h) || h.vheap > h.vheapLimit) && collectSuspended(p, false)) {
    p.reason = ATOM_MAX_HEAP_SIZE;   // it passed max_heap_size
    finish(p);
    return;
  }
  if (DEBUG) assert(current == null && p.state == STATE_RUNNABLE);
  current = p;
  p.state = STATE_RUNNING;
  budget = sliceReductions;
  shadowSwitchIn(p);
  heapSwitchIn(h);
  const code = fiber_resume(p.slot, fiberCtx(p));
  // its code returned the non-value with a native's error it had no handler for: it ends with it
  const uncaught: Term = code < 0 ? bifUncaughtReason(p.pid) : 0;
  if (p.argOnce) {                    // its code has the argument now (and roots what it keeps)
    p.argOnce = false;
    p.arg = NIL;
  }
  heapSwitchOut();
  shadowSwitchOut(p);
  current = null;
  const spent = sliceReductions - budget;
  p.reductions += spent;
  reductionsTotal += spent;
  switches++;
  if (p.exitPending) {                // endPending: it ends now, or ended (normally if it returned)
    if (code < 0) p.reason = uncaught ? uncaught : ATOM_NORMAL;
    p.exitPending = false;
    finish(p);
  } else if (code < 0) {
    if (uncaught) p.reason = uncaught;
    finish(p);
  }
  else if (code == SUSPEND_YIELD) {
    p.state = STATE_RUNNABLE;
    enqueue(p);
  }
}

/** Run up to maxSlices slices, stopping once the host clock passes `until`; see the status table above. */
export function schedule(maxSlices: i32, until: f64): i32 {
  fireTimers(hostNow());
  for (let n = 1; n <= maxSlices; n++) {
    const p = dequeue();
    if (!p) break;
    if (p.state == STATE_EXITING) finish(p);
    else runSlice(p);
    if (n % CLOCK_EVERY == 0) {
      const now = hostNow();
      fireTimers(now);
      if (now >= until) break;
    }
  }
  if (queued) return Status.RUNNABLE;
  if (timerCount) return Status.TIMERS;
  return liveProcesses ? Status.WAITING : Status.IDLE;
}

/** After a trap escaped schedule(): end the process that was running with `reason`; its pid, or 0 if none ran. */
export function crash(reason: Term): Term {
  const p = current;
  if (!p) return 0;
  fiber_recover(p.slot, fiberCtx(p));
  heapTargetAbort();   // a trap inside a decode or copy into a heap (memory that could not grow)
  etfReset();
  heapSwitchOut();
  shadowSwitchOut(p);
  current = null;
  p.reason = reason;
  const pid = p.pid;
  finish(p);
  return pid;
}

/** End every process without reporting it and free every fiber (the runtime is being torn down). */
export function killAll(): void {
  const saved = notifyExits;
  notifyExits = false;
  tearingDown = true;
  for (let slot: u32 = 0, n = slotCount(); slot < n; slot++) {
    const p = processAt(slot);
    if (p.state != STATE_FREE) finish(p);
    fiber_release(slot, fiberCtx(p));
  }
  notifyExits = saved;
  tearingDown = false;
  clearQueues();
  messageTimersClear();   // those aimed at a name or the host: the rest went with their processes
  timersClear();
}
