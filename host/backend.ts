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
  /**
   * WasmFX stacks a JS process may hold at once, below the abort point: the budget fx runtimes share
   * where the host cannot count its memory mappings (elsewhere the mappings left decide: FxStackLease).
   */
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
 * WasmFX stacks are a budget of the whole JS process. Every continuation maps
 * a stack (2 memory mappings) when it is made, and V8 aborts the process,
 * uncatchably, when it cannot map one more: on Linux at vm.max_map_count
 * mappings, which the stacks share with everything else the process maps (the
 * JS heap, every WebAssembly.Memory, code). So the budget is measured, not
 * fixed: when a runtime takes stacks, the platform counts the mappings left
 * now (host/load/node.ts: vm.max_map_count less /proc/self/maps, less a
 * margin), and what other runtimes have reserved but not mapped yet is set
 * aside. Where nothing can be counted (a page), the engine table's
 * fxMaxStacks is the budget of the whole JS process.
 *
 * A runtime takes half of what is free when it starts (at least a chunk), and
 * more in chunks as it spawns (FxStackLease.grow); when what is free does not
 * cover a chunk, the other runtimes give back what they hold beyond their live
 * processes and a margin (FxStackLease.trim), lowering their modules' limits.
 * So runtimes side by side share what there is until it is spent; past that,
 * spawn is a SystemLimitError, never a V8 abort. What is granted can go stale
 * (the JS heap grows, memories are made, after the measurement): between slices
 * a runtime holding unmapped stacks measures again (FxStackLease.recheck, at
 * most every FX_RECHECK_MS) and gives back what can no longer be mapped; the
 * margin covers what the rest of the process maps inside that window. The module's own limit
 * (set_max_processes) follows the stacks its runtime holds. A stopped runtime's
 * stacks stay mapped after it has ended them: V8 unmaps them later, often
 * when it next maps a stack, but not always (not while stacks of a live
 * runtime were made between them, in Node 26). So they are never counted as
 * free; instead, a runtime refused while some are pending gets a few stacks
 * from the margin (FX_PROBE), so that the next stack it maps gives V8 the
 * occasion, and the measurement after that sees what was unmapped.
 */
const BUDGET = Symbol.for("shoal.fxStackBudget.v2");

/** The stacks of one JS process: the leases on them (one per fx runtime). One per JS process (fxStackPool()); others for tests. */
export class FxStackPool {
  readonly leases = new Set<FxStackLease>();
  /** Stacks of stopped runtimes that V8 may not have unmapped yet (until some runtime maps a new one). */
  zombies = 0;
  /** Stacks refused runtimes may still take from the margin while there are such stacks (FX_PROBE). */
  probesLeft = 0;
  /** Bumped whenever stacks come back (a runtime stops or gives some back) or the budget is forced: refused runtimes may ask again. */
  epoch = 0;
  /** The stacks the JS process may map in all, forced (tests); undefined: measured. */
  forced: number | undefined = undefined;
}

/** The pool of this JS process (shared by every copy of this library loaded in it). */
export function fxStackPool(): FxStackPool {
  const g = globalThis as unknown as Record<symbol, FxStackPool>;
  return (g[BUDGET] ??= new FxStackPool());
}

/**
 * A chunk of stacks: what a runtime takes at once after its start (a chunk as big as what it holds,
 * within these bounds), and what it keeps ahead of its live processes (half a chunk), both between
 * slices and when another runtime asks it to give back. Its processes' own spawns cannot wait for
 * the host (past the stacks their runtime holds they get system_limit); a process spawns at most a
 * slice's reductions (4000) children per slice.
 */
export const FX_FIRST_CHUNK = 4096;
export const FX_MAX_CHUNK = 8192;
export const FX_KEEP_AHEAD = FX_FIRST_CHUNK / 2;
/**
 * Stacks a refused runtime may take from the margin while stopped runtimes' stacks may be pending
 * unmapping, and how many all runtimes together may (per stop; the margin is 2,048 stacks).
 */
export const FX_PROBE = 16;
const FX_PROBES = 8 * FX_PROBE;
/**
 * After a refusal, how long (ms) before a runtime measures again, unless stacks came back meanwhile:
 * for a spawn from the host, and for the top-up between slices (a measurement reads /proc/self/maps,
 * ~20 ms at 40,000 mappings).
 */
const FX_RETRY_MS = 100;
const FX_BACKGROUND_RETRY_MS = 2000;
/**
 * How often (ms, at most) a runtime holding stacks it has not mapped yet measures again between
 * slices, and gives back what the JS process can no longer map (FxStackLease.recheck): the rest of
 * the process (the JS heap above all) may have mapped regions since the stacks were granted.
 */
export const FX_RECHECK_MS = 1000;

/** WasmFX stacks a JS process may hold where nothing can be counted: the engine table's figure (else a fallback). */
export function fxEngineCap(v8: string | undefined = engineV8()): number {
  return engineFacts(v8)?.fxMaxStacks ?? FALLBACK_FX_STACKS;
}

/**
 * Force the budget of this JS process to `stacks` WasmFX stacks in all, as if nothing else were
 * mapped (undefined: measure again). For tests (shoal/testing), to reach the limit fast.
 */
export function setFxStackBudget(stacks: number | undefined): void {
  const b = fxStackPool();
  b.forced = stacks;
  b.epoch++;
}

/** What a lease holds stacks for: an fx runtime's module. */
export interface FxStackHolder {
  /** Stacks it has mapped so far: its process slots (each holds one continuation, reused). */
  mapped(): number;
  /** Processes alive now. */
  live(): number;
  /** Set its process limit (set_max_processes, which keeps it at least live()); the limit in force. */
  setLimit(n: number): number;
}

/** The WasmFX stacks one fx runtime holds from the JS process's budget, taken as it spawns. */
export class FxStackLease {
  /** Stacks reserved: the module's process limit follows this. */
  reserved = 0;
  /** Stacks free in the whole JS process at the last measurement (for stats). */
  private freeSeen = 0;
  /** mapped() when stopped runtimes' stacks were last counted as zombies. */
  zombieMark = 0;
  private refusedAt = -Infinity;
  private refusedEpoch = -1;
  private released = false;
  /** When the free stacks were last measured (host clock, ms). */
  private measuredAt = -Infinity;

  /**
   * @param ceiling the most this runtime may hold (its maxProcesses)
   * @param holder its module (before the module has started: mapped() and live() 0, setLimit ignored)
   * @param headroom stacks this JS process can still map now, on top of those it has (Infinity: cannot tell)
   * @param now the host clock, ms
   * @param pool the JS process's stacks (another only in tests)
   */
  constructor(readonly ceiling: number, readonly holder: FxStackHolder, private readonly headroom: () => number,
    private readonly now: () => number, private readonly v8: string | undefined = engineV8(),
    private readonly pool: FxStackPool = fxStackPool()) {
    pool.leases.add(this);
  }

  /** The most processes this runtime could have now: what it holds, and what the JS process had free when it last looked. */
  get reachable(): number { return Math.min(this.ceiling, this.reserved + Math.max(0, this.freeSeen)); }

  /** The first stacks, at start: half of what is free (at least a chunk, if others give back); how many (0: none). */
  start(): number {
    return this.take((free) => Math.max(FX_FIRST_CHUNK, Math.floor(free / 2)), true);
  }

  /**
   * Take the next chunk (up to `want` stacks, default a chunk as big as what it holds, within
   * FX_FIRST_CHUNK..FX_MAX_CHUNK), measuring what the JS process has free; the stacks granted (0: none).
   * `eager`: someone waits on it (a spawn from the host), so after a refusal it measures again sooner.
   */
  grow(want = Math.min(FX_MAX_CHUNK, Math.max(FX_FIRST_CHUNK, this.reserved)), eager = true): number {
    return this.take(() => want, eager);
  }

  private take(wanted: (free: number) => number, eager: boolean): number {
    if (this.released || this.reserved >= this.ceiling) return 0;
    const b = this.pool;
    if (b.epoch === this.refusedEpoch && this.now() - this.refusedAt < (eager ? FX_RETRY_MS : FX_BACKGROUND_RETRY_MS)) return 0;
    let free = this.free(b);
    const want = () => Math.min(wanted(free), this.ceiling - this.reserved);
    if (free < want()) {
      // not enough: the others give back what they hold beyond their processes' needs
      let back = 0;
      for (const l of b.leases) if (l !== this) back += l.trim(FX_KEEP_AHEAD);
      if (back) free = this.free(b);
    }
    let granted = Math.max(0, Math.min(want(), free));
    if (granted === 0 && b.zombies > 0 && b.probesLeft > 0) {
      // stacks of a stopped runtime are perhaps still mapped: the next stack mapped may have V8 unmap them
      granted = Math.min(want(), FX_PROBE, b.probesLeft);
      b.probesLeft -= granted;
    }
    this.freeSeen = free - granted;
    if (granted > 0) {
      this.reserved += granted;
      this.holder.setLimit(this.reserved);
    } else {
      this.refusedAt = this.now();
      this.refusedEpoch = b.epoch;
    }
    return granted;
  }

  /**
   * Between slices: if this runtime holds stacks it has not mapped, and the last measurement is
   * older than FX_RECHECK_MS, measure again; what the JS process can no longer map (others mapped
   * regions meanwhile: the JS heap grew, memories were made) is given back, down to the stacks
   * mapped, so its processes' spawns meet system_limit instead of a mapping V8 cannot make. The
   * stacks given back (0: none, or not measured).
   */
  recheck(): number {
    if (this.released || this.reserved <= this.holder.mapped()) return 0;
    if (this.now() - this.measuredAt < FX_RECHECK_MS) return 0;
    const free = this.free(this.pool);
    this.freeSeen = free;
    if (free >= 0) return 0;
    // the unmapped stacks held by every lease exceed what can be mapped: this one gives back its share
    const limit = this.holder.setLimit(Math.max(this.holder.mapped(), this.reserved + free));
    const now = Math.min(this.reserved, Math.max(this.holder.mapped(), limit));
    const back = this.reserved - now;
    this.reserved = now;
    this.freeSeen = free + back;
    return back;
  }

  /**
   * Give back the stacks held beyond the larger of those mapped and `keep` more than the processes
   * alive (the module's limit comes down to match); how many were given back.
   */
  trim(keep: number): number {
    if (this.released) return 0;
    const target = Math.min(this.reserved, Math.max(this.holder.mapped(), this.holder.live() + keep));
    if (target >= this.reserved) return 0;
    const limit = this.holder.setLimit(target);
    const now = Math.min(this.reserved, Math.max(target, limit));
    const back = this.reserved - now;
    this.reserved = now;
    if (back > 0) this.pool.epoch++;
    return back;
  }

  /** The runtime has ended all its processes: its stacks go back (V8 unmaps them when it next maps one). */
  release(): void {
    if (this.released) return;
    this.released = true;
    const b = this.pool;
    b.leases.delete(this);
    b.zombies += this.holder.mapped();
    b.probesLeft = b.zombies > 0 ? FX_PROBES : 0;
    for (const l of b.leases) l.zombieMark = l.holder.mapped();
    b.epoch++;
  }

  /** Stacks free in the whole JS process now. */
  private free(b: FxStackPool): number {
    let reserved = 0, unmappedReserved = 0, newStacks = false;
    for (const l of b.leases) {
      const m = l.holder.mapped();
      if (m > l.zombieMark) newStacks = true;
      reserved += l.reserved;
      unmappedReserved += Math.max(0, l.reserved - m);
    }
    if (newStacks) b.zombies = 0;   // a stack was mapped since the last stop: what V8 unmapped, the measure sees
    this.measuredAt = this.now();
    if (b.forced !== undefined) return b.forced - reserved;
    const room = this.headroom();
    if (room === Infinity) return fxEngineCap(this.v8) - reserved;
    return Math.floor(room) - unmappedReserved;
  }
}
