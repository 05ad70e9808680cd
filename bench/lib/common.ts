// What every benchmark suite shares: options, timing, checks, the machine
// description, tables, targets, result files, and child Node processes.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import type { Backend } from "../../host/backend";
import { TestRuntime as Runtime, type StartOptions } from "../../host/testing";

export interface Options {
  /** Scaled-down workloads, one repetition, no BEAM: a few seconds in all. */
  smoke: boolean;
  /** Run the BEAM anchors when `erl` is on PATH. */
  beam: boolean;
}

/** What a suite hands back to bench/run.ts. */
export interface SuiteResult {
  name: string;
  targets: Target[];
  file: string;
}

/** The project root (where package.json and bench/ are), from bench/lib or dist/bench/lib. */
export const ROOT: string = (() => {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(path.join(dir, "bench"))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find the project root above ${__dirname}`);
})();

// ---- checks ------------------------------------------------------------------

/** A benchmark whose checked result is wrong: run.ts exits non-zero. */
export class CheckError extends Error {
  constructor(msg: string) {
    super(msg);
    this.name = "CheckError";
  }
}
export function check(ok: boolean, msg: string): asserts ok {
  if (!ok) throw new CheckError(msg);
}

// ---- timing and statistics ---------------------------------------------------

/** Start a stopwatch; the returned function gives nanoseconds since. */
export function stopwatch(): () => number {
  const t0 = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - t0);
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const b = [...xs].sort((x, y) => x - y);
  const m = b.length >> 1;
  return b.length % 2 ? b[m] : (b[m - 1] + b[m]) / 2;
}
export const min = (xs: number[]): number => Math.min(...xs);
export const max = (xs: number[]): number => Math.max(...xs);

/** Run `gc()` when Node was started with --expose-gc. */
export function collect(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) { g(); g(); }
}

/** VmRSS / VmHWM / VmSize of this process, in KB (Linux /proc). */
export function procStatus(): { rssKB: number; hwmKB: number; vmKB: number } {
  let s = "";
  try { s = fs.readFileSync("/proc/self/status", "utf8"); } catch { /* not Linux */ }
  const g = (k: string) => Number((s.match(new RegExp("^" + k + ":\\s+(\\d+)", "m")) ?? [0, 0])[1]);
  return { rssKB: g("VmRSS"), hwmKB: g("VmHWM"), vmKB: g("VmSize") };
}

// ---- other load on a shared machine ------------------------------------------

interface CpuSnap { total: number; idle: number; own: number }
/** CPU ticks from /proc/stat (all CPUs) and this process plus its waited-for children. */
function cpuSnap(): CpuSnap | null {
  try {
    const all = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const self = fs.readFileSync("/proc/self/stat", "utf8");
    const f = self.slice(self.lastIndexOf(")") + 2).split(" ").map(Number);   // f[0] is field 3 (state)
    return { total: all.reduce((a, b) => a + b, 0), idle: all[3] + all[4], own: f[11] + f[12] + f[13] + f[14] };
  } catch {
    return null;
  }
}

/** Share (%) of all CPUs busy between two snapshots, and the share used by others than us and our children. */
function busyBetween(a: CpuSnap, b: CpuSnap): { busyPct: number; otherPct: number } {
  const total = b.total - a.total || 1;
  const busy = total - (b.idle - a.idle);
  return { busyPct: (100 * busy) / total, otherPct: Math.max(0, (100 * (busy - (b.own - a.own))) / total) };
}

/**
 * Wait (up to maxSeconds) until the machine's CPUs are under `pct`% busy, as
 * anchors/beam/run.sh does; returns the last busy share seen and the wait.
 */
export async function waitQuiet(pct = 15, maxSeconds = 60): Promise<{ busyPct: number; waitedSeconds: number }> {
  const t0 = Date.now();
  for (;;) {
    const a = cpuSnap();
    await new Promise((r) => setTimeout(r, 1000));
    const b = cpuSnap();
    if (!a || !b) return { busyPct: NaN, waitedSeconds: 0 };
    const { busyPct } = busyBetween(a, b);
    const waited = (Date.now() - t0) / 1000;
    if (busyPct <= pct || waited >= maxSeconds) return { busyPct, waitedSeconds: waited };
  }
}

/** Start measuring other processes' CPU use; the returned function gives it as a share (%) of all CPUs. */
export function otherLoad(): () => number {
  const a = cpuSnap();
  return () => {
    const b = cpuSnap();
    return a && b ? busyBetween(a, b).otherPct : NaN;
  };
}

// ---- the machine -------------------------------------------------------------

export interface Machine {
  cpu: string;
  nproc: number;
  totalMemBytes: number;
  os: string;
  arch: string;
  node: string;
  v8: string;
  execArgv: string[];
  loadavg: number[];
}

export function machine(): Machine {
  return {
    cpu: os.cpus()[0]?.model ?? "unknown",
    nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    totalMemBytes: os.totalmem(),
    os: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    node: process.version,
    v8: process.versions.v8,
    execArgv: process.execArgv,
    loadavg: os.loadavg(),
  };
}

export function machineLine(m: Machine = machine()): string {
  return `${m.cpu}, ${m.nproc} CPUs, ${(m.totalMemBytes / 2 ** 30).toFixed(1)} GiB; node ${m.node}, V8 ${m.v8}; load ${m.loadavg.map((x) => x.toFixed(2)).join(" ")}`;
}

/**
 * What was measured: the commit, the runtime sources changed since it (the
 * tree may be mid-edit), and the built modules' sizes and hashes.
 */
export function buildInfo(): Record<string, unknown> {
  const git = (args: string[]) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).stdout?.trim() ?? "";
  const modules: Record<string, unknown> = {};
  for (const b of ["asyncify", "fx"] as Backend[]) {
    const bytes = moduleBytes(b);
    modules[b] = bytes
      ? { bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex").slice(0, 16), file: modulePath(b) }
      : null;
  }
  return {
    commit: git(["rev-parse", "--short", "HEAD"]) || null,
    uncommittedRuntimeFiles: git(["status", "--porcelain", "--", "assembly", "gc", "host"]).split("\n").filter(Boolean).length,
    modules,
  };
}

// ---- backends ----------------------------------------------------------------

// The benchmarks run the test programs linked to the release core
// (build/testing.{asyncify,fx}.wasm: the product, build/shoal.*.wasm, plus the
// programs, linked as a compiler's output is). The modules are snapshotted once
// per benchmark run (bench/run.ts), so that a rebuild by someone else halfway
// through cannot mix two builds in one run.

/** Copy build/testing.{asyncify,fx}.wasm to a temporary directory, for this run and its children (env). */
export function snapshotModules(): string {
  const have = process.env.SHOAL_BENCH_MODULES;
  if (have && fs.existsSync(have)) return have;
  const dir = tempDir("shoal-modules-");
  for (const b of ["asyncify", "fx"]) {
    const f = path.join(ROOT, "build", `testing.${b}.wasm`);
    if (fs.existsSync(f)) fs.copyFileSync(f, path.join(dir, `testing.${b}.wasm`));
  }
  process.env.SHOAL_BENCH_MODULES = dir;
  return dir;
}

function modulePath(backend: Backend): string {
  const dir = process.env.SHOAL_BENCH_MODULES;
  const snap = dir ? path.join(dir, `testing.${backend}.wasm`) : "";
  return snap && fs.existsSync(snap) ? snap : path.join(ROOT, "build", `testing.${backend}.wasm`);
}

const moduleCache = new Map<Backend, Uint8Array | null>();
function moduleBytes(backend: Backend): Uint8Array | null {
  if (!moduleCache.has(backend)) {
    let bytes: Uint8Array | null = null;
    try { bytes = fs.readFileSync(modulePath(backend)); } catch { /* not built */ }
    moduleCache.set(backend, bytes);
  }
  return moduleCache.get(backend)!;
}

const compiledCache = new Map<Backend, WebAssembly.Module>();
/**
 * This run's module for `backend`, compiled once per Node process: runtimes started from the same
 * WebAssembly.Module share V8's code, tiered up by the runs before (a warm-up run then leaves the
 * timed run the optimised code, as a JIT that compiles at load would have it).
 */
export function compiledModule(backend: Backend): WebAssembly.Module {
  let m = compiledCache.get(backend);
  if (!m) {
    const bytes = moduleBytes(backend);
    if (!bytes) throw new Error(`${modulePath(backend)} not found: run \`npm run build\` first`);
    m = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    compiledCache.set(backend, m);
  }
  return m;
}

/** Start a runtime on `backend` from this run's modules (`shared`: from its compiledModule). */
export function startRuntime(backend: Backend, opts: StartOptions = {}, shared = false): Promise<Runtime> {
  if (shared) return Runtime.start({ ...opts, backend, modules: { [backend]: compiledModule(backend) } as StartOptions["modules"] });
  const modules: Partial<Record<Backend, Uint8Array>> = {};
  for (const b of ["asyncify", "fx"] as Backend[]) {
    const m = moduleBytes(b);
    if (m) modules[b] = m;
  }
  return Runtime.start({ ...opts, backend, modules: modules as StartOptions["modules"] });
}

/** Bytes of the shipped build/shoal.<backend>.wasm (the runtime alone, no programs). */
export function binarySize(backend: Backend): number {
  const f = path.join(ROOT, "build", `shoal.${backend}.wasm`);
  if (!fs.existsSync(f)) throw new Error(`${f} not found: run \`npm run build\` first`);
  return fs.statSync(f).size;
}

/** The backends this engine can run, Asyncify (the default) first. */
export function backends(): Backend[] {
  const list: Backend[] = ["asyncify"];
  const fx = moduleBytes("fx");
  if (fx && WebAssembly.validate(fx as Uint8Array<ArrayBuffer>)) list.push("fx");
  return list;
}

/** The backend the targets that name "the default backend" are judged on. */
export const DEFAULT_BACKEND: Backend = "asyncify";

// ---- formatting and tables ---------------------------------------------------

/** A number with about three significant digits. */
export function num(x: number | undefined | null, unit = ""): string {
  if (x === undefined || x === null || !Number.isFinite(x)) return "n/a";
  const a = Math.abs(x);
  const s = a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toFixed(3);
  return unit ? `${s} ${unit}` : s;
}
export const ratio = (x: number | undefined | null): string =>
  x === undefined || x === null || !Number.isFinite(x) ? "n/a" : `${x.toFixed(x >= 10 ? 1 : 2)}x`;
export const int = (x: number): string => Math.round(x).toLocaleString("en-US");

/** Print a table: the first column left-aligned, the rest right-aligned. */
export function table(title: string, head: string[], rows: string[][]): void {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  ");
  console.log(`\n${title}`);
  console.log(line(head));
  console.log(w.map((n) => "-".repeat(n)).join("  "));
  for (const r of rows) console.log(line(r));
}

// ---- targets -----------------------------------------------------------------

/** A goal of the form ours / reference <= limit (smaller is better for every figure here). */
export interface Target {
  suite: string;
  what: string;
  ours: number;
  reference: number | null;
  referenceLabel: string;
  unit: string;
  /** ours / reference; null when there is no reference in this run. */
  ratio: number | null;
  limit: number;
  /** null: not judged (no reference, e.g. BEAM skipped). */
  met: boolean | null;
}

let smokeRun = false;
/** In a smoke run no target is judged: the workloads are too small to measure anything. */
export function setSmoke(on: boolean): void { smokeRun = on; }

export function target(
  suite: string, what: string, ours: number, reference: number | null | undefined,
  referenceLabel: string, unit: string, limit: number,
): Target {
  const ref = reference === undefined || reference === null || !Number.isFinite(reference) ? null : reference;
  const r = ref === null ? null : ours / ref;
  return { suite, what, ours, reference: ref, referenceLabel, unit, ratio: r, limit, met: r === null || smokeRun ? null : r <= limit };
}

export const verdict = (t: Target): string =>
  t.met === null ? (smokeRun ? "not judged (smoke)" : "not judged") : t.met ? "MET" : "SHORT";

export function printTargets(title: string, targets: Target[]): void {
  table(title, ["target", "ours", "reference", "ours/ref", "goal", "verdict"],
    targets.map((t) => [
      t.what, num(t.ours, t.unit), t.reference === null ? `n/a (${t.referenceLabel})` : `${num(t.reference, t.unit)} (${t.referenceLabel})`,
      ratio(t.ratio), `<= ${t.limit}x`, verdict(t),
    ]));
}

// ---- result files ------------------------------------------------------------

/** bench/results (bench/results/smoke for --smoke, so a smoke run never overwrites real figures). */
export function resultsDir(o: Options): string {
  const dir = path.join(ROOT, "bench", "results", ...(o.smoke ? ["smoke"] : []));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Write bench/results/<name>.json with the date and the machine; returns its path. */
export function writeResult(o: Options, name: string, body: Record<string, unknown>): string {
  const file = path.join(resultsDir(o), `${name}.json`);
  const doc = { benchmark: name, date: new Date().toISOString(), smoke: o.smoke, machine: machine(), build: buildInfo(), ...body };
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + "\n");
  return path.relative(ROOT, file);
}

// ---- temporary directories ---------------------------------------------------

const tempDirs: string[] = [];
/** A new directory under the OS temp dir, removed by removeTempDirs() at the end of the run. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

// ---- child Node processes ----------------------------------------------------

/**
 * Run one task of bench/child.ts in a fresh Node (with WasmFX and gc exposed),
 * so its peak RSS and memory growth are its own. Throws if it fails.
 */
export function runChild<T>(task: string, args: Record<string, unknown>, timeoutMs = 15 * 60_000): T {
  const script = path.join(__dirname, "..", "child.js");
  const argv = ["--experimental-wasm-wasmfx", "--expose-gc", script, task, JSON.stringify(args)];
  const r = spawnSync(process.execPath, argv, { encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 << 20 });
  const line = (r.stdout ?? "").split("\n").find((l) => l.startsWith("RESULT_JSON "));
  if (r.status !== 0 || !line) {
    const why = r.error ? r.error.message : r.signal ? `signal ${r.signal}` : `exit status ${r.status}`;
    const err = `${r.stderr ?? ""}`.trim().split("\n").slice(-15).join("\n");
    const msg = `child ${task} ${JSON.stringify(args)} failed (${why})${err ? ":\n" + err : ""}`;
    if (/CheckError/.test(err)) throw new CheckError(msg);
    throw new Error(msg);
  }
  return JSON.parse(line.slice("RESULT_JSON ".length)) as T;
}
