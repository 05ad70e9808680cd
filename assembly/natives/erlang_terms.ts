// The erlang module's BIFs on terms, as natives (registry.ts): tuples,
// lists, binaries, atoms, maps' size and keys, comparisons, the boolean
// operators, type tests, phash2, term_to_binary and back, and the text of
// pids, references and funs. Each behaves as BEAM 25's, errors included
// (badarg, {badmap, M}, {badkey, K}, system_limit), compared with erl in
// tests/natives.test.ts.
//
// Invariant: every check comes before the first allocation; an allocation
// keeps the arguments in root slots across it (common.ts reserveKeeping) and
// reads them again after, never through a local taken before.

import { mapValuePtr } from "../../gc/term/hashmap";
import {
  Term, NIL, isSmall, smallValue, makeSmall, isAtom, atomIndex, makeAtom, isPid, isList, head, tail, isBoxed, boxedHeader,
  headerSubtag, headerArity, termPtr, SUB_TUPLE, SUB_FLOAT, SUB_FUN, SUB_HEAP_BIN, SUB_REFC_BIN, tupleWords, tupleGet,
  tupleArity, isBinary, isBitstring, isBits, bitstringBits, binarySize, binaryWords, mapSize, mapKeyAddr, mapValueAddr, funArity, isInteger, isRef,
} from "../../gc/term/term";
import { consRaw, tupleRaw, binaryRaw, binaryData } from "../../gc/term/build";
import { atomNamePtr, atomNameLen, atomIntern, atomFind } from "../../gc/term/atoms";
import { equalTerms, compareOrder, compareMapKeys } from "../../gc/term/order";
import { phash2 } from "../../gc/term/hash";
import { phash } from "../../gc/term/phash";
import { etfEncodedSize, etfEncode } from "../../gc/term/etf";
import { isBig, bigNeg } from "../../gc/term/bignum";
import { active, bump } from "../../gc/mem/heap";
import { PredefinedAtom } from "../boundary/atoms";
import { nativeRaise } from "../runtime/bif_traces";
import { raiseError } from "../runtime/exceptions";
import { encodedWords, decodeAt } from "../runtime/transfer";
import { isFloat, isNumber } from "../runtime/arith";
import { formatTerm } from "./display";
import { iolistBytes } from "./iolist";
import {
  TRUE, FALSE, boolTerm, badarg, raiseTagged, isTuple, isMap, isFun, isBool, listLength, A_BADMAP, A_BADKEY, A_LATIN1, A_UTF8,
  A_UNICODE, reserveKeeping, kept0, kept1, textReset, textPtr, textN, textUtf8, utf8At, utf8Step,
} from "./common";

/** Raise error:system_limit; the non-value 0. */
function systemLimit(): Term { return nativeRaise(makeAtom(PredefinedAtom.SYSTEM_LIMIT), 0); }

/** The tuple's element i (0-based) address. */
// @ts-ignore: decorator
@inline function elemAddr(t: Term, i: usize): usize { return termPtr(t) + 8 + (i << 3); }

// ── tuples

/** erlang:element/2. */
export function erlang_element_2(n: Term, t: Term): Term {
  if (!isSmall(n) || !isTuple(t)) return badarg();
  const i = smallValue(n);
  if (i < 1 || <u64>i > <u64>tupleArity(t)) return badarg();
  return tupleGet(t, <usize>(i - 1));
}

/** erlang:setelement/3: a copy with element N replaced. */
export function erlang_setelement_3(n: Term, t: Term, v: Term): Term {
  if (!isSmall(n) || !isTuple(t)) return badarg();
  const i = smallValue(n);
  const size = tupleArity(t);
  if (i < 1 || <u64>i > <u64>size) return badarg();
  reserveKeeping(tupleWords(size), t, v);
  const r = tupleRaw(size);
  memory.copy(elemAddr(r, 0), elemAddr(kept0, 0), size << 3);
  store<u64>(elemAddr(r, <usize>(i - 1)), kept1);
  return r;
}

/** erlang:tuple_size/1. */
export function erlang_tuple_size_1(t: Term): Term { return isTuple(t) ? makeSmall(<i64>tupleArity(t)) : badarg(); }

/** erlang:size/1: a tuple's elements or a bitstring's whole bytes (its last bits not counted, as BEAM). */
export function erlang_size_1(t: Term): Term {
  if (isTuple(t)) return makeSmall(<i64>tupleArity(t));
  if (isBinary(t)) return makeSmall(<i64>binarySize(t));
  if (isBits(t)) return makeSmall(<i64>(bitstringBits(t) >> 3));
  return badarg();
}

/** erlang:make_tuple/2. */
export function erlang_make_tuple_2(n: Term, v: Term): Term {
  if (!isSmall(n) || smallValue(n) < 0) return badarg();
  const size = <usize>smallValue(n);
  if (size > 0xFF_FFFF) return systemLimit();
  reserveKeeping(tupleWords(size), v);
  const r = tupleRaw(size);
  for (let i: usize = 0; i < size; i++) store<u64>(elemAddr(r, i), kept0);
  return r;
}

/** erlang:append_element/2. */
export function erlang_append_element_2(t: Term, v: Term): Term {
  if (!isTuple(t)) return badarg();
  const size = tupleArity(t);
  reserveKeeping(tupleWords(size + 1), t, v);
  const r = tupleRaw(size + 1);
  memory.copy(elemAddr(r, 0), elemAddr(kept0, 0), size << 3);
  store<u64>(elemAddr(r, size), kept1);
  return r;
}

/** erlang:list_to_tuple/1. */
export function erlang_list_to_tuple_1(l: Term): Term {
  const n = listLength(l);
  if (n < 0) return badarg();
  reserveKeeping(tupleWords(<usize>n), l);
  const r = tupleRaw(<usize>n);
  let i: usize = 0;
  for (let c = kept0; c != NIL; c = tail(c)) store<u64>(elemAddr(r, i++), head(c));
  return r;
}

/** erlang:tuple_to_list/1. */
export function erlang_tuple_to_list_1(t: Term): Term {
  if (!isTuple(t)) return badarg();
  const n = tupleArity(t);
  reserveKeeping(2 * n, t);
  let l: Term = NIL;
  for (let i = n; i > 0; i--) l = consRaw(tupleGet(kept0, i - 1), l);
  return l;
}

// ── lists

/** erlang:length/1. */
export function erlang_length_1(l: Term): Term {
  const n = listLength(l);
  return n < 0 ? badarg() : makeSmall(n);
}
/** erlang:hd/1. */
export function erlang_hd_1(l: Term): Term { return isList(l) ? head(l) : badarg(); }
/** erlang:tl/1. */
export function erlang_tl_1(l: Term): Term { return isList(l) ? tail(l) : badarg(); }

/** erlang:'++'/2: a copy of A's cells ending in B. */
export function erlang_append_2(a: Term, b: Term): Term {
  const n = listLength(a);
  if (n < 0) return badarg();
  if (n == 0) return b;
  reserveKeeping(2 * <usize>n, a, b);
  // front to back: each new cell's tail set as the next is made (all of them new)
  let first: Term = NIL;
  let last: usize = 0;
  for (let c = kept0; c != NIL; c = tail(c)) {
    const cell = consRaw(head(c), kept1);
    if (last) store<u64>(last, cell, 8); else first = cell;
    last = termPtr(cell);
  }
  return first;
}

/** erlang:'--'/2: A without the first occurrence (=:=) of each element of B. */
export function erlang_subtract_2(a: Term, b: Term): Term {
  const na = listLength(a), nb = listLength(b);
  if (na < 0 || nb < 0) return badarg();
  if (na == 0 || nb == 0) return a;
  // which cells of A go: a mark per element, in raw memory, decided before the allocation
  const gone = heap.alloc(<usize>na);
  memory.fill(gone, 0, <usize>na);
  let kept = na;
  for (let y = b; y != NIL; y = tail(y)) {
    const v = head(y);
    let i: usize = 0;
    for (let x = a; x != NIL; x = tail(x), i++) {
      if (!load<u8>(gone + i) && equalTerms(head(x), v)) { store<u8>(gone + i, 1); kept--; break; }
    }
  }
  reserveKeeping(2 * <usize>kept, a);
  let first: Term = NIL;
  let last: usize = 0;
  let i: usize = 0;
  for (let x = kept0; x != NIL; x = tail(x), i++) {
    if (load<u8>(gone + i)) continue;
    const cell = consRaw(head(x), NIL);
    if (last) store<u64>(last, cell, 8); else first = cell;
    last = termPtr(cell);
  }
  heap.free(gone);
  return first;
}

// ── binaries

/** erlang:byte_size/1: a bitstring's bytes, a partial last byte counted. */
export function erlang_byte_size_1(b: Term): Term {
  if (isBinary(b)) return makeSmall(<i64>binarySize(b));
  return isBits(b) ? makeSmall(<i64>((bitstringBits(b) + 7) >> 3)) : badarg();
}
/** erlang:bit_size/1. */
export function erlang_bit_size_1(b: Term): Term { return isBitstring(b) ? makeSmall(<i64>bitstringBits(b)) : badarg(); }

/** The bytes from..to (0-based, to exclusive) of binary b as a list. */
function bytesList(b: Term, from: usize, to: usize): Term {
  reserveKeeping(2 * (to - from), b);
  const p = binaryData(kept0);
  let l: Term = NIL;
  for (let i = to; i > from; i--) l = consRaw(makeSmall(<i64>load<u8>(p + i - 1)), l);
  return l;
}

/** erlang:binary_to_list/1. */
export function erlang_binary_to_list_1(b: Term): Term {
  if (!isBinary(b)) return badarg();
  return bytesList(b, 0, <usize>binarySize(b));
}
/** erlang:binary_to_list/3: bytes Start..Stop, 1-based, inclusive. */
export function erlang_binary_to_list_3(b: Term, start: Term, stop: Term): Term {
  if (!isBinary(b) || !isSmall(start) || !isSmall(stop)) return badarg();
  const s = smallValue(start), e = smallValue(stop), n = <i64>binarySize(b);
  if (s < 1 || e > n || s > e) return badarg();
  return bytesList(b, <usize>(s - 1), <usize>e);
}

/** A new binary of the n bytes at p — which must not move: outside every heap, or read after the reservation by the caller. */
function binaryOf(p: usize, n: usize): Term {
  const r = binaryRaw(<u32>n);
  memory.copy(binaryData(r), p, n);
  return r;
}

/** erlang:split_binary/2: {the first Pos bytes, the rest}. */
export function erlang_split_binary_2(b: Term, pos: Term): Term {
  if (!isBinary(b) || !isSmall(pos)) return badarg();
  const n = <i64>binarySize(b), k = smallValue(pos);
  if (k < 0 || k > n) return badarg();
  reserveKeeping(binaryWords(<u32>k) + binaryWords(<u32>(n - k)) + tupleWords(2), b);
  const first = binaryOf(binaryData(kept0), <usize>k);
  const rest = binaryOf(binaryData(kept0) + <usize>k, <usize>(n - k));
  const t = tupleRaw(2);
  store<u64>(elemAddr(t, 0), first);
  store<u64>(elemAddr(t, 1), rest);
  return t;
}

// ── iolists (walked by iolist.ts)

/** erlang:iolist_size/1. */
export function erlang_iolist_size_1(l: Term): Term {
  if (isBinary(l)) return makeSmall(<i64>binarySize(l));
  if (!isList(l) && l != NIL) return badarg();
  const n = iolistBytes(l, 0);
  return n < 0 ? badarg() : makeSmall(n);
}

/** erlang:iolist_to_binary/1. */
export function erlang_iolist_to_binary_1(l: Term): Term {
  if (isBinary(l)) return l;
  return erlang_list_to_binary_1(l);
}

/** erlang:list_to_binary/1: an iolist's bytes. */
export function erlang_list_to_binary_1(l: Term): Term {
  if (!isList(l) && l != NIL) return badarg();
  const n = iolistBytes(l, 0);
  if (n < 0) return badarg();
  reserveKeeping(binaryWords(<u32>n), l);
  const r = binaryRaw(<u32>n);
  iolistBytes(kept0, binaryData(r));
  return r;
}

// ── atoms

/** The encoding argument: 0 latin1, 1 utf8 (or unicode), -1 neither. */
function encodingOf(e: Term): i32 {
  if (e == A_LATIN1) return 0;
  if (e == A_UTF8 || e == A_UNICODE) return 1;
  return -1;
}

/** erlang:atom_to_list/1: the characters (code points) of the name. */
export function erlang_atom_to_list_1(a: Term): Term {
  if (!isAtom(a)) return badarg();
  const i = <i32>atomIndex(a);
  const n = <usize>atomNameLen(i);
  reserve2(2 * n);
  const p = atomNamePtr(i);
  // the code points, last first
  let chars: usize = 0;
  for (let k: usize = 0; k < n; k += utf8Step) { utf8At(p, k); chars++; }
  const cps = heap.alloc(max(chars, 1) << 2);
  let j: usize = 0;
  for (let k: usize = 0; k < n; k += utf8Step) store<u32>(cps + (j++ << 2), utf8At(p, k));
  let l: Term = NIL;
  for (let q = chars; q > 0; q--) l = consRaw(makeSmall(<i64>load<u32>(cps + ((q - 1) << 2))), l);
  heap.free(cps);
  return l;
}

/** Reserve with no term to keep. */
function reserve2(words: usize): void { reserveKeeping(words, NIL); }

/** erlang:atom_to_binary/1 (utf8). */
export function erlang_atom_to_binary_1(a: Term): Term {
  if (!isAtom(a)) return badarg();
  const i = <i32>atomIndex(a);
  const n = <usize>atomNameLen(i);
  reserve2(binaryWords(<u32>n));
  return binaryOf(atomNamePtr(i), n);
}

/** erlang:atom_to_binary/2. */
export function erlang_atom_to_binary_2(a: Term, enc: Term): Term {
  const e = encodingOf(enc);
  if (!isAtom(a) || e < 0) return badarg();
  if (e == 1) return erlang_atom_to_binary_1(a);
  // latin1: every character must be below 256
  const i = <i32>atomIndex(a);
  const p = atomNamePtr(i), n = <usize>atomNameLen(i);
  textReset();
  for (let k: usize = 0; k < n; k += utf8Step) {
    const c = utf8At(p, k);
    if (c > 255) return badarg();
    textByteRaw(c);
  }
  const len = textN;
  reserve2(binaryWords(<u32>len));
  return binaryOf(textPtr(), len);
}

/** Append one byte to the text buffer (a latin-1 character). */
function textByteRaw(c: u32): void {
  // (textUtf8 of c < 128 is the byte; a latin-1 byte above needs the raw write)
  if (c < 128) { textUtf8(c); return; }
  textUtf8(0);             // room for one byte, then overwrite it
  store<u8>(textPtr() + textN - 1, <u8>c);
}

/** The atom of the UTF-8 name at p[0..n): the atom, or badarg (not UTF-8) / system_limit (too long, table full). */
function internName(p: usize, n: usize): Term {
  const i = atomIntern(p, <i32>n);
  if (i >= 0) return makeAtom(<u32>i);
  if (i == -1) return systemLimit();
  // not UTF-8, or over 255 characters: BEAM says badarg for the first, system_limit for the second
  return utf8Valid(p, n) ? systemLimit() : badarg();
}

/** Whether p[0..n) is valid UTF-8. */
function utf8Valid(p: usize, n: usize): bool {
  let i: usize = 0;
  while (i < n) {
    const c = <u32>load<u8>(p + i);
    let need: usize, cp: u32, lo: u32;
    if (c < 0x80) { i++; continue; }
    else if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; lo = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0x0F; lo = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 0x07; lo = 0x10000; }
    else return false;
    if (i + need >= n) return false;
    for (let k: usize = 1; k <= need; k++) {
      const d = <u32>load<u8>(p + i + k);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (cp < lo || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += need + 1;
  }
  return true;
}

/** The list of characters l as UTF-8 in the text buffer; false if it is not a list of characters. */
function charsText(l: Term): bool {
  textReset();
  for (; isList(l); l = tail(l)) {
    const c = head(l);
    if (!isSmall(c)) return false;
    const v = smallValue(c);
    if (v < 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
    textUtf8(<u32>v);
  }
  return l == NIL;
}

/** erlang:list_to_atom/1. */
export function erlang_list_to_atom_1(l: Term): Term {
  if (!charsText(l)) return badarg();
  return internName(textPtr(), textN);
}

/** erlang:list_to_existing_atom/1. */
export function erlang_list_to_existing_atom_1(l: Term): Term {
  if (!charsText(l)) return badarg();
  const i = atomFind(textPtr(), <i32>textN);
  return i < 0 ? badarg() : makeAtom(<u32>i);
}

/** erlang:binary_to_atom/2 (and /1: utf8). */
export function erlang_binary_to_atom_2(b: Term, enc: Term): Term {
  const e = encodingOf(enc);
  if (!isBinary(b) || e < 0) return badarg();
  const p = binaryData(b), n = <usize>binarySize(b);
  if (e == 1) return internName(p, n);
  textReset();
  for (let k: usize = 0; k < n; k++) textUtf8(load<u8>(p + k));
  return internName(textPtr(), textN);
}
export function erlang_binary_to_atom_1(b: Term): Term { return erlang_binary_to_atom_2(b, A_UTF8); }

/** erlang:binary_to_existing_atom/2 (and /1). */
export function erlang_binary_to_existing_atom_2(b: Term, enc: Term): Term {
  const e = encodingOf(enc);
  if (!isBinary(b) || e < 0) return badarg();
  const p = binaryData(b), n = <usize>binarySize(b);
  textReset();
  if (e == 1) { for (let k: usize = 0; k < n; k++) textByteRaw(load<u8>(p + k)); }
  else for (let k: usize = 0; k < n; k++) textUtf8(load<u8>(p + k));
  const i = atomFind(textPtr(), <i32>textN);
  return i < 0 ? badarg() : makeAtom(<u32>i);
}
export function erlang_binary_to_existing_atom_1(b: Term): Term { return erlang_binary_to_existing_atom_2(b, A_UTF8); }

// ── maps (the rest are natives of the maps module: maps.ts)

/** erlang:map_size/1. */
export function erlang_map_size_1(m: Term): Term { return isMap(m) ? makeSmall(<i64>mapSize(m)) : raiseTagged(A_BADMAP, m); }

/** erlang:map_get/2. */
export function erlang_map_get_2(k: Term, m: Term): Term {
  if (!isMap(m)) return raiseTagged(A_BADMAP, m);
  const p = mapValuePtr(m, k);
  return p ? load<u64>(p) : raiseTagged(A_BADKEY, k);
}

/** erlang:is_map_key/2. */
export function erlang_is_map_key_2(k: Term, m: Term): Term {
  if (!isMap(m)) return raiseTagged(A_BADMAP, m);
  return boolTerm(mapValuePtr(m, k) != 0);
}

// ── comparisons and the boolean operators

export function erlang_exact_eq_2(a: Term, b: Term): Term { return boolTerm(equalTerms(a, b)); }
export function erlang_exact_neq_2(a: Term, b: Term): Term { return boolTerm(!equalTerms(a, b)); }
export function erlang_eq_2(a: Term, b: Term): Term { return boolTerm(compareOrder(a, b) == 0); }
export function erlang_neq_2(a: Term, b: Term): Term { return boolTerm(compareOrder(a, b) != 0); }
export function erlang_lt_2(a: Term, b: Term): Term { return boolTerm(compareOrder(a, b) < 0); }
export function erlang_gt_2(a: Term, b: Term): Term { return boolTerm(compareOrder(a, b) > 0); }
export function erlang_le_2(a: Term, b: Term): Term { return boolTerm(compareOrder(a, b) <= 0); }
export function erlang_ge_2(a: Term, b: Term): Term { return boolTerm(compareOrder(a, b) >= 0); }

/** erlang:min/2: the first when they are equal (==), as erlang.erl. */
export function erlang_min_2(a: Term, b: Term): Term { return compareOrder(a, b) > 0 ? b : a; }
/** erlang:max/2. */
export function erlang_max_2(a: Term, b: Term): Term { return compareOrder(a, b) < 0 ? b : a; }

export function erlang_not_1(a: Term): Term { return a == TRUE ? FALSE : a == FALSE ? TRUE : badarg(); }
export function erlang_and_2(a: Term, b: Term): Term { return isBool(a) && isBool(b) ? boolTerm(a == TRUE && b == TRUE) : badarg(); }
export function erlang_or_2(a: Term, b: Term): Term { return isBool(a) && isBool(b) ? boolTerm(a == TRUE || b == TRUE) : badarg(); }
export function erlang_xor_2(a: Term, b: Term): Term { return isBool(a) && isBool(b) ? boolTerm(a != b) : badarg(); }

// ── type tests

export function erlang_is_atom_1(t: Term): Term { return boolTerm(isAtom(t)); }
export function erlang_is_binary_1(t: Term): Term { return boolTerm(isBinary(t)); }
export function erlang_is_bitstring_1(t: Term): Term { return boolTerm(isBitstring(t)); }
export function erlang_is_boolean_1(t: Term): Term { return boolTerm(isBool(t)); }
export function erlang_is_float_1(t: Term): Term { return boolTerm(isFloat(t)); }
export function erlang_is_function_1(t: Term): Term { return boolTerm(isFun(t)); }
/** erlang:is_function/2: badarg for an arity that is not a non-negative integer. */
export function erlang_is_function_2(t: Term, n: Term): Term {
  if (isSmall(n) && smallValue(n) >= 0) return boolTerm(isFun(t) && <i64>funArity(t) == smallValue(n));
  if (isBig(n) && !bigNeg(n)) return FALSE;
  return badarg();
}
export function erlang_is_integer_1(t: Term): Term { return boolTerm(isInteger(t)); }
export function erlang_is_list_1(t: Term): Term { return boolTerm(isList(t) || t == NIL); }
export function erlang_is_map_1(t: Term): Term { return boolTerm(isMap(t)); }
export function erlang_is_number_1(t: Term): Term { return boolTerm(isNumber(t)); }
export function erlang_is_pid_1(t: Term): Term { return boolTerm(isPid(t)); }
export function erlang_is_port_1(t: Term): Term { return FALSE; }
export function erlang_is_reference_1(t: Term): Term { return boolTerm(isRef(t)); }
export function erlang_is_tuple_1(t: Term): Term { return boolTerm(isTuple(t)); }

// ── hashing, the External Term Format

/** erlang:phash/2 (the old hash, gc/term/phash.ts): Range 1..2^32. */
export function erlang_phash_2(t: Term, range: Term): Term {
  let r: i64 = -1;
  if (isSmall(range)) r = smallValue(range);
  const v = phash(t, r);
  return v < 0 ? badarg() : makeSmall(v);
}

/** erlang:phash2/1. */
export function erlang_phash2_1(t: Term): Term { return makeSmall(phash2(t, 0)); }
/** erlang:phash2/2: Range 1..2^32. */
export function erlang_phash2_2(t: Term, range: Term): Term {
  let r: i64 = -1;
  if (isSmall(range)) r = smallValue(range);
  if (r < 1 || r > 0x1_0000_0000) return badarg();
  return makeSmall(phash2(t, r));
}

/** erlang:term_to_binary/1, OTP 25's bytes (Latin-1 atoms as ATOM_EXT); a term holding a fun: badarg here (BEAM encodes funs). */
export function erlang_term_to_binary_1(t: Term): Term {
  const size = etfEncodedSize(t, true);
  if (size < 0 || size > 0xFFFF_FFFF) return badarg();
  reserveKeeping(binaryWords(<u32>size), t);
  const r = binaryRaw(<u32>size);
  etfEncode(kept0, binaryData(r), true);
  return r;
}

/** erlang:binary_to_term/1: badarg for bytes that are not a term (or not one Shoal holds). */
export function erlang_binary_to_term_1(b: Term): Term {
  if (!isBinary(b)) return badarg();
  const words = encodedWords(binaryData(b), <usize>binarySize(b));
  if (words < 0) return badarg();
  reserveKeeping(<usize>words, b);
  // (the bytes read again: a heap binary moves in the collection the reservation may take)
  const t = decodeAt(active!, bump(<usize>words), binaryData(kept0), <usize>binarySize(kept0), words);
  // (after the reservation: the caller's copy of b may have moved, so not a native's pending raise,
  // whose trace the caller would complete with it; the trace is then [], as before BIF traces)
  if (!t) { raiseError(makeAtom(PredefinedAtom.BADARG)); return 0; }
  return t;
}

// ── text of pids, references, funs (display.ts formats them)

/** The text buffer as a list of characters (it holds ASCII only here). */
function textAsList(): Term {
  const n = textN;
  reserve2(2 * n);
  let l: Term = NIL;
  const p = textPtr();
  for (let i = n; i > 0; i--) l = consRaw(makeSmall(<i64>load<u8>(p + i - 1)), l);
  return l;
}

export function erlang_pid_to_list_1(p: Term): Term {
  if (!isPid(p)) return badarg();
  textReset(); formatTerm(p);
  return textAsList();
}
export function erlang_ref_to_list_1(r: Term): Term {
  if (!isRef(r)) return badarg();
  textReset(); formatTerm(r);
  return textAsList();
}
export function erlang_fun_to_list_1(f: Term): Term {
  if (!isFun(f)) return badarg();
  textReset(); formatTerm(f);
  return textAsList();
}
