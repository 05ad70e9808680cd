// The raw engine kernels: a suspend + resume round trip with no runtime
// around it, on each backend, timed in this Node process.
//
// bench/raw/fx.wat and asy.wat are unchanged copies of the team's raw-switch
// spike kernels (bench/raw/README.md), built here exactly as the spike's
// build.mjs builds them, with the project's own node_modules/binaryen tools:
//
//   fx.wat  ──wasm-as --all-features──► fx.wasm
//   asy.wat ──wasm-as (MVP + bulk-memory, sign-ext, mutable-globals)──► asy.pre.wasm
//           ──wasm-opt --asyncify --pass-arg=asyncify-ignore-imports -O3──► asy.wasm
//
// and timed as the spike's bench.mjs does: roundtrip(n) drives one fiber
// through n suspend/resume round trips (Asyncify needs reset(64) first: a
// 64-byte fiber record), and returns a checksum.

import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import type { Backend } from "../../host/backend";
import { ROOT, check, stopwatch, tempDir } from "./common";

interface RawExports {
  roundtrip(n: number): number;
  roundtrip_deep(n: number, depth: number): number;
  reset?(slot: number): void;
}

let built: { dir: string; sizes: Record<string, number> } | undefined;

function binaryen(tool: string, args: string[], cwd: string): void {
  const bin = path.join(ROOT, "node_modules", "binaryen", "bin", tool);
  execFileSync(process.execPath, [bin, ...args], { cwd, stdio: ["ignore", "ignore", "inherit"] });
}

/** Build fx.wasm and asy.wasm into a temporary directory (once per run). */
export function buildRaw(): { dir: string; sizes: Record<string, number> } {
  if (built) return built;
  const dir = tempDir("shoal-raw-");
  const src = path.join(ROOT, "bench", "raw");
  binaryen("wasm-as", ["--all-features", path.join(src, "fx.wat"), "-o", "fx.wasm"], dir);
  binaryen("wasm-as", ["--enable-bulk-memory", "--enable-sign-ext", "--enable-mutable-globals",
    path.join(src, "asy.wat"), "-o", "asy.pre.wasm"], dir);
  binaryen("wasm-opt", ["asy.pre.wasm", "--asyncify", "--pass-arg=asyncify-ignore-imports", "-O3", "-o", "asy.wasm"], dir);
  const sizes: Record<string, number> = {};
  for (const f of ["fx.wasm", "asy.pre.wasm", "asy.wasm"]) sizes[f] = fs.statSync(path.join(dir, f)).size;
  built = { dir, sizes };
  return built;
}

const instances = new Map<Backend, RawExports | null>();

/** The raw kernel of `backend`'s kind, or null when this engine cannot run it (WasmFX without the flag). */
export function rawKernel(backend: Backend): RawExports | null {
  if (instances.has(backend)) return instances.get(backend)!;
  const { dir } = buildRaw();
  const bytes = fs.readFileSync(path.join(dir, backend === "fx" ? "fx.wasm" : "asy.wasm"));
  let ex: RawExports | null = null;
  if (WebAssembly.validate(bytes)) {
    ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as RawExports;
  }
  instances.set(backend, ex);
  return ex;
}

/**
 * One timed run of n raw round trips; nanoseconds per round trip. Checks the
 * kernel's checksum. `frames`: how many frames of the fiber's own lie between
 * the resume and the suspend call: 1 is roundtrip(n) (its looper), k >= 2 is
 * roundtrip_deep(n, k - 2) (looper_deep and k - 1 levels of rec; bench.mjs's
 * roundtrip_d10 is frames = 12).
 */
export function rawRoundtripNs(backend: Backend, n: number, frames = 1): number {
  const k = rawKernel(backend);
  if (!k) throw new Error(`the raw ${backend} kernel does not validate on this engine`);
  if (backend === "asyncify") k.reset!(frames > 1 ? 512 : 64);
  const elapsed = stopwatch();
  const r = frames > 1 ? k.roundtrip_deep(n, frames - 2) : k.roundtrip(n);
  const ns = elapsed();
  const want = ((n * (n - 1)) / 2 + n) | 0;
  check(r === want, `raw ${backend} round trip (n ${n}, ${frames} frames) returned ${r}, expected ${want}`);
  return ns / n;
}

/** Warm a kernel up the way the raw-switch spike's bench.mjs does (runs at n/50 and n/10). */
export function warmRaw(backend: Backend, n: number, frames = 1): void {
  rawRoundtripNs(backend, Math.max(1000, Math.floor(n / 50)), frames);
  rawRoundtripNs(backend, Math.max(1000, Math.floor(n / 10)), frames);
}
