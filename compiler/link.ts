// The link step: one Shoal runtime module from the core, a fiber backend and
// any number of program modules (a compiler's output, or the test programs).
// `npx shoal link` (compiler/cli.ts) and the package's `shoal/link` call it;
// scripts/build.mjs links the product and the test programs through it.
//
//   core (asc, names kept; __heap_base made a mutable export, then -O3)  ─┐
//   program modules (import module "shoal": memory, table, ABI calls)    ─┼─ place data and table entries
//                                                                          │  set __heap_base past them
//                                                                          ▼
//                wasm-merge core "shoal" + programs, wasm-opt -O3 (OPTIMIZE), + backend "fiber"
//                   ├─ fx:        wasm-opt -O3                                        (OPTIMIZE_BACKEND:
//                   └─ asyncify:  wasm-opt --asyncify (right after the merge), -O3     fiber_* never inlined)
//
// Placement. The core's static data ends at its __heap_base, where its
// allocator starts. A program module's data goes above that, and the core's
// __heap_base moves past it, so the runtime's heap never overlaps a literal.
// A module says where its data and table entries go in one of two ways:
//   - relocatable: it imports the i32 globals "shoal" "__memory_base" and
//     "shoal" "__table_base" and offsets its segments (and its addresses) by
//     them; the link step gives each such module the next free range;
//   - fixed: its segments have constant offsets (AssemblyScript's
//     --memoryBase/--tableBase); they must lie above the core's data and
//     table entries, and not overlap another module's.
// Imports of "env" "memory" and "env" "table" (AssemblyScript's names) are
// renamed to "shoal". Every other "shoal" import must be an export of the
// core; a module that imports an unknown "shoal" name is refused, naming it.
// Tail calls (return_call*) link for fx only: Binaryen's Asyncify cannot
// instrument them, so an asyncify link refuses such a module, naming the
// function (docs/depth.md: what a compiler emits instead).
//
// Entries. A program's exports named `module:function/arity` are its entries
// (assembly/boundary/entries.ts: type (i64 x arity) -> i64). The link step
// checks their types, puts them in the table, and writes the entry directory
// the runtime's export table is built from (apply/3, spawn/3, the host's
// spawn by name): a generated module, placed like the others, whose data
// holds the records and names and whose element segment holds the functions;
// the core's __shoal_entries and __shoal_entry_count are set to it.

import binaryen from "binaryen";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EntryField, ENTRY_RECORD_BYTES } from "../assembly/boundary/entries.js";

// (Binaryen's JS API, with the few C entry points its typings leave out)
type Module = binaryen.Module;
/** Parts of Binaryen's JS API its typings lag behind on. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const loose = (x: unknown): Loose => x;
const B = binaryen as typeof binaryen & Record<string, (...args: never[]) => number>;
/** Binaryen's command-line tools (JS builds), next to the package's index.js. */
const tool = (name: string) => join(dirname(fileURLToPath(import.meta.resolve("binaryen"))), "bin", name);

const STACK_SWITCHING = ["--enable-stack-switching", "--enable-tail-call", "--enable-exception-handling", "--enable-reference-types",
  "--enable-gc", "--enable-multivalue"];
const MVP = ["--enable-bulk-memory", "--enable-sign-ext", "--enable-mutable-globals",
  "--enable-nontrapping-float-to-int"];
/**
 * wasm-opt/wasm-merge feature flags per backend. Asyncify's has exception handling for its own
 * fiber_exit (assembly/fiber/asyncify.wat), not for programs (inspectModule refuses theirs).
 */
export const FEATURES = { fx: [...STACK_SWITCHING, ...MVP], asyncify: [...MVP, "--enable-exception-handling"] };

export type Backend = keyof typeof FEATURES;
export const BACKENDS: readonly Backend[] = ["fx", "asyncify"];

/**
 * The optimisation of the core (scripts/build.mjs) and of the programs with the core, before the
 * backend joins: Binaryen's -O3 (-O4 flattens, which WasmFX code does not survive) with the
 * inlining limits asc itself sets at -O3 (AssemblyScript's module.optimize), so small ABI calls
 * inline into program code as @inline functions did.
 */
export const OPTIMIZE = ["-O3", "-aimfs", "12", "-fimfs", "70", "-ocimfs", "200", "-ifwl", "-pii", "4"];

/**
 * The same at Binaryen's -O2: a link of big compiled modules in seconds rather than minutes
 * (-O3's extra passes are superlinear in a function's size, and compiled Erlang has large
 * dispatch functions, compiler/codegen/module.ts). `shoal run` and the compiler's tests use it.
 */
export const OPTIMIZE_O2 = ["-O2", ...OPTIMIZE.slice(1)];

/**
 * The optimisation once the backend has joined (after Asyncify, on that backend): Binaryen's -O3
 * with its own inlining limits, and the backend's functions (named fiber_* by fiberNamed) never
 * inlined. The program and the core were inlined into each other already, with OPTIMIZE; what
 * inlining could still do here is copy a fiber function into its callers, and that is slower in
 * V8: a function holding a WasmFX resume or suspend gets no call feedback, so V8 inlines nothing
 * into it (the scheduler's loop, or a program's loop that spawns), and a program grown by an
 * inlined suspend (or, after Asyncify, any function grown by more inlining) no longer fits V8's
 * budget for inlining it where the scheduler starts it (bench/linked_ab.ts measures it;
 * docs/benchmarks.md, "The link step").
 */
const OPTIMIZE_BACKEND = ["--no-inline=fiber_*", "-O3"];

/** The name AssemblyScript gives the global its allocator starts at. */
const HEAP_BASE = "~lib/memory/__heap_base";
/** Bytes of a Wasm page, and the most pages a wasm32 memory has (4 GiB: the core's maximum). */
const PAGE_BYTES = 65536, MAX_PAGES = 65536;
/** The core's globals (exported by name) the link step sets to the entry directory (assembly/runtime/exports.ts). */
const ENTRIES = "__shoal_entries";
const ENTRY_COUNT = "__shoal_entry_count";
const ALIGN = 16;
const align = (n: number) => (n + ALIGN - 1) & ~(ALIGN - 1);

export class LinkError extends Error {
  constructor(message: string) { super(message); this.name = "LinkError"; }
}

/** A module to link: a name for messages, and its bytes. */
export interface ProgramModule { name: string; bytes: Uint8Array }

function read(bytes: Uint8Array): Module {
  const m = binaryen.readBinary(bytes);
  m.setFeatures(binaryen.Features.All);
  return m;
}

function exportTarget(m: Module, name: string): string | undefined {
  const e = m.getExport(name);
  return e ? binaryen.getExportInfo(e).value : undefined;
}

function globalInit(m: Module, name: string): number {
  const g = binaryen.getGlobalInfo(m.getGlobal(name));
  return loose(binaryen.getExpressionInfo(g.init)).value as number;
}

/** Make the global the core exports as `exportName` the constant `value`, and drop the export. */
function fixGlobal(m: Module, exportName: string, value: number): void {
  const name = exportTarget(m, exportName);
  if (!name) throw new LinkError(`the core has no ${exportName} export: is it the prepared core (build/shoal.core.wasm)?`);
  m.removeExport(exportName);
  m.removeGlobal(name);
  m.addGlobal(name, binaryen.i32, false, m.i32.const(value));
}

/**
 * Turn asc's output for the core into the linkable core: __heap_base becomes a
 * mutable export (so optimising the core does not fold it into constants; the
 * link step sets it and makes it immutable again).
 */
export function prepareCore(ascBytes: Uint8Array): Uint8Array {
  const m = read(ascBytes);
  const base = globalInit(m, HEAP_BASE);
  m.removeGlobal(HEAP_BASE);
  m.addGlobal(HEAP_BASE, binaryen.i32, true, m.i32.const(base));
  m.addGlobalExport(HEAP_BASE, "__heap_base");
  const out = m.emitBinary();
  m.dispose();
  return out;
}

/** Where a module compiled for this prepared core with fixed placement must put its data and table entries. */
export function placementOf(core: Uint8Array): { memoryBase: number; tableBase: number } {
  const c = read(core);
  const memoryBase = align(globalInit(c, exportTarget(c, "__heap_base")!));
  const tableBase = binaryen.getTableInfo(c.getTable(exportTarget(c, "table")!)).initial;
  c.dispose();
  return { memoryBase, tableBase };
}

interface Inspected {
  name: string;
  m: Module;
  relocMem: string | undefined;
  relocTable: string | undefined;
  data: { offset: number | null; length: number }[];
  elems: { offset: number | null; length: number }[];
  tableMin: number;
  /** The pages its memory import asks for at least, and at most (undefined: no maximum). */
  memoryMin: number;
  memoryMax: number | undefined;
}

/** What a program module imports, and where its data and table entries go; refuses what the backend cannot run. */
function inspectModule(name: string, bytes: Uint8Array, coreExports: Set<string>, backend: Backend): Inspected {
  const m = read(bytes);
  // AssemblyScript imports the memory and table from "env": they are the core's
  const text = m.emitText();
  const memImport = /\(import "env" "memory" \(memory \$(\S+)/.exec(text);
  if (memImport) m.addMemoryImport(memImport[1], "shoal", "memory");
  for (let i = 0; i < m.getNumTables(); i++) {
    const t = binaryen.getTableInfo(m.getTableByIndex(i));
    if (t.module === "env" && t.base === "table") m.addTableImport(t.name, "shoal", "table");
  }
  const unknown = [...text.matchAll(/\(import "shoal" "([^"]+)"/g)].map((x) => x[1])
    .filter((n) => !coreExports.has(n) && n !== "__memory_base" && n !== "__table_base" && n !== "memory" && n !== "table");
  if (unknown.length) {
    throw new LinkError(`${name}: imports ${unknown.map((n) => `"shoal" "${n}"`).join(", ")}, which the runtime does not export (docs/abi.md lists the ABI)`);
  }
  // Binaryen's Asyncify cannot instrument a tail call (it aborts: "tail calls not yet supported in
  // asyncify"); refused here, before linking, naming the function. Only the code is searched: the
  // functions are printed last, after the data.
  const code = text.includes("\n (func ") ? text.slice(text.indexOf("\n (func ")) : "";
  /** The name of the function whose text holds `at`. */
  const functionAt = (at: number) => /\(func \$(\S+)/.exec(code.slice(code.lastIndexOf("(func $", at)))?.[1] ?? "?";
  const tail = backend === "asyncify" ? /\((return_call(?:_indirect|_ref)?)[\s)]/.exec(code) : null;
  if (tail) {
    throw new LinkError(`${name}: function $${functionAt(tail.index)} makes a tail call (${tail[1]}), which the asyncify backend cannot run (Binaryen's Asyncify does not support tail calls): compile tail calls to loops or a trampoline for it (docs/depth.md)`);
  }
  // Wasm exception handling in a program: Asyncify aborts on a `try` around a call that can suspend
  // (Flatten.cpp, UNREACHABLE)
  const eh = backend === "asyncify" ? /\((try|try_table|throw|throw_ref|rethrow|delegate)[\s)]/.exec(code) : null;
  if (eh) {
    throw new LinkError(`${name}: function $${functionAt(eh.index)} uses Wasm exception handling (${eh[1]}), which the asyncify backend cannot run in a program (Binaryen's Asyncify cannot instrument it): raise through the ABI's raise instead (docs/abi.md "Exceptions")`);
  }
  const relocMem = [...text.matchAll(/\(import "shoal" "__memory_base" \(global \$(\S+)/g)].map((x) => x[1])[0];
  const relocTable = [...text.matchAll(/\(import "shoal" "__table_base" \(global \$(\S+)/g)].map((x) => x[1])[0];
  const data: Inspected["data"] = [];
  for (let i = 0; i < loose(m).getNumDataSegments(); i++) {
    const seg = loose(m).getDataSegmentByIndex(i);
    if (B._BinaryenGetDataSegmentPassive(seg as never)) continue;
    // (the offset only when it is a constant: Binaryen asks for one and aborts on global.get)
    const length = B._BinaryenGetDataSegmentByteLength(seg as never);
    data.push({ offset: relocMem ? null : loose(m).getDataSegmentInfo(seg).offset, length });
  }
  const elems: Inspected["elems"] = [];
  for (let i = 0; i < m.getNumElementSegments(); i++) {
    const s = loose(binaryen.getElementSegmentInfo(m.getElementSegmentByIndex(i)));
    if (s.isPassive || s.table === undefined) continue;
    const off = binaryen.getExpressionInfo(s.offset);
    elems.push({ offset: off.id === binaryen.ConstId ? loose(off).value as number : null, length: s.data.length });
  }
  let tableMin = 0;
  for (let i = 0; i < m.getNumTables(); i++) {
    const t = binaryen.getTableInfo(m.getTableByIndex(i));
    if (t.module === "shoal" && t.base === "table") tableMin = t.initial;
  }
  // a memory import's limits become the program's (wasm-merge refuses an import asking for more
  // than the core's memory starts with, or for a maximum below the core's)
  const mem = m.hasMemory() ? loose(m).getMemoryInfo() as { module: string | null; initial: number; max?: number } : undefined;
  const imported = mem?.module === "shoal";
  const memoryMin = imported ? mem!.initial : 0;
  const memoryMax = imported && mem!.max !== undefined && mem!.max < MAX_PAGES ? mem!.max : undefined;
  return { name, m, relocMem, relocTable, data, elems, tableMin, memoryMin, memoryMax };
}

/**
 * A relocatable module with its bases given: every `global.get` of an imported
 * base (in segment offsets and in code alike) becomes the constant, and the
 * imports go. (Through the text format: a segment's offset may only read an
 * imported global, and Binaryen's JS API cannot set an offset.)
 */
function relocate(m: Module, bases: Record<string, number>): Module {
  let text = m.emitText();
  for (const [name, value] of Object.entries(bases)) {
    const n = name.replace(/[$.*+?^(){}|[\]\\]/g, "\\$&");
    text = text.replace(new RegExp(`\\(import "shoal" "__(memory|table)_base" \\(global \\$${n} i32\\)\\)`), "")
      .replace(new RegExp(`\\(global\\.get \\$${n}\\)`, "g"), `(i32.const ${value})`);
  }
  m.dispose();
  const r = binaryen.parseText(text);
  r.setFeatures(binaryen.Features.All);
  return r;
}

/** An entry: a program export named module:function/arity. */
interface Entry { module: string; fn: string; arity: number; exportName: string; program: number }

/** `name` as module:function/arity, or undefined if it is not an entry's name. */
export function parseEntryName(name: string): { module: string; fn: string; arity: number } | undefined {
  const m = /^([^:]+):(.+)\/(\d{1,3})$/su.exec(name);
  return m ? { module: m[1], fn: m[2], arity: Number(m[3]) } : undefined;
}

/** Whether `name` can be an atom: at most 255 characters of UTF-8. */
function atomName(name: string): boolean {
  return [...name].length <= 255 && !/[\uD800-\uDFFF]/u.test(name.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/gu, ""));
}

/** The entries of module `mod` (index `program` among the programs), checked. */
function entriesOf(mod: Inspected, program: number): Entry[] {
  const out: Entry[] = [];
  for (let i = 0; i < mod.m.getNumExports(); i++) {
    const info = binaryen.getExportInfo(mod.m.getExportByIndex(i));
    const e = parseEntryName(info.name);
    if (info.kind !== binaryen.ExternalFunction) continue;
    // (a colon marks an entry's name: a function named with one that is not an entry would never be
    // found by name, and spawning it would fail only at run time)
    if (!e && info.name.includes(":")) {
      throw new LinkError(`${mod.name}: exports "${info.name}", which is not an entry's name: an entry is exported as module:function/arity`);
    }
    if (!e) continue;
    if (!atomName(e.module) || !atomName(e.fn) || e.arity > 255) {
      throw new LinkError(`${mod.name}: entry "${info.name}": module and function names must be atoms (UTF-8, at most 255 characters), arity at most 255`);
    }
    const f = binaryen.getFunctionInfo(mod.m.getFunction(info.value));
    const params = binaryen.expandType(f.params);
    if (params.length !== e.arity || params.some((t) => t !== binaryen.i64) || f.results !== binaryen.i64) {
      throw new LinkError(`${mod.name}: entry "${info.name}" must be of type (${Array(e.arity).fill("i64").join(" ")}) -> (i64): the arguments and the result are terms`);
    }
    out.push({ ...e, exportName: info.name, program });
  }
  return out;
}

/**
 * What the host gives every module in "env" that a program may import too: the clock, trace events
 * (Runtime.onTrace), AssemblyScript's abort (host/load/core.ts provides them).
 */
const HOST_ENV = new Set(["now", "proc_trace", "abort"]);

/**
 * Resolve the imports of module `mod` that are not the ABI's: an entry another linked module exports
 * (`(import "lists" "lists:seq/2" ...)`, whatever the import's module name) is bound to it; an
 * import of the host's "env" a program may make (HOST_ENV) stays; anything else is refused, naming it.
 */
function resolveImports(mod: Inspected, exporters: Map<string, number>): void {
  let text = mod.m.emitText();
  let changed = false;
  for (const [all, module, base] of text.matchAll(/\(import "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"/g)) {
    if (module === "shoal") continue;
    const name = JSON.parse(`"${base}"`) as string;
    const k = exporters.get(name);
    if (k !== undefined) {
      text = text.replace(all, `(import "program${k}" "${base}"`);
      changed = true;
    } else if (!(module === "env" && HOST_ENV.has(name))) {
      throw new LinkError(parseEntryName(name)
        ? `${mod.name}: imports the entry "${name}", which no linked module exports`
        : `${mod.name}: imports "${module}" "${name}": a program imports only the ABI (module "shoal") and other modules' entries; call JS through host_call (docs/abi.md)`);
    }
  }
  if (!changed) return;
  mod.m.dispose();
  mod.m = binaryen.parseText(text);
  mod.m.setFeatures(binaryen.Features.All);
}

/** A WAT string literal of `bytes`. */
function watBytes(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += `\\${b.toString(16).padStart(2, "0")}`;
  return s;
}

/**
 * The generated module holding the entry directory at `dataAt` and the entries' table slots from
 * `tableAt` (assembly/boundary/entries.ts), importing each entry from its program (merged as
 * `program<i>`). Its data's size.
 */
function directoryModule(entries: Entry[], dataAt: number, tableAt: number): { wat: string; bytes: number } {
  const enc = new TextEncoder();
  const names: Uint8Array[] = [];
  const records = new DataView(new ArrayBuffer(entries.length * ENTRY_RECORD_BYTES));
  let nameAt = dataAt + entries.length * ENTRY_RECORD_BYTES;
  entries.forEach((e, i) => {
    const r = i * ENTRY_RECORD_BYTES;
    const m = enc.encode(e.module), f = enc.encode(e.fn);
    records.setUint32(r + EntryField.INDEX, tableAt + i, true);
    records.setUint32(r + EntryField.ARITY, e.arity, true);
    records.setUint32(r + EntryField.MODULE, nameAt, true);
    records.setUint32(r + EntryField.MODULE_LEN, m.length, true);
    records.setUint32(r + EntryField.FUNCTION, nameAt + m.length, true);
    records.setUint32(r + EntryField.FUNCTION_LEN, f.length, true);
    names.push(m, f);
    nameAt += m.length + f.length;
  });
  const imports = entries.map((e, i) =>
    `  (import "program${e.program}" ${JSON.stringify(e.exportName)} (func $e${i} (param${" i64".repeat(e.arity)}) (result i64)))`);
  const data = watBytes(new Uint8Array(records.buffer)) + names.map(watBytes).join("");
  const wat = `(module
${imports.join("\n")}
  (import "shoal" "memory" (memory 1))
  (import "shoal" "table" (table ${tableAt + entries.length} funcref))
  (data (i32.const ${dataAt}) "${data}")
  (elem (i32.const ${tableAt}) func ${entries.map((_, i) => `$e${i}`).join(" ")}))
`;
  return { wat, bytes: nameAt - dataAt };
}

/** The custom section naming the backend a linked module was built for (the host reads it: host/load/modules.ts). */
export const BACKEND_SECTION = "shoal.backend";

/**
 * Remove every export of the module in `file` not named in `keep`: the module exports the core's ABI
 * and control and the programs' own, never a backend's fiber_* or Asyncify's controls. With
 * `backend`, also name it in the BACKEND_SECTION custom section.
 */
function keepOnly(file: string, keep: Set<string>, backend?: Backend): void {
  const m = read(readFileSync(file));
  const drop: string[] = [];
  for (let i = 0; i < m.getNumExports(); i++) {
    const name = binaryen.getExportInfo(m.getExportByIndex(i)).name;
    if (!keep.has(name)) drop.push(name);
  }
  for (const name of drop) m.removeExport(name);
  if (backend) m.addCustomSection(BACKEND_SECTION, new TextEncoder().encode(backend));
  // (before the last optimisation, with its function names: OPTIMIZE_BACKEND finds the backend's by
  // theirs; the linked module, with `backend`, without)
  if (drop.length || backend) writeFileSync(file, backend ? m.emitBinary() : withNames(() => m.emitBinary()));
  m.dispose();
}

/** `f()` with Binaryen writing function names into the binaries it emits. */
function withNames<T>(f: () => T): T {
  const was = binaryen.getDebugInfo();
  binaryen.setDebugInfo(true);
  try {
    return f();
  } finally {
    binaryen.setDebugInfo(was);
  }
}

/**
 * The backend's fiber module with each exported function named as its export (fiber_resume, ...),
 * in a name section, so the optimiser can be told to keep them out of line (OPTIMIZE_BACKEND);
 * build/fiber.*.wasm carry no names. (Through the text format: Binaryen's JS API cannot rename a
 * function. Without names, Binaryen prints a function's index as its name, as it does a type's or a
 * local's, so only the places that name a function are rewritten: a definition or an export's
 * `(func $i`, and `call`, `return_call`, `ref.func`.)
 */
function fiberNamed(fiber: Uint8Array): Uint8Array {
  const m = read(fiber);
  const names = new Map<string, string>();
  for (let i = 0; i < m.getNumExports(); i++) {
    const e = binaryen.getExportInfo(m.getExportByIndex(i));
    if (e.kind === binaryen.ExternalFunction && /^fiber_[a-z_]+$/.test(e.name)) names.set(e.value, e.name);
  }
  const text = m.emitText().replace(/(\((?:func|call|return_call|ref\.func) )\$([^\s()]+)(?=[\s)])/g,
    (all, head: string, fn: string) => (names.has(fn) ? `${head}$${names.get(fn)}` : all));
  m.dispose();
  const named = binaryen.parseText(text);
  try {
    named.setFeatures(binaryen.Features.All);
    for (const name of names.values()) {
      if (exportTarget(named, name) !== name || !named.validate()) throw new LinkError(`could not name the fiber module's ${name}`);
    }
    return withNames(() => named.emitBinary());
  } finally {
    named.dispose();
  }
}

/** The initial size of the module's memory, in 64 KiB pages. */
function memoryInitialPages(m: Module): number {
  return (loose(m).getMemoryInfo() as { initial: number }).initial;
}

/**
 * The module's bytes with its memory's initial size at least `minPages` (every module's data must
 * fit the memory the module starts with: instantiation refuses a data segment past its end) and,
 * if `maxPages` is given, its maximum lowered to it. Through the text format: Binaryen's JS API
 * sets neither alone.
 */
function withMemory(m: Module, minPages: number, maxPages?: number): Uint8Array {
  const text = m.emitText().replace(/\(memory \$(\S+) (\d+) (\d+)\)/, (_all, name, initial, max) =>
    `(memory $${name} ${Math.max(Number(initial), minPages)} ${maxPages ?? max})`);
  const t = binaryen.parseText(text);
  t.setFeatures(binaryen.Features.All);
  const bytes = t.emitBinary();
  t.dispose();
  return bytes;
}

function run(cmd: string, args: string[]): void {
  try {
    execFileSync(process.execPath, [tool(cmd), ...args], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    const err = String((e as { stderr?: Buffer }).stderr ?? e).trim();
    // Asyncify cannot instrument a tail call (inspectModule refuses one by name first; this is the fallback): say what a compiler does instead (docs/depth.md)
    if (/tail calls not yet supported in asyncify/.test(err)) {
      throw new LinkError("a module uses return_call, which Binaryen's Asyncify cannot instrument: on the asyncify backend, compile tail calls as loops or a trampoline (docs/depth.md)");
    }
    throw new LinkError(`${cmd} failed: ${err.split("\n").slice(-3).join(" ")}`);
  }
}

export interface LinkOptions {
  /** The prepared core (build/shoal.core.wasm, or its debug build). */
  core: Uint8Array;
  /** The backend's fiber module (build/fiber.<backend>.wasm). */
  fiber: Uint8Array;
  backend: Backend;
  /** Program modules (the names only label errors). */
  modules?: ProgramModule[];
  /** A smaller maximum for the linear memory than the core's 4 GiB (64 KiB pages), for tests that run out of memory quickly. */
  maxMemoryPages?: number;
  /** Binaryen's optimisation level for the linked program: 3 (the default) or 2 (OPTIMIZE_O2: much faster for big modules). */
  optimize?: 2 | 3;
}

/** What a link made: the module, and the entries it exports by name. */
export interface Linked { bytes: Uint8Array; entries: string[] }

/**
 * Link the prepared core, a backend's fiber module and program modules into one
 * module for `backend` ("fx" or "asyncify"). Throws LinkError naming what is wrong.
 */
export function link({ core, fiber, backend, modules = [], maxMemoryPages, optimize = 3 }: LinkOptions): Linked {
  if (!FEATURES[backend]) throw new LinkError(`unknown backend ${backend}`);
  const OPT = optimize === 2 ? OPTIMIZE_O2 : OPTIMIZE;
  const OPT_BACKEND = optimize === 2 ? ["--no-inline=fiber_*", "-O2"] : OPTIMIZE_BACKEND;
  const c = read(core);
  const heapBaseGlobal = exportTarget(c, "__heap_base");
  const tableName = exportTarget(c, "table");
  if (!heapBaseGlobal || !tableName) throw new LinkError("the core has no __heap_base or table export: is it the prepared core (build/shoal.core.wasm)?");
  const coreExports = new Set<string>();
  for (let i = 0; i < c.getNumExports(); i++) coreExports.add(binaryen.getExportInfo(c.getExportByIndex(i)).name);
  coreExports.delete(ENTRIES);
  coreExports.delete(ENTRY_COUNT);
  const coreData = globalInit(c, heapBaseGlobal);
  const coreTable = binaryen.getTableInfo(c.getTable(tableName)).initial;

  // place every module's data and table entries
  let dataEnd = align(coreData);
  let tableEnd = coreTable;
  const taken: { start: number; end: number; name: string }[] = [];   // fixed data ranges, to catch overlaps
  const mods = modules.map((x) => inspectModule(x.name, x.bytes, coreExports, backend));
  const programExports = new Set<string>();
  for (const mod of mods) {
    for (let i = 0; i < mod.m.getNumExports(); i++) {
      const name = binaryen.getExportInfo(mod.m.getExportByIndex(i)).name;
      if (coreExports.has(name)) throw new LinkError(`${mod.name}: exports "${name}", which the runtime already exports`);
      if (programExports.has(name)) throw new LinkError(`${mod.name}: exports "${name}", which another module already exports`);
      programExports.add(name);
    }
  }
  const entries = mods.flatMap((mod, i) => entriesOf(mod, i));
  const exporters = new Map(entries.map((e) => [e.exportName, e.program]));
  for (const mod of mods) resolveImports(mod, exporters);
  for (const mod of mods) {
    for (const d of mod.data) if (d.offset !== null) {
      if (d.offset < coreData) throw new LinkError(`${mod.name}: data at ${d.offset} lies in the runtime's own data (below ${coreData}); compile it relocatable (import "shoal" "__memory_base") or with a base of at least ${align(coreData)}`);
      const clash = taken.find((r) => d.offset! < r.end && r.start < d.offset! + d.length);
      if (clash) throw new LinkError(`${mod.name}: data at ${d.offset}..${d.offset + d.length} overlaps ${clash.name}'s`);
      taken.push({ start: d.offset, end: d.offset + d.length, name: mod.name });
      dataEnd = Math.max(dataEnd, align(d.offset + d.length));
    }
    for (const e of mod.elems) if (e.offset !== null) {
      if (e.offset < coreTable) throw new LinkError(`${mod.name}: table entries at ${e.offset} overlap the runtime's (below ${coreTable}); compile it relocatable (import "shoal" "__table_base") or with a table base of at least ${coreTable}`);
      tableEnd = Math.max(tableEnd, e.offset + e.length);
    }
    tableEnd = Math.max(tableEnd, mod.tableMin);
  }
  for (const mod of mods) {
    const bases: Record<string, number> = {};
    if (mod.relocMem) {
      // (every segment of a relocatable module is at its base: one segment, as a compiler writes it)
      bases[mod.relocMem] = dataEnd;
      dataEnd = align(dataEnd + mod.data.reduce((n, d) => Math.max(n, d.length), 0));
    }
    if (mod.relocTable) {
      bases[mod.relocTable] = tableEnd;
      tableEnd += mod.elems.reduce((n, e) => n + e.length, 0);
    }
    if (mod.relocMem || mod.relocTable) mod.m = relocate(mod.m, bases);
  }
  // the entry directory: after every module's data and table entries
  let directory: string | undefined;
  if (entries.length) {
    const dir = directoryModule(entries, dataEnd, tableEnd);
    directory = dir.wat;
    fixGlobal(c, ENTRIES, dataEnd);
    fixGlobal(c, ENTRY_COUNT, entries.length);
    dataEnd = align(dataEnd + dir.bytes);
    tableEnd += entries.length;
  } else {
    fixGlobal(c, ENTRIES, 0);
    fixGlobal(c, ENTRY_COUNT, 0);
  }

  // the core's allocator starts past every module's data; the table holds every entry
  c.removeGlobal(heapBaseGlobal);
  c.addGlobal(heapBaseGlobal, binaryen.i32, false, c.i32.const(dataEnd));
  B._BinaryenTableSetInitial(c.getTable(tableName) as never, tableEnd as never);
  if (B._BinaryenTableHasMax(c.getTable(tableName) as never)) B._BinaryenTableSetMax(c.getTable(tableName) as never, tableEnd as never);

  const tmp = mkdtempSync(join(tmpdir(), "shoal-link-"));
  try {
    const file = (name: string) => join(tmp, name);
    // (the data of big programs can pass the core's initial memory: it grows to hold it and 1 MiB
    // more; and as large as any module's memory import asks, at most as large as any allows)
    const minPages = Math.max(Math.ceil(dataEnd / PAGE_BYTES) + 16, ...mods.map((mod) => mod.memoryMin));
    const maxPages = Math.min(maxMemoryPages ?? MAX_PAGES, ...mods.map((mod) => mod.memoryMax ?? MAX_PAGES));
    const small = mods.find((mod) => mod.memoryMax !== undefined && mod.memoryMax < minPages);
    if (small) throw new LinkError(`${small.name}: imports a memory of at most ${small.memoryMax} pages, but the program needs ${minPages} to start (the runtime's data, every module's data, and the largest minimum imported)`);
    writeFileSync(file("core.wasm"), maxPages < MAX_PAGES || minPages > memoryInitialPages(c) ? withMemory(c, minPages, maxPages) : c.emitBinary());
    c.dispose();
    const programs = mods.flatMap((mod, i) => {
      writeFileSync(file(`m${i}.wasm`), mod.m.emitBinary());
      mod.m.dispose();
      return [file(`m${i}.wasm`), `program${i}`];
    });
    if (directory) {
      const d = binaryen.parseText(directory);
      d.setFeatures(binaryen.Features.All);
      writeFileSync(file("directory.wasm"), d.emitBinary());
      d.dispose();
      programs.push(file("directory.wasm"), "directory");
    }
    const keep = new Set([...coreExports, ...programExports]);
    // 1. the programs with the core, optimised together while the fiber calls are still imports,
    //    so ABI calls inline into program code before Asyncify sees it (and no backend function
    //    can be inlined anywhere)
    let program = file("core.wasm");
    if (programs.length) {
      run("wasm-merge", [program, "shoal", ...programs, ...FEATURES[backend], "-o", file("joined.wasm")]);
      run("wasm-opt", [file("joined.wasm"), ...FEATURES[backend], ...OPT, "-o", file("program.wasm")]);
      program = file("program.wasm");
    }
    // 2. the backend: merged (its function names kept, -g), then (Asyncify right after the merge) optimised
    writeFileSync(file("fiber.wasm"), fiberNamed(fiber));
    run("wasm-merge", [program, "shoal", file("fiber.wasm"), "fiber", ...FEATURES[backend], "-g", "-o", file("merged.wasm")]);
    keepOnly(file("merged.wasm"), keep);
    const out = file("out.wasm");
    if (backend === "fx") run("wasm-opt", [file("merged.wasm"), ...FEATURES.fx, ...OPT_BACKEND, "--strip-debug", "-o", out]);
    else run("wasm-opt", [file("merged.wasm"), ...FEATURES.asyncify, "--asyncify", "--pass-arg=asyncify-ignore-imports", ...OPT_BACKEND, "--strip-debug", "-o", out]);
    keepOnly(out, keep, backend);   // (Asyncify adds asyncify_* exports nobody calls)
    return { bytes: new Uint8Array(readFileSync(out)), entries: entries.map((e) => e.exportName) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The package's build/ folder: the prepared cores and fiber modules it ships. */
export const artifacts = new URL("../../build/", import.meta.url);

export interface LinkProgramOptions {
  /** Program modules: bytes (named by position) or { name, bytes }. */
  modules: (Uint8Array | ProgramModule)[];
  /** Which builds to make (default both). */
  backends?: readonly Backend[];
  /** Link the core whose invariants are checked (build/shoal.core.debug.wasm): slower, for testing a compiler. */
  debug?: boolean;
  maxMemoryPages?: number;
  /** Binaryen's level: 3 (default) or 2 (LinkOptions.optimize). */
  optimize?: 2 | 3;
}

/** Link program modules with the shipped core, one module per backend (what `npx shoal link` does). */
export function linkProgram({ modules, backends = BACKENDS, debug = false, maxMemoryPages, optimize }: LinkProgramOptions): Partial<Record<Backend, Linked>> {
  const core = readFileSync(new URL(debug ? "shoal.core.debug.wasm" : "shoal.core.wasm", artifacts));
  const mods = modules.map((m, i) => (m instanceof Uint8Array ? { name: `module ${i + 1}`, bytes: m } : m));
  const out: Partial<Record<Backend, Linked>> = {};
  for (const backend of backends) {
    out[backend] = link({ core, fiber: readFileSync(new URL(`fiber.${backend}.wasm`, artifacts)), backend, modules: mods, maxMemoryPages, optimize });
  }
  return out;
}

/**
 * linkProgram with each backend linked at the same time, in a worker thread of its own (what
 * `npx shoal link` does): Binaryen's tools are single-threaded, and a link is mostly their time, so
 * on a machine with a core per backend the two builds take the time of the slower one (Asyncify's)
 * rather than the sum. A LinkError in a worker is thrown here as a LinkError, with its message.
 */
export async function linkProgramInParallel(options: LinkProgramOptions): Promise<Partial<Record<Backend, Linked>>> {
  const backends = options.backends ?? BACKENDS;
  if (backends.length < 2) return linkProgram(options);
  const { Worker } = await import("node:worker_threads");
  const results = await Promise.all(backends.map((backend) => new Promise<Linked>((resolve, reject) => {
    const worker = new Worker(new URL("./link-worker.js", import.meta.url), { workerData: { ...options, backends: [backend] } });
    worker.once("message", (r: { linked?: Linked; error?: { name: string; message: string } }) => {
      if (r.linked) resolve(r.linked);
      else reject(r.error!.name === "LinkError" ? new LinkError(r.error!.message) : new Error(r.error!.message));
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the ${backend} link's worker exited (${code}) without a result`)));
  })));
  return Object.fromEntries(backends.map((b, i) => [b, results[i]]));
}
