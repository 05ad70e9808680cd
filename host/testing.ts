// shoal/testing: what Shoal's own tests, benchmarks and demo use beyond the
// public API. Not a stable interface. Importing it installs the Node loader,
// as the Node entry does (host/index.ts).
//
// TestRuntime runs the runtime with the test programs linked in
// (assembly/testing/, build/testing.{fx,asyncify}.wasm; with `debug`, the
// build whose invariants are checked, build/testing.debug.*.wasm) and knows
// them by name, as a compiler's program module would name its entries.

import "./index.js";
import { BadargError } from "./errors.js";
import { Runtime, type Core, type SpawnOptions, type StartOptions } from "./runtime.js";
import type { Pid } from "./terms.js";
import { buildDir } from "./load/build-dir.js";
import { bytesAt, type CoreExports } from "./load/core.js";

export * from "./api.js";
export {
  chooseBackend, fasterBackend, engineFacts, engineV8, engineHasWasmFX, fxEngineCap, setFxStackBudget, FxStackLease, FxStackPool, FX_FIRST_CHUNK, FX_MAX_CHUNK, FX_KEEP_AHEAD, FX_PROBE, FX_RECHECK_MS,
} from "./backend.js";
export { encode, decode } from "./etf.js";
export {
  NIL, PID_SLOTS, atomIndexOf, atomTerm, isAtomTerm, isPidTerm, isSmallTerm, pidTerm, smallTerm, smallValue,
} from "./terms.js";
export { readString, address, bytesAt } from "./load/core.js";
export type { CoreExports, CoreImports } from "./load/core.js";

/** What the test-program module adds to the runtime's exports (assembly/testing/index.ts). */
interface TestingExports extends CoreExports {
  term_machine_entry(): number;
  machine_load(ptr: number, len: number): number;
  fanin_config(m: bigint): void;
  copy_config(reps: bigint): void;
  c10m_config(total: bigint, window: number): void;
  etf_input(ptr: number, len: number): void;
  etf_output_ptr(): number;
  etf_output_len(): number;
}

export interface TestStartOptions extends StartOptions {
  /** Run the debug build (every invariant asserted: build/testing.debug.*.wasm). Default false. */
  debug?: boolean;
  /** Run the debug build with a 256 MiB memory (build/testing.small.*.wasm), to run out of memory quickly. */
  smallMemory?: boolean;
  /** The creation of this runtime's pids (default random): 0 makes it take BEAM's pids of 'nonode@nohost' for its own. */
  pidCreation?: number;
}

/**
 * A Runtime running the test programs: a program linked like any compiler's (its entries are
 * testing:<name>/1), with short names for them and their configuration hooks.
 */
export class TestRuntime extends Runtime {
  protected constructor(core: Core) {
    super(core);
    if (typeof (this.ex as TestingExports).term_machine_entry !== "function") throw new BadargError("not a test-program module (build/testing.*.wasm)");
  }

  /** Load the test programs' build and start a runtime with no processes. */
  static override async start(opts: TestStartOptions = {}): Promise<TestRuntime> {
    const variant = opts.smallMemory ? "testing.small" : opts.debug ? "testing.debug" : "testing";
    const load = opts.modules ? { modules: opts.modules } : { program: new URL(variant, buildDir) };
    return Runtime.launch({ ...opts, ...load }, (core) => new TestRuntime({ ...core, pidCreation: opts.pidCreation }));
  }

  /** A test program by its short name (testing:<name>, one argument, [] if none is given), or any entry. */
  override spawn(entry: string, ...args: unknown[]): Pid {
    return this.spawnOpt(entry, args);
  }

  override spawnOpt(entry: string, args: readonly unknown[] = [], opts: SpawnOptions = {}): Pid {
    if (typeof entry === "string" && !entry.includes(":")) return super.spawnOpt(`testing:${entry}`, args.length ? args : [[]], opts);
    return super.spawnOpt(entry, args, opts);
  }

  /** Function-table index of the term machine's code (what a fun made by it records as its entry). */
  termMachineEntry(): number { return this.testing.term_machine_entry(); }

  private get testing(): TestingExports { return this.ex as TestingExports; }

  /** Copy a term-machine program into the module (assembly/testing/programs/gc.ts); its id, the machine's argument. */
  loadMachine(program: Uint8Array): number { return this.testing.machine_load(this.toModule(program), program.length); }

  /** Configure the fan-in benchmark program: M messages per sender. */
  configureFanIn(messagesPerSender: number): void { this.testing.fanin_config(BigInt(messagesPerSender)); }

  /** Configure the copy benchmark program: repetitions. */
  configureCopy(repetitions: number): void { this.testing.copy_config(BigInt(repetitions)); }

  /** Configure the C10M driver program (bench/): `total` processes, at most `window` alive. */
  configureC10M(total: number, window: number): void { this.testing.c10m_config(BigInt(total), window); }

  /** Hand the next etf_echo process its input (External Term Format bytes). */
  etfInput(bytes: Uint8Array): void { this.testing.etf_input(this.toModule(bytes), bytes.length); }

  /** Message timers (send_after) armed, and the bytes their records and message copies hold (stat_timers, stat_timer_bytes). */
  timerStats(): { timers: number; bytes: number } {
    return { timers: this.ex.stat_timers(), bytes: Number(this.ex.stat_timer_bytes()) };
  }

  /** Set the most message timers armed at once (send_after past it: system_limit); the limit now in force. */
  setMaxTimers(limit: number): number { return this.ex.set_max_timers(limit); }

  /** The last etf_echo process's output bytes. */
  etfOutput(): Uint8Array {
    return bytesAt(this.ex.memory, this.testing.etf_output_ptr(), this.testing.etf_output_len()).slice();
  }
}
