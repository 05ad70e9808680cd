// memory: what an idle process costs, on each backend.
//
// Shape: in a fresh Node per backend (bench/child.ts), spawn N "park"
// processes and run until every one waits. Reported per process:
//   (a) linear-memory growth / N        the module's memory, grown in pages
//   (b) mean rt.processMemory(pid)       what the runtime says one holds
//                                        (block + saved frames + shadow stack)
//                                        over ~1000 sampled processes
//   (c) RSS growth / N                   what the OS pays; on WasmFX this
//                                        includes the engine's stacks, which
//                                        (a) and (b) cannot see
// Set against BEAM's memory per process blocked in receive: spawn_bench's
// spawn_alive.mem_processes_delta (erlang:memory(processes) delta / N, +S 1:1)
// when erl is present, else the figure in docs/engine-facts.md, labelled as such. The
// target is judged on the larger of (a) and (c).

import type { Backend } from "../host/backend";
import {
  Options, SuiteResult, Target, backends, DEFAULT_BACKEND, num, printTargets, ratio, runChild, table, target,
  writeResult, int,
} from "./lib/common";
import { beamAvailable, beamSeries, beamVersion, FACTS_BEAM } from "./lib/beam";

interface MemoryChild {
  n: number;
  linearBytesPerProcess: number;
  processMemoryMeanBytes: number;
  rssBytesPerProcess: number;
  jsHeapBytesPerProcess: number;
  spawnUntilAllWaitingNsPerProcess: number;
  [k: string]: unknown;
}

export async function run(o: Options): Promise<SuiteResult> {
  const cfg = o.smoke
    ? { n: { asyncify: 20_000, fx: 2_000 } as Record<Backend, number>, beamN: 0 }
    : { n: { asyncify: 1_000_000, fx: 20_000 } as Record<Backend, number>, beamN: 1_000_000 };
  const useBeam = o.beam && !o.smoke && beamAvailable();
  const list = backends();
  console.log(`memory: idle ("park") processes, ${list.map((b) => `${b} ${int(cfg.n[b])}`).join(", ")}; one child Node per backend`);

  const res: Partial<Record<Backend, MemoryChild>> = {};
  for (const backend of list) {
    res[backend] = runChild<MemoryChild>("memory", { backend, n: cfg.n[backend] });
    console.log(`  ${backend}: ${num(res[backend]!.rssBytesPerProcess)} B RSS/process`);
  }

  const beam = useBeam ? beamSeries(["+P", "2000000", "+S", "1:1"], "spawn_bench", [cfg.beamN], 3, console.log) : undefined;
  const beamBytes = beam ? beam.median["spawn_alive.mem_processes_delta"] : FACTS_BEAM.memPerProcessBytes;
  const beamLabel = beam ? "BEAM +S 1:1, this run" : "BEAM from docs/engine-facts.md, not this run";

  const rows = list.map((b) => {
    const r = res[b]!;
    const worst = Math.max(r.linearBytesPerProcess, r.rssBytesPerProcess);
    return [b + (b === DEFAULT_BACKEND ? " (default)" : ""), int(r.n), num(r.linearBytesPerProcess), num(r.processMemoryMeanBytes),
      num(r.rssBytesPerProcess), num(r.jsHeapBytesPerProcess), num(r.spawnUntilAllWaitingNsPerProcess), ratio(worst / beamBytes)];
  });
  rows.push([beam ? `BEAM +S 1:1 (${beam.runs.length} VMs)` : "BEAM (docs/engine-facts.md)", int(beam ? cfg.beamN : 1_000_000), num(beamBytes),
    num(beam ? beam.median["spawn_alive.process_info_memory"] : FACTS_BEAM.processInfoMemoryBytes), "", "",
    num(beam ? beam.median["spawn_alive.until_all_waiting"] : FACTS_BEAM.spawnAliveNs), "1.00x"]);
  table("memory: bytes per idle process ((a) linear growth, (b) processMemory mean, (c) RSS growth)",
    ["backend", "processes", "(a) linear B", "(b) procMem B", "(c) RSS B", "JS heap B", "spawn ns", "max(a,c)/BEAM"], rows);

  const targets: Target[] = [];
  const d = res[DEFAULT_BACKEND];
  if (d) {
    targets.push(target("memory", `${DEFAULT_BACKEND} (default): bytes per idle process <= BEAM`,
      Math.max(d.linearBytesPerProcess, d.rssBytesPerProcess), beamBytes, beamLabel, "B", 1));
  }
  printTargets("memory targets", targets);

  const file = writeResult(o, "memory", {
    config: { ...cfg, judged: "max(linear growth, RSS growth) per process" },
    backends: res,
    beam: beam
      ? { version: beamVersion(), ...beam }
      : { skipped: true, figureUsed: { memPerProcessBytes: FACTS_BEAM.memPerProcessBytes, source: FACTS_BEAM.source } },
    targets,
  });
  return { name: "memory", targets, file };
}
