// A .beam file read: its container, then every chunk a compiler needs
// (chunks.ts, literals.ts), cross-checked where one refers to another (entry
// labels against the Code header's label count). The instructions are
// decoded separately, by disassemble() (disasm.ts), which needs nothing but
// this.
//
// Required, as erts requires them: AtU8 (or the pre-OTP 21 Atom), Code,
// ImpT, ExpT. Optional: StrT (empty when absent), FunT, LitT, LocT (dropped by
// +slim), Line (dropped by +slim; undefined then), Type (new in OTP 25).
// Ignored: Attr, CInf, Dbgi, Meta, Docs and anything else (the container
// keeps them, by id).

import { readContainer, type Container } from "./container.js";
import { BeamError } from "./error.js";
import { inflate } from "./inflate.js";
import {
  readAtoms, readCode, readImports, readExports, readLambdas, readLines, readTypes, required,
  type CodeChunk, type Import, type Export, type Lambda, type LineTable, type TypeTable,
} from "./chunks.js";
import { readLiterals, type Literal } from "./literals.js";

export interface BeamFile {
  /** The name it was read under (for error messages). */
  readonly file: string;
  /** The module's name: atom 1. */
  readonly module: string;
  /** Atom index i (from 1) is atoms[i - 1]; operand atom index 0 is []. */
  readonly atoms: readonly string[];
  readonly code: CodeChunk;
  /** StrT: the pool bs_match_string and bs_create_bin take bytes from by offset. */
  readonly strings: Uint8Array;
  /** ImpT: call_ext* and bif* operands index it from 0. */
  readonly imports: readonly Import[];
  readonly exports: readonly Export[];
  /** LocT; undefined when the file has none (+slim). */
  readonly locals: readonly Export[] | undefined;
  /** FunT; make_fun3's first operand indexes it. */
  readonly lambdas: readonly Lambda[];
  readonly literals: readonly Literal[];
  readonly lines: LineTable | undefined;
  readonly types: TypeTable | undefined;
  readonly container: Container;
}

const GZIP_MAGIC = [0x1f, 0x8b];
/** The most a gzip-compressed .beam file (erlc +compressed) may inflate to. */
const MAX_FILE_BYTES = 1 << 30;

/**
 * Read a .beam file. `file` names it in errors (a BeamError: "<file>: what is
 * wrong"). Asynchronous because inflating may be (inflate.ts); a file that
 * is gzip-compressed as a whole is inflated first, as beam_lib and erts do.
 */
export async function readBeamFile(bytes: Uint8Array, file = "<bytes>"): Promise<BeamFile> {
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      bytes = await inflate(bytes, "gzip", MAX_FILE_BYTES);
    } catch (e) {
      throw new BeamError(file, `gzip-compressed, and ${(e as Error).message}`);
    }
  }
  const container = readContainer(bytes, file);
  const atomChunk = container.chunk("AtU8") ?? container.chunk("Atom");
  const atoms = readAtoms(required(atomChunk, "atom (AtU8)", file), file);
  const module = atoms[0];
  const code = readCode(required(container.chunk("Code"), "Code", file), file);
  const imports = readImports(required(container.chunk("ImpT"), "ImpT", file), file, atoms);
  const exports = readExports(required(container.chunk("ExpT"), "ExpT", file), file, atoms);
  const loc = container.chunk("LocT");
  const locals = loc ? readExports(loc, file, atoms) : undefined;
  const funT = container.chunk("FunT");
  const lambdas = funT ? readLambdas(funT, file, atoms) : [];
  const litT = container.chunk("LitT");
  const literals = litT ? await readLiterals(litT, file) : [];
  const line = container.chunk("Line");
  const lines = line ? readLines(line, file, module) : undefined;
  const type = container.chunk("Type");
  const types = type ? readTypes(type, file) : undefined;

  const checkLabel = (what: string, label: number) => {
    if (label < 1 || label >= code.labelCount) {
      throw new BeamError(file, `${what} has label ${label}, not one of the Code header's labels (1..${code.labelCount - 1})`);
    }
  };
  for (const e of exports) checkLabel(`export ${e.function}/${e.arity}`, e.label);
  for (const e of locals ?? []) checkLabel(`local function ${e.function}/${e.arity}`, e.label);
  for (const [i, f] of lambdas.entries()) checkLabel(`fun ${i} (${f.function}/${f.arity})`, f.label);

  return {
    file, module, atoms, code, strings: container.chunk("StrT")?.data ?? new Uint8Array(0),
    imports, exports, locals, lambdas, literals, lines, types, container,
  };
}
