// Builds Shoal: the AssemblyScript core once, then one module per fiber backend.
//
//   assembly/**.ts ──asc──► build/shoal.core.wasm (imports module "fiber")
//        │
//        ├─ + assembly/fiber/fx.wat ────wasm-merge──► wasm-opt -O3 ──────────────► build/shoal.fx.wasm
//        └─ + assembly/fiber/asyncify.wat ─wasm-merge─► wasm-opt --asyncify, -O3 ─► build/shoal.asyncify.wasm
//
// Asyncify must run right after the merge, before anything inlines the
// backend's fiber_* functions into their callers. Then the host TypeScript
// is compiled to dist/ with tsc.
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync, existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const run = (cmd, args) => execFileSync(bin(cmd), args, { cwd: root, stdio: "inherit" });

const STACK_SWITCHING = ["--enable-stack-switching", "--enable-exception-handling", "--enable-reference-types",
  "--enable-gc", "--enable-multivalue"];
const MVP = ["--enable-bulk-memory", "--enable-sign-ext", "--enable-mutable-globals",
  "--enable-nontrapping-float-to-int"];
const FX = [...STACK_SWITCHING, ...MVP];

mkdirSync(join(root, "build"), { recursive: true });
const only = process.argv.includes("--host") ? "host" : "all";

if (only === "all") {
  // 1. the core, with the fiber calls left as imports from module "fiber"
  run("asc", ["assembly/index.ts", "--target", "release", "--config", "asconfig.json"]);
  // 2. WasmFX
  run("wasm-as", [...FX, "assembly/fiber/fx.wat", "-o", "build/fiber.fx.wasm"]);
  run("wasm-merge", ["build/shoal.core.wasm", "shoal", "build/fiber.fx.wasm", "fiber", ...FX,
    "-o", "build/shoal.fx.merged.wasm"]);
  run("wasm-opt", ["build/shoal.fx.merged.wasm", ...FX, "-O3", "-o", "build/shoal.fx.wasm"]);
  // 3. Asyncify
  run("wasm-as", [...MVP, "assembly/fiber/asyncify.wat", "-o", "build/fiber.asyncify.wasm"]);
  run("wasm-merge", ["build/shoal.core.wasm", "shoal", "build/fiber.asyncify.wasm", "fiber", ...MVP,
    "-o", "build/shoal.asyncify.merged.wasm"]);
  run("wasm-opt", ["build/shoal.asyncify.merged.wasm", ...MVP, "--asyncify",
    "--pass-arg=asyncify-ignore-imports", "-O3", "-o", "build/shoal.asyncify.wasm"]);
}
// 4. the host
run("tsc", ["-p", "tsconfig.json"]);

for (const f of ["shoal.fx.wasm", "shoal.asyncify.wasm"]) {
  const p = join(root, "build", f);
  if (existsSync(p)) console.log(`build/${f}: ${statSync(p).size} bytes`);
}
