// Heap fragments: blocks of terms that belong to a process but are not (yet)
// in its young generation, as on BEAM. A message copied to a receiver that
// cannot take it on its heap right now goes into a fragment attached to the
// receiver's heap; its next collection treats fragments as from-space,
// copies their live terms into the new young block, and frees them.
//
// ╒════ fragment (TLSF block) ════╕
//   +0 next fragment  +8 words  +16 terms ...
// └───────────────────────────────┘

import { Heap } from "./heap";

// @ts-ignore: decorator
@inline export const FRAGMENT_HEADER: usize = 16;

/** A new fragment of `words` words attached to heap `h`; returns where its terms go. */
export function fragmentNew(h: Heap, words: usize): usize {
  const f = heap.alloc(FRAGMENT_HEADER + (words << 3));
  store<u64>(f, <u64>h.frags);
  store<u64>(f, <u64>words, 8);
  h.frags = f;
  h.fragWords += words;
  return f + FRAGMENT_HEADER;
}

/** Whether `ptr` lies in one of `h`'s fragments. */
export function fragmentsContain(h: Heap, ptr: usize): bool {
  for (let f = h.frags; f; f = <usize>load<u64>(f)) {
    const lo = f + FRAGMENT_HEADER;
    if (ptr >= lo && ptr < lo + (<usize>load<u64>(f, 8) << 3)) return true;
  }
  return false;
}

/** Free every fragment of `h` (after a collection has moved their live terms out). */
export function fragmentsFree(h: Heap): void {
  let f = h.frags;
  while (f) {
    const next = <usize>load<u64>(f);
    heap.free(f);
    f = next;
  }
  h.frags = 0;
  h.fragWords = 0;
}
