// The map walks below term order, phash2 and term_to_binary: which kind a map
// is, a hash trie's layout and hash (BEAM's make_internal_hash), its pairs in
// BEAM's iteration order, and flat views of them. The trie itself (the
// algorithm, the node pictures, lookups and updates) is gc/term/hashmap.ts,
// which builds on this file; this one compares no terms, so that
// gc/term/order.ts and gc/term/hash.ts can read maps through it.

import {
  Term, NIL, isSmall, isList, makeSmall, smallValue, termPtr, makeBoxed, boxedHeader, headerArity, headerSubtag,
  makeHeader, mapSize, mapKeyAddr, mapValueAddr, SUB_TUPLE, SUB_BIG, SUB_FLOAT, SUB_HEAP_BIN, SUB_REFC_BIN, SUB_MAP, SUB_FUN, SUB_BITS,
  SUB_REF, bitstringBits, binarySize, refId, funEntry, funArity, funFreeCount,
} from "./term";
import { binaryData, bitstringData } from "./build";
import { bump } from "../mem/heap";
import { vecStatic, vecPushFrame, vecTopFrame, vecPush32 } from "../mem/vec";
import { DEBUG } from "../mem/debug";
import { jenkinsFold, blockHash, K1, K4, K7, K8, K9, K10, K11, K12, K13, K15, K16, K17, K18, K20, K21, K22 } from "./jenkins";

/** The most keys a flat map holds when built at run time (BEAM's MAP_SMALL_MAP_LIMIT). */
// @ts-ignore: decorator
@inline export const MAP_FLAT_MAX: usize = 32;

// ── which kind, and the nodes' parts

/** Whether map m is flat (keys then values), at any size. */
// @ts-ignore: decorator
@inline export function isFlatMap(m: Term): bool { return headerArity(boxedHeader(m)) == 1 + 2 * <u64>mapSize(m); }

/** Address of the first child of the head of hash map m (the bitmap is the word before). */
// @ts-ignore: decorator
@inline export function headBase(m: Term): usize { return termPtr(m) + 24; }
/** Address of the first child of node term c. */
// @ts-ignore: decorator
@inline export function nodeBase(c: Term): usize { return termPtr(c) + 16; }
/** Bitmap of the node (or head) whose children start at base. */
// @ts-ignore: decorator
@inline export function bitmapAt(base: usize): u32 { return <u32>smallValue(load<u64>(base - 8)); }
/** Words of a head (headWords) or a node with c children. */
// @ts-ignore: decorator
@inline export function nodeWords(head: bool, c: u32): usize { return (head ? 3 : 2) + <usize>c; }

/** Allocate a head of n keys, or a node, with bitmap bm: the address of its first child (children unset). */
export function newNode(head: bool, n: usize, bm: u32): usize {
  const c = <u32>popcnt(bm);
  const p = bump(nodeWords(head, c));
  store<u64>(p, makeHeader(SUB_MAP, (head ? 2 : 1) + <u64>c));
  if (head) { store<u64>(p, makeSmall(<i64>n), 8); store<u64>(p, makeSmall(<i64>bm), 16); return p + 24; }
  store<u64>(p, makeSmall(<i64>bm), 8);
  return p + 16;
}
/** The term of the head or node whose first child is at base. */
// @ts-ignore: decorator
@inline export function nodeTerm(base: usize, head: bool): Term { return makeBoxed(base - (head ? 24 : 16)); }



// ── the hash: BEAM's make_internal_hash (OTP 25, utils.c)
//
// Jenkins' mix as phash2's (gc/term/hash.ts), from hash = salt ^ 3432918353:
//   immediate    H2(low 32, high 32 bits of the term word, K1): a small
//                integer's word and []'s (0x3B) are BEAM's; atoms and pids hash our words, which are not BEAM's (atom
//                index, process slot): maps keyed by them iterate in another
//                order than on BEAM
//   list         byte heads packed 4 to a word: each full word H(w, K4), a
//                partial last one H2(w, count, K22); a cell whose head is not a
//                byte: CONST(K17), its head, CONST(K18) after the head of the last
//                cell when the tail is not a list, then the tail
//   tuple        H(arity, K9), then the elements in order
//   flat map     H(size, K16), then key 0, value 0, key 1, ...
//   big integer  per 64-bit limb H2(low, high, negative ? K10 : K11)
//   float        H2(low 32, high 32 bits, K12) (-0.0 its own bits: see there)
//   binary       blockHash(bytes, K13 + hash) (K13 + hash if empty); a bitstring
//                then H2(bits in the last byte, their value, K15)
//   reference    H(id0, K7), H2(id1, id2, K8)
//   fun          H2(free count, entry, K20), H2(arity, 0, K21), then the free
//                variables (not BEAM's: it hashes module, index and uniq)
//   hash map     (as a key) H(size, K16), then its pairs in trie order: not
//                BEAM's, which hashes its nodes' layout
// where CONST(K): hash ^= K; hash = rotl(hash, 17).

/** BEAM's INTERNAL_HASH_SALT, xored into the salt so the hash is not phash2's. */
// @ts-ignore: decorator
@inline const INTERNAL_SALT: u32 = 3432918353;

let h: u32 = 0;

/** hash = mix(K + x, K + y, hash).c (UINT32_HASH_2). */
function mix2(x: u32, y: u32, k: u32): void { h = jenkinsFold(x, y, k, h); }
// @ts-ignore: decorator
@inline function constHash(k: u32): void { h ^= k; h = (h << 17) | (h >> 15); }
// @ts-ignore: decorator
@inline function immHash(w: u64): void { mix2(<u32>w, <u32>(w >> 32), K1); }
// @ts-ignore: decorator
@inline function isByte(t: Term): bool { return isSmall(t) && (t >> 4) <= 255; }

/** The walk's pending terms (BEAM's ESTACK): a term, or CDR_MARK. */
const hstack = vecStatic();
// @ts-ignore: decorator
@inline const CDR_MARK: u64 = 0x1B;   // the immediate-2 tag no term has (gc/term/term.ts)

function hpush(t: Term): void { store<u64>(vecPushFrame(hstack, 3), t); }

/** BEAM's make_internal_hash(k, salt) for the terms where it is a function of the term alone (see above). */
export function mapKeyHash(k: Term, salt: u32): u32 {
  h = salt ^ INTERNAL_SALT;
  const base = hstack.length;
  let t = k;
  for (;;) {
    if (isList(t)) {
      let c: u32 = 0, sh: u32 = 0;
      let p = termPtr(t);
      let stopped = false;   // at a cell whose head is not a byte
      for (;;) {
        const hd = load<u64>(p);
        if (!isByte(hd)) { stopped = true; break; }
        sh = (sh << 8) + <u32>(hd >> 4);
        if (c == 3) { mix2(sh, 0, K4); c = 0; sh = 0; } else c++;
        t = load<u64>(p, 8);
        if (!isList(t)) break;
        p = termPtr(t);
      }
      if (c > 0) mix2(sh, c, K22);
      if (stopped) {
        const tl = load<u64>(p, 8);
        constHash(K17);
        hpush(tl);
        if (!isList(tl)) hpush(CDR_MARK);
        t = load<u64>(p);
      }
      continue;   // t: the head, or the tail that ended the run
    }
    if ((t & 3) == 3) immHash(t);   // an immediate: a small integer's and []'s words are BEAM's
    else {
      const p = termPtr(t);
      const hd = boxedHeader(t);
      switch (headerSubtag(hd)) {
        case SUB_TUPLE: {
          const n = <usize>headerArity(hd);
          mix2(<u32>n, 0, K9);
          if (n) {
            for (let i = n; i > 1; i--) hpush(load<u64>(p + (i << 3)));
            t = load<u64>(p, 8);
            continue;
          }
          break;
        }
        case SUB_MAP: {
          const n = mapSize(t);
          mix2(<u32>n, 0, K16);
          if (n == 0) break;
          if (isFlatMap(t)) {
            for (let i = n; i > 0; i--) { hpush(load<u64>(mapValueAddr(t, i - 1))); hpush(load<u64>(mapKeyAddr(t, i - 1))); }
          } else pushTrie(headBase(t));
          break;
        }
        case SUB_BIG: {
          const k = load<u64>(p, 8) ? K10 : K11;
          const limbs = <usize>headerArity(hd) - 1;
          for (let i: usize = 0; i < limbs; i++) { const d = load<u64>(p + 16 + (i << 3)); mix2(<u32>d, <u32>(d >> 32), k); }
          break;
        }
        case SUB_FLOAT: {
          // -0.0 keeps its sign bit: it is a key of its own here (as in OTP 27), where OTP 25 makes it
          // 0.0 (and hashes it so); hashed as 0.0 it would share every salt's hash with 0.0 and no
          // level of the trie could part them
          const bits = load<u64>(p, 8);
          mix2(<u32>bits, <u32>(bits >> 32), K12);
          break;
        }
        case SUB_HEAP_BIN: case SUB_REFC_BIN: {
          const n = binarySize(t);
          const con = K13 + h;
          h = n ? blockHash(binaryData(t), <usize>n, con) : con;
          break;
        }
        case SUB_BITS: {
          const bits = bitstringBits(t), d = bitstringData(t);
          const n = <usize>(bits >> 3), r = <u32>(bits & 7);
          const con = K13 + h;
          h = n ? blockHash(d, n, con) : con;
          mix2(r, <u32>load<u8>(d + n) >> (8 - r), K15);
          break;
        }
        case SUB_REF: {
          mix2(refId(t, 0), 0, K7);
          mix2(refId(t, 1), refId(t, 2), K8);
          break;
        }
        case SUB_FUN: {
          const nfree = funFreeCount(t);
          mix2(<u32>nfree, funEntry(t), K20);
          mix2(funArity(t), 0, K21);
          for (let i = nfree; i > 0; i--) hpush(load<u64>(p + 8 + (i << 3)));
          break;
        }
        default: unreachable();
      }
    }
    // pop_next
    for (;;) {
      if (hstack.length == base) return h;
      t = load<u64>(vecTopFrame(hstack, 3));
      hstack.length--;
      if (t == CDR_MARK) { constHash(K18); continue; }
      break;
    }
  }
  return h;   // not reached
}

/** Push a trie's pairs so that they pop in trie order, key before value. */
function pushTrie(base: usize): void {
  const c = <usize>popcnt(bitmapAt(base));
  for (let i = c; i > 0; i--) {
    const x = load<u64>(base + ((i - 1) << 3));
    if (isList(x)) { hpush(load<u64>(termPtr(x), 8)); hpush(load<u64>(termPtr(x))); }
    else pushTrie(nodeBase(x));
  }
}

/** The hash of k at level lvl, shifted so that its low 4 bits are lvl's slot (BEAM's hashmap_restore_hash). */
// @ts-ignore: decorator
@inline export function hashAt(k: Term, lvl: u32): u32 { return mapKeyHash(k, lvl >> 3) >> ((lvl & 7) << 2); }
/** Hash hx of k at level lvl, moved on to level lvl + 1 (BEAM's hashmap_shift_hash). */
// @ts-ignore: decorator
@inline export function shiftHash(hx: u32, lvl: u32, k: Term): u32 { return ((lvl + 1) & 7) ? hx >> 4 : mapKeyHash(k, (lvl + 1) >> 3); }

// ── the pairs of a map, in order

/**
 * Write map m's pairs to keys[i], vals[i] (raw memory, n words each) in BEAM's
 * iteration order (maps:iterator, fold, printing): a flat map of at most 32
 * keys in map-key order, a trie depth first in slot order, a big flat map in
 * the order its trie would have. Nothing collects; the words hold terms only
 * until the caller's next allocation.
 */
export function mapPairs(m: Term, keys: usize, vals: usize): void {
  const n = mapSize(m);
  if (!isFlatMap(m)) {
    const o = triePairs(headBase(m), keys, vals, 0);
    if (DEBUG) assert(o == n);
    return;
  }
  if (n <= MAP_FLAT_MAX) {
    memory.copy(keys, mapKeyAddr(m, 0), n << 3);
    memory.copy(vals, mapValueAddr(m, 0), n << 3);
    return;
  }
  // a big flat map: its keys (distinct) sorted as its trie would hold them
  const idx = heap.alloc(n << 2), tmp = heap.alloc(n << 2), hs = heap.alloc(n << 2);
  trieSort(mapKeyAddr(m, 0), n, idx, tmp, hs);
  for (let i: usize = 0; i < n; i++) {
    const a = <usize>load<u32>(idx + (i << 2));
    store<u64>(keys + (i << 3), load<u64>(mapKeyAddr(m, a)));
    store<u64>(vals + (i << 3), load<u64>(mapValueAddr(m, a)));
  }
  heap.free(idx); heap.free(tmp); heap.free(hs);
}

/** Write map m's pairs to keys/vals in whatever order is quickest (a flat map's, a trie's). */
export function mapPairsAnyOrder(m: Term, keys: usize, vals: usize): void {
  const n = mapSize(m);
  if (isFlatMap(m)) {
    memory.copy(keys, mapKeyAddr(m, 0), n << 3);
    memory.copy(vals, mapValueAddr(m, 0), n << 3);
  } else triePairs(headBase(m), keys, vals, 0);
}

function triePairs(base: usize, keys: usize, vals: usize, o: usize): usize {
  const c = <usize>popcnt(bitmapAt(base));
  for (let i: usize = 0; i < c; i++) {
    const x = load<u64>(base + (i << 3));
    if (isList(x)) {
      store<u64>(keys + (o << 3), load<u64>(termPtr(x)));
      store<u64>(vals + (o << 3), load<u64>(termPtr(x), 8));
      o++;
    } else o = triePairs(nodeBase(x), keys, vals, o);
  }
  return o;
}

/** Whether BEAM lists map m's keys (keys/values/to_list, term_to_binary) in the reverse of its iteration order (any map of more than 32 keys). */
// @ts-ignore: decorator
@inline export function listsReversed(m: Term): bool { return mapSize(m) > MAP_FLAT_MAX; }

// ── flat views: a map's pairs as a flat map's body in scratch memory, for the walks that read a
//    flat map's words (term order, phash2, term_to_binary): [small n, keys..., values...]

const views = vecStatic();

/** How many views are open (release back to it when done). */
export function viewsMark(): u32 { return views.length; }
/** Free the views opened since `mark`. */
export function viewsRelease(mark: u32): void {
  while (views.length > mark) { heap.free(<usize>load<u32>(views.data + ((views.length - 1) << 2))); views.length--; }
}

/**
 * Address of the first key of a flat view of map m in its listing order
 * (keys/1's: map-key order up to 32 keys, the reverse of the iteration order
 * past them): the size is the word before it, the values follow the keys.
 * Valid until viewsRelease; nothing may collect meanwhile (its terms are not
 * rooted). gc/term/order.ts sorts such a view by key.
 */
export function mapView(m: Term): usize {
  const n = mapSize(m);
  if (isFlatMap(m) && n <= MAP_FLAT_MAX) return mapKeyAddr(m, 0);
  const p = heap.alloc((1 + 2 * n) << 3);
  vecPush32(views, <u32>p);
  store<u64>(p, makeSmall(<i64>n));
  const keys = p + 8, vals = keys + (n << 3);
  mapPairs(m, keys, vals);
  reverseWords(keys, n);
  reverseWords(vals, n);
  return keys;
}

function reverseWords(p: usize, n: usize): void {
  for (let i: usize = 0, j = n; i + 1 < j; i++, j--) {
    const a = load<u64>(p + (i << 3));
    store<u64>(p + (i << 3), load<u64>(p + ((j - 1) << 3)));
    store<u64>(p + ((j - 1) << 3), a);
  }
}


/** The u32 whose nibbles are h's reversed: sorting by it sorts by slot at level 0, then 1, ... */
// @ts-ignore: decorator
@inline export function nibblesReversed(h: u32): u32 {
  h = ((h & 0x0F0F0F0F) << 4) | ((h >> 4) & 0x0F0F0F0F);
  return bswap<u32>(h);
}

/** Stable merge sort of idx[0..n) (u32 indices), with tmp as scratch, by the u32 at hs + 4i. */
export function sortByHash(idx: usize, tmp: usize, n: usize, hs: usize): void {
  for (let width: usize = 1; width < n; width <<= 1) {
    for (let lo: usize = 0; lo < n; lo += width << 1) {
      const mid = min(lo + width, n), hi = min(lo + (width << 1), n);
      let i = lo, j = mid, o = lo;
      while (i < mid && j < hi) {
        const a = <usize>load<u32>(idx + (i << 2)), b = <usize>load<u32>(idx + (j << 2));
        if (load<u32>(hs + (b << 2)) < load<u32>(hs + (a << 2))) { store<u32>(tmp + (o++ << 2), <u32>b); j++; }
        else { store<u32>(tmp + (o++ << 2), <u32>a); i++; }
      }
      while (i < mid) store<u32>(tmp + (o++ << 2), load<u32>(idx + (i++ << 2)));
      while (j < hi) store<u32>(tmp + (o++ << 2), load<u32>(idx + (j++ << 2)));
    }
    memory.copy(idx, tmp, n << 2);
  }
}

/**
 * idx[0..n) := the indices of the n distinct keys at keys[i] in trie order: by
 * level-0 hash, a run of equal 32-bit hashes by the next salt's, and so on
 * (hs: u32 scratch for the hashes, tmp: for the sort).
 */
export function trieSort(keys: usize, n: usize, idx: usize, tmp: usize, hs: usize): void {
  for (let i: usize = 0; i < n; i++) {
    store<u32>(idx + (i << 2), <u32>i);
    store<u32>(hs + (i << 2), nibblesReversed(mapKeyHash(load<u64>(keys + (i << 3)), 0)));
  }
  sortByHash(idx, tmp, n, hs);
  sortRuns(keys, idx, tmp, hs, 0, n, 0);
}

/** Within idx[lo..hi), runs of equal hash (salt s) sorted again by salt s + 1's (keys distinct: 16 salts part any two). */
export function sortRuns(keys: usize, idx: usize, tmp: usize, hs: usize, lo: usize, hi: usize, s: u32): void {
  let i = lo;
  while (i < hi) {
    let j = i + 1;
    const h0 = load<u32>(hs + (<usize>load<u32>(idx + (i << 2)) << 2));
    while (j < hi && load<u32>(hs + (<usize>load<u32>(idx + (j << 2)) << 2)) == h0) j++;
    if (j - i > 1 && s < 16) {
      for (let q = i; q < j; q++) {
        const a = <usize>load<u32>(idx + (q << 2));
        store<u32>(hs + (a << 2), nibblesReversed(mapKeyHash(load<u64>(keys + (a << 3)), s + 1)));
      }
      sortByHash(idx + (i << 2), tmp, j - i, hs);
      sortRuns(keys, idx, tmp, hs, i, j, s + 1);
    }
    i = j;
  }
}
