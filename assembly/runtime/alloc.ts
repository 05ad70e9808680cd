// Allocation on the running process's heap: the fast path, the slow path
// that collects, and reservations.
//
//   call              may collect   use
//   ---------------   -----------   -------------------------------------------
//   allocWords(n)     yes           one object; bump if it fits, else collect
//   reserve(n)        yes           make n words free, then build with bump()
//   bump(n)           never         take n of the words reserve() made free
//
// After any call that may collect, every term not reloaded from a root is
// stale (gc/roots.ts). Building a term bottom-up after one reserve() of its
// total size needs no roots at all for the pieces, which is how messages and
// decoded terms are built.

import { htop, hend, active, heapSync, heapReload, Heap } from "./heap";
import { collect, heapWords } from "./copying";
import { current, processExit, kill } from "../assembly/scheduler";
import { Process, heapOf, sharedHeap } from "../assembly/process";
import { ATOM_MAX_HEAP_SIZE } from "./atoms";

/** Take n words at the top of the running heap without any check (after reserve). */
// @ts-ignore: decorator
@inline export function bump(words: usize): usize {
  const p = htop;
  htop = p + (words << 3);
  return p;
}

/** Allocate n words on the running heap, collecting if they do not fit. */
// @ts-ignore: decorator
@inline export function allocWords(words: usize): usize {
  if (htop + (words << 3) <= hend) return bump(words);
  return allocSlow(words);
}

/** The slow path of allocWords: collect, then allocate. */
export function allocSlow(words: usize): usize {
  reserve(words);
  return bump(words);
}

/** Make at least n words free at the top of the running heap (collecting if needed, or if off-heap binaries passed the virtual-heap limit). */
export function reserve(words: usize): void {
  const h = active!;
  if (htop + (words << 3) <= hend && h.vheap <= h.vheapLimit) return;
  collectRunning(words, false);
}

/** Collect the running process's heap (major if asked) with n words to be free after. */
export function collectRunning(words: usize, major: bool): void {
  const h = active!;
  heapSync();
  collect(h, words, major);
  heapReload();
  checkMaxHeap(h);
}

/** Whether heap `h` has passed its max_heap_size. */
// @ts-ignore: decorator
@inline function overMaxHeap(h: Heap): bool { return h.maxWords != 0 && heapWords(h) > <usize>h.maxWords; }

/** Kill the running process if its heap has passed max_heap_size. */
function checkMaxHeap(h: Heap): void {
  if (overMaxHeap(h) && current) processExit(ATOM_MAX_HEAP_SIZE);
}

/**
 * Collect process `p`'s heap from outside its code (the host, another process,
 * the scheduler before it runs), whether `p` is running or suspended; a process
 * whose heap then passes max_heap_size is killed. In the shared-heap baseline
 * a running process's top is live in htop, so that case goes through
 * collectRunning.
 */
export function collectProcess(p: Process, major: bool): void {
  if (p == current || (sharedHeap && current)) { collectRunning(0, major); return; }
  const h = heapOf(p);
  collect(h, 0, major);
  if (overMaxHeap(h)) kill(p.pid, ATOM_MAX_HEAP_SIZE);
}
