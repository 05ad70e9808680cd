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

/** How many WasmFX stacks this process can still map: each costs 2 memory mappings (FACTS.md). */
export function fxStackLimit(): number {
  const ENGINE_CAP = 30000;   // V8 14.6 aborts near 32.7k live continuations
  if (!isNode) return 10000;
  try {
    const fs = require("node:fs") as typeof import("node:fs");
    const maxMaps = Number(fs.readFileSync("/proc/sys/vm/max_map_count", "utf8").trim());
    const used = fs.readFileSync("/proc/self/maps", "utf8").split("\n").length;
    const headroom = 4096;    // mappings the rest of the process may still make (heaps, code)
    return Math.max(0, Math.min(ENGINE_CAP, Math.floor((maxMaps - used - headroom) / 2)));
  } catch {
    return 10000;
  }
}
