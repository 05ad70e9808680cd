// The link step: one Shoal runtime module from the core, a fiber backend and
// any number of program modules (a compiler's output, or the test programs).
//
//   core (asc, names kept; __heap_base made a mutable export, then -O3)  ─┐
//   program modules (import module "shoal": memory, table, ABI calls)    ─┼─ place data and table entries
//                                                                          │  set __heap_base past them
//                                                                          ▼
//                wasm-merge core "shoal" + backend "fiber" + programs
//                   ├─ fx:        wasm-opt -O3
//                   └─ asyncify:  wasm-opt --asyncify (right after the merge, before any inlining), -O3
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

import binaryenModule from "binaryen";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const B = binaryenModule;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tool = (name) => join(root, "node_modules", "binaryen", "bin", name);

const STACK_SWITCHING = ["--enable-stack-switching", "--enable-tail-call", "--enable-exception-handling", "--enable-reference-types",
  "--enable-gc", "--enable-multivalue"];
const MVP = ["--enable-bulk-memory", "--enable-sign-ext", "--enable-mutable-globals",
  "--enable-nontrapping-float-to-int"];
/** wasm-opt/wasm-merge feature flags per backend. */
export const FEATURES = { fx: [...STACK_SWITCHING, ...MVP], asyncify: MVP };

/**
 * The optimisation every linked module gets: Binaryen's -O3 (-O4 flattens, which
 * WasmFX code does not survive) with the inlining
 * limits asc itself sets at -O3 (AssemblyScript's module.optimize), so small
 * ABI calls inline into program code as @inline functions did.
 */
export const OPTIMIZE = ["-O3", "-aimfs", "12", "-fimfs", "70", "-ocimfs", "200", "-ifwl", "-pii", "4"];

/** The name AssemblyScript gives the global its allocator starts at. */
const HEAP_BASE = "~lib/memory/__heap_base";
const ALIGN = 16;
const align = (n) => (n + ALIGN - 1) & ~(ALIGN - 1);

export class LinkError extends Error {
  constructor(message) { super(message); this.name = "LinkError"; }
}

function read(bytes) {
  const m = B.readBinary(bytes);
  m.setFeatures(B.Features.All);
  return m;
}

function exportTarget(m, name) {
  const e = m.getExport(name);
  return e ? B.getExportInfo(e).value : undefined;
}

function globalInit(m, name) {
  const g = B.getGlobalInfo(m.getGlobal(name));
  return B.getExpressionInfo(g.init).value;
}

/**
 * Turn asc's output for the core into the linkable core: __heap_base becomes a
 * mutable export (so optimising the core does not fold it into constants; the
 * link step sets it and makes it immutable again).
 */
export function prepareCore(ascBytes) {
  const m = read(ascBytes);
  const base = globalInit(m, HEAP_BASE);
  m.removeGlobal(HEAP_BASE);
  m.addGlobal(HEAP_BASE, B.i32, true, m.i32.const(base));
  m.addGlobalExport(HEAP_BASE, "__heap_base");
  const out = m.emitBinary();
  m.dispose();
  return out;
}

/** Where a module compiled for this prepared core with fixed placement must put its data and table entries. */
export function placementOf(core) {
  const c = read(core);
  const memoryBase = align(globalInit(c, exportTarget(c, "__heap_base")));
  const tableBase = B.getTableInfo(c.getTable(exportTarget(c, "table"))).initial;
  c.dispose();
  return { memoryBase, tableBase };
}

/** What a program module imports, and where its data and table entries go; refuses what the backend cannot run. */
function inspectModule(name, bytes, coreExports, backend) {
  const m = read(bytes);
  // AssemblyScript imports the memory and table from "env": they are the core's
  const text = m.emitText();
  const memImport = /\(import "env" "memory" \(memory \$(\S+)/.exec(text);
  if (memImport) m.addMemoryImport(memImport[1], "shoal", "memory");
  for (let i = 0; i < m.getNumTables(); i++) {
    const t = B.getTableInfo(m.getTableByIndex(i));
    if (t.module === "env" && t.base === "table") m.addTableImport(t.name, "shoal", "table");
  }
  const unknown = [...m.emitText().matchAll(/\(import "shoal" "([^"]+)"/g)].map((x) => x[1])
    .filter((n) => !coreExports.has(n) && n !== "__memory_base" && n !== "__table_base" && n !== "memory" && n !== "table");
  if (unknown.length) {
    throw new LinkError(`${name}: imports ${unknown.map((n) => `"shoal" "${n}"`).join(", ")}, which the runtime does not export (docs/abi.md lists the ABI)`);
  }
  // Binaryen's Asyncify cannot instrument a tail call (it aborts: "tail calls not yet supported in
  // asyncify"). Only the code is searched: the functions are printed last, after the data.
  const code = text.includes("\n (func ") ? text.slice(text.indexOf("\n (func ")) : "";
  const tail = backend === "asyncify" ? /\((return_call(?:_indirect|_ref)?)[\s)]/.exec(code) : null;
  if (tail) {
    const fn = /\(func \$(\S+)/.exec(code.slice(code.lastIndexOf("(func $", tail.index)))?.[1] ?? "?";
    throw new LinkError(`${name}: function $${fn} makes a tail call (${tail[1]}), which the asyncify backend cannot run (Binaryen's Asyncify does not support tail calls): compile tail calls to loops or a trampoline for it (docs/depth.md)`);
  }
  const relocMem = [...text.matchAll(/\(import "shoal" "__memory_base" \(global \$(\S+)/g)].map((x) => x[1])[0];
  const relocTable = [...text.matchAll(/\(import "shoal" "__table_base" \(global \$(\S+)/g)].map((x) => x[1])[0];
  const data = [];
  for (let i = 0; i < m.getNumDataSegments(); i++) {
    const seg = m.getDataSegmentByIndex(i);
    if (B._BinaryenGetDataSegmentPassive(seg)) continue;
    // (the offset only when it is a constant: Binaryen asks for one and aborts on global.get)
    const length = B._BinaryenGetDataSegmentByteLength(seg);
    data.push({ offset: relocMem ? null : m.getDataSegmentInfo(seg).offset, length });
  }
  const elems = [];
  for (let i = 0; i < m.getNumElementSegments(); i++) {
    const s = B.getElementSegmentInfo(m.getElementSegmentByIndex(i));
    if (s.isPassive || s.table === undefined) continue;
    const off = B.getExpressionInfo(s.offset);
    elems.push({ offset: off.id === B.ConstId ? off.value : null, length: s.data.length });
  }
  let tableMin = 0;
  for (let i = 0; i < m.getNumTables(); i++) {
    const t = B.getTableInfo(m.getTableByIndex(i));
    if (t.module === "shoal" && t.base === "table") tableMin = t.initial;
  }
  return { name, m, relocMem, relocTable, data, elems, tableMin };
}

/**
 * A relocatable module with its bases given: every `global.get` of an imported
 * base (in segment offsets and in code alike) becomes the constant, and the
 * imports go. (Through the text format: a segment's offset may only read an
 * imported global, and Binaryen's JS API cannot set an offset.)
 */
function relocate(m, bases) {
  let text = m.emitText();
  for (const [name, value] of Object.entries(bases)) {
    const n = name.replace(/[$.*+?^(){}|[\]\\]/g, "\\$&");
    text = text.replace(new RegExp(`\\(import "shoal" "__(memory|table)_base" \\(global \\$${n} i32\\)\\)`), "")
      .replace(new RegExp(`\\(global\\.get \\$${n}\\)`, "g"), `(i32.const ${value})`);
  }
  m.dispose();
  const r = B.parseText(text);
  r.setFeatures(B.Features.All);
  return r;
}

/** Remove every export of the module in `file` not named in `keep`: the module exports the core's ABI and control and the programs' entries, never a backend's fiber_* or Asyncify's controls. */
function keepOnly(file, keep) {
  const m = read(readFileSync(file));
  const drop = [];
  for (let i = 0; i < m.getNumExports(); i++) {
    const name = B.getExportInfo(m.getExportByIndex(i)).name;
    if (!keep.has(name)) drop.push(name);
  }
  if (drop.length) {
    for (const name of drop) m.removeExport(name);
    writeFileSync(file, m.emitBinary());
  }
  m.dispose();
}

/** The module's bytes with its memory's maximum lowered to `pages` (through the text format: Binaryen's JS API sets no limit alone). */
function withMaxMemory(m, pages) {
  const text = m.emitText().replace(/\(memory \$(\S+) (\d+) (\d+)\)/, (all, name, initial) => `(memory $${name} ${initial} ${pages})`);
  const t = B.parseText(text);
  t.setFeatures(B.Features.All);
  const bytes = t.emitBinary();
  t.dispose();
  return bytes;
}

function writeTo(path, bytes) {
  writeFileSync(path, bytes);
  return path;
}

function run(cmd, args) {
  execFileSync(process.execPath, [tool(cmd), ...args], { stdio: ["ignore", "ignore", "inherit"] });
}

/**
 * Link the prepared core, a backend's fiber module and program modules into one
 * module for `backend` ("fx" or "asyncify"); returns its bytes.
 * modules: [{ name, bytes }] (the names only label errors and wasm-merge's inputs).
 * maxMemoryPages: a smaller maximum for the linear memory than the core's 4 GiB
 * (64 KiB pages), for tests that run out of memory quickly.
 */
export function link({ core, fiber, backend, modules = [], maxMemoryPages }) {
  if (!FEATURES[backend]) throw new LinkError(`unknown backend ${backend}`);
  const c = read(core);
  const heapBaseGlobal = exportTarget(c, "__heap_base");
  const tableName = exportTarget(c, "table");
  if (!heapBaseGlobal || !tableName) throw new LinkError("the core has no __heap_base or table export: is it the prepared core (scripts/build.mjs)?");
  const coreExports = new Set();
  for (let i = 0; i < c.getNumExports(); i++) coreExports.add(B.getExportInfo(c.getExportByIndex(i)).name);
  const coreData = globalInit(c, heapBaseGlobal);
  const coreTable = B.getTableInfo(c.getTable(tableName)).initial;

  // place every module's data and table entries
  let dataEnd = align(coreData);
  let tableEnd = coreTable;
  const taken = [];   // fixed data ranges, to catch overlaps
  const mods = modules.map((x) => inspectModule(x.name, x.bytes, coreExports, backend));
  const programExports = new Set();
  for (const mod of mods) {
    for (let i = 0; i < mod.m.getNumExports(); i++) {
      const name = B.getExportInfo(mod.m.getExportByIndex(i)).name;
      if (coreExports.has(name)) throw new LinkError(`${mod.name}: exports "${name}", which the runtime already exports`);
      if (programExports.has(name)) throw new LinkError(`${mod.name}: exports "${name}", which another module already exports`);
      programExports.add(name);
    }
  }
  for (const mod of mods) {
    for (const d of mod.data) if (d.offset !== null) {
      if (d.offset < coreData) throw new LinkError(`${mod.name}: data at ${d.offset} lies in the runtime's own data (below ${coreData}); compile it relocatable (import "shoal" "__memory_base") or with a base of at least ${align(coreData)}`);
      const clash = taken.find((r) => d.offset < r.end && r.start < d.offset + d.length);
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
    const bases = {};
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

  // the core's allocator starts past every module's data; the table holds every entry
  c.removeGlobal(heapBaseGlobal);
  c.addGlobal(heapBaseGlobal, B.i32, false, c.i32.const(dataEnd));
  B._BinaryenTableSetInitial(c.getTable(tableName), tableEnd);
  if (B._BinaryenTableHasMax(c.getTable(tableName))) B._BinaryenTableSetMax(c.getTable(tableName), tableEnd);

  const dir = mkdtempSync(join(tmpdir(), "shoal-link-"));
  try {
    const file = (name) => join(dir, name);
    writeFileSync(file("core.wasm"), maxMemoryPages ? withMaxMemory(c, maxMemoryPages) : c.emitBinary());
    c.dispose();
    const programs = mods.flatMap((mod, i) => {
      writeFileSync(file(`m${i}.wasm`), mod.m.emitBinary());
      mod.m.dispose();
      return [file(`m${i}.wasm`), `program${i}`];
    });
    const keep = new Set([...coreExports, ...programExports]);
    // 1. the programs with the core, optimised together while the fiber calls are still imports,
    //    so ABI calls inline into program code before Asyncify sees it (and no backend function
    //    can be inlined anywhere)
    let program = file("core.wasm");
    if (programs.length) {
      run("wasm-merge", [program, "shoal", ...programs, ...FEATURES[backend], "-o", file("joined.wasm")]);
      run("wasm-opt", [file("joined.wasm"), ...FEATURES[backend], ...OPTIMIZE, "-o", file("program.wasm")]);
      program = file("program.wasm");
    }
    // 2. the backend: merged, then (Asyncify right after the merge) optimised
    run("wasm-merge", [program, "shoal", writeTo(file("fiber.wasm"), fiber), "fiber",
      ...FEATURES[backend], "-o", file("merged.wasm")]);
    keepOnly(file("merged.wasm"), keep);
    const out = file("out.wasm");
    if (backend === "fx") run("wasm-opt", [file("merged.wasm"), ...FEATURES.fx, ...OPTIMIZE, "--strip-debug", "-o", out]);
    else run("wasm-opt", [file("merged.wasm"), ...FEATURES.asyncify, "--asyncify", "--pass-arg=asyncify-ignore-imports", ...OPTIMIZE, "--strip-debug", "-o", out]);
    keepOnly(out, keep);   // Asyncify adds asyncify_* exports nobody calls
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
