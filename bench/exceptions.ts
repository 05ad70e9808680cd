// exceptions: the mechanisms for Erlang's exceptions (throw, error, exit),
// measured side by side on both backends and against BEAM: the candidates
// measured before the runtime's design was chosen, and the runtime's ABI as
// built (assembly/runtime/exceptions.ts) used both ways docs/abi.md allows
// (docs/exceptions.md).
//
// The kernels are compiled programs (bench/exc/*.wat), linked by the link
// step and run as processes, one mechanism each:
//   (a) eh.wat     Wasm exception handling: try_table + throw (fx only: the
//                  asyncify build cannot take it; the link step's message
//                  and Binaryen Asyncify's are printed as probes)
//   (b) flag.wat   a global flag checked after every call that can raise
//   (c) tramp.wat  frames on the shadow stack, a trampoline; a handler is a
//                  saved shadow-stack depth and a resume point (setjmp);
//                  continuations are functions, run by a call_indirect loop
//       tswitch.wat  the same, continuations as labels of one br_table loop;
//                  each with frames entered by the ABI's frame_enter, or
//                  inline (shoal_sp moved and checked against a limit);
//                  tswitch.wat also with a yield by return (the loop leaves
//                  its function to yield, so no frame of it is suspended)
//   (d) fx.wat     WasmFX: the try body as a child continuation, a raise a
//                  suspend to it; a cont.new per try, or a pooled runner
// and the runtime's ABI (try_enter, try_leave, raise, exc_*):
//   (e1) rt_native.wat  native Wasm calls, the non-value 0 returned frame by
//                  frame to the handler's function (the test programs' shape)
//   (e2) rt_switch.wat  tswitch.wat's best shape (label dispatch, inline
//                  pushes against the exported shoal_sp_limit, a yield by
//                  return), its handler try_enter's and its raise the
//                  runtime's (a branch to the resume id raise returns); also
//                  with the ABI calls that can end the process (and so
//                  unwind, on asyncify) made by return, which keeps Asyncify
//                  off the loop
// Every kernel is the same Erlang, compiled by hand to each mechanism
// (docs/abi.md conventions: terms, reduce(1) at every function entry and
// loop head):
//   deep(1) -> throw(42); deep(D) -> 1 + deep(D - 1).
//   deep_ret(1) -> 0;     deep_ret(D) -> 1 + deep_ret(D - 1).
// and each process times N iterations of one kind with the host clock
// (env.now) and sends the nanoseconds and a checksum (checked):
//   raise        try deep(D) catch throw:42 -> ok end, D = 1, 10, 100: ns per
//                raise, the calls that reach the raise included (as BEAM's
//                exc_bench measures it)
//   raise alone  the same with the clock read at the raise and in the handler,
//                less two clock reads back to back taken before each raise in
//                the same process: the raise itself, the calls that reached
//                it left out
//   setjmp       depth 100 over depth 1 with the 99 extra calls taken out:
//                (raise(1) + growth) / raise(1), where growth is alone(100) -
//                alone(1) measured in one process whose raises alternate
//                between the two depths (so that drift and the clock's
//                moods cancel); the target is <= 1.2 (a raise that does not
//                grow with the depth)
//   unused       try deep_ret(1) around a call that returns, less the same
//                call without the try: an installed handler never raised to
//   per call     deep_ret(100) returning normally, ns per call, and its
//                excess over plain Wasm calls (flag.wat's unchecked chain)
// BEAM: bench/beam/exc_bench.erl (+S 1:1), one fresh VM per rep, interleaved
// with ours. Writes bench/results/exceptions.json.

import * as fs from "node:fs";
import * as path from "node:path";
import type { Backend } from "../host/backend";
import { Runtime } from "../host/index";
import {
  Options, SuiteResult, Target, check, median, num, printTargets, ratio, ROOT, table, target, writeResult, int, stopwatch,
} from "./lib/common";
import { beamAvailable, beamMedians, beamSource, beamVersion, runBeam, type BeamRun } from "./lib/beam";
import { binaryen, errorLine, linkPrograms, type LinkResult } from "./lib/programs";

const DEPTHS = [1, 10, 100] as const;
const DEEPEST = 100;
const CHAIN = 100;
/** What the target on an unused handler allows, ns. */
const UNUSED_LIMIT_NS = 10;
const SETJMP_LIMIT = 1.2;

/** The kinds each kernel's run/3 takes (bench/exc/flag.wat's header). */
enum Kind { RAISE = 0, HANDLER = 1, CALL = 2, CHAIN = 3, PLAIN = 4, TIMED = 5, CLOCK = 6, PAIRED = 7, FRAME = 8, FRAME_INLINE = 9 }

interface Mechanism {
  id: string;
  label: string;
  /** The program entry, "module:function" (arity 3: Kind, D, N). */
  entry: string;
  backends: Backend[];
}

const MECHANISMS: Mechanism[] = [
  { id: "eh", label: "(a) Wasm EH try_table", entry: "exc_eh:run", backends: ["fx"] },
  { id: "flag", label: "(b) flag checked after calls", entry: "exc_flag:run", backends: ["asyncify", "fx"] },
  { id: "tramp", label: "(c) setjmp, call_indirect trampoline", entry: "exc_tramp:run", backends: ["asyncify", "fx"] },
  { id: "tramp_inline", label: "(c) setjmp, call_indirect, inline push", entry: "exc_tramp:inline", backends: ["asyncify", "fx"] },
  { id: "tswitch", label: "(c) setjmp, label dispatch", entry: "exc_tswitch:run", backends: ["asyncify", "fx"] },
  { id: "tswitch_inline", label: "(c) setjmp, label dispatch, inline push", entry: "exc_tswitch:inline", backends: ["asyncify", "fx"] },
  { id: "tswitch_yield", label: "(c) setjmp, label dispatch, inline push, yield by return", entry: "exc_tswitch:yielding", backends: ["asyncify", "fx"] },
  { id: "fx_fresh", label: "(d) WasmFX, cont.new per try", entry: "exc_fx:fresh", backends: ["fx"] },
  { id: "fx_pooled", label: "(d) WasmFX, pooled runner", entry: "exc_fx:pooled", backends: ["fx"] },
  { id: "rt_native", label: "(e1) runtime ABI, native calls, non-value 0", entry: "exc_rt_native:run", backends: ["asyncify", "fx"] },
  { id: "rt_switch", label: "(e2) runtime ABI, label dispatch, inline push, yield by return", entry: "exc_rt_switch:run", backends: ["asyncify", "fx"] },
  { id: "rt_switch_byreturn", label: "(e2) the same, unwinding ABI calls by return", entry: "exc_rt_switch:byreturn", backends: ["asyncify", "fx"] },
];
/** The mechanisms whose targets go to the run's summary: the runtime's ABI as built, both ways of using it; the others are in the matrix. */
const SUMMARY = ["rt_native", "rt_switch"];

interface Case { kind: Kind; depth: number }
const key = (c: Case) => `${Kind[c.kind].toLowerCase()}:${c.depth}`;

function casesOf(m: Mechanism): Case[] {
  const cs: Case[] = [];
  for (const d of DEPTHS) cs.push({ kind: Kind.RAISE, depth: d }, { kind: Kind.TIMED, depth: d });
  cs.push({ kind: Kind.PAIRED, depth: DEEPEST }, { kind: Kind.CLOCK, depth: 1 }, { kind: Kind.HANDLER, depth: 1 },
    { kind: Kind.CALL, depth: 1 }, { kind: Kind.CHAIN, depth: CHAIN });
  if (m.id === "flag") cs.push({ kind: Kind.PLAIN, depth: CHAIN });
  // (rt_native.wat: try_enter's frame taken apart, by the ABI's frame_enter and inline)
  if (m.id === "rt_native") cs.push({ kind: Kind.FRAME, depth: 1 }, { kind: Kind.FRAME_INLINE, depth: 1 });
  return cs;
}

/**
 * One process: N iterations of a kernel; ns per iteration (TIMED: the raise alone; CLOCK: two clock
 * reads; PAIRED: half the growth of the raise alone from depth 1 to depth D, per iteration).
 */
async function once(rt: Runtime, m: Mechanism, c: Case, n: number): Promise<number> {
  rt.spawn(m.entry, c.kind, c.depth, n);
  const acc = await rt.receive({ timeoutMs: 300_000 });
  const ns = await rt.receive({ timeoutMs: 300_000 });
  check(acc === n, `${rt.backend} ${m.id} ${key(c)}: checksum ${String(acc)}, expected ${n} (a raise missed its handler, or a result was wrong)`);
  // (a TIMED or PAIRED sum is a difference, which noise may take below 0)
  check(typeof ns === "number" && (ns >= 0 || c.kind === Kind.TIMED || c.kind === Kind.PAIRED), `${rt.backend} ${m.id} ${key(c)}: sent ${String(ns)} ns`);
  return (ns as number) / n;
}

/** What one mechanism measured on one backend: ns per iteration, per case, per rep. */
interface Runs { n: Record<string, number>; reps: Record<string, number[]> }

interface Derived {
  raiseNs: Record<number, number>;
  clockNs: number;
  raiseAloneNs: Record<number, number>;
  /** How much the raise alone grows from depth 1 to DEEPEST, from raises of both depths alternating in one process. */
  growthNs: number;
  setjmpRatio: number;
  handlerNs: number;
  callNs: number;
  unusedHandlerNs: number;
  chainNsPerCall: number;
  plainNsPerCall: number | null;
  excessNsPerCall: number | null;
  /** rt_native only: a 2-slot frame around the call (less the call), by frame_enter/frame_leave and pushed inline. */
  frameAbiNs: number | null;
  frameInlineNs: number | null;
}

function derive(r: Runs, plain: Runs | undefined): Derived {
  const rep = (k: string) => r.reps[k];
  const perRep = (f: (i: number) => number) => median(rep("raise:1").map((_, i) => f(i)));
  const raiseNs: Record<number, number> = {}, raiseAloneNs: Record<number, number> = {};
  for (const d of DEPTHS) {
    raiseNs[d] = median(rep(`raise:${d}`));
    raiseAloneNs[d] = median(rep(`timed:${d}`));
  }
  const plainNs = plain ? median(plain.reps[`plain:${CHAIN}`]) / CHAIN : null;
  const chain = median(rep(`chain:${CHAIN}`)) / CHAIN;
  return {
    raiseNs, raiseAloneNs, clockNs: median(rep("clock:1")),
    // a PAIRED run's N raises are N/2 from each depth: the growth per pair is twice its per-iteration figure
    growthNs: median(rep(`paired:${DEEPEST}`)) * 2,
    setjmpRatio: perRep((i) => (rep("raise:1")[i] + 2 * rep(`paired:${DEEPEST}`)[i]) / rep("raise:1")[i]),
    handlerNs: median(rep("handler:1")), callNs: median(rep("call:1")),
    unusedHandlerNs: perRep((i) => rep("handler:1")[i] - rep("call:1")[i]),
    chainNsPerCall: chain, plainNsPerCall: plainNs, excessNsPerCall: plainNs === null ? null : chain - plainNs,
    frameAbiNs: r.reps["frame:1"] ? perRep((i) => rep("frame:1")[i] - rep("call:1")[i]) : null,
    frameInlineNs: r.reps["frame_inline:1"] ? perRep((i) => rep("frame_inline:1")[i] - rep("call:1")[i]) : null,
  };
}

/** Link the kernels for both backends (cached), with the probes of what the asyncify build cannot take. */
async function buildKernels() {
  const src = path.join(ROOT, "bench", "exc");
  return linkPrograms("exceptions", src, ["flag", "tramp", "tswitch", "eh", "fx", "rt_native", "rt_switch"], [
    { name: "exc", backend: "asyncify", modules: ["flag", "tramp", "tswitch", "rt_native", "rt_switch"] },
    { name: "exc", backend: "fx", modules: ["flag", "tramp", "tswitch", "eh", "fx", "rt_native", "rt_switch"] },
    { name: "probe_eh", backend: "asyncify", modules: ["eh"], expectFailure: true },
    { name: "probe_fx", backend: "asyncify", modules: ["fx"], expectFailure: true },
  ], async (_dir, wasm) => {
    // past the link step's features: Binaryen's Asyncify itself, on eh.wat with exception handling enabled
    const r = await binaryen("wasm-opt", [wasm("eh"), "--enable-exception-handling", "--enable-bulk-memory", "--enable-sign-ext",
      "--enable-mutable-globals", "--asyncify", "-o", wasm("eh.asyncify")]);
    check(r.status !== 0, "Binaryen's Asyncify instrumented eh.wasm: the probe expected it to refuse");
    return [{ name: "probe_eh_asyncify_pass", backend: "asyncify" as Backend, file: null, bytes: null, status: r.status, message: errorLine(r) }];
  });
}

export async function run(o: Options): Promise<SuiteResult> {
  const cfg = o.smoke
    ? { budgetMs: 2, warmN: 200, reps: 1, beamN: 0, beamReps: 0 }
    : { budgetMs: 40, warmN: 3000, reps: 5, beamN: 200_000, beamReps: 5 };
  const useBeam = o.beam && !o.smoke && beamAvailable();
  console.log(`exceptions: mechanisms ${MECHANISMS.map((m) => m.id).join(", ")}; depths ${DEPTHS.join(", ")}; ` +
    `about ${cfg.budgetMs} ms per kernel and rep, ${cfg.reps} reps` + (useBeam ? `; BEAM exc_bench N=${int(cfg.beamN)}, ${cfg.beamReps} VMs interleaved` : ""));

  const built = await buildKernels();
  const links = built.results;
  console.log(`  kernels linked ${built.cached ? `(cached: ${built.dir})` : `in ${built.linkSeconds.toFixed(1)} s`}: ` +
    links.filter((l) => l.file).map((l) => `${l.name}.${l.backend}.wasm ${int(l.bytes!)} B`).join(", "));
  for (const l of links.filter((x) => !x.file)) console.log(`  probe ${l.name} (${l.backend}): ${l.message}`);

  // one runtime per backend, both alive through the reps
  const rts: Partial<Record<Backend, Runtime>> = {};
  const runs: Partial<Record<Backend, Record<string, Runs>>> = {};
  const beamRuns: BeamRun[] = [];
  try {
    for (const l of links.filter((x) => x.file && x.name === "exc")) {
      const bytes = new Uint8Array(fs.readFileSync(l.file!));
      if (!WebAssembly.validate(bytes)) { console.log(`  ${l.backend}: this engine cannot run the build (no WasmFX?): skipped`); continue; }
      rts[l.backend] = await Runtime.start({ program: bytes, backend: l.backend });
      runs[l.backend] = {};
    }
    const list = (Object.keys(rts) as Backend[]).sort((a, b) => (a === "asyncify" ? -1 : b === "asyncify" ? 1 : 0));
    const work: { b: Backend; m: Mechanism; c: Case }[] = [];
    for (const b of list) for (const m of MECHANISMS.filter((x) => x.backends.includes(b))) for (const c of casesOf(m)) work.push({ b, m, c });

    // warm up (V8 tiers the kernels up), and size each case to the budget from a timed run
    for (const w of work) {
      const rt = rts[w.b]!;
      const t = stopwatch();
      await once(rt, w.m, w.c, cfg.warmN);
      const est = Math.max(t() / cfg.warmN, 1);
      // (the paired run's figure is a small difference of two sums: it gets three times the budget)
      const budgetNs = cfg.budgetMs * 1e6 * (w.c.kind === Kind.PAIRED ? 3 : 1);
      const n = Math.max(cfg.warmN, Math.min(5_000_000, Math.round(budgetNs / est)));
      await once(rt, w.m, w.c, n);
      ((runs[w.b]![w.m.id] ??= { n: {}, reps: {} }).n)[key(w.c)] = n;
    }
    for (let rep = 0; rep < cfg.reps; rep++) {
      // alternate the order, so drift on a shared machine does not always favour one side
      const order = rep % 2 ? [...work].reverse() : work;
      for (const w of order) {
        const r = runs[w.b]![w.m.id];
        (r.reps[key(w.c)] ??= []).push(await once(rts[w.b]!, w.m, w.c, r.n[key(w.c)]));
      }
      const line = list.map((b) => `${b}: ` + MECHANISMS.filter((m) => runs[b]![m.id]).map((m) =>
        `${m.id} ${DEPTHS.map((d) => num(runs[b]![m.id].reps[`raise:${d}`][rep])).join("/")}`).join(", ")).join("; ");
      console.log(`  rep ${rep + 1}, raise ns at depth ${DEPTHS.join("/")}: ${line}`);
      if (useBeam && rep < cfg.beamReps) {
        const b = runBeam(["+S", "1:1"], "exc_bench", [cfg.beamN]);
        beamRuns.push(b);
        console.log(`  rep ${rep + 1} BEAM +S 1:1: throw ${DEPTHS.map((d) => num(b.metrics[`exc.depth${d}.throw`]?.value)).join("/")} ns ` +
          `(${(b.wallMs / 1000).toFixed(1)} s)`);
      }
    }
  } finally {
    for (const rt of Object.values(rts)) rt?.stop();
  }

  // ---- derived figures
  const list = Object.keys(runs) as Backend[];
  const derived: Partial<Record<Backend, Record<string, Derived>>> = {};
  for (const b of list) {
    derived[b] = {};
    for (const m of MECHANISMS) if (runs[b]![m.id]) derived[b]![m.id] = derive(runs[b]![m.id], runs[b]!.flag);
  }
  const beam = beamRuns.length ? beamMedians(beamRuns) : undefined;
  const beamAt = (metric: string, d: number) => beam?.[`exc.depth${d}.${metric}`];
  /** ours / BEAM's throw at depth x: the median of the ratios of each rep and the BEAM VM run right after it. */
  const vsBeam = (b: Backend, id: string, x: number): number | null => {
    if (!beamRuns.length) return null;
    const ours = runs[b]![id].reps[`raise:${x}`];
    return median(beamRuns.map((r, i) => ours[i] / r.metrics[`exc.depth${x}.throw`].value));
  };
  const rows = list.flatMap((b) => MECHANISMS.filter((m) => derived[b]![m.id]).map((m) => ({ b, m, d: derived[b]![m.id] })));
  const name = (b: Backend, m: Mechanism) => `${m.label}, ${b}`;

  table(`raise-and-catch, ns per raise (try deep(D) catch throw:42), medians of ${cfg.reps} reps; "/BEAM": over BEAM's throw, ` +
    `the median of each rep's ratio to the VM run after it; "alone": the raise itself, clock to clock (less what two clock reads cost, "(clock)"); ` +
    `"growth": alone(100) - alone(1), both depths alternating in one process; "100 vs 1": (raise(1) + growth) / raise(1)`,
    ["mechanism, backend", ...DEPTHS.map((d) => `d=${d}`), ...DEPTHS.map((d) => `/BEAM d=${d}`), "alone d=1", "alone d=100", "growth", "100 vs 1", "(clock)"],
    rows.map(({ b, m, d }) => [name(b, m), ...DEPTHS.map((x) => num(d.raiseNs[x])),
      ...DEPTHS.map((x) => ratio(vsBeam(b, m.id, x))),
      num(d.raiseAloneNs[1]), num(d.raiseAloneNs[100]), num(d.growthNs), ratio(d.setjmpRatio), num(d.clockNs)]));

  table(`the normal path: ns per try around a call that returns, the call alone, the difference (an unused handler); ` +
    `a ${CHAIN}-deep chain returning, ns per call, and its excess over plain Wasm calls (the same backend)`,
    ["mechanism, backend", "try + call", "call", "unused handler", "ns/call", "excess ns/call"],
    rows.map(({ b, m, d }) => [name(b, m), num(d.handlerNs), num(d.callNs), num(d.unusedHandlerNs), num(d.chainNsPerCall), num(d.excessNsPerCall)]));

  const apart = rows.filter(({ d }) => d.frameAbiNs !== null);
  if (apart.length) {
    table(`the runtime's unused handler taken apart (e1, ns, each less the call alone): try_enter + try_leave; the 2-slot frame ` +
      `try_enter enters, by frame_enter/frame_leave (ABI calls; frame_enter zeroes it); the same 2 slots pushed inline against ` +
      `shoal_sp_limit, written and left inline (a handler inline, less its register's update)`,
      ["mechanism, backend", "try_enter + try_leave", "frame_enter(2) + frame_leave(2)", "2 slots inline"],
      apart.map(({ b, m, d }) => [name(b, m), num(d.unusedHandlerNs), num(d.frameAbiNs!), num(d.frameInlineNs!)]));
  }

  if (beam) {
    const cls = ["throw", "error", "exit", "catch_throw", "catch_error", "catch_exit"];
    table(`BEAM (${beamVersion()}), +S 1:1, ns per raise, medians of ${beamRuns.length} VMs (N=${int(cfg.beamN)})`,
      ["depth", ...cls, "try + call (ret)", "call (plain)", "plain ns/call"],
      DEPTHS.map((x) => [`d=${x}`, ...cls.map((c) => num(beamAt(c, x))), num(beamAt("return_baseline", x)), num(beamAt("plain", x)),
        num(beamAt("plain", x)! / x)]));
    console.log(`BEAM unused handler (try around deep_ret(1) less the plain call): ${num(beamAt("return_baseline", 1)! - beamAt("plain", 1)!)} ns; ` +
      `throw depth 100 / depth 1: ${ratio(beamAt("throw", 100)! / beamAt("throw", 1)!)} (the calls that reach the raise included)`);
  }

  // ---- targets: every mechanism in the matrix; the candidate's in the run's summary
  const targetsOf = (b: Backend, m: Mechanism, d: Derived): Target[] => {
    const worst = DEPTHS.reduce((w, x) => {
      const r = vsBeam(b, m.id, x) ?? -1;
      return r > w.r ? { x, r } : w;
    }, { x: DEPTHS[0] as number, r: -1 });
    const raise = target("exceptions", `${m.id} ${b}: raise-and-catch <= BEAM's throw at every depth (worst: d=${worst.x})`,
      d.raiseNs[worst.x], beamAt("throw", worst.x) ?? null, useBeam ? "BEAM throw, this run" : "BEAM not run", "ns", 1);
    // (the ratio is the median of the per-rep ratios, each rep against the VM run right after it)
    if (raise.ratio !== null) {
      raise.ratio = worst.r;
      if (raise.met !== null) raise.met = worst.r <= 1;
    }
    const setjmp = target("exceptions", `${m.id} ${b}: raise at depth 100 <= ${SETJMP_LIMIT}x depth 1 (calls to reach it taken out)`,
      d.setjmpRatio * d.raiseNs[1], d.raiseNs[1], "raise at depth 1", "ns", SETJMP_LIMIT);
    const unused = target("exceptions", `${m.id} ${b}: an unused handler <= ${UNUSED_LIMIT_NS} ns`,
      Math.max(d.unusedHandlerNs, 0), UNUSED_LIMIT_NS, `${UNUSED_LIMIT_NS} ns`, "ns", 1);
    return [raise, setjmp, unused];
  };
  const matrix = rows.map(({ b, m, d }) => ({ b, m, t: targetsOf(b, m, d) }));
  const mark = (t: Target) => `${ratio(t.ratio)} ${t.met === null ? "-" : t.met ? "met" : "SHORT"}`;
  table("which mechanism meets which target (ours/reference, verdict; '-': not judged in this run)",
    ["mechanism, backend", "raise <= BEAM", `100 vs 1 <= ${SETJMP_LIMIT}x`, `unused <= ${UNUSED_LIMIT_NS} ns`],
    matrix.map(({ b, m, t }) => [name(b, m), ...t.map(mark)]));
  const targets = matrix.filter((x) => SUMMARY.includes(x.m.id)).flatMap((x) => x.t);
  printTargets(`exceptions targets (the runtime's ABI: ${SUMMARY.join(", ")}; the matrix above has every mechanism)`, targets);

  const file = writeResult(o, "exceptions", {
    config: { ...cfg, depths: DEPTHS, chainDepth: CHAIN, kernels: "bench/exc/*.wat", anchor: beamSource("exc_bench") },
    links: { cached: built.cached, linkSeconds: built.linkSeconds, results: links.map((l: LinkResult) => ({ ...l, file: l.file ? path.basename(l.file) : null })) },
    mechanisms: MECHANISMS,
    runs,
    derived,
    vsBeamThrow: Object.fromEntries(list.map((b) => [b, Object.fromEntries(MECHANISMS.filter((m) => runs[b]![m.id])
      .map((m) => [m.id, Object.fromEntries(DEPTHS.map((x) => [x, vsBeam(b, m.id, x)]))]))])),
    beam: useBeam ? { version: beamVersion(), runs: beamRuns, median: beam } :
      { skipped: true, reason: o.smoke ? "--smoke" : !o.beam ? "--no-beam" : "erl not on PATH" },
    matrix: matrix.map(({ b, m, t }) => ({ backend: b, mechanism: m.id, targets: t })),
    targets,
  });
  return { name: "exceptions", targets, file };
}
