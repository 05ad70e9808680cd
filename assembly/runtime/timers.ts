// Timers: one binary min-heap of every timer armed in the runtime, ordered by
// deadline (ms on the host clock, env.ts) and, among equal deadlines, by the
// order they were armed in: timers set for the same time fire in the order
// set, as on BEAM. A timer is a record the heap points to, of one of two
// kinds:
//
//   kind      record                                   when it fires
//   -------   --------------------------------------   -------------------------------
//   PROCESS   the process block itself (a Process      the process wakes (sleep, the
//             is a Timer first, process.ts)            timeout of a receive)
//   MESSAGE   a message timer (send_after.ts)          its message is delivered
//                                                      (erlang:send_after/3)
//
// Each record knows its position in the heap (timerIndex), so it is cancelled
// in O(log n).
//
//   heap[0] is the earliest timer; heap[i]'s children are 2i+1 and 2i+2.

import { Vec, vecStatic, vecReserve, vecAt } from "../../gc/mem/vec";
import { DEBUG } from "../../gc/mem/debug";

// @ts-ignore: decorator
@inline export const TIMER_PROCESS: u32 = 0;
// @ts-ignore: decorator
@inline export const TIMER_MESSAGE: u32 = 1;

/** What the heap orders: the first fields of a process block and of a message timer. */
@unmanaged export class Timer {
  /** When it fires (host clock, ms), while armed. */
  deadline: f64;
  /** When it was armed: the n-th arming in this runtime (ties between equal deadlines). */
  timerSeq: u64;
  /** Position in the heap, -1 while not armed. */
  timerIndex: i32;
  /** TIMER_PROCESS or TIMER_MESSAGE. */
  timerKind: u32;
}

/** The heap: a Timer pointer (u32) per entry; its length is unused (timerCount is). */
const timerHeap: Vec = vecStatic();
/** Timers armed, of both kinds. */
export let timerCount: u32 = 0;
/** Armings so far: the next timer's timerSeq. */
let armed: u64 = 0;

// @ts-ignore: decorator
@inline function at(i: u32): Timer { return changetype<Timer>(<usize>load<u32>(vecAt(timerHeap, i, 2))); }
// @ts-ignore: decorator
@inline function put(i: u32, t: Timer): void {
  store<u32>(vecAt(timerHeap, i, 2), changetype<u32>(t));
  t.timerIndex = i;
}
/** Whether `a` fires before `b`: the earlier deadline, or at the same one the earlier armed. */
// @ts-ignore: decorator
@inline function before(a: Timer, b: Timer): bool {
  return a.deadline < b.deadline || (a.deadline == b.deadline && a.timerSeq < b.timerSeq);
}

/** Move the entry at i up while it fires before its parent. */
function siftUp(i: u32): void {
  const t = at(i);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const q = at(parent);
    if (!before(t, q)) break;
    put(i, q);
    i = parent;
  }
  put(i, t);
}

/** Move the entry at i down while a child fires before it. */
function siftDown(i: u32): void {
  const t = at(i);
  for (;;) {
    let c: u32 = 2 * i + 1;
    if (c >= timerCount) break;
    if (c + 1 < timerCount && before(at(c + 1), at(c))) c++;
    const q = at(c);
    if (!before(q, t)) break;
    put(i, q);
    i = c;
  }
  put(i, t);
}

/** Arm timer `t` (not armed) for `deadline`. */
export function timerAdd(t: Timer, deadline: f64): void {
  if (DEBUG) assert(t.timerIndex < 0);   // a record is in the heap at most once
  vecReserve(timerHeap, timerCount + 1, 2);
  t.deadline = deadline;
  t.timerSeq = armed++;
  put(timerCount++, t);
  siftUp(t.timerIndex);
}

/** Disarm timer `t`, if it is armed. */
export function timerCancel(t: Timer): void {
  const i = t.timerIndex;
  if (i < 0) return;
  if (DEBUG) assert(<u32>i < timerCount && at(i) == t);   // it is where it thinks it is
  t.timerIndex = -1;
  const last = at(--timerCount);
  if (<u32>i == timerCount) return;
  put(i, last);
  siftUp(i);
  siftDown(last.timerIndex);
}

/** Earliest deadline pending, or +Infinity. */
export function nextDeadline(): f64 { return timerCount ? at(0).deadline : Infinity; }

/** Disarm and return the first timer whose deadline is at or before `now`, or null. */
export function timerPopDue(now: f64): Timer | null {
  if (!timerCount || at(0).deadline > now) return null;
  const t = at(0);
  if (DEBUG) assert(timerCount < 2 || (!before(at(1), t) && (timerCount < 3 || !before(at(2), t))));
  timerCancel(t);
  return t;
}

/** Forget every timer (the runtime is being torn down: their records are gone or going). */
export function timersClear(): void { timerCount = 0; }
