// Choosing a fiber backend: which builds this engine can run, which is
// faster on it, and how many WasmFX stacks it can hold.
//
// WasmFX needs an engine that validates stack-switching code (Node 26 with
// --experimental-wasm-wasmfx). Where both run, "auto" takes the faster one:
// a measurement of this very engine from `npm run bench`
// (bench/results/backend.json) when there is one, else the figures in
// ../shared/FACTS.md, which favour Asyncify on V8 14.6 (a shallow switch
// ~9 ns against ~80-99 ns, and no cap near 32k live processes).

export type Backend = "fx" | "asyncify";
export type BackendChoice = Backend | "auto";

export interface BackendMeasurement {
  /** V8 version the measurement was taken on. */
  v8: string;
  /** Scheduler yield, ns per switch, per backend. */
  yieldNs: Partial<Record<Backend, number>>;
  /** When it was taken (ISO date). */
  date: string;
}

const isNode = typeof process !== "undefined" && !!process.versions?.node;

/** Whether this engine validates the WasmFX build. */
export function engineHasWasmFX(fxBytes: Uint8Array): boolean {
  try {
    return WebAssembly.validate(fxBytes as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}

/** Pick the backend for `choice`, with the reason the runtime reports. */
export function chooseBackend(choice: BackendChoice, fxOk: boolean, measured?: BackendMeasurement): { backend: Backend; reason: string } {
  if (choice === "fx") {
    if (!fxOk) throw new Error("backend 'fx' asked for, but this engine does not validate WasmFX (on Node 26, run node with --experimental-wasm-wasmfx)");
    return { backend: "fx", reason: "asked for" };
  }
  if (choice === "asyncify") return { backend: "asyncify", reason: "asked for" };
  if (!fxOk) return { backend: "asyncify", reason: "this engine has no WasmFX (stack switching does not validate)" };
  const v8 = isNode ? process.versions.v8 : undefined;
  const fx = measured?.yieldNs.fx, asy = measured?.yieldNs.asyncify;
  if (measured && v8 && measured.v8 === v8 && fx && asy) {
    const backend: Backend = fx < asy ? "fx" : "asyncify";
    return {
      backend,
      reason: `measured on this engine (V8 ${v8}, ${measured.date}): a scheduler yield costs ${asy.toFixed(1)} ns on Asyncify, ${fx.toFixed(1)} ns on WasmFX`,
    };
  }
  return {
    backend: "asyncify",
    reason: "both validate; on V8 14.6 an Asyncify switch costs ~9 ns against WasmFX's ~80-99 ns for shallow stacks, and WasmFX caps live processes near 32k (FACTS.md)",
  };
}

/**
 * WasmFX stacks are a budget of the whole JS process: each live continuation
 * costs 2 memory mappings and V8 aborts (uncatchably) near 32.7k of them
 * (FACTS.md). Every fx runtime reserves its process limit from this budget
 * at start and gives it back at stop, so runtimes side by side can never
 * ask the engine for more stacks than it holds. (Stacks a stopped runtime
 * ended are unmapped lazily by V8, on its next stack allocation, so the
 * mapping count itself is no guide.)
 */
const BUDGET = Symbol.for("shoal.fxStackBudget");
type Budget = { reserved: number };

/** Continuations the engine can hold at once, below the abort point. */
export function fxEngineCap(): number {
  const V8_CAP = 30000;       // V8 14.6 aborts near 32.7k live continuations
  if (!isNode) return 10000;
  try {
    const fs = require("node:fs") as typeof import("node:fs");
    const maxMaps = Number(fs.readFileSync("/proc/sys/vm/max_map_count", "utf8").trim());
    const headroom = 4096;    // mappings the rest of the process (heaps, code) may need
    return Math.max(0, Math.min(V8_CAP, Math.floor((maxMaps - headroom) / 2)));
  } catch {
    return 10000;
  }
}

/** Reserve up to `want` stacks from the process-wide budget; returns how many were granted. */
export function reserveFxStacks(want: number): number {
  const g = globalThis as unknown as Record<symbol, Budget>;
  const budget = (g[BUDGET] ??= { reserved: 0 });
  const granted = Math.max(0, Math.min(want, fxEngineCap() - budget.reserved));
  budget.reserved += granted;
  return granted;
}

/** Give back stacks reserved by reserveFxStacks (the runtime has ended them all). */
export function releaseFxStacks(n: number): void {
  const budget = (globalThis as unknown as Record<symbol, Budget>)[BUDGET];
  if (budget) budget.reserved = Math.max(0, budget.reserved - n);
}
