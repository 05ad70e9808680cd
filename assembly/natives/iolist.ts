// Walking iolists and bitstring lists: nested lists of bytes and binaries
// (iolist_size/1, iolist_to_binary/1, list_to_binary/1) or of bytes and
// bitstrings of any bit length (list_to_bitstring/1), a tail allowed to be a
// binary (a bitstring). One walk serves both, measuring in bytes or in bits.
//
// Nesting waits on an explicit stack of list terms in raw memory (heap.alloc),
// so a deep nesting costs no native stack:
//
//   [1, [2, [3 | T3] | T2] | T1]     stack (tails still to walk), after 3:
//                                     ┌────┬────┐
//                                     │ T1 │ T2 │ ← depth 2; T3 is `t`
//                                     └────┴────┘
//
// The walk never allocates on a process heap, so the list does not move under
// it: a caller measures first (out = 0), reserves, then walks again to write.

import { Term, NIL, isSmall, smallValue, isList, head, tail, isBinary, binarySize, isBitstring, bitstringBits } from "../../gc/term/term";
import { binaryData, bitstringData } from "../../gc/term/build";
import { copyBits } from "../../gc/term/bits";

/** Bytes of iolist l, or -1 if it is not one. With `out`, also write them there. */
export function iolistBytes(l: Term, out: usize): i64 { return walk(l, out, false); }

/** Bits of bitstring list l (bytes, bitstrings and such lists; its tails [] or a bitstring), or -1 if it is not one. With `out`, also write them there. */
export function bitlistBits(l: Term, out: usize): i64 { return walk(l, out, true); }

/** One byte, the source copyBits reads a list's byte element from (bits). */
const scratchByte = memory.data(8);

/** Whether t is an element that is a whole binary (or, with `bits`, a bitstring), and its size in the unit. */
// @ts-ignore: decorator
@inline function chunk(t: Term, bits: bool): i64 {
  if (bits) return isBitstring(t) ? <i64>bitstringBits(t) : -1;
  return isBinary(t) ? <i64>binarySize(t) : -1;
}

/** Write chunk t (k units) at unit n of out. */
// @ts-ignore: decorator
@inline function put(out: usize, n: i64, t: Term, k: i64, bits: bool): void {
  if (bits) copyBits(out, <u64>n, bitstringData(t), 0, <u64>k);
  else memory.copy(out + <usize>n, binaryData(t), <usize>k);
}

/** The walk: the size of l in bytes (or, with `bits`, in bits), or -1; written to out when out != 0. */
// @ts-ignore: decorator
@inline function walk(l: Term, out: usize, bits: bool): i64 {
  const unit: i64 = bits ? 8 : 1;
  let n: i64 = 0;
  let depth = 0;
  let stack: usize = 0, cap = 0;
  let t = l;
  for (;;) {
    if (isList(t)) {
      const h = head(t);
      if (isSmall(h)) {
        const v = smallValue(h);
        if (v < 0 || v > 255) { n = -1; break; }
        if (out) {
          if (bits) { store<u8>(scratchByte, <u8>v); copyBits(out, <u64>n, scratchByte, 0, 8); }
          else store<u8>(out + <usize>n, <u8>v);
        }
        n += unit;
        t = tail(t);
        continue;
      }
      const k = chunk(h, bits);
      if (k >= 0) {
        if (out) put(out, n, h, k, bits);
        n += k;
        t = tail(t);
        continue;
      }
      if (!isList(h) && h != NIL) { n = -1; break; }
      // the tail waits on the stack while the head's list is walked
      if (depth == cap) {
        cap = cap ? cap * 2 : 64;
        stack = stack ? heap.realloc(stack, <usize>cap << 3) : heap.alloc(<usize>cap << 3);
      }
      store<u64>(stack + (<usize>depth << 3), tail(t));
      depth++;
      t = h;
      continue;
    }
    if (t == NIL) {
      if (depth == 0) break;
      depth--;
      t = load<u64>(stack + (<usize>depth << 3));
      continue;
    }
    // a binary (bitstring) as a tail, of the whole list or of a nested one
    const k = chunk(t, bits);
    if (k < 0) { n = -1; break; }
    if (out) put(out, n, t, k, bits);
    n += k;
    t = NIL;
  }
  if (stack) heap.free(stack);
  return n;
}
