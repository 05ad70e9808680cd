// The compact term encoding of the Code chunk's operands (and of the Line
// chunk's items), as beam_asm:encode/2 writes it and erts' beam_file.c
// (beamreader_read_tagged, beamcodereader_read_next) and beam_disasm.erl
// (decode_arg, decode_int, decode_z_tagged) read it.
//
// First byte: tag in bits 0..2, then the value:
//   bit 3 clear              value = byte >> 4                       (0..15)
//   bit 3 set, bit 4 clear   value = (byte >> 5) << 8 | next byte    (0..2047)
//   bits 3 and 4 set         n = (byte >> 5) + 2 big-endian bytes follow (2..8);
//                            byte >> 5 == 7: n = 9 + a nested u-tagged value
// Only tag i is signed (two's complement over the n bytes: beam_asm writes a
// negative number in the byte form always, and puts a 0 byte in front of a
// positive one whose top bit is set). Integers of 2^128 or more in magnitude
// are literals (z4) instead.
//
//   tag  operand                        tag z (7): the value is an extension number
//   u 0  unsigned (counts, sizes, ...)  z0  float: 8 bytes follow (before R16B; erts refuses it)
//   i 1  integer                        z1  list: u length, then that many operands
//   a 2  atom index; 0 is []            z2  float register: u index
//   x 3  x register                     z3  allocation list: u n, then n × (u kind, u count),
//   y 4  y register                         kind 0 words, 1 floats, 2 funs
//   f 5  label; 0 is "no label"         z4  literal: u index into LitT
//   h 6  character (not written since   z5  typed register: an x or y operand, then u index
//        long; erts refuses it)             into the Type chunk (OTP 25)
//
// Values are JS numbers; an i operand that is not a safe integer is a
// bigint. Every other operand must be a safe integer, and registers below
// 1024 (erts' MAX_REG), else the file is refused.

import type { ByteReader } from "./bytes.js";

export const TAG_U = 0, TAG_I = 1, TAG_A = 2, TAG_X = 3, TAG_Y = 4, TAG_F = 5, TAG_H = 6, TAG_Z = 7;
const TAG_NAMES = ["u", "i", "a", "x", "y", "f", "h", "z"];
/** Registers erts can hold (MAX_REG; beam_asm.hrl's reg_num() is 0..1023). */
export const MAX_REG = 1024;

export type XReg = { readonly kind: "x"; readonly n: number };
export type YReg = { readonly kind: "y"; readonly n: number };
export type AllocKind = "words" | "floats" | "funs";
const ALLOC_KINDS: readonly AllocKind[] = ["words", "floats", "funs"];

/** One decoded operand. */
export type Operand =
  | { readonly kind: "u"; readonly value: number }
  | { readonly kind: "i"; readonly value: number | bigint }
  | { readonly kind: "atom"; readonly index: number; readonly name: string }
  | { readonly kind: "nil" }
  | XReg
  | YReg
  | { readonly kind: "f"; readonly label: number }
  | { readonly kind: "h"; readonly value: number }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "list"; readonly items: readonly Operand[] }
  | { readonly kind: "fr"; readonly n: number }
  | { readonly kind: "alloc"; readonly items: readonly { readonly kind: AllocKind; readonly count: number }[] }
  | { readonly kind: "literal"; readonly index: number }
  | { readonly kind: "tr"; readonly reg: XReg | YReg; readonly type: number };

/** A tag and its value as the first byte(s) give them (for z, the extension number). */
export interface Tagged {
  tag: number;
  value: number | bigint;
}

/** What the operands of a module may refer to: bounds for indexes, and atom names. */
export interface OperandTables {
  /** Atom names; atom index i (i >= 1) is atoms[i - 1]. */
  readonly atoms: readonly string[];
  readonly labelCount: number;
  readonly literalCount: number;
  /** Entries of the Type chunk; undefined when the file has none (z5 indexes are then not checked, as erts). */
  readonly typeCount: number | undefined;
}

/** One compact-encoded tag and value. */
export function readTagged(r: ByteReader): Tagged {
  const b = r.u8("operand");
  const tag = b & 7;
  if ((b & 0x08) === 0) return { tag, value: b >> 4 };
  if ((b & 0x10) === 0) return { tag, value: ((b >> 5) << 8) | r.u8("operand's second byte") };
  let n = b >> 5;
  if (n < 7) {
    n += 2;
  } else {
    const len = readTagged(r);
    if (len.tag !== TAG_U || typeof len.value !== "number") throw r.error(`operand length is not a small u value (tag ${TAG_NAMES[len.tag]})`);
    n = len.value + 9;
  }
  const bytes = r.take(n, `${n}-byte operand`);
  let value: number | bigint;
  if (n <= 6) {
    let v = 0;
    for (const x of bytes) v = v * 256 + x;
    if (tag === TAG_I && bytes[0] & 0x80) v -= 2 ** (8 * n);
    value = v;
  } else {
    let v = 0n;
    for (const x of bytes) v = (v << 8n) | BigInt(x);
    if (tag === TAG_I && bytes[0] & 0x80) v -= 1n << BigInt(8 * n);
    value = Number.isSafeInteger(Number(v)) ? Number(v) : v;
  }
  return { tag, value };
}

/** A value that must be a small unsigned number (an index, a count, a register). */
function unsigned(r: ByteReader, t: Tagged, what: string): number {
  if (typeof t.value !== "number" || t.value < 0) throw r.error(`${what} ${t.value} is not a small unsigned number`);
  return t.value;
}

/** A u-tagged value that must follow (a list's length, an index behind a z tag). */
function readU(r: ByteReader, what: string): number {
  const t = readTagged(r);
  if (t.tag !== TAG_U) throw r.error(`${what} has tag ${TAG_NAMES[t.tag]}, not u`);
  return unsigned(r, t, what);
}

function register(r: ByteReader, t: Tagged): XReg | YReg {
  const n = unsigned(r, t, "register");
  if (n >= MAX_REG) throw r.error(`register ${TAG_NAMES[t.tag]}${n} is beyond the ${MAX_REG} registers erts has`);
  return { kind: t.tag === TAG_X ? "x" : "y", n };
}

/** One operand of an instruction; `inList` refuses a list inside a list, as erts does. */
export function readOperand(r: ByteReader, tables: OperandTables, inList = false): Operand {
  const t = readTagged(r);
  switch (t.tag) {
    case TAG_U: return { kind: "u", value: unsigned(r, t, "u operand") };
    case TAG_I: return { kind: "i", value: t.value };
    case TAG_A: {
      const index = unsigned(r, t, "atom index");
      if (index === 0) return { kind: "nil" };
      if (index > tables.atoms.length) throw r.error(`atom index ${index} is past the atom table (${tables.atoms.length} atoms)`);
      return { kind: "atom", index, name: tables.atoms[index - 1] };
    }
    case TAG_X: case TAG_Y: return register(r, t);
    case TAG_F: {
      const label = unsigned(r, t, "label");
      if (label >= tables.labelCount) throw r.error(`label ${label} is past the ${tables.labelCount} labels the Code header declares`);
      return { kind: "f", label };
    }
    case TAG_H: return { kind: "h", value: unsigned(r, t, "character") };
  }
  // tag z: the value is the extension
  if (typeof t.value !== "number" || t.value > 5) throw r.error(`unknown extended operand tag z${t.value}`);
  switch (t.value) {
    case 0: return { kind: "float", value: r.f64("float operand") };
    case 1: {
      if (inList) throw r.error("a list operand inside a list operand");
      const n = readU(r, "list length");
      r.need(n, `list of ${n} operands`);           // a byte each at least
      const items: Operand[] = new Array(n);
      for (let i = 0; i < n; i++) items[i] = readOperand(r, tables, true);
      return { kind: "list", items };
    }
    case 2: {
      const n = readU(r, "float register");
      if (n >= MAX_REG) throw r.error(`float register fr${n} is beyond the ${MAX_REG} registers erts has`);
      return { kind: "fr", n };
    }
    case 3: {
      const n = readU(r, "allocation list length");
      if (n > 3) throw r.error(`allocation list of ${n} entries (words, floats, funs: 3 at most)`);
      const items: { kind: AllocKind; count: number }[] = [];
      for (let i = 0; i < n; i++) {
        const k = readU(r, "allocation kind");
        if (k > 2) throw r.error(`allocation kind ${k} (0 words, 1 floats, 2 funs)`);
        items.push({ kind: ALLOC_KINDS[k], count: readU(r, "allocation count") });
      }
      return { kind: "alloc", items };
    }
    case 4: {
      const index = readU(r, "literal index");
      if (index >= tables.literalCount) throw r.error(`literal ${index} is past the literal table (${tables.literalCount} literals)`);
      return { kind: "literal", index };
    }
    default: {
      const reg = readTagged(r);
      if (reg.tag !== TAG_X && reg.tag !== TAG_Y) throw r.error(`typed register holds a ${TAG_NAMES[reg.tag]} operand, not x or y`);
      const type = readU(r, "type index");
      if (tables.typeCount !== undefined && type >= tables.typeCount) throw r.error(`type ${type} is past the Type table (${tables.typeCount} types)`);
      return { kind: "tr", reg: register(r, reg), type };
    }
  }
}
