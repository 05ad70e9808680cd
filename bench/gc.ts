// gc: per-process heaps and their collectors against the shared-heap
// baseline and BEAM, on the shapes of bench/beam/gc_bench.erl.
//
// Every workload runs on both collectors: per-process heaps (the default)
// and the shared-heap baseline (Runtime.start({ sharedHeap: true }): one heap,
// one collector over every process's live data, whose roots are everyone's).
// Pauses come from rt.onGc: the collector times itself with the host clock
// (performance.now) around each collection; per-process events name the
// process, shared-heap events have pid null.
//
//   holders   1,000 gc_holder (6,400 cells = 100 KB live each) build their
//             lists and wait; then a gc_worker (1 MB live, 200 x builds a new
//             1 MB list and drops the old, then times an explicit full sweep)
//             runs beside them ("with 140 MB": what the holders' heaps hold);
//             then every holder is woken and churns 100 x 640-cell lists
//             (100 KB-live pauses, 1,000 processes, 100 MB held in all).
//             gc_bench.erl per_process: worker first, then the holders' churn.
//   alone     the same gc_worker in a fresh runtime (control; worker_alone).
//   single    one gc_single builds 1,000 x 6,400-cell lists (~100 MB live in
//             one process), then does the worker's churn and times a full
//             sweep (gc_bench.erl single).
//   alloc     allocation throughput: a term-machine program of GARBAGE ops
//             (dead cons cells, the allocWords fast path plus the minor
//             collections it forces) with the default minimum heap
//             (DEFAULT_MIN_HEAP_WORDS, 233 words) and with a 1M-word one
//             (almost no collections: the bump path); and the gc_worker run
//             as a whole (words it allocates / its time).
//
// BEAM: bench/beam/gc_bench.erl per_process, worker_alone and single with
// +S 1:1, run by bench/lib/beam.ts as every suite's anchor is. Its pauses come
// from erlang:trace garbage_collection events (a floor of ~1-2 us of tracing,
// docs/engine-facts.md); it prints summary statistics only.
// Percentiles here use gc_bench.erl's nearest-rank rule (bench/lib/stats.ts), so they compare.
//
// Writes bench/results/gc.json and, on a full run, docs/gc-pauses.svg (a
// chart of the pause distributions; bench/lib/chart.ts).

import * as fs from "node:fs";
import * as path from "node:path";
import type { GcEvent } from "../host/runtime";
import type { Backend } from "../host/backend";
import { Trace } from "../assembly/boundary/codes";
import { DEFAULT_MIN_HEAP_WORDS } from "../assembly/boundary/defaults";
import {
  Options, SuiteResult, Target, ROOT, backends, check, collect, DEFAULT_BACKEND, median, num, printTargets, ratio, resultsDir,
  startRuntime, stopwatch, table, target, writeResult, int,
} from "./lib/common";
import { beamAvailable, beamSource, beamVersion, runBeam, BeamRun } from "./lib/beam";
import { ccdfPoints, chartFromResult, Panel } from "./lib/chart";
import { ClockGaps, Samples, Summary, clockGaps, summarize } from "./lib/stats";

// ---- pauses ---------------------------------------------------------------------------------

/** Pauses of one phase, by kind; `pidless`/`withPid` count which heap they were on. */
class PauseLog {
  minor = new Samples();
  major = new Samples();
  pidless = 0;
  withPid = 0;
  /** events of processes other than the one this phase watches (per-process heaps) */
  others = 0;
  add(e: GcEvent): void {
    if (e.pid === null) this.pidless++; else this.withPid++;
    (e.kind === "major" ? this.major : this.minor).push(e.pauseUs);
  }
  all(): Float64Array {
    const a = new Float64Array(this.minor.n + this.major.n);
    a.set(this.minor.buf.subarray(0, this.minor.n));
    a.set(this.major.buf.subarray(0, this.major.n), this.minor.n);
    return a.sort();
  }
}

interface PhaseStats { minor: Summary; major: Summary; all: Summary; pidless: number; withPid: number; others: number }
function phaseStats(l: PauseLog): PhaseStats {
  return { minor: summarize(l.minor.sorted()), major: summarize(l.major.sorted()), all: summarize(l.all()), pidless: l.pidless, withPid: l.withPid, others: l.others };
}

/** Per-process heaps report every collection with its pid, the shared heap with none: check which one ran. */
function checkHeapKind(what: string, shared: boolean, l: PauseLog): void {
  check(shared ? l.withPid === 0 : l.pidless === 0,
    `${what}: ${shared ? l.withPid : l.pidless} collections reported ${shared ? "a pid on the shared heap" : "no pid on per-process heaps"}`);
}

// ---- workloads ------------------------------------------------------------------------------

interface Config {
  holders: number; holdLen: number; workLen: number; lists: number; iters: number;
  allocWords: number; allocOps: number; bigMinHeap: number;
  reps: number; sharedReps: number; fxReps: number; fxSharedHolders: boolean; beamReps: number;
}

interface HoldersRun {
  buildMs: number;
  /** stats().heapBytes once every holder waits: what their heaps hold (the whole shared heap on the baseline). */
  heldBytes: number;
  readyHeapWords: number;
  build: PhaseStats;
  worker: PhaseStats & { wallMs: number; fullSweepUs: number; heapWordsAfter: number };
  churn: PhaseStats & { wallMs: number };
  /** kept for the chart; not written to the JSON */
  raw?: { worker: Float64Array; churn: Float64Array };
}
interface WorkerRun extends PhaseStats { wallMs: number; fullSweepUs: number; heapWordsAfter: number; allocMBps: number; mutatorMBps: number; raw?: Float64Array }
interface SingleRun {
  buildMs: number; heapWords: number; usedWords: number;
  build: PhaseStats; churn: PhaseStats & { wallMs: number; fullSweepUs: number; heapWordsAfter: number };
}
interface AllocRun { minHeapWords: number; words: number; ms: number; MBps: number; collections: number; collectionsPerMB: number }

/** The value of trace `code` from `pid`'s events, checked present. */
function traced(tr: { pid: bigint; code: number; value: bigint }[], pid: bigint, code: Trace, what: string): number {
  const e = tr.find((t) => t.pid === pid && t.code === code);
  check(!!e, `${what}: no trace code ${code} from the process`);
  return Number(e.value);
}

async function holdersRun(backend: Backend, shared: boolean, c: Config): Promise<HoldersRun> {
  const label = `${backend}${shared ? " shared" : ""} holders`;
  const rt = await startRuntime(backend, { sharedHeap: shared, maxProcesses: c.holders + 64 });
  try {
    const build = new PauseLog(), worker = new PauseLog(), churn = new PauseLog();
    let phase = build;
    let watched: bigint | null = null;   // worker phase on per-process heaps: the worker's pid
    let workerTerm: bigint | null = null;
    rt.onGc((e) => {
      if (watched !== null && e.pid !== null && e.pid.term !== watched) { phase.others++; return; }
      phase.add(e);
    });
    const tr: { pid: bigint; code: number; value: bigint }[] = [];
    let ready = 0, readyWords = 0, done = 0;
    rt.onTrace((e) => {
      if (e.code === Trace.READY) { ready++; readyWords += Number(e.value); }
      else if (e.code === Trace.DONE && e.pid.term !== workerTerm) done++;
      else tr.push({ pid: e.pid.term, code: e.code, value: e.value });
    });

    const pids = Array.from({ length: c.holders }, () => rt.spawn("gc_holder", c.holdLen));
    let t = stopwatch();
    let out = await rt.run();
    const buildMs = t() / 1e6;
    check(out === "waiting" && ready === c.holders, `${label}: ${ready} of ${c.holders} holders ready, run ended '${out}'`);
    const heldBytes = rt.stats().heapBytes;

    phase = worker;
    const w = rt.spawn("gc_worker", c.workLen);
    workerTerm = w.term;
    watched = shared ? null : w.term;
    t = stopwatch();
    out = await rt.run();
    const workerMs = t() / 1e6;
    const wpid = w.term;
    watched = null;
    check(out === "waiting" && !rt.isAlive(w), `${label}: the worker did not finish (run ended '${out}')`);
    const fullSweepNs = traced(tr, wpid, Trace.PAUSE, `${label} worker`);
    const heapAfter = traced(tr, wpid, Trace.DONE, `${label} worker`);
    check(fullSweepNs > 0 && heapAfter >= 2 * c.workLen, `${label}: worker full sweep ${fullSweepNs} ns, heap ${heapAfter} words after`);
    check(rt.stats().alive === c.holders, `${label}: ${rt.stats().alive} alive after the worker, expected the ${c.holders} holders`);

    phase = churn;
    for (const p of pids) check(rt.wake(p), `${label}: a holder was not waiting when woken`);
    t = stopwatch();
    out = await rt.run();
    const churnMs = t() / 1e6;
    check(out === "waiting" && done === c.holders, `${label}: ${done} of ${c.holders} holders finished churning, run ended '${out}'`);
    for (const [n, l] of [["build", build], ["worker", worker], ["churn", churn]] as const) checkHeapKind(`${label} ${n}`, shared, l);
    check(churn.minor.n > 0, `${label}: no collection while the holders churned`);
    check(worker.others === 0, `${label}: ${worker.others} collections of other processes while only the worker ran`);
    return {
      buildMs, heldBytes, readyHeapWords: readyWords, build: phaseStats(build),
      worker: { ...phaseStats(worker), wallMs: workerMs, fullSweepUs: fullSweepNs / 1000, heapWordsAfter: heapAfter },
      churn: { ...phaseStats(churn), wallMs: churnMs },
      raw: { worker: worker.all(), churn: churn.all() },
    };
  } finally {
    rt.stop();
    collect();   // let V8 free this runtime's memory before the next one grows its own
  }
}

async function workerAloneRun(backend: Backend, shared: boolean, c: Config): Promise<WorkerRun> {
  const label = `${backend}${shared ? " shared" : ""} worker alone`;
  const rt = await startRuntime(backend, { sharedHeap: shared, maxProcesses: 64 });
  try {
    const log = new PauseLog();
    rt.onGc((e) => log.add(e));
    const tr: { pid: bigint; code: number; value: bigint }[] = [];
    rt.onTrace((e) => tr.push({ pid: e.pid.term, code: e.code, value: e.value }));
    const w = rt.spawn("gc_worker", c.workLen);
    const t = stopwatch();
    const out = await rt.run();
    const wallMs = t() / 1e6;
    check(out === "idle", `${label}: run ended '${out}', expected 'idle'`);
    const fullSweepNs = traced(tr, w.term, Trace.PAUSE, label);
    const heapAfter = traced(tr, w.term, Trace.DONE, label);
    check(fullSweepNs > 0 && heapAfter >= 2 * c.workLen, `${label}: full sweep ${fullSweepNs} ns, heap ${heapAfter} words after`);
    checkHeapKind(label, shared, log);
    const st = phaseStats(log);
    // what it allocates: the first list, then `iters` more, of workLen cells (2 words) each
    const MB = ((c.iters + 1) * c.workLen * 16) / 1e6;
    return {
      ...st, wallMs, fullSweepUs: fullSweepNs / 1000, heapWordsAfter: heapAfter,
      allocMBps: MB / (wallMs / 1000), mutatorMBps: MB / ((wallMs - st.all.sumMs) / 1000), raw: log.all(),
    };
  } finally {
    rt.stop();
    collect();   // let V8 free this runtime's memory before the next one grows its own
  }
}

async function singleRun(backend: Backend, shared: boolean, c: Config): Promise<SingleRun> {
  const label = `${backend}${shared ? " shared" : ""} single`;
  const rt = await startRuntime(backend, { sharedHeap: shared, maxProcesses: 64 });
  try {
    const build = new PauseLog(), churn = new PauseLog();
    let phase = build;
    rt.onGc((e) => phase.add(e));
    const tr: { pid: bigint; code: number; value: bigint }[] = [];
    rt.onTrace((e) => tr.push({ pid: e.pid.term, code: e.code, value: e.value }));
    const p = rt.spawn("gc_single", c.lists);
    let out = await rt.run();
    check(out === "waiting", `${label}: build ended '${out}', expected 'waiting'`);
    const buildNs = traced(tr, p.term, Trace.READY, label);
    const info = rt.heapInfo(p);
    check(!!info && info.usedWords >= c.lists * c.holdLen * 2,
      `${label}: ${info?.usedWords} words used after building ${c.lists} x ${c.holdLen} cells`);
    phase = churn;
    check(rt.wake(p), `${label}: not waiting when woken`);
    const t = stopwatch();
    out = await rt.run();
    const wallMs = t() / 1e6;
    check(out === "idle", `${label}: churn ended '${out}', expected 'idle'`);
    const fullSweepNs = traced(tr, p.term, Trace.PAUSE, label);
    const heapAfter = traced(tr, p.term, Trace.DONE, label);
    check(fullSweepNs > 0 && heapAfter >= c.lists * c.holdLen * 2, `${label}: full sweep ${fullSweepNs} ns, heap ${heapAfter} words`);
    checkHeapKind(`${label} build`, shared, build);
    checkHeapKind(`${label} churn`, shared, churn);
    return {
      buildMs: buildNs / 1e6, heapWords: info!.heapWords, usedWords: info!.usedWords, build: phaseStats(build),
      churn: { ...phaseStats(churn), wallMs, fullSweepUs: fullSweepNs / 1000, heapWordsAfter: heapAfter },
    };
  } finally {
    rt.stop();
    collect();   // let V8 free this runtime's memory before the next one grows its own
  }
}

/** A term-machine program (assembly/programs_gc.ts): `ops` GARBAGE ops of `words` words each. */
function garbageProgram(ops: number, words: number): Uint8Array {
  const b = new Uint8Array(4 + ops * 5);
  const v = new DataView(b.buffer);
  v.setUint32(0, 1, true);                 // stack size (slots)
  for (let i = 0; i < ops; i++) {
    b[4 + i * 5] = 0x10;                   // GARBAGE u32 words: dead cons cells, one allocWords(2) each
    v.setUint32(4 + i * 5 + 1, words, true);
  }
  return b;
}

/** MB/s of allocation on the fast path: GARBAGE ops, timed from spawn to idle (no pause reports: they cost a host call each). */
async function allocRun(backend: Backend, minHeapWords: number, c: Config): Promise<AllocRun> {
  const label = `${backend} alloc (min heap ${minHeapWords} words)`;
  const words = c.allocOps * c.allocWords;
  const timed = async (count: boolean) => {
    const rt = await startRuntime(backend, { minHeapWords, maxProcesses: 64 });
    try {
      let gcs = 0;
      if (count) rt.onGc(() => { gcs++; });
      let doneFrom: bigint | null = null;
      rt.onTrace((e) => { if (e.code === Trace.DONE) doneFrom = e.pid.term; });
      const id = rt.loadMachine(garbageProgram(c.allocOps, c.allocWords));
      const p = rt.spawn("term_machine", id);
      const t = stopwatch();
      const out = await rt.run();
      const ms = t() / 1e6;
      check(out === "idle" && doneFrom === p.term, `${label}: the program did not finish (run ended '${out}')`);
      return { ms, gcs };
    } finally {
      rt.stop();
    }
  };
  const { ms } = await timed(false);
  const { gcs } = await timed(true);       // a second run, with reports on, only to count the collections
  const MB = (words * 8) / 1e6;
  return { minHeapWords, words, ms, MBps: MB / (ms / 1000), collections: gcs, collectionsPerMB: gcs / MB };
}

// ---- the suite ------------------------------------------------------------------------------

type Collector = "perProcess" | "shared";
const COLLECTORS: Collector[] = ["perProcess", "shared"];
const cname = (k: Collector) => (k === "shared" ? "shared heap" : "per-process");

interface BackendResult {
  holders: Partial<Record<Collector, HoldersRun[]>>;
  alone: Partial<Record<Collector, WorkerRun[]>>;
  single: Partial<Record<Collector, SingleRun[]>>;
  alloc: AllocRun[];
}

export async function run(o: Options): Promise<SuiteResult> {
  const c: Config = o.smoke
    ? { holders: 30, holdLen: 640, workLen: 3277, lists: 20, iters: 200, allocWords: 100_000, allocOps: 10, bigMinHeap: 1 << 20,
      reps: 1, sharedReps: 1, fxReps: 1, fxSharedHolders: true, beamReps: 0 }
    : { holders: 1000, holdLen: 6400, workLen: 65536, lists: 1000, iters: 200, allocWords: 1_000_000, allocOps: 100, bigMinHeap: 1 << 20,
      reps: 3, sharedReps: 1, fxReps: 1, fxSharedHolders: false, beamReps: 3 };
  const smokeScaled = o.smoke;
  const useBeam = o.beam && !o.smoke && beamAvailable();
  const list = backends();
  console.log(`gc: ${int(c.holders)} holders x ${int(c.holdLen)} cells, worker ${int(c.workLen)} cells x ${c.iters}, single ${int(c.lists)} x ${int(c.holdLen)} cells; ` +
    `${c.reps} reps per-process on ${DEFAULT_BACKEND}, ${c.sharedReps} of the shared heap, ${c.fxReps} on fx` +
    (c.fxSharedHolders ? "" : " (fx: no shared-heap holders run: each holder's explicit full sweep sweeps the whole shared heap, ~1 min)"));

  const res: Partial<Record<Backend, BackendResult>> = {};
  const beamRuns: { per_process: BeamRun[]; worker_alone: BeamRun[]; single: BeamRun[] } = { per_process: [], worker_alone: [], single: [] };
  const logHolders = (b: Backend, k: Collector, r: HoldersRun) => console.log(
    `  ${b} ${cname(k)}: holders built in ${num(r.buildMs)} ms (${num(r.heldBytes / 1e6)} MB held); worker minor median ${num(r.worker.minor.median)} us, ` +
    `full sweep ${num(r.worker.fullSweepUs)} us; churn ${int(r.churn.all.count)} collections, minor median ${num(r.churn.minor.median)} us, ` +
    `p99 ${num(r.churn.all.p99)} us, max ${num(r.churn.all.max)} us (${num(r.churn.wallMs)} ms)`);

  const jitter: ClockGaps[] = [];
  const probe = () => {
    const j = clockGaps(o.smoke ? 100 : 1000);
    jitter.push(j);
    console.log(`  host clock probe: off CPU ${num(j.offCpuPct)}% of ${j.probeMs} ms, ${j.gaps} gaps > 0.5 ms (median ${num(j.medianGapMs)} ms, max ${num(j.maxGapMs)} ms)`);
  };
  const reps = Math.max(c.reps, c.sharedReps, c.fxReps);
  for (let rep = 0; rep < reps; rep++) {
    probe();
    for (const backend of list) {
      const nReps = backend === DEFAULT_BACKEND ? c.reps : c.fxReps;
      const r = (res[backend] ??= { holders: {}, alone: {}, single: {}, alloc: [] });
      for (const k of COLLECTORS) {
        const kReps = k === "shared" ? Math.min(c.sharedReps, nReps) : nReps;
        if (rep >= kReps) continue;
        const shared = k === "shared";
        if (!(shared && backend !== DEFAULT_BACKEND && !c.fxSharedHolders)) {
          const h = await holdersRun(backend, shared, c);
          logHolders(backend, k, h);
          (r.holders[k] ??= []).push(h);
        }
        const a = await workerAloneRun(backend, shared, c);
        console.log(`  ${backend} ${cname(k)}: worker alone minor median ${num(a.minor.median)} us, full sweep ${num(a.fullSweepUs)} us, ${num(a.allocMBps)} MB/s allocated`);
        (r.alone[k] ??= []).push(a);
        const s = await singleRun(backend, shared, c);
        console.log(`  ${backend} ${cname(k)}: single built in ${num(s.buildMs)} ms, full sweep ${num(s.churn.fullSweepUs / 1000)} ms`);
        (r.single[k] ??= []).push(s);
      }
      if (rep < nReps) {
        for (const minHeap of [DEFAULT_MIN_HEAP_WORDS, c.bigMinHeap]) {
          const a = await allocRun(backend, minHeap, c);
          r.alloc.push(a);
          console.log(`  ${backend} alloc, min heap ${int(minHeap)} words: ${num(a.MBps)} MB/s, ${num(a.collectionsPerMB)} collections/MB`);
        }
      }
    }
    if (useBeam && rep < c.beamReps) {
      for (const mode of ["per_process", "worker_alone", "single"] as const) {
        const b = runBeam(["+S", "1:1"], "gc_bench", [mode]);
        beamRuns[mode].push(b);
        console.log(`  BEAM gc_bench ${mode} (rep ${rep + 1}): ${(b.wallMs / 1000).toFixed(1)} s`);
      }
    }
  }

  probe();

  // ---- figures: medians over reps
  const medOf = <T>(xs: T[] | undefined, f: (x: T) => number) => (xs && xs.length ? median(xs.map(f)) : NaN);
  const beamMed = (mode: keyof typeof beamRuns, metric: string) =>
    beamRuns[mode].length ? median(beamRuns[mode].map((r) => r.metrics[metric]?.value ?? NaN).filter(Number.isFinite)) : NaN;
  const D = DEFAULT_BACKEND;
  const def = res[D]!;

  // 1. 100 KB processes churning
  const rows1: string[][] = [];
  for (const b of list) for (const k of COLLECTORS) {
    const h = res[b]?.holders[k];
    if (!h?.length) continue;
    rows1.push([`${b} ${cname(k)}${h.length > 1 ? ` (${h.length} runs)` : ""}`, num(medOf(h, (x) => x.heldBytes / 1e6)),
      int(medOf(h, (x) => x.churn.minor.count)), num(medOf(h, (x) => x.churn.minor.median)), num(medOf(h, (x) => x.churn.minor.p99)),
      num(medOf(h, (x) => x.churn.minor.max)), int(medOf(h, (x) => x.churn.major.count)), num(medOf(h, (x) => x.churn.major.median)),
      num(medOf(h, (x) => x.churn.all.p99)), num(medOf(h, (x) => x.churn.all.max)), num(medOf(h, (x) => x.churn.all.sumMs)), num(medOf(h, (x) => x.churn.wallMs))]);
  }
  if (beamRuns.per_process.length) {
    const m = (s: string) => beamMed("per_process", `gc.per_process.holders_100KB.${s}`);
    rows1.push([`BEAM +S 1:1 (${beamRuns.per_process.length} VMs)`, num(beamMed("per_process", "gc.per_process.holders_total_heap")),
      int(m("minor.count")), num(m("minor.median")), num(m("minor.p99")), num(m("minor.max")), int(m("major.count") || 0), num(m("major.median")),
      "", "", "", ""]);
  }
  table(`gc: ${int(c.holders)} processes x ${int(c.holdLen * 16 / 1000)} KB live, each churning 100 x 640-cell lists; pauses in us, medians over runs`,
    ["collector", "held MB", "minors", "minor med", "minor p99", "minor max", "majors", "major med", "all p99", "all max", "sum ms", "wall ms"], rows1);

  // 2. the 1 MB worker beside 140 MB, and alone
  const rows2: string[][] = [];
  const wrow = (name: string, xs: PhaseStats[] | undefined, sweep: number) => {
    if (!xs?.length) return;
    rows2.push([name, int(medOf(xs, (x) => x.minor.count)), num(medOf(xs, (x) => x.minor.median)), num(medOf(xs, (x) => x.minor.p99)),
      num(medOf(xs, (x) => x.minor.max)), int(medOf(xs, (x) => x.major.count)), num(medOf(xs, (x) => x.major.median)),
      num(medOf(xs, (x) => x.major.p99)), num(medOf(xs, (x) => x.major.max)), num(sweep)]);
  };
  for (const b of list) for (const k of COLLECTORS) {
    const h = res[b]?.holders[k], a = res[b]?.alone[k];
    wrow(`${b} ${cname(k)}, with holders`, h?.map((x) => x.worker), medOf(h, (x) => x.worker.fullSweepUs));
    wrow(`${b} ${cname(k)}, alone`, a, medOf(a, (x) => x.fullSweepUs));
  }
  for (const [mode, prefix, name] of [["per_process", "gc.per_process.worker_1MB", "BEAM, with holders"], ["worker_alone", "gc.worker_alone_1MB", "BEAM, alone"]] as const) {
    if (!beamRuns[mode].length) continue;
    const m = (s: string) => beamMed(mode, `${prefix}.${s}`);
    rows2.push([name, int(m("minor.count")), num(m("minor.median")), num(m("minor.p99")), num(m("minor.max")), int(m("major.count")),
      num(m("major.median")), num(m("major.p99")), num(m("major.max")), num(m("explicit_full_sweep"))]);
  }
  table(`gc: one process with ${num(c.workLen * 16 / 1e6)} MB live churning, beside ${int(c.holders)} holders or alone; us, medians over runs`,
    ["worker", "minors", "minor med", "minor p99", "minor max", "majors", "major med", "major p99", "major max", "full sweep"], rows2);

  // 3. one process holding 100 MB
  const rows3: string[][] = [];
  for (const b of list) for (const k of COLLECTORS) {
    const s = res[b]?.single[k];
    if (!s?.length) continue;
    rows3.push([`${b} ${cname(k)}`, num(medOf(s, (x) => x.usedWords * 8 / 1e6)), num(medOf(s, (x) => x.buildMs)),
      num(medOf(s, (x) => x.build.all.max / 1000)), num(medOf(s, (x) => x.churn.minor.median / 1000)), num(medOf(s, (x) => x.churn.minor.max / 1000)),
      num(medOf(s, (x) => x.churn.major.max / 1000)), num(medOf(s, (x) => x.churn.fullSweepUs / 1000))]);
  }
  if (beamRuns.single.length) {
    const m = (s: string) => beamMed("single", `gc.single_100MB.${s}`);
    rows3.push([`BEAM +S 1:1 (${beamRuns.single.length} VMs)`, num(m("total_heap")), num(m("build_time")),
      num(Math.max(m("build.minor.max"), m("build.major.max")) / 1000), num(m("churn.minor.median") / 1000), num(m("churn.minor.max") / 1000),
      num(m("churn.major.max") / 1000), num(m("explicit_full_sweep") / 1000)]);
  }
  table(`gc: one process holding ${int(c.lists)} x ${int(c.holdLen)} cells; ms, medians over runs`,
    ["collector", "live MB (BEAM: heap)", "build ms", "build max pause", "churn minor med", "churn minor max", "churn major max", "full sweep"], rows3);

  // 4. allocation throughput
  const rows4: string[][] = [];
  for (const b of list) {
    const r = res[b]!;
    for (const mh of [DEFAULT_MIN_HEAP_WORDS, c.bigMinHeap]) {
      const xs = r.alloc.filter((a) => a.minHeapWords === mh);
      rows4.push([`${b}: GARBAGE ops, min heap ${int(mh)} words`, num(medOf(xs, (x) => x.MBps)), num(medOf(xs, (x) => x.collectionsPerMB)), int(medOf(xs, (x) => x.words * 8 / 1e6))]);
    }
    const a = r.alone.perProcess;
    rows4.push([`${b}: gc_worker (1 MB live), whole run`, num(medOf(a, (x) => x.allocMBps)), "", int(((c.iters + 1) * c.workLen * 16) / 1e6)]);
    rows4.push([`${b}: gc_worker, minus its pauses`, num(medOf(a, (x) => x.mutatorMBps)), "", ""]);
  }
  table("gc: allocation throughput (MB/s allocated; medians over runs)", ["workload", "MB/s", "collections/MB", "MB allocated"], rows4);

  // ---- ratios and targets
  const ppH = def.holders.perProcess, shH = def.holders.shared;
  const ppMinorMed = medOf(ppH, (x) => x.churn.minor.median);
  const beamMinorMed = beamMed("per_process", "gc.per_process.holders_100KB.minor.median");
  const withMinor = medOf(ppH, (x) => x.worker.minor.median), aloneMinor = medOf(def.alone.perProcess, (x) => x.minor.median);
  const withSweep = medOf(ppH, (x) => x.worker.fullSweepUs), aloneSweep = medOf(def.alone.perProcess, (x) => x.fullSweepUs);
  const ppP99 = medOf(ppH, (x) => x.churn.all.p99), shP99 = medOf(shH, (x) => x.churn.all.p99);
  const ratioRows: string[][] = [];
  const rr = (what: string, a: number, b: number) => ratioRows.push([what, num(a), num(b), ratio(a / b)]);
  for (const b of list) {
    const r = res[b]!;
    const h = r.holders.perProcess, s = r.holders.shared;
    if (beamRuns.per_process.length) {
      rr(`${b} per-process vs BEAM: 100 KB churn, minor median (us)`, medOf(h, (x) => x.churn.minor.median), beamMinorMed);
      rr(`${b} per-process vs BEAM: 100 KB churn, minor p99 (us)`, medOf(h, (x) => x.churn.minor.p99), beamMed("per_process", "gc.per_process.holders_100KB.minor.p99"));
      rr(`${b} per-process vs BEAM: 1 MB worker with holders, minor median (us)`, medOf(h, (x) => x.worker.minor.median), beamMed("per_process", "gc.per_process.worker_1MB.minor.median"));
      rr(`${b} per-process vs BEAM: 1 MB worker, explicit full sweep (us)`, medOf(h, (x) => x.worker.fullSweepUs), beamMed("per_process", "gc.per_process.worker_1MB.explicit_full_sweep"));
      rr(`${b} per-process vs BEAM: 100 MB process, explicit full sweep (us)`, medOf(r.single.perProcess, (x) => x.churn.fullSweepUs), beamMed("single", "gc.single_100MB.explicit_full_sweep"));
    }
    if (s?.length) {
      rr(`${b} per-process vs shared: 100 KB churn, all pauses p99 (us)`, medOf(h, (x) => x.churn.all.p99), medOf(s, (x) => x.churn.all.p99));
      rr(`${b} per-process vs shared: 100 KB churn, minor median (us)`, medOf(h, (x) => x.churn.minor.median), medOf(s, (x) => x.churn.minor.median));
      rr(`${b} per-process vs shared: 100 KB churn, max (us)`, medOf(h, (x) => x.churn.all.max), medOf(s, (x) => x.churn.all.max));
      rr(`${b} per-process vs shared: 1 MB worker with holders, all p99 (us)`, medOf(h, (x) => x.worker.all.p99), medOf(s, (x) => x.worker.all.p99));
      rr(`${b} per-process vs shared: 1 MB worker with holders, full sweep (us)`, medOf(h, (x) => x.worker.fullSweepUs), medOf(s, (x) => x.worker.fullSweepUs));
    }
    rr(`${b} per-process, worker with holders vs alone: minor median (us)`, medOf(h, (x) => x.worker.minor.median), medOf(r.alone.perProcess, (x) => x.minor.median));
    rr(`${b} per-process, worker with holders vs alone: major median (us)`, medOf(h, (x) => x.worker.major.median), medOf(r.alone.perProcess, (x) => x.major.median));
    rr(`${b} per-process, worker with holders vs alone: full sweep (us)`, medOf(h, (x) => x.worker.fullSweepUs), medOf(r.alone.perProcess, (x) => x.fullSweepUs));
  }
  if (beamRuns.per_process.length && beamRuns.worker_alone.length) {
    rr("BEAM, worker with holders vs alone: minor median (us)", beamMed("per_process", "gc.per_process.worker_1MB.minor.median"), beamMed("worker_alone", "gc.worker_alone_1MB.minor.median"));
    rr("BEAM, worker with holders vs alone: full sweep (us)", beamMed("per_process", "gc.per_process.worker_1MB.explicit_full_sweep"), beamMed("worker_alone", "gc.worker_alone_1MB.explicit_full_sweep"));
  }
  table("gc: ratios (medians over runs)", ["comparison", "first", "second", "first/second"], ratioRows);

  const targets: Target[] = [
    target("gc", `${D} per-process: median minor pause of ${int(c.holdLen * 16 / 1000)} KB processes <= BEAM's`, ppMinorMed, useBeam ? beamMinorMed : null,
      useBeam ? "BEAM +S 1:1, this run (includes its ~1-2 us trace floor)" : "BEAM not run", "us", 1),
    target("gc", `${D} per-process: ${num(c.workLen * 16 / 1e6)} MB worker's minor median, beside ${int(c.holders)} holders / alone <= 1.1x`, withMinor, aloneMinor,
      "the same worker alone", "us", 1.1),
    target("gc", `${D} per-process: ${num(c.workLen * 16 / 1e6)} MB worker's explicit full sweep, beside holders / alone <= 1.1x`, withSweep, aloneSweep,
      "the same worker alone", "us", 1.1),
    target("gc", `${D}: p99 pause, ${int(c.holders)} x ${int(c.holdLen * 16 / 1000)} KB churning: per-process <= 0.1x the shared heap's`, ppP99, shP99,
      "shared-heap baseline", "us", 0.1),
  ];
  printTargets("gc targets", targets);

  // ---- the chart: pause distributions, our runs pooled over reps
  const pool = (xs: Float64Array[]) => {
    const n = xs.reduce((s, x) => s + x.length, 0);
    const a = new Float64Array(n);
    let at = 0;
    for (const x of xs) { a.set(x, at); at += x.length; }
    return a.sort();
  };
  const panels: Panel[] = [];
  const holdSeries: Panel["series"] = [];
  const workSeries: Panel["series"] = [];
  for (const b of list) for (const k of COLLECTORS) {
    const h = res[b]?.holders[k];
    const tag = `${b === D ? "" : `${b}, `}${cname(k)}`;
    const color = k === "shared" ? (b === D ? "#d62728" : "#ff9896") : (b === D ? "#1f77b4" : "#9ecae1");
    if (h?.length) {
      const s = pool(h.map((x) => x.raw!.churn));
      holdSeries.push({ label: tag, count: s.length, points: ccdfPoints(s), color, dashed: b !== D });
    }
    if (b !== D) continue;
    if (h?.length) {
      const s = pool(h.map((x) => x.raw!.worker));
      workSeries.push({ label: `${tag}, beside ${int(c.holders)} holders`, count: s.length, points: ccdfPoints(s), color });
    }
    const a = res[b]?.alone[k];
    if (a?.length) {
      const s = pool(a.map((x) => x.raw!));
      workSeries.push({ label: `${tag}, alone`, count: s.length, points: ccdfPoints(s), color: k === "shared" ? "#ff7f0e" : "#2ca02c", dashed: true });
    }
  }
  const holdMarkers: Panel["markers"] = [], workMarkers: Panel["markers"] = [];
  if (beamRuns.per_process.length) {
    const m = (s: string) => beamMed("per_process", s);
    holdMarkers.push({ label: "BEAM +S 1:1, minor", count: m("gc.per_process.holders_100KB.minor.count"),
      medianUs: m("gc.per_process.holders_100KB.minor.median"), p99Us: m("gc.per_process.holders_100KB.minor.p99"), maxUs: m("gc.per_process.holders_100KB.minor.max") });
    workMarkers.push({ label: "BEAM +S 1:1 beside holders, minor", count: m("gc.per_process.worker_1MB.minor.count"),
      medianUs: m("gc.per_process.worker_1MB.minor.median"), p99Us: m("gc.per_process.worker_1MB.minor.p99"), maxUs: m("gc.per_process.worker_1MB.minor.max") });
  }
  const heldMB = medOf(ppH, (x) => x.heldBytes / 1e6);
  panels.push({ title: `${int(c.holders)} processes x ${int(c.holdLen * 16 / 1000)} KB live, all churning`,
    subtitle: `every collection while they churn; ${num(heldMB)} MB held in all (per-process heaps)`, series: holdSeries, markers: holdMarkers });
  panels.push({ title: `one process with ${num(c.workLen * 16 / 1e6)} MB live, churning`,
    subtitle: `beside ${int(c.holders)} idle holders (${num(heldMB)} MB) or alone`, series: workSeries, markers: workMarkers });
  const chart = {
    title: `GC pauses: per-process heaps vs one shared heap${beamRuns.per_process.length ? " vs BEAM" : ""}`,
    note: `Shoal, ${D} backend unless named, ${new Date().toISOString().slice(0, 10)}; lines: every pause of our runs (pooled over runs); ` +
      `diamonds: BEAM's summary stats. bench/gc.ts${smokeScaled ? " (smoke scale)" : ""}.`,
    panels,
  };

  // ---- the result file (raw pause arrays stay out of it: the chart section keeps their shape)
  const strip = (r: BackendResult) => ({
    holders: Object.fromEntries(Object.entries(r.holders).map(([k, xs]) => [k, xs!.map(({ raw, ...x }) => x)])),
    alone: Object.fromEntries(Object.entries(r.alone).map(([k, xs]) => [k, xs!.map(({ raw, ...x }) => x)])),
    single: r.single,
    alloc: r.alloc,
  });
  const file = writeResult(o, "gc", {
    config: { ...c, pauseSource: "rt.onGc: performance.now() around each collection, in us", percentiles: "nearest rank, as gc_bench.erl" },
    backends: Object.fromEntries(list.map((b) => [b, strip(res[b]!)])),
    hostClockGaps: jitter,
    ratios: ratioRows.map(([what, a, b, r]) => ({ what, first: a, second: b, ratio: r })),
    beam: beamRuns.per_process.length
      ? { version: beamVersion(), source: beamSource("gc_bench"), flags: "+S 1:1", runs: beamRuns,
        medians: Object.fromEntries((["per_process", "worker_alone", "single"] as const).map((m) => [m,
          Object.fromEntries(Object.keys(beamRuns[m][0]?.metrics ?? {}).map((k) => [k, beamMed(m, k)]))])) }
      : { skipped: true, reason: o.smoke ? "--smoke" : !o.beam ? "--no-beam" : "erl not on PATH" },
    targets,
    chart,
  });
  const svg = chartFromResult({ chart });
  const svgFile = o.smoke ? path.join(resultsDir(o), "gc-pauses.svg") : path.join(ROOT, "docs", "gc-pauses.svg");
  fs.mkdirSync(path.dirname(svgFile), { recursive: true });
  fs.writeFileSync(svgFile, svg);
  console.log(`wrote ${path.relative(ROOT, svgFile)}`);
  return { name: "gc", targets, file };
}
