// The maps module's BIFs, as natives (registry.ts), and
// erts_internal:map_next/3, which OTP 25's maps:next/1 calls. OTP's
// maps.beam defines stubs of the BIFs calling erlang:nif_error; linked, these
// replace them (exports.ts exportsPut).
//
// A map of at most 32 keys is flat (gc/term/term.ts): its keys in map-key
// order (gc/term/order.ts compareMapKeys), then its values; lookups are a
// binary search and every update builds a new one. A larger map is a hash
// trie (gc/term/hashmap.ts, as BEAM's HAMT): lookups walk down by the key's
// hash, put/update/remove copy the path to the key and share the rest. Across
// the boundary, as BEAM: a put making a 33rd key builds the trie from all the
// pairs; a remove leaving 32 keys builds the flat map. A big flat map (a
// literal or a decoded map of more than 32 keys) is read as it is, and
// becomes a trie at its first update.
//
// Orders as BEAM's: maps:keys/values/to_list and map_next with a list give a
// flat map's pairs in map-key order, a trie's in the reverse of its
// iteration order; map_next's iterator (maps:next, fold, printing) gives the
// iteration order (hashmap.ts mapPairs).
//
// Errors as BEAM 25: {badmap, M} for a map argument that is not one,
// {badkey, K} from get/2 and update/3, badarg for a list that is not a proper
// list of pairs (from_list) or not proper (from_keys).
//
// map_next(Path, Map, Acc): BEAM walks a flatmap whole at the first call,
// whatever Path, and a hashmap in batches; here every map whole: Acc =
// iterator gives {K1, V1, {K2, V2, ... none}} (none for the empty map), a
// list Acc gives the pairs in keys/1's order ahead of Acc.

import {
  Term, NIL, isList, head, tail, termPtr, tupleWords, tupleGet, mapSize, mapWords, mapKeyAddr, mapValueAddr, isInteger,
} from "../../gc/term/term";
import { consRaw, tupleRaw, mapRaw, pairRaw } from "../../gc/term/build";
import { compareMapKeys, equalTerms } from "../../gc/term/order";
import {
  MAP_FLAT_MAX, isFlatMap, mapValuePtr, hashmapPutWords, hashmapPut, hashmapRemoveWords, hashmapRemove, mapPairs, mapPairsAnyOrder,
  listsReversed, pairsOpen, pairsClose, pairsWords, pairsBuild, pk, pv,
} from "../../gc/term/hashmap";
import { PredefinedAtom } from "../boundary/atoms";
import { DEBUG } from "../../gc/mem/debug";
import {
  TRUE, FALSE, badarg, raiseTagged, isMap, isTupleOf, listLength, reserveKeeping, kept0, kept1, kept2, A_BADMAP, A_BADKEY,
  A_ITERATOR, A_NONE,
} from "./common";

// @ts-ignore: decorator
@inline const OK: Term = (<u64>PredefinedAtom.OK << 6) | 0x0B;
// @ts-ignore: decorator
@inline const ERROR: Term = (<u64>PredefinedAtom.ERROR << 6) | 0x0B;

// @ts-ignore: decorator
@inline function key(m: Term, i: usize): Term { return load<u64>(mapKeyAddr(m, i)); }
// @ts-ignore: decorator
@inline function value(m: Term, i: usize): Term { return load<u64>(mapValueAddr(m, i)); }
// @ts-ignore: decorator
@inline function setKey(m: Term, i: usize, k: Term): void { store<u64>(mapKeyAddr(m, i), k); }
// @ts-ignore: decorator
@inline function setValue(m: Term, i: usize, v: Term): void { store<u64>(mapValueAddr(m, i), v); }
/** Whether map m is flat with at most 32 keys (the sorted layout the fast paths here take). */
// @ts-ignore: decorator
@inline function smallFlat(m: Term): bool { return mapSize(m) <= MAP_FLAT_MAX && isFlatMap(m); }

/** Whether map m's keys ascend strictly in map-key order (the invariant of every flat map built here; debug builds check it). */
function sorted(m: Term): bool {
  for (let i: usize = 1, n = mapSize(m); i < n; i++) if (compareMapKeys(key(m, i - 1), key(m, i)) >= 0) return false;
  return true;
}

/** Index of key k in flat map m, or -1. */
function flatIndex(m: Term, k: Term): i64 {
  let lo: i64 = 0, hi: i64 = <i64>mapSize(m) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compareMapKeys(key(m, <usize>mid), k);
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}

/** Where key k goes in flat map m: the first index whose key sorts after it. */
function lowerBound(m: Term, k: Term): usize {
  let lo: usize = 0, hi = mapSize(m);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareMapKeys(key(m, mid), k) < 0) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** maps:get/2. */
export function maps_get_2(k: Term, m: Term): Term {
  if (!isMap(m)) return raiseTagged(A_BADMAP, m);
  const p = mapValuePtr(m, k);
  return p ? load<u64>(p) : raiseTagged(A_BADKEY, k);
}

/** maps:find/2: {ok, V} or error. */
export function maps_find_2(k: Term, m: Term): Term {
  if (!isMap(m)) return raiseTagged(A_BADMAP, m);
  if (!mapValuePtr(m, k)) return ERROR;
  reserveKeeping(tupleWords(2), m, k);
  return pairRaw(OK, load<u64>(mapValuePtr(kept0, kept1)));
}

/** maps:is_key/2. */
export function maps_is_key_2(k: Term, m: Term): Term {
  if (!isMap(m)) return raiseTagged(A_BADMAP, m);
  return mapValuePtr(m, k) ? TRUE : FALSE;
}

/** A copy of small flat map m with value i replaced by v. */
function withValue(m: Term, i: usize, k: Term, v: Term): Term {
  const n = mapSize(m);
  reserveKeeping(mapWords(n), m, k, v);
  const r = mapRaw(n);
  memory.copy(mapKeyAddr(r, 0), mapKeyAddr(kept0, 0), (2 * n) << 3);
  setValue(r, i, kept2);
  return r;
}

// ── a map rebuilt from its pairs (across the 32-key boundary, and a big flat map's updates)

/**
 * Fill pk/pv with m's pairs, without key `skip` (when hasSkip) and then k => v
 * (when hasExtra): the count. The same m, skip, k give the same order.
 */
function fillPairs(m: Term, skip: Term, hasSkip: bool, k: Term, v: Term, hasExtra: bool): usize {
  const n = mapSize(m);
  mapPairsAnyOrder(m, pk, pv);
  let o = n;
  if (hasSkip) {
    o = 0;
    for (let i: usize = 0; i < n; i++) {
      const a = load<u64>(pk + (i << 3));
      if (a == skip || equalTerms(a, skip)) continue;
      store<u64>(pk + (o << 3), a);
      store<u64>(pv + (o << 3), load<u64>(pv + (i << 3)));
      o++;
    }
  }
  if (hasExtra) { store<u64>(pk + (o << 3), k); store<u64>(pv + (o << 3), v); o++; }
  return o;
}

/** Map m rebuilt with k => v (put) or without k (remove), and `extra` words more reserved: the map (m, k, v in kept0..kept2 after). */
function rebuilt(m: Term, k: Term, v: Term, remove: bool, extra: usize): Term {
  pairsOpen(mapSize(m) + 1);
  const n = fillPairs(m, k, remove, k, v, !remove);
  const words = pairsWords(n);
  reserveKeeping(words + extra, m, k, v);
  fillPairs(kept0, kept1, remove, kept1, kept2, !remove);
  const r = pairsBuild();
  pairsClose();
  return r;
}

/** Map m with k => v (k a key already, or not). */
function put(m: Term, k: Term, v: Term): Term {
  if (!isFlatMap(m)) {
    const words = hashmapPutWords(m, k);
    reserveKeeping(words, m, k, v);
    return hashmapPut(kept0, kept1, kept2);
  }
  const n = mapSize(m);
  if (n > MAP_FLAT_MAX) return rebuilt(m, k, v, false, 0);
  const i = flatIndex(m, k);
  if (i >= 0) return withValue(m, <usize>i, k, v);
  if (n == MAP_FLAT_MAX) return rebuilt(m, k, v, false, 0);    // the 33rd key: a trie
  const at = lowerBound(m, k);
  reserveKeeping(mapWords(n + 1), m, k, v);
  const src = kept0;
  const r = mapRaw(n + 1);
  memory.copy(mapKeyAddr(r, 0), mapKeyAddr(src, 0), at << 3);
  setKey(r, at, kept1);
  memory.copy(mapKeyAddr(r, at + 1), mapKeyAddr(src, at), (n - at) << 3);
  memory.copy(mapValueAddr(r, 0), mapValueAddr(src, 0), at << 3);
  setValue(r, at, kept2);
  memory.copy(mapValueAddr(r, at + 1), mapValueAddr(src, at), (n - at) << 3);
  if (DEBUG) assert(sorted(r));
  return r;
}

/** maps:put/3. */
export function maps_put_3(k: Term, v: Term, m: Term): Term {
  if (!isMap(m)) return raiseTagged(A_BADMAP, m);
  return put(m, k, v);
}

/** maps:update/3: {badkey, K} if K is not a key. */
export function maps_update_3(k: Term, v: Term, m: Term): Term {
  if (!isMap(m)) return raiseTagged(A_BADMAP, m);
  if (!mapValuePtr(m, k)) return raiseTagged(A_BADKEY, k);
  return put(m, k, v);
}

/** Map m without its key k, with `extra` words more reserved (m, k in kept0, kept1 after). */
function without(m: Term, k: Term, extra: usize): Term {
  const n = mapSize(m);
  if (!isFlatMap(m) && n > MAP_FLAT_MAX + 1) {
    const words = hashmapRemoveWords(m, k);
    if (DEBUG) assert(words >= 0);
    reserveKeeping(<usize>words + extra, m, k);
    return hashmapRemove(kept0, kept1);
  }
  if (n > MAP_FLAT_MAX) return rebuilt(m, k, NIL, true, extra);   // down to 32 keys: flat
  reserveKeeping(mapWords(n - 1) + extra, m, k);
  const src = kept0;
  const i = <usize>flatIndex(src, kept1);
  const r = mapRaw(n - 1);
  memory.copy(mapKeyAddr(r, 0), mapKeyAddr(src, 0), i << 3);
  memory.copy(mapKeyAddr(r, i), mapKeyAddr(src, i + 1), (n - 1 - i) << 3);
  memory.copy(mapValueAddr(r, 0), mapValueAddr(src, 0), i << 3);
  memory.copy(mapValueAddr(r, i), mapValueAddr(src, i + 1), (n - 1 - i) << 3);
  return r;
}

/** maps:remove/2: M itself if K is not a key. */
export function maps_remove_2(k: Term, m: Term): Term {
  if (!isMap(m)) return raiseTagged(A_BADMAP, m);
  return mapValuePtr(m, k) ? without(m, k, 0) : m;
}

/** maps:take/2: {V, M without K} or error. */
export function maps_take_2(k: Term, m: Term): Term {
  if (!isMap(m)) return raiseTagged(A_BADMAP, m);
  if (!mapValuePtr(m, k)) return ERROR;
  const r = without(m, k, tupleWords(2));
  return pairRaw(load<u64>(mapValuePtr(kept0, kept1)), r);
}

// ── listing: n pairs in BEAM's order into scratch memory after the reservation (nothing collects
//    while they are there)

/** The pairs of m (reserved for already: m is kept0) in iteration order, at `keys` and `vals` (heap.alloc'd, n words each). */
let keys: usize = 0, vals: usize = 0;
function listingOpen(m: Term): void {
  const n = max(mapSize(m), 1);
  keys = heap.alloc(n << 3);
  vals = heap.alloc(n << 3);
  mapPairs(m, keys, vals);
}
function listingClose(): void { heap.free(keys); heap.free(vals); }
/** Index of the pair that goes i-th from the end of keys/1's list (the list is consed from its end). */
// @ts-ignore: decorator
@inline function fromEnd(m: Term, n: usize, i: usize): usize { return listsReversed(m) ? i : n - 1 - i; }

/** maps:keys/1 (values false) and maps:values/1 (true). */
function column(m: Term, values: bool): Term {
  if (!isMap(m)) return raiseTagged(A_BADMAP, m);
  const n = mapSize(m);
  reserveKeeping(2 * n, m);
  listingOpen(kept0);
  let l: Term = NIL;
  for (let i: usize = 0; i < n; i++) {
    const j = fromEnd(kept0, n, i);
    l = consRaw(load<u64>((values ? vals : keys) + (j << 3)), l);
  }
  listingClose();
  return l;
}
export function maps_keys_1(m: Term): Term { return column(m, false); }
export function maps_values_1(m: Term): Term { return column(m, true); }

/** [{K, V}] in keys/1's order ahead of `acc` (words reserved, m in kept0). */
function pairList(m: Term, acc: Term): Term {
  const n = mapSize(m);
  listingOpen(m);
  let l = acc;
  for (let i: usize = 0; i < n; i++) {
    const j = fromEnd(m, n, i);
    l = consRaw(pairRaw(load<u64>(keys + (j << 3)), load<u64>(vals + (j << 3))), l);
  }
  listingClose();
  return l;
}

/** maps:to_list/1: [{K, V}] in keys/1's order. */
export function maps_to_list_1(m: Term): Term {
  if (!isMap(m)) return raiseTagged(A_BADMAP, m);
  reserveKeeping(mapSize(m) * (2 + tupleWords(2)), m);
  return pairList(kept0, NIL);
}

/** maps:merge/2: the pairs of both, M2's value where both have a key. */
export function maps_merge_2(a: Term, b: Term): Term {
  if (!isMap(a)) return raiseTagged(A_BADMAP, a);
  if (!isMap(b)) return raiseTagged(A_BADMAP, b);
  const na = mapSize(a), nb = mapSize(b);
  if (smallFlat(a) && smallFlat(b)) {
    // the size first (a walk of both), then the words, then the same walk writing
    let n: usize = 0;
    for (let i: usize = 0, j: usize = 0; i < na || j < nb; n++) {
      if (i == na) j++;
      else if (j == nb) i++;
      else {
        const c = compareMapKeys(key(a, i), key(b, j));
        if (c < 0) i++; else if (c > 0) j++; else { i++; j++; }
      }
    }
    if (n <= MAP_FLAT_MAX) return mergeFlat(a, b, n);
  }
  // the pairs of a, then b's (the later of equal keys wins)
  pairsOpen(na + nb);
  mapPairsAnyOrder(a, pk, pv);
  mapPairsAnyOrder(b, pk + (na << 3), pv + (na << 3));
  const words = pairsWords(na + nb);
  reserveKeeping(words, a, b);
  mapPairsAnyOrder(kept0, pk, pv);
  mapPairsAnyOrder(kept1, pk + (na << 3), pv + (na << 3));
  const r = pairsBuild();
  pairsClose();
  return r;
}

/** Two small flat maps merged into a flat map of n keys. */
function mergeFlat(a: Term, b: Term, n: usize): Term {
  const na = mapSize(a), nb = mapSize(b);
  reserveKeeping(mapWords(n), a, b);
  const x = kept0, y = kept1;
  const r = mapRaw(n);
  let o: usize = 0;
  for (let i: usize = 0, j: usize = 0; i < na || j < nb; o++) {
    let fromB = false;
    if (i == na) fromB = true;
    else if (j < nb) {
      const c = compareMapKeys(key(x, i), key(y, j));
      if (c > 0) fromB = true;
      else if (c == 0) { i++; fromB = true; }
    }
    if (fromB) { setKey(r, o, key(y, j)); setValue(r, o, value(y, j)); j++; }
    else { setKey(r, o, key(x, i)); setValue(r, o, value(x, i)); i++; }
  }
  if (DEBUG) assert(o == n && sorted(r));
  return r;
}

// ── building a map from pairs in any order (hashmap.ts: counted, reserved, then built)

/** Fill pk/pv from the proper list l of 2-tuples (from_list), or its elements with value v (from_keys). */
function fillFromList(l: Term, v: Term, tuples: bool): void {
  let i: usize = 0;
  for (let c = l; c != NIL; c = tail(c), i++) {
    store<u64>(pk + (i << 3), tuples ? tupleGet(head(c), 0) : head(c));
    store<u64>(pv + (i << 3), tuples ? tupleGet(head(c), 1) : v);
  }
}

/** The map of list l's pairs (tuples) or of its keys with value v. */
function fromList(l: Term, n: usize, v: Term, tuples: bool): Term {
  pairsOpen(n);
  fillFromList(l, v, tuples);
  const words = pairsWords(n);
  reserveKeeping(words, l, v);
  fillFromList(kept0, kept1, tuples);
  const r = pairsBuild();
  pairsClose();
  return r;
}

/** maps:from_list/1: a proper list of 2-tuples; later pairs win. */
export function maps_from_list_1(l: Term): Term {
  const n = listLength(l);
  if (n < 0) return badarg();
  for (let c = l; c != NIL; c = tail(c)) if (!isTupleOf(head(c), 2)) return badarg();
  return fromList(l, <usize>n, NIL, true);
}

/** maps:from_keys/2: every key of the proper list Keys with Value. */
export function maps_from_keys_2(l: Term, v: Term): Term {
  const n = listLength(l);
  if (n < 0) return badarg();
  return fromList(l, <usize>n, v, false);
}

/** erts_internal:map_next/3 (see the top of this file). */
export function erts_internal_map_next_3(path: Term, m: Term, acc: Term): Term {
  if (!isInteger(path) || !isMap(m)) return badarg();
  const n = mapSize(m);
  if (acc == A_ITERATOR) {
    if (n == 0) return A_NONE;
    reserveKeeping(n * tupleWords(3), m);
    listingOpen(kept0);
    let r = A_NONE;
    for (let i = n; i > 0; i--) {
      const t = tupleRaw(3);
      store<u64>(termPtr(t) + 8, load<u64>(keys + ((i - 1) << 3)));
      store<u64>(termPtr(t) + 16, load<u64>(vals + ((i - 1) << 3)));
      store<u64>(termPtr(t) + 24, r);
      r = t;
    }
    listingClose();
    return r;
  }
  if (!isList(acc) && acc != NIL) return badarg();
  reserveKeeping(n * (2 + tupleWords(2)), m, acc);
  return pairList(kept0, kept1);
}
