// The External Term Format (Erlang's term_to_binary / binary_to_term) for JS
// values: the host's side of gc/term/etf.ts. encode() writes the bytes OTP
// 26+ term_to_binary/1 writes by default, with a map's keys in the order OTP
// 25 writes them for maps up to 32 keys (below), and the bytes
// gc/term/etf.ts writes for the same term;
// decode() reads what BEAM and gc/term/etf.ts write.
//
//   JS value (encode)                    term                    JS value (decode)
//   -----------------------------------  ----------------------  ------------------------------------
//   number, integral and safe            integer                 number when safe, else bigint
//     (unsafe integral numbers: RangeError; -0 is the integer 0)
//   bigint, any size a process holds     integer                 (as above)
//     (|v| < 2^67108864, else RangeError;
//     gc/term/bignum.ts BIG_MAX_DIGITS)
//   number, not integral (NaN and        float                   number if not integral; Float if
//     ±Infinity: RangeError)                                     integral (2.0, -0.0, 1.0e300), so it
//   Float(value), any finite value       float                   encodes as a float again
//   Atom                                 atom                    Atom
//     (Atom.of refuses a name with no UTF-8 or of over 255 characters: BadargError)
//   boolean                              atom true / false       boolean
//   undefined                            atom undefined          Atom.of("undefined")
//   null, []                             [] (nil)                [] (an empty array)
//   Array                                proper list             Array (a STRING_EXT: Array of numbers)
//   ImproperList(elements, tail)         [elements... | tail]    ImproperList (tail never a list)
//   Tuple(elements)                      tuple                   Tuple
//   string                               binary (UTF-8)          Uint8Array
//   Uint8Array (Buffer too)              binary                  Uint8Array (a copy)
//   BitString(bytes, bits)               bitstring               BitString (bits 1..7; whole bytes:
//                                                                a Uint8Array)
//   Map                                  map (keys sorted into   Map (keys in map-key order; 1 and
//                                        map-key order)          1.0 are the keys 1 and a Float)
//   plain object                         map with atom keys      Map with Atom keys
//   Pid                                  pid (its node, 'nonode@ Pid (its node and creation kept:
//                                        nohost' here, and its   a runtime reaches only its own
//                                        creation: its runtime)  pids, Runtime.creation)
//   Ref                                  reference (its node     Ref (its node and creation kept:
//                                        and creation)           another runtime's stays its own)
//   ExportFun                            fun M:F/A               ExportFun (no process takes one)
//   a value that contains itself: TypeError (no term does)
//
//   tag  name                   encode                          decode
//   ---  ---------------------  ------------------------------  ------------------------------
//    70  NEW_FLOAT_EXT          every float                     yes (finite only)
//    77  BIT_BINARY_EXT         bitstrings                      yes
//    80  compressed             -                               yes, with node:zlib (Node only);
//                                                               declared size 1 byte..256 MiB,
//                                                               inflated no further than it
//    88  NEW_PID_EXT            every pid                       yes
//    90  NEWER_REFERENCE_EXT    every reference                 yes
//    97  SMALL_INTEGER_EXT      integers 0..255                 yes
//    98  INTEGER_EXT            other integers in 32 bits       yes
//    99  FLOAT_EXT              -                               yes
//   100  ATOM_EXT               -                               yes
//   101  REFERENCE_EXT          -                               yes
//   103  PID_EXT                -                               yes
//   104  SMALL_TUPLE_EXT        tuples of < 256 elements        yes
//   105  LARGE_TUPLE_EXT        larger tuples                   yes
//   106  NIL_EXT                []                              yes
//   107  STRING_EXT             proper lists of 1..65535        yes
//                               integers 0..255 (as BEAM does)
//   108  LIST_EXT               other lists                     yes
//   109  BINARY_EXT             binaries                        yes
//   110  SMALL_BIG_EXT          integers beyond 32 bits of      yes, any size
//                               < 256 bytes
//   111  LARGE_BIG_EXT          larger integers                 yes, any size
//   113  EXPORT_EXT             ExportFun                       yes
//   114  NEW_REFERENCE_EXT      -                               yes
//   115  SMALL_ATOM_EXT         -                               yes
//   116  MAP_EXT                maps, keys in map-key order     yes, keys in any order (equal
//                                                               keys: error, as on BEAM)
//   118  ATOM_UTF8_EXT          atoms of 256+ bytes of UTF-8    yes
//   119  SMALL_ATOM_UTF8_EXT    atoms of < 256 bytes of UTF-8   yes
//
// Not read: ports, local funs (NEW_FUN_EXT), distribution headers; trailing
// bytes after the term are an error. Every error decoding is an EtfError, and
// no error message carries more than a few dozen characters of the value.
//
// Map keys are sorted into map-key order, gc/term/order.ts's (and
// docs/abi.md's): BEAM's exact term order, number < atom < reference < fun <
// pid < tuple < map < [] < list < bitstring, where an integer and a float are
// never equal and every integer sorts before every float, at any depth (2
// before 1.0, {2} before {1.0}, [1|3.0] before [1.0|2]); integers by value,
// floats by value and -0.0 before 0.0 (two terms, as =:= has them from OTP 27;
// OTP 25 and 26 count them one map key); atoms by UTF-8; references by node,
// then creation, then their ids as one number, the last id highest (as BEAM,
// checked against OTP 25 by tests/refs.test.ts); maps by size, keys, then values. Where BEAM writes a map's keys (checked against OTP 25 by
// tests/fixtures/etf_maps.txt, whose generating program is beside it, and by
// tests/map_order.test.ts, which runs erl on random maps): in the order it
// stores them, which is not always a function of the map:
//  - up to 32 keys (a flatmap): OTP 25 stores them in map-key order, so
//    encode() writes such a map's pairs in the order its term_to_binary/1
//    does (its bytes with {minor_version, 2}: by default OTP 25 writes Latin-1
//    atoms as ATOM_EXT). OTP 26 and later store atom keys in atom-table index
//    order instead (OTP-18414; from its release notes, not checked here: only OTP
//    25 is installed), which differs between nodes.
//  - more than 32 keys: a hash-array-mapped trie (erl_map.c), written by
//    external.c walking its nodes. A key's place is given by
//    make_internal_hash(Key), which hashes an immediate by its term word, so
//    an atom by its atom-table index: the same map of atom keys is written in
//    different orders by two nodes that made those atoms in a different order
//    (the fixture has one from each). Those bytes cannot be reproduced
//    outside that node, so we do not try to: a map of any size is written in
//    map-key order, as the runtime writes it, and decode() takes any order.
//  - term_to_binary(T, [deterministic]) writes every map in map-key order; on
//    OTP 25 with {minor_version, 2} its bytes are ours for every map.
//
// Nothing here recurses on the JS stack: encoding, decoding, term comparison
// and the JS conversions each keep the containers in progress on an explicit
// stack (an array), so nesting is bounded by memory only.

import { Etf, ETF_MAX_STRING_LEN } from "../assembly/boundary/etf_tags.js";
import { MAX_ATOM_CHARS } from "../assembly/boundary/defaults.js";
import { ShoalError } from "./errors.js";
import { Atom, Pid, Tuple, ImproperList, Float, BitString, Ref, ExportFun, PID_SLOTS, isPidTerm, pidTerm } from "./terms.js";

/** Malformed or unsupported External Term Format bytes, or a map with two equal keys (badarg, as binary_to_term's). */
export class EtfError extends ShoalError {
  constructor(message: string) {
    super("badarg", message);
    this.name = "EtfError";
  }
}

const MAX_STRING_LEN = ETF_MAX_STRING_LEN;
/** Integers past 2^BIG_MAX_BITS have no term in a process (gc/term/bignum.ts BIG_MAX_DIGITS: 2^21 digits of 32 bits). */
const BIG_MAX_BITS = 67_108_864;
/** Whether |v| < 2^BIG_MAX_BITS (its hex text is counted only past 2^1024: the check stays cheap). */
const holdable = (v: bigint): boolean => (v < 0n ? -v : v) >> 1024n === 0n || (v < 0n ? -v : v).toString(16).length <= BIG_MAX_BITS / 4;
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER), SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
/** The largest uncompressed size a compressed term may declare. */
const MAX_INFLATED_BYTES = 256 * 1024 * 1024;
/**
 * Deflate's best ratio: a 258-byte match costs two bits at least, so n bytes
 * of compressed data never inflate past 1032 n; a term declaring more cannot
 * be what it says, and is refused before inflating.
 */
const DEFLATE_MAX_RATIO = 1032;

// ── terms in between: what both directions go through
const K_INT = 0, K_FLOAT = 1, K_ATOM = 2, K_REF = 3, K_FUN = 4, K_PID = 5, K_TUPLE = 6, K_MAP = 7,
  K_NIL = 8, K_LIST = 9, K_BITS = 10;
/** Rank in term order of each kind. */
const RANK = [0, 0, 1, 2, 3, 5, 6, 7, 8, 9, 10];

type AtomIr = { k: typeof K_ATOM; atom: Atom; utf8: Uint8Array };
type Ir =
  | { k: typeof K_INT; v: bigint }
  | { k: typeof K_FLOAT; v: number }
  | AtomIr
  | { k: typeof K_REF; ref: Ref }
  | { k: typeof K_FUN; fun: ExportFun }
  | { k: typeof K_PID; slot: number; serial: number; creation: number; node: Atom }
  | { k: typeof K_TUPLE; els: Ir[] }
  | { k: typeof K_MAP; keys: Ir[]; vals: Ir[] }          // keys in map-key order
  | { k: typeof K_NIL }
  | { k: typeof K_LIST; els: Ir[]; tail: Ir }           // at least one element; tail not a list
  | { k: typeof K_BITS; bytes: Uint8Array; bits: number }; // bits used of the last byte (8: a binary)

const NIL_IR: Ir = { k: K_NIL };
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });
/** Each atom's UTF-8, made once; held weakly, so that it keeps no atom alive (host/terms.ts). */
const atomBytes = new WeakMap<Atom, Uint8Array>();

/** An atom as a term. Atom.of has checked its name: UTF-8 exists, and it has at most MAX_ATOM_CHARS characters. */
function atomIr(atom: Atom): AtomIr {
  let utf8 = atomBytes.get(atom);
  if (!utf8) {
    utf8 = utf8Encoder.encode(atom.name);
    atomBytes.set(atom, utf8);
  }
  return { k: K_ATOM, atom, utf8 };
}

/** An integer for an error message: itself if short, else its size (2^1000000 written out is 301,030 digits). */
function describeInt(v: bigint): string {
  const m = v < 0n ? -v : v;
  if (m < 10n ** 20n) return String(v);
  const hex = m.toString(16);
  const bits = (hex.length - 1) * 4 + parseInt(hex[0], 16).toString(2).length;
  return `${v < 0n ? "a negative" : "an"} integer of ${bits} bits`;
}

// ── map-key order (no recursion: containers still to compare wait on an explicit stack)

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function compareAtoms(a: Atom, b: Atom): number {
  return a === b ? 0 : compareBytes(atomIr(a).utf8, atomIr(b).utf8);
}

/** Two numbers in map-key order. */
function compareNumbers(a: Ir, b: Ir): number {
  if (a.k === K_INT && b.k === K_INT) return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  if (a.k === K_FLOAT && b.k === K_FLOAT) {
    if (a.v < b.v) return -1;
    if (a.v > b.v) return 1;
    const na = Object.is(a.v, -0), nb = Object.is(b.v, -0);   // equal: only zeros can differ
    return na === nb ? 0 : na ? -1 : 1;                       // -0.0 before 0.0
  }
  return a.k === K_INT ? -1 : 1;                              // every integer before every float
}

function bitLength(t: { bytes: Uint8Array; bits: number }): number {
  return t.bytes.length === 0 ? 0 : (t.bytes.length - 1) * 8 + t.bits;
}

function compareBits(a: { bytes: Uint8Array; bits: number }, b: { bytes: Uint8Array; bits: number }): number {
  const la = bitLength(a), lb = bitLength(b), n = Math.min(la, lb), full = n >> 3;
  for (let i = 0; i < full; i++) if (a.bytes[i] !== b.bytes[i]) return a.bytes[i] < b.bytes[i] ? -1 : 1;
  const rem = n & 7;
  if (rem) {
    const mask = (0xff << (8 - rem)) & 0xff;
    const x = a.bytes[full] & mask, y = b.bytes[full] & mask;
    if (x !== y) return x < y ? -1 : 1;
  }
  return la < lb ? -1 : la > lb ? 1 : 0;
}

/**
 * Two containers whose tops are equal: their elements xs[i] and ys[i] for i
 * below n are compared in turn, then (lists) what is left of each, restA
 * against restB.
 */
interface CmpFrame { xs: Ir[]; ys: Ir[]; i: number; n: number; restA?: Ir; restB?: Ir }

/** a against b as far as their tops go: nonzero decides; 0 is equal so far, with the children to compare pushed. */
function compareTop(a: Ir, b: Ir, stack: CmpFrame[]): number {
  const ra = RANK[a.k], rb = RANK[b.k];
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (a.k) {
    case K_INT: case K_FLOAT: return compareNumbers(a, b);
    case K_ATOM: return compareAtoms(a.atom, (b as typeof a).atom);
    case K_REF: {
      // as BEAM (erl_utils.c): node, creation, then the ids as one number, ids[0] lowest (a missing id is 0)
      const x = a.ref, y = (b as typeof a).ref;
      const c = compareAtoms(x.node, y.node) || Math.sign(x.creation - y.creation);
      if (c) return c;
      for (let i = Math.max(x.ids.length, y.ids.length) - 1; i >= 0; i--) {
        const p = x.ids[i] ?? 0, q = y.ids[i] ?? 0;
        if (p !== q) return p < q ? -1 : 1;
      }
      return 0;
    }
    case K_FUN: {
      const x = a.fun, y = (b as typeof a).fun;
      return compareAtoms(x.module, y.module) || compareAtoms(x.name, y.name) || Math.sign(x.arity - y.arity);
    }
    case K_PID: {
      const y = b as typeof a;
      // BEAM orders pids by node, then serial, then ID (slot), then creation
      return compareAtoms(a.node, y.node) || (a.serial !== y.serial ? (a.serial < y.serial ? -1 : 1) : Math.sign(a.slot - y.slot))
        || Math.sign(a.creation - y.creation);
    }
    case K_TUPLE: {
      const y = b as typeof a, n = a.els.length;
      if (n !== y.els.length) return n < y.els.length ? -1 : 1;
      if (n) stack.push({ xs: a.els, ys: y.els, i: 0, n });
      return 0;
    }
    case K_MAP: {
      const y = b as typeof a, n = a.keys.length;
      if (n !== y.keys.length) return n < y.keys.length ? -1 : 1;
      if (n) {
        stack.push({ xs: a.vals, ys: y.vals, i: 0, n });   // values in key order, after all the keys
        stack.push({ xs: a.keys, ys: y.keys, i: 0, n });
      }
      return 0;
    }
    case K_NIL: return 0;
    case K_LIST: {
      // element by element; then what is left of each: when one runs out first, its tail (never a list)
      // meets the other's remaining elements, a list, and their kinds decide (a itself stands for that list)
      const y = b as typeof a, n = Math.min(a.els.length, y.els.length);
      const restA = n < a.els.length ? a : a.tail, restB = n < y.els.length ? y : y.tail;
      stack.push({ xs: a.els, ys: y.els, i: 0, n, restA, restB });
      return 0;
    }
    case K_BITS: return compareBits(a, b as typeof a);
  }
}

/** -1, 0 or 1 as a sorts before, equal to (=:=) or after b in map-key order (gc/term/order.ts's compareMapKeys). */
function compare(a: Ir, b: Ir): number {
  const stack: CmpFrame[] = [];
  for (;;) {
    const c = compareTop(a, b, stack);
    if (c) return c;
    for (;;) {                                    // the next pair still to compare
      const f = stack[stack.length - 1];
      if (f === undefined) return 0;
      if (f.i < f.n) { a = f.xs[f.i]; b = f.ys[f.i]; f.i++; break; }
      stack.pop();
      if (f.restA !== undefined) { a = f.restA; b = f.restB as Ir; break; }
    }
  }
}

/** Sort a map's pairs into map-key order; throws on two equal keys. */
function sortedMap(pairs: [Ir, Ir][], what: () => Error): Ir {
  pairs.sort((x, y) => compare(x[0], y[0]));
  for (let i = 1; i < pairs.length; i++) if (compare(pairs[i - 1][0], pairs[i][0]) === 0) throw what();
  return { k: K_MAP, keys: pairs.map((p) => p[0]), vals: pairs.map((p) => p[1]) };
}

// ── JS values to terms

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function intIr(v: bigint): Ir {
  if (!holdable(v)) throw new RangeError(`${describeInt(v)} is past the largest integer a process holds (2^${BIG_MAX_BITS})`);
  return { k: K_INT, v };
}

function floatIr(v: number): Ir {
  if (!Number.isFinite(v)) throw new RangeError(`${v} is not a finite float (Erlang has no NaN or infinity)`);
  return { k: K_FLOAT, v };
}

/** The term of a JS value that holds no others; undefined for a container (list, tuple, map, object). */
function leafIr(v: unknown): Ir | undefined {
  switch (typeof v) {
    case "number":
      if (Number.isInteger(v)) {
        if (!Number.isSafeInteger(v)) throw new RangeError(`${v} is an integer beyond the safe range: pass a bigint (or a Float)`);
        return { k: K_INT, v: BigInt(v) };
      }
      return floatIr(v);
    case "bigint": return intIr(v);
    case "boolean": return atomIr(Atom.of(v ? "true" : "false"));
    case "undefined": return atomIr(Atom.of("undefined"));
    case "string": return { k: K_BITS, bytes: utf8Encoder.encode(v), bits: 8 };
    case "object": {
      if (v === null) return NIL_IR;
      if (v instanceof Atom) return atomIr(v);
      if (Array.isArray(v) || v instanceof Tuple || v instanceof Map || v instanceof ImproperList) return undefined;
      if (v instanceof Uint8Array) return { k: K_BITS, bytes: v, bits: 8 };
      if (v instanceof Pid) {
        if (!isPidTerm(v.term) || v.term >> 64n) throw new RangeError(`${describeInt(v.term)} is not a pid term`);
        return { k: K_PID, slot: v.slot, serial: v.serial, creation: v.creation, node: v.node };
      }
      if (v instanceof Float) return floatIr(v.value);
      if (v instanceof BitString) {
        if (!Number.isInteger(v.bits) || v.bits < 1 || v.bits > 8 || v.bytes.length === 0) {
          throw new RangeError(`BitString needs a byte at least and 1..8 bits of the last (has ${v.bytes.length}, ${String(v.bits).slice(0, 20)})`);
        }
        const bytes = v.bytes.slice();
        bytes[bytes.length - 1] &= (0xff << (8 - v.bits)) & 0xff;   // unused bits are zero
        return { k: K_BITS, bytes, bits: v.bits };
      }
      if (v instanceof Ref) return { k: K_REF, ref: v };
      if (v instanceof ExportFun) return { k: K_FUN, fun: v };
      if (isPlainObject(v)) return undefined;
      throw new TypeError(`cannot encode ${Object.prototype.toString.call(v).slice(0, 60)} as a term`);
    }
    default: throw new TypeError(`cannot encode a ${typeof v} as a term`);
  }
}

const F_LIST = 0, F_IMPROPER = 1, F_TUPLE = 2, F_MAP = 3, F_OBJECT = 4;

/**
 * A container being converted: the JS values of its terms in order (a map's
 * key, value, key, ...; an improper list's elements then its tail), the
 * terms made of them so far, and the JS objects it stands for. Those are on
 * the path from the root (`onPath`, where meeting one again is a cycle) while
 * their terms are converted: the container itself from the start, and when a
 * list's tail is a list, joined on as one list, each tail from its first
 * element (`tails[i]` from item `tails[i].at`), as an element before it may
 * be that same tail without any cycle.
 */
interface EncFrame {
  kind: number; items: unknown[]; out: Ir[]; keys?: string[];
  held: object[]; tails: { at: number; list: object }[]; nextTail: number;
}

const CYCLE = "cannot encode a value that contains itself (no term does)";

function hold(c: object, f: EncFrame, onPath: Set<object>): void {
  if (onPath.has(c)) throw new TypeError(CYCLE);
  onPath.add(c);
  f.held.push(c);
}

/** The next item of f is about to be converted: the tails it lies in go on the path. */
function enterItem(f: EncFrame, onPath: Set<object>): void {
  while (f.nextTail < f.tails.length && f.tails[f.nextTail].at <= f.out.length) hold(f.tails[f.nextTail++].list, f, onPath);
}

function openFrame(v: object, onPath: Set<object>): EncFrame {
  const f: EncFrame = { kind: F_LIST, items: [], out: [], held: [], tails: [], nextTail: 0 };
  hold(v, f, onPath);
  if (Array.isArray(v)) f.items = v;
  else if (v instanceof Tuple) { f.kind = F_TUPLE; f.items = v.elements; }
  else if (v instanceof Map) {
    f.kind = F_MAP;
    for (const [key, val] of v) f.items.push(key, val);
  } else if (v instanceof ImproperList) {
    // a tail that is itself a list is joined on, in a loop: [1 | [2 | [3 | t]]] is [1, 2, 3 | t]
    const items = f.items = v.elements.slice();
    const chain = new Set<object>([v]);
    let tail = v.tail;
    while (tail instanceof ImproperList || Array.isArray(tail)) {
      if (chain.has(tail)) throw new TypeError(CYCLE);   // a tail that comes round again
      chain.add(tail);
      f.tails.push({ at: items.length, list: tail });
      const els: unknown[] = tail instanceof ImproperList ? tail.elements : tail;
      for (const e of els) items.push(e);
      tail = tail instanceof ImproperList ? tail.tail : null;
    }
    if (tail !== null) { items.push(tail); f.kind = F_IMPROPER; }
  } else {
    f.kind = F_OBJECT;                               // a plain object (leafIr let nothing else through)
    const keys = f.keys = Object.keys(v);
    f.items = keys.map((k) => (v as Record<string, unknown>)[k]);
  }
  return f;
}

function closeFrame(f: EncFrame, onPath: Set<object>): Ir {
  for (const c of f.held) onPath.delete(c);
  const out = f.out;
  switch (f.kind) {
    case F_LIST: return out.length ? { k: K_LIST, els: out, tail: NIL_IR } : NIL_IR;
    case F_IMPROPER: {
      const tail = out.pop() as Ir;               // not a list: lists were joined on in openFrame
      return out.length ? { k: K_LIST, els: out, tail } : tail;
    }
    case F_TUPLE: return { k: K_TUPLE, els: out };
    case F_MAP: {
      const pairs: [Ir, Ir][] = [];
      for (let i = 0; i < out.length; i += 2) pairs.push([out[i], out[i + 1]]);
      return sortedMap(pairs, () => new TypeError("map has two keys that are the same term"));
    }
    default: {
      const keys = f.keys as string[];
      return sortedMap(keys.map((key, i) => [atomIr(Atom.of(key)), out[i]]), () => new TypeError("object keys collide"));
    }
  }
}

/** The term for a JS value (the mapping at the top of this file), its containers on an explicit stack. */
function fromJS(root: unknown): Ir {
  const stack: EncFrame[] = [];
  const onPath = new Set<object>();
  let v = root;
  for (;;) {
    let t = leafIr(v);
    if (t === undefined) {
      const f = openFrame(v as object, onPath);
      if (f.items.length) { stack.push(f); enterItem(f, onPath); v = f.items[0]; continue; }
      t = closeFrame(f, onPath);
    }
    for (;;) {                                    // hand t to its container, closing each one it completes
      const f = stack[stack.length - 1];
      if (f === undefined) return t;
      f.out.push(t);
      if (f.out.length < f.items.length) { enterItem(f, onPath); v = f.items[f.out.length]; break; }
      stack.pop();
      t = closeFrame(f, onPath);
    }
  }
}

// ── terms to bytes

class Writer {
  buf = new Uint8Array(256);
  view = new DataView(this.buf.buffer);
  pos = 0;
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void { this.room(1); this.buf[this.pos++] = v; }
  u16(v: number): void { this.room(2); this.view.setUint16(this.pos, v); this.pos += 2; }
  u32(v: number): void { this.room(4); this.view.setUint32(this.pos, v); this.pos += 4; }
  f64(v: number): void { this.room(8); this.view.setFloat64(this.pos, v); this.pos += 8; }
  bytes(b: Uint8Array): void { this.room(b.length); this.buf.set(b, this.pos); this.pos += b.length; }
}


function writeAtom(w: Writer, a: AtomIr): void {
  if (a.utf8.length < 256) { w.u8(Etf.SMALL_ATOM_UTF8_EXT); w.u8(a.utf8.length); }
  else { w.u8(Etf.ATOM_UTF8_EXT); w.u16(a.utf8.length); }
  w.bytes(a.utf8);
}

function writeInt(w: Writer, v: bigint): void {
  if (v >= 0n && v <= 255n) { w.u8(Etf.SMALL_INTEGER_EXT); w.u8(Number(v)); return; }
  if (v >= -(1n << 31n) && v < 1n << 31n) { w.u8(Etf.INTEGER_EXT); w.u32(Number(BigInt.asUintN(32, v))); return; }
  // the magnitude's bytes, little-endian, through hex text (linear in the size, as bigFromDigits)
  let hex = (v < 0n ? -v : v).toString(16);
  if (hex.length & 1) hex = "0" + hex;
  const n = hex.length >> 1;
  const digits = new Uint8Array(n);
  for (let i = 0; i < n; i++) digits[i] = parseInt(hex.slice(hex.length - 2 * i - 2, hex.length - 2 * i), 16);
  if (n < 256) { w.u8(Etf.SMALL_BIG_EXT); w.u8(n); }
  else { w.u8(Etf.LARGE_BIG_EXT); w.u32(n); }
  w.u8(v < 0n ? 1 : 0);
  w.bytes(digits);
}

function isStringList(t: Ir & { k: typeof K_LIST }): boolean {
  if (t.tail.k !== K_NIL || t.els.length > MAX_STRING_LEN) return false;
  for (const e of t.els) if (e.k !== K_INT || e.v < 0n || e.v > 255n) return false;
  return true;
}

/** Write a term: the format is prefix order, so the terms still to write wait on a stack, the next on top. */
function write(w: Writer, root: Ir): void {
  const todo: Ir[] = [root];
  while (todo.length) {
    const t = todo.pop() as Ir;
    switch (t.k) {
      case K_INT: writeInt(w, t.v); break;
      case K_FLOAT: w.u8(Etf.NEW_FLOAT_EXT); w.f64(t.v); break;
      case K_ATOM: writeAtom(w, t); break;
      case K_PID:
        w.u8(Etf.NEW_PID_EXT); writeAtom(w, atomIr(t.node));
        w.u32(t.slot); w.u32(t.serial); w.u32(t.creation >>> 0);
        break;
      case K_REF: {
        const r = t.ref;
        w.u8(Etf.NEWER_REFERENCE_EXT); w.u16(r.ids.length);
        writeAtom(w, atomIr(r.node));
        w.u32(r.creation);
        for (const id of r.ids) w.u32(id);
        break;
      }
      case K_FUN:
        w.u8(Etf.EXPORT_EXT);
        writeAtom(w, atomIr(t.fun.module));
        writeAtom(w, atomIr(t.fun.name));
        writeInt(w, BigInt(t.fun.arity));
        break;
      case K_TUPLE:
        if (t.els.length < 256) { w.u8(Etf.SMALL_TUPLE_EXT); w.u8(t.els.length); }
        else { w.u8(Etf.LARGE_TUPLE_EXT); w.u32(t.els.length); }
        for (let i = t.els.length - 1; i >= 0; i--) todo.push(t.els[i]);
        break;
      case K_MAP:
        w.u8(Etf.MAP_EXT); w.u32(t.keys.length);
        for (let i = t.keys.length - 1; i >= 0; i--) todo.push(t.vals[i], t.keys[i]);
        break;
      case K_NIL: w.u8(Etf.NIL_EXT); break;
      case K_LIST:
        if (isStringList(t)) {
          w.u8(Etf.STRING_EXT); w.u16(t.els.length);
          for (const e of t.els) w.u8(Number((e as { v: bigint }).v));
          break;
        }
        w.u8(Etf.LIST_EXT); w.u32(t.els.length);
        todo.push(t.tail);
        for (let i = t.els.length - 1; i >= 0; i--) todo.push(t.els[i]);
        break;
      case K_BITS:
        if (t.bits === 8) { w.u8(Etf.BINARY_EXT); w.u32(t.bytes.length); }
        else { w.u8(Etf.BIT_BINARY_EXT); w.u32(t.bytes.length); w.u8(t.bits); }
        w.bytes(t.bytes);
        break;
    }
  }
}

/** term_to_binary(value) as OTP 26+ writes it by default, map keys in map-key order (mapping in this file's opening comment). */
export function encode(value: unknown): Uint8Array {
  const w = new Writer();
  w.u8(Etf.VERSION);
  write(w, fromJS(value));
  return w.buf.slice(0, w.pos);
}

// ── bytes to terms

class Reader {
  pos = 0;
  /** The bytes as a plain Uint8Array (a Buffer's slice() would share memory, where a binary must be a copy). */
  readonly buf: Uint8Array;
  readonly view: DataView;
  constructor(bytes: Uint8Array) {
    this.buf = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new EtfError(`truncated at byte ${this.pos} (${n} more needed)`);
  }
  u8(): number { this.need(1); return this.buf[this.pos++]; }
  u16(): number { this.need(2); const v = this.view.getUint16(this.pos); this.pos += 2; return v; }
  u32(): number { this.need(4); const v = this.view.getUint32(this.pos); this.pos += 4; return v; }
  i32(): number { this.need(4); const v = this.view.getInt32(this.pos); this.pos += 4; return v; }
  f64(): number { this.need(8); const v = this.view.getFloat64(this.pos); this.pos += 8; return v; }
  bytes(n: number): Uint8Array { this.need(n); const b = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return b; }
}

function readAtom(r: Reader, tag: number): AtomIr {
  let n: number, name: string;
  if (tag === Etf.ATOM_EXT || tag === Etf.ATOM_UTF8_EXT) n = r.u16();
  else if (tag === Etf.SMALL_ATOM_EXT || tag === Etf.SMALL_ATOM_UTF8_EXT) n = r.u8();
  else throw new EtfError(`expected an atom at byte ${r.pos - 1}, found tag ${tag}`);
  const at = r.pos;
  const bytes = r.bytes(n);
  if (tag === Etf.ATOM_EXT || tag === Etf.SMALL_ATOM_EXT) {   // Latin-1: a character a byte
    if (n > MAX_ATOM_CHARS) throw new EtfError(`atom at byte ${at} is longer than ${MAX_ATOM_CHARS} characters`);
    name = String.fromCharCode(...bytes);
  } else {
    try {
      name = utf8Decoder.decode(bytes);
    } catch (e) {
      // a fatal TextDecoder throws a TypeError (by name: it may come from another realm); nothing else is relabelled
      if ((e as Error)?.name === "TypeError") throw new EtfError(`atom at byte ${at} is not UTF-8`);
      throw e;
    }
    let chars = 0;
    for (const _ of name) chars++;
    if (chars > MAX_ATOM_CHARS) throw new EtfError(`atom at byte ${at} is longer than ${MAX_ATOM_CHARS} characters`);
  }
  return atomIr(Atom.of(name));
}

function readPid(r: Reader, tag: number): Ir {
  const node = readAtom(r, r.u8());   // kept: a pid of another node is another node's
  const id = r.u32(), serial = r.u32();
  const creation = tag === Etf.NEW_PID_EXT ? r.u32() : r.u8();
  if (id >= PID_SLOTS) throw new EtfError(`pid ID ${id} does not fit a process slot (below ${PID_SLOTS})`);
  return { k: K_PID, slot: id, serial, creation, node: node.atom };
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** A bignum's magnitude from its little-endian bytes, in time linear in their number (through hex text). */
function bigFromDigits(d: Uint8Array): bigint {
  const parts: string[] = new Array(d.length);
  for (let i = 0; i < d.length; i++) parts[i] = HEX[d[d.length - 1 - i]];
  return d.length ? BigInt("0x" + parts.join("")) : 0n;
}

const D_TUPLE = 0, D_MAP = 1, D_LIST = 2;

/**
 * A container being read: `n` terms still to come (a tuple's elements, a
 * map's keys and values, a list's elements in the current LIST_EXT), those
 * read so far, and for a list whether the next term is its tail.
 */
interface DecFrame { kind: number; at: number; n: number; out: Ir[]; tail: boolean }

/**
 * A list whose elements so far are read: undefined if more is to come (the
 * next term is an element, or with f.tail set its tail), else the list. A
 * tail that is a list is joined on: LIST_EXT continues, STRING_EXT and
 * NIL_EXT end it.
 */
function listMore(r: Reader, f: DecFrame): Ir | undefined {
  while (f.n === 0) {
    const tag = r.u8();
    if (tag === Etf.LIST_EXT) {
      f.n = r.u32();
      r.need(f.n);                              // a byte per element at least
      continue;
    }
    if (tag === Etf.STRING_EXT) {
      for (const b of r.bytes(r.u16())) f.out.push({ k: K_INT, v: BigInt(b) });
    } else if (tag !== Etf.NIL_EXT) {
      r.pos--;
      f.tail = true;
      return undefined;
    }
    return f.out.length ? { k: K_LIST, els: f.out, tail: NIL_IR } : NIL_IR;
  }
  return undefined;
}

/** Add term t to container f: the finished container if that completes it, else undefined. */
function accept(r: Reader, f: DecFrame, t: Ir): Ir | undefined {
  if (f.kind === D_LIST) {
    if (f.tail) return f.out.length ? { k: K_LIST, els: f.out, tail: t } : t;   // t is no list (listMore)
    f.out.push(t);
    f.n--;
    return listMore(r, f);
  }
  f.out.push(t);
  if (f.out.length < f.n) return undefined;
  if (f.kind === D_TUPLE) return { k: K_TUPLE, els: f.out };
  const pairs: [Ir, Ir][] = [];
  for (let i = 0; i < f.out.length; i += 2) pairs.push([f.out[i], f.out[i + 1]]);
  return sortedMap(pairs, () => new EtfError(`map at byte ${f.at} has two equal keys`));
}

/** The next term if it holds no others (or none), else undefined with its container pushed on `stack`. */
function readOne(r: Reader, stack: DecFrame[]): Ir | undefined {
  const at = r.pos;
  const tag = r.u8();
  switch (tag) {
    case Etf.SMALL_INTEGER_EXT: return { k: K_INT, v: BigInt(r.u8()) };
    case Etf.INTEGER_EXT: return { k: K_INT, v: BigInt(r.i32()) };
    case Etf.SMALL_BIG_EXT: case Etf.LARGE_BIG_EXT: {
      const n = tag === Etf.SMALL_BIG_EXT ? r.u8() : r.u32();
      const neg = r.u8() !== 0;
      const v = bigFromDigits(r.bytes(n));
      return { k: K_INT, v: neg ? -v : v };
    }
    case Etf.NEW_FLOAT_EXT: {
      const v = r.f64();
      if (!Number.isFinite(v)) throw new EtfError(`float at byte ${at} is not finite`);
      return { k: K_FLOAT, v };
    }
    case Etf.FLOAT_EXT: {
      const text = r.bytes(31);
      const end = text.indexOf(0);
      const v = parseFloat(String.fromCharCode(...text.subarray(0, end < 0 ? 31 : end)));
      if (!Number.isFinite(v)) throw new EtfError(`FLOAT_EXT at byte ${at} is not a float`);
      return { k: K_FLOAT, v };
    }
    case Etf.ATOM_EXT: case Etf.SMALL_ATOM_EXT: case Etf.ATOM_UTF8_EXT: case Etf.SMALL_ATOM_UTF8_EXT: return readAtom(r, tag);
    case Etf.SMALL_TUPLE_EXT: case Etf.LARGE_TUPLE_EXT: {
      const n = tag === Etf.SMALL_TUPLE_EXT ? r.u8() : r.u32();
      if (n === 0) return { k: K_TUPLE, els: [] };
      r.need(n);                                // a byte per element at least
      stack.push({ kind: D_TUPLE, at, n, out: [], tail: false });
      return undefined;
    }
    case Etf.NIL_EXT: return NIL_IR;
    case Etf.STRING_EXT: {
      const bytes = r.bytes(r.u16());
      return bytes.length ? { k: K_LIST, els: Array.from(bytes, (b): Ir => ({ k: K_INT, v: BigInt(b) })), tail: NIL_IR } : NIL_IR;
    }
    case Etf.LIST_EXT: {
      const f: DecFrame = { kind: D_LIST, at, n: r.u32(), out: [], tail: false };
      r.need(f.n);
      const t = listMore(r, f);                 // LIST_EXT of no elements: the list is its tail
      if (t === undefined) stack.push(f);
      return t;
    }
    case Etf.BINARY_EXT: return { k: K_BITS, bytes: r.bytes(r.u32()).slice(), bits: 8 };
    case Etf.BIT_BINARY_EXT: {
      const n = r.u32();
      const bits = r.u8();
      const bytes = r.bytes(n).slice();
      if (n === 0) return { k: K_BITS, bytes, bits: 8 };
      if (bits < 1 || bits > 8) throw new EtfError(`BIT_BINARY_EXT at byte ${at} uses ${bits} bits of its last byte`);
      bytes[n - 1] &= (0xff << (8 - bits)) & 0xff;
      return { k: K_BITS, bytes, bits };
    }
    case Etf.MAP_EXT: {
      const n = r.u32();
      if (n === 0) return { k: K_MAP, keys: [], vals: [] };
      r.need(2 * n);
      stack.push({ kind: D_MAP, at, n: 2 * n, out: [], tail: false });
      return undefined;
    }
    case Etf.NEW_PID_EXT: case Etf.PID_EXT: return readPid(r, tag);
    case Etf.NEWER_REFERENCE_EXT: case Etf.NEW_REFERENCE_EXT: {
      const n = r.u16();
      if (n > 5) throw new EtfError(`reference at byte ${at} has ${n} ids, more than 5`);
      const node = readAtom(r, r.u8()).atom;
      const creation = tag === Etf.NEWER_REFERENCE_EXT ? r.u32() : r.u8();
      const ids: number[] = [];
      for (let i = 0; i < n; i++) ids.push(r.u32());
      return { k: K_REF, ref: new Ref(ids, creation, node) };
    }
    case Etf.REFERENCE_EXT: {
      const node = readAtom(r, r.u8()).atom;
      const id = r.u32();
      return { k: K_REF, ref: new Ref([id], r.u8(), node) };
    }
    case Etf.EXPORT_EXT: {
      const module = readAtom(r, r.u8()).atom;
      const name = readAtom(r, r.u8()).atom;
      const arity = readOne(r, []);             // an integer 0..255 however written; a container is no arity
      if (arity?.k !== K_INT || arity.v < 0n || arity.v > 255n) throw new EtfError(`fun at byte ${at} has no arity`);
      return { k: K_FUN, fun: new ExportFun(module, name, Number(arity.v)) };
    }
    default: throw new EtfError(`unsupported tag ${tag} at byte ${at}`);
  }
}

/** Read one term: the containers still being filled wait on an explicit stack, innermost on top. */
function readTerm(r: Reader): Ir {
  const stack: DecFrame[] = [];
  for (;;) {
    let t = readOne(r, stack);
    while (t !== undefined) {                   // hand t to its container, closing each one it completes
      const f = stack[stack.length - 1];
      if (f === undefined) return t;
      t = accept(r, f, t);
      if (t !== undefined) stack.pop();
    }
  }
}

/**
 * zlib inflate, where the host has it (Node's built-in zlib, looked up
 * without importing it: browsers have none), stopping as soon as the output
 * passes `size` bytes, so that what a term declares bounds the memory and
 * time it costs.
 */
function inflate(data: Uint8Array, size: number): Uint8Array {
  const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const zlib = host?.getBuiltinModule?.("node:zlib") as typeof import("node:zlib") | undefined;
  if (!zlib) throw new EtfError("compressed terms need node:zlib (Node 20.16 or later)");
  let out: Uint8Array;
  try {
    out = zlib.inflateSync(data, { maxOutputLength: size });
  } catch (e) {
    if ((e as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new EtfError(`compressed term inflates to more than the ${size} bytes it declares`);
    }
    throw new EtfError(`compressed term: ${String((e as Error).message).slice(0, 100)}`);
  }
  if (out.length !== size) throw new EtfError(`compressed term inflates to ${out.length} bytes, not the ${size} it declares`);
  return new Uint8Array(out);                 // a copy: out is a Buffer, maybe a view of a pool
}

function leafJS(t: Ir): unknown {
  switch (t.k) {
    case K_INT: return t.v >= SAFE_MIN && t.v <= SAFE_MAX ? Number(t.v) : t.v;
    case K_FLOAT: return Number.isInteger(t.v) ? new Float(t.v) : t.v;   // -0.0 too: Number.isInteger(-0)
    case K_ATOM: return t.atom.name === "true" ? true : t.atom.name === "false" ? false : t.atom;
    case K_REF: return t.ref;
    case K_FUN: return t.fun;
    case K_PID: return new Pid(pidTerm(t.slot, t.serial), t.creation, t.node);
    case K_NIL: return [];
    case K_BITS: return t.bits === 8 ? t.bytes : new BitString(t.bytes, t.bits);
    default: throw new Error("unreachable: a container");
  }
}

/** A container's terms in order (a map's key, value, key, ...; a list's elements, then its tail unless []). */
function irChildren(t: Ir): Ir[] | undefined {
  switch (t.k) {
    case K_TUPLE: return t.els;
    case K_MAP: {
      const items: Ir[] = new Array(2 * t.keys.length);
      for (let i = 0; i < t.keys.length; i++) { items[2 * i] = t.keys[i]; items[2 * i + 1] = t.vals[i]; }
      return items;
    }
    case K_LIST: return t.tail.k === K_NIL ? t.els : t.els.concat([t.tail]);
    default: return undefined;
  }
}

function buildJS(t: Ir, out: unknown[]): unknown {
  switch (t.k) {
    case K_TUPLE: return new Tuple(out);
    case K_MAP: {
      const m = new Map<unknown, unknown>();
      for (let i = 0; i < out.length; i += 2) m.set(out[i], out[i + 1]);
      return m;
    }
    default: {                                  // K_LIST
      if ((t as { tail: Ir }).tail.k === K_NIL) return out;
      const tail = out.pop();
      return new ImproperList(out, tail);
    }
  }
}

/** The JS value of a term (the mapping at the top of this file), its containers on an explicit stack. */
function toJS(root: Ir): unknown {
  const stack: { t: Ir; items: Ir[]; out: unknown[] }[] = [];
  let t = root;
  for (;;) {
    let v: unknown;
    const items = irChildren(t);
    if (items === undefined) v = leafJS(t);
    else if (items.length === 0) v = buildJS(t, []);
    else { stack.push({ t, items, out: [] }); t = items[0]; continue; }
    for (;;) {
      const f = stack[stack.length - 1];
      if (f === undefined) return v;
      f.out.push(v);
      if (f.out.length < f.items.length) { t = f.items[f.out.length]; break; }
      stack.pop();
      v = buildJS(f.t, f.out);
    }
  }
}

/** binary_to_term(bytes) (mapping in this file's opening comment); throws EtfError. */
export function decode(bytes: Uint8Array): unknown {
  if (!ArrayBuffer.isView(bytes)) throw new EtfError(`decode takes bytes (a Uint8Array), not ${typeof bytes}`);
  const r = new Reader(bytes);
  if (r.u8() !== Etf.VERSION) throw new EtfError(`not External Term Format: the first byte is ${r.buf[0]}, not ${Etf.VERSION}`);
  let t: Ir;
  if (r.buf[1] === Etf.COMPRESSED) {
    r.pos = 2;
    const size = r.u32();
    const data = r.buf.subarray(r.pos);
    if (size === 0) throw new EtfError("compressed term declares 0 bytes: no term is that small");
    if (size > MAX_INFLATED_BYTES) throw new EtfError(`compressed term declares ${size} bytes, more than the ${MAX_INFLATED_BYTES} (256 MiB) taken`);
    if (size > DEFLATE_MAX_RATIO * data.length) {
      throw new EtfError(`compressed term declares ${size} bytes, more than ${data.length} compressed bytes can hold`);
    }
    const inner = inflate(data, size);
    const ir = new Reader(inner);
    t = readTerm(ir);
    if (ir.pos !== inner.length) throw new EtfError(`${inner.length - ir.pos} bytes after the compressed term`);
  } else {
    t = readTerm(r);
    if (r.pos !== r.buf.length) throw new EtfError(`${r.buf.length - r.pos} bytes after the term`);
  }
  return toJS(t);
}

/**
 * The order a map's keys take in Shoal (every map's keys sorted in map-key order, gc/term/order.ts
 * compareMapKeys): the indices of `keys`, each one term's External Term Format without the version
 * byte, sorted. For a compiler laying out a literal map that OTP wrote in its own order (past 32
 * keys, its hash trie's). Throws EtfError on malformed bytes.
 */
export function mapKeyOrder(keys: Uint8Array[]): number[] {
  const terms = keys.map((k) => {
    const r = new Reader(k);
    const t = readTerm(r);
    if (r.pos !== k.length) throw new EtfError(`${k.length - r.pos} bytes after a map key`);
    return t;
  });
  return terms.map((_, i) => i).sort((a, b) => compare(terms[a], terms[b]));
}
