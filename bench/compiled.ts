// compiled: Erlang compiled by Shoal's compiler against the BEAM, on the same
// .beam files in one run.
//
// The programs are BEAM anchors of bench/beam/ (ring, pingpong, exc_bench:
// the ones the other suites time in the BEAM; spawn_bench, yield_bench and
// c10m need erlang:statistics/1, system_info/1 and memory/1, which Shoal does
// not have yet) and cpu_bench.erl
// (fib, lists:sort/1, a map word count, a tail loop, a deep body recursion).
// Each is compiled once by erlc; the BEAM runs it as bench/lib/beam.ts does
// (a fresh `erl -noshell -run MOD main ARGS` per run, `RESULT name value unit`
// lines on stdout). On Shoal the same .beam is compiled by compiler/compile.ts,
// linked with OTP's own lists.beam and maps.beam (unmodified) and Shoal's io
// (compiler/lib), and `MOD:main(Args)` runs with its standard output captured:
// the same RESULT lines, timed by the program itself with
// erlang:monotonic_time. Ratios are Shoal's over the BEAM's, per metric.
//
// Also recorded: compile time per KB of .beam and output size per module
// against the .beam's, link time, and start-up (Runtime.start of the linked
// module to the end of a first process).
//
// Targets (issue #11): message benchmarks at most the BEAM's time; CPU-bound
// ones at most 2x the BEAM's JIT.

import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { Runtime } from "../host/runtime";
import type { Backend } from "../host/backend";
import {
  Options, SuiteResult, Target, ROOT, backends, check, median, num, printTargets, ratio, stopwatch, table, target, tempDir, writeResult,
} from "./lib/common";
import { beamAvailable, beamSeries, beamVersion } from "./lib/beam";

/** A program: its module, the arguments main/1 gets (full run, smoke run), and which metrics are message-bound. */
interface Program { mod: string; args: string[]; smokeArgs: string[] }
const PROGRAMS: Program[] = [
  { mod: "cpu_bench", args: ["30", "1000000", "1000000", "100000000", "1000000"], smokeArgs: ["15", "1000", "1000", "10000", "1000"] },
  { mod: "ring", args: ["1000", "1000"], smokeArgs: ["10", "10"] },
  { mod: "pingpong", args: ["1000000"], smokeArgs: ["1000"] },
  { mod: "exc_bench", args: ["1000000"], smokeArgs: ["1000"] },
];
/** Metrics whose target is the BEAM's time itself (messages, exceptions: issue #10's targets); the others (CPU) at most 2x. */
const MESSAGE_METRIC = /^(ring|pingpong|exc)\./;
/** OTP's modules linked unmodified, from the installed stdlib. */
const OTP_MODULES = ["lists", "maps"];

function stdlibEbin(): string {
  const r = spawnSync("erl", ["-noshell", "-eval", 'io:format("~s", [code:lib_dir(stdlib, ebin)]), init:stop().'], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`erl: ${r.stderr}`);
  return r.stdout.trim();
}

/** RESULT lines of a program's output. */
function results(stdout: string): Record<string, { value: number; unit: string }> {
  const out: Record<string, { value: number; unit: string }> = {};
  for (const m of stdout.matchAll(/^RESULT (\S+) (\S+) (\S+)/gm)) out[m[1]] = { value: Number(m[2]), unit: m[3] };
  return out;
}

export async function run(o: Options): Promise<SuiteResult> {
  // (the compiler is ESM, this file CommonJS: imported dynamically, as bench/link.ts does)
  const { compileBeam } = await import("../compiler/compile.js") as typeof import("../compiler/compile.js");
  const { linkProgram } = await import("../compiler/link.js") as typeof import("../compiler/link.js");
  const useBeam = o.beam && !o.smoke && beamAvailable();
  const reps = o.smoke ? 1 : 3;
  const dir = tempDir("shoal-compiled-");
  // 1. erlc, once: the .beam files both sides run
  const sources = [...PROGRAMS.map((p) => path.join(ROOT, "bench", "beam", `${p.mod}.erl`)),
    ...fs.readdirSync(path.join(ROOT, "compiler", "lib")).filter((f) => f.endsWith(".erl")).map((f) => path.join(ROOT, "compiler", "lib", f))];
  const erlc = spawnSync("erlc", ["-o", dir, ...sources], { encoding: "utf8" });
  check(erlc.status === 0, `erlc: ${erlc.stderr}`);
  const ebin = stdlibEbin();
  const beams = [...fs.readdirSync(dir).filter((f) => f.endsWith(".beam")).map((f) => path.join(dir, f)),
    ...OTP_MODULES.map((m) => path.join(ebin, `${m}.beam`))];

  // 2. compile: time per KB and size per module
  const modules: { name: string; bytes: Uint8Array }[] = [];
  const compileRows: { module: string; beamBytes: number; wasmBytes: number; ms: number }[] = [];
  for (const file of beams) {
    const bytes = new Uint8Array(fs.readFileSync(file));
    const elapsed = stopwatch();
    const c = await compileBeam(bytes, path.basename(file));
    compileRows.push({ module: c.module, beamBytes: bytes.length, wasmBytes: c.wasm.length, ms: elapsed() / 1e6 });
    modules.push({ name: `${c.module}.beam`, bytes: c.wasm });
  }
  const beamKB = compileRows.reduce((a, r) => a + r.beamBytes, 0) / 1024;
  const compileMs = compileRows.reduce((a, r) => a + r.ms, 0);
  table("compiled: the compiler, per module", ["module", ".beam bytes", "Wasm bytes", "Wasm/.beam", "compile ms", "ms per KB"],
    compileRows.map((r) => [r.module, num(r.beamBytes), num(r.wasmBytes), ratio(r.wasmBytes / r.beamBytes), num(r.ms), num(r.ms / (r.beamBytes / 1024))]));
  console.log(`compiled: ${num(beamKB)} KB of .beam in ${num(compileMs)} ms: ${num(compileMs / beamKB)} ms per KB`);

  // 3. per backend: link, start-up, then every program's RESULT lines
  const shoal: Partial<Record<Backend, { linkMs: number; startupMs: number; metrics: Record<string, number[]>; units: Record<string, string> }>> = {};
  // (a smoke run takes one backend: two links of the io modules and OTP's would be most of CI's smoke time)
  const list = o.smoke ? backends().slice(0, 1) : backends();
  for (const backend of list) {
    const elapsed = stopwatch();
    const linked = linkProgram({ modules, backends: [backend], optimize: 2 });
    const linkMs = elapsed() / 1e6;
    const bytes = linked[backend]!.bytes;
    const metrics: Record<string, number[]> = {}, units: Record<string, string> = {};
    let stdout = "";
    const t0 = stopwatch();
    const rt = await Runtime.start({ program: { [backend]: bytes }, backend, shadowStackBytes: 256 << 20, stdout: (t) => { stdout += t; } });
    let startupMs = 0;
    try {
      const first = rt.spawn("cpu_bench:fib", 1);
      await rt.run();
      startupMs = t0() / 1e6;
      check(rt.stats().alive === 0, `${backend}: the first process did not end`);
      void first;
      for (const p of PROGRAMS) {
        for (let rep = 0; rep < reps; rep++) {
          stdout = "";
          let reason = "";
          const args = (o.smoke ? p.smokeArgs : p.args).map((a) => [...a].map((ch) => ch.codePointAt(0)!));
          const pid = rt.spawn(`${p.mod}:main`, args);
          const off = rt.onExit((e) => { if (e.pid.equals(pid)) reason = e.text; });
          await rt.run();
          off();
          check(reason === "normal", `${backend}: ${p.mod}:main ended ${reason}: ${stdout.slice(-500)}`);
          for (const [name, m] of Object.entries(results(stdout))) {
            (metrics[name] ??= []).push(m.value);
            units[name] = m.unit;
          }
        }
      }
    } finally {
      rt.stop();
    }
    shoal[backend] = { linkMs, startupMs, metrics, units };
    console.log(`  ${backend}: linked in ${num(linkMs)} ms (${num(bytes.length)} bytes), start-up to a first process's end ${num(startupMs)} ms`);
  }

  // 4. the BEAM, on the same .beam files
  const beam: Record<string, number> = {};
  if (useBeam) {
    for (const p of PROGRAMS) Object.assign(beam, beamSeries([], p.mod, p.args, reps, console.log).median);
  }

  const names = [...new Set(Object.values(shoal).flatMap((s) => Object.keys(s!.metrics)))].sort();
  table(`compiled: medians of ${reps} runs (RESULT lines of the programs themselves)`,
    ["metric", "unit", ...list.flatMap((b) => [b, `${b}/BEAM`]), "BEAM"],
    names.map((n) => {
      const unit = Object.values(shoal).find((s) => s?.units[n])?.units[n] ?? "";
      return [n, unit, ...list.flatMap((b) => {
        const m = shoal[b]?.metrics[n];
        const v = m ? median(m) : undefined;
        return [num(v), ratio(v !== undefined && beam[n] ? v / beam[n] : null)];
      }), num(beam[n])];
    }));
  const targets: Target[] = [];
  for (const b of list) {
    for (const n of names.filter((x) => x.endsWith("_per_item") || x.endsWith("hop") || MESSAGE_METRIC.test(x))) {
      const m = shoal[b]?.metrics[n];
      if (!m) continue;
      const goal = MESSAGE_METRIC.test(n) ? 1 : 2;
      targets.push(target("compiled", `${b}: ${n} <= ${goal === 1 ? "BEAM" : "2x BEAM"}`, median(m), beam[n] ?? null,
        useBeam ? "BEAM, this run, same .beam" : "BEAM not run", shoal[b]!.units[n], goal));
    }
  }
  printTargets("compiled targets", targets);
  const file = writeResult(o, "compiled", {
    config: { programs: PROGRAMS.map((p) => ({ ...p, args: o.smoke ? p.smokeArgs : p.args })), reps, otpModules: OTP_MODULES, optimize: 2 },
    compile: { rows: compileRows, beamKB, compileMs, msPerKB: compileMs / beamKB },
    shoal, beam: useBeam ? { version: beamVersion(), medians: beam } : { skipped: true }, targets,
  });
  return { name: "compiled", targets, file };
}
