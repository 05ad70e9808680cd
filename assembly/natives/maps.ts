// The maps module's BIFs, as natives (registry.ts), and
// erts_internal:map_next/3, which OTP 25's maps:next/1 calls. OTP's
// maps.beam defines stubs of the BIFs calling erlang:nif_error; linked, these
// replace them (exports.ts exportsPut).
//
// A map is flat (gc/term/term.ts): n keys in map-key order (gc/term/order.ts
// compareMapKeys), then their values. Lookups are a binary search; every
// update builds a new map. BEAM keeps a map of more than 32 keys as a HAMT,
// whose iteration order (maps:to_list, keys, values, map_next, display)
// follows the keys' hashes; here every map keeps the sorted layout, so for
// more than 32 keys that order differs from OTP's (the contents are the same).
//
// Errors as BEAM 25: {badmap, M} for a map argument that is not one,
// {badkey, K} from get/2 and update/3, badarg for a list that is not a proper
// list of pairs (from_list) or not proper (from_keys).
//
// map_next(Path, Map, Acc): BEAM walks a flatmap whole at the first call,
// whatever Path; so here for every map: Acc = iterator gives
// {K1, V1, {K2, V2, ... none}} (none for the empty map), a list Acc gives
// [{K1, V1}, ..., {Kn, Vn} | Acc].

import {
  Term, NIL, isSmall, isList, head, tail, termPtr, tupleWords, tupleGet, mapSize, mapWords, mapKeyAddr, mapValueAddr,
  isInteger,
} from "../../gc/term/term";
import { consRaw, tupleRaw, mapRaw, pairRaw } from "../../gc/term/build";
import { compareMapKeys } from "../../gc/term/order";
import { PredefinedAtom } from "../boundary/atoms";
import { DEBUG } from "../../gc/mem/debug";
import { mapIndex } from "./erlang_terms";
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

/** Whether map m's keys ascend strictly in map-key order (the invariant of every map built here; debug builds check it). */
function sorted(m: Term): bool {
  for (let i: usize = 1, n = mapSize(m); i < n; i++) if (compareMapKeys(key(m, i - 1), key(m, i)) >= 0) return false;
  return true;
}

/** Where key k goes in map m: the first index whose key sorts after it. */
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
  const i = mapIndex(m, k);
  return i < 0 ? raiseTagged(A_BADKEY, k) : value(m, <usize>i);
}

/** maps:find/2: {ok, V} or error. */
export function maps_find_2(k: Term, m: Term): Term {
  if (!isMap(m)) return raiseTagged(A_BADMAP, m);
  const i = mapIndex(m, k);
  if (i < 0) return ERROR;
  reserveKeeping(tupleWords(2), m);
  return pairRaw(OK, value(kept0, <usize>i));
}

/** maps:is_key/2. */
export function maps_is_key_2(k: Term, m: Term): Term {
  if (!isMap(m)) return raiseTagged(A_BADMAP, m);
  return mapIndex(m, k) >= 0 ? TRUE : FALSE;
}

/** A copy of map m with value i replaced by v (m and v in kept0/kept2 after the reservation). */
function withValue(m: Term, i: usize, k: Term, v: Term): Term {
  const n = mapSize(m);
  reserveKeeping(mapWords(n), m, k, v);
  const r = mapRaw(n);
  memory.copy(mapKeyAddr(r, 0), mapKeyAddr(kept0, 0), (2 * n) << 3);
  setValue(r, i, kept2);
  return r;
}

/** maps:put/3. */
export function maps_put_3(k: Term, v: Term, m: Term): Term {
  if (!isMap(m)) return raiseTagged(A_BADMAP, m);
  const i = mapIndex(m, k);
  if (i >= 0) return withValue(m, <usize>i, k, v);
  const at = lowerBound(m, k);
  const n = mapSize(m);
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

/** maps:update/3: {badkey, K} if K is not a key. */
export function maps_update_3(k: Term, v: Term, m: Term): Term {
  if (!isMap(m)) return raiseTagged(A_BADMAP, m);
  const i = mapIndex(m, k);
  if (i < 0) return raiseTagged(A_BADKEY, k);
  return withValue(m, <usize>i, k, v);
}

/** Map m without pair i (m in kept0 after the reservation of `extra` more words). */
function without(m: Term, i: usize, extra: usize): Term {
  const n = mapSize(m);
  reserveKeeping(mapWords(n - 1) + extra, m);
  const src = kept0;
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
  const i = mapIndex(m, k);
  return i < 0 ? m : without(m, <usize>i, 0);
}

/** maps:take/2: {V, M without K} or error. */
export function maps_take_2(k: Term, m: Term): Term {
  if (!isMap(m)) return raiseTagged(A_BADMAP, m);
  const i = mapIndex(m, k);
  if (i < 0) return ERROR;
  const r = without(m, <usize>i, tupleWords(2));
  return pairRaw(value(kept0, <usize>i), r);
}

/** maps:keys/1 (keys first: 0) and maps:values/1 (1). */
function column(m: Term, values: bool): Term {
  if (!isMap(m)) return raiseTagged(A_BADMAP, m);
  const n = mapSize(m);
  reserveKeeping(2 * n, m);
  let l: Term = NIL;
  for (let i = n; i > 0; i--) l = consRaw(values ? value(kept0, i - 1) : key(kept0, i - 1), l);
  return l;
}
export function maps_keys_1(m: Term): Term { return column(m, false); }
export function maps_values_1(m: Term): Term { return column(m, true); }

/** maps:to_list/1: [{K, V}] in the map's key order. */
export function maps_to_list_1(m: Term): Term {
  if (!isMap(m)) return raiseTagged(A_BADMAP, m);
  const n = mapSize(m);
  reserveKeeping(n * (2 + tupleWords(2)), m);
  let l: Term = NIL;
  for (let i = n; i > 0; i--) l = consRaw(pairRaw(key(kept0, i - 1), value(kept0, i - 1)), l);
  return l;
}

/** maps:merge/2: the pairs of both, M2's value where both have a key. */
export function maps_merge_2(a: Term, b: Term): Term {
  if (!isMap(a)) return raiseTagged(A_BADMAP, a);
  if (!isMap(b)) return raiseTagged(A_BADMAP, b);
  // the size first (a walk of both), then the words, then the same walk writing
  const na = mapSize(a), nb = mapSize(b);
  let n: usize = 0;
  for (let i: usize = 0, j: usize = 0; i < na || j < nb; n++) {
    if (i == na) j++;
    else if (j == nb) i++;
    else {
      const c = compareMapKeys(key(a, i), key(b, j));
      if (c < 0) i++; else if (c > 0) j++; else { i++; j++; }
    }
  }
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

// ── building a map from pairs in any order: a stable merge sort of their indices by key

/** The pairs being sorted: keys at pk, values at pv (raw memory; no collection while they are there). */
let pk: usize = 0, pv: usize = 0;

/** Sort idx[0..n) (u32 indices into pk) by key, stably, with tmp as scratch. */
function sortIndices(idx: usize, tmp: usize, n: usize): void {
  for (let width: usize = 1; width < n; width <<= 1) {
    for (let lo: usize = 0; lo < n; lo += width << 1) {
      const mid = min(lo + width, n), hi = min(lo + (width << 1), n);
      let i = lo, j = mid, o = lo;
      while (i < mid && j < hi) {
        const a = load<u32>(idx + (i << 2)), b = load<u32>(idx + (j << 2));
        // stable: the left one first when equal
        if (compareMapKeys(load<u64>(pk + (<usize>b << 3)), load<u64>(pk + (<usize>a << 3))) < 0) { store<u32>(tmp + (o++ << 2), b); j++; }
        else { store<u32>(tmp + (o++ << 2), a); i++; }
      }
      while (i < mid) store<u32>(tmp + (o++ << 2), load<u32>(idx + (i++ << 2)));
      while (j < hi) store<u32>(tmp + (o++ << 2), load<u32>(idx + (j++ << 2)));
    }
    memory.copy(idx, tmp, n << 2);
  }
}

/** The map of the n pairs at pk/pv (words reserved): sorted, the last of equal keys winning. */
function mapOfPairs(n: usize): Term {
  const idx = heap.alloc(max(n, 1) << 2), tmp = heap.alloc(max(n, 1) << 2);
  for (let i: usize = 0; i < n; i++) store<u32>(idx + (i << 2), <u32>i);
  sortIndices(idx, tmp, n);
  // distinct keys: in a run of equal keys (in list order, the sort being stable) the last one
  let m: usize = 0;
  for (let i: usize = 0; i < n; i++) {
    const a = load<u32>(idx + (i << 2));
    if (i + 1 < n && compareMapKeys(load<u64>(pk + (<usize>a << 3)), load<u64>(pk + (<usize>load<u32>(idx + ((i + 1) << 2)) << 3))) == 0) continue;
    store<u32>(tmp + (m++ << 2), a);
  }
  const r = mapRaw(m);
  for (let i: usize = 0; i < m; i++) {
    const a = <usize>load<u32>(tmp + (i << 2));
    setKey(r, i, load<u64>(pk + (a << 3)));
    setValue(r, i, load<u64>(pv + (a << 3)));
  }
  heap.free(idx);
  heap.free(tmp);
  if (DEBUG) assert(sorted(r));
  return r;
}

/** maps:from_list/1: a proper list of 2-tuples; later pairs win. */
export function maps_from_list_1(l: Term): Term {
  const n = listLength(l);
  if (n < 0) return badarg();
  for (let c = l; c != NIL; c = tail(c)) if (!isTupleOf(head(c), 2)) return badarg();
  reserveKeeping(mapWords(<usize>n), l);
  pk = heap.alloc(max(<usize>n, 1) << 3);
  pv = heap.alloc(max(<usize>n, 1) << 3);
  let i: usize = 0;
  for (let c = kept0; c != NIL; c = tail(c), i++) {
    store<u64>(pk + (i << 3), tupleGet(head(c), 0));
    store<u64>(pv + (i << 3), tupleGet(head(c), 1));
  }
  const r = mapOfPairs(<usize>n);
  heap.free(pk);
  heap.free(pv);
  return r;
}

/** maps:from_keys/2: every key of the proper list Keys with Value. */
export function maps_from_keys_2(keys: Term, v: Term): Term {
  const n = listLength(keys);
  if (n < 0) return badarg();
  reserveKeeping(mapWords(<usize>n), keys, v);
  pk = heap.alloc(max(<usize>n, 1) << 3);
  pv = heap.alloc(max(<usize>n, 1) << 3);
  let i: usize = 0;
  for (let c = kept0; c != NIL; c = tail(c), i++) {
    store<u64>(pk + (i << 3), head(c));
    store<u64>(pv + (i << 3), kept1);
  }
  const r = mapOfPairs(<usize>n);
  heap.free(pk);
  heap.free(pv);
  return r;
}

/** erts_internal:map_next/3 (see the top of this file). */
export function erts_internal_map_next_3(path: Term, m: Term, acc: Term): Term {
  if (!isInteger(path) || !isMap(m)) return badarg();
  const n = mapSize(m);
  if (acc == A_ITERATOR) {
    if (n == 0) return A_NONE;
    reserveKeeping(n * tupleWords(3), m);
    let r = A_NONE;
    for (let i = n; i > 0; i--) {
      const t = tupleRaw(3);
      store<u64>(termPtr(t) + 8, key(kept0, i - 1));
      store<u64>(termPtr(t) + 16, value(kept0, i - 1));
      store<u64>(termPtr(t) + 24, r);
      r = t;
    }
    return r;
  }
  if (!isList(acc) && acc != NIL) return badarg();
  reserveKeeping(n * (2 + tupleWords(2)), m, acc);
  let l = kept1;
  for (let i = n; i > 0; i--) l = consRaw(pairRaw(key(kept0, i - 1), value(kept0, i - 1)), l);
  return l;
}
