// Off-heap binaries: binaries over 64 bytes live outside every process heap,
// in one reference-counted block, as on BEAM. A process refers to one through
// a small refc-binary term on its own heap (gc/term.ts, subtag 0x8); sending
// it copies that small term and takes a reference, never the bytes. Each
// heap keeps its refc-binary terms on a list, so a collection can release the
// references its dead terms held, and counts their bytes as virtual heap
// (Heap.vheap) so that holding large binaries also triggers collections.
//
// ╒══════ off-heap block (TLSF) ══════╕
//   +0 refcount (u32)  +4 size (u32)  +8 bytes ...
// └───────────────────────────────────┘

// @ts-ignore: decorator
@inline export const HEAP_BIN_MAX: u32 = 64;

/** Off-heap binaries alive, and their bytes. */
export let offheapCount: u32 = 0;
export let offheapBytes: u64 = 0;

/** A new off-heap block of `size` bytes with one reference. */
export function offheapAlloc(size: u32): usize {
  const b = heap.alloc(8 + <usize>size);
  store<u32>(b, 1);
  store<u32>(b, size, 4);
  offheapCount++;
  offheapBytes += size;
  return b;
}

/** Address of an off-heap block's bytes. */
// @ts-ignore: decorator
@inline export function offheapData(b: usize): usize { return b + 8; }
/** Size in bytes of an off-heap block. */
// @ts-ignore: decorator
@inline export function offheapSize(b: usize): u32 { return load<u32>(b, 4); }

/** Take one more reference to block `b`. */
// @ts-ignore: decorator
@inline export function offheapRetain(b: usize): void { store<u32>(b, load<u32>(b) + 1); }

/** Drop one reference to block `b`, freeing it with the last. */
export function offheapRelease(b: usize): void {
  const n = load<u32>(b) - 1;
  if (n) { store<u32>(b, n); return; }
  offheapCount--;
  offheapBytes -= load<u32>(b, 4);
  heap.free(b);
}
