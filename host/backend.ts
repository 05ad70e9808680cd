// Choosing a fiber backend: which builds this engine can run, which is
// faster on it, and how many WasmFX stacks it can hold.
//
// WasmFX needs an engine that validates stack-switching code (Node 26 with
// --experimental-wasm-wasmfx). Where both run, "auto" takes the faster one:
// per a measurement of this very engine when StartOptions.measurement gives
// one (`npm run bench` writes one to bench/results/backend.json), else per
// ENGINES below, what the team measured of each V8 version. The figures, and
// how they were taken, are in docs/engine-facts.md; this table only carries
// them. An engine the table does not know gets Asyncify, which runs on every
// engine and has no limit on live processes.

import { NotSupportedError } from "./errors.js";

export type Backend = "fx" | "asyncify";
export type BackendChoice = Backend | "auto";

/** A measurement of one engine (what `npm run bench` writes to bench/results/backend.json). */
export interface BackendMeasurement {
  /** V8 version the measurement was taken on (process.versions.v8). */
  v8: string;
  /** Scheduler yield, ns per switch, per backend. */
  yieldNs: Partial<Record<Backend, number>>;
  /** When it was taken (ISO date). */
  date: string;
}

/** What was measured of one V8 version (source: docs/engine-facts.md). */
export interface EngineFacts {
  /** V8 major.minor. */
  v8: string;
  /** One shallow stack switch, ns (low and high of the measured range). */
  switchNs: Record<Backend, readonly [number, number]>;
  /** Live WasmFX continuations near which V8 aborts the whole process, uncatchably. */
  fxAbortStacks: number;
  /** WasmFX stacks a JS process may hold at once: the budget fx runtimes reserve from, below the abort point. */
  fxMaxStacks: number;
}

/**
 * Measured figures per V8 version, oldest first (docs/engine-facts.md, where each
 * is sourced): a suspend+resume round trip 1 frame deep in the raw kernels, and
 * the live continuations at which the engine kills the process (or the tab).
 */
export const ENGINES: readonly EngineFacts[] = [
  // Node 26.10.0: Asyncify 9.2 ns, WasmFX 80-99 ns; aborts near 32.7k live stacks (30k ran)
  { v8: "14.6", switchNs: { asyncify: [9.2, 9.2], fx: [80, 99] }, fxAbortStacks: 32_700, fxMaxStacks: 30_000 },
  // Chromium 156 (WasmFX only behind --js-flags=--wasm-wasmfx): WasmFX 64-100 ns at 3.95-5.3x
  // Asyncify's (so Asyncify ~16-19 ns); the renderer dies at 22k live stacks (21k ran)
  { v8: "15.6", switchNs: { asyncify: [16, 19], fx: [64, 100] }, fxAbortStacks: 22_000, fxMaxStacks: 20_000 },
];

/** WasmFX stacks to allow on an engine the table does not know. */
const FALLBACK_FX_STACKS = 10_000;

/** The running engine's V8 version (Node's, or derived from a Chromium's major version), or undefined. */
export function engineV8(): string | undefined {
  const g = globalThis as { process?: { versions?: { v8?: string } }; navigator?: { userAgent?: string } };
  const v8 = g.process?.versions?.v8;
  if (v8) return v8;
  // Chromium M ships V8 (M / 10).(M % 10): Chrome 146 has V8 14.6
  const m = /\bChrom(?:e|ium)\/(\d{3,})\./.exec(g.navigator?.userAgent ?? "");
  return m ? `${Math.floor(Number(m[1]) / 10)}.${Number(m[1]) % 10}` : undefined;
}

/** The table's row for V8 version `v8` (matched on major.minor), if there is one. */
export function engineFacts(v8: string | undefined = engineV8()): EngineFacts | undefined {
  if (!v8) return undefined;
  const [major, minor] = v8.split(".");
  return ENGINES.find((e) => e.v8 === `${major}.${minor}`);
}

/** Whether this engine validates the WasmFX build. */
export function engineHasWasmFX(fxBytes: Uint8Array): boolean {
  try {
    return WebAssembly.validate(fxBytes as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}

/** The backend that is faster on V8 `v8`, by a measurement of it or else by the table, with why. */
export function fasterBackend(v8: string | undefined, measured?: BackendMeasurement): { backend: Backend; reason: string } {
  const fx = measured?.yieldNs.fx, asy = measured?.yieldNs.asyncify;
  if (measured && v8 && measured.v8 === v8 && fx && asy) {
    return {
      backend: fx < asy ? "fx" : "asyncify",
      reason: `measured on this engine (V8 ${v8}, ${measured.date}): a scheduler yield costs ${asy.toFixed(1)} ns on Asyncify, ${fx.toFixed(1)} ns on WasmFX`,
    };
  }
  const facts = engineFacts(v8);
  if (!facts) {
    return { backend: "asyncify", reason: `${v8 ? `V8 ${v8}` : "this engine"} is not in the engine table (docs/engine-facts.md): Asyncify, which runs everywhere` };
  }
  const mid = (r: readonly [number, number]) => (r[0] + r[1]) / 2;
  const backend: Backend = mid(facts.switchNs.fx) < mid(facts.switchNs.asyncify) ? "fx" : "asyncify";
  const [won, lost] = backend === "fx" ? ["WasmFX", "Asyncify"] : ["Asyncify", "WasmFX"];
  return {
    backend,
    reason: `engine table (docs/engine-facts.md): on V8 ${facts.v8}, ${won} switches stacks faster than ${lost}` +
      (backend === "asyncify" ? ", and WasmFX holds far fewer live stacks" : ""),
  };
}

/**
 * Pick the backend for `choice`, with the reason the runtime reports.
 * `fxOk`: whether this engine validates the WasmFX build (undefined: not checked,
 * which "auto" only allows when the faster backend is Asyncify anyway).
 */
export function chooseBackend(choice: BackendChoice, fxOk: boolean | undefined, measured?: BackendMeasurement,
  v8: string | undefined = engineV8()): { backend: Backend; reason: string } {
  if (choice === "fx") {
    if (!fxOk) throw new NotSupportedError("backend 'fx' asked for, but this engine does not validate WasmFX (on Node 26, run node with --experimental-wasm-wasmfx)");
    return { backend: "fx", reason: "asked for" };
  }
  if (choice === "asyncify") return { backend: "asyncify", reason: "asked for" };
  const faster = fasterBackend(v8, measured);
  if (faster.backend === "fx" && !fxOk) return { backend: "asyncify", reason: "this engine has no WasmFX (stack switching does not validate)" };
  return faster;
}

/**
 * WasmFX stacks are a budget of the whole JS process: each live continuation
 * costs 2 memory mappings and V8 aborts (uncatchably) near the table's
 * fxAbortStacks. Every fx runtime reserves its process limit from this budget
 * at start and gives it back at stop, so runtimes side by side can never
 * ask the engine for more stacks than it holds. (Stacks a stopped runtime
 * ended are unmapped lazily by V8, on its next stack allocation, so the
 * mapping count itself is no guide.)
 */
const BUDGET = Symbol.for("shoal.fxStackBudget");
type Budget = { reserved: number };

/** Continuations this engine can hold at once: the table's budget (else a fallback), capped by what the platform can map. */
export function fxEngineCap(platformCap = Infinity, v8: string | undefined = engineV8()): number {
  return Math.max(0, Math.min(engineFacts(v8)?.fxMaxStacks ?? FALLBACK_FX_STACKS, platformCap));
}

/** Reserve up to `want` stacks from the process-wide budget of `cap`; returns how many were granted. */
export function reserveFxStacks(want: number, cap: number = fxEngineCap()): number {
  const g = globalThis as unknown as Record<symbol, Budget>;
  const budget = (g[BUDGET] ??= { reserved: 0 });
  const granted = Math.max(0, Math.min(want, cap - budget.reserved));
  budget.reserved += granted;
  return granted;
}

/** Give back stacks reserved by reserveFxStacks (the runtime has ended them all). */
export function releaseFxStacks(n: number): void {
  const budget = (globalThis as unknown as Record<symbol, Budget>)[BUDGET];
  if (budget) budget.reserved = Math.max(0, budget.reserved - n);
}
