// Raw allocation helpers over AssemblyScript's TLSF heap (the runtime's own
// bookkeeping: process blocks, tables, saved frames; never process heaps).

/** Resize a block made by heap.alloc, or make one when `ptr` is 0 (heap.realloc rejects 0). */
export function resize(ptr: usize, size: usize): usize {
  return ptr ? heap.realloc(ptr, size) : heap.alloc(size);
}
