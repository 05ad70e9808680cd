// spawn: what spawning a process that exits at once costs, per process.
//
// Shape: one "spawner" process spawns N "noop" children (it is preempted
// every 4000 reductions, so children run and exit in between, and at most
// ~4000 are alive at once). Timed from rt.run() start to idle. Checked: the
// spawner's reported count of successful spawns is N, N+1 processes were
// spawned in all, none is alive at the end. Set against BEAM's spawn_bench
// spawn_exit.until_all_dead (spawn(fun() -> ok end) x 1M, until all are
// dead; +S 1:1 +P 2000000).

import type { Runtime } from "../host/runtime";
import type { Backend } from "../host/backend";
import {
  Options, SuiteResult, Target, backends, check, DEFAULT_BACKEND, median, min, num, printTargets, ratio, startRuntime,
  stopwatch, table, target, writeResult, int,
} from "./lib/common";
import { Trace } from "../assembly/boundary/codes";
import { beamAvailable, beamSeries, beamVersion, FACTS_BEAM } from "./lib/beam";

/** ns for a spawner of n children, start to idle; checks every count. Also the peak slot count. */
async function timedSpawn(rt: Runtime, n: number): Promise<{ ns: number; slots: number }> {
  let done: number | undefined;
  const off = rt.onTrace((e) => { if (e.code === Trace.DONE) done = Number(e.value); });
  try {
    const s0 = rt.stats();
    const elapsed = stopwatch();
    rt.spawn("spawner", n);
    const outcome = await rt.run();
    const ns = elapsed();
    const s1 = rt.stats();
    check(outcome === "idle", `${rt.backend}: spawn run ended '${outcome}', expected 'idle'`);
    check(done === n, `${rt.backend}: spawner reported ${done} successful spawns, expected ${n}`);
    check(s1.spawned - s0.spawned === n + 1, `${rt.backend}: ${s1.spawned - s0.spawned} spawned, expected ${n + 1}`);
    check(s1.alive === 0, `${rt.backend}: ${s1.alive} processes alive after the spawn run`);
    return { ns, slots: s1.slots };
  } finally {
    off();
  }
}

export async function run(o: Options): Promise<SuiteResult> {
  const cfg = o.smoke
    ? { n: { asyncify: 20_000, fx: 5_000 } as Record<Backend, number>, reps: 1, beamN: 0 }
    : { n: { asyncify: 1_000_000, fx: 200_000 } as Record<Backend, number>, reps: 5, beamN: 1_000_000 };
  const useBeam = o.beam && !o.smoke && beamAvailable();
  const list = backends();
  console.log(`spawn: spawn + exit, ${list.map((b) => `${b} ${int(cfg.n[b])}`).join(", ")} processes; ${cfg.reps} reps`);

  const res: Partial<Record<Backend, { n: number; ns: number[]; nsPerProcess: number[]; peakSlots: number }>> = {};
  for (const backend of list) {
    const n = cfg.n[backend];
    const rt = await startRuntime(backend);
    try {
      await timedSpawn(rt, Math.max(1000, Math.floor(n / 10)));   // warm-up
      const r = { n, ns: [] as number[], nsPerProcess: [] as number[], peakSlots: 0 };
      for (let rep = 0; rep < cfg.reps; rep++) {
        const t = await timedSpawn(rt, n);
        r.ns.push(t.ns);
        r.nsPerProcess.push(t.ns / n);
        r.peakSlots = Math.max(r.peakSlots, t.slots);
      }
      res[backend] = r;
      console.log(`  ${backend}: ${num(median(r.nsPerProcess))} ns/process`);
    } finally {
      rt.stop();
    }
  }

  // spawn_bench also measures spawn_alive, which the memory suite reads (memoized)
  const beam = useBeam ? beamSeries(["+P", "2000000", "+S", "1:1"], "spawn_bench", [cfg.beamN], 3, console.log) : undefined;
  const beamNs = beam?.median["spawn_exit.until_all_dead"];

  const rows = list.map((b) => {
    const r = res[b]!;
    return [b + (b === DEFAULT_BACKEND ? " (default)" : ""), int(r.n), num(median(r.nsPerProcess)), num(min(r.nsPerProcess)),
      int(r.peakSlots), beamNs ? ratio(median(r.nsPerProcess) / beamNs) : "n/a"];
  });
  if (beam) {
    rows.push([`BEAM +S 1:1 (${beam.runs.length} VMs)`, int(cfg.beamN), num(beamNs),
      num(min(beam.runs.map((x) => x.metrics["spawn_exit.until_all_dead"].value))), "", "1.00x"]);
  }
  table(`spawn: spawn + exit, ns per process; medians of ${cfg.reps} reps`,
    ["backend", "processes", "ns/proc", "min", "peak slots", "ours/BEAM"], rows);

  const targets: Target[] = list.map((b) => target("spawn", `${b}${b === DEFAULT_BACKEND ? " (default)" : ""}: spawn+exit <= 1/4 BEAM`,
    median(res[b]!.nsPerProcess), beamNs ?? null, useBeam ? "BEAM +S 1:1, this run" : "BEAM not run", "ns", 0.25));
  printTargets("spawn targets", targets);

  const file = writeResult(o, "spawn", {
    config: cfg,
    backends: res,
    medians: Object.fromEntries(list.map((b) => [b, { nsPerProcess: median(res[b]!.nsPerProcess) }])),
    beam: beam ? { version: beamVersion(), ...beam } : { skipped: true, facts: { spawnExitNs: FACTS_BEAM.spawnExitNs, source: FACTS_BEAM.source } },
    targets,
  });
  return { name: "spawn", targets, file };
}
