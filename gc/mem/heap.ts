// Process heaps: where terms are allocated, one heap per process.
//
// A heap has two generations, as on BEAM. New terms are bump-allocated in the
// young generation; a minor collection (gc/collector.ts) moves the young terms
// that already survived one collection (those below the high-water mark) to
// the old generation and the rest to a fresh young block; a full sweep moves
// everything live into one fresh young block and drops the old generation.
// Terms are immutable, so an old term never points to a younger one and a
// minor collection needs no remembered set.
//
// ╒═══════════ young generation (one TLSF block) ═══════════╕
//   start          hwm                  top              end
//   │ survived one │ allocated since the │ free             │
//   │ collection   │ last collection     │                  │
// └──────────────┴─────────────────────┴──────────────────┘
//   promoted at the next minor ─┘         └─ next allocation (bump)
//
// ╒═══════════ old generation (one TLSF block) ════════════╕
//   oldStart                          oldTop            oldEnd
// └──────────────────────────────────┴─────────────────┘
//
// The running process's `top` and `end` live in the globals htop/hend while
// it runs (switched by the scheduler, as the shadow-stack pointer is), so the
// allocation fast path compiled code inlines is: p = htop; if p + bytes <=
// hend then htop = p + bytes else p = gc_alloc(words). The slow path
// collects, and every term a caller holds outside its root slots is stale
// after it.
//
// Sizes follow BEAM: a Fibonacci-like series from min_heap_size (233 words);
// how a collection picks the next young block's size is in gc/collector.ts.
// A process whose heap passes max_heap_size (words, young + old) after a
// collection is killed with the reason max_heap_size; nothing else is
// touched.

import { DEBUG } from "./debug";

// @ts-ignore: decorator
@inline export const WORD: usize = 8;

@unmanaged export class Heap {
  /** Young generation block. */
  start: usize;
  top: usize;
  end: usize;
  /** Young terms below this survived one collection. */
  hwm: usize;
  /** Old generation block (0 until the first promotion). */
  oldStart: usize;
  oldTop: usize;
  oldEnd: usize;
  /** First refc binary in the young generation, then in the old (linked through their link word). */
  binsYoung: usize;
  binsOld: usize;
  /** Heap fragments (messages that arrived while the heap could not take them): a linked list. */
  frags: usize;
  fragWords: usize;
  /** Bytes of off-heap binaries this heap refers to, and the level that triggers a collection. */
  vheap: u64;
  vheapLimit: u64;
  /** Policy (words): 0 max means no limit. */
  minWords: u32;
  maxWords: u32;
  fullsweepAfter: u32;
  minorsSinceFull: u32;
  /** Counters. */
  minors: u32;
  majors: u32;
}

/** Allocation pointer of the running process's young generation. */
export let htop: usize = 0;
/** End of the running process's young generation. */
export let hend: usize = 0;
/** Heap whose top/end are in htop/hend, or null. */
export let active: Heap | null = null;

/** Make `h` the running heap (its top/end into the globals). */
// @ts-ignore: decorator
@inline export function heapSwitchIn(h: Heap): void {
  active = h;
  htop = h.top;
  hend = h.end;
}

/** Save the running heap's top and leave no heap running. */
// @ts-ignore: decorator
@inline export function heapSwitchOut(): void {
  const h = active;
  if (h) h.top = htop;
  active = null;
  htop = 0;
  hend = 0;
}

/** Write htop back to the running heap, so its fields are current. */
// @ts-ignore: decorator
@inline export function heapSync(): void {
  const h = active;
  if (h) h.top = htop;
}

/** Reload htop/hend after the running heap's fields changed (a collection). */
// @ts-ignore: decorator
@inline export function heapReload(): void {
  const h = active;
  if (h) { htop = h.top; hend = h.end; }
}

/** Take n words at the top of the running heap without any check (after a reserve made them free). */
// @ts-ignore: decorator
@inline export function bump(words: usize): usize {
  const p = htop;
  htop = p + (words << 3);
  if (DEBUG) assert(htop <= hend);   // the caller reserved them
  return p;
}

let savedTop: usize = 0, savedEnd: usize = 0;
let targeting = false;   // inside heapTarget .. heapTargetEnd
let savedActive: Heap | null = null;

/** Point the allocation globals at `words` words at `dest` owned by `h` (to build a term there with bump()); undo with heapTargetEnd. */
export function heapTarget(h: Heap, dest: usize, words: usize): void {
  if (DEBUG) assert(savedActive == null && !targeting);   // one save slot: never nested
  targeting = true;
  heapSync();
  savedTop = htop; savedEnd = hend; savedActive = active;
  active = h;
  htop = dest;
  hend = dest + (words << 3);
}

/** Put back the allocation globals heapTarget replaced. */
export function heapTargetEnd(): void {
  if (DEBUG) assert(targeting && htop <= hend);
  targeting = false;
  htop = savedTop; hend = savedEnd; active = savedActive;
  savedActive = null;
}

/**
 * After a trap left a host call halfway (an allocation the engine could not
 * grow memory for): put the allocation globals back if a heapTarget was in
 * progress. What was built there is unreachable and goes with the next
 * collection of the heap it was built in.
 */
export function heapTargetAbort(): void {
  if (targeting) heapTargetEnd();
}

/** Set a fresh heap's policy; it gets memory on its first allocation. */
export function heapInit(h: Heap, minWords: u32, maxWords: u32, fullsweepAfter: u32): void {
  memory.fill(changetype<usize>(h), 0, offsetof<Heap>());
  h.minWords = max(minWords, 16);
  h.maxWords = maxWords;
  h.fullsweepAfter = fullsweepAfter;
  h.vheapLimit = <u64>h.minWords * WORD;   // as BEAM's bin_vheap_sz, in bytes here
}

/** Words of young generation in use. */
// @ts-ignore: decorator
@inline export function youngUsed(h: Heap): usize { return (h.top - h.start) >> 3; }
/** Words of young generation in all. */
// @ts-ignore: decorator
@inline export function youngSize(h: Heap): usize { return (h.end - h.start) >> 3; }
/**
 * Words the young generation holds, or, before its first block, at least min_heap_size (what that
 * block will hold): what a heap's fragments are measured against. (A heap with no block yet has a
 * young size of 0, and any fragment, a spawned closure's copy, would pass it.)
 */
// @ts-ignore: decorator
@inline export function youngCapacity(h: Heap): usize { return max(youngSize(h), <usize>h.minWords); }
/** Words of old generation in use. */
// @ts-ignore: decorator
@inline export function oldUsed(h: Heap): usize { return (h.oldTop - h.oldStart) >> 3; }
/** Words of old generation in all. */
// @ts-ignore: decorator
@inline export function oldSize(h: Heap): usize { return (h.oldEnd - h.oldStart) >> 3; }

/** Bytes of linear memory the heap holds (both generations and fragments). */
export function heapBytes(h: Heap): usize {
  return (youngSize(h) + oldSize(h) + h.fragWords) << 3;
}

/** The smallest size in BEAM's series (233, 377, 610, ... then +20%) that is at least `words`. */
export function nextHeapSize(words: usize, minWords: usize): usize {
  let a: usize = 233, b: usize = 377;
  while (a < minWords) { const c = a + b; a = b; b = c; }
  while (a < words) {
    if (a < 1_000_000) { const c = a + b; a = b; b = c; }
    else a += a / 5;
  }
  return a;
}

/** Bytes of generation blocks held by all heaps (an ended process's come back at once). */
export let heapBlockBytes: u64 = 0;

/** A generation block of `bytes`. */
export function blockAlloc(bytes: usize): usize {
  heapBlockBytes += bytes;
  return heap.alloc(bytes);
}

/** Account for a generation block given back (freed, or poisoned in debug). */
export function blockGone(bytes: usize): void { heapBlockBytes -= bytes; }

/** Give the heap its first young block (min_heap_size, or enough for `need` words). */
export function heapFirstBlock(h: Heap, need: usize): void {
  const words = nextHeapSize(need, h.minWords);
  h.start = blockAlloc(words << 3);
  h.top = h.start;
  h.hwm = h.start;
  h.end = h.start + (words << 3);
}
