// The External Term Format (Erlang's term_to_binary / binary_to_term) for
// terms on a process heap: decoding bytes into a term built on the running
// heap, and encoding a term into bytes exactly as OTP 26+ term_to_binary/1
// does by default (minor version 2: atoms in UTF-8). host/etf.ts is the same
// codec for JS values, and produces the same bytes for the same term.
//
//   tag  name                  decode                          encode
//   ---  --------------------  ------------------------------  -------------------------------
//    70  NEW_FLOAT_EXT         float (finite only)             every float
//    88  NEW_PID_EXT           pid: ID = slot, Serial = serial every pid, node 'nonode@nohost',
//                              (node 'nonode@nohost' and this  this runtime's creation
//                              runtime's creation only)
//    90  NEWER_REFERENCE_EXT   reference (1..3 ids, missing    every reference: 3 ids, node
//                              ones 0, as BEAM; node           'nonode@nohost', its creation
//                              'nonode@nohost'; any creation:
//                              another runtime's stays its
//                              own, never equal to a local one)
//    97  SMALL_INTEGER_EXT     integer                         integers 0..255
//    98  INTEGER_EXT           integer                         other integers in -2^31..2^31-1
//   100  ATOM_EXT              atom (Latin-1 name)             -
//   103  PID_EXT               - (its 2-bit creation cannot    -
//                              name this runtime)
//   104  SMALL_TUPLE_EXT       tuple                           tuples of < 256 elements
//   105  LARGE_TUPLE_EXT       tuple                           larger tuples
//   106  NIL_EXT               []                              []
//   107  STRING_EXT            list of small integers          proper lists of 1..65535 integers
//                                                              0..255 (as BEAM does)
//   108  LIST_EXT              list, proper or improper        other lists
//    77  BIT_BINARY_EXT        bitstring (Bits 8, or Len 0 with  bitstrings that are not whole
//                              Bits 0: a binary; the unused     bytes (Len, then Bits: bits used
//                              bits of the last byte cleared)   in the last byte, 1..7)
//   109  BINARY_EXT            binary (off-heap past 64 bytes) every binary
//   110  SMALL_BIG_EXT         integer (small if it fits)      other integers of < 256 bytes
//   111  LARGE_BIG_EXT         integer (small if it fits)      larger integers
//   115  SMALL_ATOM_EXT        atom (Latin-1 name)             -
//   116  MAP_EXT               map (keys sorted into map-key   every map, keys in stored (map-
//                              order; duplicate keys: failure, key) order (below)
//                              as on BEAM)
//   118  ATOM_UTF8_EXT         atom                            atoms of 256+ bytes of UTF-8
//   119  SMALL_ATOM_UTF8_EXT   atom                            atoms of < 256 bytes of UTF-8
//
// Not supported (decoding reports -1): FLOAT_EXT (minor version 0's text
// floats), references of another node
// or with more than 3 ids, and the older REFERENCE_EXT and
// NEW_REFERENCE_EXT, ports, funs, compressed terms, distribution headers,
// and trailing bytes after the term.
// Funs do not encode (etfEncodedSize returns -1).
//
// A map's keys are stored, and so written, in map-key order (gc/term/order.ts:
// term order, but every integer before every float, at any depth), which is
// where BEAM stores the keys of a map of up to 32 keys and so the order its
// term_to_binary writes them in. A larger map BEAM writes in the order of its
// hash trie, which depends on the node (host/etf.ts says why); here it is
// written in map-key order too, as term_to_binary(T, [deterministic]) writes
// every map.
//
// Decoding is two passes: etfDecodeWords validates the bytes and says how
// many heap words the term takes; the caller reserves them (gc/alloc.ts) and
// etfDecode builds the term with the *Raw builders, never collecting. Atoms
// take no heap words, but interning one can fail at the atom limit: then
// etfDecode returns 0, which is no term.
//
// Nothing here recurses on the native stack: validation only counts the
// terms still to read (the format is prefix order), and decoding, encoding
// and term comparison keep the containers in progress on explicit stacks of
// raw memory, which grow with nesting depth, never with a list's length.

import {
  Term, NIL, makeSmall, makeAtom, makePid, pidSlot, pidSerial, isSmall, isAtom, isPid, isList, termPtr, makeBoxed, boxedHeader, headerArity, headerSubtag, atomIndex, PID_SLOT_BITS, SUB_TUPLE, SUB_BIG, SUB_FLOAT, SUB_HEAP_BIN, SUB_REFC_BIN, SUB_MAP, SUB_REF, SUB_BITS, bitstringBits, bitstringWords, SMALL_MAX, SMALL_MIN, makeHeader, floatValue, binaryWords, binarySize, mapWords, mapSize, mapKeyAddr, tupleWords,
  REF_WORDS, refId, refCreation,
} from "./term";
import { bump } from "../mem/heap";
import { mapView, viewsMark, viewsRelease } from "./mapview";
import { consRaw, tupleRaw, floatRaw, binaryRaw, binaryData, bitstringRaw, bitstringData, mapRaw, refRaw } from "./build";
import { NODE_NAME, NODE_NAME_LEN, nodeCreation } from "./node";
import { atomIntern, atomNamePtr, atomNameLen, utf8Chars } from "./atoms";
import { MAX_ATOM_CHARS } from "../../assembly/boundary/defaults";
import { vecStatic, vecPushFrame, vecTopFrame } from "../mem/vec";
import { compareMapKeys } from "./order";
import { Etf, ETF_MAX_STRING_LEN } from "../../assembly/boundary/etf_tags";

// The tags, from the one table both codecs read (assembly/boundary/etf_tags.ts).
// @ts-ignore: decorator
@inline const VERSION: u32 = Etf.VERSION;
// @ts-ignore: decorator
@inline const NEW_FLOAT_EXT: u32 = Etf.NEW_FLOAT_EXT;
// @ts-ignore: decorator
@inline const NEW_PID_EXT: u32 = Etf.NEW_PID_EXT;
// @ts-ignore: decorator
@inline const NEWER_REFERENCE_EXT: u32 = Etf.NEWER_REFERENCE_EXT;
// @ts-ignore: decorator
@inline const SMALL_INTEGER_EXT: u32 = Etf.SMALL_INTEGER_EXT;
// @ts-ignore: decorator
@inline const INTEGER_EXT: u32 = Etf.INTEGER_EXT;
// @ts-ignore: decorator
@inline const ATOM_EXT: u32 = Etf.ATOM_EXT;
// @ts-ignore: decorator
@inline const PID_EXT: u32 = Etf.PID_EXT;
// @ts-ignore: decorator
@inline const SMALL_TUPLE_EXT: u32 = Etf.SMALL_TUPLE_EXT;
// @ts-ignore: decorator
@inline const LARGE_TUPLE_EXT: u32 = Etf.LARGE_TUPLE_EXT;
// @ts-ignore: decorator
@inline const NIL_EXT: u32 = Etf.NIL_EXT;
// @ts-ignore: decorator
@inline const STRING_EXT: u32 = Etf.STRING_EXT;
// @ts-ignore: decorator
@inline const LIST_EXT: u32 = Etf.LIST_EXT;
// @ts-ignore: decorator
@inline const BINARY_EXT: u32 = Etf.BINARY_EXT;
// @ts-ignore: decorator
@inline const BIT_BINARY_EXT: u32 = Etf.BIT_BINARY_EXT;
// @ts-ignore: decorator
@inline const SMALL_BIG_EXT: u32 = Etf.SMALL_BIG_EXT;
// @ts-ignore: decorator
@inline const LARGE_BIG_EXT: u32 = Etf.LARGE_BIG_EXT;
// @ts-ignore: decorator
@inline const SMALL_ATOM_EXT: u32 = Etf.SMALL_ATOM_EXT;
// @ts-ignore: decorator
@inline const MAP_EXT: u32 = Etf.MAP_EXT;
// @ts-ignore: decorator
@inline const ATOM_UTF8_EXT: u32 = Etf.ATOM_UTF8_EXT;
// @ts-ignore: decorator
@inline const SMALL_ATOM_UTF8_EXT: u32 = Etf.SMALL_ATOM_UTF8_EXT;

/** Longest list STRING_EXT holds. */
// @ts-ignore: decorator
@inline const MAX_STRING_LEN: u64 = ETF_MAX_STRING_LEN;

// ── big-endian reads and writes

// @ts-ignore: decorator
@inline function be16(p: usize): u32 { return <u32>bswap<u16>(load<u16>(p)); }
// @ts-ignore: decorator
@inline function be32(p: usize): u32 { return bswap<u32>(load<u32>(p)); }
// @ts-ignore: decorator
@inline function be64(p: usize): u64 { return bswap<u64>(load<u64>(p)); }

// ── the explicit stack, shared by decoding and encoding (never both at once):
//    frames of four u64 words, their meaning per kind
const stack = vecStatic();

/** log2 of a frame's bytes (four u64 words). */
// @ts-ignore: decorator
@inline const FRAME_SHIFT: u32 = 5;

/** A new frame on top (its words are set by the caller); returns its address. */
// @ts-ignore: decorator
@inline function pushFrame(): usize { return vecPushFrame(stack, FRAME_SHIFT); }

// @ts-ignore: decorator
@inline function topFrame(): usize { return vecTopFrame(stack, FRAME_SHIFT); }

// ── validation


/** Forget a decode or encode a trap left halfway (its frames are garbage now). */
export function etfReset(): void { stack.length = 0; }

/** Whether the (validated) atom encoding at p, `span` bytes, names 'nonode@nohost'. */
function isNodeName(p: usize, span: usize): bool {
  const tag = <u32>load<u8>(p);
  const head: usize = tag == SMALL_ATOM_EXT || tag == SMALL_ATOM_UTF8_EXT ? 2 : 3;
  return span - head == NODE_NAME_LEN && memory.compare(p + head, NODE_NAME, NODE_NAME_LEN) == 0;
}

/**
 * Bytes an atom encoding at p (its tag first) takes, with at most `avail`
 * bytes there; -1 if it is not a valid atom of a supported encoding.
 */
function atomSpan(p: usize, avail: usize): i64 {
  if (avail < 1) return -1;
  const tag = <u32>load<u8>(p);
  let n: usize, head: usize;
  if (tag == ATOM_EXT || tag == ATOM_UTF8_EXT) {
    if (avail < 3) return -1;
    n = be16(p + 1);
    head = 3;
  } else if (tag == SMALL_ATOM_EXT || tag == SMALL_ATOM_UTF8_EXT) {
    if (avail < 2) return -1;
    n = load<u8>(p + 1);
    head = 2;
  } else return -1;
  if (avail - head < n) return -1;
  if (tag == ATOM_EXT || tag == SMALL_ATOM_EXT) {
    if (n > <usize>MAX_ATOM_CHARS) return -1;     // Latin-1: a byte per character
  } else {
    const chars = utf8Chars(p + head, n);
    if (chars < 0 || chars > MAX_ATOM_CHARS) return -1;
  }
  return <i64>(head + n);
}

/** Bytes of the magnitude p[0..n) (little-endian) without its zero bytes on top. */
function bigBytes(p: usize, n: usize): usize {
  while (n > 0 && load<u8>(p + n - 1) == 0) n--;
  return n;
}

/** Heap words the integer of magnitude p[0..n) and sign `neg` takes: 0 if it is small, else a big's (gc/term/bignum.ts). */
function bigTermWords(p: usize, n: usize, neg: bool): usize {
  n = bigBytes(p, n);
  if (n <= 8) {
    let m: u64 = 0;
    for (let i = n; i > 0; i--) m = (m << 8) | <u64>load<u8>(p + i - 1);
    if (neg ? m <= <u64>(-SMALL_MIN) : m <= <u64>SMALL_MAX) return 0;
  }
  return 2 + ((n + 7) >> 3);
}

/** The integer of magnitude p[0..n) and sign `neg` on the running heap (bigTermWords words, reserved). */
function bigTerm(p: usize, n: usize, neg: bool): Term {
  n = bigBytes(p, n);
  if (bigTermWords(p, n, neg) == 0) {
    let m: u64 = 0;
    for (let i = n; i > 0; i--) m = (m << 8) | <u64>load<u8>(p + i - 1);
    return makeSmall(neg ? -<i64>m : <i64>m);
  }
  const limbs = (n + 7) >> 3;
  const q = bump(2 + limbs);
  store<u64>(q, makeHeader(SUB_BIG, 1 + limbs));
  store<u64>(q, neg ? 1 : 0, 8);
  store<u64>(q + 8 + (limbs << 3), 0);              // the top limb's bytes above the magnitude's
  memory.copy(q + 16, p, n);
  return makeBoxed(q);
}

/**
 * Validate the encoded term buf[0..len) and return the heap words decoding
 * it takes, or -1 if it is malformed or uses what is not supported.
 */
export function etfDecodeWords(buf: usize, len: usize): i64 {
  if (len < 2 || <u32>load<u8>(buf) != VERSION) return -1;
  let pos: usize = 1;
  let pending: u64 = 1;        // terms still to read: the format is prefix order
  let words: i64 = 0;
  while (pending) {
    if (pos >= len) return -1;
    const tag = <u32>load<u8>(buf + pos);
    pos++;
    pending--;
    const p = buf + pos;
    const rest = len - pos;
    switch (tag) {
      case SMALL_INTEGER_EXT: {
        if (rest < 1) return -1;
        pos += 1;
        break;
      }
      case INTEGER_EXT: {
        if (rest < 4) return -1;
        pos += 4;
        break;
      }
      case SMALL_BIG_EXT: case LARGE_BIG_EXT: {
        const head: usize = tag == SMALL_BIG_EXT ? 2 : 5;
        if (rest < head) return -1;
        const n: usize = tag == SMALL_BIG_EXT ? <usize>load<u8>(p) : <usize>be32(p);
        const neg = load<u8>(p + head - 1) != 0;
        if (rest - head < n) return -1;
        words += <i64>bigTermWords(p + head, n, neg);
        pos += head + n;
        break;
      }
      case NEW_FLOAT_EXT: {
        if (rest < 8) return -1;
        const bits = be64(p);
        if ((bits & 0x7FF0_0000_0000_0000) == 0x7FF0_0000_0000_0000) return -1;   // inf, NaN
        words += 2;
        pos += 8;
        break;
      }
      case ATOM_EXT: case SMALL_ATOM_EXT: case ATOM_UTF8_EXT: case SMALL_ATOM_UTF8_EXT: {
        const span = atomSpan(p - 1, rest + 1);
        if (span < 0) return -1;
        pos += <usize>span - 1;
        break;
      }
      case SMALL_TUPLE_EXT: case LARGE_TUPLE_EXT: {
        const head: usize = tag == SMALL_TUPLE_EXT ? 1 : 4;
        if (rest < head) return -1;
        const n: usize = tag == SMALL_TUPLE_EXT ? <usize>load<u8>(p) : <usize>be32(p);
        words += <i64>tupleWords(n);
        pending += n;
        pos += head;
        break;
      }
      case NIL_EXT: break;
      case STRING_EXT: {
        if (rest < 2) return -1;
        const n: usize = be16(p);
        if (rest - 2 < n) return -1;
        words += 2 * <i64>n;
        pos += 2 + n;
        break;
      }
      case LIST_EXT: {
        if (rest < 4) return -1;
        const n: usize = be32(p);
        words += 2 * <i64>n;
        pending += <u64>n + 1;  // the elements, then the tail
        pos += 4;
        break;
      }
      case BINARY_EXT: {
        if (rest < 4) return -1;
        const n = be32(p);
        if (rest - 4 < <usize>n) return -1;
        words += <i64>binaryWords(n);
        pos += 4 + <usize>n;
        break;
      }
      case BIT_BINARY_EXT: {
        // Len, Bits (1..8 bits used in the last byte; 0 only with Len 0, as BEAM reads it), the bytes
        if (rest < 5) return -1;
        const n = be32(p);
        const b = <u32>load<u8>(p + 4);
        if ((b == 0) != (n == 0) || b > 8 || rest - 5 < <usize>n) return -1;
        words += <i64>bitstringWords(n ? (<u64>(n - 1) << 3) + b : 0);
        pos += 5 + <usize>n;
        break;
      }
      case MAP_EXT: {
        if (rest < 4) return -1;
        const n: usize = be32(p);
        words += <i64>mapWords(n);
        pending += 2 * <u64>n;
        pos += 4;
        break;
      }
      case NEW_PID_EXT: case PID_EXT: {
        const span = atomSpan(p, rest);     // the node's name
        if (span < 0) return -1;
        const tail: usize = tag == NEW_PID_EXT ? 12 : 9;
        if (rest - <usize>span < tail) return -1;
        if (be32(p + <usize>span) >= (1 << PID_SLOT_BITS)) return -1;   // ID must fit a slot
        // only this runtime's own pids: node 'nonode@nohost' and this runtime's creation (a pid of
        // another node, or of another runtime in this host, would alias a local process)
        if (!isNodeName(p, <usize>span)) return -1;
        if (tag != NEW_PID_EXT || be32(p + <usize>span + 8) != nodeCreation()) return -1;
        pos += <usize>span + tail;
        break;
      }
      case NEWER_REFERENCE_EXT: {
        // Len (2 bytes), the node, the creation, Len ids: a reference holds 3 (make_ref's; fewer
        // are read as BEAM reads them, the missing ones 0), of node 'nonode@nohost'; any creation
        // (another runtime's reference stays another's: never equal to one of ours, and no timer
        // of ours is found by it)
        if (rest < 2) return -1;
        const n = <usize>be16(p);
        if (n < 1 || n > 3) return -1;
        const span = atomSpan(p + 2, rest - 2);
        if (span < 0 || !isNodeName(p + 2, <usize>span)) return -1;
        if (rest - 2 - <usize>span < 4 + 4 * n) return -1;
        words += <i64>REF_WORDS;
        pos += 2 + <usize>span + 4 + 4 * n;
        break;
      }
      default: return -1;
    }
    if (pending > <u64>(len - pos)) return -1;   // every term takes a byte at least
  }
  return pos == len ? words : -1;
}

// ── decoding

// Frame kinds while decoding: where the next terms go.
//   DST_SEQ    word[1] = address of the next destination, consecutive words (tuple elements, a tail)
//   DST_CELLS  word[1] = the next cons cell, whose head is the destination; then its tail's cell
//   DST_MAP    word[1] = the map's first key; pairs arrive key, value, key, value ...
//   word[2] = destinations filled, word[3] = destinations in all
// @ts-ignore: decorator
@inline const DST_SEQ: u64 = 0;
// @ts-ignore: decorator
@inline const DST_CELLS: u64 = 1;
// @ts-ignore: decorator
@inline const DST_MAP: u64 = 2;

function pushDest(kind: u64, addr: usize, count: u64): void {
  const f = pushFrame();
  store<u64>(f, kind);
  store<u64>(f, <u64>addr, 8);
  store<u64>(f, 0, 16);
  store<u64>(f, count, 24);
}

/** Where decoding leaves the whole term. */
const result = memory.data(8);
/** A Latin-1 atom name converted to UTF-8 (at most 2 bytes a character). */
const latin1 = memory.data(2 * MAX_ATOM_CHARS);

/** Intern the atom encoded at p (its tag first); the atom term, or 0 past the atom limit. */
function decodeAtom(p: usize): Term {
  const tag = <u32>load<u8>(p);
  const small = tag == SMALL_ATOM_EXT || tag == SMALL_ATOM_UTF8_EXT;
  const n: usize = small ? <usize>load<u8>(p + 1) : <usize>be16(p + 1);
  let name = p + (small ? 2 : 3);
  let bytes = n;
  if (tag == ATOM_EXT || tag == SMALL_ATOM_EXT) {
    bytes = 0;
    for (let i: usize = 0; i < n; i++) {
      const c = <u32>load<u8>(name + i);
      if (c < 0x80) store<u8>(latin1 + bytes++, <u8>c);
      else {
        store<u8>(latin1 + bytes++, <u8>(0xC0 | (c >> 6)));
        store<u8>(latin1 + bytes++, <u8>(0x80 | (c & 0x3F)));
      }
    }
    name = latin1;
  }
  const i = atomIntern(name, <i32>bytes);
  return i < 0 ? 0 : makeAtom(<u32>i);
}

/** Bytes of the (validated) atom encoding at p. */
function atomBytes(p: usize): usize {
  const tag = <u32>load<u8>(p);
  return tag == SMALL_ATOM_EXT || tag == SMALL_ATOM_UTF8_EXT ? 2 + <usize>load<u8>(p + 1) : 3 + <usize>be16(p + 1);
}

/** Sort a just-built map's pairs into map-key order (gc/term/order.ts; heapsort, in place); false if two keys are equal (=:=). */
function mapFinish(m: Term): bool {
  const n = mapSize(m);
  if (n < 2) return true;
  const keys = mapKeyAddr(m, 0);
  let sorted = true;
  for (let i: usize = 1; i < n; i++) {
    if (compareMapKeys(load<u64>(keys + ((i - 1) << 3)), load<u64>(keys + (i << 3))) >= 0) { sorted = false; break; }
  }
  if (sorted) return true;   // BEAM's own encodings of maps up to 32 keys arrive in this order
  const vals = keys + (n << 3);
  for (let i = n >> 1; i > 0; i--) siftDown(keys, vals, i - 1, n);
  for (let end = n - 1; end > 0; end--) {
    swapPair(keys, vals, 0, end);
    siftDown(keys, vals, 0, end);
  }
  for (let i: usize = 1; i < n; i++) {
    if (compareMapKeys(load<u64>(keys + ((i - 1) << 3)), load<u64>(keys + (i << 3))) == 0) return false;
  }
  return true;
}

function swapPair(keys: usize, vals: usize, i: usize, j: usize): void {
  const ki = load<u64>(keys + (i << 3)), vi = load<u64>(vals + (i << 3));
  store<u64>(keys + (i << 3), load<u64>(keys + (j << 3)));
  store<u64>(vals + (i << 3), load<u64>(vals + (j << 3)));
  store<u64>(keys + (j << 3), ki);
  store<u64>(vals + (j << 3), vi);
}

function siftDown(keys: usize, vals: usize, i: usize, n: usize): void {
  for (;;) {
    let big = i;
    const l: usize = 2 * i + 1, r: usize = l + 1;
    if (l < n && compareMapKeys(load<u64>(keys + (l << 3)), load<u64>(keys + (big << 3))) > 0) big = l;
    if (r < n && compareMapKeys(load<u64>(keys + (r << 3)), load<u64>(keys + (big << 3))) > 0) big = r;
    if (big == i) return;
    swapPair(keys, vals, i, big);
    i = big;
  }
}

/**
 * Build the term encoded in buf[0..len) on the running heap. The bytes must
 * have passed etfDecodeWords, and the caller must have reserved the words it
 * returned. Returns 0 (no term) if an atom cannot be interned or a map has
 * two equal keys.
 */
export function etfDecode(buf: usize, len: usize): Term {
  stack.length = 0;
  store<u64>(result, NIL);
  pushDest(DST_SEQ, result, 1);
  let pos: usize = 1;
  while (stack.length) {
    const f = topFrame();
    const kind = load<u64>(f);
    const addr = <usize>load<u64>(f, 8);
    const done = load<u64>(f, 16);
    const count = load<u64>(f, 24);
    if (done == count) {        // only maps stay on the stack once full: sort them now
      stack.length--;
      if (!mapFinish(makeBoxed(addr - 16))) { stack.length = 0; return 0; }
      continue;
    }
    let dest: usize;
    if (kind == DST_SEQ) { dest = addr; store<u64>(f, <u64>(addr + 8), 8); }
    else if (kind == DST_CELLS) { dest = addr; store<u64>(f, <u64>termPtr(load<u64>(addr, 8)), 8); }
    else dest = addr + (<usize>(done >> 1) << 3) + ((done & 1) ? <usize>(count >> 1) << 3 : 0);
    store<u64>(f, done + 1, 16);
    if (done + 1 == count && kind != DST_MAP) stack.length--;    // full: leave before its last term's own frames

    const tag = <u32>load<u8>(buf + pos);
    const p = buf + pos + 1;
    let t: Term = NIL;
    switch (tag) {
      case SMALL_INTEGER_EXT: { t = makeSmall(<i64>load<u8>(p)); pos += 2; break; }
      case INTEGER_EXT: { t = makeSmall(<i64><i32>be32(p)); pos += 5; break; }
      case SMALL_BIG_EXT: case LARGE_BIG_EXT: {
        const head: usize = tag == SMALL_BIG_EXT ? 2 : 5;
        const n: usize = tag == SMALL_BIG_EXT ? <usize>load<u8>(p) : <usize>be32(p);
        t = bigTerm(p + head, n, load<u8>(p + head - 1) != 0);
        pos += 1 + head + n;
        break;
      }
      case NEW_FLOAT_EXT: { t = floatRaw(reinterpret<f64>(be64(p))); pos += 9; break; }
      case ATOM_EXT: case SMALL_ATOM_EXT: case ATOM_UTF8_EXT: case SMALL_ATOM_UTF8_EXT: {
        t = decodeAtom(p - 1);
        if (!t) { stack.length = 0; return 0; }
        pos += atomBytes(p - 1);
        break;
      }
      case SMALL_TUPLE_EXT: case LARGE_TUPLE_EXT: {
        const n: usize = tag == SMALL_TUPLE_EXT ? <usize>load<u8>(p) : <usize>be32(p);
        t = tupleRaw(n);
        if (n) pushDest(DST_SEQ, termPtr(t) + 8, <u64>n);
        pos += tag == SMALL_TUPLE_EXT ? 2 : 5;
        break;
      }
      case NIL_EXT: { t = NIL; pos += 1; break; }
      case STRING_EXT: {
        const n: usize = be16(p);
        const bytes = p + 2;
        let prev: usize = 0;
        for (let i: usize = 0; i < n; i++) {
          const c = consRaw(makeSmall(<i64>load<u8>(bytes + i)), NIL);
          if (prev) store<u64>(prev, c, 8); else t = c;
          prev = termPtr(c);
        }
        pos += 3 + n;
        break;
      }
      case LIST_EXT: {
        const n: usize = be32(p);
        pos += 5;
        if (n == 0) { pushDest(DST_SEQ, dest, 1); continue; }   // no elements: the term is its tail
        let first: usize = 0, prev: usize = 0;
        for (let i: usize = 0; i < n; i++) {
          const c = consRaw(NIL, NIL);
          if (prev) store<u64>(prev, c, 8); else { t = c; first = termPtr(c); }
          prev = termPtr(c);
        }
        pushDest(DST_SEQ, prev + 8, 1);           // the tail, after
        pushDest(DST_CELLS, first, <u64>n);       // the heads, first
        break;
      }
      case BINARY_EXT: {
        const n = be32(p);
        t = binaryRaw(n);
        memory.copy(binaryData(t), p + 4, n);
        pos += 5 + <usize>n;
        break;
      }
      case BIT_BINARY_EXT: {
        const n = be32(p);
        const b = <u32>load<u8>(p + 4);
        const bits: u64 = n ? (<u64>(n - 1) << 3) + b : 0;
        t = bitstringRaw(bits);
        const d = bitstringData(t);
        memory.copy(d, p + 5, n);
        if (n) store<u8>(d + n - 1, <u8>(<u32>load<u8>(d + n - 1) & (<u32>0xFF << (8 - b))));   // the unused bits are 0 (term.ts)
        pos += 6 + <usize>n;
        break;
      }
      case MAP_EXT: {
        const n: usize = be32(p);
        t = mapRaw(n);
        if (n) pushDest(DST_MAP, mapKeyAddr(t, 0), 2 * <u64>n);
        pos += 5;
        break;
      }
      case NEW_PID_EXT: case PID_EXT: {
        const q = p + atomBytes(p);
        t = makePid(be32(q), be32(q + 4));
        pos += 1 + (q - p) + (tag == NEW_PID_EXT ? 12 : 9);
        break;
      }
      case NEWER_REFERENCE_EXT: {
        const n = <usize>be16(p);
        const q = p + 2 + atomBytes(p + 2);     // the creation, then ids[0..n)
        t = refRaw(be32(q + 4), n > 1 ? be32(q + 8) : 0, n > 2 ? be32(q + 12) : 0, be32(q));
        pos += 1 + (q - p) + 4 + 4 * n;
        break;
      }
      default: { stack.length = 0; return 0; }     // not validated: no term
    }
    store<u64>(dest, t);
  }
  return load<u64>(result);
}

// ── encoding

// Frame kinds while encoding: what to write next.
//   SRC_SEQ    word[1] = address of the next term, consecutive words (tuple elements);
//              word[2] = terms left
//   SRC_MAP    word[1] = the map's first key, word[2] = terms written (key 0, value 0, key 1,
//              ... as the format interleaves them), word[3] = pairs in all
//   SRC_LIST   word[1] = the rest of the list (a term); its head next, then the rest; a non-list
//              rest is the tail, written last
// @ts-ignore: decorator
@inline const SRC_SEQ: u64 = 0;
// @ts-ignore: decorator
@inline const SRC_MAP: u64 = 1;
// @ts-ignore: decorator
@inline const SRC_LIST: u64 = 2;

function pushSrc(kind: u64, a: u64, b: u64, c: u64): void {
  const f = pushFrame();
  store<u64>(f, kind);
  store<u64>(f, a, 8);
  store<u64>(f, b, 16);
  store<u64>(f, c, 24);
}

/** The encoded bytes so far (also when only counting). */
let outPos: usize = 0;
let outBase: usize = 0;
let writing: bool = false;

// @ts-ignore: decorator
@inline function put8(v: u32): void { if (writing) store<u8>(outBase + outPos, <u8>v); outPos += 1; }
// @ts-ignore: decorator
@inline function put16(v: u32): void { if (writing) store<u16>(outBase + outPos, bswap<u16>(<u16>v)); outPos += 2; }
// @ts-ignore: decorator
@inline function put32(v: u32): void { if (writing) store<u32>(outBase + outPos, bswap<u32>(v)); outPos += 4; }
// @ts-ignore: decorator
@inline function put64(v: u64): void { if (writing) store<u64>(outBase + outPos, bswap<u64>(v)); outPos += 8; }
// @ts-ignore: decorator
@inline function putBytes(p: usize, n: usize): void { if (writing) memory.copy(outBase + outPos, p, n); outPos += n; }

/**
 * Atoms as OTP 25's term_to_binary/1 writes them (erlang:term_to_binary, assembly/natives): ATOM_EXT
 * (100) of Latin-1 bytes when every character is below 256; else as OTP 26+ (below).
 */
let latin1Atoms = false;

/** The Latin-1 length of the UTF-8 name p[0..n), or -1 if a character is 256 or above. */
function latin1Length(p: usize, n: usize): i32 {
  let chars = 0;
  for (let i: usize = 0; i < n; chars++) {
    const c = load<u8>(p + i);
    if (c < 0x80) { i++; continue; }
    if (c != 0xC2 && c != 0xC3) return -1;      // a 2-byte sequence of U+0080..U+00FF
    i += 2;
  }
  return chars;
}

/** An atom named by the UTF-8 bytes p[0..n), as OTP 26+ writes it (or OTP 25: latin1Atoms). */
function putAtomName(p: usize, n: usize): void {
  if (latin1Atoms) {
    const k = latin1Length(p, n);
    if (k >= 0) {
      put8(ATOM_EXT); put16(<u32>k);
      for (let i: usize = 0; i < n;) {
        const c = <u32>load<u8>(p + i);
        if (c < 0x80) { put8(c); i++; } else { put8(((c & 0x03) << 6) | (load<u8>(p + i + 1) & 0x3F)); i += 2; }
      }
      return;
    }
  }
  if (n < 256) { put8(SMALL_ATOM_UTF8_EXT); put8(<u32>n); }
  else { put8(ATOM_UTF8_EXT); put16(<u32>n); }
  putBytes(p, n);
}


/** An integer value, as term_to_binary writes it. */
function putInteger(v: i64): void {
  if (v >= 0 && v <= 255) { put8(SMALL_INTEGER_EXT); put8(<u32>v); return; }
  if (v >= -2147483648 && v <= 2147483647) { put8(INTEGER_EXT); put32(<u32>v); return; }
  const neg = v < 0;
  let m: u64 = neg ? <u64>(-v) : <u64>v;     // -2^63 wraps to 2^63, its magnitude
  let n: u32 = 0;
  for (let x = m; x; x >>= 8) n++;
  put8(SMALL_BIG_EXT); put8(n); put8(neg ? 1 : 0);
  for (let i: u32 = 0; i < n; i++) { put8(<u32>(m & 0xFF)); m >>= 8; }
}

/** Elements of the list `t` if it is a proper list of integers 0..255 no longer than STRING_EXT holds, else -1; the element count in `listCount`. */
let listCount: u64 = 0;
function stringLength(t: Term): i64 {
  let n: u64 = 0;
  let bytes = true;
  while (isList(t)) {
    const h = load<u64>(termPtr(t));
    if (bytes && !(isSmall(h) && <u64>(h >> 4) <= 255)) bytes = false;
    n++;
    t = load<u64>(termPtr(t), 8);
  }
  listCount = n;
  return bytes && t == NIL && n <= MAX_STRING_LEN ? <i64>n : -1;
}

/**
 * Write the term `t` (or only count its bytes), without the version byte.
 * Returns false if it holds what cannot be encoded (a fun).
 */
function encodeTerm(root: Term): bool {
  const mark = viewsMark();
  const ok = encodeWalk(root);
  viewsRelease(mark);
  return ok;
}

function encodeWalk(root: Term): bool {
  stack.length = 0;
  let t = root;
  for (;;) {
    // ── write t
    if (isSmall(t)) putInteger(<i64>t >> 4);
    else if (isAtom(t)) {
      const i = <i32>atomIndex(t);
      putAtomName(atomNamePtr(i), <usize>atomNameLen(i));
    } else if (isPid(t)) {
      put8(NEW_PID_EXT);
      putAtomName(NODE_NAME, NODE_NAME_LEN);
      put32(pidSlot(t)); put32(pidSerial(t)); put32(nodeCreation());
    } else if (t == NIL) put8(NIL_EXT);
    else if (isList(t)) {
      const n = stringLength(t);
      if (n >= 0) {
        put8(STRING_EXT); put16(<u32>n);
        for (let l = t; l != NIL; l = load<u64>(termPtr(l), 8)) put8(<u32>(load<u64>(termPtr(l)) >> 4));
      } else {
        put8(LIST_EXT); put32(<u32>listCount);
        pushSrc(SRC_LIST, t, 0, 0);
      }
    } else {
      const h = boxedHeader(t);
      const s = headerSubtag(h);
      if (s == SUB_TUPLE) {
        const n = headerArity(h);
        if (n < 256) { put8(SMALL_TUPLE_EXT); put8(<u32>n); } else { put8(LARGE_TUPLE_EXT); put32(<u32>n); }
        if (n) pushSrc(SRC_SEQ, <u64>(termPtr(t) + 8), n, 0);
      } else if (s == SUB_BIG) {
        const limbs = <usize>headerArity(h) - 1;
        const n = bigBytes(termPtr(t) + 16, limbs << 3);
        if (n < 256) { put8(SMALL_BIG_EXT); put8(<u32>n); } else { put8(LARGE_BIG_EXT); put32(<u32>n); }
        put8(load<u64>(termPtr(t), 8) ? 1 : 0);
        putBytes(termPtr(t) + 16, n);
      }
      else if (s == SUB_FLOAT) {
        const f = floatValue(t);
        if (!isFinite(f)) { stack.length = 0; return false; }   // Erlang has no such float: no bytes for it
        put8(NEW_FLOAT_EXT); put64(reinterpret<u64>(f));
      }
      else if (s == SUB_HEAP_BIN || s == SUB_REFC_BIN) {
        const n = binarySize(t);
        put8(BINARY_EXT); put32(n);
        putBytes(binaryData(t), <usize>n);
      } else if (s == SUB_BITS) {
        const bits = bitstringBits(t);
        const n = <u32>((bits + 7) >> 3);
        put8(BIT_BINARY_EXT); put32(n); put8(<u32>(bits & 7));
        putBytes(bitstringData(t), <usize>n);
      } else if (s == SUB_MAP) {
        const n = mapSize(t);
        put8(MAP_EXT); put32(<u32>n);
        // a trie's pairs in BEAM's order (the reverse of its iteration order), from a flat view
        if (n) pushSrc(SRC_MAP, <u64>mapView(t), 0, <u64>n);
      } else if (s == SUB_REF) {
        put8(NEWER_REFERENCE_EXT); put16(3);
        putAtomName(NODE_NAME, NODE_NAME_LEN);
        put32(refCreation(t)); put32(refId(t, 0)); put32(refId(t, 1)); put32(refId(t, 2));
      } else { stack.length = 0; return false; }       // a fun: no bytes for it
    }
    // ── the next term to write
    for (;;) {
      if (!stack.length) return true;
      const f = topFrame();
      const kind = load<u64>(f);
      const a = load<u64>(f, 8);
      if (kind == SRC_SEQ) {
        t = load<u64>(<usize>a);
        const left = load<u64>(f, 16) - 1;
        if (left) { store<u64>(f, a + 8, 8); store<u64>(f, left, 16); } else stack.length--;
        break;
      }
      if (kind == SRC_MAP) {
        const i = load<u64>(f, 16);          // terms written: key 0, value 0, key 1, ...
        const n = load<u64>(f, 24);
        t = load<u64>(<usize>a + (<usize>(i >> 1) << 3) + ((i & 1) ? <usize>n << 3 : 0));
        if (i + 1 == 2 * n) stack.length--; else store<u64>(f, i + 1, 16);
        break;
      }
      // SRC_LIST: a is the rest of the list
      if (isList(a)) {
        t = load<u64>(termPtr(a));
        store<u64>(f, load<u64>(termPtr(a), 8), 8);
        break;
      }
      t = a;                                   // the tail ([] or not a list), last
      stack.length--;
      break;
    }
  }  return true;   // not reached
}

/** Bytes term_to_binary(t) takes (version byte included), or -1 if it holds a fun or a non-finite float (neither has bytes). */
export function etfEncodedSize(t: Term, otp25Atoms: bool = false): i64 {
  writing = false;
  outPos = 1;
  latin1Atoms = otp25Atoms;
  const ok = encodeTerm(t);
  latin1Atoms = false;
  return ok ? <i64>outPos : -1;
}

/** Write term_to_binary(t) at out (etfEncodedSize(t) bytes, which must be >= 0); returns the bytes written. */
export function etfEncode(t: Term, out: usize, otp25Atoms: bool = false): usize {
  writing = true;
  outBase = out;
  outPos = 0;
  latin1Atoms = otp25Atoms;
  put8(VERSION);
  const ok = encodeTerm(t);
  writing = false;
  latin1Atoms = false;
  return ok ? outPos : 0;
}
