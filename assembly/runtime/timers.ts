// Timers: a binary min-heap of waiting processes ordered by deadline (ms on
// the host clock, see env.ts). Each process has at most one timer, and knows
// its position (Process.timerIndex) so it can be cancelled in O(log n).
//
//   heap[0] is the earliest deadline; heap[i]'s children are 2i+1 and 2i+2.

import { Process } from "./process";
import { Vec, vecStatic, vecReserve, vecAt } from "../../gc/mem/vec";
import { DEBUG } from "../../gc/mem/debug";

/** The heap: a Process pointer (u32) per entry; its length is unused (timerCount is). */
const timerHeap: Vec = vecStatic();
/** Timers pending. */
export let timerCount: u32 = 0;

// @ts-ignore: decorator
@inline function at(i: u32): Process { return changetype<Process>(<usize>load<u32>(vecAt(timerHeap, i, 2))); }
// @ts-ignore: decorator
@inline function put(i: u32, p: Process): void {
  store<u32>(vecAt(timerHeap, i, 2), changetype<u32>(p));
  p.timerIndex = i;
}

/** Move the entry at i up while it is earlier than its parent. */
function siftUp(i: u32): void {
  const p = at(i);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const q = at(parent);
    if (q.deadline <= p.deadline) break;
    put(i, q);
    i = parent;
  }
  put(i, p);
}

/** Move the entry at i down while a child is earlier. */
function siftDown(i: u32): void {
  const p = at(i);
  for (;;) {
    let c: u32 = 2 * i + 1;
    if (c >= timerCount) break;
    if (c + 1 < timerCount && at(c + 1).deadline < at(c).deadline) c++;
    const q = at(c);
    if (p.deadline <= q.deadline) break;
    put(i, q);
    i = c;
  }
  put(i, p);
}

/** Arm `p`'s timer for p.deadline. */
export function timerAdd(p: Process): void {
  if (DEBUG) assert(p.timerIndex < 0);   // one timer per process
  vecReserve(timerHeap, timerCount + 1, 2);
  put(timerCount++, p);
  siftUp(p.timerIndex);
}

/** Disarm `p`'s timer, if it has one. */
export function timerCancel(p: Process): void {
  const i = p.timerIndex;
  if (i < 0) return;
  if (DEBUG) assert(<u32>i < timerCount && at(i) == p);   // it is where it thinks it is
  p.timerIndex = -1;
  const last = at(--timerCount);
  if (<u32>i == timerCount) return;
  put(i, last);
  siftUp(i);
  siftDown(last.timerIndex);
}

/** Earliest deadline pending, or +Infinity. */
export function nextDeadline(): f64 { return timerCount ? at(0).deadline : Infinity; }

/** Remove and return the earliest process whose deadline is at or before `now`, or null. */
export function timerPopDue(now: f64): Process | null {
  if (!timerCount || at(0).deadline > now) return null;
  const p = at(0);
  if (DEBUG) assert(timerCount < 2 || (at(1).deadline >= p.deadline && (timerCount < 3 || at(2).deadline >= p.deadline)));
  timerCancel(p);
  return p;
}

/** Forget every timer (the runtime is being torn down). */
export function timersClear(): void { timerCount = 0; }
