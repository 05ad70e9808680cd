// Literals: the constant terms of a .beam file's LitT chunk (and the
// constants of its instructions that need words, such as floats), laid out as
// Shoal terms in the compiled module's one data segment, where the collector
// never moves them (docs/abi.md "Linking, data and literals").
//
// The module is relocatable: its data lands at __memory_base, known only when
// the link step has placed it, and the runtime numbers atoms only at run
// time. So the words are written base-relative, and a relocation table says
// which words to fix when the module first runs (module.ts's $init):
//
//   data segment (offsets from __memory_base, every object 8-byte aligned)
//   ┌────────────────────────────────────────────────────────────────────┐
//   │ literals: cons cells (2 words), boxed terms (header + words)       │
//   │ atom table: one i64 per atom the module uses, its term (filled in) │
//   │ relocations: u32 pairs (word offset, what): what = 0: add the base │
//   │              (a pointer); what = 1 + i: atom i's term; what =      │
//   │              0x80000000 | j: add (table base + j) << 4 (an export  │
//   │              fun's entry: the module's thunk j, in its table);     │
//   │              0x40000000 | i: add (table base + i) << 4 (the entry  │
//   │              of lambda i, a fun of no free variables: lambdaFun)   │
//   │ atom names (UTF-8, back to back)                                   │
//   └────────────────────────────────────────────────────────────────────┘
//
// A literal is read straight from its External Term Format (the bytes LitT
// holds), so nothing is lost on the way through JavaScript values: a string
// stays a list of small integers. A map's keys go in Shoal's order, map-key
// order: OTP writes a map of up to 32 keys in that order already, a larger one
// in its hash trie's order, which is sorted here (host/etf.ts mapKeyOrder).
//
// Invariants: a literal is immutable and lives as long as the program; its
// words never point into a process heap.

import { CompileError } from "./error.js";
import { mapKeyOrder } from "../../host/etf.js";
import { PREDEFINED_ATOM_NAMES } from "../../assembly/boundary/atoms.js";
import { Tag, TagShift, SMALL_BITS, Subtag } from "../../assembly/boundary/terms.js";

/** A term as the code generator holds it: an immediate word, or a base-relative address with its tag. */
export type Word =
  | { kind: "imm"; value: bigint }                 // a small integer, [], ... (no relocation)
  | { kind: "slot"; value: bigint; thunk: number } // value + (this module's table base + thunk) << 4: an export fun's entry word
  | { kind: "lambda"; value: bigint; index: number } // value + (this module's table base + index) << 4: lambda index's entry word
  | { kind: "atom"; atom: number }                 // atom i of the module's atom list
  | { kind: "ptr"; offset: number; tag: 1 | 2 };   // list (1) or boxed (2), at base + offset

/** Predefined atoms' fixed numbers (assembly/boundary/atoms.ts): no global needed. */
export const PREDEFINED: Readonly<Record<string, number>> =
  Object.fromEntries(PREDEFINED_ATOM_NAMES.split(" ").map((name, i) => [name, i]));
export const atomTerm = (n: number): bigint => (BigInt(n) << BigInt(TagShift.ATOM)) | BigInt(Tag.ATOM);

const SMALL_MIN = -(1n << BigInt(SMALL_BITS - 1)), SMALL_MAX = (1n << BigInt(SMALL_BITS - 1)) - 1n;
export const NIL = BigInt(Tag.NIL);
export const small = (v: bigint): bigint => (v << BigInt(TagShift.SMALL)) | BigInt(Tag.SMALL);
export const fitsSmall = (v: bigint): boolean => v >= SMALL_MIN && v <= SMALL_MAX;

/** Header word of a boxed term: arity << 6 | subtag << 2. */
export const header = (arity: number, subtag: number): bigint => (BigInt(arity) << 6n) | (BigInt(subtag) << 2n);
export const SUB = Subtag;

/** The module's data: atoms and literal terms, built up while compiling. */
export class DataBuilder {
  /** Atom names in the order the module numbers them. */
  readonly atoms: string[] = [];
  private readonly atomIndex = new Map<string, number>();
  private words: Word[] = [];   // the literal area, word by word

  /** The module's number for atom `name` (added if new). */
  atom(name: string): number {
    let i = this.atomIndex.get(name);
    if (i === undefined) {
      i = this.atoms.length;
      this.atoms.push(name);
      this.atomIndex.set(name, i);
    }
    return i;
  }

  /** Arities that need an export-fun thunk, in the order of their thunk numbers. */
  readonly thunkArities: number[] = [];
  /** The thunk number for calling an export fun of `arity` (added if new). */
  exportThunk(arity: number): number {
    let j = this.thunkArities.indexOf(arity);
    if (j < 0) { j = this.thunkArities.length; this.thunkArities.push(arity); }
    return j;
  }

  private readonly lambdaFuns = new Map<number, Word>();
  /**
   * Lambda `index` (of `arity` arguments, no free variables) as a literal fun: what make_fun would
   * build on the heap, built once. Such a fun holds nothing of the process that made it, so it
   * need not live on its heap: making it allocates nothing, and spawning it copies nothing (the
   * child shares the literal: assembly/runtime/apply.ts spawnFun). Its entry word is lambda
   * `index`'s table slot (the funs come first in the module's table: module.ts).
   */
  lambdaFun(index: number, arity: number): Word {
    let w = this.lambdaFuns.get(index);
    if (!w) {
      if (index >= 0x40000000) throw new CompileError(`fun ${index}: more funs than a relocation can number`);
      w = this.boxed(SUB.FUN, [{ kind: "lambda", value: small(BigInt(arity) << 32n), index }]);
      this.lambdaFuns.set(index, w);
    }
    return w;
  }

  /** A literal from its External Term Format (version byte included). */
  literal(etf: Uint8Array, what: string): Word {
    const r = new EtfReader(etf, what);
    if (r.u8() !== 131) throw new CompileError(`${what}: not External Term Format (no version byte 131)`);
    return this.term(r);
  }

  /** A boxed float constant. */
  float(v: number): Word {
    const at = this.alloc(2);
    this.words[at] = { kind: "imm", value: header(1, SUB.FLOAT) };
    this.words[at + 1] = { kind: "imm", value: f64Bits(v) };
    return { kind: "ptr", offset: at * 8, tag: 2 };
  }

  /** An integer constant: small, or a big (sign, then 64-bit limbs least significant first: gc/term/bignum.ts). */
  integer(v: bigint, _what: string): Word {
    if (fitsSmall(v)) return { kind: "imm", value: small(v) };
    let m = v < 0n ? -v : v;
    const limbs: bigint[] = [];
    while (m > 0n) { limbs.push(m & 0xFFFFFFFFFFFFFFFFn); m >>= 64n; }
    return this.boxed(SUB.BIG, [{ kind: "imm", value: v < 0n ? 1n : 0n }, ...limbs.map((l) => ({ kind: "imm" as const, value: l }))]);
  }

  /** Raw bytes (a string of the StrT chunk) in the literal area: their offset from the segment's start. */
  raw(bytes: Uint8Array): number {
    const n = Math.ceil(bytes.length / 8);
    const at = this.alloc(Math.max(1, n));
    for (let i = 0; i < n; i++) {
      let w = 0n;
      for (let j = 7; j >= 0; j--) w = (w << 8n) | BigInt(bytes[i * 8 + j] ?? 0);
      this.words[at + i] = { kind: "imm", value: w };
    }
    return at * 8;
  }

  private alloc(n: number): number {
    const at = this.words.length;
    for (let i = 0; i < n; i++) this.words.push({ kind: "imm", value: 0n });
    return at;
  }

  /** A tuple, a proper list and a string (a list of character codes) of words: literals the compiler makes itself. */
  tupleOf(els: Word[]): Word { return this.boxed(SUB.TUPLE, els); }
  listOf(items: Word[]): Word { return this.list(items, { kind: "imm", value: NIL }); }
  string(s: string): Word { return this.listOf([...s].map((ch) => ({ kind: "imm" as const, value: small(BigInt(ch.codePointAt(0)!)) }))); }

  private cons(head: Word, tail: Word): Word {
    const at = this.alloc(2);
    this.words[at] = head;
    this.words[at + 1] = tail;
    return { kind: "ptr", offset: at * 8, tag: 1 };
  }

  private list(items: Word[], tail: Word): Word {
    let t = tail;
    for (let i = items.length - 1; i >= 0; i--) t = this.cons(items[i], t);
    return t;
  }

  private boxed(subtag: number, body: Word[]): Word {
    const at = this.alloc(1 + body.length);
    this.words[at] = { kind: "imm", value: header(body.length, subtag) };
    body.forEach((w, i) => { this.words[at + 1 + i] = w; });
    return { kind: "ptr", offset: at * 8, tag: 2 };
  }

  private binary(bytes: Uint8Array): Word {
    // a heap binary: header, byte size, the bytes zero-padded to a word (docs/abi.md "Boxed terms")
    const n = Math.ceil(bytes.length / 8);
    const body: Word[] = [{ kind: "imm", value: BigInt(bytes.length) }];
    for (let i = 0; i < n; i++) {
      let w = 0n;
      for (let j = 7; j >= 0; j--) w = (w << 8n) | BigInt(bytes[i * 8 + j] ?? 0);
      body.push({ kind: "imm", value: w });
    }
    return this.boxed(SUB.HEAP_BIN, body);
  }

  private term(r: EtfReader): Word {
    const tag = r.u8();
    switch (tag) {
      case 97: return { kind: "imm", value: small(BigInt(r.u8())) };                   // SMALL_INTEGER_EXT
      case 98: return { kind: "imm", value: small(BigInt(r.i32())) };                  // INTEGER_EXT
      case 70: return this.float(r.f64());                                             // NEW_FLOAT_EXT
      case 119: return { kind: "atom", atom: this.atom(r.utf8(r.u8())) };              // SMALL_ATOM_UTF8_EXT
      case 118: return { kind: "atom", atom: this.atom(r.utf8(r.u16())) };             // ATOM_UTF8_EXT
      case 115: return { kind: "atom", atom: this.atom(r.latin1(r.u8())) };            // SMALL_ATOM_EXT
      case 100: return { kind: "atom", atom: this.atom(r.latin1(r.u16())) };           // ATOM_EXT
      case 104: case 105: {                                                            // SMALL_TUPLE_EXT, LARGE_TUPLE_EXT
        const n = tag === 104 ? r.u8() : r.u32();
        const els: Word[] = [];
        for (let i = 0; i < n; i++) els.push(this.term(r));
        return this.boxed(SUB.TUPLE, els);
      }
      case 106: return { kind: "imm", value: NIL };                                    // NIL_EXT
      case 107: {                                                                      // STRING_EXT: bytes as a list of integers
        const n = r.u16();
        const items: Word[] = [];
        for (let i = 0; i < n; i++) items.push({ kind: "imm", value: small(BigInt(r.u8())) });
        return this.list(items, { kind: "imm", value: NIL });
      }
      case 108: {                                                                      // LIST_EXT
        const n = r.u32();
        const items: Word[] = [];
        for (let i = 0; i < n; i++) items.push(this.term(r));
        return this.list(items, this.term(r));
      }
      case 109: return this.binary(r.bytes(r.u32()));                                  // BINARY_EXT
      case 77: {                                                                       // BIT_BINARY_EXT: Len, Bits (used of the last byte), bytes
        const n = r.u32(), b = r.u8();
        const bytes = r.bytes(n).slice();
        if ((b === 0) !== (n === 0) || b > 8) throw new CompileError(`${r.what}: a bitstring that uses ${b} bits of its last byte`);
        if (n === 0 || b === 8) return this.binary(bytes);
        bytes[n - 1] &= (0xff << (8 - b)) & 0xff;     // the unused bits are 0 (gc/term/term.ts)
        // a bitstring box: its size in bits (a small), then its binary (docs/abi.md "Boxed terms")
        return this.boxed(SUB.BITS, [{ kind: "imm", value: small(BigInt((n - 1) * 8 + b)) }, this.binary(bytes)]);
      }
      case 110: case 111: {                                                            // SMALL_BIG_EXT, LARGE_BIG_EXT
        const n = tag === 110 ? r.u8() : r.u32();
        const sign = r.u8();
        let v = 0n;
        const digits = r.bytes(n);
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(digits[i]);
        return this.integer(sign ? -v : v, r.what);
      }
      case 113: {                                                                      // EXPORT_EXT: fun M:F/A
        const m = this.term(r), f = this.term(r), a = this.term(r);
        if (m.kind !== "atom" || f.kind !== "atom" || a.kind !== "imm") throw new CompileError(`${r.what}: a malformed fun M:F/A`);
        const arity = Number(a.value >> 4n);
        // a fun of two free variables (M, F) whose code is the module's thunk for that arity, which
        // calls M:F by name (module.ts): an entry's type has no fun parameter, a fun's code does
        return this.boxed(SUB.FUN, [{ kind: "slot", value: small(BigInt(arity) << 32n), thunk: this.exportThunk(arity) }, m, f]);
      }
      case 116: {                                                                      // MAP_EXT: pairs, in the order written
        const n = r.u32();
        let keys: Word[] = [], values: Word[] = [];
        const spans: [number, number][] = [];
        for (let i = 0; i < n; i++) {
          const from = r.pos;
          keys.push(this.term(r));
          spans.push([from, r.pos]);
          values.push(this.term(r));
        }
        if (n > 32) {
          const order = mapKeyOrder(spans.map(([from, to]) => r.slice(from, to)));
          keys = order.map((i) => keys[i]);
          values = order.map((i) => values[i]);
        }
        return this.boxed(SUB.MAP, [{ kind: "imm", value: small(BigInt(n)) }, ...keys, ...values]);
      }
      default:
        throw new CompileError(`${r.what}: External Term Format tag ${tag} in a literal is not supported yet`);
    }
  }

  /**
   * The data segment's bytes and where its parts are. `atomTable` and `relocations` are
   * offsets from the segment's start; `relocationCount` pairs.
   */
  layout(): { bytes: Uint8Array; atomNames: { offset: number; length: number }[]; atomTable: number; relocations: number; relocationCount: number } {
    // literals first, at offset 0, so that an address handed out while compiling stays right
    // however many atoms are added after it
    const enc = new TextEncoder();
    const relocs: [number, number][] = [];
    this.words.forEach((w, i) => {
      if (w.kind === "ptr") relocs.push([8 * i, 0]);
      else if (w.kind === "atom") {
        // (1 + i stays below the lambda flag, 0x40000000: $init tells the kinds apart by it)
        if (w.atom >= 0x3FFFFFFF) throw new CompileError(`atom ${w.atom}: more atoms than a relocation can number`);
        relocs.push([8 * i, 1 + w.atom]);
      }
      else if (w.kind === "slot") relocs.push([8 * i, (0x80000000 | w.thunk) >>> 0]);
      else if (w.kind === "lambda") relocs.push([8 * i, (0x40000000 | w.index) >>> 0]);
    });
    const atomTable = 8 * this.words.length;
    const relocations = atomTable + 8 * this.atoms.length;
    let at = relocations + 8 * relocs.length;
    const names = this.atoms.map((a) => enc.encode(a));
    const atomNames = names.map((n) => { const o = { offset: at, length: n.length }; at += n.length; return o; });
    const bytes = new Uint8Array(align8(at));
    const view = new DataView(bytes.buffer);
    this.words.forEach((w, i) => {
      // pointers are written base-relative (tag included); atoms are written at init
      const v = w.kind === "imm" || w.kind === "slot" || w.kind === "lambda" ? w.value : w.kind === "ptr" ? BigInt(w.offset) | BigInt(w.tag) : 0n;
      view.setBigUint64(8 * i, BigInt.asUintN(64, v), true);
    });
    relocs.forEach(([off, what], i) => { view.setUint32(relocations + 8 * i, off, true); view.setUint32(relocations + 8 * i + 4, what, true); });
    names.forEach((n, i) => bytes.set(n, atomNames[i].offset));
    return { bytes, atomNames, atomTable, relocations, relocationCount: relocs.length };
  }
}

const align8 = (n: number): number => (n + 7) & ~7;

export function f64Bits(v: number): bigint {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v, true);
  return dv.getBigUint64(0, true);
}

/** Reads External Term Format, bounds-checked, naming the literal in its errors. */
class EtfReader {
  private at = 0;
  private readonly view: DataView;
  constructor(private readonly b: Uint8Array, readonly what: string) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  private need(n: number): void {
    if (this.at + n > this.b.length) throw new CompileError(`${this.what}: External Term Format ends early`);
  }
  /** Where the next byte is read from, and the bytes between two such places (for a term's own bytes). */
  get pos(): number { return this.at; }
  slice(from: number, to: number): Uint8Array { return this.b.subarray(from, to); }
  u8(): number { this.need(1); return this.b[this.at++]; }
  u16(): number { this.need(2); const v = this.view.getUint16(this.at); this.at += 2; return v; }
  u32(): number { this.need(4); const v = this.view.getUint32(this.at); this.at += 4; return v; }
  i32(): number { this.need(4); const v = this.view.getInt32(this.at); this.at += 4; return v; }
  f64(): number { this.need(8); const v = this.view.getFloat64(this.at); this.at += 8; return v; }
  bytes(n: number): Uint8Array { this.need(n); const v = this.b.subarray(this.at, this.at + n); this.at += n; return v; }
  utf8(n: number): string { return new TextDecoder().decode(this.bytes(n)); }
  latin1(n: number): string { return String.fromCharCode(...this.bytes(n)); }
}
