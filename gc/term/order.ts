// Term order as BEAM (OTP 25) has it, in its two forms, and exact equality (=:=).
//
//   number < atom < reference < fun < port < pid < tuple < map < nil < list < bitstring
//
// BEAM compares terms two ways (erts_cmp in erts/emulator/beam/utils.c, and
// its `exact` flag):
//   term order      (<, ==, lists:sort)   numbers by value: 1 == 1.0
//   map-key order   (exact; =:= is its    an integer and a float are never
//                   equality)             equal, and every integer sorts before
//                                         every float, at any depth: 2 before
//                                         1.0, {2} before {1.0}, [1|3.0] before
//                                         [1.0|2]
// A map of up to 32 keys (a flatmap) stores its keys in map-key order, and
// term_to_binary writes them in that order; a larger one (a hash trie,
// gc/term/hashmap.ts) is compared through a copy of its pairs sorted by key. In both orders two maps compare
// by size, then their keys in map-key order (keys are always compared
// exactly), then their values in key order, compared in the order at hand:
// #{2 => a} < #{1.0 => a}, while #{a => 1} == #{a => 1.0}.
//
//   type        compared by
//   ---------   ---------------------------------------------------------------
//   numbers     term order: value, exactly, integers of any size (an integer
//               and a float of equal value are equal); map-key order: integers
//               by value, then floats by value, -0.0 before 0.0
//   atoms       their UTF-8 text, bytewise (= by code point), then length
//   references  creation, then ids[2], ids[1], ids[0] (as BEAM: node, which is
//               always 'nonode@nohost' here, then creation, then the ids from
//               the highest)
//   pids        the term word: serial, then slot (as BEAM compares local pids)
//   funs        entry and arity, then the number of free variables, then those
//   tuples      size, then elements left to right
//   maps        size, then keys in map-key order, then values in key order
//   lists       element-wise; [] before any cons cell, so a prefix sorts first
//   bitstrings  bit by bit, then length (binaries bytewise: the same order)
//
// compareTerms is term order made total: terms BEAM finds equal (==) but not
// exactly equal (1 and 1.0, {a, 1} and {a, 1.0}) are ordered by map-key order,
// so that it is 0 only for =:= terms and never contradicts BEAM's < . (OTP 25
// counts -0.0 and 0.0 one term, even as map keys; here they are two, as from
// OTP 27: equal in term order, -0.0 first in map-key order.) compareMapKeys
// is map-key order: the order of every map's keys (gc/term/etf.ts sorts
// decoded maps by it, make_map's caller stores keys in it).
//
// No recursion on the native stack: pairs of containers still to compare are
// kept as ranges on an explicit stack of raw memory, which grows with nesting
// depth only (a list's tail replaces its range rather than adding one).

import {
  Term, NIL, isSmall, smallValue, isAtom, isPid, isList, isBoxed, termPtr, boxedHeader, headerArity, headerSubtag, atomIndex, SUB_TUPLE, SUB_BIG, SUB_FLOAT, SUB_FUN, SUB_HEAP_BIN, SUB_REFC_BIN, SUB_MAP, SUB_REF, SUB_BITS, bitstringBits, floatValue, binarySize, mapSize, mapKeyAddr, mapValueAddr,
  refId, refCreation,
} from "./term";
import { binaryData, bitstringData } from "./build";
import { compareIntegers, compareBigF64 } from "./bignum";
import { atomNamePtr, atomNameLen } from "./atoms";
import { vecStatic, vecPushFrame, vecTopFrame } from "../mem/vec";
import { DEBUG } from "../mem/debug";
import { mapView, viewsMark, viewsRelease, isFlatMap } from "./mapview";

// type ranks, in term order
// @ts-ignore: decorator
@inline const R_NUMBER: i32 = 0;
// @ts-ignore: decorator
@inline const R_ATOM: i32 = 1;
// @ts-ignore: decorator
@inline const R_REF: i32 = 2;
// @ts-ignore: decorator
@inline const R_FUN: i32 = 3;
// @ts-ignore: decorator
@inline const R_PID: i32 = 5;
// @ts-ignore: decorator
@inline const R_TUPLE: i32 = 6;
// @ts-ignore: decorator
@inline const R_MAP: i32 = 7;
// @ts-ignore: decorator
@inline const R_NIL: i32 = 8;
// @ts-ignore: decorator
@inline const R_LIST: i32 = 9;
// @ts-ignore: decorator
@inline const R_BINARY: i32 = 10;

/** Rank of a term's type in the standard order. */
function rank(t: Term): i32 {
  if (isList(t)) return R_LIST;
  if (isBoxed(t)) {
    const s = headerSubtag(boxedHeader(t));
    if (s == SUB_TUPLE) return R_TUPLE;
    if (s == SUB_BIG || s == SUB_FLOAT) return R_NUMBER;
    if (s == SUB_MAP) return R_MAP;
    if (s == SUB_HEAP_BIN || s == SUB_REFC_BIN || s == SUB_BITS) return R_BINARY;
    if (s == SUB_FUN) return R_FUN;
    if (s == SUB_REF) return R_REF;
    unreachable();
  }
  if (isSmall(t)) return R_NUMBER;
  if (isPid(t)) return R_PID;
  if (isAtom(t)) return R_ATOM;
  if (t == NIL) return R_NIL;
  unreachable();
  return -1;
}

/** Whether a number term is a float. */
// @ts-ignore: decorator
@inline function isFloatTerm(t: Term): bool { return (t & 0x3) == 0x2 && headerSubtag(boxedHeader(t)) == SUB_FLOAT; }

/** Integer term n against float f by exact value (no rounding of either). */
function compareIntFloat(n: Term, f: f64): i32 {
  if (!isSmall(n)) return compareBigF64(n, f);
  const i = smallValue(n);
  if (f >= 9223372036854775808.0) return -1;
  if (f < -9223372036854775808.0) return 1;
  const t = <i64>f;                 // truncated toward zero, in range
  if (i < t) return -1;
  if (i > t) return 1;
  const frac = f - <f64>t;          // exact: f's fraction (0 when f is integral)
  return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

/**
 * Set by a comparison in term order that found two numbers equal that are not
 * exactly equal (an integer and a float, or -0.0 and 0.0): a result of 0 then
 * says == but not =:=.
 */
let loose = false;

/** Two number terms: in map-key order if `exact`, else in term order. */
function compareNumbers(a: Term, b: Term, exact: bool): i32 {
  const af = isFloatTerm(a), bf = isFloatTerm(b);
  if (!af && !bf) return compareIntegers(a, b);
  if (af && bf) {
    const x = floatValue(a), y = floatValue(b);
    if (x < y) return -1;
    if (x > y) return 1;
    const sx = <i32>(reinterpret<u64>(x) >> 63), sy = <i32>(reinterpret<u64>(y) >> 63);
    if (sx == sy) return 0;
    if (exact) return sy - sx;      // -0.0 before 0.0
    loose = true;
    return 0;
  }
  if (exact) return af ? 1 : -1;    // every integer before every float
  const c = af ? -compareIntFloat(b, floatValue(a)) : compareIntFloat(a, floatValue(b));
  if (c == 0) loose = true;
  return c;
}

/** Two references: creation, then the ids from the highest (the node is the same for all). */
function compareRefs(a: Term, b: Term): i32 {
  const ca = refCreation(a), cb = refCreation(b);
  if (ca != cb) return ca < cb ? -1 : 1;
  for (let i: i32 = 2; i >= 0; i--) {
    const x = refId(a, <usize>i), y = refId(b, <usize>i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Bytes pa[0..la) against pb[0..lb): bytewise, then the shorter first. */
function compareBytes(pa: usize, la: usize, pb: usize, lb: usize): i32 {
  const c = memory.compare(pa, pb, min(la, lb));
  if (c) return c < 0 ? -1 : 1;
  return la < lb ? -1 : la > lb ? 1 : 0;
}

/**
 * Bits pa[0..la) against pb[0..lb) (bit counts): bit by bit from each first
 * byte's top bit, then the shorter first, as BEAM orders bitstrings.
 */
function compareBits(pa: usize, la: u64, pb: usize, lb: u64): i32 {
  const n = min(la, lb);
  const whole = <usize>(n >> 3);
  const c = memory.compare(pa, pb, whole);
  if (c) return c < 0 ? -1 : 1;
  const r = <u32>(n & 7);
  if (r) {
    const x = <u32>load<u8>(pa + whole) >> (8 - r), y = <u32>load<u8>(pb + whole) >> (8 - r);
    if (x != y) return x < y ? -1 : 1;
  }
  return la < lb ? -1 : la > lb ? 1 : 0;
}

// ── the explicit stack: ranges { a: address, b: address, words left, exact } (32-byte frames);
//    a range's terms are compared in the order its `exact` names (a map's keys: always map-key order)
const stack = vecStatic();

// @ts-ignore: decorator
@inline const FRAME_SHIFT: u32 = 5;

function push(pa: usize, pb: usize, n: usize, exact: bool): void {
  if (DEBUG) assert(n > 0);
  const f = vecPushFrame(stack, FRAME_SHIFT);
  store<u64>(f, <u64>pa);
  store<u64>(f, <u64>pb, 8);
  store<u64>(f, <u64>n, 16);
  store<u64>(f, exact ? 1 : 0, 24);
}

/**
 * Stable merge sort of idx[0..n) (u32 indices) by keys[i] in map-key order, with tmp (as large) as
 * scratch: a trie's pairs put in a flat map's order (here, and gc/term/hashmap.ts pairsBuild).
 */
export function sortByKey(idx: usize, tmp: usize, n: usize, keys: usize): void {
  for (let width: usize = 1; width < n; width <<= 1) {
    for (let lo: usize = 0; lo < n; lo += width << 1) {
      const mid = min(lo + width, n), hi = min(lo + (width << 1), n);
      let i = lo, j = mid, o = lo;
      while (i < mid && j < hi) {
        const x = <usize>load<u32>(idx + (i << 2)), y = <usize>load<u32>(idx + (j << 2));
        if (compareMapKeys(load<u64>(keys + (y << 3)), load<u64>(keys + (x << 3))) < 0) { store<u32>(tmp + (o++ << 2), <u32>y); j++; }
        else { store<u32>(tmp + (o++ << 2), <u32>x); i++; }
      }
      while (i < mid) store<u32>(tmp + (o++ << 2), load<u32>(idx + (i++ << 2)));
      while (j < hi) store<u32>(tmp + (o++ << 2), load<u32>(idx + (j++ << 2)));
    }
    memory.copy(idx, tmp, n << 2);
  }
}

/**
 * Address of map m's keys in map-key order, its values after them: a flat map's
 * own words, or a view of a trie's pairs (gc/term/mapview.ts) sorted here
 * (released with the views when the comparison ends).
 */
function sortedView(m: Term): usize {
  if (isFlatMap(m)) return mapKeyAddr(m, 0);
  const keys = mapView(m);
  const n = mapSize(m);
  const vals = keys + (n << 3);
  // a stable merge sort of pair indices by key, then the pairs put in that order
  const idx = heap.alloc(n << 2), tmp = heap.alloc(n << 2), kv = heap.alloc(n << 4);
  for (let i: usize = 0; i < n; i++) store<u32>(idx + (i << 2), <u32>i);
  sortByKey(idx, tmp, n, keys);
  memory.copy(kv, keys, n << 4);
  for (let i: usize = 0; i < n; i++) {
    const x = <usize>load<u32>(idx + (i << 2));
    store<u64>(keys + (i << 3), load<u64>(kv + (x << 3)));
    store<u64>(vals + (i << 3), load<u64>(kv + ((n + x) << 3)));
  }
  heap.free(idx); heap.free(tmp); heap.free(kv);
  return keys;
}

/** -1, 0 or 1 as `a` sorts before, equal to or after `b`: in map-key order if `exact`, else in term order. */
function compareIn(a: Term, b: Term, exact: bool): i32 {
  const mark = viewsMark();        // the sorted views of hash maps met on the way (gc/term/hashmap.ts)
  const c = compareWalk(a, b, exact);
  viewsRelease(mark);
  return c;
}

function compareWalk(a: Term, b: Term, exact: bool): i32 {
  const base = stack.length;          // the stack is empty on entry; kept relative for safety
  for (;;) {
    if (a != b) {
      const ra = rank(a), rb = rank(b);
      if (ra != rb) { stack.length = base; return ra < rb ? -1 : 1; }
      let c: i32 = 0;
      let descend = false;
      switch (ra) {
        case R_NUMBER: { c = compareNumbers(a, b, exact); break; }
        case R_ATOM: {
          const ia = <i32>atomIndex(a), ib = <i32>atomIndex(b);
          c = compareBytes(atomNamePtr(ia), <usize>atomNameLen(ia), atomNamePtr(ib), <usize>atomNameLen(ib));
          break;
        }
        case R_PID: { c = a < b ? -1 : 1; break; }
        case R_REF: { c = compareRefs(a, b); break; }
        case R_BINARY: {
          const sa = headerSubtag(boxedHeader(a)), sb = headerSubtag(boxedHeader(b));
          if (sa != SUB_BITS && sb != SUB_BITS) c = compareBytes(binaryData(a), <usize>binarySize(a), binaryData(b), <usize>binarySize(b));
          else c = compareBits(bitstringData(a), bitstringBits(a), bitstringData(b), bitstringBits(b));
          break;
        }
        case R_LIST: {
          // heads now, tails after: the tail range replaces nothing (it is popped before the next push)
          const pa = termPtr(a), pb = termPtr(b);
          push(pa + 8, pb + 8, 1, exact);
          a = load<u64>(pa);
          b = load<u64>(pb);
          descend = true;
          break;
        }
        case R_TUPLE: {
          const na = <usize>headerArity(boxedHeader(a)), nb = <usize>headerArity(boxedHeader(b));
          if (na != nb) { c = na < nb ? -1 : 1; break; }
          if (na) push(termPtr(a) + 8, termPtr(b) + 8, na, exact);
          break;
        }
        case R_MAP: {
          // size; then every key, in map-key order whatever this comparison's order; then the values, in its
          // order (the keys' range is on top, so it is compared first)
          const na = mapSize(a), nb = mapSize(b);
          if (na != nb) { c = na < nb ? -1 : 1; break; }
          if (na) {
            // a trie's pairs (or a big flat map's, already in order) as a flat view sorted by key
            const ka = sortedView(a), kb = sortedView(b);
            push(ka + (na << 3), kb + (na << 3), na, exact);
            push(ka, kb, na, true);
          }
          break;
        }
        case R_FUN: {
          const ea = load<i64>(termPtr(a), 8), eb = load<i64>(termPtr(b), 8);
          if (ea != eb) { c = ea < eb ? -1 : 1; break; }
          const na = <usize>headerArity(boxedHeader(a)), nb = <usize>headerArity(boxedHeader(b));
          if (na != nb) { c = na < nb ? -1 : 1; break; }
          if (na > 1) push(termPtr(a) + 16, termPtr(b) + 16, na - 1, exact);
          break;
        }
        default: unreachable();
      }
      if (c) { stack.length = base; return c; }
      if (descend) continue;
    }
    if (stack.length == base) return 0;
    // next pair from the newest range, in that range's order
    const f = vecTopFrame(stack, FRAME_SHIFT);
    const pa = <usize>load<u64>(f), pb = <usize>load<u64>(f, 8);
    const left = load<u64>(f, 16) - 1;
    exact = load<u64>(f, 24) != 0;
    a = load<u64>(pa);
    b = load<u64>(pb);
    if (left) {
      store<u64>(f, <u64>(pa + 8));
      store<u64>(f, <u64>(pb + 8), 8);
      store<u64>(f, left, 16);
    } else stack.length--;
  }  return 0;   // not reached
}

/**
 * -1, 0 or 1 as `a` sorts before, is exactly equal to (=:=), or sorts after
 * `b` in term order, made total: BEAM's order first, and where BEAM finds
 * them equal (==) but they are not =:=, map-key order.
 */
export function compareTerms(a: Term, b: Term): i32 {
  if (a == b) return 0;
  loose = false;
  const c = compareIn(a, b, false);
  if (c != 0 || !loose) return c;   // 0 without a loose tie: every part was exactly equal
  const e = compareIn(a, b, true);
  if (DEBUG) assert(e != 0);        // == with some int/float or ±0.0 pair differing: not =:=
  return e;
}

/** -1, 0 or 1 in Erlang's term order itself, as BEAM's < and == see it: 0 for terms that are == (1 and 1.0). */
export function compareOrder(a: Term, b: Term): i32 {
  return a == b ? 0 : compareIn(a, b, false);
}

/** -1, 0 or 1 as `a` sorts before, is exactly equal to (=:=), or sorts after `b` in map-key order. */
export function compareMapKeys(a: Term, b: Term): i32 {
  return a == b ? 0 : compareIn(a, b, true);
}

/** Exact equality (=:=): same type and value; 1 and 1.0 differ, as do 0.0 and -0.0. */
export function equalTerms(a: Term, b: Term): bool {
  return a == b || compareIn(a, b, true) == 0;
}
