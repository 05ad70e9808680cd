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
//                                          above hwm: a new young block
//   major   young and old generations      a new young block; the old
//           (full sweep)                   generation is given up
//
// A minor collection turns into a major one every fullsweep_after minors, or
// when the old generation cannot take what would be promoted.
//
// The scan goes word by word through what was copied (scanMajor, scanArea):
// a header steps over a raw body or into a body of terms, a list or boxed
// word into from-space is evacuated on the spot, with the copy pointers in
// locals and no call in the loop (small bodies are copied word by word). The
// from-space test is one compare in the common case: above the literals in a
// full sweep, inside the young block in a minor (fragments, which are
// from-space too, take the general test only when the heap has any).
//
// Sizes follow BEAM's: a minor keeps the young generation's size (shrinking
// a large one that stays under 25% full, never below 1/8 of the old one, and
// never one of 3000 words or less); a full sweep sizes it to what both
// generations held, then shrinks it to twice the live data if that is under
// 25%. A block given up becomes a spare (retire), the next to-space of any
// process that fits in it: its pages are mapped and warm, where a fresh TLSF
// block may be untouched memory.
//
// Invariants the collector depends on:
// - a term field holds a term; raw words (floats, integers, bytes, a refc
//   binary's pointers, a reference's ids) only follow a header whose subtag says so, and the
//   scanner skips them by the header's arity; every word after a tuple, map
//   or fun header is a term (a map's count and a fun's entry word are small
//   integers), so the scanner steps into those (TERM_BODY);
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
  Term, TAG_LIST, TAG_BOXED, TAG_PRIMARY_MASK, FORWARD, termPtr,
  headerArity, headerSubtag, SUB_TUPLE, SUB_MAP, SUB_FUN, SUB_REFC_BIN, RefcBin, TERM_BODY,
} from "./term/term";
import { Heap, WORD, nextHeapSize, heapFirstBlock, youngSize, oldSize, blockAlloc, blockGone, heapBlockBytes } from "./mem/heap";
import { offheapRelease, offheapSize } from "./mem/offheap";
import { fragmentsFree } from "./mem/fragments";
import { DEBUG } from "./mem/debug";

// @ts-ignore: decorator
@inline export const GC_MINOR: i32 = 0;
// @ts-ignore: decorator
@inline export const GC_MAJOR: i32 = 1;

/** A term-shaped word that traps when followed: boxed pointer near the 4 GiB end. */
// @ts-ignore: decorator
@inline const POISON: u64 = 0xDEAD_BEEF_FFFF_FFF2;

/** Poison from-space after each collection and keep it out of reuse a while (tests). */
export let debugPoison: bool = false;

// ── the collection in progress
let fromLo: usize = 0;      // start of the young from-space
let promoteBelow: usize = 0; // minor: young terms in [fromLo, promoteBelow) go to the old generation
let toTop: usize = 0;       // copy pointer in the new young block
let promTop: usize = 0;     // copy pointer in the old generation (minor)

let keepLo: usize = 0;      // minor: the old generation [keepLo, keepLo + keepSpan) stays put
let keepSpan: usize = 0;
let fromSpan: usize = 0;    // minor: the young block is [fromLo, fromLo + fromSpan)
let fromFrags: bool = false; // minor: the heap has fragments (from-space too)

/**
 * Whether `ptr` is in from-space. A process's pointers only ever point into
 * its own heap (young generation, fragments, old generation) or at literals
 * in the module's data (below __heap_base), so from-space is everything but
 * the literals and, in a minor collection, the old generation: two compares,
 * however many fragments the heap has. (The scan loops have cheaper tests
 * of their own; this one is for the roots.)
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
    return moveCons(ptr, head, destFor(ptr, 2));
  }
  if (tag == TAG_BOXED) {
    const ptr = termPtr(t);
    if (!inFrom(ptr)) return t;
    const h = load<u64>(ptr);
    if ((h & TAG_PRIMARY_MASK) == TAG_BOXED) return h;             // already moved
    const words: usize = <usize>1 + <usize>headerArity(h);
    return moveBoxed(ptr, h, words << 3, destFor(ptr, words));
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


/**
 * Cheney's loop for a full sweep: scan the to-space from `s`, word by word,
 * evacuating every pointer field, until the scan catches up with the copy
 * pointer. From-space is everything above the literals (no old generation
 * stays put, nothing is promoted). The copy pointer lives in a local here.
 */
// @ts-ignore: decorator
@inline function scanMajor(s: usize): void {
  const base: usize = __heap_base;
  let toT = toTop;
  while (s < toT) {
    const w = load<u64>(s);
    const tag = <u32>w & 3;
    if (tag == <u32>TAG_LIST) {
      const p = <usize>w - 1;
      if (p >= base) {
        const hd = load<u64>(p);
        let moved: u64;
        if ((hd & TAG_PRIMARY_MASK) == 0) moved = load<u64>(p, 8);   // FORWARD: already moved
        else { moved = moveCons(p, hd, toT); toT += 16; }
        store<u64>(s, moved);
      }
      s += 8;
    } else if (tag == <u32>TAG_BOXED) {
      const p = <usize>w - 2;
      if (p >= base) {
        const hdr = load<u64>(p);
        let moved: u64;
        if ((hdr & TAG_PRIMARY_MASK) == TAG_BOXED) moved = hdr;       // already moved
        else {
          const bytes = (<usize>headerArity(hdr) + 1) << 3;
          moved = moveBoxed(p, hdr, bytes, toT);
          toT += bytes;
        }
        store<u64>(s, moved);
      }
      s += 8;
    } else if (tag == 0) {
      // a header: step into a body of terms, skip a raw one
      s += ((TERM_BODY >> headerSubtag(w)) & 1) ? 8 : (<usize>headerArity(w) + 1) << 3;
    } else s += 8;
  }
  toTop = toT;
}

/** Move the cons cell at `p` (head `hd`, not yet moved) to `d`, leaving FORWARD behind; its new list term. */
// @ts-ignore: decorator
@inline function moveCons(p: usize, hd: u64, d: usize): u64 {
  store<u64>(d, hd);
  store<u64>(d, load<u64>(p, 8), 8);
  const moved = <u64>d | TAG_LIST;
  store<u64>(p, FORWARD);
  store<u64>(p, moved, 8);
  return moved;
}

/** Move the boxed term at `p` (header `hdr`, `bytes` long, not yet moved) to `d`, leaving its new term in its header; that term. */
// @ts-ignore: decorator
@inline function moveBoxed(p: usize, hdr: u64, bytes: usize, d: usize): u64 {
  copyBody(d, p, hdr, bytes);
  const moved = <u64>d | TAG_BOXED;
  store<u64>(p, moved);
  return moved;
}

/** Copy a boxed term of `bytes` (header `hdr`) from `p` to `d`, word by word (no call in the scan loop). */
// @ts-ignore: decorator
@inline function copyBody(d: usize, p: usize, hdr: u64, bytes: usize): void {
  store<u64>(d, hdr);
  for (let i: usize = 8; i < bytes; i += 8) store<u64>(d + i, load<u64>(p + i));
}

/**
 * Cheney's loop for a minor collection, over one of its two areas: scan the
 * young to-space (`young`) or the promoted area from `s` until the scan
 * catches up with that area's copy pointer; returns where it stopped. The
 * old generation stays put; young terms below the high-water mark go to the
 * promoted area, the rest to the young to-space. Called for each area in
 * turn until neither grows (scanMinor); the copy pointers are in locals here,
 * and V8 inlines both calls with `young` constant.
 */
function scanArea(s: usize, young: bool): usize {
  const base: usize = __heap_base;
  const yLo = fromLo, ySpan = fromSpan, pSpan = promoteBelow - fromLo;
  const frags = fromFrags;
  const kLo = keepLo, kSpan = keepSpan;
  let toT = toTop, promT = promTop;
  while ((young ? toT : promT) > s) {
    const w = load<u64>(s);
    const tag = <u32>w & 3;
    if (tag == <u32>TAG_LIST) {
      const p = <usize>w - 1;
      // from-space: the young block, or (rarely) a fragment: anything but literals and the old generation
      if (p - yLo < ySpan || (frags && p >= base && p - kLo >= kSpan)) {
        const hd = load<u64>(p);
        let moved: u64;
        if ((hd & TAG_PRIMARY_MASK) == 0) moved = load<u64>(p, 8);   // FORWARD: already moved
        else if (p - yLo < pSpan) { moved = moveCons(p, hd, promT); promT += 16; }
        else { moved = moveCons(p, hd, toT); toT += 16; }
        store<u64>(s, moved);
      }
      s += 8;
    } else if (tag == <u32>TAG_BOXED) {
      const p = <usize>w - 2;
      if (p - yLo < ySpan || (frags && p >= base && p - kLo >= kSpan)) {
        const hdr = load<u64>(p);
        let moved: u64;
        if ((hdr & TAG_PRIMARY_MASK) == TAG_BOXED) moved = hdr;       // already moved
        else {
          const bytes = (<usize>headerArity(hdr) + 1) << 3;
          if (p - yLo < pSpan) { moved = moveBoxed(p, hdr, bytes, promT); promT += bytes; }
          else { moved = moveBoxed(p, hdr, bytes, toT); toT += bytes; }
        }
        store<u64>(s, moved);
      }
      s += 8;
    } else if (tag == 0) {
      s += ((TERM_BODY >> headerSubtag(w)) & 1) ? 8 : (<usize>headerArity(w) + 1) << 3;
    } else s += 8;
  }
  toTop = toT;
  promTop = promT;
  return s;
}

/** Scan both areas of a minor collection until neither grows (each pass may copy into the other area). */
// @ts-ignore: decorator
@inline function scanMinor(ys: usize, os: usize): void {
  do {
    ys = scanArea(ys, true);
    os = scanArea(os, false);
  } while (ys < toTop);
}

/** The scan of a collection (one function with two call sites, so that it is not inlined into collect). */
function scan(ys: usize, os: usize, major: bool): void {
  if (major) scanMajor(ys);
  else scanMinor(ys, os);
}

/**
 * Walk a from-space list of refc binaries: survivors are linked onto `keep`
 * (their new copies), the dead ones drop their reference. Returns the new list.
 */
function sweepBinaries(list: usize, keep: usize, h: Heap): usize {
  while (list) {
    const r = changetype<RefcBin>(list);
    const header = r.header;
    const next = <usize>r.link;
    if ((header & TAG_PRIMARY_MASK) == TAG_BOXED) {
      const copy = termPtr(header);
      changetype<RefcBin>(copy).link = <u64>keep;
      keep = copy;
    } else {
      const block = <usize>r.block;
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
    const r = changetype<RefcBin>(list);
    const next = <usize>r.link;
    if (list >= oldStart && list < oldEnd) { r.link = <u64>h.binsOld; h.binsOld = list; }
    else { r.link = <u64>young; young = list; }
    list = next;
  }
  return young;
}

/** Give up a from-space block: keep it as a spare, or poison it and hold it back from reuse (debug). */
function retire(block: usize, bytes: usize): void {
  blockGone(bytes);
  if (!debugPoison) { spareKeep(block, bytes); return; }
  for (let a = block; a < block + bytes; a += WORD) store<u64>(a, POISON);
  quarantine(block, bytes);
}

// Spares: the last few retired from-space blocks, kept (not freed) to be the
// next collection's to-space, of this process or any other. A to-space is
// written all through; a spare's pages are mapped and usually still in the
// cache, where a block fresh from TLSF may be untouched memory (a page fault
// per 4 KiB) or cold. TLSF's good fit would not hand back a block of just
// the size freed, either. Spares belong to no heap (heapBlockBytes leaves
// them out); a new spare evicts the oldest.
// @ts-ignore: decorator
@inline const SPARES: i32 = 2;
const spares = memory.data(SPARES * 8);    // { block u32, bytes u32 } per slot
let spareNext: i32 = 0;

/** Blocks larger than this are freed, not kept: spares belong to no heap, so they stay small. */
// @ts-ignore: decorator
@inline const SPARE_MAX: usize = 8 << 20;

function spareKeep(block: usize, bytes: usize): void {
  if (bytes > SPARE_MAX) { heap.free(block); return; }
  const slot = spares + (<usize>spareNext << 3);
  const old = load<u32>(slot);
  if (old) heap.free(old);
  store<u32>(slot, <u32>block);
  store<u32>(slot, <u32>bytes, 4);
  spareNext = (spareNext + 1) % SPARES;
}

/** A block of `bytes` for a to-space: the smallest spare that holds it (trimmed in place), else a new one. */
function toSpaceAlloc(bytes: usize): usize {
  let best: usize = 0, bestBytes: usize = usize.MAX_VALUE;
  for (let i = 0; i < SPARES; i++) {
    const slot = spares + (<usize>i << 3);
    const b = <usize>load<u32>(slot, 4);
    if (load<u32>(slot) && b >= bytes && b < bestBytes) { best = slot; bestBytes = b; }
  }
  if (!best) return blockAlloc(bytes);
  const block = <usize>load<u32>(best);
  store<u32>(best, 0);
  if (bestBytes > bytes) heap.realloc(block, bytes);   // TLSF shrinks in place
  heapBlockBytes += bytes;
  return block;
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

// A collection is two calls with the roots between them, so that the runtime
// hands the collector its roots by direct calls (evacuateRange on each range)
// and the collector calls nothing of the runtime's: no function pointer, which
// Binaryen's Asyncify would have to assume may suspend, instrumenting every
// function that can allocate, the scheduler's loop included.
//
//   collectBegin(h, need, major)   true: evacuate the roots now, then
//                                  collectEnd(h); false: nothing to collect
//                                  (the heap just got its first block)
//   evacuateRange(lo, hi)          per range of term words that may point
//                                  into h (the caller's roots)
//   collectEnd(h)                  scan, sweep, size: the kind run

/** The collection under way (between collectBegin and collectEnd). */
let colHeap: Heap | null = null;
let colMajor = false;
let colNeed: usize = 0;
let colTo: usize = 0;
let colAllocWords: usize = 0;
let colPromStart: usize = 0;

/**
 * Start collecting heap `h` so that at least `need` words are free in its young generation
 * afterwards; `major` forces a full sweep. The caller has written the running heap's top back
 * (heapSync). True: the caller now evacuates its roots and calls collectEnd; false: `h` had no
 * block yet and got one, nothing to collect.
 */
export function collectBegin(h: Heap, need: usize, major: bool): bool {
  if (DEBUG) assert(colHeap == null);   // collections do not nest
  if (!h.start) { heapFirstBlock(h, need); return false; }
  const youngWords = youngSize(h);
  const youngUsedWords = (h.top - h.start) >> 3;
  const promote = (h.hwm - h.start) >> 3;           // words a minor would promote, at most
  if (h.minorsSinceFull >= h.fullsweepAfter) major = true;
  if (!major && promote && (!h.oldStart || ((h.oldEnd - h.oldTop) >> 3) < promote)) {
    if (!h.oldStart) {
      // as BEAM: the size of the young generation in use, more than promotion needs (fewer full sweeps)
      const words = nextHeapSize(max(youngUsedWords, promote * 2), h.minWords);
      h.oldStart = blockAlloc(words << 3);
      h.oldTop = h.oldStart;
      h.oldEnd = h.oldStart + (words << 3);
    } else major = true;                              // the old generation is full: sweep it too
  }

  // to-space: room for everything that could survive, plus `need`, as BEAM sizes it: a minor
  // keeps the young generation's size, a full sweep takes what both generations hold
  const used = youngUsedWords + h.fragWords + (major ? (h.oldTop - h.oldStart) >> 3 : 0);
  const fits = nextHeapSize(used + need, h.minWords);
  const allocWords = major ? fits : max(youngWords, fits);
  const to = toSpaceAlloc(allocWords << 3);

  fromLo = h.start;
  fromSpan = h.end - h.start;
  fromFrags = h.frags != 0;
  keepLo = major ? 0 : h.oldStart;
  keepSpan = major ? 0 : h.oldEnd - h.oldStart;
  promoteBelow = major ? 0 : h.hwm;
  toTop = to;
  promTop = h.oldTop;
  colHeap = h;
  colMajor = major;
  colNeed = need;
  colTo = to;
  colAllocWords = allocWords;
  colPromStart = h.oldTop;
  return true;
}

/** Finish the collection collectBegin started, once the caller has evacuated its roots: GC_MINOR or GC_MAJOR. */
export function collectEnd(h: Heap): i32 {
  if (DEBUG) assert(colHeap == h);
  colHeap = null;
  const major = colMajor, need = colNeed, to = colTo, allocWords = colAllocWords, promStart = colPromStart;
  if (major) scan(to, 0, true);
  else scan(to, promStart, false);
  if (DEBUG) assert(toTop <= to + (allocWords << 3) && promTop <= (major ? promStart : h.oldEnd));   // the copies fit

  // refc binaries: keep the live ones' references, release the dead ones'
  const liveYoung = sweepBinaries(h.binsYoung, 0, h);
  if (major) {
    h.binsYoung = sweepBinaries(h.binsOld, liveYoung, h);
    h.binsOld = 0;
  } else {
    h.binsYoung = splitPromoted(liveYoung, h, promStart, promTop);
  }

  retire(h.start, (h.end - h.start));
  if (h.frags) fragmentsFree(h);
  if (major && h.oldStart) {
    retire(h.oldStart, h.oldEnd - h.oldStart);
    h.oldStart = h.oldTop = h.oldEnd = 0;
  } else {
    h.oldTop = promTop;
  }

  // shrink the new young block when what survived leaves it under 25% full, as BEAM does
  const live = (toTop - to) >> 3;
  const want = live + need;
  let size = allocWords;
  if (want * 4 < size) {
    if (major) size = nextHeapSize(want * 2, h.minWords);
    else if (size > 3000 && (size > 8000 || size > oldSize(h))) {
      // a minor leaves a small young generation alone, and keeps it at least 1/8 of the old
      let wanted = want * 3;
      const oldWords = oldSize(h);
      if (wanted * 9 < oldWords) wanted = max(wanted, oldWords / 8);
      size = min(size, nextHeapSize(wanted, h.minWords));
    }
    size = max(size, want);
  }
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

  if (major) { h.majors++; h.minorsSinceFull = 0; } else { h.minors++; h.minorsSinceFull++; }
  if (DEBUG) assert(h.start <= h.hwm && h.hwm <= h.top && h.top <= h.end && h.frags == 0 && h.fragWords == 0);
  if (DEBUG) assert(h.oldTop >= h.oldStart && h.oldTop <= h.oldEnd);
  fromLo = keepLo = keepSpan = promoteBelow = 0;
  return major ? GC_MAJOR : GC_MINOR;
}

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

/** Turn debug poisoning of from-space on or off. */
export function gcConfigure(poison: bool): void { debugPoison = poison; }
