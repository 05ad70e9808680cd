// Off-heap binaries: binaries over 64 bytes live outside every process heap,
// in one reference-counted block, as on BEAM. A process refers to one through
// a small refc-binary term on its own heap (gc/term/term.ts, subtag 0x8); sending
// it copies that small term and takes a reference, never the bytes. Each
// heap keeps its refc-binary terms on a list, so a collection can release the
// references its dead terms held, and counts their bytes as virtual heap
// (Heap.vheap) so that holding large binaries also triggers collections.
//
// ╒══════ off-heap block (TLSF) ══════╕
//   +0 refcount (u32)  +4 size (u32)  +8 bytes ...
// └───────────────────────────────────┘
//
// Binaries of HEAP_BIN_MAX bytes or less (assembly/boundary/defaults.ts) stay
// on the process heap; the refc-binary term's own layout is in
// gc/term/term.ts (RefcBin).

import { DEBUG } from "./debug";

/** An off-heap block's header; the bytes follow it. */
@unmanaged class OffheapBlock {
  refs: u32;
  size: u32;
}

/** Off-heap binaries alive, and their bytes. */
export let offheapCount: u32 = 0;
export let offheapBytes: u64 = 0;

/** A new off-heap block of `size` bytes with one reference. */
export function offheapAlloc(size: u32): usize {
  const b = heap.alloc(offsetof<OffheapBlock>() + <usize>size);
  const blk = changetype<OffheapBlock>(b);
  blk.refs = 1;
  blk.size = size;
  offheapCount++;
  offheapBytes += size;
  return b;
}

/** Address of an off-heap block's bytes. */
// @ts-ignore: decorator
@inline export function offheapData(b: usize): usize { return b + offsetof<OffheapBlock>(); }
/** Size in bytes of an off-heap block. */
// @ts-ignore: decorator
@inline export function offheapSize(b: usize): u32 { return changetype<OffheapBlock>(b).size; }

/** Take one more reference to block `b`. */
// @ts-ignore: decorator
@inline export function offheapRetain(b: usize): void {
  const blk = changetype<OffheapBlock>(b);
  if (DEBUG) assert(blk.refs > 0);   // a dead block is never revived
  blk.refs++;
}

/** Drop one reference to block `b`, freeing it with the last. */
export function offheapRelease(b: usize): void {
  const blk = changetype<OffheapBlock>(b);
  if (DEBUG) assert(blk.refs > 0);
  if (--blk.refs) return;
  offheapCount--;
  offheapBytes -= blk.size;
  heap.free(b);
}
