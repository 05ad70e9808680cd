// signals: what a process's end costs to reach its links, and how fast a
// supervisor brings a crashed child back, against BEAM (bench/beam/signals_bench.erl).
//
//  - chain: N puppets linked in a line (assembly/testing/programs/signals.ts);
//    the host sends the head exit(Head, cascade); timed until every one has
//    ended: ns per process.
//  - restart: a one_for_one supervisor (assembly/runtime/supervisor.ts) with
//    one permanent child that exits as soon as it starts and intensity K: it
//    restarts the child K times, then gives up; timed from its start to its
//    end: ns per restart.
// Checked: every process of the chain ends (the warm-up run: each with
// `cascade`; timed runs do not ask for exit reports, a host call each); the
// supervisor ends with `shutdown` after K + 1 children.

import type { Runtime } from "../host/runtime";
import type { Backend } from "../host/backend";
import { Atom, Tuple } from "../host/terms";
import {
  Options, SuiteResult, Target, backends, check, DEFAULT_BACKEND, median, num, printTargets, ratio, startRuntime,
  stopwatch, table, target, writeResult, int,
} from "./lib/common";
import { beamAvailable, beamSeries, beamVersion } from "./lib/beam";

/** ns per process for a chain of n; with `checkReasons` (untimed use: exit reports cost a host call each), every reason is checked. */
async function chain(rt: Runtime, n: number, checkReasons = false): Promise<number> {
  const head = rt.spawn("testing:puppet", []);
  rt.send(head, new Tuple([Atom.of("chain"), n - 1]));
  await rt.run();
  check(rt.stats().alive === n, `${rt.backend}: chain of ${rt.stats().alive}, expected ${n}`);
  let ended = 0, wrong = 0;
  const off = checkReasons ? rt.onExit((e) => { ended++; if (e.text !== "cascade") wrong++; }) : () => {};
  try {
    const elapsed = stopwatch();
    rt.exit(head, Atom.of("cascade"));
    await rt.run();
    const ns = elapsed();
    check(rt.stats().alive === 0, `${rt.backend}: ${rt.stats().alive} of the chain still alive`);
    if (checkReasons) check(ended === n && wrong === 0, `${rt.backend}: ${ended} of ${n} ended, ${wrong} with another reason`);
    return ns / n;
  } finally {
    off();
  }
}

async function restarts(rt: Runtime, k: number): Promise<number> {
  const s0 = rt.stats().spawned;
  let reason: string | undefined;
  const elapsed = stopwatch();
  const sup = rt.supervise({ intensity: k, period: 3600, children: [{ start: ["testing:exiter", Atom.of("boom")], shutdown: "brutal_kill" }] });
  const off = rt.onExit((e) => { if (e.pid.equals(sup)) reason = e.text; });
  try {
    await rt.run();
    const ns = elapsed();
    check(reason === "shutdown", `${rt.backend}: the supervisor ended '${reason}', expected shutdown`);
    check(rt.stats().spawned - s0 === k + 2, `${rt.backend}: ${rt.stats().spawned - s0} spawned, expected ${k + 2}`);
    return ns / (k + 1);
  } finally {
    off();
  }
}

/** Untimed runs of both workloads before the timed ones. */
const WARMUPS = 3;

export async function run(o: Options): Promise<SuiteResult> {
  const cfg = o.smoke ? { n: 1000, k: 100, reps: 1 } : { n: 10_000, k: 1000, reps: 5 };
  const useBeam = o.beam && !o.smoke && beamAvailable();
  const list = backends();
  console.log(`signals: a chain of ${int(cfg.n)} linked processes; a supervisor restarting a child ${int(cfg.k)} times; ${cfg.reps} reps`);
  const res: Partial<Record<Backend, { chainNs: number[]; restartNs: number[] }>> = {};
  for (const backend of list) {
    const rt = await startRuntime(backend);
    try {
      // warm-up at full size, every reason checked once: V8 tiers the module's functions up only after
      // enough calls, and a tenth-size warm-up left the timed reps on code still tiering up (the chain's
      // reps fell 583 -> 230 ns a process within one run, and runs varied 137-665 ns)
      await chain(rt, cfg.n, true);
      for (let i = 0; i < WARMUPS; i++) {
        await chain(rt, cfg.n);
        await restarts(rt, cfg.k);
      }
      const r = { chainNs: [] as number[], restartNs: [] as number[] };
      for (let rep = 0; rep < cfg.reps; rep++) {
        r.chainNs.push(await chain(rt, cfg.n));
        r.restartNs.push(await restarts(rt, cfg.k));
      }
      res[backend] = r;
      console.log(`  ${backend}: chain ${num(median(r.chainNs))} ns/process, restart ${num(median(r.restartNs))} ns`);
    } finally {
      rt.stop();
    }
  }
  const beam = useBeam ? beamSeries([], "signals_bench", [cfg.n, cfg.k], 3, console.log) : undefined;
  const beamChain = beam?.median["signals.chain_ns_per_process"], beamRestart = beam?.median["signals.restart_ns"];
  const rows = list.map((b) => {
    const r = res[b]!;
    return [b + (b === DEFAULT_BACKEND ? " (default)" : ""), num(median(r.chainNs)), ratio(beamChain ? median(r.chainNs) / beamChain : null),
      num(median(r.restartNs)), ratio(beamRestart ? median(r.restartNs) / beamRestart : null)];
  });
  if (beam) rows.push([`BEAM (${beam.runs.length} VMs)`, num(beamChain), "1.00x", num(beamRestart), "1.00x"]);
  table(`signals: medians of ${cfg.reps} reps`, ["backend", "chain ns/process", "ours/BEAM", "restart ns", "ours/BEAM"], rows);
  const targets: Target[] = list.flatMap((b) => [
    target("signals", `${b}: exit propagation down a chain <= BEAM`, median(res[b]!.chainNs), beamChain ?? null, useBeam ? "BEAM, this run" : "BEAM not run", "ns", 1),
    target("signals", `${b}: supervisor restart <= BEAM`, median(res[b]!.restartNs), beamRestart ?? null, useBeam ? "BEAM, this run" : "BEAM not run", "ns", 1),
  ]);
  printTargets("signals targets", targets);
  const file = writeResult(o, "signals", {
    config: cfg, backends: res,
    medians: Object.fromEntries(list.map((b) => [b, { chainNsPerProcess: median(res[b]!.chainNs), restartNs: median(res[b]!.restartNs) }])),
    beam: beam ? { version: beamVersion(), ...beam } : { skipped: true },
    targets,
  });
  return { name: "signals", targets, file };
}
