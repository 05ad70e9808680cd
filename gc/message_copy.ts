// Copying a term out of one heap and into another: where a message (or a
// spawn argument) is copied; and out of a heap into memory no heap owns,
// where a message timer keeps its message until it fires
// (copyDetached, assembly/runtime/send_after.ts).
//
// Processes share nothing, so a message is copied, whole, from the sender's
// heap into memory that belongs to the receiver (its young generation when
// the room is there, else a heap fragment, gc/mem/fragments.ts). Two passes, as
// on BEAM: termSize() counts the words, then copyTerm() writes them at a
// destination of exactly that size, so copying never allocates, never
// collects, and leaves the sender's heap untouched.
//
// Shared subterms are flattened, as BEAM does: a subterm reached twice is
// copied twice (a DAG with much sharing grows in the copy). Off-heap binaries
// are not copied: the receiver gets its own 4-word refc term and a new
// reference to the same block.
//
// Neither pass recurses: termSize walks with an explicit stack (a static
// vector of pending terms, gc/mem/vec.ts), and copyTerm is Cheney's loop over
// the destination, as the collector's is: each object is copied shallow to
// the copy pointer, and a scan pointer behind it replaces every field that
// still points into the source by a copy of what it points to. Nesting costs
// no native stack, however deep the term.
//
//   dest                 scan                       cp               dest + words
//   │ copied and scanned │ copied, fields still     │ free (exactly   │
//   │ (fields rewritten) │ point into the source    │ what is left)   │

import {
  Term, isList, isBoxed, termPtr, makeList, makeBoxed, headerArity, headerSubtag,
  SUB_REFC_BIN, RefcBin, TERM_BODY, TAG_PRIMARY_MASK, TAG_LIST, TAG_BOXED,
} from "./term/term";
import { Heap, active } from "./mem/heap";
import { fragmentNew } from "./mem/fragments";
import { offheapRetain, offheapRelease, offheapSize } from "./mem/offheap";
import { Vec, vecStatic, vecPushFrame, vecTopFrame } from "./mem/vec";
import { DEBUG } from "./mem/debug";

/** Terms still to measure (termSize), 8 bytes each. */
const pending: Vec = vecStatic();

/** Words `t` takes when copied (flattened: a subterm reached twice counts twice). */
export function termSize(t: Term): usize {
  let words: usize = 0;
  pending.length = 0;
  for (;;) {
    if (isList(t)) {
      // the spine in a loop; heads wait on the stack
      words += 2;
      const head = load<u64>(termPtr(t));
      if (isList(head) || isBoxed(head)) store<u64>(vecPushFrame(pending, 3), head);
      t = load<u64>(termPtr(t), 8);
      continue;
    }
    if (isBoxed(t)) {
      const p = termPtr(t);
      const h = load<u64>(p);
      const n = <usize>headerArity(h);
      words += 1 + n;
      if ((TERM_BODY >> headerSubtag(h)) & 1) {
        for (let i: usize = 1; i <= n; i++) {
          const e = load<u64>(p + (i << 3));
          if (isList(e) || isBoxed(e)) store<u64>(vecPushFrame(pending, 3), e);
        }
      }
    }
    if (!pending.length) return words;
    t = load<u64>(vecTopFrame(pending, 3));
    pending.length--;
  }
  return words;
}

/** Memory in `h` for `words` words of a copy: its young generation if the room is there, else a fragment. */
export function copySpace(h: Heap, words: usize): usize {
  // (never the heap allocating right now: its top lives in htop, not in h.top)
  if (h.start && h != active && h.top + (words << 3) <= h.end) {
    const dest = h.top;
    h.top += words << 3;
    return dest;
  }
  return fragmentNew(h, words);
}

let cp: usize = 0;             // copy pointer in the destination
let into: Heap | null = null;  // heap that owns the destination (for refc binaries)

/** Copy `t` to `dest` (termSize(t) words, owned by heap `h`); returns the copy. */
export function copyTerm(t: Term, dest: usize, h: Heap): Term {
  cp = dest;
  into = h;
  const copy = shallow(t);
  // Cheney's scan: what lies between the scan pointer and cp is copied but not yet scanned
  for (let s = dest; s < cp;) {
    const w = load<u64>(s);
    const tag = w & TAG_PRIMARY_MASK;
    if (tag == 0) {
      // a header: step into a body of terms, skip a raw one
      s += ((TERM_BODY >> headerSubtag(w)) & 1) ? 8 : (<usize>headerArity(w) + 1) << 3;
    } else {
      if (tag == TAG_LIST || tag == TAG_BOXED) store<u64>(s, shallow(w));
      s += 8;
    }
  }
  into = null;
  if (DEBUG) assert(cp - dest == termSize(t) << 3);   // exactly the words termSize counted
  return copy;
}

/** Copy the one object `t` points to at cp, its fields as they are (still the source's); the new term. */
function shallow(t: Term): Term {
  if (isList(t)) {
    const dst = cp;
    cp += 16;
    memory.copy(dst, termPtr(t), 16);
    return makeList(dst);
  }
  if (!isBoxed(t)) return t;
  const src = termPtr(t);
  const hdr = load<u64>(src);
  const bytes = (<usize>headerArity(hdr) + 1) << 3;
  const dst = cp;
  cp += bytes;
  memory.copy(dst, src, bytes);
  if (headerSubtag(hdr) == SUB_REFC_BIN) {
    // a new reference to the same block, on the receiving heap's list
    const h = into!;
    const r = changetype<RefcBin>(dst);
    const block = <usize>r.block;
    offheapRetain(block);
    r.link = <u64>h.binsYoung;
    h.binsYoung = dst;
    h.vheap += offheapSize(block);
  }
  return makeBoxed(dst);
}

// ── copies no heap owns

/**
 * The heap descriptor a detached copy's refc binaries are linked on while it
 * is made: no process's, and only its binary list and virtual size are
 * touched, both taken back at once.
 */
const detached = changetype<Heap>(memory.data(offsetof<Heap>(), 8));

/** The refc binaries of the last copyDetached, linked through their link words (0: none). */
export let detachedBins: usize = 0;

/**
 * Copy `t` to `dest` (termSize(t) words of memory no heap owns, never
 * moved); returns the copy. Each refc binary in it takes a reference of its
 * own, and they are left linked from detachedBins: the owner of the memory
 * keeps that list and hands it to releaseBinaries when it frees the copy.
 * Nothing else is needed to keep the copy valid: it points only into itself,
 * at literals, and at off-heap blocks it holds references to.
 */
export function copyDetached(t: Term, dest: usize): Term {
  if (DEBUG) assert(!detached.binsYoung);
  const copy = copyTerm(t, dest, detached);
  detachedBins = detached.binsYoung;
  detached.binsYoung = 0;
  detached.vheap = 0;
  return copy;
}

/** Drop the reference each refc binary on `list` (a copyDetached's) holds. */
export function releaseBinaries(list: usize): void {
  while (list) {
    const r = changetype<RefcBin>(list);
    const next = <usize>r.link;
    offheapRelease(<usize>r.block);
    list = next;
  }
}
