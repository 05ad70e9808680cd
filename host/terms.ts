// JS views of the immediate terms the host exchanges with the runtime
// (layout in gc/term.ts and docs/abi.md): atoms, pids, small integers.

const TAG_IMMED1_MASK = 0xfn;
const TAG_PID = 0x3n;
const TAG_SMALL = 0xfn;
const TAG_IMMED2_MASK = 0x3fn;
const TAG_ATOM = 0x0bn;
export const NIL = 0x3bn;
const SMALL_MAX = (1n << 59n) - 1n;
const SMALL_MIN = -(1n << 59n);

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
  get slot(): number { return Number((this.term >> 4n) & 0xfffffffn); }
  get serial(): number { return Number(this.term >> 32n); }
  equals(other: Pid): boolean { return other.term === this.term; }
  toString(): string { return `<0.${this.slot}.${this.serial}>`; }
}

export const isSmallTerm = (t: bigint): boolean => (t & TAG_IMMED1_MASK) === TAG_SMALL;
export const isAtomTerm = (t: bigint): boolean => (t & TAG_IMMED2_MASK) === TAG_ATOM;
export const isPidTerm = (t: bigint): boolean => (t & TAG_IMMED1_MASK) === TAG_PID;
/** The term for atom-table index i. */
export const atomTerm = (i: number): bigint => (BigInt(i) << 6n) | TAG_ATOM;
/** The atom-table index of an atom term. */
export const atomIndexOf = (t: bigint): number => Number(t >> 6n);

/** Small-integer term for `n`; throws RangeError outside the 60-bit small range. */
export function smallTerm(n: number | bigint): bigint {
  const v = BigInt(n);
  if (v > SMALL_MAX || v < SMALL_MIN) throw new RangeError(`${n} is outside the small-integer range`);
  return (BigInt.asUintN(64, v << 4n)) | TAG_SMALL;
}

/** The value of a small-integer term (a number when it is a safe integer). */
export function smallValue(t: bigint): number | bigint {
  const v = BigInt.asIntN(64, t) >> 4n;
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
