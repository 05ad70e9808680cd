// Copying a term out of one heap and into another: where a message (or a
// spawn argument) is copied.
//
// Processes share nothing, so a message is copied, whole, from the sender's
// heap into memory that belongs to the receiver (its young generation when
// the room is there, else a heap fragment, gc/fragments.ts). Two passes, as
// on BEAM: termSize() counts the words, then copyTerm() writes them at a
// destination of exactly that size, so copying never allocates, never
// collects, and leaves the sender's heap untouched.
//
// Shared subterms are flattened, as BEAM does: a subterm reached twice is
// copied twice (a DAG with much sharing grows in the copy). Off-heap binaries
// are not copied: the receiver gets its own 4-word refc term and a new
// reference to the same block.
//
// Both passes walk lists along their tails in a loop, so a long list costs no
// native stack; nesting in heads and tuples recurses.

import {
  Term, isList, isBoxed, termPtr, makeList, makeBoxed, headerArity, headerSubtag,
  SUB_TUPLE, SUB_MAP, SUB_FUN, SUB_REFC_BIN, RefcBin,
} from "./term/term";
import { Heap, active } from "./mem/heap";
import { fragmentNew } from "./mem/fragments";
import { offheapRetain, offheapSize } from "./mem/offheap";

/** Words `t` takes when copied (flattened). */
export function termSize(t: Term): usize {
  let words: usize = 0;
  for (;;) {
    if (isList(t)) {
      words += 2 + termSize(load<u64>(termPtr(t)));
      t = load<u64>(termPtr(t), 8);
      continue;
    }
    if (!isBoxed(t)) return words;
    const p = termPtr(t);
    const h = load<u64>(p);
    const n = <usize>headerArity(h);
    words += 1 + n;
    const sub = headerSubtag(h);
    if (sub == SUB_TUPLE || sub == SUB_MAP || sub == SUB_FUN) {
      for (let i: usize = 1; i <= n; i++) words += termSize(load<u64>(p + (i << 3)));
    }
    return words;
  }
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
  const copy = copyInto(t);
  into = null;
  return copy;
}

/** Copy one term at cp, its subterms after it. */
function copyInto(t: Term): Term {
  if (isList(t)) {
    // the spine in a loop: each cell is written, then its head copied, then the next cell linked
    const first = cp;
    let cell = first;
    for (;;) {
      cp += 16;
      const src = termPtr(t);
      store<u64>(cell, copyInto(load<u64>(src)));
      const tail = load<u64>(src, 8);
      if (!isList(tail)) { store<u64>(cell, copyInto(tail), 8); break; }
      store<u64>(cell, makeList(cp), 8);
      cell = cp;
      t = tail;
    }
    return makeList(first);
  }
  if (!isBoxed(t)) return t;
  const src = termPtr(t);
  const hdr = load<u64>(src);
  const n = <usize>headerArity(hdr);
  const sub = headerSubtag(hdr);
  const dst = cp;
  cp += (1 + n) << 3;
  if (sub == SUB_TUPLE || sub == SUB_MAP || sub == SUB_FUN) {
    store<u64>(dst, hdr);
    for (let i: usize = 1; i <= n; i++) store<u64>(dst + (i << 3), copyInto(load<u64>(src + (i << 3))));
  } else {
    memory.copy(dst, src, (1 + n) << 3);
    if (sub == SUB_REFC_BIN) {
      // a new reference to the same block, on the receiving heap's list
      const h = into!;
      const r = changetype<RefcBin>(dst);
      const block = <usize>r.block;
      offheapRetain(block);
      r.link = <u64>h.binsYoung;
      h.binsYoung = dst;
      h.vheap += offheapSize(block);
    }
  }
  return makeBoxed(dst);
}
