// Large maps as hash-array-mapped tries (HAMT), as BEAM keeps a map of more
// than 32 keys (OTP 25: erts/emulator/beam/erl_map.c, erl_map.h).
//
// A map of at most MAP_FLAT_MAX (32) keys is flat (gc/term/term.ts): its keys
// in map-key order, then its values. A larger one is a trie over its keys'
// 32-bit hashes (mapKeyHash in gc/term/mapview.ts: BEAM's make_internal_hash), four bits a level,
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
// The layout's helpers, the hash and the walks are gc/term/mapview.ts (below
// term order and phash2, which read maps through it). Nothing here collects: a caller reserves first (hashmapPutWords,
// hashmapRemoveWords, pairsWords count the words exactly, then build
// bumps them), as gc/term/build.ts's builders do.

import {
  Term, NIL, isList, makeSmall, termPtr, makeList, boxedHeader, headerSubtag, mapSize, mapKeyAddr, mapValueAddr, SUB_MAP,
} from "./term";
import { mapRaw } from "./build";
import { compareMapKeys, equalTerms, sortByKey } from "./order";
import {
  MAP_FLAT_MAX, isFlatMap, headBase, nodeBase, bitmapAt, nodeWords, newNode, nodeTerm, mapKeyHash, hashAt, shiftHash,
  nibblesReversed, sortByHash, sortRuns,
} from "./mapview";
import { bump } from "../mem/heap";
import { DEBUG } from "../mem/debug";

export { MAP_FLAT_MAX, isFlatMap, mapPairs, mapPairsAnyOrder, listsReversed } from "./mapview";

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

/**
 * Sort the n pairs' indices (pidx) into trie order: by level-0 hash, and a run
 * of equal 32-bit hashes by the next salt's hash once the duplicates are
 * dropped (pairsWords; stable: equal keys keep the list's order).
 */
function pairsSort(n: usize): void {
  for (let i: usize = 0; i < n; i++) {
    store<u32>(pidx + (i << 2), <u32>i);
    store<u32>(prev + (i << 2), nibblesReversed(mapKeyHash(load<u64>(pk + (i << 3)), 0)));
  }
  sortByHash(pidx, ptmp, n, prev);
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
  sortRuns(pk, pidx, ptmp, prev, 0, m, 0);   // distinct keys now: colliding hashes parted by salt
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
    sortByKey(pidx, ptmp, m, pk);
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

