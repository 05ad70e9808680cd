// JS views of the immediate terms the host exchanges with the runtime
// (layout in assembly/boundary/terms.ts and docs/abi.md): atoms, pids, small
// integers.

import { Tag, TagShift, SMALL_BITS } from "../assembly/boundary/terms.js";
import { PID_SLOT_BITS } from "../assembly/boundary/defaults.js";

const IMMED1_MASK = BigInt(Tag.IMMED1_MASK);
const IMMED2_MASK = BigInt(Tag.IMMED2_MASK);
const TAG_PID = BigInt(Tag.PID);
const TAG_SMALL = BigInt(Tag.SMALL);
const TAG_ATOM = BigInt(Tag.ATOM);
const ATOM_SHIFT = BigInt(TagShift.ATOM);
const SMALL_SHIFT = BigInt(TagShift.SMALL);
const PID_SHIFT = BigInt(TagShift.PID);
/** Bits below a pid's serial: the tag and the slot. */
const SERIAL_SHIFT = BigInt(TagShift.PID + PID_SLOT_BITS);
const SLOT_MASK = (1n << BigInt(PID_SLOT_BITS)) - 1n;
/** The term [] (nil). */
export const NIL = BigInt(Tag.NIL);
const SMALL_MAX = (1n << BigInt(SMALL_BITS - 1)) - 1n;
const SMALL_MIN = -(1n << BigInt(SMALL_BITS - 1));

/** An Erlang atom. One object per name, so atoms compare with ===. */
export class Atom {
  private static readonly table = new Map<string, Atom>();
  private constructor(readonly name: string) {}
  /** The atom named `name`. */
  static of(name: string): Atom {
    let a = Atom.table.get(name);
    if (!a) Atom.table.set(name, (a = new Atom(name)));
    return a;
  }
  toString(): string { return /^[a-z][A-Za-z0-9_@]*$/.test(this.name) ? this.name : `'${this.name}'`; }
}

/** A process identifier: its table slot and the slot's serial, which never repeat. */
export class Pid {
  constructor(readonly term: bigint) {}
  get slot(): number { return Number((this.term >> PID_SHIFT) & SLOT_MASK); }
  get serial(): number { return Number(this.term >> SERIAL_SHIFT); }
  equals(other: Pid): boolean { return other.term === this.term; }
  toString(): string { return `<0.${this.slot}.${this.serial}>`; }
}

export const isSmallTerm = (t: bigint): boolean => (t & IMMED1_MASK) === TAG_SMALL;
export const isAtomTerm = (t: bigint): boolean => (t & IMMED2_MASK) === TAG_ATOM;
export const isPidTerm = (t: bigint): boolean => (t & IMMED1_MASK) === TAG_PID;
/** The term for atom-table index i. */
export const atomTerm = (i: number): bigint => (BigInt(i) << ATOM_SHIFT) | TAG_ATOM;
/** The atom-table index of an atom term. */
export const atomIndexOf = (t: bigint): number => Number(t >> ATOM_SHIFT);
/** The pid term of process-table slot `slot` under `serial`. */
export const pidTerm = (slot: number, serial: number): bigint =>
  (BigInt(serial) << SERIAL_SHIFT) | (BigInt(slot) << PID_SHIFT) | TAG_PID;
/** Pid slots there are (a pid's slot is below this). */
export const PID_SLOTS = 1 << PID_SLOT_BITS;

/** Small-integer term for `n`; throws RangeError outside the 60-bit small range. */
export function smallTerm(n: number | bigint): bigint {
  const v = BigInt(n);
  if (v > SMALL_MAX || v < SMALL_MIN) throw new RangeError(`${n} is outside the small-integer range`);
  return BigInt.asUintN(64, v << SMALL_SHIFT) | TAG_SMALL;
}

/** The value of a small-integer term (a number when it is a safe integer). */
export function smallValue(t: bigint): number | bigint {
  const v = BigInt.asIntN(64, t) >> SMALL_SHIFT;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

// ── values the External Term Format codec (host/etf.ts) adds

/** An Erlang tuple: {elements...}. */
export class Tuple {
  constructor(readonly elements: unknown[]) {}
  toString(): string { return `{${this.elements.map(String).join(",")}}`; }
}

/** An improper list: [elements... | tail], `tail` not a list. */
export class ImproperList {
  constructor(readonly elements: unknown[], readonly tail: unknown) {}
}

/** A float whatever its value: encodes 2.0 as a float where the number 2 would be an integer. */
export class Float {
  constructor(readonly value: number) {}
}

/** A bitstring whose size is not a whole number of bytes: `bits` (1..7) of the last byte are used, from its top. */
export class BitString {
  constructor(readonly bytes: Uint8Array, readonly bits: number) {}
}

/** A reference, as another node's External Term Format carries it (the runtime has none of its own). */
export class Reference {
  constructor(readonly node: Atom, readonly creation: number, readonly ids: number[]) {}
}

/** An external fun, fun Module:Name/Arity (decoded and encoded; no process can call it). */
export class ExportFun {
  constructor(readonly module: Atom, readonly name: Atom, readonly arity: number) {}
  toString(): string { return `fun ${this.module}:${this.name}/${this.arity}`; }
}

/**
 * A decoded term (host/etf.ts's JS forms) written as Erlang's io:format("~w")
 * writes it: [1,2], {a,<<"b">>}, #{k => v}, <0.5.0>. For exit reasons and
 * messages in logs; not a parser's input.
 */
export function formatTerm(v: unknown): string {
  if (v === null || v === undefined) return "[]";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : floatText(v);
  if (typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (typeof v === "string") return formatTerm(new TextEncoder().encode(v));
  if (v instanceof Float) return floatText(v.value);
  if (v instanceof Tuple) return `{${v.elements.map(formatTerm).join(",")}}`;
  if (Array.isArray(v)) return `[${v.map(formatTerm).join(",")}]`;
  if (v instanceof ImproperList) return `[${v.elements.map(formatTerm).join(",")}|${formatTerm(v.tail)}]`;
  if (v instanceof Uint8Array) return `<<${Array.from(v).join(",")}>>`;
  if (v instanceof BitString) return `<<${[...Array.from(v.bytes.subarray(0, -1)), `${v.bytes[v.bytes.length - 1] >> (8 - v.bits)}:${v.bits}`].join(",")}>>`;
  if (v instanceof Map) return `#{${[...v].map(([k, x]) => `${formatTerm(k)} => ${formatTerm(x)}`).join(",")}}`;
  return String(v);   // Atom, Pid, Reference, ExportFun: their own toString
}

/** A float as Erlang's ~w prints one: always with a point. */
function floatText(x: number): string {
  const s = String(x);
  return /[.eE]|Infinity|NaN/.test(s) ? s.replace(/e([+-])/, "e$1") : `${s}.0`;
}
