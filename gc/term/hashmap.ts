// Large maps as hash-array-mapped tries (HAMT), as BEAM keeps a map of more
// than 32 keys (OTP 25: erts/emulator/beam/erl_map.c, erl_map.h).
//
// A map of at most MAP_FLAT_MAX (32) keys is flat (gc/term/term.ts): its keys
// in map-key order, then its values. A larger one is a trie over its keys'
// 32-bit hashes (mapKeyHash: BEAM's make_internal_hash), four bits a level,
// least significant first: the root's children are the keys' slots
// hash & 0xF, a node at level L splits its keys by (hash >> 4L) & 0xF. After
// eight levels the 32 bits are used up and a key is hashed again with salt
// L >> 3 (BEAM's hashmap_shift_hash). A key's leaf sits at the first level
// where no other key shares its slot, so the trie's shape, and the order a
// depth-first walk in slot order meets the keys, depend on the set of keys
// alone: that order is BEAM's (maps:iterator, printing, fold), and its
// reverse is BEAM's maps:keys/values/to_list and term_to_binary order.
//
// ╒═ head: the map term itself (subtag 0xF, like a flat map) ═══════════╕
//   hdr(MAP, 2 + c) | small n (> 32) | small bitmap | child 1 .. child c
// ╒═ node: below the head ══════════════════════════════════════════════╕
//   hdr(MAP, 1 + c) | small bitmap | child 1 .. child c
// ╒═ leaf: a cons cell ═════════════════════════════════════════════════╕
//   [Key | Value]                                   (a list term points to it)
// └═════════════════════════════════════════════════════════════════════╛
//
// bitmap: bit s set when slot s (0..15) is used; the children follow in slot
// order, c = popcount(bitmap) of them, each a leaf (a list term) or a node (a
// boxed term). Every word after a header is a term (the counts and bitmaps
// are small integers), so the collector and the message copy scan heads and
// nodes as they scan any map. The word after a head's header is the size,
// as a flat map's, so map_size reads it alike (compiled inline too).
//
// Which kind a map term is: flat when its header arity is 1 + 2n (n its
// size); a head's arity is 2 + c <= 18 < 1 + 2n for every n > 32. Built at run
// time, a map of more than 32 keys is always a trie and one of at most 32
// always flat; a map literal of more than 32 keys (compiler/codegen/
// literals.ts: its atoms are numbered only at load, so their hashes are not
// known when it is laid out) and a map decoded by binary_to_term stay flat
// ("big flat"). Every reader takes both; a big flat map iterates in its
// trie's order (mapPairs sorts it by hash), and any update of it makes a trie.
//
// Invariants (debug builds check them where a map is built):
//   - a head holds more than 32 keys; a node at least two leaves below it;
//   - a node never holds exactly one child that is a leaf (removal hoists it),
//     so the shape is the one the set of keys determines;
//   - a leaf's key hashes to the slots of the path that reaches it.
//
// Nothing here collects: a caller reserves first (hashmapPutWords,
// hashmapRemoveWords, pairsWords count the words exactly, then build
// bumps them), as gc/term/build.ts's builders do.

import {
  Term, NIL, isSmall, isList, isAtom, isPid, makeSmall, smallValue, termPtr, makeBoxed, makeList, boxedHeader, headerArity, headerSubtag,
  makeHeader, mapSize, mapKeyAddr, mapValueAddr, SUB_TUPLE, SUB_BIG, SUB_FLOAT, SUB_HEAP_BIN, SUB_REFC_BIN, SUB_MAP, SUB_FUN, SUB_BITS,
  SUB_REF, bitstringBits, binarySize, refId, funEntry, funArity, funFreeCount,
} from "./term";
import { binaryData, bitstringData, mapRaw } from "./build";
import { compareMapKeys, equalTerms } from "./order";
import { blockHash } from "./hash";
import { bump } from "../mem/heap";
import { vecStatic, vecPushFrame, vecTopFrame, vecPush32 } from "../mem/vec";
import { DEBUG } from "../mem/debug";

/** The most keys a flat map holds when built at run time (BEAM's MAP_SMALL_MAP_LIMIT). */
// @ts-ignore: decorator
@inline export const MAP_FLAT_MAX: usize = 32;

// ── which kind, and the nodes' parts

/** Whether map m is flat (keys then values), at any size. */
// @ts-ignore: decorator
@inline export function isFlatMap(m: Term): bool { return headerArity(boxedHeader(m)) == 1 + 2 * <u64>mapSize(m); }

/** Address of the first child of the head of hash map m (the bitmap is the word before). */
// @ts-ignore: decorator
@inline function headBase(m: Term): usize { return termPtr(m) + 24; }
/** Address of the first child of node term c. */
// @ts-ignore: decorator
@inline function nodeBase(c: Term): usize { return termPtr(c) + 16; }
/** Bitmap of the node (or head) whose children start at base. */
// @ts-ignore: decorator
@inline function bitmapAt(base: usize): u32 { return <u32>smallValue(load<u64>(base - 8)); }
/** Words of a head (headWords) or a node with c children. */
// @ts-ignore: decorator
@inline function nodeWords(head: bool, c: u32): usize { return (head ? 3 : 2) + <usize>c; }

/** Allocate a head of n keys, or a node, with bitmap bm: the address of its first child (children unset). */
function newNode(head: bool, n: usize, bm: u32): usize {
  const c = <u32>popcnt(bm);
  const p = bump(nodeWords(head, c));
  store<u64>(p, makeHeader(SUB_MAP, (head ? 2 : 1) + <u64>c));
  if (head) { store<u64>(p, makeSmall(<i64>n), 8); store<u64>(p, makeSmall(<i64>bm), 16); return p + 24; }
  store<u64>(p, makeSmall(<i64>bm), 8);
  return p + 16;
}
/** The term of the head or node whose first child is at base. */
// @ts-ignore: decorator
@inline function nodeTerm(base: usize, head: bool): Term { return makeBoxed(base - (head ? 24 : 16)); }

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

// @ts-ignore: decorator
@inline const K1: u32 = 0x9e3779b9;
// @ts-ignore: decorator
@inline const K4: u32 = 0x78dde6e4;
// @ts-ignore: decorator
@inline const K7: u32 = 0x5384540f;
// @ts-ignore: decorator
@inline const K8: u32 = 0xf1bbcdc8;
// @ts-ignore: decorator
@inline const K9: u32 = 0x8ff34781;
// @ts-ignore: decorator
@inline const K10: u32 = 0x2e2ac13a;
// @ts-ignore: decorator
@inline const K11: u32 = 0xcc623af3;
// @ts-ignore: decorator
@inline const K12: u32 = 0x6a99b4ac;
// @ts-ignore: decorator
@inline const K13: u32 = 0x08d12e65;
// @ts-ignore: decorator
@inline const K15: u32 = 0x454021d7;
// @ts-ignore: decorator
@inline const K16: u32 = 0xe3779b90;
// @ts-ignore: decorator
@inline const K17: u32 = 0x81af1549;
// @ts-ignore: decorator
@inline const K18: u32 = 0x1fe68f02;
// @ts-ignore: decorator
@inline const K20: u32 = 0x5c558274;
// @ts-ignore: decorator
@inline const K21: u32 = 0xfa8cfc2d;
// @ts-ignore: decorator
@inline const K22: u32 = 0x98c475e6;
/** BEAM's INTERNAL_HASH_SALT, xored into the salt so the hash is not phash2's. */
// @ts-ignore: decorator
@inline const INTERNAL_SALT: u32 = 3432918353;

let h: u32 = 0;

/** hash = mix(K + x, K + y, hash).c (UINT32_HASH_2). */
function mix2(x: u32, y: u32, k: u32): void {
  let a = k + x, b = k + y, c = h;
  a -= b; a -= c; a ^= c >> 13;
  b -= c; b -= a; b ^= a << 8;
  c -= a; c -= b; c ^= b >> 13;
  a -= b; a -= c; a ^= c >> 12;
  b -= c; b -= a; b ^= a << 16;
  c -= a; c -= b; c ^= b >> 5;
  a -= b; a -= c; a ^= c >> 3;
  b -= c; b -= a; b ^= a << 10;
  c -= a; c -= b; c ^= b >> 15;
  h = c;
}
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
@inline function hashAt(k: Term, lvl: u32): u32 { return mapKeyHash(k, lvl >> 3) >> ((lvl & 7) << 2); }
/** Hash hx of k at level lvl, moved on to level lvl + 1 (BEAM's hashmap_shift_hash). */
// @ts-ignore: decorator
@inline function shiftHash(hx: u32, lvl: u32, k: Term): u32 { return ((lvl + 1) & 7) ? hx >> 4 : mapKeyHash(k, (lvl + 1) >> 3); }

// ── lookup

/** The leaf (cons cell address) of key k in hash map m, or 0. */
export function hashmapLeaf(m: Term, k: Term): usize {
  let base = headBase(m);
  let lvl: u32 = 0;
  let hx = mapKeyHash(k, 0);
  for (;;) {
    const bm = bitmapAt(base);
    const bit: u32 = 1 << (hx & 0xF);
    if (!(bm & bit)) return 0;
    const c = load<u64>(base + (<usize>popcnt(bm & (bit - 1)) << 3));
    if (isList(c)) {
      const p = termPtr(c);
      const ck = load<u64>(p);
      return ck == k || equalTerms(ck, k) ? p : 0;
    }
    base = nodeBase(c);
    hx = shiftHash(hx, lvl, k);
    lvl++;
  }
  return 0;   // not reached
}

/** Address of the value of key k in map m (either kind), or 0. */
export function mapValuePtr(m: Term, k: Term): usize {
  if (!isFlatMap(m)) {
    const p = hashmapLeaf(m, k);
    return p ? p + 8 : 0;
  }
  let lo: i64 = 0, hi: i64 = <i64>mapSize(m) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compareMapKeys(load<u64>(mapKeyAddr(m, <usize>mid)), k);
    if (c == 0) return mapValueAddr(m, <usize>mid);
    if (c < 0) lo = mid + 1; else hi = mid - 1;
  }
  return 0;
}

// ── put: the path to k copied, the rest shared. Counted first (dry), then built.

/** Whether the last put found its key (then the size stays). */
export let putFound = false;
let words: usize = 0;

/** Two leaves a (hash ha at lvl) and b (hb) under one new node at lvl, nested while their slots agree. */
function twoLeaves(a: Term, ha: u32, b: Term, hb: u32, lvl: u32, dry: bool): Term {
  const sa = ha & 0xF, sb = hb & 0xF;
  if (sa != sb) {
    if (dry) { words += nodeWords(false, 2); return 0; }
    const base = newNode(false, 0, (1 << sa) | (1 << sb));
    store<u64>(base, sa < sb ? a : b);
    store<u64>(base, sa < sb ? b : a, 8);
    return nodeTerm(base, false);
  }
  const sub = twoLeaves(a, shiftHash(ha, lvl, load<u64>(termPtr(a))), b, shiftHash(hb, lvl, load<u64>(termPtr(b))), lvl + 1, dry);
  if (dry) { words += nodeWords(false, 1); return 0; }
  const base = newNode(false, 0, 1 << sa);
  store<u64>(base, sub);
  return nodeTerm(base, false);
}

/** A copy of the node at base with child i replaced by x (or x inserted at i, `insert`, with bit). */
function copyWith(base: usize, head: bool, n: usize, bm: u32, i: usize, x: Term, insert: bool, bit: u32): Term {
  const c = <usize>popcnt(bm);
  const nb = insert ? bm | bit : bm;
  const r = newNode(head, n, nb);
  memory.copy(r, base, i << 3);
  store<u64>(r + (i << 3), x);
  const from = insert ? i : i + 1;
  memory.copy(r + ((i + 1) << 3), base + (from << 3), (c - from) << 3);
  return nodeTerm(r, head);
}

/** Put k => v below the node at base (level lvl, k's hash hx there); dry: count words only. */
function putAt(base: usize, head: bool, n: usize, lvl: u32, hx: u32, k: Term, v: Term, dry: bool): Term {
  const bm = bitmapAt(base);
  const bit: u32 = 1 << (hx & 0xF);
  const i = <usize>popcnt(bm & (bit - 1));
  const c = <u32>popcnt(bm);
  if (!(bm & bit)) {
    putFound = false;
    if (dry) { words += nodeWords(head, c + 1) + 2; return 0; }
    return copyWith(base, head, n + 1, bm, i, leaf(k, v), true, bit);
  }
  const x = load<u64>(base + (i << 3));
  let y: Term = 0;
  if (isList(x)) {
    const xk = load<u64>(termPtr(x));
    if (xk == k || equalTerms(xk, k)) {
      putFound = true;
      if (dry) { words += nodeWords(head, c) + 2; return 0; }
      y = leaf(xk, v);
    } else {
      putFound = false;
      if (dry) words += 2;
      y = twoLeaves(x, shiftHash(hashAt(xk, lvl), lvl, xk), dry ? makeList(dryLeaf) : leaf(k, v), shiftHash(hx, lvl, k), lvl + 1, dry);
      if (dry) { words += nodeWords(head, c); return 0; }
    }
  } else {
    y = putAt(nodeBase(x), false, 0, lvl + 1, shiftHash(hx, lvl, k), k, v, dry);
    if (dry) { words += nodeWords(head, c); return 0; }
  }
  return copyWith(base, head, putFound ? n : n + 1, bm, i, y, false, 0);
}

/** A leaf [k | v] (2 words, reserved). */
function leaf(k: Term, v: Term): Term {
  const p = bump(2);
  store<u64>(p, k);
  store<u64>(p, v, 8);
  return makeList(p);
}

/** A stand-in leaf holding the key in a dry run, where two leaves split (only their keys are read). */
const dryLeaf: usize = memory.data(16, 8);

/** Words hashmapPut(m, k, _) will take (nothing allocated); putFound set. */
export function hashmapPutWords(m: Term, k: Term): usize {
  words = 0;
  store<u64>(dryLeaf, k);
  store<u64>(dryLeaf, NIL, 8);
  putAt(headBase(m), true, mapSize(m), 0, mapKeyHash(k, 0), k, NIL, true);
  return words;
}

/** Hash map m with k => v (words reserved: hashmapPutWords). */
export function hashmapPut(m: Term, k: Term, v: Term): Term {
  const r = putAt(headBase(m), true, mapSize(m), 0, mapKeyHash(k, 0), k, v, false);
  if (DEBUG) assert(checkTrie(r));
  return r;
}

// ── remove (the caller makes a flat map instead when at most 32 keys are left)

// @ts-ignore: decorator
@inline const NOT_FOUND: Term = 0;
// @ts-ignore: decorator
@inline const EMPTY: Term = 1;

/** Remove k below the node at base: NOT_FOUND, EMPTY (the node goes), a leaf to hoist, or the new node. */
function removeAt(base: usize, head: bool, n: usize, lvl: u32, hx: u32, k: Term, dry: bool): Term {
  const bm = bitmapAt(base);
  const bit: u32 = 1 << (hx & 0xF);
  if (!(bm & bit)) return NOT_FOUND;
  const i = <usize>popcnt(bm & (bit - 1));
  const c = <u32>popcnt(bm);
  const x = load<u64>(base + (i << 3));
  let y: Term;
  if (isList(x)) {
    const xk = load<u64>(termPtr(x));
    if (!(xk == k || equalTerms(xk, k))) return NOT_FOUND;
    y = EMPTY;
  } else {
    y = removeAt(nodeBase(x), false, 0, lvl + 1, shiftHash(hx, lvl, k), k, dry);
    if (y == NOT_FOUND) return NOT_FOUND;
  }
  if (!head) {
    if (y == EMPTY && c == 1) return EMPTY;
    // a node left with one leaf hoists it
    if (y == EMPTY && c == 2) {
      const other = load<u64>(base + ((1 - i) << 3));
      if (isList(other)) return other;
    }
    if (y != EMPTY && c == 1 && isList(y)) return y;
  }
  if (y == EMPTY) {
    if (dry) { words += nodeWords(head, c - 1); return EMPTY + 1; }
    const r = newNode(head, n - 1, bm & ~bit);
    memory.copy(r, base, i << 3);
    memory.copy(r + (i << 3), base + ((i + 1) << 3), (<usize>c - 1 - i) << 3);
    return nodeTerm(r, head);
  }
  if (dry) { words += nodeWords(head, c); return EMPTY + 1; }
  return copyWith(base, head, n - 1, bm, i, y, false, 0);
}

/** Words hashmapRemove(m, k) takes, or -1 if k is not a key (a map of more than 33 keys: the result is a trie). */
export function hashmapRemoveWords(m: Term, k: Term): isize {
  words = 0;
  return removeAt(headBase(m), true, mapSize(m), 0, mapKeyHash(k, 0), k, true) == NOT_FOUND ? -1 : <isize>words;
}

/** Hash map m (of more than 33 keys) without key k, which it has (words reserved: hashmapRemoveWords). */
export function hashmapRemove(m: Term, k: Term): Term {
  const r = removeAt(headBase(m), true, mapSize(m), 0, mapKeyHash(k, 0), k, false);
  if (DEBUG) assert(r > EMPTY && checkTrie(r));
  return r;
}

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
  // a big flat map: its keys sorted as its trie would hold them
  pairsOpen(n);
  for (let i: usize = 0; i < n; i++) { store<u64>(pk + (i << 3), load<u64>(mapKeyAddr(m, i))); store<u64>(pv + (i << 3), load<u64>(mapValueAddr(m, i))); }
  pairsSort(n);
  for (let i: usize = 0; i < n; i++) {
    const a = <usize>load<u32>(pidx + (i << 2));
    store<u64>(keys + (i << 3), load<u64>(pk + (a << 3)));
    store<u64>(vals + (i << 3), load<u64>(pv + (a << 3)));
  }
  pairsClose();
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
 * Address of the first key of a flat view of map m (the size is the word
 * before it, the values follow the keys): map-key order when `sorted`, else
 * m's listing order (reversed iteration order for more than 32 keys). Valid
 * until viewsRelease; nothing may collect meanwhile (the view's terms are not
 * rooted).
 */
export function mapView(m: Term, sorted: bool): usize {
  const n = mapSize(m);
  if (isFlatMap(m) && (sorted || n <= MAP_FLAT_MAX)) return mapKeyAddr(m, 0);
  const p = heap.alloc((1 + 2 * n) << 3);
  vecPush32(views, <u32>p);
  store<u64>(p, makeSmall(<i64>n));
  const keys = p + 8, vals = keys + (n << 3);
  mapPairs(m, keys, vals);
  if (sorted) sortView(keys, vals, n);
  else { reverseWords(keys, n); reverseWords(vals, n); }
  return keys;
}

function reverseWords(p: usize, n: usize): void {
  for (let i: usize = 0, j = n; i + 1 < j; i++, j--) {
    const a = load<u64>(p + (i << 3));
    store<u64>(p + (i << 3), load<u64>(p + ((j - 1) << 3)));
    store<u64>(p + ((j - 1) << 3), a);
  }
}

/** Sort a view's pairs into map-key order (insertion into runs, then merges: a merge sort of pair indices). */
function sortView(keys: usize, vals: usize, n: usize): void {
  const idx = heap.alloc(n << 2), tmp = heap.alloc(n << 2), kv = heap.alloc(n << 4);
  for (let i: usize = 0; i < n; i++) store<u32>(idx + (i << 2), <u32>i);
  mergeSort(idx, tmp, n, keys, 0);
  memory.copy(kv, keys, n << 4);
  for (let i: usize = 0; i < n; i++) {
    const a = <usize>load<u32>(idx + (i << 2));
    store<u64>(keys + (i << 3), load<u64>(kv + (a << 3)));
    store<u64>(vals + (i << 3), load<u64>(kv + ((n + a) << 3)));
  }
  heap.free(idx); heap.free(tmp); heap.free(kv);
}

/**
 * Stable merge sort of idx[0..n) (u32 indices), with tmp as scratch: by keys[i]
 * in map-key order when byHash is 0, else by the u32 at byHash + 4i (then the
 * keys' order never matters: equal hashes are ordered by pairsSort).
 */
function mergeSort(idx: usize, tmp: usize, n: usize, keys: usize, byHash: usize): void {
  for (let width: usize = 1; width < n; width <<= 1) {
    for (let lo: usize = 0; lo < n; lo += width << 1) {
      const mid = min(lo + width, n), hi = min(lo + (width << 1), n);
      let i = lo, j = mid, o = lo;
      while (i < mid && j < hi) {
        const a = <usize>load<u32>(idx + (i << 2)), b = <usize>load<u32>(idx + (j << 2));
        const before = byHash
          ? load<u32>(byHash + (b << 2)) < load<u32>(byHash + (a << 2))
          : compareMapKeys(load<u64>(keys + (b << 3)), load<u64>(keys + (a << 3))) < 0;
        if (before) { store<u32>(tmp + (o++ << 2), <u32>b); j++; } else { store<u32>(tmp + (o++ << 2), <u32>a); i++; }
      }
      while (i < mid) store<u32>(tmp + (o++ << 2), load<u32>(idx + (i++ << 2)));
      while (j < hi) store<u32>(tmp + (o++ << 2), load<u32>(idx + (j++ << 2)));
    }
    memory.copy(idx, tmp, n << 2);
  }
}

// ── building a map from pairs (from_list, from_keys, merge, a remove down to 32 keys, a big flat
//    map's first update): the caller fills pk/pv (pairsOpen), counts (pairsWords: sorts, drops
//    the earlier of equal keys), reserves, refills pk/pv in the same order if the reservation
//    may have moved them, and builds (pairsBuild). One set of pairs at a time.

/** The pairs' keys and values (raw memory: terms only while nothing collects). */
export let pk: usize = 0;
export let pv: usize = 0;
/** The pairs' order once sorted (u32 indices into pk), their hashes (u32, at the level in progress), scratch. */
let pidx: usize = 0, phash: usize = 0, ptmp: usize = 0, prev: usize = 0;
/** Pairs kept by pairsWords (distinct keys). */
let pkept: usize = 0;

/** Make room for n pairs in pk/pv. */
export function pairsOpen(n: usize): void {
  const b = max(n, 1);
  pk = heap.alloc(b << 3); pv = heap.alloc(b << 3);
  pidx = heap.alloc(b << 2); phash = heap.alloc(b << 2); ptmp = heap.alloc(b << 2); prev = heap.alloc(b << 2);
}
/** Free the pairs' memory. */
export function pairsClose(): void {
  heap.free(pk); heap.free(pv); heap.free(pidx); heap.free(phash); heap.free(ptmp); heap.free(prev);
}

/** The u32 whose nibbles are h's reversed: sorting by it sorts by slot at level 0, then 1, ... */
// @ts-ignore: decorator
@inline function nibblesReversed(h: u32): u32 {
  h = ((h & 0x0F0F0F0F) << 4) | ((h >> 4) & 0x0F0F0F0F);
  return bswap<u32>(h);
}

/**
 * Sort the n pairs' indices (pidx) into trie order: by level-0 hash, and a run
 * of equal 32-bit hashes by the next salt's hash, and so on (stable: equal
 * keys keep the list's order).
 */
function pairsSort(n: usize): void {
  for (let i: usize = 0; i < n; i++) {
    store<u32>(pidx + (i << 2), <u32>i);
    store<u32>(prev + (i << 2), nibblesReversed(mapKeyHash(load<u64>(pk + (i << 3)), 0)));
  }
  mergeSort(pidx, ptmp, n, 0, prev);
  sortRuns(0, n, 0);
}

/** Within pidx[lo..hi), runs of equal hash (salt s) sorted again by salt s + 1's hash. */
function sortRuns(lo: usize, hi: usize, s: u32): void {
  let i = lo;
  while (i < hi) {
    let j = i + 1;
    const hi0 = load<u32>(prev + (<usize>load<u32>(pidx + (i << 2)) << 2));
    while (j < hi && load<u32>(prev + (<usize>load<u32>(pidx + (j << 2)) << 2)) == hi0) j++;
    if (j - i > 1 && !allEqualKeys(i, j) && s < 16) {
      for (let q = i; q < j; q++) {
        const a = <usize>load<u32>(pidx + (q << 2));
        store<u32>(prev + (a << 2), nibblesReversed(mapKeyHash(load<u64>(pk + (a << 3)), s + 1)));
      }
      mergeSort(pidx + (i << 2), ptmp, j - i, 0, prev);
      sortRuns(i, j, s + 1);
    }
    i = j;
  }
}

function allEqualKeys(i: usize, j: usize): bool {
  const k0 = load<u64>(pk + (<usize>load<u32>(pidx + (i << 2)) << 3));
  for (let q = i + 1; q < j; q++) if (!equalTerms(k0, load<u64>(pk + (<usize>load<u32>(pidx + (q << 2)) << 3)))) return false;
  return true;
}

/**
 * Sort the n pairs in pk/pv and keep the last of each key: the words their
 * map takes (flat for at most 32 distinct keys, else a trie). Nothing collects.
 */
export function pairsWords(n: usize): usize {
  pairsSort(n);
  // drop every pair a later one of the same key overrides (equal keys have equal hashes: same run)
  let m: usize = 0;
  for (let i: usize = 0; i < n; i++) {
    const a = <usize>load<u32>(pidx + (i << 2));
    const ka = load<u64>(pk + (a << 3));
    const ha = load<u32>(prev + (a << 2));
    let dropped = false;
    for (let j = i + 1; j < n; j++) {
      const b = <usize>load<u32>(pidx + (j << 2));
      if (load<u32>(prev + (b << 2)) != ha) break;
      if (b > a && (load<u64>(pk + (b << 3)) == ka || equalTerms(load<u64>(pk + (b << 3)), ka))) { dropped = true; break; }
    }
    if (!dropped) store<u32>(pidx + (m++ << 2), <u32>a);
  }
  pkept = m;
  if (m <= MAP_FLAT_MAX) return 2 + 2 * m;
  words = 0;
  buildAt(0, m, 0, true, true);
  return words;
}

/** The map of the pairs pairsWords counted (words reserved; pk/pv refilled in the same order if they moved). */
export function pairsBuild(): Term {
  const m = pkept;
  if (m <= MAP_FLAT_MAX) {
    // map-key order
    mergeSort(pidx, ptmp, m, pk, 0);
    const r = mapRaw(m);
    for (let i: usize = 0; i < m; i++) {
      const a = <usize>load<u32>(pidx + (i << 2));
      store<u64>(mapKeyAddr(r, i), load<u64>(pk + (a << 3)));
      store<u64>(mapValueAddr(r, i), load<u64>(pv + (a << 3)));
    }
    return r;
  }
  const r = buildAt(0, m, 0, true, false);
  if (DEBUG) assert(checkTrie(r));
  return r;
}

/** Slot at level lvl of pair a (its key's hash recomputed when lvl is past the first 32 bits). */
function slotOf(a: usize, lvl: u32): u32 {
  const k = load<u64>(pk + (a << 3));
  return (lvl < 8 ? load<u32>(phashOf(a)) >> (lvl << 2) : hashAt(k, lvl)) & 0xF;
}
/** The level-0 hash of pair a, cached in phash by pairsWords' caller (see buildAt). */
// @ts-ignore: decorator
@inline function phashOf(a: usize): usize { return phash + (a << 2); }

/** The node at level lvl of the sorted kept pairs pidx[lo..hi) (all sharing the slots above lvl). */
function buildAt(lo: usize, hi: usize, lvl: u32, head: bool, dry: bool): Term {
  if (lvl == 0) for (let i = lo; i < hi; i++) { const a = <usize>load<u32>(pidx + (i << 2)); store<u32>(phashOf(a), mapKeyHash(load<u64>(pk + (a << 3)), 0)); }
  let bm: u32 = 0;
  for (let i = lo; i < hi; i++) bm |= 1 << slotOf(<usize>load<u32>(pidx + (i << 2)), lvl);
  const c = <usize>popcnt(bm);
  let base: usize = 0;
  if (dry) words += nodeWords(head, <u32>c);
  else base = newNode(head, hi - lo, bm);
  let o: usize = 0;
  let i = lo;
  while (i < hi) {
    const s = slotOf(<usize>load<u32>(pidx + (i << 2)), lvl);
    let j = i + 1;
    while (j < hi && slotOf(<usize>load<u32>(pidx + (j << 2)), lvl) == s) j++;
    let x: Term = 0;
    if (j - i == 1) {
      if (dry) words += 2;
      else { const a = <usize>load<u32>(pidx + (i << 2)); x = leaf(load<u64>(pk + (a << 3)), load<u64>(pv + (a << 3))); }
    } else x = buildAt(i, j, lvl + 1, false, dry);
    if (!dry) store<u64>(base + (o << 3), x);
    o++;
    i = j;
  }
  return dry ? 0 : nodeTerm(base, head);
}

// ── checks (debug builds)

/** Whether hash map m keeps the invariants above: its size counted, each leaf on its key's path, no lone leaf below the head. */
export function checkTrie(m: Term): bool {
  const n = mapSize(m);
  if (n <= MAP_FLAT_MAX || isFlatMap(m)) return false;
  return checkNode(headBase(m), true, 0, 0) == n;
}
function checkNode(base: usize, head: bool, lvl: u32, path: u32): usize {
  const bm = bitmapAt(base);
  const c = <usize>popcnt(bm);
  if (c == 0 || bm > 0xFFFF) return 1 << 40;
  if (!head && c == 1 && isList(load<u64>(base))) return 1 << 40;
  let total: usize = 0;
  let s: u32 = 0;
  for (let i: usize = 0; i < c; i++) {
    while (!(bm & (1 << s))) s++;
    const x = load<u64>(base + (i << 3));
    if (isList(x)) {
      // the key's slots down to here are the path's
      const k = load<u64>(termPtr(x));
      for (let l: u32 = 0; l <= lvl; l++) if ((hashAt(k, l) & 0xF) != (l == lvl ? s : (path >> (l << 2)) & 0xF)) { if (lvl < 8) return 1 << 40; }
      total++;
    } else {
      if (headerSubtag(boxedHeader(x)) != SUB_MAP) return 1 << 40;
      total += checkNode(nodeBase(x), false, lvl + 1, lvl < 8 ? path | (s << (lvl << 2)) : path);
    }
    s++;
  }
  return total;
}

