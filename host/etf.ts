// The External Term Format (Erlang's term_to_binary / binary_to_term) for JS
// values: the host's side of gc/etf.ts. encode() writes exactly the bytes
// OTP 26+ term_to_binary/1 writes by default, and the bytes gc/etf.ts writes
// for the same term; decode() reads what BEAM and gc/etf.ts write.
//
//   JS value (encode)                    term                    JS value (decode)
//   -----------------------------------  ----------------------  ------------------------------------
//   number, integral and safe            integer                 number when safe, else bigint
//     (unsafe integral numbers: RangeError; -0 is the integer 0)
//   bigint in -2^63..2^63-1 (else        integer                 (as above)
//     RangeError)
//   number, not integral (NaN and        float                   number (so 2.0 comes back as 2, and
//     ±Infinity: RangeError)                                     encodes as an integer again)
//   Float(value), any finite value       float                   number
//   Atom                                 atom                    Atom
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
//   Map                                  map (keys sorted into   Map (keys in term order; keys JS cannot
//                                        term order)             tell apart, as 2 and 2.0, become one)
//   plain object                         map with atom keys      Map with Atom keys
//   Pid                                  pid ('nonode@nohost',   Pid (any node and creation:
//                                        creation 0)             ID = slot, Serial = serial)
//   Reference, ExportFun                 reference, fun M:F/A    Reference, ExportFun (no process of
//                                                                this runtime takes either)
//
//   tag  name                   encode                          decode
//   ---  ---------------------  ------------------------------  ------------------------------
//    70  NEW_FLOAT_EXT          every float                     yes (finite only)
//    77  BIT_BINARY_EXT         bitstrings                      yes
//    80  compressed             -                               yes, with node:zlib (Node only)
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
//   110  SMALL_BIG_EXT          integers beyond 32 bits         yes, any size
//   111  LARGE_BIG_EXT          -                               yes, any size
//   113  EXPORT_EXT             ExportFun                       yes
//   114  NEW_REFERENCE_EXT      -                               yes
//   115  SMALL_ATOM_EXT         -                               yes
//   116  MAP_EXT                maps, keys in term order        yes (equal keys: error, as on BEAM)
//   118  ATOM_UTF8_EXT          atoms of 256+ bytes of UTF-8    yes
//   119  SMALL_ATOM_UTF8_EXT    atoms of < 256 bytes of UTF-8   yes
//
// Not read: ports, local funs (NEW_FUN_EXT), distribution headers; trailing
// bytes after the term are an error. Every error decoding is an EtfError.
// Term order (for map keys) is gc/compare.ts's: number < atom < reference <
// fun < pid < tuple < map < [] < list < bitstring, an integer before an equal
// float, -0.0 before 0.0, atoms by UTF-8 text.
//
// Both directions recurse on the JS stack only for nesting (tuples, maps,
// list elements), never along a list: a list is a loop.

import { Etf, ETF_MAX_STRING_LEN } from "../assembly/boundary/etf_tags.js";
import { MAX_ATOM_CHARS } from "../assembly/boundary/defaults.js";
import { ShoalError } from "./errors.js";
import { Atom, Pid, Tuple, ImproperList, Float, BitString, Reference, ExportFun, PID_SLOTS, isPidTerm, pidTerm } from "./terms.js";

/** Malformed or unsupported External Term Format bytes, or a map with two equal keys (badarg, as binary_to_term's). */
export class EtfError extends ShoalError {
  constructor(message: string) {
    super("badarg", message);
    this.name = "EtfError";
  }
}

const MAX_STRING_LEN = ETF_MAX_STRING_LEN;
const I64_MIN = -(1n << 63n), I64_MAX = (1n << 63n) - 1n;
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER), SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

// ── terms in between: what both directions go through
const K_INT = 0, K_FLOAT = 1, K_ATOM = 2, K_REF = 3, K_FUN = 4, K_PID = 5, K_TUPLE = 6, K_MAP = 7,
  K_NIL = 8, K_LIST = 9, K_BITS = 10;
/** Rank in term order of each kind. */
const RANK = [0, 0, 1, 2, 3, 5, 6, 7, 8, 9, 10];

type Ir =
  | { k: typeof K_INT; v: bigint }
  | { k: typeof K_FLOAT; v: number }
  | { k: typeof K_ATOM; atom: Atom; utf8: Uint8Array }
  | { k: typeof K_REF; ref: Reference }
  | { k: typeof K_FUN; fun: ExportFun }
  | { k: typeof K_PID; slot: number; serial: number }
  | { k: typeof K_TUPLE; els: Ir[] }
  | { k: typeof K_MAP; keys: Ir[]; vals: Ir[] }          // keys in term order
  | { k: typeof K_NIL }
  | { k: typeof K_LIST; els: Ir[]; tail: Ir }           // at least one element; tail not a list
  | { k: typeof K_BITS; bytes: Uint8Array; bits: number }; // bits used of the last byte (8: a binary)

const NIL_IR: Ir = { k: K_NIL };
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });
const atomBytes = new Map<Atom, Uint8Array>();

function atomIr(atom: Atom): Ir {
  let utf8 = atomBytes.get(atom);
  if (!utf8) {
    if ([...atom.name].length > MAX_ATOM_CHARS) throw new RangeError(`atom '${atom.name.slice(0, 20)}...' is longer than ${MAX_ATOM_CHARS} characters`);
    utf8 = utf8Encoder.encode(atom.name);
    atomBytes.set(atom, utf8);
  }
  return { k: K_ATOM, atom, utf8 };
}

// ── term order

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Integer i against finite float f by exact value; never 0 (at equal value the integer sorts first). */
function compareIntFloat(i: bigint, f: number): number {
  const fl = BigInt(Math.floor(f));
  return i > fl ? 1 : -1;       // i <= floor(f) <= f: before; i >= floor(f) + 1 > f: after
}

function compareNumbers(a: Ir, b: Ir): number {
  if (a.k === K_INT && b.k === K_INT) return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  if (a.k === K_FLOAT && b.k === K_FLOAT) {
    if (a.v < b.v) return -1;
    if (a.v > b.v) return 1;
    const na = Object.is(a.v, -0), nb = Object.is(b.v, -0);   // equal: only zeros can differ
    return na === nb ? 0 : na ? -1 : 1;                       // -0.0 before 0.0
  }
  if (a.k === K_INT) return compareIntFloat(a.v, (b as { v: number }).v);
  return -compareIntFloat((b as { v: bigint }).v, (a as { v: number }).v);
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

function compareSeq(a: Ir[], b: Ir[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compare(a[i], b[i]);
    if (c) return c;
  }
  return 0;
}

/** -1, 0 or 1 as a sorts before, equal to (=:=) or after b in term order (gc/compare.ts's). */
function compare(a: Ir, b: Ir): number {
  const ra = RANK[a.k], rb = RANK[b.k];
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (a.k) {
    case K_INT: case K_FLOAT: return compareNumbers(a, b);
    case K_ATOM: return a.atom === (b as typeof a).atom ? 0 : compareBytes(a.utf8, (b as typeof a).utf8);
    case K_REF: {
      const x = a.ref, y = (b as typeof a).ref;
      if (x.ids.length !== y.ids.length) return x.ids.length < y.ids.length ? -1 : 1;
      for (let i = x.ids.length - 1; i >= 0; i--) if (x.ids[i] !== y.ids[i]) return x.ids[i] < y.ids[i] ? -1 : 1;
      return compare(atomIr(x.node), atomIr(y.node)) || Math.sign(x.creation - y.creation);
    }
    case K_FUN: {
      const x = a.fun, y = (b as typeof a).fun;
      return compare(atomIr(x.module), atomIr(y.module)) || compare(atomIr(x.name), atomIr(y.name)) ||
        Math.sign(x.arity - y.arity);
    }
    case K_PID: {
      const y = b as typeof a;
      return a.serial !== y.serial ? (a.serial < y.serial ? -1 : 1) : Math.sign(a.slot - y.slot);
    }
    case K_TUPLE: {
      const y = b as typeof a;
      if (a.els.length !== y.els.length) return a.els.length < y.els.length ? -1 : 1;
      return compareSeq(a.els, y.els);
    }
    case K_MAP: {
      const y = b as typeof a;
      if (a.keys.length !== y.keys.length) return a.keys.length < y.keys.length ? -1 : 1;
      return compareSeq(a.keys, y.keys) || compareSeq(a.vals, y.vals);
    }
    case K_NIL: return 0;
    case K_LIST: {
      const y = b as typeof a;
      const n = Math.min(a.els.length, y.els.length);
      for (let i = 0; i < n; i++) {
        const c = compare(a.els[i], y.els[i]);
        if (c) return c;
      }
      // one ran out (or both): what is left of each, one of them a tail (never a list)
      const restA: Ir = n < a.els.length ? { k: K_LIST, els: a.els.slice(n), tail: a.tail } : a.tail;
      const restB: Ir = n < y.els.length ? { k: K_LIST, els: y.els.slice(n), tail: y.tail } : y.tail;
      return compare(restA, restB);
    }
    case K_BITS: return compareBits(a, b as typeof a);
  }
}

/** Sort a map's pairs into term order; throws on two equal keys. */
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
  if (v < I64_MIN || v > I64_MAX) throw new RangeError(`${v} is outside the 64-bit integer range`);
  return { k: K_INT, v };
}

function floatIr(v: number): Ir {
  if (!Number.isFinite(v)) throw new RangeError(`${v} is not a finite float (Erlang has no NaN or infinity)`);
  return { k: K_FLOAT, v };
}

/** A list of `els` ending in the term `tail` (which may itself be a list, joined on). */
function listIr(els: Ir[], tail: Ir): Ir {
  if (tail.k === K_LIST) { els = els.concat(tail.els); tail = tail.tail; }
  return els.length ? { k: K_LIST, els, tail } : tail;
}

function fromJS(v: unknown): Ir {
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
      if (Array.isArray(v)) return listIr(v.map(fromJS), NIL_IR);
      if (v instanceof Uint8Array) return { k: K_BITS, bytes: v, bits: 8 };
      if (v instanceof Tuple) return { k: K_TUPLE, els: v.elements.map(fromJS) };
      if (v instanceof Map) {
        const pairs: [Ir, Ir][] = [];
        for (const [key, val] of v) pairs.push([fromJS(key), fromJS(val)]);
        return sortedMap(pairs, () => new TypeError("map has two keys that are the same term"));
      }
      if (v instanceof Pid) {
        if (!isPidTerm(v.term) || v.term >> 64n) throw new RangeError(`${v.term} is not a pid term`);
        return { k: K_PID, slot: v.slot, serial: v.serial };
      }
      if (v instanceof ImproperList) return listIr(v.elements.map(fromJS), fromJS(v.tail));
      if (v instanceof Float) return floatIr(v.value);
      if (v instanceof BitString) {
        if (!Number.isInteger(v.bits) || v.bits < 1 || v.bits > 8 || v.bytes.length === 0) {
          throw new RangeError(`BitString needs a byte at least and 1..8 bits of the last (has ${v.bytes.length}, ${v.bits})`);
        }
        const bytes = v.bytes.slice();
        bytes[bytes.length - 1] &= (0xff << (8 - v.bits)) & 0xff;   // unused bits are zero
        return { k: K_BITS, bytes, bits: v.bits };
      }
      if (v instanceof Reference) return { k: K_REF, ref: v };
      if (v instanceof ExportFun) return { k: K_FUN, fun: v };
      if (isPlainObject(v)) {
        const pairs: [Ir, Ir][] = Object.entries(v).map(([key, val]) => [atomIr(Atom.of(key)), fromJS(val)]);
        return sortedMap(pairs, () => new TypeError("object keys collide"));
      }
      throw new TypeError(`cannot encode ${Object.prototype.toString.call(v)} as a term`);
    }
    default: throw new TypeError(`cannot encode a ${typeof v} as a term`);
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

const NONODE = atomIr(Atom.of("nonode@nohost"));

function writeAtom(w: Writer, a: Ir & { k: typeof K_ATOM }): void {
  if (a.utf8.length < 256) { w.u8(Etf.SMALL_ATOM_UTF8_EXT); w.u8(a.utf8.length); }
  else { w.u8(Etf.ATOM_UTF8_EXT); w.u16(a.utf8.length); }
  w.bytes(a.utf8);
}

function writeInt(w: Writer, v: bigint): void {
  if (v >= 0n && v <= 255n) { w.u8(Etf.SMALL_INTEGER_EXT); w.u8(Number(v)); return; }
  if (v >= -(1n << 31n) && v < 1n << 31n) { w.u8(Etf.INTEGER_EXT); w.u32(Number(BigInt.asUintN(32, v))); return; }
  let m = v < 0n ? -v : v;
  const digits: number[] = [];
  while (m) { digits.push(Number(m & 0xffn)); m >>= 8n; }
  if (digits.length < 256) { w.u8(Etf.SMALL_BIG_EXT); w.u8(digits.length); }
  else { w.u8(Etf.LARGE_BIG_EXT); w.u32(digits.length); }
  w.u8(v < 0n ? 1 : 0);
  w.bytes(Uint8Array.from(digits));
}

function isStringList(t: Ir & { k: typeof K_LIST }): boolean {
  if (t.tail.k !== K_NIL || t.els.length > MAX_STRING_LEN) return false;
  for (const e of t.els) if (e.k !== K_INT || e.v < 0n || e.v > 255n) return false;
  return true;
}

function write(w: Writer, t: Ir): void {
  switch (t.k) {
    case K_INT: return writeInt(w, t.v);
    case K_FLOAT: w.u8(Etf.NEW_FLOAT_EXT); w.f64(t.v); return;
    case K_ATOM: return writeAtom(w, t);
    case K_PID:
      w.u8(Etf.NEW_PID_EXT); writeAtom(w, NONODE as Ir & { k: typeof K_ATOM });
      w.u32(t.slot); w.u32(t.serial); w.u32(0);
      return;
    case K_REF: {
      const r = t.ref;
      w.u8(Etf.NEWER_REFERENCE_EXT); w.u16(r.ids.length);
      writeAtom(w, atomIr(r.node) as Ir & { k: typeof K_ATOM });
      w.u32(r.creation);
      for (const id of r.ids) w.u32(id);
      return;
    }
    case K_FUN:
      w.u8(Etf.EXPORT_EXT);
      writeAtom(w, atomIr(t.fun.module) as Ir & { k: typeof K_ATOM });
      writeAtom(w, atomIr(t.fun.name) as Ir & { k: typeof K_ATOM });
      writeInt(w, BigInt(t.fun.arity));
      return;
    case K_TUPLE:
      if (t.els.length < 256) { w.u8(Etf.SMALL_TUPLE_EXT); w.u8(t.els.length); }
      else { w.u8(Etf.LARGE_TUPLE_EXT); w.u32(t.els.length); }
      for (const e of t.els) write(w, e);
      return;
    case K_MAP:
      w.u8(Etf.MAP_EXT); w.u32(t.keys.length);
      for (let i = 0; i < t.keys.length; i++) { write(w, t.keys[i]); write(w, t.vals[i]); }
      return;
    case K_NIL: w.u8(Etf.NIL_EXT); return;
    case K_LIST:
      if (isStringList(t)) {
        w.u8(Etf.STRING_EXT); w.u16(t.els.length);
        for (const e of t.els) w.u8(Number((e as { v: bigint }).v));
        return;
      }
      w.u8(Etf.LIST_EXT); w.u32(t.els.length);
      for (const e of t.els) write(w, e);
      write(w, t.tail);
      return;
    case K_BITS:
      if (t.bits === 8) { w.u8(Etf.BINARY_EXT); w.u32(t.bytes.length); }
      else { w.u8(Etf.BIT_BINARY_EXT); w.u32(t.bytes.length); w.u8(t.bits); }
      w.bytes(t.bytes);
      return;
  }
}

/** term_to_binary(value) as OTP 26+ writes it by default (mapping in this file's opening comment). */
export function encode(value: unknown): Uint8Array {
  const w = new Writer();
  w.u8(Etf.VERSION);
  write(w, fromJS(value));
  return w.buf.slice(0, w.pos);
}

// ── bytes to terms

class Reader {
  pos = 0;
  readonly view: DataView;
  constructor(readonly buf: Uint8Array) { this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength); }
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

function readAtom(r: Reader, tag: number): Ir & { k: typeof K_ATOM } {
  let n: number, name: string;
  if (tag === Etf.ATOM_EXT || tag === Etf.ATOM_UTF8_EXT) n = r.u16();
  else if (tag === Etf.SMALL_ATOM_EXT || tag === Etf.SMALL_ATOM_UTF8_EXT) n = r.u8();
  else throw new EtfError(`expected an atom at byte ${r.pos - 1}, found tag ${tag}`);
  const bytes = r.bytes(n);
  if (tag === Etf.ATOM_EXT || tag === Etf.SMALL_ATOM_EXT) name = String.fromCharCode(...bytes);   // Latin-1
  else {
    try { name = utf8Decoder.decode(bytes); } catch { throw new EtfError(`atom at byte ${r.pos - n} is not UTF-8`); }
  }
  if ([...name].length > MAX_ATOM_CHARS) throw new EtfError(`atom longer than ${MAX_ATOM_CHARS} characters`);
  return atomIr(Atom.of(name)) as Ir & { k: typeof K_ATOM };
}

function readPid(r: Reader, tag: number): Ir {
  readAtom(r, r.u8());                        // the node: any is taken for this runtime's own
  const id = r.u32(), serial = r.u32();
  if (tag === Etf.NEW_PID_EXT) r.u32(); else r.u8();   // creation
  if (id >= PID_SLOTS) throw new EtfError(`pid ID ${id} does not fit a process slot (below ${PID_SLOTS})`);
  return { k: K_PID, slot: id, serial };
}

function readList(r: Reader, n: number): Ir {
  const els: Ir[] = [];
  for (;;) {
    for (let i = 0; i < n; i++) els.push(readTerm(r));
    // the tail: another list is joined on, iterating rather than recursing
    const tag = r.u8();
    if (tag === Etf.LIST_EXT) { n = r.u32(); continue; }
    let tail: Ir;
    if (tag === Etf.STRING_EXT) {
      const bytes = r.bytes(r.u16());
      for (const b of bytes) els.push({ k: K_INT, v: BigInt(b) });
      tail = NIL_IR;
    } else {
      r.pos--;
      tail = readTerm(r);
    }
    return listIr(els, tail);
  }
}

function readTerm(r: Reader): Ir {
  const at = r.pos;
  const tag = r.u8();
  switch (tag) {
    case Etf.SMALL_INTEGER_EXT: return { k: K_INT, v: BigInt(r.u8()) };
    case Etf.INTEGER_EXT: return { k: K_INT, v: BigInt(r.i32()) };
    case Etf.SMALL_BIG_EXT: case Etf.LARGE_BIG_EXT: {
      const n = tag === Etf.SMALL_BIG_EXT ? r.u8() : r.u32();
      const neg = r.u8() !== 0;
      const digits = r.bytes(n);
      let v = 0n;
      for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(digits[i]);
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
      if (!Number.isFinite(v)) throw new EtfError(`Etf.FLOAT_EXT at byte ${at} is not a float`);
      return { k: K_FLOAT, v };
    }
    case Etf.ATOM_EXT: case Etf.SMALL_ATOM_EXT: case Etf.ATOM_UTF8_EXT: case Etf.SMALL_ATOM_UTF8_EXT: return readAtom(r, tag);
    case Etf.SMALL_TUPLE_EXT: case Etf.LARGE_TUPLE_EXT: {
      const n = tag === Etf.SMALL_TUPLE_EXT ? r.u8() : r.u32();
      r.need(n);                                // a byte per element at least
      const els: Ir[] = new Array(n);
      for (let i = 0; i < n; i++) els[i] = readTerm(r);
      return { k: K_TUPLE, els };
    }
    case Etf.NIL_EXT: return NIL_IR;
    case Etf.STRING_EXT: {
      const bytes = r.bytes(r.u16());
      return listIr(Array.from(bytes, (b): Ir => ({ k: K_INT, v: BigInt(b) })), NIL_IR);
    }
    case Etf.LIST_EXT: {
      const n = r.u32();
      r.need(n);
      return readList(r, n);
    }
    case Etf.BINARY_EXT: return { k: K_BITS, bytes: r.bytes(r.u32()).slice(), bits: 8 };
    case Etf.BIT_BINARY_EXT: {
      const n = r.u32();
      const bits = r.u8();
      const bytes = r.bytes(n).slice();
      if (n === 0) return { k: K_BITS, bytes, bits: 8 };
      if (bits < 1 || bits > 8) throw new EtfError(`Etf.BIT_BINARY_EXT at byte ${at} uses ${bits} bits of its last byte`);
      bytes[n - 1] &= (0xff << (8 - bits)) & 0xff;
      return { k: K_BITS, bytes, bits };
    }
    case Etf.MAP_EXT: {
      const n = r.u32();
      r.need(2 * n);
      const pairs: [Ir, Ir][] = [];
      for (let i = 0; i < n; i++) { const key = readTerm(r); pairs.push([key, readTerm(r)]); }
      return sortedMap(pairs, () => new EtfError(`map at byte ${at} has two equal keys`));
    }
    case Etf.NEW_PID_EXT: case Etf.PID_EXT: return readPid(r, tag);
    case Etf.NEWER_REFERENCE_EXT: case Etf.NEW_REFERENCE_EXT: {
      const n = r.u16();
      const node = readAtom(r, r.u8()).atom;
      const creation = tag === Etf.NEWER_REFERENCE_EXT ? r.u32() : r.u8();
      const ids: number[] = [];
      for (let i = 0; i < n; i++) ids.push(r.u32());
      return { k: K_REF, ref: new Reference(node, creation, ids) };
    }
    case Etf.REFERENCE_EXT: {
      const node = readAtom(r, r.u8()).atom;
      const id = r.u32();
      return { k: K_REF, ref: new Reference(node, r.u8(), [id]) };
    }
    case Etf.EXPORT_EXT: {
      const module = readAtom(r, r.u8()).atom;
      const name = readAtom(r, r.u8()).atom;
      const arity = readTerm(r);
      if (arity.k !== K_INT || arity.v < 0n || arity.v > 255n) throw new EtfError(`fun at byte ${at} has no arity`);
      return { k: K_FUN, fun: new ExportFun(module, name, Number(arity.v)) };
    }
    default: throw new EtfError(`unsupported tag ${tag} at byte ${at}`);
  }
}

/** zlib inflate, where the host has it (Node's built-in zlib, looked up without importing it: browsers have none). */
function inflate(data: Uint8Array): Uint8Array {
  const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const zlib = host?.getBuiltinModule?.("node:zlib") as typeof import("node:zlib") | undefined;
  if (!zlib) throw new EtfError("compressed terms need node:zlib (Node 20.16 or later)");
  try { return new Uint8Array(zlib.inflateSync(data)); } catch (e) { throw new EtfError(`compressed term: ${(e as Error).message}`); }
}

function toJS(t: Ir): unknown {
  switch (t.k) {
    case K_INT: return t.v >= SAFE_MIN && t.v <= SAFE_MAX ? Number(t.v) : t.v;
    case K_FLOAT: return t.v;
    case K_ATOM: return t.atom.name === "true" ? true : t.atom.name === "false" ? false : t.atom;
    case K_REF: return t.ref;
    case K_FUN: return t.fun;
    case K_PID: return new Pid(pidTerm(t.slot, t.serial));
    case K_TUPLE: return new Tuple(t.els.map(toJS));
    case K_MAP: {
      const m = new Map<unknown, unknown>();
      for (let i = 0; i < t.keys.length; i++) m.set(toJS(t.keys[i]), toJS(t.vals[i]));
      return m;
    }
    case K_NIL: return [];
    case K_LIST: {
      const els = t.els.map(toJS);
      return t.tail.k === K_NIL ? els : new ImproperList(els, toJS(t.tail));
    }
    case K_BITS: return t.bits === 8 ? t.bytes : new BitString(t.bytes, t.bits);
  }
}

/** binary_to_term(bytes) (mapping in this file's opening comment); throws EtfError. */
export function decode(bytes: Uint8Array): unknown {
  const r = new Reader(bytes);
  if (r.u8() !== Etf.VERSION) throw new EtfError(`not External Term Format: the first byte is ${bytes[0]}, not ${Etf.VERSION}`);
  let t: Ir;
  if (bytes[1] === Etf.COMPRESSED) {
    r.pos = 2;
    const size = r.u32();
    const inner = inflate(bytes.subarray(r.pos));
    if (inner.length !== size) throw new EtfError(`compressed term: ${inner.length} bytes, ${size} promised`);
    const ir = new Reader(inner);
    t = readTerm(ir);
    if (ir.pos !== inner.length) throw new EtfError(`${inner.length - ir.pos} bytes after the compressed term`);
  } else {
    t = readTerm(r);
    if (r.pos !== bytes.length) throw new EtfError(`${bytes.length - r.pos} bytes after the term`);
  }
  return toJS(t);
}
