// Terms: every Erlang value is one 64-bit word, tagged in its low bits the
// way BEAM tags them, so a compiler author who knows BEAM's layout knows ours.
//
// ╒═════════════════════ Term word (64-bit) ═════════════════════╕
//  63                                                  6 5 4 3 2 1 0
// ├──────────────────────────────────────────────────────┼─┴─┼─┴─┼─┴─┤
// │ pointer to a header word (8-byte aligned)            │      1 0 │ boxed
// │ pointer to a cons cell (8-byte aligned)              │      0 1 │ list
// │ signed value, 60 bits                                │ 1 1 1 1 │ small integer
// │ serial (32 bits) : slot (28 bits)                    │ 0 0 1 1 │ pid
// │ atom index                                       │ 0 0 1 0 1 1 │ atom
// │ 0                                                │ 1 1 1 0 1 1 │ nil []
// └──────────────────────────────────────────────────────┴─────────┘
//
// The immediate-2 tag 0x1B (BEAM's "catch") is no term's: Shoal's compiled
// code saves return addresses on the shadow stack with it (CP words,
// assembly/runtime/traces.ts), which the collector, an immediate to it,
// leaves as they are.
//
// Immediates (small integers, atoms, pids, nil) need no heap. Boxed terms and
// lists point into the owning process's heap (gc/mem/heap.ts), never into another's.
// The tag values are defined once, in assembly/boundary/terms.ts.

import { Tag, Subtag } from "../../assembly/boundary/terms";
import { PID_SLOT_BITS as SHARED_PID_SLOT_BITS, HEAP_BIN_MAX } from "../../assembly/boundary/defaults";

export type Term = u64;

// @ts-ignore: decorator
@inline export const TAG_PRIMARY_MASK: u64 = Tag.PRIMARY_MASK;
// @ts-ignore: decorator
@inline export const TAG_LIST: u64 = Tag.LIST;
// @ts-ignore: decorator
@inline export const TAG_BOXED: u64 = Tag.BOXED;
// @ts-ignore: decorator
@inline export const TAG_IMMED1_MASK: u64 = Tag.IMMED1_MASK;
// @ts-ignore: decorator
@inline export const TAG_PID: u64 = Tag.PID;
// @ts-ignore: decorator
@inline export const TAG_SMALL: u64 = Tag.SMALL;
// @ts-ignore: decorator
@inline export const TAG_IMMED2_MASK: u64 = Tag.IMMED2_MASK;
// @ts-ignore: decorator
@inline export const TAG_ATOM: u64 = Tag.ATOM;
// @ts-ignore: decorator
@inline export const NIL: Term = Tag.NIL;

// @ts-ignore: decorator
@inline export const SMALL_MAX: i64 = (1 << 59) - 1;
// @ts-ignore: decorator
@inline export const SMALL_MIN: i64 = -(1 << 59);

/** Small integer term for `v` (caller keeps v within SMALL_MIN..SMALL_MAX). */
// @ts-ignore: decorator
@inline export function makeSmall(v: i64): Term { return (<u64>v << 4) | TAG_SMALL; }
/** Value of a small integer term. */
// @ts-ignore: decorator
@inline export function smallValue(t: Term): i64 { return <i64>t >> 4; }
/** Whether `t` is a small integer. */
// @ts-ignore: decorator
@inline export function isSmall(t: Term): bool { return (t & TAG_IMMED1_MASK) == TAG_SMALL; }

/** Atom term for atom-table index `i`. */
// @ts-ignore: decorator
@inline export function makeAtom(i: u32): Term { return (<u64>i << 6) | TAG_ATOM; }
/** Atom-table index of an atom term. */
// @ts-ignore: decorator
@inline export function atomIndex(t: Term): u32 { return <u32>(t >> 6); }
/** Whether `t` is an atom. */
// @ts-ignore: decorator
@inline export function isAtom(t: Term): bool { return (t & TAG_IMMED2_MASK) == TAG_ATOM; }

// @ts-ignore: decorator
@inline export const PID_SLOT_BITS: u32 = SHARED_PID_SLOT_BITS;
/** Pid term for process-table `slot` in its `serial`-th use. */
// @ts-ignore: decorator
@inline export function makePid(slot: u32, serial: u32): Term {
  return ((<u64>serial << PID_SLOT_BITS | <u64>slot) << 4) | TAG_PID;
}
/** Process-table slot of a pid term. */
// @ts-ignore: decorator
@inline export function pidSlot(t: Term): u32 { return <u32>(t >> 4) & ((1 << PID_SLOT_BITS) - 1); }
/** Serial (how many times the slot was used before) of a pid term. */
// @ts-ignore: decorator
@inline export function pidSerial(t: Term): u32 { return <u32>(t >> (4 + PID_SLOT_BITS)); }
/** Whether `t` is a pid. */
// @ts-ignore: decorator
@inline export function isPid(t: Term): bool { return (t & TAG_IMMED1_MASK) == TAG_PID; }

// ╒══════════════════ Header word (first word of a boxed term) ═════════════╕
//  63                                                  6 5     2 1 0
// ├──────────────────────────────────────────────────────┼───────┼───┤
// │ arity: words that follow the header                  │subtag │0 0│
// └──────────────────────────────────────────────────────┴───────┴───┘
//
//   subtag  term            words after the header
//   ------  --------------  ------------------------------------------------
//   0x0     tuple           arity elements
//   0x2     integer (big)   1 + L words: the sign (0 positive, 1 negative), then
//                           the magnitude in L >= 1 limbs of 64 bits, least
//                           significant first, the top limb not 0; only
//                           integers outside the small range (gc/term/bignum.ts)
//   0x4     reference       2 words: ids[0] | ids[1] << 32, ids[2] | creation << 32
//                           (NEWER_REFERENCE_EXT's three ids and creation; the
//                           node is always 'nonode@nohost', gc/term/node.ts)
//   0x5     fun             a small integer: entry (function-table index)
//                           | arity << 32; then the free variables (terms)
//   0x6     float           1 word: f64
//   0x8     refc binary     size in bytes, address of the off-heap block,
//                           link to the heap's next refc binary (not a term)
//   0x9     heap binary     size in bytes, then the bytes, padded to a word
//   0xA     bitstring       2 terms: a small integer, the size in bits (never a
//                           multiple of 8: such a bitstring is a binary, always),
//                           then a binary (0x8 or 0x9) of ceil(bits / 8) bytes
//                           holding the bits from its first byte's top bit on;
//                           the unused low bits of its last byte are 0 (so
//                           equality, order and hash read whole bytes). The
//                           binary is the bitstring's own (nothing else refers
//                           to it): is_binary/1 is false for a bitstring, and
//                           every binary fast path sees a 0x8/0x9 header only
//   0xF     map             flat: a small integer n, then n keys (in map-key
//                           order), then their n values (arity 1 + 2n); past 32
//                           keys a hash trie's head: n, a small integer bitmap,
//                           the children, its nodes 0xF too (gc/term/hashmap.ts)
//
// The subtag values are defined once, in assembly/boundary/terms.ts.
//
// A cons cell is two words, [head, tail], pointed to by a list term.
// During a collection a moved boxed term's header is overwritten by its new
// boxed term (primary tag 10, never a header); a moved cons cell's head by
// FORWARD (a header-tagged word, never a term) and its tail by its new list
// term. Both tests are one load and one mask.

// @ts-ignore: decorator
@inline export const SUB_TUPLE: u32 = Subtag.TUPLE;
// @ts-ignore: decorator
@inline export const SUB_BIG: u32 = Subtag.BIG;
// @ts-ignore: decorator
@inline export const SUB_REF: u32 = Subtag.REF;
// @ts-ignore: decorator
@inline export const SUB_FUN: u32 = Subtag.FUN;
// @ts-ignore: decorator
@inline export const SUB_FLOAT: u32 = Subtag.FLOAT;
// @ts-ignore: decorator
@inline export const SUB_REFC_BIN: u32 = Subtag.REFC_BIN;
// @ts-ignore: decorator
@inline export const SUB_HEAP_BIN: u32 = Subtag.HEAP_BIN;
// @ts-ignore: decorator
@inline export const SUB_MAP: u32 = Subtag.MAP;
// @ts-ignore: decorator
@inline export const SUB_BITS: u32 = Subtag.BITS;

/**
 * Subtags whose words after the header are all terms (a map's count and a
 * fun's entry word are small integers): a scan steps into them. Every other
 * boxed term's body is raw and skipped whole. (The collector's scan loops and
 * the message copy's both read it.)
 */
// @ts-ignore: decorator
@inline export const TERM_BODY: u32 = (1 << SUB_TUPLE) | (1 << SUB_MAP) | (1 << SUB_FUN) | (1 << SUB_BITS);

/** A refc-binary term on a process heap (subtag 0x8): the only boxed term with raw words after its header. */
@unmanaged export class RefcBin {
  header: u64;
  /** Size in bytes. */
  size: u64;
  /** Address of the off-heap block (gc/mem/offheap.ts). */
  block: u64;
  /** The heap's next refc binary (Heap.binsYoung / binsOld), or 0. */
  link: u64;
}
/** Head word of a cons cell that has been moved (its tail holds the new list term). */
// @ts-ignore: decorator
@inline export const FORWARD: u64 = 0x30;

/** Header word for a boxed term of `subtag` with `arity` words after it. */
// @ts-ignore: decorator
@inline export function makeHeader(subtag: u32, arity: u64): u64 { return (arity << 6) | (<u64>subtag << 2); }
/** Words after the header. */
// @ts-ignore: decorator
@inline export function headerArity(h: u64): u64 { return h >> 6; }
/** Subtag of a header. */
// @ts-ignore: decorator
@inline export function headerSubtag(h: u64): u32 { return <u32>(h >> 2) & 0xF; }

/** Whether `t` is a list pointer (a cons cell). */
// @ts-ignore: decorator
@inline export function isList(t: Term): bool { return (t & TAG_PRIMARY_MASK) == TAG_LIST; }
/** Whether `t` points to a boxed term. */
// @ts-ignore: decorator
@inline export function isBoxed(t: Term): bool { return (t & TAG_PRIMARY_MASK) == TAG_BOXED; }
/** Address a list or boxed term points to. */
// @ts-ignore: decorator
@inline export function termPtr(t: Term): usize { return <usize>(t & ~TAG_PRIMARY_MASK); }
/** List term for the cons cell at `ptr`. */
// @ts-ignore: decorator
@inline export function makeList(ptr: usize): Term { return <u64>ptr | TAG_LIST; }
/** Boxed term for the header at `ptr`. */
// @ts-ignore: decorator
@inline export function makeBoxed(ptr: usize): Term { return <u64>ptr | TAG_BOXED; }
/** Header of a boxed term. */
// @ts-ignore: decorator
@inline export function boxedHeader(t: Term): u64 { return load<u64>(termPtr(t)); }

// ── reading terms, and the words each kind takes (building them: build.ts)

/** Head of a cons cell. */
// @ts-ignore: decorator
@inline export function head(list: Term): Term { return load<u64>(termPtr(list)); }
/** Tail of a cons cell. */
// @ts-ignore: decorator
@inline export function tail(list: Term): Term { return load<u64>(termPtr(list), 8); }
/** Words a tuple of n elements takes. */
// @ts-ignore: decorator
@inline export function tupleWords(n: usize): usize { return 1 + n; }
/** Set element i (0-based) of a tuple just built. */
// @ts-ignore: decorator
@inline export function tupleSet(t: Term, i: usize, v: Term): void { store<u64>(termPtr(t) + 8 + (i << 3), v); }
/** Element i (0-based) of a tuple. */
// @ts-ignore: decorator
@inline export function tupleGet(t: Term, i: usize): Term { return load<u64>(termPtr(t) + 8 + (i << 3)); }
/** Number of elements of a tuple. */
// @ts-ignore: decorator
@inline export function tupleArity(t: Term): usize { return <usize>headerArity(boxedHeader(t)); }
/** Words an i64 integer takes: 0 if it is small, else 3 (a big of one limb). */
// @ts-ignore: decorator
@inline export function integerWords(v: i64): usize { return v >= SMALL_MIN && v <= SMALL_MAX ? 0 : 3; }
/** Whether `t` is an integer (small or boxed). */
export function isInteger(t: Term): bool {
  return isSmall(t) || (isBoxed(t) && headerSubtag(boxedHeader(t)) == SUB_BIG);
}
/**
 * Value of an integer term that fits an i64 (a small, or a big of one limb
 * within -2^63..2^63-1; a larger big gives its low 64 bits, signed as it is).
 */
export function integerValue(t: Term): i64 {
  if (isSmall(t)) return smallValue(t);
  const m = load<u64>(termPtr(t), 16);
  return load<u64>(termPtr(t), 8) ? -<i64>m : <i64>m;
}
/** Value of a float term. */
// @ts-ignore: decorator
@inline export function floatValue(t: Term): f64 { return load<f64>(termPtr(t), 8); }
/** Words a binary of `size` bytes takes on the heap (the bytes, or a refc term). */
// @ts-ignore: decorator
@inline export function binaryWords(size: u32): usize {
  return size <= <u32>HEAP_BIN_MAX ? 2 + ((<usize>size + 7) >> 3) : 4;
}
/** Whether `t` is a binary. */
export function isBinary(t: Term): bool {
  if (!isBoxed(t)) return false;
  const s = headerSubtag(boxedHeader(t));
  return s == SUB_HEAP_BIN || s == SUB_REFC_BIN;
}
/** Whether `t` is a bitstring: a binary, or bits that are not a whole number of bytes. */
export function isBitstring(t: Term): bool {
  if (!isBoxed(t)) return false;
  const s = headerSubtag(boxedHeader(t));
  return s == SUB_HEAP_BIN || s == SUB_REFC_BIN || s == SUB_BITS;
}
/** Whether `t` is a bitstring that is not a binary (subtag 0xA). */
export function isBits(t: Term): bool { return isBoxed(t) && headerSubtag(boxedHeader(t)) == SUB_BITS; }
/** Words a bitstring of `bits` bits takes (its 3-word box and its binary's words when not whole bytes). */
export function bitstringWords(bits: u64): usize {
  const bytes = <u32>((bits + 7) >> 3);
  return binaryWords(bytes) + ((bits & 7) ? BITS_WORDS : 0);
}
/** Words of a bitstring's box (subtag 0xA): header, bit size, binary. */
// @ts-ignore: decorator
@inline export const BITS_WORDS: usize = 3;
/** Size in bits of a bitstring (a binary or a 0xA box). */
export function bitstringBits(t: Term): u64 {
  const p = termPtr(t);
  return headerSubtag(load<u64>(p)) == SUB_BITS ? <u64>smallValue(load<u64>(p, 8)) : load<u64>(p, 8) << 3;
}
/** The binary holding a bitstring's bytes: the binary itself, or a 0xA box's. */
export function bitstringBinary(t: Term): Term {
  const p = termPtr(t);
  return headerSubtag(load<u64>(p)) == SUB_BITS ? load<u64>(p, 16) : t;
}
/** Byte size of a binary. */
// @ts-ignore: decorator
@inline export function binarySize(t: Term): u32 { return <u32>load<u64>(termPtr(t), 8); }
/** Words a map of n pairs takes. */
// @ts-ignore: decorator
@inline export function mapWords(n: usize): usize { return 2 + 2 * n; }
/** Number of pairs in a map. */
// @ts-ignore: decorator
@inline export function mapSize(m: Term): usize { return <usize>smallValue(load<u64>(termPtr(m), 8)); }
/** Address of key i of a map (value i is mapSize words further). */
// @ts-ignore: decorator
@inline export function mapKeyAddr(m: Term, i: usize): usize { return termPtr(m) + 16 + (i << 3); }
/** Address of value i of a map. */
// @ts-ignore: decorator
@inline export function mapValueAddr(m: Term, i: usize): usize { return termPtr(m) + 16 + ((mapSize(m) + i) << 3); }
/** Words a fun with n free variables takes. */
// @ts-ignore: decorator
@inline export function funWords(nfree: usize): usize { return 2 + nfree; }
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
/** Words a reference takes: the header and two words of ids and creation. */
// @ts-ignore: decorator
@inline export const REF_WORDS: usize = 3;
/** Whether `t` is a reference. */
export function isRef(t: Term): bool { return isBoxed(t) && headerSubtag(boxedHeader(t)) == SUB_REF; }
/** Id i (0..2, as NEWER_REFERENCE_EXT numbers them: ids[2] is printed first) of a reference. */
// @ts-ignore: decorator
@inline export function refId(t: Term, i: usize): u32 { return load<u32>(termPtr(t) + 8 + (i << 2)); }
/** Creation of a reference: which runtime (or node incarnation) made it. */
// @ts-ignore: decorator
@inline export function refCreation(t: Term): u32 { return load<u32>(termPtr(t), 20); }
/** Subtag of a boxed term. */
// @ts-ignore: decorator
@inline export function boxedSubtag(t: Term): u32 { return headerSubtag(boxedHeader(t)); }
