// c10m: the WasmFX talk's C10M shape: 10M processes in all, at most 10k
// alive, each yields once; run by the built-in c10m_driver inside wasm.
//
// Each backend runs in its own child Node (bench/child.ts), so its peak RSS
// (VmHWM) is its own. Checked: the driver's count of finished processes is
// the total. Binary size: build/shoal.<backend>.wasm. Set against BEAM's
// c10m.erl on the same numbers (`+S 1:1`, batch 1: each process blocks in
// receive, gets one message, replies and exits; one active at a time), whose
// VmHWM is beam.smp's own. Reps are interleaved: ours, then BEAM, per rep.

import type { Backend } from "../host/backend";
import {
  Options, SuiteResult, Target, backends, binarySize, DEFAULT_BACKEND, median, min, num, printTargets, ratio,
  runChild, table, target, writeResult, int,
} from "./lib/common";
import { beamAvailable, runBeam, beamVersion, BeamRun, FACTS_BEAM } from "./lib/beam";

interface C10MChild {
  seconds: number;
  nsPerProcess: number;
  peakRssKB: number;
  bareNodeRssKB: number;
  startedRssKB: number;
  peakOverStartedKB: number;
  peakSlots: number;
  [k: string]: unknown;
}

export async function run(o: Options): Promise<SuiteResult> {
  const cfg = o.smoke ? { total: 50_000, window: 1_000, reps: 1 } : { total: 10_000_000, window: 10_000, reps: 3 };
  const useBeam = o.beam && !o.smoke && beamAvailable();
  const list = backends();
  console.log(`c10m: ${int(cfg.total)} processes, window ${int(cfg.window)}, each yields once; ${cfg.reps} reps, one child Node per run`);

  const res: Partial<Record<Backend, C10MChild[]>> = {};
  const beamRuns: BeamRun[] = [];
  for (let rep = 0; rep < cfg.reps; rep++) {
    for (const backend of list) {
      const r = runChild<C10MChild>("c10m", { backend, total: cfg.total, window: cfg.window });
      (res[backend] ??= []).push(r);
      console.log(`  rep ${rep + 1} ${backend}: ${r.seconds.toFixed(2)} s, peak RSS ${(r.peakRssKB / 1024).toFixed(0)} MB`);
    }
    if (useBeam) {
      const b = runBeam(["+S", "1:1"], "c10m", [cfg.total, cfg.window, 1]);
      beamRuns.push(b);
      console.log(`  rep ${rep + 1} BEAM: ${b.metrics["c10m.b1.total_time"].value.toFixed(2)} s`);
    }
  }
  const beamS = beamRuns.length ? median(beamRuns.map((b) => b.metrics["c10m.b1.total_time"].value)) : undefined;
  const beamHwm = beamRuns.length ? median(beamRuns.map((b) => b.metrics["c10m.b1.vm_hwm"].value)) : undefined;

  const med = (b: Backend, k: keyof C10MChild) => median(res[b]!.map((r) => r[k] as number));
  const rows = list.map((b) => [
    b + (b === DEFAULT_BACKEND ? " (default)" : ""), num(med(b, "seconds")), num(min(res[b]!.map((r) => r.seconds))),
    num(med(b, "nsPerProcess")), num(med(b, "peakRssKB") / 1024), num(med(b, "peakOverStartedKB") / 1024),
    int(binarySize(b)), int(med(b, "peakSlots")), beamS ? ratio(med(b, "seconds") / beamS) : "n/a",
    beamS ? ratio(beamS / med(b, "seconds")) : "n/a",
  ]);
  if (beamRuns.length) {
    rows.push([`BEAM +S 1:1 (${beamRuns.length} VMs)`, num(beamS), num(min(beamRuns.map((b) => b.metrics["c10m.b1.total_time"].value))),
      num(median(beamRuns.map((b) => b.metrics["c10m.b1.per_process"].value))), num(beamHwm), "", "", "", "1.00x", "1.00x"]);
  }
  table(`c10m: ${int(cfg.total)} processes, window ${int(cfg.window)}; medians of ${cfg.reps} runs`,
    ["backend", "seconds", "min s", "ns/proc", "peak RSS MB", "over start MB", "wasm bytes", "peak slots", "time/BEAM", "speed-up"], rows);

  const targets: Target[] = [];
  if (res[DEFAULT_BACKEND]) {
    targets.push(target("c10m", `${DEFAULT_BACKEND} (default): C10M >= 10x faster than BEAM`,
      med(DEFAULT_BACKEND, "seconds"), beamS ?? null, useBeam ? "BEAM +S 1:1, this run" : "BEAM not run", "s", 0.1));
  }
  printTargets("c10m targets (time ratio <= 0.1x means >= 10x faster)", targets);

  const file = writeResult(o, "c10m", {
    config: cfg,
    binaryBytes: Object.fromEntries(list.map((b) => [b, binarySize(b)])),
    backends: res,
    medians: Object.fromEntries(list.map((b) => [b, {
      seconds: med(b, "seconds"), nsPerProcess: med(b, "nsPerProcess"), peakRssKB: med(b, "peakRssKB"),
      peakOverStartedKB: med(b, "peakOverStartedKB"), peakSlots: med(b, "peakSlots"),
    }])),
    beam: beamRuns.length
      ? { version: beamVersion(), command: beamRuns[0].command, runs: beamRuns, medianSeconds: beamS, medianVmHwmMB: beamHwm }
      : { skipped: true, facts: { seconds: FACTS_BEAM.c10mSeconds, vmHwmMB: FACTS_BEAM.c10mVmHwmMB, source: FACTS_BEAM.source } },
    targets,
  });
  return { name: "c10m", targets, file };
}
