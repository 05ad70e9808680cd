// What every benchmark suite shares: options, timing, checks, the machine
// description, tables, targets, result files, and child Node processes.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import type { Backend } from "../../host/backend";

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

// ---- backends ----------------------------------------------------------------

/** Bytes of build/shoal.<backend>.wasm. */
export function binarySize(backend: Backend): number {
  return fs.statSync(path.join(ROOT, "build", `shoal.${backend}.wasm`)).size;
}

/** The backends this engine can run, Asyncify (the default) first. */
export function backends(): Backend[] {
  const list: Backend[] = ["asyncify"];
  try {
    const bytes = fs.readFileSync(path.join(ROOT, "build", "shoal.fx.wasm"));
    if (WebAssembly.validate(bytes)) list.push("fx");
  } catch { /* not built, or no WasmFX */ }
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

export function target(
  suite: string, what: string, ours: number, reference: number | null | undefined,
  referenceLabel: string, unit: string, limit: number,
): Target {
  const ref = reference === undefined || reference === null || !Number.isFinite(reference) ? null : reference;
  const r = ref === null ? null : ours / ref;
  return { suite, what, ours, reference: ref, referenceLabel, unit, ratio: r, limit, met: r === null ? null : r <= limit };
}

export const verdict = (t: Target): string => (t.met === null ? "not judged" : t.met ? "MET" : "SHORT");

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
  const doc = { benchmark: name, date: new Date().toISOString(), smoke: o.smoke, machine: machine(), ...body };
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + "\n");
  return path.relative(ROOT, file);
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
