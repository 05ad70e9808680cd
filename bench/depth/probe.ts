// How deep a process can recurse with native Wasm calls, in one execution
// context (a fresh Node, a worker thread): for bench/depth.ts, which runs it
// in each context it compares (a main thread with its flags, a Worker with
// its resourceLimits.stackSizeMb).
//
//   node --experimental-wasm-wasmfx [flags] dist/bench/depth/probe.js '<ProbeArgs as JSON>'
//   new Worker(dist/bench/depth/probe.js, { workerData: { depthProbe: <ProbeArgs> }, resourceLimits })
//
// A probe process (bench/depth/depth.wat's depth:probe_plain, probe_frame)
// recurses until it dies, recording its depth in a module global at every
// level; a second process (depth:report) then reports that global. Each shape
// is probed twice:
//   - in one slice (sliceReductions 1e9): the native stack alone;
//   - in slices of 4000 reductions (the default), so the process is
//     preempted every 4000 levels on its way down. On Asyncify each such
//     yield unwinds the whole stack into the unwind area
//     (assembly/fiber/asyncify.wat's SCRATCH), and Asyncify checks the
//     area's end only after the unwind. The area was once a fixed 1 MiB, and
//     a Worker with a big stack wrote past it into the runtime's memory; it
//     is now as large as the thread's native stack, so it holds every level
//     the stack does. Those probes still run last, and a runtime that fails
//     in one is recorded, not fatal.
// On Asyncify it also measures the bytes the unwind saves per level (a
// process parked at two depths), which bound the depth a process can yield at.
// Reports each result as it has it (a line `PART_JSON {...}` from a child, a
// message from a worker), so what was measured survives a context that dies.

import * as fs from "node:fs";
import * as v8 from "node:v8";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { Runtime } from "../../host/index";
import type { Backend } from "../../host/backend";

export interface ProbeArgs {
  /** Linked program files per backend (bench/depth.ts links them with `shoal link`). */
  modules: Partial<Record<Backend, string>>;
  /** Also park this many processes on fx and report the memory their stacks take. */
  park?: number;
  /** V8 flags to set with v8.setFlagsFromString before any runtime starts. */
  setFlags?: string[];
  /** A smoke run: no pause for V8 to finish tiering up before the warm probes. */
  quick?: boolean;
}

export type Shape = "plain" | "frame";
export type Mode = "oneSlice" | "sliced";

export interface Probe {
  /** Deepest level reached before the process died (or the limit, if it did not); NaN if the runtime failed. */
  deepest: number;
  /** How it ended: stack_overflow (...), trap (...), normal, or "runtime failed: ..." (the runtime itself threw). */
  exit: string;
}

export type ProbePart =
  /** runs: in one slice the first (as first compiled), then two after a warm-up; sliced one after a warm-up */
  | { kind: "depth"; backend: Backend; shape: Shape; mode: Mode; runs: Probe[] }
  | { kind: "saved"; backend: Backend; shape: Shape; bytesPerLevel: number; depths: [number, number]; bytes: [number, number] }
  | { kind: "park"; n: number; vmKBPerProcess: number; rssKBPerProcess: number; deep: { depth: number; rssKBKept: number } }
  | { kind: "done" };

/** depth.wat's entries, spawned by name. */
export const ENTRY = {
  body_plain: "depth:body_plain", body_frame: "depth:body_frame", probe_plain: "depth:probe_plain", probe_frame: "depth:probe_frame",
  report: "depth:report", tail_loop: "depth:tail_loop", tramp: "depth:tramp", frames_tramp: "depth:frames_tramp",
  frames_switch: "depth:frames_switch", park: "depth:park", park_plain: "depth:park_plain", park_frame: "depth:park_frame",
} as const;
/** tail.wat's entries (linked on fx only). */
export const TAIL_ENTRY = { rc_direct: "tail:rc_direct", rc_indirect: "tail:rc_indirect" } as const;
export type Entry = (typeof ENTRY)[keyof typeof ENTRY] | (typeof TAIL_ENTRY)[keyof typeof TAIL_ENTRY];

/** The argument depth.wat's entries take: n (< 2^28), reps (< 2^16), yields (< 2^11). */
export function entryArg(n: number, reps = 1, yields = 0): bigint {
  if (n >= 2 ** 28 || reps >= 2 ** 16 || yields >= 2 ** 11) throw new RangeError(`entry argument out of range: ${n}, ${reps}, ${yields}`);
  return BigInt(n) | (BigInt(reps) << 28n) | (BigInt(yields) << 44n);
}

/** A runtime of the linked depth program with an exit log; `run` runs one process to its end. */
export class DepthRuntime {
  private exits: string[] = [];
  /** What processes sent the host, each with the host time it arrived (ns: a send runs the listener at once). */
  private sent: { value: number; ns: bigint }[] = [];
  private constructor(readonly rt: Runtime) {
    rt.onExit((e) => { this.exits.push(e.text); });
    rt.onMessage((v) => { this.sent.push({ value: Number(v), ns: process.hrtime.bigint() }); });
  }
  static async start(backend: Backend, file: string, opts: { sliceReductions?: number; shadowStackBytes?: number } = {}): Promise<DepthRuntime> {
    const rt = await Runtime.start({ backend, program: file, shadowStackBytes: 1 << 30, ...opts });
    return new DepthRuntime(rt);
  }
  /**
   * Run `entry` with `arg` alone until it ends: its exit reason; if normal, the last value it sent,
   * and the ns between the messages 0 and 1 it sent around its yields, if it sent them.
   */
  async run(entry: Entry, arg: number | bigint): Promise<{ exit: string; value?: number; yieldsNs?: number }> {
    this.rt.spawn(entry, arg);
    await this.rt.run();
    const exit = this.exits.splice(0).join("; ");
    const sent = this.sent.splice(0);
    if (exit !== "normal") return { exit };
    const a = sent.find((m) => m.value === 0), b = sent.find((m) => m.value === 1);
    return { exit, value: sent[sent.length - 1]?.value, yieldsNs: a && b ? Number(b.ns - a.ns) : undefined };
  }
  stop(): void {
    try { this.rt.stop(); } catch { /* a runtime that failed */ }
  }
}

const LIMIT = 2 ** 28 - 1;

async function probeOnce(d: DepthRuntime, shape: Shape): Promise<Probe> {
  try {
    const r = await d.run(shape === "plain" ? ENTRY.probe_plain : ENTRY.probe_frame, LIMIT);
    const rep = await d.run(ENTRY.report, 0);
    return { deepest: r.exit === "normal" ? LIMIT : rep.value!, exit: r.exit };
  } catch (e) {
    return { deepest: NaN, exit: `runtime failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

async function probeDepth(backend: Backend, file: string, shape: Shape, mode: Mode, quick = false): Promise<ProbePart> {
  const d = await DepthRuntime.start(backend, file, { sliceReductions: mode === "sliced" ? 4000 : 1e9 });
  try {
    // in one slice, the first probe runs the code as V8 first compiled it (Liftoff, whose frames
    // are larger), the next two after it was warmed up and had time to tier up (TurboFan); sliced,
    // one warm probe (on Asyncify in a big Worker that is a minute of unwinds: each preemption on
    // the way down unwinds and rewinds every level)
    const runs = mode === "oneSlice" ? [await probeOnce(d, shape)] : [];
    if (runs.every((r) => Number.isFinite(r.deepest))) {
      for (let i = 0; i < 50; i++) await d.run(shape === "plain" ? ENTRY.probe_plain : ENTRY.probe_frame, entryArg(2000));
      if (!quick) await new Promise((r) => setTimeout(r, 200));
      runs.push(await probeOnce(d, shape));
      if (mode === "oneSlice") runs.push(await probeOnce(d, shape));
    }
    return { kind: "depth", backend, shape, mode, runs };
  } finally {
    d.stop();
  }
}

/** Asyncify: bytes an unwind saves per level, from one process parked at each of two depths (in one slice each, so it is unwound once). */
async function savedPerLevel(file: string, shape: Shape): Promise<ProbePart> {
  // (both depths in one power-of-two size of the shadow stack region: the difference is the saved frames alone)
  const depths: [number, number] = [5000, 8000];
  const bytes: number[] = [];
  for (const depth of depths) {
    const d = await DepthRuntime.start("asyncify", file, { sliceReductions: 1e9 });
    try {
      const pid = d.rt.spawn(shape === "plain" ? ENTRY.park_plain : ENTRY.park_frame, entryArg(depth));
      await d.rt.run();
      bytes.push(d.rt.processMemory(pid));
    } finally {
      d.stop();
    }
  }
  // the fiber keeps 1.5x what it saved (asyncify.wat: room to go a little deeper)
  return { kind: "saved", backend: "asyncify", shape, depths, bytes: bytes as [number, number], bytesPerLevel: (bytes[1] - bytes[0]) / 1.5 / (depths[1] - depths[0]) };
}

function vmKB(): { vm: number; rss: number } {
  const s = fs.readFileSync("/proc/self/status", "utf8");
  const g = (k: string) => Number((s.match(new RegExp(`^${k}:\\s+(\\d+)`, "m")) ?? [0, 0])[1]);
  return { vm: g("VmSize"), rss: g("VmRSS") };
}

/**
 * fx: the address space and memory n parked processes' stacks take; and the memory a stack keeps
 * after its process recursed `deep` levels and ended (the slot keeps its stack for its next process).
 */
async function parkFx(file: string, n: number, deep: number): Promise<ProbePart> {
  const d = await DepthRuntime.start("fx", file);
  try {
    await d.run(ENTRY.body_plain, entryArg(10));   // (the runtime's first stacks)
    const r0 = vmKB();
    const r = await d.run(ENTRY.body_plain, entryArg(deep));
    if (r.exit !== "normal") throw new Error(`fx: a recursion ${deep} deep ended ${r.exit}`);
    const r1 = vmKB();
    for (let i = 0; i < n; i++) d.rt.spawn(ENTRY.park, 0);
    await d.rt.run();
    const r2 = vmKB();
    return { kind: "park", n, vmKBPerProcess: (r2.vm - r1.vm) / n, rssKBPerProcess: (r2.rss - r1.rss) / n, deep: { depth: deep, rssKBKept: r1.rss - r0.rss } };
  } finally {
    d.stop();
  }
}

export async function probe(a: ProbeArgs, emit: (p: ProbePart) => void): Promise<void> {
  for (const f of a.setFlags ?? []) v8.setFlagsFromString(f);
  const shapes: Shape[] = ["plain", "frame"];
  const list = Object.entries(a.modules) as [Backend, string][];
  let fxDeepest = 0;
  for (const [backend, file] of list) {
    for (const shape of shapes) {
      const p = await probeDepth(backend, file, shape, "oneSlice", a.quick);
      if (p.kind === "depth" && backend === "fx" && shape === "plain") fxDeepest = Math.max(...p.runs.map((x) => x.deepest));
      emit(p);
    }
    if (backend === "asyncify") for (const shape of shapes) emit(await savedPerLevel(file, shape));
  }
  if (a.park && a.modules.fx) emit(await parkFx(a.modules.fx, a.park, Math.floor(fxDeepest * 0.8)));
  // last: on Asyncify these unwind the deepest stacks
  for (const [backend, file] of list) {
    for (const shape of shapes) emit(await probeDepth(backend, file, shape, "sliced", a.quick));
  }
  emit({ kind: "done" });
}

if (!isMainThread && workerData?.depthProbe) {
  probe(workerData.depthProbe as ProbeArgs, (p) => parentPort!.postMessage(p));
} else if (isMainThread && require.main === module) {
  probe(JSON.parse(process.argv[2]) as ProbeArgs, (p) => console.log(`PART_JSON ${JSON.stringify(p)}`)).catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
