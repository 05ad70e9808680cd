// Building and reading boxed terms and lists (layouts in gc/term.ts).
//
// The *Raw builders take words from the running heap with bump(): call
// reserve() for the total first (gc/alloc.ts), so that building never
// collects halfway and the pieces need no roots. `*Words` say how many words
// each builder takes.

import {
  Term, NIL, makeSmall, makeHeader, makeBoxed, makeList, termPtr, boxedHeader, headerArity, headerSubtag,
  isSmall, smallValue, isBoxed, SMALL_MAX, SMALL_MIN,
  SUB_TUPLE, SUB_BIG, SUB_FLOAT, SUB_FUN, SUB_HEAP_BIN, SUB_REFC_BIN, SUB_MAP,
} from "./term";
import { bump } from "./alloc";
import { active } from "./heap";
import { HEAP_BIN_MAX, offheapAlloc, offheapData, offheapRetain } from "./binary";

// ── lists

/** [head | tail] (2 words). */
// @ts-ignore: decorator
@inline export function consRaw(head: Term, tail: Term): Term {
  const p = bump(2);
  store<u64>(p, head);
  store<u64>(p, tail, 8);
  return makeList(p);
}
/** Head of a cons cell. */
// @ts-ignore: decorator
@inline export function head(list: Term): Term { return load<u64>(termPtr(list)); }
/** Tail of a cons cell. */
// @ts-ignore: decorator
@inline export function tail(list: Term): Term { return load<u64>(termPtr(list), 8); }

// ── tuples

/** Words a tuple of n elements takes. */
// @ts-ignore: decorator
@inline export function tupleWords(n: usize): usize { return 1 + n; }
/** A tuple of n elements, each [] until set with tupleSet. */
export function tupleRaw(n: usize): Term {
  const p = bump(1 + n);
  store<u64>(p, makeHeader(SUB_TUPLE, n));
  for (let i: usize = 0; i < n; i++) store<u64>(p + 8 + (i << 3), NIL);
  return makeBoxed(p);
}
/** Set element i (0-based) of a tuple just built. */
// @ts-ignore: decorator
@inline export function tupleSet(t: Term, i: usize, v: Term): void { store<u64>(termPtr(t) + 8 + (i << 3), v); }
/** Element i (0-based) of a tuple. */
// @ts-ignore: decorator
@inline export function tupleGet(t: Term, i: usize): Term { return load<u64>(termPtr(t) + 8 + (i << 3)); }
/** Number of elements of a tuple. */
// @ts-ignore: decorator
@inline export function tupleArity(t: Term): usize { return <usize>headerArity(boxedHeader(t)); }

// ── numbers

/** Words an integer takes: 0 if it is small, else 2. */
// @ts-ignore: decorator
@inline export function integerWords(v: i64): usize { return v >= SMALL_MIN && v <= SMALL_MAX ? 0 : 2; }
/** An integer term: small when it fits 60 bits, else boxed. */
export function integerRaw(v: i64): Term {
  if (v >= SMALL_MIN && v <= SMALL_MAX) return makeSmall(v);
  const p = bump(2);
  store<u64>(p, makeHeader(SUB_BIG, 1));
  store<i64>(p, v, 8);
  return makeBoxed(p);
}
/** Whether `t` is an integer (small or boxed). */
export function isInteger(t: Term): bool {
  return isSmall(t) || (isBoxed(t) && headerSubtag(boxedHeader(t)) == SUB_BIG);
}
/** Value of an integer term. */
export function integerValue(t: Term): i64 {
  return isSmall(t) ? smallValue(t) : load<i64>(termPtr(t), 8);
}
/** A float term (2 words). */
export function floatRaw(v: f64): Term {
  const p = bump(2);
  store<u64>(p, makeHeader(SUB_FLOAT, 1));
  store<f64>(p, v, 8);
  return makeBoxed(p);
}
/** Value of a float term. */
// @ts-ignore: decorator
@inline export function floatValue(t: Term): f64 { return load<f64>(termPtr(t), 8); }

// ── binaries

/** Words a binary of `size` bytes takes on the heap (the bytes, or a refc term). */
// @ts-ignore: decorator
@inline export function binaryWords(size: u32): usize {
  return size <= HEAP_BIN_MAX ? 2 + ((<usize>size + 7) >> 3) : 4;
}
/** A binary of `size` bytes, uninitialised; its bytes are at binaryData(t). Large ones go off-heap. */
export function binaryRaw(size: u32): Term {
  if (size <= HEAP_BIN_MAX) {
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
  const size = load<u32>(block, 4);
  const p = bump(4);
  store<u64>(p, makeHeader(SUB_REFC_BIN, 3));
  store<u64>(p, size, 8);
  store<u64>(p, <u64>block, 16);
  store<u64>(p, <u64>h.binsYoung, 24);
  h.binsYoung = p;
  h.vheap += size;
  return makeBoxed(p);
}
/** Whether `t` is a binary. */
export function isBinary(t: Term): bool {
  if (!isBoxed(t)) return false;
  const s = headerSubtag(boxedHeader(t));
  return s == SUB_HEAP_BIN || s == SUB_REFC_BIN;
}
/** Byte size of a binary. */
// @ts-ignore: decorator
@inline export function binarySize(t: Term): u32 { return <u32>load<u64>(termPtr(t), 8); }
/** Address of a binary's bytes (on the heap, or in its off-heap block). */
export function binaryData(t: Term): usize {
  const p = termPtr(t);
  return headerSubtag(load<u64>(p)) == SUB_HEAP_BIN ? p + 16 : offheapData(<usize>load<u64>(p, 16));
}

// ── maps (flat: n keys in term order, then their n values)

/** Words a map of n pairs takes. */
// @ts-ignore: decorator
@inline export function mapWords(n: usize): usize { return 2 + 2 * n; }
/** A map of n pairs, keys and values [] until set (keys must end up in term order). */
export function mapRaw(n: usize): Term {
  const p = bump(2 + 2 * n);
  store<u64>(p, makeHeader(SUB_MAP, 1 + 2 * n));
  store<u64>(p, makeSmall(<i64>n), 8);
  for (let i: usize = 0; i < 2 * n; i++) store<u64>(p + 16 + (i << 3), NIL);
  return makeBoxed(p);
}
/** Number of pairs in a map. */
// @ts-ignore: decorator
@inline export function mapSize(m: Term): usize { return <usize>smallValue(load<u64>(termPtr(m), 8)); }
/** Address of key i of a map (value i is mapSize words further). */
// @ts-ignore: decorator
@inline export function mapKeyAddr(m: Term, i: usize): usize { return termPtr(m) + 16 + (i << 3); }
/** Address of value i of a map. */
// @ts-ignore: decorator
@inline export function mapValueAddr(m: Term, i: usize): usize { return termPtr(m) + 16 + ((mapSize(m) + i) << 3); }

// ── funs (entry, arity, free variables)

/** Words a fun with n free variables takes. */
// @ts-ignore: decorator
@inline export function funWords(nfree: usize): usize { return 2 + nfree; }
/** A fun calling function-table entry `entry` with `arity` arguments, its n free variables [] until set. */
export function funRaw(entry: u32, arity: u32, nfree: usize): Term {
  const p = bump(2 + nfree);
  store<u64>(p, makeHeader(SUB_FUN, 1 + nfree));
  store<u64>(p, makeSmall(<i64>entry | (<i64>arity << 32)), 8);
  for (let i: usize = 0; i < nfree; i++) store<u64>(p + 16 + (i << 3), NIL);
  return makeBoxed(p);
}
/** Function-table entry of a fun. */
// @ts-ignore: decorator
@inline export function funEntry(f: Term): u32 { return <u32>smallValue(load<u64>(termPtr(f), 8)); }
/** Arity of a fun. */
// @ts-ignore: decorator
@inline export function funArity(f: Term): u32 { return <u32>(smallValue(load<u64>(termPtr(f), 8)) >> 32); }
/** Number of free variables of a fun. */
// @ts-ignore: decorator
@inline export function funFreeCount(f: Term): usize { return <usize>headerArity(boxedHeader(f)) - 1; }
/** Address of free variable i of a fun. */
// @ts-ignore: decorator
@inline export function funFreeAddr(f: Term, i: usize): usize { return termPtr(f) + 16 + (i << 3); }

/** Subtag of a boxed term. */
// @ts-ignore: decorator
@inline export function boxedSubtag(t: Term): u32 { return headerSubtag(boxedHeader(t)); }
