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
// outgrow its young generation (assembly/scheduler.ts), so a process that
// receives much and allocates little still gets its garbage collected.

import { Heap, blockAlloc, blockGone } from "./heap";

// @ts-ignore: decorator
@inline const FRAGMENT_HEADER: usize = 24;
// @ts-ignore: decorator
@inline const CHUNK: usize = 512;

/** Room for `words` words of terms in `h`'s newest fragment (a new one if it is full). */
export function fragmentNew(h: Heap, words: usize): usize {
  let f = h.frags;
  if (f) {
    const used = <usize>load<u64>(f, 16);
    if (used + words <= <usize>load<u64>(f, 8)) {
      store<u64>(f, <u64>(used + words), 16);
      h.fragWords += words;
      return f + FRAGMENT_HEADER + (used << 3);
    }
  }
  const cap = max(words, CHUNK);
  f = blockAlloc(FRAGMENT_HEADER + (cap << 3));
  store<u64>(f, <u64>h.frags);
  store<u64>(f, <u64>cap, 8);
  store<u64>(f, <u64>words, 16);
  h.frags = f;
  h.fragWords += words;
  return f + FRAGMENT_HEADER;
}

/** Free every fragment of `h` (after a collection has moved their live terms out). */
export function fragmentsFree(h: Heap): void {
  let f = h.frags;
  while (f) {
    const next = <usize>load<u64>(f);
    blockGone(FRAGMENT_HEADER + (<usize>load<u64>(f, 8) << 3));
    heap.free(f);
    f = next;
  }
  h.frags = 0;
  h.fragWords = 0;
}
