// Heap fragments: blocks of terms that belong to a process but are not (yet)
// in its young generation, as on BEAM. A message copied to a receiver that
// cannot take it on its heap right now goes into a fragment attached to the
// receiver's heap; its next collection treats fragments as from-space,
// copies their live terms into the new young block, and frees them. Small
// messages share a fragment: each is at least CHUNK words and messages are
// bumped into the newest until it is full.
//
// ╒════════ fragment (TLSF block) ═════════╕
//   +0 next fragment  +8 capacity (words)  +16 used (words)  +24 terms ...
// └────────────────────────────────────────┘
//
// The scheduler collects a process before running it once its fragments
// outgrow its young generation (assembly/runtime/scheduler.ts), so a process
// that receives much and allocates little still gets its garbage collected.

import { Heap, blockAlloc, blockGone } from "./heap";
import { DEBUG } from "./debug";

/** A fragment's header; its terms follow it. */
@unmanaged class Fragment {
  next: u64;
  capacity: u64;
  used: u64;
}

// @ts-ignore: decorator
@inline const FRAGMENT_HEADER: usize = offsetof<Fragment>();
// @ts-ignore: decorator
@inline const CHUNK: usize = 512;

/**
 * Room for `words` words of terms in `h`'s newest fragment (a new one if it is full). The first
 * fragment of a heap with no block yet (a new process's spawn argument) is exactly `words` long:
 * most such processes never receive, and a CHUNK there cost each spawn a 4 KiB TLSF block.
 */
export function fragmentNew(h: Heap, words: usize): usize {
  const newest = changetype<Fragment | null>(h.frags);
  if (newest) {
    const used = <usize>newest.used;
    if (used + words <= <usize>newest.capacity) {
      newest.used = <u64>(used + words);
      h.fragWords += words;
      return changetype<usize>(newest) + FRAGMENT_HEADER + (used << 3);
    }
  }
  const cap = h.start || newest ? max(words, CHUNK) : words;
  const f = changetype<Fragment>(blockAlloc(FRAGMENT_HEADER + (cap << 3)));
  f.next = <u64>h.frags;
  f.capacity = <u64>cap;
  f.used = <u64>words;
  h.frags = changetype<usize>(f);
  h.fragWords += words;
  return changetype<usize>(f) + FRAGMENT_HEADER;
}

/** Free every fragment of `h` (after a collection has moved their live terms out). */
export function fragmentsFree(h: Heap): void {
  let f = changetype<Fragment | null>(h.frags);
  let words: usize = 0;
  while (f) {
    const next = changetype<Fragment | null>(<usize>f.next);
    if (DEBUG) assert(f.used <= f.capacity);
    words += <usize>f.used;
    blockGone(FRAGMENT_HEADER + (<usize>f.capacity << 3));
    heap.free(changetype<usize>(f));
    f = next;
  }
  if (DEBUG) assert(words == h.fragWords);   // fragWords counts exactly the words handed out
  h.frags = 0;
  h.fragWords = 0;
}
