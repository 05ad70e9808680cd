// Allocation on the running process's heap: the slow path that collects,
// reservations, and collections asked for from outside a process's code.
// The fast path, bump(), is below in gc/mem/heap.ts.
//
//   call              may collect   use
//   ---------------   -----------   -------------------------------------------
//   allocWords(n)     yes           one object; bump if it fits, else collect
//   reserve(n)        yes           make n words free, then build with bump()
//   bump(n)           never         take n of the words reserve() made free
//
// After any call that may collect, every term not reloaded from a root is
// stale (roots.ts). Building a term bottom-up after one reserve() of its
// total size needs no roots at all for the pieces, which is how messages and
// decoded terms are built.
//
// The collector (gc/collector.ts) knows no process: this file hands it the
// roots (roots.ts), times the pause for the host, and applies the policy the
// collector only reports on: a heap past max_heap_size ends its process.

import { htop, hend, active, heapSync, heapReload, bump, Heap } from "../../gc/mem/heap";
import { collectBegin, collectEnd, heapWords, GC_MINOR } from "../../gc/collector";
import { current, processExit, kill } from "./scheduler";
import { Process, heapOf, ownerOf, sharedHeap } from "./process";
import { scanProcessRoots, scanAllRoots } from "./roots";
import { hostNow, hostGcEvent } from "./env";
import { ATOM_MAX_HEAP_SIZE } from "../../gc/term/atoms";
import { DEBUG } from "../../gc/mem/debug";

/** Report each collection's pause to the host (env.gc_event). */
let reportPauses: bool = false;

/** Turn pause reports (env.gc_event) on or off. */
export function reportGcPauses(on: bool): void { reportPauses = on; }

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

/**
 * As reserve, for a process whose end is being decided (the scheduler, right after its code
 * returned: bif_traces.ts bifUncaughtReason): it collects if it must, but never ends the process
 * for its max_heap_size (it ends anyway): outside fiber_resume, an end (fiber_exit) would leave
 * the scheduler itself.
 */
export function reserveEnding(words: usize): void {
  const h = active!;
  if (htop + (words << 3) <= hend && h.vheap <= h.vheapLimit) return;
  heapSync();
  collectHeap(h, words, false);
  heapReload();
}

/** Collect heap `h` with the roots of whoever owns it, reporting the pause if asked. */
function collectHeap(h: Heap, need: usize, major: bool): void {
  const t0 = reportPauses ? hostNow() : 0;
  let kind = GC_MINOR;
  if (collectBegin(h, need, major)) {
    // the roots, by direct calls (gc/collector.ts says why not a function pointer)
    if (sharedHeap) scanAllRoots();
    else scanProcessRoots(ownerOf(h));
    kind = collectEnd(h);
  }
  if (reportPauses) {
    const live = ((h.top - h.start) + (h.oldTop - h.oldStart)) >> 3;
    hostGcEvent(sharedHeap ? 0 : ownerOf(h).pid, kind, hostNow() - t0, <u32>live, <u32>heapWords(h));
  }
}

/** Collect the running process's heap (major if asked) with n words to be free after. */
export function collectRunning(words: usize, major: bool): void {
  const h = active!;
  heapSync();
  collectHeap(h, words, major);
  heapReload();
  if (overMaxHeap(h) && current) processExit(ATOM_MAX_HEAP_SIZE);
}

/** Whether heap `h` has passed its max_heap_size. */
// @ts-ignore: decorator
@inline function overMaxHeap(h: Heap): bool { return h.maxWords != 0 && heapWords(h) > <usize>h.maxWords; }

/**
 * Collect process `p`'s heap from outside its code (the host, another process,
 * the scheduler before it runs), whether `p` is running or suspended; a process
 * whose heap then passes max_heap_size is killed. In the shared-heap baseline
 * a running process's top is live in htop, so that case goes through
 * collectRunning.
 */
export function collectProcess(p: Process, major: bool): void {
  if (p == current || (sharedHeap && current)) { collectRunning(0, major); return; }
  if (collectSuspended(p, major)) kill(p.pid, ATOM_MAX_HEAP_SIZE);
}

/**
 * Collect the heap of `p`, which is not running (the scheduler before its slice, the host): whether it
 * passed max_heap_size (the caller ends it). Nothing here can end the running process: the scheduler's
 * loop calls it, and an end thrown there (fiber_exit) would leave schedule() itself, since only
 * fiber_resume catches it.
 */
export function collectSuspended(p: Process, major: bool): bool {
  if (DEBUG) assert(p != current);
  const h = heapOf(p);
  collectHeap(h, 0, major);
  return overMaxHeap(h);
}
