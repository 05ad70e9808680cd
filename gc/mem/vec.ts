// Growable vectors over AssemblyScript's TLSF heap, for the runtime's own
// bookkeeping (the process table, free slots, the timer heap, atom names, the
// explicit stacks of term walks); never for terms, which live on process
// heaps. One doubling rule for all of them, here.
//
// ╒════ Vec (12 bytes, usually static: memory.data) ════╕
//   +0  data      usize   elements, capacity << shift bytes; 0 until first grown
//   +4  length    u32     elements in use (the owner's to keep, or not)
//   +8  capacity  u32     elements the block holds
// └─────────────────────────────────────────────────────┘
//
// A vector does not know its element size: the caller passes the size's log2
// (`shift`) to vecReserve and uses the typed accessors below.

import { DEBUG } from "./debug";

@unmanaged export class Vec {
  data: usize;
  length: u32;
  capacity: u32;
}

/** Elements a vector's first block holds. */
// @ts-ignore: decorator
@inline const FIRST_CAPACITY: u32 = 64;

/** A static, empty vector (one per call site: put it in a module-level const). */
// @ts-ignore: decorator
@inline export function vecStatic(): Vec { return changetype<Vec>(memory.data(offsetof<Vec>())); }

/** Make room for `n` elements of 1 << shift bytes, doubling the block (its contents kept). */
export function vecReserve(v: Vec, n: u32, shift: u32): void {
  if (n <= v.capacity) return;
  let cap = v.capacity ? v.capacity << 1 : FIRST_CAPACITY;
  while (cap < n) cap <<= 1;
  const bytes = <usize>cap << shift;
  v.data = v.data ? heap.realloc(v.data, bytes) : heap.alloc(bytes);
  v.capacity = cap;
}

/** Address of element i (1 << shift bytes each). */
// @ts-ignore: decorator
@inline export function vecAt(v: Vec, i: u32, shift: u32): usize {
  if (DEBUG) assert(i < v.capacity);
  return v.data + (<usize>i << shift);
}

/** Append a u32 element. */
// @ts-ignore: decorator
@inline export function vecPush32(v: Vec, x: u32): void {
  if (v.length == v.capacity) vecReserve(v, v.length + 1, 2);
  store<u32>(v.data + (<usize>v.length << 2), x);
  v.length++;
}

/** Element i as a u32. */
// @ts-ignore: decorator
@inline export function vecGet32(v: Vec, i: u32): u32 {
  if (DEBUG) assert(i < v.length);
  return load<u32>(v.data + (<usize>i << 2));
}

/** Set element i (a u32). */
// @ts-ignore: decorator
@inline export function vecSet32(v: Vec, i: u32, x: u32): void {
  if (DEBUG) assert(i < v.length);
  store<u32>(v.data + (<usize>i << 2), x);
}

/** Take the last u32 element off. */
// @ts-ignore: decorator
@inline export function vecPop32(v: Vec): u32 {
  if (DEBUG) assert(v.length > 0);
  return load<u32>(v.data + (<usize>(--v.length) << 2));
}

// ── as an explicit stack of frames (the term walks: gc/term/etf.ts, gc/term/order.ts),
//    so nesting costs memory, never native stack

/** Push a frame of 1 << shift bytes (the caller fills it in); its address. */
export function vecPushFrame(v: Vec, shift: u32): usize {
  if (v.length == v.capacity) vecReserve(v, v.length + 1, shift);
  return v.data + (<usize>(v.length++) << shift);
}

/** Address of the top frame (1 << shift bytes). */
// @ts-ignore: decorator
@inline export function vecTopFrame(v: Vec, shift: u32): usize {
  if (DEBUG) assert(v.length > 0);
  return v.data + (<usize>(v.length - 1) << shift);
}
