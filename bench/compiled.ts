// compiled: Erlang compiled by Shoal's compiler against the BEAM, on the same
// .beam files in one run.
//
// The programs are BEAM anchors of bench/beam/ (ring, pingpong, exc_bench,
// spawn_bench, yield_bench, c10m: the ones the other suites time in the BEAM)
// and cpu_bench.erl
// (fib, lists:sort/1, a map word count, a tail loop, a deep body recursion).
// Each is compiled once by erlc; the BEAM runs it as bench/lib/beam.ts does
// (a fresh `erl -noshell -run MOD main ARGS` per run, `RESULT name value unit`
// lines on stdout). On Shoal the same .beam is compiled by compiler/compile.ts,
// linked with OTP's own lists.beam and maps.beam (unmodified) and Shoal's io
// (compiler/lib), and `MOD:main(Args)` runs with its standard output captured:
// the same RESULT lines, timed by the program itself with
// erlang:monotonic_time. Ratios are Shoal's over the BEAM's, per metric.
//
// Each run (a program's, a twin's) is a Node process of its own
// (bench/child.ts), as each of the BEAM's runs is a VM of its own, and is
// timed after a warm-up run of the same size in that Node (not spawn_bench:
// Program.cold), from the same compiled module, in a runtime of its own: V8
// tiers code up as it runs (a function reaches its optimised tier only after
// enough calls, fib(15) is too few), where the BEAM's JIT compiles at load,
// so a cold run measures V8's tiering more than the program.
//
// Compiled against hand-written: each message shape (ping-pong, ring, spawn,
// yield, C10M) is also run, on the same backend, by the
// built-in program of that shape (assembly/testing/programs: ping, ring,
// spawner, yielder, which the other suites time, and c10m_pinger, c10m.erl's
// shape, written for this comparison), with the compiled
// program's parameters and units; the ratio compiled / hand-written is
// issue #11's "within 1.5x" target. Where the shapes differ the twin says so
// (TWINS below).
//
// Also recorded: compile time per KB of .beam and output size per module
// against the .beam's, link time, and start-up (Runtime.start of the linked
// module to the end of a first process).
//
// Targets (issue #11): message and process benchmarks at most the BEAM's time;
// CPU-bound ones at most 2x the BEAM's JIT; each message shape compiled at
// most 1.5x its hand-written twin on the same backend.

import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { Runtime } from "../host/runtime";
import { Tuple, formatTerm } from "../host/terms";
import { Trace } from "../assembly/boundary/codes";
import type { Backend } from "../host/backend";
import {
  Options, SuiteResult, Target, ROOT, backends, check, median, num, printTargets, ratio, runChild, startRuntime, stopwatch, table, target, tempDir,
  writeResult,
} from "./lib/common";
import { beamAvailable, beamMedians, beamVersion, runBeam, type BeamRun } from "./lib/beam";

/**
 * A program: its module, the arguments main/1 gets (full run, smoke run), erl's flags for the BEAM's
 * run (the hand-written suites' own), and `cold`: no warm-up run before the timed one.
 */
interface Program { mod: string; args: string[]; smokeArgs: string[]; erlFlags?: string[]; cold?: boolean }
const PROGRAMS: Program[] = [
  { mod: "cpu_bench", args: ["30", "1000000", "1000000", "100000000", "1000000"], smokeArgs: ["15", "1000", "1000", "10000", "1000"] },
  { mod: "ring", args: ["1000", "1000"], smokeArgs: ["10", "10"] },
  { mod: "pingpong", args: ["1000000"], smokeArgs: ["1000"] },
  { mod: "exc_bench", args: ["1000000"], smokeArgs: ["1000"] },
  // spawn_bench, yield_bench and c10m at the sizes their own suites run in the BEAM but for
  // spawn_bench: 20,000 processes, not 10^6. Its spawn_alive keeps N processes alive, and on WasmFX
  // a JS process can hold ~30,000 live stacks (each maps memory; vm.max_map_count, host/backend.ts),
  // so that is its limit. Each program run is a Node process of its own (below), as the BEAM's is a
  // VM of its own: spawn_bench leaves its N children waiting when main returns, and a stopped
  // runtime's stacks stay mapped until V8 unmaps them, so a second run in the same Node met
  // system_limit (2026-11-28).
  // (cold: a warm-up's WasmFX stacks stay mapped in the Node after its runtime stops, and the
  // timed run then meets the limit; spawning is the runtime's code, tiered up within the run)
  { mod: "spawn_bench", args: ["20000"], smokeArgs: ["1000"], erlFlags: ["+P", "2000000", "+S", "1:1"], cold: true },
  { mod: "yield_bench", args: ["10000", "100"], smokeArgs: ["200", "10"], erlFlags: ["+S", "1:1"] },
  { mod: "c10m", args: ["1000000", "10000", "1"], smokeArgs: ["5000", "500", "1"], erlFlags: ["+S", "1:1"] },
];
/** Metrics whose target is the BEAM's time itself (messages, processes, exceptions: issue #10's targets); the others (CPU) at most 2x. */
const MESSAGE_METRIC = /^(ring|pingpong|exc|spawn_exit|spawn_alive\.(spawn_loop|until)|yield|c10m\.b\d+\.per_process)/;
/** Time metrics (the targets' set): per item, per hop, and the message-bound ones above. */
const TIMED_METRIC = /(_per_item|hop|ns\/\w+)$/;
/** OTP's modules linked unmodified, from the installed stdlib (queue: c10m's FIFO). */
const OTP_MODULES = ["lists", "maps", "queue"];
/** Most processes alive at once in a runtime here (spawn_bench's spawn_alive keeps N alive). */
const MAX_PROCESSES = 100_000;

// ── the hand-written twins: the built-in programs of the same shapes, timed as their suites time them

/** ns of rt.run() from the spawn of `prog` (with `arg`) to idle; checks the run ended idle with nothing alive. */
async function timedProgram(rt: Runtime, backend: Backend, prog: string, arg: number | bigint, spawns = 1): Promise<number> {
  const elapsed = stopwatch();
  for (let i = 0; i < spawns; i++) rt.spawn(prog, arg);
  const outcome = await rt.run();
  const ns = elapsed();
  check(outcome === "idle" && rt.stats().alive === 0, `${backend} ${prog}: run ended '${outcome}' with ${rt.stats().alive} alive`);
  return ns;
}

/** A program's own RUN_NS trace (ping, ring: they time their message loop themselves, as the .erl programs do). */
async function tracedRunNs(rt: Runtime, backend: Backend, prog: string, arg: number | bigint): Promise<number> {
  let ns: bigint | undefined;
  const off = rt.onTrace((e) => { if (e.code === Trace.RUN_NS) ns = e.value; });
  try {
    await timedProgram(rt, backend, prog, arg);
  } finally {
    off();
  }
  check(ns !== undefined, `${backend} ${prog}: no RUN_NS trace`);
  return Number(ns);
}

/** A twin: the compiled metrics it answers, what differs in its shape, and one timed run on a backend for a program's arguments. */
interface Twin { mod: string; shape: string; run: (rt: Runtime, backend: Backend, args: number[]) => Promise<Record<string, number>> }
const TWINS: Twin[] = [
  { mod: "pingpong", shape: "ping: the same round trips; the program times its own loop (RUN_NS)",
    run: async (rt, b, [n]) => ({ "pingpong.message": (await tracedRunNs(rt, b, "ping", n)) / (2 * n) }) },
  { mod: "ring", shape: "ring: N processes, M laps, the program times the hops (RUN_NS)",
    run: async (rt, b, [n, m]) => ({ [`ring.n${n}_m${m}.hop`]: (await tracedRunNs(rt, b, "ring", (BigInt(n) << 32n) | BigInt(m))) / (n * m) }) },
  { mod: "spawn_bench", shape: "spawner: N children that return at once, spawn to idle (spawn_exit.until_all_dead's shape)",
    run: async (rt, b, [n]) => ({ "spawn_exit.until_all_dead": (await timedProgram(rt, b, "spawner", n)) / n }) },
  { mod: "yield_bench", shape: "yielder: P processes x Y yields, net of a 0-yield run, spawned by the host (no go/done messages)",
    run: async (rt, b, [p, y]) => {
      const t0 = await timedProgram(rt, b, "yielder", 0, p);
      const t = await timedProgram(rt, b, "yielder", y, p);
      return { "yield.raw": t / (p * y), "yield.net": (t - t0) / (p * y) };
    } },
  { mod: "c10m", shape: "c10m_pinger: c10m.erl's shape (batch 1: ping the oldest waiting process, its pong, a replacement), the FIFO a ring buffer, no memory sampler",
    run: async (rt, b, [total, window]) => ({ "c10m.b1.per_process": (await timedProgram(rt, b, "c10m_pinger", (BigInt(total) << 20n) | BigInt(window))) / total }) },
];

// ── the runs, each in a Node process of its own (bench/child.ts tasks "compiled" and "twin")

/** What a compiled program's run answers: its RESULT lines. */
export interface CompiledRun { results: Record<string, { value: number; unit: string }> }

/**
 * One timed run of `mod:main(Args)` from the linked module at `file`, in a fresh runtime; after a
 * warm-up run of `warmup` (the program's own arguments) in another runtime of the same compiled
 * module, when given: V8 tiers a module's functions up while they run, so a first run pays for
 * that, which the BEAM (its JIT compiles at load) does not.
 */
export async function compiledRun(a: { file: string; backend: Backend; mod: string; args: string[]; warmup?: string[] }): Promise<CompiledRun> {
  const module = new WebAssembly.Module(fs.readFileSync(a.file));
  if (a.warmup) { await compiledOnce(module, a.backend, a.mod, a.warmup); releaseStacks(); }
  return { results: results(await compiledOnce(module, a.backend, a.mod, a.args)) };
}

/** Let V8 unmap a stopped runtime's WasmFX stacks now (a collection; the bench runs with --expose-gc), not when it gets to it. */
function releaseStacks(): void { (globalThis as { gc?: () => void }).gc?.(); }

/** `mod:main(Args)` run to its end in a fresh runtime of `module`: its standard output. */
async function compiledOnce(module: WebAssembly.Module, backend: Backend, mod: string, args: string[]): Promise<string> {
  let stdout = "";
  const rt = await Runtime.start({
    program: { [backend]: module }, backend, shadowStackBytes: 256 << 20,
    maxProcesses: MAX_PROCESSES, stdout: (t) => { stdout += t; },
  });
  try {
    const pid = rt.spawn(`${mod}:main`, args.map((x) => [...x].map((ch) => ch.codePointAt(0)!)));
    // main's end through a monitor ({'DOWN', Ref, process, Pid, Reason} to the host), as the
    // BEAM's run learns only of it: an onExit listener would make every process's exit a call
    // into the host, which neither the BEAM nor the hand-written twin pays
    rt.monitor(pid);
    await rt.run();
    const down = await rt.receive(0);
    const reason = down instanceof Tuple && down.elements.length === 5 ? formatTerm(down.elements[4]) : `no 'DOWN' but ${formatTerm(down)}`;
    check(reason === "normal", `${backend}: ${mod}:main ended ${reason}: ${stdout.slice(-500)}`);
    return stdout;
  } finally {
    rt.stop();
  }
}

/** One timed run of `mod`'s twin, in a fresh runtime; after a warm-up run of `warmup` as compiledRun's. */
export async function twinRun(a: { backend: Backend; mod: string; args: number[]; warmup?: number[] }): Promise<{ values: Record<string, number> }> {
  const t = TWINS.find((x) => x.mod === a.mod)!;
  const once = async (args: number[]) => {
    const rt = await startRuntime(a.backend, { maxProcesses: MAX_PROCESSES }, true);
    try {
      return await t.run(rt, a.backend, args);
    } finally {
      rt.stop();
    }
  };
  if (a.warmup) { await once(a.warmup); releaseStacks(); }
  return { values: await once(a.args) };
}

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

  // 3. per backend: link, start-up
  const twinOf: Record<string, Twin> = {};
  const shoal: Partial<Record<Backend, {
    linkMs: number; startupMs: number; metrics: Record<string, number[]>; units: Record<string, string>; twin: Record<string, number[]>;
  }>> = {};
  const files: Partial<Record<Backend, string>> = {};
  // (a smoke run takes one backend: two links of the io modules and OTP's would be most of CI's smoke time)
  const list = o.smoke ? backends().slice(0, 1) : backends();
  for (const backend of list) {
    const elapsed = stopwatch();
    const linked = linkProgram({ modules, backends: [backend], optimize: 2 });
    const linkMs = elapsed() / 1e6;
    const bytes = linked[backend]!.bytes;
    const file = path.join(dir, `linked.${backend}.wasm`);
    fs.writeFileSync(file, bytes);
    files[backend] = file;
    // start-up: Runtime.start of the linked module to the end of a first process
    const t0 = stopwatch();
    const first = await Runtime.start({ program: { [backend]: bytes }, backend });
    let startupMs = 0;
    try {
      first.spawn("cpu_bench:fib", 1);
      await first.run();
      startupMs = t0() / 1e6;
      check(first.stats().alive === 0, `${backend}: the first process did not end`);
    } finally {
      first.stop();
    }
    shoal[backend] = { linkMs, startupMs, metrics: {}, units: {}, twin: {} };
    console.log(`  ${backend}: linked in ${num(linkMs)} ms (${num(bytes.length)} bytes), start-up to a first process's end ${num(startupMs)} ms`);
  }

  // 4. every program's RESULT lines on each backend, its hand-written twin's, and the BEAM's on the
  // same .beam, a repetition of each in turn: this VM's speed drifts by up to 2x over minutes (the
  // BEAM's fib(30) 6.5 to 12 ms in consecutive runs, 2026-11-28), so the runs a ratio compares are
  // taken in the same minute. Each run is a Node process of its own, as the BEAM runs each in a
  // fresh VM: what one leaves (processes still waiting, WasmFX stacks V8 has not unmapped yet, its
  // heap blocks, the linear memory it grew) does not weigh on the next. Each timed run follows a
  // warm-up run of the same size in the same Node (compiledRun), but in the smoke run itself and
  // for `cold` ones.
  const beamRuns: Record<string, BeamRun[]> = {};
  for (const p of PROGRAMS) {
    const args = o.smoke ? p.smokeArgs : p.args;
    const warmup = o.smoke || p.cold ? undefined : p.args;
    const t = TWINS.find((x) => x.mod === p.mod);
    for (let rep = 0; rep < reps; rep++) {
      for (const backend of list) {
        const s = shoal[backend]!;
        const r = runChild<CompiledRun>("compiled", { file: files[backend], backend, mod: p.mod, args, warmup });
        for (const [name, m] of Object.entries(r.results)) {
          (s.metrics[name] ??= []).push(m.value);
          s.units[name] = m.unit;
        }
        if (t) {
          const h = runChild<{ values: Record<string, number> }>("twin", { backend, mod: t.mod, args: args.map(Number), warmup: warmup?.map(Number) });
          for (const [name, v] of Object.entries(h.values)) { (s.twin[name] ??= []).push(v); twinOf[name] = t; }
        }
      }
      if (useBeam) {
        const run = runBeam(p.erlFlags ?? [], p.mod, p.args);
        console.log(`  BEAM ${p.mod} run ${rep + 1}/${reps}: ${(run.wallMs / 1000).toFixed(1)} s`);
        (beamRuns[p.mod] ??= []).push(run);
      }
    }
  }
  const beam: Record<string, number> = {};
  for (const runs of Object.values(beamRuns)) Object.assign(beam, beamMedians(runs));

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
  // compiled against hand-written, same backend, same run
  const twinNames = [...new Set(Object.values(shoal).flatMap((s) => Object.keys(s!.twin)))];
  table(`compiled / hand-written: the same shape, same backend, medians of ${reps} runs`,
    ["metric", "unit", ...list.flatMap((b) => [`${b} compiled`, `${b} hand-written`, `${b} ratio`]), "hand-written program"],
    twinNames.map((n) => {
      const unit = Object.values(shoal).find((s) => s?.units[n])?.units[n] ?? "";
      return [n, unit, ...list.flatMap((b) => {
        const c = shoal[b]?.metrics[n], h = shoal[b]?.twin[n];
        return [num(c ? median(c) : undefined), num(h ? median(h) : undefined), ratio(c && h ? median(c) / median(h) : null)];
      }), twinOf[n].shape.split(":")[0]];
    }));
  const targets: Target[] = [];
  for (const b of list) {
    for (const n of twinNames) {
      const c = shoal[b]?.metrics[n], h = shoal[b]?.twin[n];
      if (!c || !h) continue;
      targets.push(target("compiled", `${b}: ${n} compiled <= 1.5x hand-written`, median(c), median(h),
        "hand-written program, this run, same backend", shoal[b]!.units[n], 1.5));
    }
    for (const n of names.filter((x) => x.endsWith("_per_item") || x.endsWith("hop") || (MESSAGE_METRIC.test(x) && TIMED_METRIC.test(shoal[b]?.units[x] ?? "")))) {
      const m = shoal[b]?.metrics[n];
      if (!m) continue;
      const goal = MESSAGE_METRIC.test(n) ? 1 : 2;
      targets.push(target("compiled", `${b}: ${n} <= ${goal === 1 ? "BEAM" : "2x BEAM"}`, median(m), beam[n] ?? null,
        useBeam ? "BEAM, this run, same .beam" : "BEAM not run", shoal[b]!.units[n], goal));
    }
  }
  printTargets("compiled targets", targets);
  const file = writeResult(o, "compiled", {
    config: { programs: PROGRAMS.map((p) => ({ ...p, args: o.smoke ? p.smokeArgs : p.args })), reps, otpModules: OTP_MODULES, optimize: 2,
      maxProcesses: MAX_PROCESSES, twins: TWINS.map((t) => ({ mod: t.mod, shape: t.shape })) },
    compile: { rows: compileRows, beamKB, compileMs, msPerKB: compileMs / beamKB },
    shoal, beam: useBeam ? { version: beamVersion(), medians: beam } : { skipped: true }, targets,
  });
  return { name: "compiled", targets, file };
}
