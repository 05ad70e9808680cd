// Term hash: erlang:phash2/1,2 exactly as OTP 25 computes it, so compiled
// Erlang code that hashes terms (sets, dict, gb_sets keyed by hash, any
// partitioning by phash2) gets BEAM's numbers.
//
// The algorithm is BEAM's make_hash2 (OTP 25: erts/emulator/beam/utils.c,
// make_hash2_helper; OTP 26 moved it, unchanged, to erl_term_hashing.c),
// written again here for our term layout. It is Bob Jenkins' 32-bit mix,
//
//   H2(x, y, K):  a = K + x; b = K + y; mix(a, b, hash); hash = c        (UINT32_HASH_2)
//   H(x, K):      H2(x, 0, K)                                           (UINT32_HASH)
//
// (mix and the constants: gc/term/jenkins.ts, shared with the map-key hash)
//
// with K one of HCONST * {1..19} (mod 2^32), HCONST = 0x9e3779b9, folded into
// one running 32-bit `hash` that starts at 0, over the term in prefix order:
//
//   term                 what is folded in
//   -------------------  -----------------------------------------------------------------
//   integer in -2^27..   H(-v, K1) if v < 0, then H(v, K1) (v as 32 bits)
//     2^27-1
//   other integers       per 64-bit digit of |v|, least significant first: H2(its low 32,
//                        high 32 bits, v < 0 ? K10 : K11) (BEAM hashes every small beyond 28
//                        bits as a bignum of one digit)
//   float                H2(high 32, low 32 bits of the double, K12); -0.0 as 0.0
//   atom                 hash = its hvalue if hash is 0, else H(hvalue, K3); the hvalue is
//                        hashpjw over the UTF-8 name (atom.c atom_hash), each 2-byte
//                        sequence C2/C3 xx taken as its one Latin-1 byte
//   []                   hash = 3468870702 if hash is 0, else H(2 (NIL_DEF), K2)
//   pid                  H(its ID, K5): BEAM hashes a pid's number, never its serial, node or
//                        creation; our ID is the slot (the ETF's ID field, gc/term/etf.ts)
//   tuple                H(arity, K9), then the elements in order
//   list                 runs of byte heads (small integers 0..255) packed 4 to a word, most
//                        significant first, each full word H(word, K4) and a partial last
//                        word too; a head that is not a byte is hashed as a term, then the
//                        rest of the list; a tail that is not a list is hashed as a term
//   binary               hash = blockHash(bytes, K13 + hash) (Jenkins' lookup2 over the
//                        bytes, 12 at a time), or K13 + hash if empty
//   bitstring            (not whole bytes) blockHash of its whole bytes (even none) from
//                        K13 + hash, then H2(bits in the last byte, their value, K15)
//   map                  H(size, K16); then each pair's hash, starting from 0 (key, then
//                        value), XORed together (so the order of the keys, and flatmap or
//                        HAMT, does not matter), and H(xor, K19) into the saved hash
//
// phash2/1 is the hash's low 27 bits; phash2(T, Range) is hash rem Range for
// Range in 1..2^32 (2^32: the whole hash).
//
// Where ours and BEAM's part, or might:
//   - funs: BEAM hashes a fun's module, index and uniq, which ours do not
//     have; we fold in H2(number of free variables, entry, K1) and
//     H2(arity, 0, K1), then the free variables, the shape of BEAM's
//     local-fun hash. Equal funs hash alike within one linked module; the
//     numbers are not BEAM's.
//   - a map holding both 0.0 and -0.0 as keys (two keys here, as in OTP 27)
//     has no OTP 25 counterpart (there they are one key).
//   - pids match: BEAM reads ours from the ETF (node 'nonode@nohost', the
//     runtime's creation) as external pids, or as its own local ones when the
//     creation is 0 (then only IDs below 2^15 and serials below 2^13 read at
//     all), and hashes either by the ID alone, as we do.
//
// Hashing never collects, never yields and charges no reductions (BEAM's
// phash2 traps on a huge term; ours runs to the end, as term_compare does:
// code hashing huge terms charges for them itself). It walks the term once, keeping
// the containers in progress on an explicit stack (frames of raw memory, as
// gc/term/order.ts does), which grows with nesting depth, never with a list's
// length or a tuple's width.

import {
  Term, NIL, isSmall, isAtom, isPid, isList, termPtr, boxedHeader, headerArity, headerSubtag, atomIndex, smallValue, pidSlot,
  SUB_TUPLE, SUB_BIG, SUB_FLOAT, SUB_HEAP_BIN, SUB_REFC_BIN, SUB_MAP, SUB_FUN, SUB_BITS, bitstringBits, floatValue, binarySize, mapSize,
  funEntry, funArity, funFreeCount,
} from "./term";
import { binaryData, bitstringData } from "./build";
import { atomNamePtr, atomNameLen } from "./atoms";
import { vecStatic, vecPushFrame, vecTopFrame } from "../mem/vec";
import { DEBUG } from "../mem/debug";
import { mapView, viewsMark, viewsRelease } from "./mapview";
import { jenkinsFold, blockHash, K1, K2, K3, K4, K5, K9, K10, K11, K12, K13, K15, K16, K19 } from "./jenkins";


/** What [] folds in when nothing came before it (BEAM's constant). */
// @ts-ignore: decorator
@inline const NIL_FIRST: u32 = 3468870702;
/** BEAM's tag_val_def for [], which [] folds in after something. */
// @ts-ignore: decorator
@inline const NIL_DEF: u32 = 2;

/** phash2/1 keeps this many low bits. */
// @ts-ignore: decorator
@inline const PHASH2_BITS: u32 = 27;
/** The largest range phash2/2 takes (2^32: the whole hash). */
// @ts-ignore: decorator
@inline const MAX_RANGE: i64 = 0x1_0000_0000;

// ── the mix, on three registers, and the running hash

/** The running hash (BEAM's `hash`). */
let hash: u32 = 0;
/** The pairs of the innermost map in progress, XORed (BEAM's `hash_xor_pairs`). */
let xorPairs: u32 = 0;

/** Fold x and y into the hash with constant k (UINT32_HASH_2). */
function fold2(x: u32, y: u32, k: u32): void { hash = jenkinsFold(x, y, k, hash); }

/** Fold x into the hash with constant k (UINT32_HASH). */
// @ts-ignore: decorator
@inline function fold(x: u32, k: u32): void { fold2(x, 0, k); }

/** An atom's hvalue: hashpjw over its UTF-8 name, Latin-1 characters as their one byte (atom.c atom_hash). */
export function atomHash(t: Term): u32 {
  const i = <i32>atomIndex(t);
  const p = atomNamePtr(i);
  const n = <usize>atomNameLen(i);
  let h: u32 = 0;
  for (let k: usize = 0; k < n; k++) {
    let v = <u32>load<u8>(p + k);
    if (k + 1 < n && (v & 0xFE) == 0xC2) {
      const next = <u32>load<u8>(p + k + 1);
      if ((next & 0xC0) == 0x80) { v = ((v << 6) | (next & 0x3F)) & 0xFF; k++; }
    }
    h = (h << 4) + v;
    const g = h & 0xF000_0000;
    if (g) { h ^= g >> 24; h ^= g; }
  }
  return h;
}

/** Fold an integer in: as a 28-bit small, or as a one-digit bignum. */
function foldInteger(v: i64): void {
  if (v >= -(<i64>1 << 27) && v < (<i64>1 << 27)) {
    const y = <i32>v;
    if (y < 0) fold(<u32>(-y), K1);   // negative ones are folded twice, as BEAM does
    fold(<u32>y, K1);
    return;
  }
  const m: u64 = v < 0 ? <u64>(-v) : <u64>v;   // -2^63 wraps to 2^63, its magnitude
  fold2(<u32>m, <u32>(m >> 32), v < 0 ? K10 : K11);
}

/** Whether a list head is a byte (a small integer 0..255), which the string run packs. */
// @ts-ignore: decorator
@inline function isByte(t: Term): bool { return isSmall(t) && (t >> 4) <= 255; }

// ── the explicit stack: frames of four words
//   SEQ  word[1] = address of the next term, word[2] = terms left (tuple elements, free variables,
//        a list's rest: one word, the tail of the cons cell whose head is in progress)
//   MAP  word[1] = address of the map's first key, word[2] = terms of it begun (key 0, value 0,
//        key 1, ...), word[3] = the hash and the pairs' XOR from before the map (low, high)
const stack = vecStatic();

// @ts-ignore: decorator
@inline const FRAME_SHIFT: u32 = 5;
// @ts-ignore: decorator
@inline const SEQ: u64 = 0;
// @ts-ignore: decorator
@inline const MAP: u64 = 1;

function push(kind: u64, addr: usize, n: u64, saved: u64): void {
  const f = vecPushFrame(stack, FRAME_SHIFT);
  store<u64>(f, kind);
  store<u64>(f, <u64>addr, 8);
  store<u64>(f, n, 16);
  store<u64>(f, saved, 24);
}

/** BEAM's make_hash2 of `root`: the full 32-bit hash phash2 reduces. */
export function termHash32(root: Term): u32 {
  const mark = viewsMark();
  const h = hashWalk(root);
  viewsRelease(mark);
  return h;
}

function hashWalk(root: Term): u32 {
  stack.length = 0;           // a walk a trap cut short left its frames: they are garbage
  hash = 0;
  xorPairs = 0;
  let t = root;
  for (;;) {
    // ── t: fold it in whole (then `next`), or fold in its head and continue with its first part
    if (isSmall(t)) foldInteger(smallValue(t));
    else if (isAtom(t)) {
      const v = atomHash(t);
      if (hash == 0) hash = v; else fold(v, K3);
    } else if (t == NIL) {
      if (hash == 0) hash = NIL_FIRST; else fold(NIL_DEF, K2);
    } else if (isPid(t)) fold(pidSlot(t), K5);
    else if (isList(t)) {
      // a run of bytes, four to a word; then the first head that is not a byte, or the tail
      let c: u32 = 0, word: u32 = 0;
      let cell = termPtr(t);
      let rest = t;
      while (isByte(load<u64>(cell))) {
        word = (word << 8) + <u32>(load<u64>(cell) >> 4);
        if (c == 3) { fold(word, K4); c = 0; word = 0; } else c++;
        rest = load<u64>(cell, 8);
        if (!isList(rest)) break;
        cell = termPtr(rest);
      }
      if (c > 0) fold(word, K4);
      if (isList(rest)) {             // stopped at a head that is not a byte: it, then the rest
        push(SEQ, cell + 8, 1, 0);
        t = load<u64>(cell);
      } else t = rest;               // the run reached the tail: it next
      continue;
    } else {
      const p = termPtr(t);
      const h = boxedHeader(t);
      switch (headerSubtag(h)) {
        case SUB_TUPLE: {
          const n = headerArity(h);
          fold(<u32>n, K9);
          if (n) {
            if (n > 1) push(SEQ, p + 16, n - 1, 0);
            t = load<u64>(p, 8);
            continue;
          }
          break;
        }
        case SUB_BIG: {
          // each 64-bit limb, least significant first, as BEAM hashes its digits (a big of one
          // limb is hashed as foldInteger hashes a small beyond 28 bits)
          const k = load<u64>(p, 8) ? K10 : K11;
          const limbs = <usize>headerArity(h) - 1;
          for (let i: usize = 0; i < limbs; i++) {
            const d = load<u64>(p + 16 + (i << 3));
            fold2(<u32>d, <u32>(d >> 32), k);
          }
          break;
        }
        case SUB_FLOAT: {
          const f = floatValue(t);
          const bits: u64 = f == 0.0 ? 0 : reinterpret<u64>(f);   // -0.0 hashes as 0.0
          fold2(<u32>(bits >> 32), <u32>bits, K12);
          break;
        }
        case SUB_HEAP_BIN: case SUB_REFC_BIN: {
          const n = binarySize(t);
          const init = K13 + hash;
          hash = n ? blockHash(binaryData(t), <usize>n, init) : init;
          break;
        }
        case SUB_BITS: {
          // the whole bytes as a binary's (even none), then H2(bits in the last byte, their value, K15)
          const bits = bitstringBits(t), d = bitstringData(t);
          const n = <usize>(bits >> 3), r = <u32>(bits & 7);
          hash = blockHash(d, n, K13 + hash);
          fold2(r, <u32>load<u8>(d + n) >> (8 - r), K15);
          break;
        }
        case SUB_MAP: {
          const n = mapSize(t);
          fold(<u32>n, K16);
          if (n) {
            // each pair from 0, XORed; the hash and XOR so far wait in the frame. A hash trie's
            // pairs are read from a flat view of it (gc/term/hashmap.ts): the order does not matter
            const keys = mapView(t);
            push(MAP, keys, 1, <u64>hash | (<u64>xorPairs << 32));
            hash = 0;
            xorPairs = 0;
            t = load<u64>(keys);      // key 0
            continue;
          }
          break;
        }
        case SUB_FUN: {
          const nfree = funFreeCount(t);
          fold2(<u32>nfree, funEntry(t), K1);
          fold2(funArity(t), 0, K1);
          if (nfree) {
            if (nfree > 1) push(SEQ, p + 24, nfree - 1, 0);
            t = load<u64>(p, 16);
            continue;
          }
          break;
        }
        default: unreachable();
      }
    }
    // ── next: the next term from the newest frame, closing the maps that are done
    for (;;) {
      if (stack.length == 0) return hash;
      const f = vecTopFrame(stack, FRAME_SHIFT);
      const addr = <usize>load<u64>(f, 8);
      const k = load<u64>(f, 16);
      if (load<u64>(f) == SEQ) {
        t = load<u64>(addr);
        if (k > 1) { store<u64>(f, <u64>(addr + 8), 8); store<u64>(f, k - 1, 16); } else stack.length--;
        break;
      }
      // a map: k terms begun; after a key its value, after a value the pair is done
      const n = <u64>smallValue(load<u64>(addr - 8));
      if (DEBUG) assert(k >= 1 && k <= 2 * n);
      if (k & 1) {
        t = load<u64>(addr + (<usize>(n + (k >> 1)) << 3));     // value k/2
        store<u64>(f, k + 1, 16);
        break;
      }
      xorPairs ^= hash;
      hash = 0;
      if (k < 2 * n) {
        t = load<u64>(addr + (<usize>(k >> 1) << 3));           // key k/2
        store<u64>(f, k + 1, 16);
        break;
      }
      const saved = load<u64>(f, 24);
      stack.length--;
      hash = <u32>saved;
      fold(xorPairs, K19);
      xorPairs = <u32>(saved >> 32);
    }
  }
  return hash;   // not reached
}

/**
 * erlang:phash2(t) for range 0 (the hash's low 27 bits), erlang:phash2(t, range)
 * for range 1..2^32 (the hash rem range); -1 for any other range (badarg).
 */
export function phash2(t: Term, range: i64): i64 {
  if (range < 0 || range > MAX_RANGE) return -1;
  const h = termHash32(t);
  if (range == 0) return <i64>(h & ((1 << PHASH2_BITS) - 1));
  if (range == MAX_RANGE) return <i64>h;
  return <i64>(h % <u32>range);
}
