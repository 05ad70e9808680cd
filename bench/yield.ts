// yield: what one scheduler switch costs on each backend.
//
// Shape (BEAM's yield_bench): P processes each yield Y times ("yielder").
// The host spawns them, then times rt.run() until all have ended. Reported:
//   raw  = T(P, Y) / (P*Y)            everything, spawn/start/exit included
//   net  = (T(P, Y) - T(P, 0)) / (P*Y) the same minus a 0-yield run of the
//                                       same P processes (as yield_bench's
//                                       yield.net): the cost of one yield
// Every yield is one fiber suspend + one resume + the scheduler's work (run
// queue, bookkeeping), so it is set against the raw round trip of the same
// backend (bench/lib/raw.ts) measured in this process, rep by rep, and
// against BEAM's erlang:yield() (yield.net of yield_bench, +S 1:1).
// A second shape, 1 process x many yields, has the raw kernel's shape (one
// fiber, hot in cache): the gap between the two shows what 10k live
// processes cost. The targets use the net figure of the P-process shape.
// A process suspends 2 frames below fiber_resume (__fiber_entry, then the
// program, which calls fiber_suspend), the raw round trip 1 (its looper
// calls fiber_yield), so the raw kernel's round trip 2 frames deep
// (roundtrip_deep(n, 0)) is shown too, for context only: the depth part of
// the gap is the engine's (docs/engine-facts.md: Asyncify pays 11-17 ns per frame), not
// the scheduler's.
//
// Also writes bench/results/backend.json: a measurement of this engine that
// Runtime.start({ measurement }) takes for "auto" (host/backend.ts).

import * as fs from "node:fs";
import * as path from "node:path";
import type { Runtime } from "../host/runtime";
import type { Backend } from "../host/backend";
import {
  Options, SuiteResult, Target, backends, check, DEFAULT_BACKEND, median, min, num, printTargets, ratio, startRuntime,
  resultsDir, stopwatch, table, target, writeResult, int,
} from "./lib/common";
import { beamAvailable, beamSeries, beamVersion, FACTS_BEAM } from "./lib/beam";
import { buildRaw, rawRoundtripNs, warmRaw } from "./lib/raw";

/** ns for P yielders of Y yields each, from rt.run() start to idle; checks the switch count. */
async function timedRun(rt: Runtime, p: number, y: number): Promise<number> {
  const s0 = rt.stats();
  for (let i = 0; i < p; i++) rt.spawn("yielder", y);
  const elapsed = stopwatch();
  const outcome = await rt.run();
  const ns = elapsed();
  const s1 = rt.stats();
  check(outcome === "idle", `${rt.backend}: yield run ended '${outcome}', expected 'idle'`);
  check(s1.alive === 0, `${rt.backend}: ${s1.alive} processes still alive after the yield run`);
  const want = p * (y + 1);   // Y yields and the final slice that ends it, per process
  check(s1.switches - s0.switches === want, `${rt.backend}: ${s1.switches - s0.switches} switches, expected ${want}`);
  return ns;
}

interface BackendRuns {
  zeroNs: number[];       // T(P, 0), whole run
  fullNs: number[];       // T(P, Y), whole run
  singleNs: number[];     // T(1, Ys), whole run
  rawRoundtripNs: number[];
  rawRoundtrip2Ns: number[];   // 2 frames deep
  // per rep
  rawPerYield: number[];
  netPerYield: number[];
  zeroPerProcess: number[];
  singlePerYield: number[];
  netOverRaw: number[];
  singleOverRaw: number[];
}

export async function run(o: Options): Promise<SuiteResult> {
  const cfg = o.smoke
    ? { P: 1000, Y: 10, single: 20_000, rawN: 200_000, reps: 1 }
    : { P: 10_000, Y: 100, single: 1_000_000, rawN: 4_000_000, reps: 5 };
  const useBeam = o.beam && !o.smoke && beamAvailable();
  const beamReps = 3;
  console.log(`yield: ${int(cfg.P)} processes x ${cfg.Y} yields (net of a 0-yield run), 1 process x ${int(cfg.single)} yields, ` +
    `raw round trip n=${int(cfg.rawN)}; ${cfg.reps} reps`);
  const raw = buildRaw();
  const list = backends();
  const res: Partial<Record<Backend, BackendRuns>> = {};

  for (const backend of list) {
    const rt = await startRuntime(backend);
    try {
      const r: BackendRuns = {
        zeroNs: [], fullNs: [], singleNs: [], rawRoundtripNs: [], rawRoundtrip2Ns: [], rawPerYield: [], netPerYield: [],
        zeroPerProcess: [], singlePerYield: [], netOverRaw: [], singleOverRaw: [],
      };
      // warm-up: creates the P slots (and, on WasmFX, their stacks) and lets V8 tier everything up
      await timedRun(rt, cfg.P, cfg.Y);
      await timedRun(rt, cfg.P, 0);
      await timedRun(rt, 1, Math.max(1000, cfg.single / 10));
      warmRaw(backend, cfg.rawN);
      warmRaw(backend, cfg.rawN / 4, 2);
      for (let rep = 0; rep < cfg.reps; rep++) {
        // alternate the order, so drift on a shared machine does not always favour one side
        const steps: (() => Promise<void>)[] = [
          async () => { r.zeroNs.push(await timedRun(rt, cfg.P, 0)); },
          async () => { r.fullNs.push(await timedRun(rt, cfg.P, cfg.Y)); },
          async () => { r.singleNs.push(await timedRun(rt, 1, cfg.single)); },
          async () => {
            r.rawRoundtripNs.push(rawRoundtripNs(backend, cfg.rawN));
            r.rawRoundtrip2Ns.push(rawRoundtripNs(backend, cfg.rawN / 4, 2));
          },
        ];
        if (rep % 2) steps.reverse();
        for (const s of steps) await s();
        const n = cfg.P * cfg.Y, i = r.fullNs.length - 1, rt1 = r.rawRoundtripNs[i];
        r.rawPerYield.push(r.fullNs[i] / n);
        r.netPerYield.push((r.fullNs[i] - r.zeroNs[i]) / n);
        r.zeroPerProcess.push(r.zeroNs[i] / cfg.P);
        r.singlePerYield.push(r.singleNs[i] / cfg.single);
        r.netOverRaw.push(r.netPerYield[i] / rt1);
        r.singleOverRaw.push(r.singlePerYield[i] / rt1);
      }
      res[backend] = r;
      console.log(`  ${backend}: net ${num(median(r.netPerYield))} ns/yield, raw round trip ${num(median(r.rawRoundtripNs))} ns`);
    } finally {
      rt.stop();
    }
  }

  let beam: ReturnType<typeof beamSeries> | undefined;
  if (useBeam) {
    beam = beamSeries(["+S", "1:1"], "yield_bench", [cfg.P, cfg.Y], beamReps, console.log);
  }
  const beamNet = beam?.median["yield.net"];

  const rows = list.map((b) => {
    const r = res[b]!;
    return [
      b + (b === DEFAULT_BACKEND ? " (default)" : ""),
      num(median(r.netPerYield)), num(min(r.netPerYield)), num(median(r.rawPerYield)), num(median(r.zeroPerProcess)),
      num(median(r.singlePerYield)), num(median(r.rawRoundtripNs)), num(median(r.rawRoundtrip2Ns)),
      ratio(median(r.netOverRaw)), ratio(median(r.singleOverRaw)),
      beamNet ? ratio(median(r.netPerYield) / beamNet) : "n/a",
    ];
  });
  if (beam) {
    rows.push([`BEAM +S 1:1 (${beamReps} VMs)`, num(beamNet), num(min(beam.runs.map((x) => x.metrics["yield.net"].value))),
      num(beam.median["yield.raw"]), "", "", "", "", "", "", "1.00x"]);
  }
  table(`yield: ns per switch, ${int(cfg.P)} procs x ${cfg.Y} yields; medians of ${cfg.reps} reps, ratios taken per rep in this process`,
    ["backend", "net ns", "net min", "raw ns", "0-yield ns/proc", `1 proc ns`, "raw RT ns", "RT 2 frames", "net/RT", "1proc/RT", "net/BEAM"], rows);

  const targets: Target[] = [];
  for (const b of list) {
    const r = res[b]!;
    // the ratio is the median of per-rep ratios (both measured back to back in this process)
    const t = target("yield", `${b}: yield <= 1.5x raw round trip`, median(r.netPerYield), median(r.rawRoundtripNs),
      `raw ${b} round trip`, "ns", 1.5);
    t.ratio = median(r.netOverRaw);
    if (t.met !== null) t.met = t.ratio <= 1.5;
    targets.push(t);
  }
  if (res[DEFAULT_BACKEND]) {
    targets.push(target("yield", `${DEFAULT_BACKEND} (default): yield <= 0.5x BEAM erlang:yield`,
      median(res[DEFAULT_BACKEND]!.netPerYield), useBeam ? beamNet : null,
      useBeam ? "BEAM +S 1:1, this run" : "BEAM not run", "ns", 0.5));
  }
  printTargets("yield targets", targets);

  const file = writeResult(o, "yield", {
    config: { ...cfg, reportedFigure: "net: (T(P,Y) - T(P,0)) / (P*Y), as BEAM yield_bench yield.net" },
    rawKernels: { source: "bench/raw/{fx,asy}.wat (copies of the raw-switch spike kernels, bench/raw/README.md)", sizes: raw.sizes },
    backends: res,
    medians: Object.fromEntries(list.map((b) => [b, {
      netNsPerYield: median(res[b]!.netPerYield), rawNsPerYield: median(res[b]!.rawPerYield),
      zeroYieldNsPerProcess: median(res[b]!.zeroPerProcess), singleProcessNsPerYield: median(res[b]!.singlePerYield),
      rawRoundtripNs: median(res[b]!.rawRoundtripNs), rawRoundtrip2FramesNs: median(res[b]!.rawRoundtrip2Ns), netOverRaw: median(res[b]!.netOverRaw),
      singleOverRaw: median(res[b]!.singleOverRaw),
    }])),
    beam: beam ? { version: beamVersion(), ...beam } : { skipped: true, reason: o.smoke ? "--smoke" : !o.beam ? "--no-beam" : "erl not on PATH", facts: { yieldNetNs: FACTS_BEAM.yieldNetNs, source: FACTS_BEAM.source } },
    targets,
  });

  // a measurement for Runtime.start({ measurement }) in "auto" mode (never from a smoke run)
  if (!o.smoke && res.fx && res.asyncify) {
    const m = {
      v8: process.versions.v8,
      date: new Date().toISOString(),
      yieldNs: { fx: median(res.fx.netPerYield), asyncify: median(res.asyncify.netPerYield) },
      source: `bench/yield.ts: scheduler yield, net ns, ${cfg.P} processes x ${cfg.Y} yields, median of ${cfg.reps}`,
    };
    fs.writeFileSync(path.join(resultsDir(o), "backend.json"), JSON.stringify(m, null, 2) + "\n");
  }
  return { name: "yield", targets, file };
}
