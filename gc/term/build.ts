// Building terms on the running heap: lists, tuples, numbers, binaries, maps,
// funs and references (their layouts, readers and sizes are in term.ts).
//
// The *Raw builders take words from the running heap with bump() and never
// collect: the caller reserves the total first (assembly/runtime/alloc.ts
// reserve, or gc_reserve from compiled code), so the pieces of a term built
// bottom-up need no roots. term.ts's `*Words` say how many words each takes.

import {
  Term, NIL, makeSmall, makeHeader, makeBoxed, makeList, termPtr, boxedHeader, headerArity, headerSubtag,
  isSmall, smallValue, isBoxed, SMALL_MAX, SMALL_MIN,
  SUB_TUPLE, SUB_BIG, SUB_FLOAT, SUB_FUN, SUB_HEAP_BIN, SUB_REFC_BIN, SUB_MAP, SUB_REF, SUB_BITS, RefcBin, REF_WORDS, BITS_WORDS, bitstringBinary,
} from "./term";
import { active, bump } from "../mem/heap";
import { DEBUG } from "../mem/debug";
import { offheapAlloc, offheapData, offheapRetain, offheapSize } from "../mem/offheap";
import { HEAP_BIN_MAX } from "../../assembly/boundary/defaults";

// ── lists

/** [head | tail] (2 words). */
// @ts-ignore: decorator
@inline export function consRaw(head: Term, tail: Term): Term {
  const p = bump(2);
  store<u64>(p, head);
  store<u64>(p, tail, 8);
  return makeList(p);
}

// ── tuples

/** A tuple of n elements, each [] until set with tupleSet. */
export function tupleRaw(n: usize): Term {
  const p = bump(1 + n);
  store<u64>(p, makeHeader(SUB_TUPLE, n));
  for (let i: usize = 0; i < n; i++) store<u64>(p + 8 + (i << 3), NIL);
  return makeBoxed(p);
}

/** {a, b} (3 words, reserved by the caller: nothing here may collect). */
export function pairRaw(a: Term, b: Term): Term {
  const p = bump(3);
  store<u64>(p, makeHeader(SUB_TUPLE, 2));
  store<u64>(p, a, 8);
  store<u64>(p, b, 16);
  return makeBoxed(p);
}

// ── numbers

/** An integer term: small when it fits 60 bits, else a big of one limb (3 words; gc/term/bignum.ts). */
export function integerRaw(v: i64): Term {
  if (v >= SMALL_MIN && v <= SMALL_MAX) return makeSmall(v);
  const p = bump(3);
  store<u64>(p, makeHeader(SUB_BIG, 2));
  store<u64>(p, v < 0 ? 1 : 0, 8);
  store<u64>(p, v < 0 ? <u64>(-v) : <u64>v, 16);    // -2^63 wraps to 2^63, its magnitude
  return makeBoxed(p);
}
/** A float term (2 words). */
export function floatRaw(v: f64): Term {
  const p = bump(2);
  store<u64>(p, makeHeader(SUB_FLOAT, 1));
  store<f64>(p, v, 8);
  return makeBoxed(p);
}

// ── binaries

/** A binary of `size` bytes, uninitialised; its bytes are at binaryData(t). Large ones go off-heap. */
export function binaryRaw(size: u32): Term {
  if (size <= <u32>HEAP_BIN_MAX) {
    const words = (<usize>size + 7) >> 3;
    const p = bump(2 + words);
    store<u64>(p, makeHeader(SUB_HEAP_BIN, 1 + words));
    store<u64>(p, size, 8);
    if (words) store<u64>(p + 8 + (words << 3), 0);   // zero the padding of the last word
    return makeBoxed(p);
  }
  return refcBinaryRaw(offheapAlloc(size), false);
}
/**
 * A refc-binary term for off-heap block `block` on the running heap, linked
 * on the heap's list; `retain` takes a new reference (false: adopt the
 * caller's). Adds the bytes to the heap's virtual size.
 */
export function refcBinaryRaw(block: usize, retain: bool): Term {
  if (retain) offheapRetain(block);
  const h = active!;
  const size = offheapSize(block);
  const p = bump(offsetof<RefcBin>() >> 3);
  const r = changetype<RefcBin>(p);
  r.header = makeHeader(SUB_REFC_BIN, 3);
  r.size = size;
  r.block = <u64>block;
  r.link = <u64>h.binsYoung;
  h.binsYoung = p;
  h.vheap += size;
  return makeBoxed(p);
}
/** Address of a binary's bytes (on the heap, or in its off-heap block). */
export function binaryData(t: Term): usize {
  const p = termPtr(t);
  return headerSubtag(load<u64>(p)) == SUB_HEAP_BIN ? p + 16 : offheapData(<usize>changetype<RefcBin>(p).block);
}

/**
 * A bitstring of `bits` bits (bitstringWords(bits) words), its bytes at
 * bitstringData(t) uninitialised except the last byte, which is zeroed (its
 * unused low bits must stay 0, term.ts). A whole number of bytes gives a binary.
 */
export function bitstringRaw(bits: u64): Term {
  const bytes = <u32>((bits + 7) >> 3);
  const bin = binaryRaw(bytes);
  if (bytes) store<u8>(binaryData(bin) + bytes - 1, 0);
  if (!(bits & 7)) return bin;
  return bitsBox(bin, bits);
}
/** The 0xA box (BITS_WORDS words) for binary `bin` holding `bits` bits (bits % 8 != 0, bin ceil(bits/8) bytes). */
export function bitsBox(bin: Term, bits: u64): Term {
  if (DEBUG) assert((bits & 7) != 0 && <u64>load<u64>(termPtr(bin), 8) == (bits + 7) >> 3);
  const p = bump(BITS_WORDS);
  store<u64>(p, makeHeader(SUB_BITS, BITS_WORDS - 1));
  store<u64>(p, makeSmall(<i64>bits), 8);
  store<u64>(p, bin, 16);
  return makeBoxed(p);
}
/** Address of a bitstring's bytes (a binary's, or a 0xA box's binary's). */
export function bitstringData(t: Term): usize { return binaryData(bitstringBinary(t)); }

// ── maps (flat: n keys in map-key order, gc/term/order.ts, then their n values; tries: gc/term/hashmap.ts)

/** A map of n pairs, keys and values [] until set (keys must end up in map-key order: compareMapKeys ascending). */
export function mapRaw(n: usize): Term {
  const p = bump(2 + 2 * n);
  store<u64>(p, makeHeader(SUB_MAP, 1 + 2 * n));
  store<u64>(p, makeSmall(<i64>n), 8);
  for (let i: usize = 0; i < 2 * n; i++) store<u64>(p + 16 + (i << 3), NIL);
  return makeBoxed(p);
}

// ── funs (entry, arity, free variables)

/** A fun calling function-table entry `entry` with `arity` arguments, its n free variables [] until set. */
export function funRaw(entry: u32, arity: u32, nfree: usize): Term {
  const p = bump(2 + nfree);
  store<u64>(p, makeHeader(SUB_FUN, 1 + nfree));
  store<u64>(p, makeSmall(<i64>entry | (<i64>arity << 32)), 8);
  for (let i: usize = 0; i < nfree; i++) store<u64>(p + 16 + (i << 3), NIL);
  return makeBoxed(p);
}

// ── references (three ids and a creation; making a new one: assembly/runtime/refs.ts)

/** The reference of ids id0, id1, id2 and `creation` (REF_WORDS words). */
export function refRaw(id0: u32, id1: u32, id2: u32, creation: u32): Term {
  const p = bump(REF_WORDS);
  store<u64>(p, makeHeader(SUB_REF, REF_WORDS - 1));
  store<u64>(p, <u64>id0 | (<u64>id1 << 32), 8);
  store<u64>(p, <u64>id2 | (<u64>creation << 32), 16);
  return makeBoxed(p);
}
