// JS views of the terms the host exchanges with the runtime (layout in
// assembly/boundary/terms.ts and docs/abi.md): atoms, pids, references, small
// integers.

import { Tag, TagShift, SMALL_BITS } from "../assembly/boundary/terms.js";
import { PID_SLOT_BITS, MAX_ATOM_CHARS } from "../assembly/boundary/defaults.js";
// errors.ts imports this file too (ShoalError's reason is an Atom); neither uses the other while loading
import { BadargError } from "./errors.js";

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

/**
 * An Erlang atom. One object per name while anything holds it, so atoms
 * compare with ===. The table holds its atoms weakly: an atom nobody holds is
 * collected, and its entry goes with it (so names that came and went, from
 * runtimes long stopped, cost nothing); Atom.of the same name later makes a
 * new object, which nothing can compare with the old one, as nothing holds it.
 */
export class Atom {
  private static readonly table = new Map<string, WeakRef<Atom>>();
  /** Drops a collected atom's entry, unless the name has been made again since. */
  private static readonly sweeper = new FinalizationRegistry<string>((name) => {
    if (Atom.table.get(name)?.deref() === undefined) Atom.table.delete(name);
  });
  private constructor(readonly name: string) {}
  /**
   * The atom named `name`. BadargError if the name is not text an atom can
   * have: a lone surrogate (no UTF-8 for it, so it would cross as another
   * atom), or more than MAX_ATOM_CHARS (255) characters, counted as BEAM
   * counts them, in code points.
   */
  static of(name: string): Atom {
    let a = Atom.table.get(name)?.deref();
    if (a) return a;
    checkAtomName(name);
    a = new Atom(name);
    Atom.table.set(name, new WeakRef(a));
    Atom.sweeper.register(a, name);
    return a;
  }
  /**
   * How many atoms the table holds now. Entries whose atom has been collected
   * but not yet swept are swept here first, so that after a collection the
   * count is exact whenever the finalizers run.
   */
  static interned(): number {
    for (const [name, ref] of Atom.table) if (ref.deref() === undefined) Atom.table.delete(name);
    return Atom.table.size;
  }
  toString(): string { return /^[a-z][A-Za-z0-9_@]*$/.test(this.name) ? this.name : `'${this.name}'`; }
}

/** Throws BadargError unless `name` is a string of well-formed UTF-16 (so it has UTF-8) of at most MAX_ATOM_CHARS code points. */
function checkAtomName(name: string): void {
  if (typeof name !== "string") throw new BadargError(`an atom's name is a string, not ${typeof name}`);
  let chars = 0;
  for (let i = 0; i < name.length; i++, chars++) {
    const c = name.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < name.length ? name.charCodeAt(i + 1) : 0;
      if (c > 0xdbff || d < 0xdc00 || d > 0xdfff) {
        throw new BadargError(`an atom's name must be text: ${quoteStart(name)} has a lone surrogate (\\u${c.toString(16)}) at index ${i}`);
      }
      i++;
    }
  }
  if (chars > MAX_ATOM_CHARS) throw new BadargError(`atom ${quoteStart(name)} has ${chars} characters, more than ${MAX_ATOM_CHARS}`);
}

/** The start of a name, for an error message: at most 20 UTF-16 units, JSON-quoted (lone surrogates escaped). */
function quoteStart(name: string): string {
  return name.length <= 20 ? JSON.stringify(name) : `${JSON.stringify(name.slice(0, 20))}...`;
}

/** The node of every pid and reference a runtime here makes (none is distributed); held, so it stays the one atom. */
export const NONODE: Atom = Atom.of("nonode@nohost");

/** A process identifier: its table slot and the slot's serial, which never repeat. */
export class Pid {
  /**
   * `term`: the pid word (slot and serial); `creation`: which runtime made it (each picks its own, as
   * a BEAM node does at start; Runtime.creation); `node`: 'nonode@nohost' for every runtime here,
   * another for pids of a distributed BEAM node read from the External Term Format. A runtime only
   * reaches its own pids: any other is a process it does not have.
   */
  constructor(readonly term: bigint, readonly creation = 0, readonly node: Atom = NONODE) {}
  get slot(): number { return Number((this.term >> PID_SHIFT) & SLOT_MASK); }
  get serial(): number { return Number(this.term >> SERIAL_SHIFT); }
  equals(other: Pid): boolean { return other.term === this.term && other.creation === this.creation && other.node === this.node; }
  toString(): string { return this.node === NONODE ? `<0.${this.slot}.${this.serial}>` : `<${this.node}.${this.slot}.${this.serial}>`; }
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
  toString(): string { return formatTerm(this); }
}

/** An improper list: [elements... | tail], `tail` not a list. */
export class ImproperList {
  constructor(readonly elements: unknown[], readonly tail: unknown) {}
  toString(): string { return formatTerm(this); }
}

/**
 * A float whatever its value: encodes 2.0 as a float where the number 2 would
 * be an integer. Decoding gives one for every float with an integral value
 * (2.0, -0.0, 1.0e300), so that it goes back as a float, and 1 and 1.0 stay
 * two map keys; other floats decode to plain numbers.
 */
export class Float {
  constructor(readonly value: number) {}
  /** As Erlang writes it: 2.0, -0.0, 1.0e300. */
  toString(): string { return formatTerm(this); }
}

/** A bitstring whose size is not a whole number of bytes: `bits` (1..7) of the last byte are used, from its top. */
export class BitString {
  constructor(readonly bytes: Uint8Array, readonly bits: number) {}
  toString(): string { return formatTerm(this); }
}

/**
 * A reference (erlang:make_ref/0, the reference of a timer): its ids as the External Term Format
 * numbers them (ids[0] first; a runtime's have three), the creation of the runtime (or BEAM node
 * incarnation) that made it, and its node: 'nonode@nohost' for every runtime here, another for
 * references of a distributed BEAM node. Two are the same reference when all three are equal
 * (equals): a reference of another runtime never names one of this runtime's timers. Processes
 * hold references of 'nonode@nohost' with three ids, of any creation.
 */
export class Ref {
  readonly ids: readonly number[];
  constructor(ids: readonly number[], readonly creation = 0, readonly node: Atom = NONODE) {
    if (!Array.isArray(ids) || ids.length > 5 || !ids.every((id) => Number.isInteger(id) && id >= 0 && id <= 0xffff_ffff)) {
      throw new RangeError(`a reference's ids are at most 5 whole numbers from 0 to 2^32 - 1, not ${String(ids).slice(0, 60)}`);
    }
    if (!Number.isInteger(creation) || creation < 0 || creation > 0xffff_ffff) {
      throw new RangeError(`a reference's creation is a whole number from 0 to 2^32 - 1, not ${String(creation).slice(0, 30)}`);
    }
    this.ids = Object.freeze([...ids]);
  }
  equals(other: Ref): boolean {
    return other instanceof Ref && other.creation === this.creation && other.node === this.node
      && other.ids.length === this.ids.length && other.ids.every((id, i) => id === this.ids[i]);
  }
  /** As Erlang prints one: #Ref<0.ids[2].ids[1].ids[0]> (the node's name for another node's). */
  toString(): string {
    const ids = [...this.ids].reverse().join(".");
    return this.node === NONODE ? `#Ref<0.${ids}>` : `#Ref<${this.node}.${ids}>`;
  }
}

/** An external fun, fun Module:Name/Arity (decoded and encoded; no process can call it). */
export class ExportFun {
  constructor(readonly module: Atom, readonly name: Atom, readonly arity: number) {}
  toString(): string { return `fun ${this.module}:${this.name}/${this.arity}`; }
}

/**
 * A decoded term (host/etf.ts's JS forms) written as Erlang's io:format("~w")
 * writes it: [1,2], {a,<<"b">>}, #{k => v}, <0.5.0>. For exit reasons and
 * messages in logs; not a parser's input. Iterative (an explicit stack of
 * what is still to write), so any depth of nesting prints; a cyclic JS value,
 * which no term is, is a TypeError.
 */
export function formatTerm(v: unknown): string {
  const out: string[] = [];
  // what is left to write, last first: text as is (Lit), a container to close, or a value
  const todo: unknown[] = [v];
  const open = new Set<object>();                 // containers being written: a cycle meets one again
  while (todo.length) {
    const x = todo.pop();
    if (x instanceof Lit) { out.push(x.text); continue; }
    if (x instanceof Close) { out.push(x.text); open.delete(x.of); continue; }
    const items = containerItems(x);
    if (!items) { out.push(leafText(x)); continue; }
    const c = x as object;
    if (open.has(c)) throw new TypeError("formatTerm: the value contains itself (no term does)");
    open.add(c);
    out.push(items.openText);
    todo.push(new Close(items.closeText, c));
    const els = items.els;
    for (let i = els.length - 1; i >= 0; i--) {
      todo.push(els[i]);
      if (i > 0) todo.push(items.seps[i - 1] ?? COMMA);
    }
  }
  return out.join("");
}

class Lit { constructor(readonly text: string) {} }
class Close { constructor(readonly text: string, readonly of: object) {} }
const COMMA = new Lit(","), ARROW = new Lit(" => "), BAR = new Lit("|");

/** A container's parts in writing order, with what goes between them (a comma unless seps says otherwise). */
function containerItems(v: unknown): { openText: string; closeText: string; els: unknown[]; seps: Lit[] } | undefined {
  if (v instanceof Tuple) return { openText: "{", closeText: "}", els: v.elements, seps: [] };
  if (Array.isArray(v)) return { openText: "[", closeText: "]", els: v, seps: [] };
  if (v instanceof ImproperList) {
    const seps = v.elements.map((_, i) => (i === v.elements.length - 1 ? BAR : COMMA));
    return { openText: v.elements.length ? "[" : "[|", closeText: "]", els: [...v.elements, v.tail], seps };
  }
  if (v instanceof Map) {
    const els: unknown[] = [], seps: Lit[] = [];
    for (const [k, x] of v) { if (els.length) seps.push(COMMA); els.push(k, x); seps.push(ARROW); }
    return { openText: "#{", closeText: "}", els, seps };
  }
  return undefined;
}

function leafText(v: unknown): string {
  if (v === null || v === undefined) return "[]";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : floatText(v);
  if (typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (typeof v === "string") return leafText(new TextEncoder().encode(v));
  if (v instanceof Float) return floatText(v.value);
  if (v instanceof Uint8Array) return `<<${Array.from(v).join(",")}>>`;
  if (v instanceof BitString) return `<<${[...Array.from(v.bytes.subarray(0, -1)), `${v.bytes[v.bytes.length - 1] >> (8 - v.bits)}:${v.bits}`].join(",")}>>`;
  return String(v);   // Atom, Pid, Ref, ExportFun: their own toString
}

/**
 * A float as Erlang's ~w writes one (OTP 25's float_to_list(X, [short])):
 * the fewest digits that read back as x, written plain (12345678.9, 0.0001)
 * or in scientific form (1.0e5, 1.2e-4), whichever is shorter, plain on a tie,
 * but never plain from 2^53 up; always with a point and a digit after it.
 */
function floatText(x: number): string {
  if (!Number.isFinite(x)) return String(x);       // no term: only a JS value can hold one
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const [mantissa, exp] = Math.abs(x).toExponential().split("e");   // shortest digits that round-trip
  const e = Number(exp), digits = mantissa.replace(".", "");
  const sci = `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}e${e}`;
  const plain = e >= 0
    ? `${digits.slice(0, e + 1).padEnd(e + 1, "0")}.${digits.slice(e + 1) || "0"}`
    : `0.${"0".repeat(-e - 1)}${digits}`;
  return sign + (Math.abs(x) < 2 ** 53 && plain.length <= sci.length ? plain : sci);
}
