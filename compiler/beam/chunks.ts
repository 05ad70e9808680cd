// The chunks a compiler needs, parsed (layouts from beam_asm:build_file/8 of
// OTP 25, and the checks erts' beam_file.c makes when it loads them). LitT is
// in literals.ts (it is compressed and holds terms). Every count is checked
// against the bytes there before anything is allocated for it, and every
// atom index against the atom table.
//
//   AtU8   i32 count, then per atom: u8 length (a compact u value when count
//          is negative, for atoms of over 255 bytes) and UTF-8 bytes. Atom
//          index 1 is the module; index 0 is no atom ([] in operands).
//   Atom   the same in Latin-1, before OTP 21 (erts no longer loads it)
//   Code   u32 header size (16), then u32 instruction set (0), highest opcode,
//          label count, function count; the instructions follow the header
//   StrT   bytes, addressed by offset (bs_match_string, bs_create_bin)
//   ImpT   u32 n, n × (module atom, function atom, arity)
//   ExpT   u32 n, n × (function atom, arity, entry label); LocT the same for
//          local functions (not written with +slim)
//   FunT   u32 n, n × (function atom, arity, label, index, free variables, old uniq)
//   Line   u32 version (0), flags, line instructions, items, file names; the
//          items as compact a (file index) and i (line) values; the file names
//          as u16 length + UTF-8. Item 0 is the undefined location and file 0
//          the module's own source, "<module>.erl", neither written.
//   Type   u32 version (1 in OTP 25), u32 count, 18 bytes per type

import { ByteReader } from "./bytes.js";
import type { Chunk } from "./container.js";
import { BeamError } from "./error.js";
import { readTagged, TAG_A, TAG_I, TAG_U } from "./operands.js";

/** The instruction set the Code chunk must declare (genop.tab's BEAM_FORMAT_NUMBER). */
export const BEAM_FORMAT_NUMBER = 0;
/** The Type chunk version OTP 25 writes (beam_types.hrl's BEAM_TYPES_VERSION) and its fixed entry size. */
export const BEAM_TYPES_VERSION = 1;
export const TYPE_ENTRY_BYTES = 18;
/** The most arguments a function may take (erts' MAX_ARG). */
export const MAX_ARG = 255;

const utf8 = new TextDecoder("utf-8", { fatal: true });
const latin1 = (b: Uint8Array): string => {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return s;
};

function reader(chunk: Chunk, file: string): ByteReader {
  return new ByteReader(chunk.data, file, `chunk ${chunk.id}`);
}

/** A count of items of `size` bytes each that must fit in what is left of the chunk. */
function count(r: ByteReader, size: number, what: string): number {
  const n = r.i32(`${what} count`);
  if (n < 0) throw r.error(`${what} count ${n} is negative`);
  if (n * size > r.remaining) throw r.error(`${n} ${what} need ${n * size} bytes, the chunk has ${r.remaining} left`);
  return n;
}

function atomAt(r: ByteReader, atoms: readonly string[], what: string): string {
  const i = r.u32(what);
  if (i < 1 || i > atoms.length) throw r.error(`${what} is atom ${i}, not in the atom table (1..${atoms.length})`);
  return atoms[i - 1];
}

function arityAt(r: ByteReader, what: string): number {
  const a = r.u32(what);
  if (a > MAX_ARG) throw r.error(`${what} ${a} is over ${MAX_ARG}`);
  return a;
}

// ── AtU8 / Atom

/** The atom table: atom index i (from 1) is the returned array's [i - 1]. */
export function readAtoms(chunk: Chunk, file: string): string[] {
  const r = reader(chunk, file);
  let n = r.i32("atom count");
  const long = n < 0;                            // lengths as compact u values (atoms of over 255 bytes)
  if (long) n = -n;
  if (n < 1) throw r.error("no atoms: atom 1 must be the module name");
  if (n > r.remaining) throw r.error(`${n} atoms need ${n} bytes at least, the chunk has ${r.remaining} left`);
  const isUtf8 = chunk.id === "AtU8";
  const atoms: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let len: number;
    if (long) {
      const t = readTagged(r);
      if (t.tag !== TAG_U || typeof t.value !== "number") throw r.error(`atom ${i + 1}'s length is not a u value`);
      len = t.value;
    } else {
      len = r.u8(`atom ${i + 1}'s length`);
    }
    const bytes = r.take(len, `atom ${i + 1}`);
    if (isUtf8) {
      try {
        atoms[i] = utf8.decode(bytes);
      } catch {
        throw r.error(`atom ${i + 1} is not UTF-8`);
      }
    } else {
      atoms[i] = latin1(bytes);
    }
  }
  return atoms;
}

// ── Code

export interface CodeChunk {
  /** Bytes of header after its size field (16 in every OTP so far; erts skips what it does not know). */
  readonly headerSize: number;
  /** The instruction set: BEAM_FORMAT_NUMBER (0). */
  readonly format: number;
  /** The highest opcode the code uses (beam_dict:highest_opcode/1). */
  readonly maxOpcode: number;
  /** Labels are 1 .. labelCount - 1 (beam_asm writes the next free label). */
  readonly labelCount: number;
  readonly functionCount: number;
  /** The instruction stream. */
  readonly code: Uint8Array;
  /** Where the instructions start, from the start of the chunk's data. */
  readonly codeOffset: number;
}

export function readCode(chunk: Chunk, file: string): CodeChunk {
  const r = reader(chunk, file);
  const headerSize = r.u32("header size");
  if (headerSize < 16) throw r.error(`header of ${headerSize} bytes, shorter than the 16 of instruction set, highest opcode, labels and functions`);
  r.need(headerSize, "Code header");
  const format = r.u32("instruction set");
  if (format !== BEAM_FORMAT_NUMBER) throw r.error(`instruction set ${format}; this reader knows ${BEAM_FORMAT_NUMBER} only`);
  const maxOpcode = r.u32("highest opcode"), labelCount = r.u32("label count"), functionCount = r.u32("function count");
  const codeOffset = 4 + headerSize;
  return { headerSize, format, maxOpcode, labelCount, functionCount, codeOffset, code: chunk.data.subarray(codeOffset) };
}

// ── ImpT, ExpT, LocT, FunT

export interface Import {
  readonly module: string;
  readonly function: string;
  readonly arity: number;
}

export interface Export {
  readonly function: string;
  readonly arity: number;
  /** The function's entry label (the label after its func_info). */
  readonly label: number;
}

export interface Lambda {
  /** The function the fun's body was compiled into ('-f/1-fun-0-'). */
  readonly function: string;
  /** Its arity: the fun's own arity plus numFree. */
  readonly arity: number;
  readonly label: number;
  /** The fun's index (make_fun3's first operand refers to entries by position, which is the same). */
  readonly index: number;
  readonly numFree: number;
  /** The old-style uniq (part of the module's MD5: beam_asm:finalize_fun_table). */
  readonly oldUniq: number;
}

export function readImports(chunk: Chunk, file: string, atoms: readonly string[]): Import[] {
  const r = reader(chunk, file);
  const n = count(r, 12, "import");
  const out: Import[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = { module: atomAt(r, atoms, `import ${i}'s module`), function: atomAt(r, atoms, `import ${i}'s function`), arity: arityAt(r, `import ${i}'s arity`) };
  }
  return out;
}

/** ExpT or LocT. */
export function readExports(chunk: Chunk, file: string, atoms: readonly string[]): Export[] {
  const r = reader(chunk, file);
  const n = count(r, 12, "function");
  const out: Export[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const fn = atomAt(r, atoms, `function ${i}'s name`);
    out[i] = { function: fn, arity: arityAt(r, `${fn}'s arity`), label: r.u32(`${fn}'s label`) };
  }
  return out;
}

export function readLambdas(chunk: Chunk, file: string, atoms: readonly string[]): Lambda[] {
  const r = reader(chunk, file);
  const n = count(r, 24, "fun");
  const out: Lambda[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = {
      function: atomAt(r, atoms, `fun ${i}'s function`), arity: arityAt(r, `fun ${i}'s arity`), label: r.u32(`fun ${i}'s label`),
      index: r.u32(`fun ${i}'s index`), numFree: r.u32(`fun ${i}'s free variables`), oldUniq: r.u32(`fun ${i}'s uniq`),
    };
  }
  return out;
}

// ── Line

export interface LineItem {
  /** Index into LineTable.files. */
  readonly file: number;
  readonly line: number;
}

export interface LineTable {
  readonly version: number;
  /** Unused by OTP 25 (0). */
  readonly flags: number;
  /** How many line instructions the code has. */
  readonly instructionCount: number;
  /** The locations a line instruction's operand indexes; [0] is the undefined location (file 0, line 0). */
  readonly items: readonly LineItem[];
  /** Source files; [0] is "<module>.erl", which the chunk leaves out. An empty name is taken as that one, as erts takes it. */
  readonly files: readonly string[];
}

/** The line table; undefined for a version other than 0, which erts ignores too (no line information). */
export function readLines(chunk: Chunk, file: string, module: string): LineTable | undefined {
  const r = reader(chunk, file);
  const version = r.u32("version");
  if (version !== 0) return undefined;
  const flags = r.u32("flags"), instructionCount = r.u32("line instruction count");
  const itemCount = r.u32("line item count"), nameCount = r.u32("file name count");
  if (itemCount > r.remaining) throw r.error(`${itemCount} line items need ${itemCount} bytes at least, the chunk has ${r.remaining} left`);
  const items: LineItem[] = [{ file: 0, line: 0 }];
  let fileIndex = 0;
  while (items.length <= itemCount) {
    const t = readTagged(r);
    if (t.tag === TAG_A) {
      if (typeof t.value !== "number" || t.value > nameCount) throw r.error(`line item names file ${t.value}, past the ${nameCount} file names`);
      fileIndex = t.value;
    } else if (t.tag === TAG_I) {
      if (typeof t.value !== "number" || t.value < 0) throw r.error(`line number ${t.value} is not a small non-negative integer`);
      items.push({ file: fileIndex, line: t.value });
    } else {
      throw r.error(`line item with tag ${t.tag} (a file index or a line number only)`);
    }
  }
  if (2 * nameCount > r.remaining) throw r.error(`${nameCount} file names need ${2 * nameCount} bytes at least, the chunk has ${r.remaining} left`);
  const files: string[] = [`${module}.erl`];
  for (let i = 1; i <= nameCount; i++) {
    const bytes = r.take(r.u16(`file name ${i}'s length`), `file name ${i}`);
    try {
      files.push(bytes.length ? utf8.decode(bytes) : files[0]);
    } catch {
      throw r.error(`file name ${i} is not UTF-8`);
    }
  }
  return { version, flags, instructionCount, items, files };
}

// ── Type

export interface TypeTable {
  readonly version: number;
  /** The entries of a version-1 table (OTP 25: 18 bytes each, [0] the "any" type); undefined for other versions, which erts ignores too. */
  readonly entries: readonly Uint8Array[] | undefined;
}

export function readTypes(chunk: Chunk, file: string): TypeTable {
  const r = reader(chunk, file);
  const version = r.u32("version");
  if (version !== BEAM_TYPES_VERSION) return { version, entries: undefined };
  const n = count(r, TYPE_ENTRY_BYTES, "type");
  if (n < 1) throw r.error("no types: entry 0 must be the any type");
  const entries: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) entries[i] = r.take(TYPE_ENTRY_BYTES, `type ${i}`);
  return { version, entries };
}

/** A required chunk, or an error naming it. */
export function required(chunk: Chunk | undefined, id: string, file: string): Chunk {
  if (!chunk) throw new BeamError(file, `no ${id} chunk`);
  return chunk;
}
