// The collector: generational, copying (Cheney), one heap at a time.
//
// A collection evacuates the roots (gc/roots.ts) and then scans what it
// copied, breadth-first, evacuating every term field it meets, until the
// scan pointers catch up with the copy pointers. Live data is copied once;
// dead data is never touched, so a pause is proportional to the live data of
// the heap collected and to nothing else: no other process is stopped,
// scanned, or even looked at (except in the shared-heap baseline, where one
// heap holds every process's terms and its roots are everyone's).
//
//   kind    from-space                     to where
//   -----   ----------------------------   -------------------------------
//   minor   young [start, top)             below hwm: old generation
//                                          (promoted: survived twice)
//                                          above hwm: a fresh young block
//   major   young and old generations      a fresh young block; the old
//           (full sweep)                   generation is freed
//
// A minor collection turns into a major one every fullsweep_after minors, or
// when the old generation cannot take what would be promoted.
//
// Invariants the collector depends on:
// - a term field holds a term; raw words (floats, integers, bytes, a refc
//   binary's pointers) only follow a header whose subtag says so, and the
//   scanner skips them by the header's arity;
// - terms are immutable, so old terms never point to younger ones: a minor
//   collection needs no roots in the old generation;
// - a moved boxed term's header becomes its new boxed term, a moved cons
//   cell's head becomes FORWARD and its tail the new list term, so every
//   later path to it finds the copy and sharing is kept;
// - nothing but roots and heap fields may hold pointers into from-space
//   after a collection: the runtime reloads from roots, and compiled code
//   must too (docs/abi.md). In debug mode from-space is poisoned, so a stale
//   pointer traps instead of reading garbage.

import {
  Term, TAG_LIST, TAG_BOXED, TAG_PRIMARY_MASK, FORWARD, termPtr, makeList, makeBoxed,
  headerArity, headerSubtag, SUB_TUPLE, SUB_MAP, SUB_FUN, SUB_REFC_BIN,
} from "./term";
import { Heap, WORD, nextHeapSize, heapFirstBlock, youngSize, oldSize, blockAlloc, blockGone } from "./heap";
import { offheapRelease, offheapSize } from "./binary";
import { fragmentsFree } from "./fragments";
import { scanRoots, scanAllRoots } from "./roots";
import { ownerOf, sharedHeap } from "../assembly/process";
import { hostNow, hostGcEvent } from "../assembly/host";

// @ts-ignore: decorator
@inline export const GC_MINOR: i32 = 0;
// @ts-ignore: decorator
@inline export const GC_MAJOR: i32 = 1;

/** Young blocks up to this many words are never shrunk (BEAM's threshold). */
// @ts-ignore: decorator
@inline const SHRINK_ABOVE: usize = 3000;

/** A term-shaped word that traps when followed: boxed pointer near the 4 GiB end. */
// @ts-ignore: decorator
@inline const POISON: u64 = 0xDEAD_BEEF_FFFF_FFF2;

/** Poison from-space after each collection and keep it out of reuse a while (tests). */
export let debugPoison: bool = false;
/** Report each collection's pause to the host (env.gc_event). */
export let reportPauses: bool = false;

// ── the collection in progress
let fromLo: usize = 0;      // start of the young from-space
let promoteBelow: usize = 0; // minor: young terms in [fromLo, promoteBelow) go to the old generation
let toTop: usize = 0;       // copy pointer in the new young block
let promTop: usize = 0;     // copy pointer in the old generation (minor)

let keepLo: usize = 0;      // minor: the old generation [keepLo, keepLo + keepSpan) stays put
let keepSpan: usize = 0;

/**
 * Whether `ptr` is in from-space. A process's pointers only ever point into
 * its own heap (young generation, fragments, old generation) or at literals
 * in the module's data (below __heap_base), so from-space is everything but
 * the literals and, in a minor collection, the old generation: two compares,
 * however many fragments the heap has.
 */
// @ts-ignore: decorator
@inline function inFrom(ptr: usize): bool {
  return ptr >= __heap_base && ptr - keepLo >= keepSpan;
}

/** Where an object of `words` words at `ptr` is copied to. */
// @ts-ignore: decorator
@inline function destFor(ptr: usize, words: usize): usize {
  let d: usize;
  if (ptr < promoteBelow && ptr >= fromLo) { d = promTop; promTop += words << 3; }
  else { d = toTop; toTop += words << 3; }
  return d;
}

/** Whether term `t` is a list or boxed pointer: tags 01 and 10 are exactly those with bit 1 set in t + 1. */
// @ts-ignore: decorator
@inline function isPointer(t: Term): bool { return ((t + 1) & 2) != 0; }

/** The term `t` after this collection: copied (once) if it lives in from-space. */
// @ts-ignore: decorator
@inline export function evacuate(t: Term): Term {
  const tag = t & TAG_PRIMARY_MASK;
  if (tag == TAG_LIST) {
    const ptr = termPtr(t);
    if (!inFrom(ptr)) return t;
    const head = load<u64>(ptr);
    if ((head & TAG_PRIMARY_MASK) == 0) return load<u64>(ptr, 8);   // FORWARD: already moved
    const dest = destFor(ptr, 2);
    store<u64>(dest, head);
    store<u64>(dest, load<u64>(ptr, 8), 8);
    const moved = makeList(dest);
    store<u64>(ptr, FORWARD);
    store<u64>(ptr, moved, 8);
    return moved;
  }
  if (tag == TAG_BOXED) {
    const ptr = termPtr(t);
    if (!inFrom(ptr)) return t;
    const h = load<u64>(ptr);
    if ((h & TAG_PRIMARY_MASK) == TAG_BOXED) return h;             // already moved
    const words = 1 + <usize>headerArity(h);
    const dest = destFor(ptr, words);
    memory.copy(dest, ptr, words << 3);
    const moved = makeBoxed(dest);
    store<u64>(ptr, moved);
    return moved;
  }
  return t;
}

/** Evacuate every term word in [lo, hi), rewriting each in place (0 words are empty slots). */
export function evacuateRange(lo: usize, hi: usize): void {
  for (let a = lo; a < hi; a += WORD) {
    const t = load<u64>(a);
    if (isPointer(t)) store<u64>(a, evacuate(t));   // immediates and empty slots stay as they are
  }
}

/** Scan copied objects from `scan` up to `top`; returns where it stopped (== top). */
function scanFrom(scan: usize, top: usize): usize {
  while (scan < top) {
    const w = load<u64>(scan);
    if ((w & TAG_PRIMARY_MASK) == 0) {
      const n = <usize>headerArity(w);
      const sub = headerSubtag(w);
      if (sub == SUB_TUPLE || sub == SUB_MAP || sub == SUB_FUN) evacuateRange(scan + WORD, scan + WORD + (n << 3));
      scan += (n + 1) << 3;
    } else {
      // a cons cell: most heads are immediates, so test before evacuating
      if (isPointer(w)) store<u64>(scan, evacuate(w));
      const t = load<u64>(scan, 8);
      if (isPointer(t)) store<u64>(scan, evacuate(t), 8);
      scan += 16;
    }
  }
  return scan;
}

/**
 * Walk a from-space list of refc binaries: survivors are linked onto `keep`
 * (their new copies), the dead ones drop their reference. Returns the new list.
 */
function sweepBinaries(list: usize, keep: usize, h: Heap): usize {
  while (list) {
    const header = load<u64>(list);
    const next = <usize>load<u64>(list, 24);
    if ((header & TAG_PRIMARY_MASK) == TAG_BOXED) {
      const copy = termPtr(header);
      store<u64>(copy, <u64>keep, 24);
      keep = copy;
    } else {
      const block = <usize>load<u64>(list, 16);
      h.vheap -= offheapSize(block);
      offheapRelease(block);
    }
    list = next;
  }
  return keep;
}

/** Split the refc binaries of the new young block from those promoted to the old generation. */
function splitPromoted(list: usize, h: Heap, oldStart: usize, oldEnd: usize): usize {
  let young: usize = 0;
  while (list) {
    const next = <usize>load<u64>(list, 24);
    if (list >= oldStart && list < oldEnd) { store<u64>(list, <u64>h.binsOld, 24); h.binsOld = list; }
    else { store<u64>(list, <u64>young, 24); young = list; }
    list = next;
  }
  return young;
}

/** Free a from-space block, or poison it and hold it back from reuse (debug). */
function retire(block: usize, bytes: usize): void {
  blockGone(bytes);
  if (!debugPoison) { heap.free(block); return; }
  for (let a = block; a < block + bytes; a += WORD) store<u64>(a, POISON);
  quarantine(block, bytes);
}

// Debug quarantine: poisoned blocks wait here (a ring) before going back to TLSF.
// @ts-ignore: decorator
@inline const QUARANTINE: i32 = 64;
const quarantined = memory.data(QUARANTINE * 4);
let quarantineNext: i32 = 0;
function quarantine(block: usize, bytes: usize): void {
  const slot = quarantined + (<usize>quarantineNext << 2);
  const old = load<u32>(slot);
  if (old) heap.free(old);
  store<u32>(slot, <u32>block);
  quarantineNext = (quarantineNext + 1) % QUARANTINE;
}

/**
 * Collect heap `h` so that at least `need` words are free in its young
 * generation afterwards; `major` forces a full sweep. Returns the kind run.
 * The caller has written the running heap's top back (heapSync).
 */
export function collect(h: Heap, need: usize, major: bool): i32 {
  if (!h.start) { heapFirstBlock(h, need); return GC_MINOR; }
  const t0 = reportPauses ? hostNow() : 0;
  const youngWords = youngSize(h);
  const promote = (h.hwm - h.start) >> 3;           // words a minor would promote, at most
  if (h.minorsSinceFull >= h.fullsweepAfter) major = true;
  if (!major && promote && (!h.oldStart || ((h.oldEnd - h.oldTop) >> 3) < promote)) {
    if (!h.oldStart) {
      const words = nextHeapSize(promote * 2, h.minWords);
      h.oldStart = blockAlloc(words << 3);
      h.oldTop = h.oldStart;
      h.oldEnd = h.oldStart + (words << 3);
    } else major = true;                              // the old generation is full: sweep it too
  }

  // to-space: room for everything that could survive, plus `need`, at most 75% full
  const used = ((h.top - h.start) >> 3) + h.fragWords + (major ? (h.oldTop - h.oldStart) >> 3 : 0);
  const upper = used + need;
  const allocWords = max(youngWords, nextHeapSize(upper + (upper / 3) + 1, h.minWords));
  const to = blockAlloc(allocWords << 3);

  fromLo = h.start;
  keepLo = major ? 0 : h.oldStart;
  keepSpan = major ? 0 : h.oldEnd - h.oldStart;
  promoteBelow = major ? 0 : h.hwm;
  toTop = to;
  const promStart = h.oldTop;
  promTop = promStart;

  if (sharedHeap) scanAllRoots(); else scanRoots(ownerOf(h));
  let ys = to, os = promStart;
  while (ys < toTop || os < promTop) {
    ys = scanFrom(ys, toTop);
    os = scanFrom(os, promTop);
  }

  // refc binaries: keep the live ones' references, release the dead ones'
  const liveYoung = sweepBinaries(h.binsYoung, 0, h);
  if (major) {
    h.binsYoung = sweepBinaries(h.binsOld, liveYoung, h);
    h.binsOld = 0;
  } else {
    h.binsYoung = splitPromoted(liveYoung, h, promStart, promTop);
  }

  const copiedWords = ((toTop - to) + (promTop - promStart)) >> 3;
  retire(h.start, (h.end - h.start));
  if (h.frags) fragmentsFree(h);
  if (major && h.oldStart) {
    retire(h.oldStart, h.oldEnd - h.oldStart);
    h.oldStart = h.oldTop = h.oldEnd = 0;
  } else {
    h.oldTop = promTop;
  }

  // size the new young block as BEAM does (erl_gc.c): grow when live data fills more than
  // 75% of it; shrink only a block over SHRINK_ABOVE words that is under 25% full, and even
  // then keep three times what survived and an eighth of the old generation, so that a
  // process churning short-lived data does not fall to a tiny block, collect at every few
  // hundred words, and promote its half-built terms early
  const live = (toTop - to) >> 3;
  const want = live + need;
  let size = youngWords;
  if (want * 4 > size * 3) size = nextHeapSize(want + want / 3 + 1, h.minWords);
  else if (size > SHRINK_ABOVE && want * 4 < size) {
    size = min(size, nextHeapSize(max(want * 3, oldSize(h) >> 3), h.minWords));
  }
  size = max(size, want);
  if (size < allocWords) {
    heap.realloc(to, size << 3);   // TLSF shrinks in place
    blockGone((allocWords - size) << 3);
  } else size = allocWords;
  h.start = to;
  h.top = toTop;
  h.hwm = toTop;
  h.end = to + (size << 3);

  // the virtual heap (off-heap binary bytes) limit follows what survives, as the heap does
  if (h.vheap * 2 > h.vheapLimit) h.vheapLimit = h.vheap * 2;
  else if (h.vheap * 4 < h.vheapLimit) h.vheapLimit = max(h.vheap * 2, <u64>h.minWords << 3);

  h.wordsCopied += copiedWords;
  if (major) { h.majors++; h.minorsSinceFull = 0; } else { h.minors++; h.minorsSinceFull++; }
  fromLo = keepLo = keepSpan = promoteBelow = 0;
  if (reportPauses) {
    hostGcEvent(sharedHeap ? 0 : ownerOf(h).pid, major ? GC_MAJOR : GC_MINOR, hostNow() - t0,
      <u32>(live + oldUsedWords(h)), <u32>heapWords(h));
  }
  return major ? GC_MAJOR : GC_MINOR;
}

// @ts-ignore: decorator
@inline function oldUsedWords(h: Heap): usize { return (h.oldTop - h.oldStart) >> 3; }

/** Words the heap holds: both generations (what max_heap_size limits). */
export function heapWords(h: Heap): usize { return youngSize(h) + oldSize(h) + h.fragWords; }

/** Free everything heap `h` holds (its process has ended): blocks, fragments, binary references. */
export function heapRelease(h: Heap): void {
  sweepBinaries(h.binsYoung, 0, h);
  sweepBinaries(h.binsOld, 0, h);
  if (h.start) { blockGone(h.end - h.start); heap.free(h.start); }
  if (h.oldStart) { blockGone(h.oldEnd - h.oldStart); heap.free(h.oldStart); }
  if (h.frags) fragmentsFree(h);
  h.start = h.top = h.end = h.hwm = 0;
  h.oldStart = h.oldTop = h.oldEnd = 0;
  h.binsYoung = h.binsOld = 0;
  h.vheap = 0;
}

/** Turn debug poisoning and pause reports on or off. */
export function gcConfigure(poison: bool, pauses: bool): void {
  debugPoison = poison;
  reportPauses = pauses;
}
