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
import { current, processExit } from "../assembly/scheduler";
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

/** Kill the running process if its heap has passed max_heap_size. */
function checkMaxHeap(h: Heap): void {
  if (h.maxWords && heapWords(h) > <usize>h.maxWords && current) processExit(ATOM_MAX_HEAP_SIZE);
}
