// The run queue: one FIFO per priority, linked through Process.next.
//
//   queue    served
//   ------   -----------------------------------------------------------
//   max      first, whenever it is not empty
//   high     when max is empty
//   normal   when max and high are empty
//   low      shares the normal turn: one low process runs after every
//            LOW_EVERY normal ones (or whenever normal is empty), as BEAM
//            runs low-priority processes less often, never starved
//
// A process is in at most one queue, only while RUNNABLE or EXITING (a kill
// marks a queued process EXITING and the scheduler ends it when it is picked,
// so nothing is unlinked from the middle).

import { Process, PRIO_LOW, PRIO_NORMAL, STATE_RUNNABLE, STATE_EXITING } from "./process";
import { DEBUG } from "../../gc/mem/debug";

// @ts-ignore: decorator
@inline const LOW_EVERY: i32 = 8;

const heads = memory.data(4 * sizeof<usize>());
const tails = memory.data(4 * sizeof<usize>());
let normalsSinceLow: i32 = 0;
/** Processes queued now. */
export let queued: u32 = 0;

/** Append `p` to the queue of its priority. */
export function enqueue(p: Process): void {
  // only runnable processes, or ones an exit signal ended while they waited, with no timer, are queued
  if (DEBUG) assert((p.state == STATE_RUNNABLE || p.state == STATE_EXITING) && p.timerIndex < 0);
  const q = <usize>p.priority << alignof<usize>();
  p.next = null;
  const tail = load<usize>(tails + q);
  if (tail) changetype<Process>(tail).next = p; else store<usize>(heads + q, changetype<usize>(p));
  store<usize>(tails + q, changetype<usize>(p));
  queued++;
}

/** Remove and return the head of queue `prio`, or null when it is empty. */
function take(prio: u8): Process | null {
  const q = <usize>prio << alignof<usize>();
  const head = load<usize>(heads + q);
  if (!head) return null;
  const p = changetype<Process>(head);
  if (DEBUG) assert(queued > 0 && (p.state == STATE_RUNNABLE || p.state == STATE_EXITING));   // killed ones end when picked
  const next = changetype<usize>(p.next);
  store<usize>(heads + q, next);
  if (!next) store<usize>(tails + q, 0);
  p.next = null;
  queued--;
  return p;
}

/** The next process to run, by priority, or null when nothing is queued. */
export function dequeue(): Process | null {
  if (!queued) return null;
  let p = take(0);
  if (p) return p;
  p = take(1);
  if (p) return p;
  if (normalsSinceLow >= LOW_EVERY) {
    normalsSinceLow = 0;
    p = take(PRIO_LOW);
    if (p) return p;
  }
  p = take(PRIO_NORMAL);
  if (p) { normalsSinceLow++; return p; }
  return take(PRIO_LOW);
}

/** Empty every queue (the runtime is being torn down). */
export function clearQueues(): void {
  memory.fill(heads, 0, 4 * sizeof<usize>());
  memory.fill(tails, 0, 4 * sizeof<usize>());
  queued = 0;
  normalsSinceLow = 0;
}
