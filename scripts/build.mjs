// Builds Shoal: the TypeScript (the host, and the link step it then uses),
// the core once (and once more with its invariants checked), the test
// programs as a module of their own, then every module by the link step
// (compiler/link.ts), exactly as `npx shoal link` links a compiler's output.
//
//   host/ compiler/ bench/ examples/ ──tsc──► dist/
//
//   assembly/index.ts ──asc──► prepareCore ──wasm-opt──► build/shoal.core.wasm        (linkable core)
//        └── --use SHOAL_DEBUG=1 ───────────────────────► build/shoal.core.debug.wasm  (asserts on)
//   assembly/testing/index.ts ──asc (above the core's data and table)──► build/testing.wasm
//        (its exports entry_<name> renamed testing:<name>/1: the entries the host spawns by name)
//   assembly/fiber/{fx,asyncify}.wat ──wasm-as──► build/fiber.{fx,asyncify}.wasm
//
//   link(core, fiber)                 ─► build/shoal.{fx,asyncify}.wasm          the product
//   link(core, fiber, testing)        ─► build/testing.{fx,asyncify}.wasm        benchmarks, demo
//   link(core.debug, fiber, testing)  ─► build/testing.debug.{fx,asyncify}.wasm  the test suite
//     with a 256 MiB memory         ─► build/testing.small.{fx,asyncify}.wasm  out-of-memory tests
//
// A step runs only when its inputs changed since the last build (their hashes
// are kept in build/.stamps.json), so a second `npm test` builds nothing.
// `--host` builds only the TypeScript.
// (dist/bench/ is CommonJS: bench/package.json says so to tsc, and Node needs
// the same word beside the compiled files.)
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import binaryen from "binaryen";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const at = (p) => join(root, p);
const tool = (pkg, bin) => join(root, "node_modules", pkg, "bin", bin);
const run = (script, args) => execFileSync(process.execPath, [script, ...args], { cwd: root, stdio: "inherit" });

mkdirSync(at("build"), { recursive: true });

// 0. the TypeScript: the host, the link step, the benchmarks and the examples
run(tool("typescript", "tsc"), ["-p", "tsconfig.json"]);
mkdirSync(at("dist/bench"), { recursive: true });
writeFileSync(at("dist/bench/package.json"), '{\n  "type": "commonjs"\n}\n');
const { FEATURES, OPTIMIZE, link, placementOf, prepareCore } = await import("../dist/compiler/link.js");

/** Rename the exports entry_<name> of the module in `file` to <module>:<name>/<arity>: an asc-compiled module's entries. */
function nameEntries(file, module) {
  const m = binaryen.readBinary(readFileSync(file));
  m.setFeatures(binaryen.Features.All);
  for (let i = m.getNumExports() - 1; i >= 0; i--) {
    const e = binaryen.getExportInfo(m.getExportByIndex(i));
    if (e.kind !== binaryen.ExternalFunction || !e.name.startsWith("entry_")) continue;
    const arity = binaryen.expandType(binaryen.getFunctionInfo(m.getFunction(e.value)).params).length;
    m.removeExport(e.name);
    m.addFunctionExport(e.value, `${module}:${e.name.slice("entry_".length)}/${arity}`);
  }
  writeFileSync(file, m.emitBinary());
  m.dispose();
}
const stampsFile = at("build/.stamps.json");
const stamps = existsSync(stampsFile) ? JSON.parse(readFileSync(stampsFile, "utf8")) : {};

function sourcesUnder(dir) {
  const out = [];
  for (const e of readdirSync(at(dir), { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourcesUnder(p));
    else if (/\.(ts|wat|json)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** Run `make` unless `outputs` exist and `inputs` (files) and `key` hash as last time. */
function step(name, inputs, outputs, make, key = "") {
  const h = createHash("sha256").update(key);
  for (const f of inputs) h.update(f).update(readFileSync(at(f)));
  const digest = h.digest("hex");
  if (stamps[name] === digest && outputs.every((o) => existsSync(at(o)))) return;
  make();
  stamps[name] = digest;
  writeFileSync(stampsFile, JSON.stringify(stamps, null, 2));
}

const hostOnly = process.argv.includes("--host");
/** The test build that runs out of memory soon: 256 MiB of linear memory at most. */
const SMALL_MEMORY_PAGES = 4096;
if (!hostOnly) {
  const asc = tool("assemblyscript", "asc.js");
  const coreSources = [...sourcesUnder("assembly").filter((f) => !f.startsWith("assembly/testing")), ...sourcesUnder("gc"), "asconfig.json"];

  // 1. the core, twice: release, and debug (every `if (DEBUG) assert(...)` kept)
  for (const [variant, extra] of [["", []], [".debug", ["--use", "SHOAL_DEBUG=1"]]]) {
    const out = `build/shoal.core${variant}.wasm`;
    step(`core${variant}`, coreSources, [out], () => {
      const raw = `build/shoal.core${variant}.asc.wasm`;
      run(asc, ["assembly/index.ts", "--config", "asconfig.json", "--target", "core", "--debug", ...extra, "-o", raw]);
      writeFileSync(at(raw), prepareCore(readFileSync(at(raw))));
      run(tool("binaryen", "wasm-opt"), [raw, ...FEATURES.fx, ...OPTIMIZE, "-g", "-o", out]);
    });
  }

  // 2. the fiber backends
  for (const b of ["fx", "asyncify"]) {
    step(`fiber.${b}`, [`assembly/fiber/${b}.wat`], [`build/fiber.${b}.wasm`], () =>
      run(tool("binaryen", "wasm-as"), [...FEATURES[b], `assembly/fiber/${b}.wat`, "-o", `build/fiber.${b}.wasm`]));
  }

  // 3. the test programs, placed above the core's data and table entries
  // (the same place for both cores, so the debug build links the same module: the higher of the two)
  const places = ["build/shoal.core.wasm", "build/shoal.core.debug.wasm"].map((f) => placementOf(readFileSync(at(f))));
  const place = JSON.stringify({
    memoryBase: Math.max(...places.map((p) => p.memoryBase)), tableBase: Math.max(...places.map((p) => p.tableBase)),
  });
  step("testing", [...sourcesUnder("assembly/testing"), ...sourcesUnder("assembly/boundary"), ...sourcesUnder("abi"), "gc/term/term.ts", "asconfig.json"],
    ["build/testing.wasm"], () => {
      const { memoryBase, tableBase } = JSON.parse(place);
      run(asc, ["assembly/testing/index.ts", "--config", "asconfig.json", "--target", "testing",
        "--memoryBase", String(memoryBase), "--tableBase", String(tableBase), "-O3", "-o", "build/testing.wasm"]);
      nameEntries(at("build/testing.wasm"), "testing");
    }, place);

  // 4. the linked modules
  for (const b of ["fx", "asyncify"]) {
    for (const [out, core, programs, maxMemoryPages] of [
      [`build/shoal.${b}.wasm`, "build/shoal.core.wasm", []],
      [`build/testing.${b}.wasm`, "build/shoal.core.wasm", ["build/testing.wasm"]],
      [`build/testing.debug.${b}.wasm`, "build/shoal.core.debug.wasm", ["build/testing.wasm"]],
      [`build/testing.small.${b}.wasm`, "build/shoal.core.debug.wasm", ["build/testing.wasm"], SMALL_MEMORY_PAGES],
    ]) {
      step(out, [core, `build/fiber.${b}.wasm`, ...programs, "compiler/link.ts", "assembly/boundary/entries.ts"], [out], () => {
        const { bytes } = link({
          core: readFileSync(at(core)), fiber: readFileSync(at(`build/fiber.${b}.wasm`)), backend: b,
          modules: programs.map((p) => ({ name: p, bytes: readFileSync(at(p)) })), maxMemoryPages,
        });
        writeFileSync(at(out), bytes);
        console.log(`${out}: ${bytes.length} bytes`);
      });
    }
  }
}
