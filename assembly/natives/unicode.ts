// The unicode module's BIFs, as natives (registry.ts):
// characters_to_list/1,2, characters_to_binary/1,2 (to UTF-8) and
// bin_is_7bit/1. OTP's unicode.beam defines stubs of the /2 BIFs and builds
// characters_to_binary/3 and the normalisation functions in Erlang on them;
// OTP's string needs them. characters_to_list/1 and characters_to_binary/1
// are natives too (the /2 with `unicode`), so a program without unicode.beam
// has them.
//
// As BEAM 25 (erl_unicode.c), compared with erl in tests/natives.test.ts:
// - Data is chardata: a binary, or a list of code points, binaries and such
//   lists, whose tails are [] or a binary (a list's integers may be of any
//   size: one out of range is a bad character, not badarg). Anything else anywhere in it is
//   badarg, found before anything is converted (so badarg wins over a bad
//   character earlier in the data).
// - In the input encoding (latin1; unicode = utf8; utf16, utf32, big or
//   little) binaries are decoded; a list's integers are code points (0..255
//   for latin1; no surrogates, at most 16#10FFFF otherwise).
// - A bad integer or byte sequence: {error, SoFar, Rest}; a binary ending in
//   the start of a sequence with no more characters after it:
//   {incomplete, SoFar, Rest} (a start: bytes a character could begin with;
//   for UTF-32 big-endian that means its high bytes in range). Rest is the data not converted, shaped as BEAM
//   shapes it: the list cell of a bad integer, a binary's unread bytes in
//   front of its list's tail ([BinRest | Tail]; BinRest alone for the data
//   itself or a binary tail), wrapped at each enclosing list as
//   [Inner | TailAfterIt]; an incomplete binary with characters after it is
//   an error whose Rest is [BinRest, Remaining].
//
// Invariant: the data is walked twice, without allocating: once to check
// its kinds and count what the result needs, then (after the one
// reservation, the data reloaded from its root) again to build it; the
// walk is deterministic, so the second reaches the same end.

import {
  Term, NIL, isSmall, smallValue, makeSmall, isList, head, tail, isBinary, binarySize, binaryWords, tupleWords, isAtom, tupleGet, termPtr,
} from "../../gc/term/term";
import { consRaw, tupleRaw, binaryRaw, binaryData } from "../../gc/term/build";
import { atomOf } from "../../gc/term/atoms";
import { isBig } from "../../gc/term/bignum";
import {
  TRUE, FALSE, badarg, isTupleOf, A_LATIN1, A_UTF8, A_UNICODE, reserveKeeping, kept0,
} from "./common";

// ── encodings

const LATIN1 = 0, UTF8 = 1, UTF16BE = 2, UTF16LE = 3, UTF32BE = 4, UTF32LE = 5;

let A_UTF16: Term = 0, A_UTF32: Term = 0, A_BIG: Term = 0, A_LITTLE: Term = 0, A_ERROR: Term = 0, A_INCOMPLETE: Term = 0;
/** Intern the atoms this file reads and answers with (once, at init, by registry.ts). */
export function unicodeAtomsInit(): void {
  A_UTF16 = atomOf("utf16");
  A_UTF32 = atomOf("utf32");
  A_BIG = atomOf("big");
  A_LITTLE = atomOf("little");
  A_ERROR = atomOf("error");
  A_INCOMPLETE = atomOf("incomplete");
}

/** The encoding argument as one of the constants above, or -1. */
function encodingOf(e: Term): i32 {
  if (e == A_LATIN1) return LATIN1;
  if (e == A_UTF8 || e == A_UNICODE) return UTF8;
  if (e == A_UTF16) return UTF16BE;
  if (e == A_UTF32) return UTF32BE;
  if (isTupleOf(e, 2)) {
    const w = tupleGet(e, 0), end = tupleGet(e, 1);
    if (!isAtom(end) || (end != A_BIG && end != A_LITTLE)) return -1;
    const little = end == A_LITTLE ? 1 : 0;
    if (w == A_UTF16) return UTF16BE + little;
    if (w == A_UTF32) return UTF32BE + little;
  }
  return -1;
}

/** Whether integer c is a character of encoding enc's lists. */
function charOk(c: i64, enc: i32): bool {
  if (c < 0) return false;
  if (enc == LATIN1) return c <= 255;
  return c <= 0x10FFFF && (c < 0xD800 || c > 0xDFFF);
}

// ── decoding a binary's bytes: the code point at p[i..n) and its length in bytesStep; -1 for a bad
//    sequence, -2 for a good start cut off by the end

let bytesStep: usize = 0;

function decodeAt(p: usize, i: usize, n: usize, enc: i32): i32 {
  const left = n - i;
  if (enc == LATIN1) { bytesStep = 1; return <i32>load<u8>(p + i); }
  if (enc == UTF8) {
    const c = <u32>load<u8>(p + i);
    if (c < 0x80) { bytesStep = 1; return <i32>c; }
    let need: usize, lo: u32 = 0x80, hi: u32 = 0xBF, v: u32;
    if (c >= 0xC2 && c <= 0xDF) { need = 1; v = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { need = 2; v = c & 0x0F; if (c == 0xE0) lo = 0xA0; else if (c == 0xED) hi = 0x9F; }
    else if (c >= 0xF0 && c <= 0xF4) { need = 3; v = c & 0x07; if (c == 0xF0) lo = 0x90; else if (c == 0xF4) hi = 0x8F; }
    else return -1;
    for (let k: usize = 1; k <= need; k++) {
      if (k >= left) return -2;   // every byte so far was good: the rest is missing
      const b = <u32>load<u8>(p + i + k);
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return -1;
      v = (v << 6) | (b & 0x3F);
    }
    bytesStep = need + 1;
    return <i32>v;
  }
  if (enc == UTF16BE || enc == UTF16LE) {
    if (left < 2) return -2;
    const u = unit16(p + i, enc);
    if (u >= 0xDC00 && u <= 0xDFFF) return -1;
    if (u < 0xD800 || u > 0xDBFF) { bytesStep = 2; return <i32>u; }
    if (left < 4) return -2;
    const l = unit16(p + i + 2, enc);
    if (l < 0xDC00 || l > 0xDFFF) return -1;
    bytesStep = 4;
    return <i32>(0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00));
  }
  if (left < 4) {
    // cut: incomplete only while the bytes there could still start a character (big-endian: its high bytes)
    if (enc == UTF32BE) return load<u8>(p + i) == 0 && (left < 2 || load<u8>(p + i + 1) <= 0x10) ? -2 : -1;
    return left < 3 || load<u8>(p + i + 2) <= 0x10 ? -2 : -1;
  }
  const b0 = <u32>load<u8>(p + i), b1 = <u32>load<u8>(p + i + 1), b2 = <u32>load<u8>(p + i + 2), b3 = <u32>load<u8>(p + i + 3);
  const v = enc == UTF32BE ? (b0 << 24) | (b1 << 16) | (b2 << 8) | b3 : (b3 << 24) | (b2 << 16) | (b1 << 8) | b0;
  if (!charOk(<i64>v, UTF8)) return -1;
  bytesStep = 4;
  return <i32>v;
}

function unit16(p: usize, enc: i32): u32 {
  const a = <u32>load<u8>(p), b = <u32>load<u8>(p + 1);
  return enc == UTF16BE ? (a << 8) | b : (b << 8) | a;
}

// ── the walk: a stack (raw memory, outside every heap) of the list tails waiting after a sublist

let stack: usize = 0;
let stackCap: i32 = 0;
let depth: i32 = 0;
function push(t: Term): void {
  if (depth == stackCap) {
    stackCap = stackCap ? stackCap * 2 : 64;
    stack = stack ? heap.realloc(stack, <usize>stackCap << 3) : heap.alloc(<usize>stackCap << 3);
  }
  store<u64>(stack + (<usize>depth << 3), t);
  depth++;
}
function stackAt(i: i32): Term { return load<u64>(stack + (<usize>i << 3)); }

/** Whether data is chardata (checks kinds only). */
function wellFormed(data: Term): bool {
  if (isBinary(data)) return true;
  depth = 0;
  let t = data;
  while (true) {
    if (isList(t)) {
      const h = head(t);
      if (isSmall(h) || isBig(h) || isBinary(h)) { t = tail(t); continue; }
      if (isList(h)) { push(tail(t)); t = h; continue; }
      if (h == NIL) { t = tail(t); continue; }
      return false;
    }
    if (t != NIL && !isBinary(t)) return false;
    if (depth == 0) return true;
    t = stackAt(--depth);
  }
  return false;
}

// How the walk ended (walk's result), and where
const DONE = 0, BAD_INT = 1, BAD_BIN = 2, CUT_BIN = 3;
/** Characters decoded, and the UTF-8 bytes they take. */
let chars: usize = 0;
let utf8Bytes: usize = 0;
/** The end: the list cell of the bad integer; the binary and the offset of its unread bytes and the tail after it (a
 *  binary tail or the data itself: `binAlone`). The stack holds the enclosing lists' tails, depth of them. */
let endCell: Term = 0;
let endBin: Term = 0;
let endOff: usize = 0;
let endTail: Term = NIL;
let binAlone = false;

/** Where the second walk puts the characters: code points (raw memory outside every heap, for a list), or the
 *  UTF-8 bytes of the result binary. */
let cps: usize = 0;
let cpsCap: usize = 0;
let outBytes: usize = 0;
let outN: usize = 0;
let toList = false;
let emitting = false;

function emit(c: u32): void {
  chars++;
  const k: usize = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  utf8Bytes += k;
  if (!emitting) return;
  if (toList) {
    if (outN == cpsCap) {
      cpsCap = cpsCap ? cpsCap * 2 : 256;
      cps = cps ? heap.realloc(cps, cpsCap << 2) : heap.alloc(cpsCap << 2);
    }
    store<u32>(cps + (outN << 2), c);
    outN++;
    return;
  }
  const p = outBytes + outN;
  if (k == 1) store<u8>(p, <u8>c);
  else if (k == 2) { store<u8>(p, <u8>(0xC0 | (c >> 6))); store<u8>(p + 1, <u8>(0x80 | (c & 0x3F))); }
  else if (k == 3) {
    store<u8>(p, <u8>(0xE0 | (c >> 12))); store<u8>(p + 1, <u8>(0x80 | ((c >> 6) & 0x3F))); store<u8>(p + 2, <u8>(0x80 | (c & 0x3F)));
  } else {
    store<u8>(p, <u8>(0xF0 | (c >> 18))); store<u8>(p + 1, <u8>(0x80 | ((c >> 12) & 0x3F)));
    store<u8>(p + 2, <u8>(0x80 | ((c >> 6) & 0x3F))); store<u8>(p + 3, <u8>(0x80 | (c & 0x3F)));
  }
  outN += k;
}

/** Decode binary b; false at a bad or cut sequence (endBin, endOff and the returned kind set). */
let binEnd: i32 = DONE;
function walkBinary(b: Term, enc: i32): bool {
  const p = binaryData(b), n = <usize>binarySize(b);
  let i: usize = 0;
  while (i < n) {
    const c = decodeAt(p, i, n, enc);
    if (c < 0) { endBin = b; endOff = i; binEnd = c == -1 ? BAD_BIN : CUT_BIN; return false; }
    emit(<u32>c);
    i += bytesStep;
  }
  return true;
}

/** Walk well-formed data in encoding enc to its end or its first bad character. */
function walk(data: Term, enc: i32): i32 {
  chars = 0; utf8Bytes = 0; depth = 0; endTail = NIL; binAlone = false;
  if (isBinary(data)) {
    if (walkBinary(data, enc)) return DONE;
    binAlone = true;
    return binEnd;
  }
  let t = data;
  while (true) {
    if (isList(t)) {
      const h = head(t);
      if (isSmall(h) || isBig(h)) {
        const c = isSmall(h) ? smallValue(h) : -1;
        if (!charOk(c, enc)) { endCell = t; return BAD_INT; }
        emit(<u32>c);
        t = tail(t);
      } else if (isBinary(h)) {
        if (!walkBinary(h, enc)) { endTail = tail(t); return binEnd; }
        t = tail(t);
      } else if (h == NIL) t = tail(t);
      else { push(tail(t)); t = h; }
      continue;
    }
    if (isBinary(t)) {
      if (!walkBinary(t, enc)) { binAlone = true; return binEnd; }
    }
    if (depth == 0) return DONE;
    t = stackAt(--depth);
  }
  return DONE;
}

/** Whether well-formed chardata t holds no character (only empty lists and binaries). Walked with a stack of its own
 *  (the walk's holds the end's enclosing tails), so depth costs no native stack. */
let stack2: usize = 0;
let stack2Cap: i32 = 0;
function empty(t: Term): bool {
  let d = 0;
  while (true) {
    if (isList(t)) {
      const h = head(t);
      if (isBinary(h)) { if (binarySize(h) > 0) return false; }
      else if (isList(h)) {
        if (d == stack2Cap) {
          stack2Cap = stack2Cap ? stack2Cap * 2 : 64;
          stack2 = stack2 ? heap.realloc(stack2, <usize>stack2Cap << 3) : heap.alloc(<usize>stack2Cap << 3);
        }
        store<u64>(stack2 + (<usize>d << 3), tail(t));
        d++;
        t = h;
        continue;
      } else if (h != NIL) return false;   // an integer: a character
      t = tail(t);
      continue;
    }
    if (isBinary(t) && binarySize(t) > 0) return false;
    if (d == 0) return true;
    d--;
    t = load<u64>(stack2 + (<usize>d << 3));
  }
  return true;
}

/** Whether nothing but empty data follows the end (its tail and the enclosing lists' tails). */
function nothingAfter(): bool {
  if (!binAlone && !empty(endTail)) return false;
  for (let i = depth - 1; i >= 0; i--) if (!empty(stackAt(i))) return false;
  return true;
}

/** Words the Rest of the end takes (an upper bound). */
function restWords(kind: i32): usize {
  let w: usize = 2 * (<usize>depth + 2);
  if (kind != BAD_INT) w += binaryWords(binarySize(endBin) - <u32>endOff);
  return w;
}

/** The unread bytes of the end's binary, as a new binary (room reserved). */
function binRest(): Term {
  const k = <usize>binarySize(endBin) - endOff;
  const r = binaryRaw(<u32>k);
  memory.copy(binaryData(r), binaryData(endBin) + endOff, k);
  return r;
}

/** The Rest of a bad end (room reserved): see the file's comment. */
function errorRest(kind: i32): Term {
  let r: Term;
  if (kind == BAD_INT) r = endCell;
  else if (kind == BAD_BIN) r = binAlone ? binRest() : consRaw(binRest(), endTail);
  else {
    // a cut binary with characters after it: [BinRest, Remaining]
    let rem: Term = binAlone ? 0 : (endTail != NIL ? endTail : 0);
    for (let i = depth - 1; i >= 0; i--) {
      const s = stackAt(i);
      if (s != NIL) rem = rem ? consRaw(rem, s) : s;
    }
    return consRaw(binRest(), consRaw(rem ? rem : NIL, NIL));
  }
  for (let i = depth - 1; i >= 0; i--) r = consRaw(r, stackAt(i));
  return r;
}

/** Convert data from encoding enc to a list of code points (asList) or a UTF-8 binary. */
function convert(data: Term, encoding: Term, asList: bool): Term {
  const enc = encodingOf(encoding);
  if (enc < 0 || !wellFormed(data)) return badarg();
  // first walk: the sizes
  emitting = false;
  let kind = walk(data, enc);
  let cut = kind == CUT_BIN && nothingAfter();
  const resultWords: usize = asList ? 2 * chars : binaryWords(<u32>utf8Bytes);
  const words = resultWords + (kind == DONE ? 0 : tupleWords(3) + restWords(kind) + 2);
  reserveKeeping(words, data);
  // second walk, on the data as it is after the reservation: the same end; the result built
  emitting = true;
  toList = asList;
  outN = 0;
  let bin: Term = 0;
  if (!asList) { bin = binaryRaw(<u32>utf8Bytes); outBytes = binaryData(bin); }
  kind = walk(kept0, enc);
  emitting = false;
  let sofar: Term;
  if (asList) {
    sofar = NIL;
    for (let i = outN; i > 0; i--) sofar = consRaw(makeSmall(<i64>load<u32>(cps + ((i - 1) << 2))), sofar);
  } else sofar = bin;
  if (kind == DONE) return sofar;
  const rest = cut ? binRest() : errorRest(kind);
  const t = tupleRaw(3);
  store<u64>(termPtr(t) + 8, cut ? A_INCOMPLETE : A_ERROR);
  store<u64>(termPtr(t) + 16, sofar);
  store<u64>(termPtr(t) + 24, rest);
  return t;
}

/** unicode:characters_to_list/2. */
export function unicode_characters_to_list_2(data: Term, enc: Term): Term { return convert(data, enc, true); }
/** unicode:characters_to_list/1: from unicode. */
export function unicode_characters_to_list_1(data: Term): Term { return convert(data, A_UNICODE, true); }
/** unicode:characters_to_binary/2: to UTF-8. */
export function unicode_characters_to_binary_2(data: Term, enc: Term): Term { return convert(data, enc, false); }
/** unicode:characters_to_binary/1: from unicode, to UTF-8. */
export function unicode_characters_to_binary_1(data: Term): Term { return convert(data, A_UNICODE, false); }

/** unicode:bin_is_7bit/1: whether every byte is below 128 (false for a non-binary, as BEAM). */
export function unicode_bin_is_7bit_1(b: Term): Term {
  if (!isBinary(b)) return FALSE;
  const p = binaryData(b), n = <usize>binarySize(b);
  for (let i: usize = 0; i < n; i++) if (load<u8>(p + i) >= 0x80) return FALSE;
  return TRUE;
}
