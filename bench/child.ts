// Tasks run in a fresh Node process each (bench/lib/common.ts runChild), so
// RSS growth and peak RSS (VmHWM) belong to one backend and one workload, and
// what a run leaves (live processes, WasmFX stacks not yet unmapped) does not
// weigh on the next.
//
//   node --experimental-wasm-wasmfx --expose-gc dist/bench/child.js memory '{"backend":"asyncify","n":1000000}'
//   node --experimental-wasm-wasmfx --expose-gc dist/bench/child.js c10m '{"backend":"fx","total":10000000,"window":10000}'
//   ... compiled '{"file":"linked.fx.wasm","backend":"fx","mod":"ring","args":["1000","1000"]}'   (bench/compiled.ts)
//   ... twin '{"backend":"fx","mod":"ring","args":[1000,1000]}'                                     (bench/compiled.ts)
//
// Prints one line `RESULT_JSON {...}`; exits non-zero when a check fails.

import type { Runtime } from "../host/runtime";
import type { Backend } from "../host/backend";
import { Pid } from "../host/terms";
import { Trace } from "../assembly/boundary/codes";
import { check, collect, procStatus, startRuntime, stopwatch } from "./lib/common";
import { compiledRun, twinRun } from "./compiled";

/** N idle processes ("park"): memory per process, three ways. */
async function memory(a: { backend: Backend; n: number; samples?: number }): Promise<Record<string, unknown>> {
  const n = a.n;
  const every = Math.max(1, Math.floor(n / (a.samples ?? 1000)));
  const bare = procStatus();
  const rt = await startRuntime(a.backend, { maxProcesses: Math.max(n + 16, 1024) });
  try {
    check(rt.stats().maxProcesses >= n, `${a.backend}: process limit ${rt.stats().maxProcesses} is below ${n}`);
    collect();
    const rss0 = process.memoryUsage().rss, heap0 = process.memoryUsage().heapUsed, lin0 = rt.stats().memoryBytes;
    const sample: Pid[] = [];
    const elapsed = stopwatch();
    for (let i = 0; i < n; i++) {
      const pid = rt.spawn("park");
      if (i % every === 0) sample.push(pid);
    }
    const outcome = await rt.run();
    const ns = elapsed();
    collect();
    const mu = process.memoryUsage(), st = rt.stats();
    check(outcome === "waiting", `${a.backend}: run ended '${outcome}', expected 'waiting' (every process parked)`);
    check(st.alive === n, `${a.backend}: ${st.alive} alive, expected ${n}`);
    check(st.switches === n, `${a.backend}: ${st.switches} switches, expected ${n} (one slice each, to the park)`);
    const bytes = sample.map((p) => rt.processMemory(p));
    check(bytes.every((b) => b > 0), `${a.backend}: processMemory() says a parked sample process is dead`);
    return {
      backend: a.backend, n,
      spawnUntilAllWaitingNsPerProcess: ns / n,
      linearBytesPerProcess: (st.memoryBytes - lin0) / n,
      processMemoryMeanBytes: bytes.reduce((s, b) => s + b, 0) / bytes.length,
      processMemoryMin: Math.min(...bytes), processMemoryMax: Math.max(...bytes), sampled: bytes.length,
      rssBytesPerProcess: (mu.rss - rss0) / n,
      jsHeapBytesPerProcess: (mu.heapUsed - heap0) / n,
      linearBytes: { before: lin0, after: st.memoryBytes },
      rssBytes: { bareNode: bare.rssKB * 1024, before: rss0, after: mu.rss },
      peakRssKB: procStatus().hwmKB,
    };
  } finally {
    rt.stop();
  }
}

/** The WasmFX talk's C10M: `total` processes, at most `window` alive, each yields once. */
async function c10m(a: { backend: Backend; total: number; window: number }): Promise<Record<string, unknown>> {
  const bare = procStatus();
  const rt = await startRuntime(a.backend);
  try {
    let count: number | undefined;
    rt.onTrace((e) => { if (e.code === Trace.DONE) count = Number(e.value); });
    collect();
    const before = procStatus();
    rt.configureC10M(a.total, a.window);
    const elapsed = stopwatch();
    rt.spawn("c10m_driver");
    const outcome = await rt.run();
    const ns = elapsed();
    const st = rt.stats();
    check(outcome === "idle", `${a.backend}: c10m ended '${outcome}', expected 'idle'`);
    check(count === a.total, `${a.backend}: c10m driver counted ${count} finished, expected ${a.total}`);
    check(st.spawned === a.total + 1, `${a.backend}: ${st.spawned} spawned, expected ${a.total + 1}`);
    const after = procStatus();
    return {
      backend: a.backend, total: a.total, window: a.window, count,
      seconds: ns / 1e9, nsPerProcess: ns / a.total,
      peakRssKB: after.hwmKB, bareNodeRssKB: bare.rssKB, startedRssKB: before.rssKB,
      peakOverStartedKB: after.hwmKB - before.rssKB,
      switches: st.switches, peakSlots: st.slots, linearMemoryBytes: st.memoryBytes,
    };
  } finally {
    rt.stop();
  }
}

async function main(): Promise<void> {
  const [task, json] = process.argv.slice(2);
  const args = JSON.parse(json ?? "{}");
  let out: Record<string, unknown>;
  if (task === "memory") out = await memory(args);
  else if (task === "c10m") out = await c10m(args);
  else if (task === "compiled") out = { ...await compiledRun(args) };
  else if (task === "twin") out = await twinRun(args);
  else throw new Error(`unknown child task '${task}'`);
  console.log("RESULT_JSON " + JSON.stringify(out));
}

main().catch((e) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e));
  process.exit(1);
});
