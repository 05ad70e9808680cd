// The BEAM anchors, run on this machine in the same benchmark run.
//
// bench/beam/*.erl are the team's BEAM anchor programs, copied unchanged
// (bench/beam/README.md says from where and when). They are compiled with erlc
// into a temporary directory and run as `erl <flags> -noshell -pa DIR -run MOD
// main ARGS -s init stop`, one fresh VM per run; each prints `RESULT name
// value unit` lines, which are parsed here. Nothing runs when `erl` is not on
// PATH.

import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT, median, stopwatch, tempDir } from "./common";

export interface BeamRun {
  command: string;
  wallMs: number;
  metrics: Record<string, { value: number; unit: string }>;
}

export interface BeamSeries {
  command: string;
  runs: BeamRun[];
  /** Median over the runs, per metric. */
  median: Record<string, number>;
  units: Record<string, string>;
}

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try { fs.accessSync(p, fs.constants.X_OK); return p; } catch { /* next */ }
  }
  return null;
}

/** Whether erl and erlc are on PATH. */
export function beamAvailable(): boolean {
  return !!which("erl") && !!which("erlc");
}

let versionCache: string | undefined;
/** The OTP release and system version line, e.g. "OTP 25, Erlang/OTP 25 [erts-13.1.5] ... [jit:ns]". */
export function beamVersion(): string {
  if (versionCache !== undefined) return versionCache;
  const r = spawnSync("erl", ["-noshell", "-eval",
    'io:format("OTP ~s, ~s", [erlang:system_info(otp_release), erlang:system_info(system_version)]), halt().'],
    { encoding: "utf8", timeout: 60_000 });
  versionCache = (r.stdout ?? "").trim() || "unknown";
  return versionCache;
}

let ebin: string | undefined;
/** Compile bench/beam/*.erl once per benchmark run; the directory of the .beam files. */
function compiled(): string {
  if (ebin) return ebin;
  const dir = tempDir("shoal-beam-");
  const src = path.join(ROOT, "bench", "beam");
  const files = fs.readdirSync(src).filter((f) => f.endsWith(".erl")).map((f) => path.join(src, f));
  const r = spawnSync("erlc", ["-o", dir, ...files], { encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) throw new Error(`erlc failed: ${r.stderr || r.stdout}`);
  ebin = dir;
  return dir;
}

/** Where an anchor's source is, from the project root: bench/beam/MOD.erl. */
export function beamSource(mod: string): string {
  return path.posix.join("bench", "beam", `${mod}.erl`);
}

/** One fresh VM: `erl FLAGS -noshell -pa DIR -run MOD main ARGS -s init stop`. */
export function runBeam(flags: string[], mod: string, args: (string | number)[], timeoutMs = 10 * 60_000): BeamRun {
  const dir = compiled();
  const argv = [...flags, "-noshell", "-pa", dir, "-run", mod, "main", ...args.map(String), "-s", "init", "stop"];
  const command = `erl ${argv.join(" ")}`;
  const elapsed = stopwatch();
  const r = spawnSync("erl", argv, { encoding: "utf8", timeout: timeoutMs, maxBuffer: 16 << 20 });
  const wallMs = elapsed() / 1e6;
  if (r.status !== 0) throw new Error(`${command} failed (${r.error?.message ?? r.signal ?? r.status}): ${(r.stderr ?? "").slice(-2000)}`);
  const metrics: BeamRun["metrics"] = {};
  for (const m of (r.stdout ?? "").matchAll(/^RESULT (\S+) (\S+) (\S+)/gm)) {
    metrics[m[1]] = { value: Number(m[2]), unit: m[3] };
  }
  if (!Object.keys(metrics).length) throw new Error(`${command} printed no RESULT lines: ${r.stdout}\n${r.stderr}`);
  return { command, wallMs, metrics };
}

const seriesCache = new Map<string, BeamSeries>();

/**
 * `reps` fresh VMs of one anchor, medians per metric. Memoized within this
 * benchmark run, so suites sharing an anchor (spawn and memory both read
 * spawn_bench) run it once.
 */
export function beamSeries(flags: string[], mod: string, args: (string | number)[], reps: number,
  log: (s: string) => void = () => {}): BeamSeries {
  const key = JSON.stringify([flags, mod, args, reps]);
  const hit = seriesCache.get(key);
  if (hit) return hit;
  const runs: BeamRun[] = [];
  for (let i = 0; i < reps; i++) {
    const run = runBeam(flags, mod, args);
    log(`  BEAM ${mod} run ${i + 1}/${reps}: ${(run.wallMs / 1000).toFixed(1)} s`);
    runs.push(run);
  }
  const units: Record<string, string> = {};
  for (const name of Object.keys(runs[0].metrics)) units[name] = runs[0].metrics[name].unit;
  const series = { command: runs[0].command, runs, median: beamMedians(runs), units };
  seriesCache.set(key, series);
  return series;
}

/** Medians per metric over runs of one anchor (the metrics of the first run). */
export function beamMedians(runs: BeamRun[]): Record<string, number> {
  const med: Record<string, number> = {};
  for (const name of Object.keys(runs[0]?.metrics ?? {})) {
    med[name] = median(runs.map((r) => r.metrics[name]?.value).filter((v): v is number => v !== undefined));
  }
  return med;
}

/** The BEAM anchors' figures in docs/engine-facts.md (OTP 25.2.3, +S 1:1), for when erl is absent. */
export const FACTS_BEAM = {
  source: "docs/engine-facts.md (OTP 25.2.3, +S 1:1, 2-core VM, Nov 2026), not measured in this run",
  yieldNetNs: 177,
  spawnExitNs: 619,
  spawnAliveNs: 4459,
  memPerProcessBytes: 2647,
  processInfoMemoryBytes: 2640,
  c10mSeconds: 17.0,
  c10mVmHwmMB: 74.6,
};
