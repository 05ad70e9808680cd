// depth: how deep a process may recurse on each backend, what sets it, and
// what each way of compiling calls costs (docs/depth.md draws the
// conclusions for a compiler).
//
// The programs are WAT modules written as a compiler would emit them
// (bench/depth/depth.wat on both backends, bench/depth/tail.wat's return_call
// on WasmFX only), their entries exports named depth:<name>/1 and
// tail:<name>/1, linked with the runtime by `shoal link`
// (bench/lib/programs.ts: cached under the OS temp dir, keyed by every
// input's bytes) and spawned by name; an asyncify link of tail.wat is a probe
// of the link step's refusal.
//
//   a. depth      the deepest body recursion with native calls (no root
//                 slots; a frame of 2 root slots per level), probed
//                 (bench/depth/probe.ts) in fresh execution contexts: Node's
//                 main thread with its defaults and with --stack-size, Workers
//                 with resourceLimits.stackSizeMb 4 (the default), 64, 256,
//                 and on WasmFX with --wasm-stack-switching-stack-size (alone,
//                 and with --stack-size, both set at run time),
//                 --experimental-wasm-growable-stacks; each in one slice (the
//                 native stack alone) and in slices of 4000 reductions; on
//                 Asyncify also the bytes an unwind saves per level (against
//                 the unwind area, as large as the thread's native stack and
//                 at least 1 MiB); on WasmFX the memory its stacks take
//   b. calls      ns per level of a body recursion (native; native with root
//                 slots; frames on the shadow stack through a trampoline or a
//                 br_table loop, 1,000 and 1,000,000 deep) and ns per tail
//                 call (a loop, a trampoline, return_call and
//                 return_call_indirect on WasmFX), in this process
//   c. yields     ns per yield (yield_now at the deepest level: suspend,
//                 reschedule, resume) at depth 10, 1,000 and near the
//                 deepest native recursion, timed between two messages the
//                 process sends the host around its yields (a send runs the
//                 host's listener at once): Asyncify unwinds and rewinds
//                 every frame
//
// Ratios are taken inside this run: each shape against the native body call
// on the same backend. Writes bench/results/depth.json.

import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { Backend } from "../host/backend";
import {
  Options, SuiteResult, backends, check, int, median, num, ratio, ROOT, stopwatch, table, writeResult,
} from "./lib/common";
import { DepthRuntime, ENTRY, TAIL_ENTRY, entryArg, type Entry, type Mode, type Probe, type ProbeArgs, type ProbePart, type Shape } from "./depth/probe";
import { linkPrograms, type LinkResult } from "./lib/programs";

// ---- the linked programs ------------------------------------------------------

interface Linked { modules: Partial<Record<Backend, string>>; refused: LinkResult[]; cached: boolean; seconds: number }

/** depth.wat (+ tail.wat on fx) linked for each backend this engine runs, and the asyncify link of tail.wat refused; from the cache when no input changed. */
async function linkModules(list: Backend[]): Promise<Linked> {
  const l = await linkPrograms("depth", path.join(ROOT, "bench", "depth"), ["depth", "tail"], [
    ...list.map((b) => ({ name: "depth", backend: b, modules: b === "fx" ? ["depth", "tail"] : ["depth"] })),
    { name: "tail", backend: "asyncify", modules: ["tail"], expectFailure: true },
  ]);
  const modules: Partial<Record<Backend, string>> = {};
  for (const r of l.results) if (r.file && r.name === "depth") modules[r.backend] = r.file;
  return { modules, refused: l.results.filter((r) => !r.file), cached: l.cached, seconds: l.linkSeconds };
}

// ---- a. depth, per execution context ---------------------------------------------

interface Context {
  id: string;
  label: string;
  kind: "child" | "worker";
  /** Node/V8 flags of the child (besides --experimental-wasm-wasmfx). */
  flags?: string[];
  /** V8 flags the probe sets with v8.setFlagsFromString before it starts a runtime. */
  setFlags?: string[];
  stackSizeMb?: number;
  only?: Backend;
  park?: number;
  /** The stack each backend's process runs on, in KB (for bytes per level). */
  stackKB: Partial<Record<Backend, number>>;
}

const V8_STACK_KB = 984;          // V8's --stack-size default: the main thread's limit
const FX_STACK_KB = 984;          // a continuation's: the smaller of --wasm-stack-switching-stack-size and --stack-size (both 984 by default)
const MAIN_STACK_SIZE_KB = 7000;  // under the main thread's 8 MiB (ulimit -s 8192): more segfaults instead of throwing

function contexts(smoke: boolean): Context[] {
  const park = smoke ? 100 : 1000;
  const big = ["--stack-size=65536", "--wasm-stack-switching-stack-size=65536"];
  const all: Context[] = [
    { id: "main", label: "main thread, Node's defaults", kind: "child", park, stackKB: { asyncify: V8_STACK_KB, fx: FX_STACK_KB } },
    { id: "main-stack-size", label: `main thread, --stack-size=${MAIN_STACK_SIZE_KB}`, kind: "child", flags: [`--stack-size=${MAIN_STACK_SIZE_KB}`], stackKB: { asyncify: MAIN_STACK_SIZE_KB, fx: FX_STACK_KB } },
    { id: "worker-4", label: "Worker, stackSizeMb 4 (default)", kind: "worker", stackSizeMb: 4, stackKB: { fx: FX_STACK_KB } },
    { id: "worker-64", label: "Worker, stackSizeMb 64", kind: "worker", stackSizeMb: 64, stackKB: { fx: FX_STACK_KB } },
    { id: "worker-256", label: "Worker, stackSizeMb 256", kind: "worker", stackSizeMb: 256, stackKB: { fx: FX_STACK_KB } },
    { id: "fx-wasm-flag", label: "main thread, --wasm-stack-switching-stack-size=65536", kind: "child", only: "fx", flags: ["--wasm-stack-switching-stack-size=65536"], stackKB: { fx: FX_STACK_KB } },
    { id: "fx-set-flags", label: "main thread, v8.setFlagsFromString(--stack-size, --wasm-stack-switching-stack-size =65536)", kind: "child", only: "fx", park, setFlags: big, stackKB: { fx: 65536 } },
    { id: "fx-growable", label: "main thread, --experimental-wasm-growable-stacks", kind: "child", only: "fx", flags: ["--experimental-wasm-growable-stacks"], stackKB: { fx: FX_STACK_KB } },
  ];
  return smoke ? all.filter((c) => c.id === "main" || c.id === "worker-64") : all;
}

const PROBE_JS = path.join(__dirname, "depth", "probe.js");
const PROBE_TIMEOUT_MS = 10 * 60_000;
/**
 * The Asyncify unwind area (assembly/fiber/asyncify.wat's SCRATCH: the most saved frames one unwind
 * may write) for a thread of `stackKB` native stack: as large as that stack, at least 1 MiB.
 */
const unwindArea = (stackKB: number) => Math.max(1 << 20, stackKB * 1024);

interface ContextResult { context: Context; parts: ProbePart[]; failure?: string }

/** Run the probe in context c; what it reported, and why it stopped early if it did. */
function probeIn(c: Context, args: ProbeArgs): Promise<ContextResult> {
  const parts: ProbePart[] = [];
  const finish = (failure?: string): ContextResult =>
    ({ context: c, parts, failure: failure ?? (parts.some((p) => p.kind === "done") ? undefined : "ended without finishing") });
  if (c.kind === "child") {
    const argv = ["--experimental-wasm-wasmfx", ...(c.flags ?? []), PROBE_JS, JSON.stringify(args)];
    const r = spawnSync(process.execPath, argv, { encoding: "utf8", timeout: PROBE_TIMEOUT_MS, maxBuffer: 16 << 20 });
    for (const l of (r.stdout ?? "").split("\n")) if (l.startsWith("PART_JSON ")) parts.push(JSON.parse(l.slice("PART_JSON ".length)));
    const failed = r.status !== 0 ? `${r.signal ? `signal ${r.signal}` : `exit status ${r.status}`}: ${(r.stderr ?? "").trim().split("\n").slice(-3).join(" | ")}` : undefined;
    return Promise.resolve(finish(failed));
  }
  return new Promise((resolve) => {
    const w = new Worker(PROBE_JS, { workerData: { depthProbe: args }, resourceLimits: { stackSizeMb: c.stackSizeMb } });
    let failure: string | undefined;
    const timer = setTimeout(() => { failure = "timed out"; void w.terminate(); }, PROBE_TIMEOUT_MS);
    w.on("message", (m: ProbePart) => parts.push(m));
    w.on("error", (e) => { failure = `worker error: ${e.message}`; });
    w.on("exit", () => { clearTimeout(timer); resolve(finish(failure)); });
  });
}

/** A context's probe of (backend, shape, mode): the deeper warm run (the first, cold, run if it is all there is), or undefined. */
function deepest(r: ContextResult | undefined, b: Backend, shape: Shape, mode: Mode, cold = false): Probe | undefined {
  const p = r?.parts.find((x) => x.kind === "depth" && x.backend === b && x.shape === shape && x.mode === mode);
  if (!p || p.kind !== "depth") return undefined;
  const runs = cold || p.runs.length === 1 ? p.runs.slice(0, 1) : p.runs.slice(1);
  return runs.reduce((a, x) => (x.deepest > a.deepest || !Number.isFinite(a.deepest) ? x : a));
}

function savedBytes(r: ContextResult | undefined, shape: Shape): number | undefined {
  const p = r?.parts.find((x) => x.kind === "saved" && x.shape === shape);
  return p && p.kind === "saved" ? p.bytesPerLevel : undefined;
}

// ---- b, c. timed runs in this process ----------------------------------------------

/** One process of entry k run to its end: ns, checked to end normally and send `expect`. */
async function timed(d: DepthRuntime, what: string, k: Entry, arg: bigint, expect: number): Promise<number> {
  const t = stopwatch();
  const r = await d.run(k, arg);
  const ns = t();
  check(r.exit === "normal", `${d.rt.backend} ${what}: ended ${r.exit}`);
  check(r.value === expect, `${d.rt.backend} ${what}: sent ${r.value}, expected ${expect}`);
  return ns;
}

interface CallShape {
  key: string;
  label: string;
  k: Entry;
  n: number;
  reps: number;
  /** Units (levels or tail calls) one run makes. */
  units: number;
  fxOnly?: boolean;
}

function callShapes(smoke: boolean): CallShape[] {
  const R = smoke ? 20 : 10_000;         // reps of a 1,000-deep recursion
  const N = smoke ? 100_000 : 100_000_000; // tail calls
  const D = smoke ? 10_000 : 1_000_000;  // deep explicit frames
  const DR = smoke ? 2 : 10;
  const body = (key: string, label: string, k: Entry, n = 1000, reps = R): CallShape => ({ key, label, k, n, reps, units: n * reps });
  const tail = (key: string, label: string, k: Entry, fxOnly = false): CallShape => ({ key, label, k, n: N, reps: 1, units: N, fxOnly });
  return [
    body("native", "body, native call", ENTRY.body_plain),
    body("nativeSlots", "body, native call + frame of 2 root slots", ENTRY.body_frame),
    body("framesTramp", "body, frames on the shadow stack, trampoline", ENTRY.frames_tramp),
    body("framesSwitch", "body, frames on the shadow stack, br_table loop", ENTRY.frames_switch),
    body("framesTrampDeep", `body, shadow-stack frames, trampoline, ${int(D)} deep`, ENTRY.frames_tramp, D, DR),
    body("framesSwitchDeep", `body, shadow-stack frames, br_table loop, ${int(D)} deep`, ENTRY.frames_switch, D, DR),
    tail("loop", "tail, self call as a loop", ENTRY.tail_loop),
    tail("tramp", "tail, trampoline (call_indirect per call)", ENTRY.tramp),
    tail("returnCall", "tail, return_call", TAIL_ENTRY.rc_direct, true),
    tail("returnCallIndirect", "tail, return_call_indirect", TAIL_ENTRY.rc_indirect, true),
  ];
}

interface YieldShape { key: string; label: string; k: Entry; depths: number[] }

// ---- the suite ---------------------------------------------------------------------

export async function run(o: Options): Promise<SuiteResult> {
  const reps = o.smoke ? 1 : 5;
  const Y = o.smoke ? 20 : 1000;   // yields per timed yield run (< 2^11)
  const list = backends();
  const t0 = stopwatch();
  const linked = await linkModules(list);
  console.log(`depth: linked bench/depth/*.wat for ${list.join(", ")} (${linked.cached ? "cached" : `${num(t0() / 1e9)} s`}); ${reps} reps`);
  for (const r of linked.refused) console.log(`  shoal link tail.wat --backend ${r.backend}: refused (status ${r.status}): ${r.message}`);
  const args: ProbeArgs = { modules: linked.modules, quick: o.smoke };

  // a. the deepest native recursion, per execution context
  const probes: Record<string, ContextResult> = {};
  for (const c of contexts(o.smoke)) {
    const modules = c.only ? { [c.only]: linked.modules[c.only] } : linked.modules;
    if (!Object.values(modules).some(Boolean)) continue;
    probes[c.id] = await probeIn(c, { ...args, modules, park: c.park, setFlags: c.setFlags });
    if (probes[c.id].failure) console.log(`  ${c.label}: the probe stopped early (${probes[c.id].failure})`);
  }
  const cell = (x: Probe | undefined) => !x ? "n/a" : !Number.isFinite(x.deepest) ? x.exit.replace(/^runtime failed: /, "runtime failed: ").slice(0, 40)
    : `${int(x.deepest)}${x.exit.startsWith("stack_overflow") ? "" : ` (${x.exit.replace(/ \(.*$/, "")})`}`;
  const levelBytes: Record<string, Partial<Record<Backend, Record<Shape, number>>>> = {};
  const depthRows: string[][] = [];
  for (const [id, r] of Object.entries(probes)) {
    for (const b of list) {
      if (!r.parts.some((p) => p.kind === "depth" && p.backend === b)) continue;
      const kb = r.context.stackKB[b] ?? (r.context.stackSizeMb ? r.context.stackSizeMb * 1024 : undefined);
      const per = (x: Probe | undefined) => (kb && x && Number.isFinite(x.deepest) ? (kb * 1024) / x.deepest : NaN);
      const one = { plain: deepest(r, b, "plain", "oneSlice"), frame: deepest(r, b, "frame", "oneSlice") };
      (levelBytes[id] ??= {})[b] = { plain: per(one.plain), frame: per(one.frame) };
      depthRows.push([r.context.label, b, cell(deepest(r, b, "plain", "oneSlice", true)), cell(one.plain), cell(deepest(r, b, "plain", "sliced")),
        cell(one.frame), cell(deepest(r, b, "frame", "sliced")), num(per(one.plain)), num(per(one.frame))]);
    }
  }
  table("a. deepest native body recursion, levels (ended stack_overflow unless noted), warm code; cold: as first compiled; 1 slice: never preempted, sliced: preempted every 4000 reductions",
    ["context", "backend", "plain, cold", "plain, 1 slice", "plain, sliced", "2 slots, 1 slice", "2 slots, sliced", "stack B/level", "B/level, slots"], depthRows);
  const saved = Object.values(probes).find((r) => savedBytes(r, "plain") !== undefined);
  if (saved) {
    // (the unwind area is as large as the thread's stack: it holds every level the stack does while a level saves fewer bytes than it takes on the stack)
    const mainStack = levelBytes.main?.asyncify;
    table("a'. Asyncify: bytes an unwind saves per level, against the native stack a level takes (main thread); the unwind area on Node's main thread (1 MiB) holds",
      ["shape", "saved B/level", "stack B/level", "levels the 1 MiB area holds"], (["plain", "frame"] as Shape[]).map((sh) => {
        const x = savedBytes(saved, sh)!;
        return [sh === "plain" ? "plain" : "2 slots", num(x), num(mainStack?.[sh] ?? NaN), `~${int(unwindArea(V8_STACK_KB) / x)}`];
      }));
  }
  const parks = Object.values(probes).map((r) => ({ r, p: r.parts.find((x) => x.kind === "park") })).filter((x) => x.p && x.p.kind === "park");
  if (parks.length) {
    table("a''. WasmFX stacks: address space and memory per parked process; memory a stack keeps after its process recursed deep and ended",
      ["context", "processes", "VmSize KB/proc", "VmRSS KB/proc", "recursed", "VmRSS KB kept"],
      parks.map(({ r, p }) => p!.kind === "park" ? [r.context.label, int(p!.n), num(p!.vmKBPerProcess), num(p!.rssKBPerProcess), int(p!.deep.depth), int(p!.deep.rssKBKept)] : []));
  }

  // b, c: in this process
  const shapes = callShapes(o.smoke).filter((s) => !s.fxOnly || linked.modules.fx);
  const calls: Partial<Record<Backend, Record<string, number[]>>> = {};
  const yields: Partial<Record<Backend, Record<string, { depth: number; nsPerYield: number[] }[]>>> = {};
  for (const b of list) {
    const d = await DepthRuntime.start(b, linked.modules[b]!, { shadowStackBytes: 64 << 20 });
    try {
      const mine = shapes.filter((s) => !s.fxOnly || b === "fx");
      // warm up (tier-up, the shadow stack's first growth)
      for (const s of mine) await timed(d, s.label, s.k, entryArg(Math.min(s.n, 10_000), 1), Math.min(s.n, 10_000));
      const c: Record<string, number[]> = Object.fromEntries(mine.map((s) => [s.key, []]));
      for (let rep = 0; rep < reps; rep++) {
        const order = rep % 2 ? [...mine].reverse() : mine;
        for (const s of order) c[s.key].push((await timed(d, s.label, s.k, entryArg(s.n, s.reps), s.n)) / s.units);
      }
      calls[b] = c;

      // c. yields at depth: near the deepest native recursion of Node's main thread (probed above)
      // (on Asyncify also within what the unwind area of this thread holds)
      const near = (x: Probe | undefined, shape: Shape) => {
        const native = x && Number.isFinite(x.deepest) ? x.deepest : 10_000;
        const perLevel = b === "asyncify" ? savedBytes(saved, shape) : undefined;
        return Math.floor(0.8 * Math.min(native, perLevel ? unwindArea(V8_STACK_KB) / perLevel : b === "asyncify" ? 10_000 : Infinity));
      };
      const yShapes: YieldShape[] = [
        { key: "native", label: "native", k: ENTRY.body_plain, depths: [10, 1000, near(deepest(probes.main, b, "plain", "sliced"), "plain")] },
        { key: "nativeSlots", label: "native + 2 slots", k: ENTRY.body_frame, depths: [10, 1000, near(deepest(probes.main, b, "frame", "sliced"), "frame")] },
        { key: "framesTramp", label: "shadow-stack frames", k: ENTRY.frames_tramp, depths: [10, 1000, o.smoke ? 10_000 : 1_000_000] },
      ];
      const y: Record<string, { depth: number; nsPerYield: number[] }[]> = {};
      for (const s of yShapes) {
        y[s.key] = [];
        for (let depth of s.depths) {
          // (this process's stack is not the probe's: back off if the deepest does not fit here)
          for (let i = 0; i < 5; i++) {
            const r = await d.run(s.k, entryArg(depth, 1, 1));
            if (r.exit === "normal") { await d.run(s.k, entryArg(depth, 1, 1)); break; }
            check(r.exit.startsWith("stack_overflow"), `${b} ${s.label} at ${depth}: ended ${r.exit}`);
            depth = Math.floor(depth * 0.9);
          }
          const ns: number[] = [];
          for (let rep = 0; rep < reps; rep++) {
            const r = await d.run(s.k, entryArg(depth, 1, Y));
            check(r.exit === "normal" && r.value === depth && r.yieldsNs !== undefined,
              `${b} ${s.label} ${depth} deep, ${Y} yields: ended ${r.exit}, sent ${r.value}${r.yieldsNs === undefined ? ", no marks around the yields" : ""}`);
            ns.push(r.yieldsNs! / Y);
          }
          y[s.key].push({ depth, nsPerYield: ns });
        }
      }
      yields[b] = y;
    } finally {
      d.stop();
    }
  }

  const callRows = shapes.map((s) => [s.label, ...list.flatMap((b) => {
    const c = calls[b]?.[s.key];
    if (!c) return ["n/a", ""];
    return [num(median(c)), ratio(median(c.map((x, i) => x / calls[b]!.native[i])))];
  }), calls.fx?.[s.key] && calls.asyncify?.[s.key] ? ratio(median(calls.asyncify[s.key]) / median(calls.fx[s.key])) : ""]);
  table(`b. ns per level (body recursion: one call and its return) or per tail call; medians of ${reps} reps, ratios to the native body call per rep`,
    ["shape", ...list.flatMap((b) => [`${b} ns`, "/native"]), "asy/fx"], callRows);

  const yieldRows: string[][] = [];
  for (const b of list) {
    for (const [key, ys] of Object.entries(yields[b] ?? {})) {
      const base = median(ys[0].nsPerYield);
      for (const e of ys) yieldRows.push([b, key, int(e.depth), num(median(e.nsPerYield)), ratio(median(e.nsPerYield) / base)]);
    }
  }
  table(`c. ns per yield at the deepest level (${Y} yields a run, timed from the host between the process's messages around them); medians of ${reps} reps`,
    ["backend", "frames", "depth", "ns/yield", "/depth 10"], yieldRows);

  const medians = Object.fromEntries(list.map((b) => [b, {
    nsPerCall: Object.fromEntries(Object.entries(calls[b] ?? {}).map(([k, v]) => [k, median(v)])),
    nsPerYield: Object.fromEntries(Object.entries(yields[b] ?? {}).map(([k, v]) => [k, v.map((e) => ({ depth: e.depth, ns: median(e.nsPerYield) }))])),
  }]));
  const file = writeResult(o, "depth", {
    config: {
      reps, yieldsPerRun: Y, shapes: shapes.map(({ key, label, n, reps: r, units }) => ({ key, label, n, reps: r, units })),
      programs: ["bench/depth/depth.wat", "bench/depth/tail.wat (fx only)"],
      refused: linked.refused.map((r) => ({ name: r.name, backend: r.backend, status: r.status, message: r.message })),
      notes: "a: probes in fresh contexts (bench/depth/probe.ts), sliced = default 4000 reductions a slice, oneSlice = sliceReductions 1e9; bytes per level = the context's stack / the one-slice depth",
    },
    depth: Object.fromEntries(Object.entries(probes).map(([id, r]) => [id, {
      label: r.context.label, kind: r.context.kind, flags: r.context.flags ?? [], setFlags: r.context.setFlags ?? [], stackSizeMb: r.context.stackSizeMb ?? null, stackKB: r.context.stackKB,
      failure: r.failure ?? null, parts: r.parts.filter((p) => p.kind !== "done"), stackBytesPerLevel: levelBytes[id] ?? null,
    }])),
    asyncifyUnwindAreaMainThreadBytes: unwindArea(V8_STACK_KB),
    calls, yields, medians,
  });
  return { name: "depth", targets: [], file };
}
