// The .beam reader (compiler/beam/) against OTP 25's own, in the same run:
//  (a) the opcode table is the installed OTP's (beam_opcodes:opname/1, opcode/2);
//  (b) small modules (tests/fixtures/beam/*.erl, and one generated with over 2048 atoms and labels)
//      compiled by erlc here, plain, +slim and +compressed: every instruction of every function as
//      beam_disasm:file/1 gives it, and the atoms, imports, exports, local functions, literals and funs
//      as beam_lib:chunks/2 (and beam_disasm) read them; the line table against the locations of the
//      line instructions in erlc -S of the same source; and read alike with DecompressionStream and,
//      without it, node:zlib;
//  (c) OTP's own modules (stdlib, kernel and compiler from code:lib_dir/1; lists, maps, proplists and
//      gen_server among them) the same way, except the line table (no -S for them): its counts and
//      indexes only. SHOAL_BEAM_ALL=1 takes every module of the installed OTP instead;
//  (d) what the reader refuses, and how it says so.
// The oracle is tests/fixtures/beam_disasm.escript; tests/support/beam_disasm_view.ts writes the reader's
// output in beam_disasm's shapes (its resolve_inst); both are compared as text, each term in one canonical
// form (the escript's c/1, the support file's canon()).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readBeamFile, disassemble, BeamError, OPCODES, MAX_OPCODE, LEGACY_OPCODES, type BeamFile, type BeamFunction, type Export, type Operand } from "../compiler/beam";
import { opcodeSupportTable } from "../compiler/codegen/opcode_support";
import { readContainer } from "../compiler/beam/container";
import { Tuple } from "../host/terms";
import { DisasmView, atom, canon } from "./support/beam_disasm_view";

const FIXTURES = path.join(__dirname, "fixtures");
const ALL = process.env.SHOAL_BEAM_ALL === "1";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "shoal-beam-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const T = (...els: unknown[]) => new Tuple(els);

function run(cmd: string, args: string[], cwd = tmp): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 120_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(" ")}... failed (${r.error ?? r.status}; is Erlang/OTP installed?): ${r.stdout}${r.stderr}`.slice(0, 2000));
  return r.stdout;
}

// ── building the modules and asking OTP about them (once, for the whole file) ------------------

/** A module of 2100 atoms and as many labels: atom and label operands of three bytes. */
function manyAtoms(): string {
  const clauses = Array.from({ length: 2100 }, (_, i) => `atom_${i} -> ${i}`).join(";\n        ");
  return `-module(many).\n-export([pick/1]).\npick(X) ->\n    case X of\n        ${clauses};\n        _ -> none\n    end.\n`;
}

let opnames: string[] = [];
let ours: { file: string; lines: boolean }[] = [];
let otp: string[] = [];
/** The oracle's lines for each file. */
const oracles = new Map<string, string[]>();

beforeAll(() => {
  const src = path.join(FIXTURES, "beam");
  for (const f of fs.readdirSync(src)) fs.copyFileSync(path.join(src, f), path.join(tmp, f));
  fs.writeFileSync(path.join(tmp, "many.erl"), manyAtoms());
  const erls = fs.readdirSync(tmp).filter((f) => f.endsWith(".erl")).sort();
  // relative names, from the sources' folder: the module's own file is then "<module>.erl", file 0 of the line table
  run("erlc", erls);
  run("erlc", ["-S", ...erls]);
  for (const variant of ["slim", "compressed"]) {
    fs.mkdirSync(path.join(tmp, variant));
    run("erlc", [`+${variant}`, "-o", variant, "ring.erl", "bins.erl", "recv.erl"]);
  }
  ours = [
    ...erls.map((f) => ({ file: path.join(tmp, f.replace(/\.erl$/, ".beam")), lines: true })),
    ...["slim", "compressed"].flatMap((v) => ["ring", "bins", "recv"].map((m) => ({ file: path.join(tmp, v, `${m}.beam`), lines: false }))),
  ];

  // the opcode table and the library folders, in one erl start
  const out = run("erl", ["-noshell", "-eval", `
    [io:format("op ~w ~s/~w ~w~n", [N, element(1, beam_opcodes:opname(N)), element(2, beam_opcodes:opname(N)),
       (catch beam_opcodes:opcode(element(1, beam_opcodes:opname(N)), element(2, beam_opcodes:opname(N)))) =:= N])
     || N <- lists:seq(1, 180)],
    io:format("past ~w~n", [element(1, catch beam_opcodes:opname(181))]),
    [io:format("lib ~s~n", [code:lib_dir(A)]) || A <- [stdlib, kernel, compiler]],
    io:format("root ~s~n", [code:lib_dir()]),
    halt().`]);
  const lines = out.split("\n");
  opnames = lines.filter((l) => l.startsWith("op ") || l.startsWith("past ")).map((l) => l.slice(l.indexOf(" ") + 1));
  const libs = lines.filter((l) => l.startsWith("lib ")).map((l) => path.join(l.slice(4), "ebin"));
  const root = lines.find((l) => l.startsWith("root "))!.slice(5);
  const dirs = ALL ? fs.readdirSync(root).map((d) => path.join(root, d, "ebin")).filter((d) => fs.existsSync(d)) : libs;
  otp = dirs.flatMap((d) => fs.readdirSync(d).filter((f) => f.endsWith(".beam")).sort().map((f) => path.join(d, f)));

  // beam_disasm and beam_lib on every file, in one escript run
  const files = [...ours.map((m) => m.file), ...otp];
  const outDir = path.join(tmp, "oracle");
  fs.mkdirSync(outDir);
  run("escript", [path.join(FIXTURES, "beam_disasm.escript"), outDir, ...files]);
  files.forEach((f, i) => oracles.set(f, fs.readFileSync(path.join(outDir, `${i}.txt`), "utf8").split("\n").slice(0, -1)));
}, 120_000);

// ── comparing one module ------------------------------------------------------------------------

const L = (tag: string, v: unknown) => `${tag} ${canon(v)}`;
const byLabel = (es: readonly Export[]) => [...es].sort((a, b) => a.label - b.label).map((e) => T(atom(e.function), e.arity, e.label));
const codePoints = (s: string) => Array.from(s, (ch) => ch.codePointAt(0)!);

/** The oracle's lines (tests/fixtures/beam_disasm.escript) as the reader's output gives them. */
function readerLines(beam: BeamFile, fns: readonly BeamFunction[], withLines: boolean): string[] {
  const c = beam.code;
  const out = [
    L("module", atom(beam.module)),
    L("header", T(c.format, c.maxOpcode, c.labelCount, c.functionCount)),
    L("atoms", beam.atoms.map((a, i) => T(i + 1, atom(a)))),
    L("imports", beam.imports.map((m, i) => T(i + 1, atom(m.module), atom(m.function), m.arity))),
    L("exports", byLabel(beam.exports)),
    beam.locals ? L("locals", byLabel(beam.locals)) : "locals none",
  ];
  if (beam.container.chunk("LitT")) for (const l of beam.literals) out.push(L("literal", l.value));
  else out.push("literals none");
  if (beam.container.chunk("FunT")) for (const f of beam.lambdas) out.push(L("lambda", T(atom(f.function), f.arity, f.label, f.index, f.numFree, f.oldUniq)));
  else out.push("lambdas none");
  const view = new DisasmView(beam, fns);
  fns.forEach((fn, k) => {
    out.push(L("function", T(atom(fn.name), fn.arity, fn.entry)));
    for (const ins of view.code(fn, k === 0)) out.push(L("i", view.instruction(ins)));
  });
  if (withLines) {
    // each line instruction's location from the Line chunk, against the locations erlc -S wrote
    const lines = beam.lines!;
    for (const fn of fns) for (const ins of fn.code) {
      if (ins.name !== "line") continue;
      const item = lines.items[(ins.args[0] as { value: number }).value];
      out.push(item.line === 0 && item.file === 0 ? "line none" : L("line", T(codePoints(lines.files[item.file]), item.line)));
    }
  }
  return out;
}

/** Where the reader and OTP disagree on a module (at most `limit` places), and how many instructions agreed. */
function compare(file: string, beam: BeamFile, fns: readonly BeamFunction[], withLines = false, limit = 8): { diffs: string[]; instructions: number } {
  const ours = readerLines(beam, fns, withLines);
  const theirs = oracles.get(file)!;
  const diffs: string[] = [];
  let instructions = 0, fn = "";
  const cut = (t: string | undefined) => (t === undefined ? "(nothing)" : t.length > 300 ? t.slice(0, 300) + "…" : t);
  for (let j = 0; j < Math.max(ours.length, theirs.length); j++) {
    if (theirs[j]?.startsWith("function ")) fn = theirs[j];
    if (ours[j] === theirs[j]) { if (ours[j].startsWith("i ")) instructions++; continue; }
    if (diffs.length < limit) diffs.push(`line ${j}${fn ? `, in ${fn}` : ""}:\n    reader:      ${cut(ours[j])}\n    beam_disasm: ${cut(theirs[j])}`);
  }
  return { diffs, instructions };
}

/** The line table's own consistency: its instruction count, and every line operand an item. */
function lineInvariants(beam: BeamFile, fns: readonly BeamFunction[]): string[] {
  if (!beam.lines) return beam.container.chunk("Line") ? ["Line chunk of an unknown version"] : [];
  const ops = fns.flatMap((fn) => fn.code.filter((i) => i.name === "line").map((i) => (i.args[0] as { value: number }).value));
  const bad: string[] = [];
  if (ops.length !== beam.lines.instructionCount) bad.push(`${ops.length} line instructions, the table says ${beam.lines.instructionCount}`);
  const past = ops.filter((n) => n >= beam.lines!.items.length);
  if (past.length) bad.push(`line operands past the ${beam.lines.items.length} items: ${past.slice(0, 5)}`);
  if (beam.lines.items.some((it) => it.file >= beam.lines!.files.length)) bad.push("an item names a file past the file table");
  return bad;
}

async function read(file: string): Promise<{ beam: BeamFile; fns: BeamFunction[] }> {
  const beam = await readBeamFile(new Uint8Array(fs.readFileSync(file)), file);
  return { beam, fns: disassemble(beam) };
}

// ── (a) ----------------------------------------------------------------------------------------

describe("the opcode table", () => {
  test("is the installed OTP 25's: every number, name, arity and obsolete mark", () => {
    const ours = OPCODES.map((op) => `${op.opcode} ${op.name}/${op.arity} ${!op.obsolete}`);
    expect(ours).toEqual(opnames.slice(0, 180));
    expect(MAX_OPCODE).toBe(180);
    expect(opnames[180]).toBe("'EXIT'");                       // 181 is no OTP 25 opcode
    expect(OPCODES.filter((op) => op.obsolete)).toHaveLength(36);
  });
});

// ── (b) ----------------------------------------------------------------------------------------

describe("small modules compiled here, against beam_disasm and beam_lib", () => {
  test.each(["ring", "funs", "bins", "mapsx", "floats", "bigints", "trycatch", "recv", "misc", "many"])("%s", async (m) => {
    const file = path.join(tmp, `${m}.beam`);
    const { beam, fns } = await read(file);
    // the line table too: each line instruction's location as erlc -S wrote it
    const { diffs, instructions } = compare(file, beam, fns, true);
    expect(diffs).toEqual([]);
    expect(instructions).toBe(fns.reduce((n, f) => n + f.code.length, 0));
    expect(instructions).toBeGreaterThan(20);
    expect(oracles.get(file)!.filter((l) => l.startsWith("line ")).length).toBe(beam.lines!.instructionCount);
    expect(lineInvariants(beam, fns)).toEqual([]);
  });

  test("what the fixtures exercise: every operand kind, big and negative integers, a second source file", async () => {
    const kinds = new Set<string>();
    const ints: (number | bigint)[] = [];
    const walk = (o: Operand) => {
      kinds.add(o.kind);
      if (o.kind === "i") ints.push(o.value);
      if (o.kind === "list") o.items.forEach(walk);
      if (o.kind === "tr") walk(o.reg);
    };
    for (const m of ["ring", "funs", "bins", "mapsx", "floats", "bigints", "trycatch", "recv", "misc", "many"]) {
      const { fns } = await read(path.join(tmp, `${m}.beam`));
      for (const fn of fns) for (const ins of fn.code) ins.args.forEach(walk);
    }
    // every kind OTP 25 writes (h and the old float z0 it no longer does)
    expect([...kinds].sort()).toEqual(["alloc", "atom", "f", "fr", "i", "list", "literal", "nil", "tr", "u", "x", "y"]);
    expect(ints).toContain(2n ** 70n);                             // 9 bytes: a nested length
    expect(ints).toContain(-(2n ** 70n));
    expect(ints).toContain(12345678901234567890n);                 // 8 bytes and a 0 byte in front
    expect(ints).toContain(-5);
    expect(ints).not.toContain(2n ** 130n);                        // 2^128 and more: a literal
    const { beam } = await read(path.join(tmp, "recv.beam"));
    expect(beam.lines!.files).toEqual(["recv.erl", "recv.hrl"]);
    const many = await read(path.join(tmp, "many.beam"));
    expect(many.beam.atoms.length).toBeGreaterThan(2100);
    expect(many.beam.code.labelCount).toBeGreaterThan(2048);
  });

  test("+slim (no LocT, no Line) and +compressed (the whole file gzipped) read as the plain files do", async () => {
    for (const m of ["ring", "bins", "recv"]) {
      const plain = await read(path.join(tmp, `${m}.beam`));
      for (const variant of ["slim", "compressed"]) {
        const file = path.join(tmp, variant, `${m}.beam`);
        const { beam, fns } = await read(file);
        expect(compare(file, beam, fns).diffs).toEqual([]);
        if (variant === "slim") {
          expect(beam.locals).toBeUndefined();
          expect(beam.lines).toBeUndefined();
        } else {
          expect(fs.readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
          expect(readerLines(beam, fns, false)).toEqual(readerLines(plain.beam, plain.fns, false));
        }
      }
    }
  });
});

describe("inflating", () => {
  test("without DecompressionStream, inflating falls back to node:zlib, with the same result", async () => {
    const files = [path.join(tmp, "ring.beam"), path.join(tmp, "compressed", "bins.beam")];
    const withStreams = await Promise.all(files.map(read));
    const saved = globalThis.DecompressionStream;
    try {
      (globalThis as { DecompressionStream?: unknown }).DecompressionStream = undefined;
      const withZlib = await Promise.all(files.map(read));
      withZlib.forEach((r, i) => expect(readerLines(r.beam, r.fns, false)).toEqual(readerLines(withStreams[i].beam, withStreams[i].fns, false)));
    } finally {
      globalThis.DecompressionStream = saved;
    }
    expect(typeof saved).toBe("function");                          // the first read did use the streams
  });
});

// ── (c) ----------------------------------------------------------------------------------------

describe(`OTP's own modules (${ALL ? "every module installed" : "stdlib, kernel, compiler"}), against beam_disasm and beam_lib`, () => {
  test("lists, maps, proplists and gen_server", async () => {
    for (const m of ["lists", "maps", "proplists", "gen_server"]) {
      const file = otp.find((f) => path.basename(f) === `${m}.beam`)!;
      const { beam, fns } = await read(file);
      expect(compare(file, beam, fns).diffs).toEqual([]);
      expect(lineInvariants(beam, fns)).toEqual([]);
    }
  });

  test("every module of the sample decodes as beam_disasm decodes it", async () => {
    const failed: string[] = [];
    const legacy = new Set<string>();   // instructions OTP 25's compiler never writes (LEGACY_OPCODES) found in its modules
    let identical = 0, instructions = 0, skipped = 0;
    for (const file of otp) {
      if (oracles.get(file)![0].startsWith("error ")) { skipped++; continue; }   // beam_disasm itself cannot read it
      try {
        const { beam, fns } = await read(file);
        for (const fn of fns) for (const ins of fn.code) if (LEGACY_OPCODES.has(ins.name)) legacy.add(`${path.basename(file)}: ${ins.name}`);
        const r = compare(file, beam, fns, false, 3);
        const bad = [...r.diffs, ...lineInvariants(beam, fns)];
        if (bad.length) failed.push(`${file}:\n  ${bad.join("\n  ")}`);
        else identical++;
        instructions += r.instructions;
      } catch (e) {
        failed.push(`${file}: ${(e as Error).message}`);
      }
    }
    console.log(`beam.test.ts: ${identical} of ${otp.length} OTP modules decoded identically to beam_disasm ` +
      `(${instructions} instructions; ${skipped} beam_disasm could not read)`);
    expect(failed.slice(0, 5)).toEqual([]);
    expect(identical).toBe(otp.length - skipped);
    expect(identical).toBeGreaterThan(ALL ? 700 : 200);
    expect([...legacy]).toEqual([]);
  }, 120_000);

  test("docs/compiler.md's table of instructions is what the compiler compiles (scripts/opcodes.mjs writes it)", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "compiler.md"), "utf8");
    expect(/<!-- opcodes -->\n([\s\S]*?)\n<!-- \/opcodes -->/.exec(doc)?.[1]).toBe(opcodeSupportTable());
  });
});

// ── (d) ----------------------------------------------------------------------------------------

describe("what the reader refuses", () => {
  const ringBytes = () => new Uint8Array(fs.readFileSync(path.join(tmp, "ring.beam")));
  const refused = async (bytes: Uint8Array): Promise<string> => {
    try {
      disassemble(await readBeamFile(bytes, "x.beam"));
    } catch (e) {
      expect(e).toBeInstanceOf(BeamError);
      return (e as Error).message;
    }
    throw new Error("not refused");
  };
  /** ring.beam with the opcode of the first instruction named `name` in ring:loop/1 replaced by `opcode`. */
  const patched = async (name: string, opcode: number): Promise<Uint8Array> => {
    const bytes = ringBytes();
    const beam = await readBeamFile(bytes, "ring.beam");
    const loop = disassemble(beam).find((f) => f.name === "loop")!;
    const ins = loop.code.find((i) => i.name === name)!;
    const code = beam.container.chunk("Code")!;
    bytes[code.offset + beam.code.codeOffset + ins.offset] = opcode;
    return bytes;
  };

  test("an opcode past OTP 25's table, or obsolete in it, naming the opcode, the module and the function", async () => {
    expect(await refused(await patched("remove_message", 182)))
      .toMatch(/^x\.beam: module ring, function loop\/1: code byte \d+: opcode 182 is not an OTP 25 instruction \(1\.\.180\): compiled by a later OTP\?$/);
    expect(await refused(await patched("remove_message", 71)))  // put/1, obsolete
      .toMatch(/^x\.beam: module ring, function loop\/1: code byte \d+ \(put\): opcode 71 \(put\/1\) is obsolete: no OTP 25 loader takes it$/);
    expect(await refused(await patched("remove_message", 0))).toMatch(/function loop\/1: code byte \d+: opcode 0 is not an OTP 25 instruction/);
  });

  test("a broken container or chunk, naming the file and what is wrong", async () => {
    const ring = ringBytes();
    expect(await refused(ring.subarray(0, 8))).toBe("x.beam: not a .beam file: 8 bytes, shorter than the 12-byte IFF header");
    const notIff = ring.slice(); notIff.set([0x46, 0x4f, 0x52, 0x32], 0);
    expect(await refused(notIff)).toBe('x.beam: not a .beam file: it starts with "FOR2", not "FOR1"');
    const notBeam = ring.slice(); notBeam.set([0x41, 0x42, 0x43, 0x44], 8);
    expect(await refused(notBeam)).toBe('x.beam: not a .beam file: IFF form type "ABCD", not "BEAM"');
    expect(await refused(ring.subarray(0, ring.length - 100)))
      .toMatch(/^x\.beam: truncated: the IFF header declares \d+ bytes of form, the file has \d+ after the header$/);
    const container = readContainer(ring, "ring.beam");
    // a chunk whose size runs past the form
    const code = container.chunk("Code")!;
    const longChunk = ring.slice();
    new DataView(longChunk.buffer).setUint32(code.offset - 4, 1 << 20);
    expect(await refused(longChunk)).toMatch(/^x\.beam: chunk Code at byte \d+ declares 1048576 bytes, only \d+ are left in the form$/);
    // the Code chunk renamed: no Code, and then the same id twice
    const noCode = ring.slice(); noCode.set([0x43, 0x6f, 0x64, 0x66], code.offset - 8);   // "Codf"
    expect(await refused(noCode)).toBe("x.beam: no Code chunk");
    const twice = ring.slice(); twice.set([0x53, 0x74, 0x72, 0x54], code.offset - 8);     // "StrT"
    expect(await refused(twice)).toMatch(/^x\.beam: chunk StrT appears twice/);
    // an import naming an atom past the table
    const imp = container.chunk("ImpT")!;
    const badImport = ring.slice();
    new DataView(badImport.buffer).setUint32(imp.offset + 4, 9999);
    expect(await refused(badImport)).toMatch(/^x\.beam: chunk ImpT: import 0's module is atom 9999, not in the atom table \(1\.\.\d+\)$/);
    // a literal table that lies about its size, and one that is not zlib
    const lit = container.chunk("LitT")!;
    const badSize = ring.slice();
    new DataView(badSize.buffer).setUint32(lit.offset, 5);
    expect(await refused(badSize)).toMatch(/^x\.beam: chunk LitT: inflates past 5 bytes$/);
    const notZlib = ring.slice();
    notZlib.fill(0x55, lit.offset + 4, lit.offset + 12);
    expect(await refused(notZlib)).toMatch(/^x\.beam: chunk LitT: corrupt deflate data/);
  });

  test("code that does not decode: an operand past a table, a missing int_code_end", async () => {
    const ring = ringBytes();
    const beam = await readBeamFile(ring, "ring.beam");
    const code = beam.container.chunk("Code")!;
    const start = code.offset + beam.code.codeOffset;
    // the label count in the header lowered below the labels the exports name
    const fewLabels = ring.slice();
    new DataView(fewLabels.buffer).setUint32(code.offset + 12, 3);
    expect(await refused(fewLabels)).toMatch(/^x\.beam: export \w+\/\d has label \d+, not one of the Code header's labels \(1\.\.2\)$/);
    // a literal operand past the literal table: z4 (0x47), then u 15 (0xf0)
    const withLiteral = disassemble(beam).flatMap((f) => f.code.map((i) => ({ f, i }))).find(({ i }) => i.args[0]?.kind === "literal")!;
    const at = start + withLiteral.i.offset;
    expect(ring[at + 1]).toBe(0x47);
    const badLiteral = ring.slice();
    badLiteral[at + 2] = 0xf0;
    expect(await refused(badLiteral)).toBe(`x.beam: module ring, function ${withLiteral.f.name}/${withLiteral.f.arity}: ` +
      `code byte ${withLiteral.i.offset} (${withLiteral.i.name}): literal 15 is past the literal table (3 literals)`);
    // int_code_end replaced by return (no operands): the stream ends without it
    const noEnd = ring.slice();
    noEnd[start + beam.code.code.length - 1] = 19;
    expect(await refused(noEnd)).toMatch(/^x\.beam: module ring, function [^:]+\/\d+: code byte \d+: the code does not end with int_code_end$/);
    // the function count in the header off by one
    const count = ring.slice();
    new DataView(count.buffer).setUint32(code.offset + 16, beam.code.functionCount + 1);
    expect(await refused(count)).toMatch(/functions, the Code header declares/);
  });
});
