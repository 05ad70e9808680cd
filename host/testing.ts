// shoal/testing: what Shoal's own tests and benchmarks use beyond the public
// API. Not a stable interface. Importing it installs the Node loader, as the
// Node entry does (host/index.ts).

import "./index.js";
import { BadargError } from "./errors.js";
import { Runtime, type Core, type StartOptions } from "./runtime.js";

export * from "./api.js";
export { chooseBackend, fasterBackend, engineFacts, engineV8, engineHasWasmFX, fxEngineCap, reserveFxStacks, releaseFxStacks } from "./backend.js";
export { encode, decode } from "./etf.js";
export {
  NIL, PID_SLOTS, atomIndexOf, atomTerm, isAtomTerm, isPidTerm, isSmallTerm, pidTerm, smallTerm, smallValue,
} from "./terms.js";
export { readString } from "./load/core.js";
export type { CoreExports, CoreImports } from "./load/core.js";

/** A Runtime with the hooks of the built-in test and benchmark programs (assembly/programs*.ts). */
export class TestRuntime extends Runtime {
  protected constructor(core: Core) { super(core); }

  /** Load a backend and start a runtime with no processes. */
  static override async start(opts: StartOptions = {}): Promise<TestRuntime> {
    return Runtime.launch(opts, (core) => new TestRuntime(core));
  }

  /** Function-table index of a built-in program (what a fun made by it records as its entry). */
  programEntry(name: string): number {
    const e = this.programs.get(name);
    if (e === undefined) throw new BadargError(`no program named '${name}'`);
    return e;
  }

  /** Copy a term-machine program into the module (assembly/programs_gc.ts); its id, the machine's argument. */
  loadMachine(program: Uint8Array): number {
    const ptr = this.ex.io_buffer(program.length);
    new Uint8Array(this.ex.memory.buffer, ptr, program.length).set(program);
    return this.ex.machine_load(ptr, program.length);
  }

  /** Configure the built-in fan-in benchmark: M messages per sender. */
  configureFanIn(messagesPerSender: number): void { this.ex.fanin_config(BigInt(messagesPerSender)); }

  /** Configure the built-in copy benchmark: repetitions. */
  configureCopy(repetitions: number): void { this.ex.copy_config(BigInt(repetitions)); }

  /** Configure the built-in C10M driver (bench/): `total` processes, at most `window` alive. */
  configureC10M(total: number, window: number): void { this.ex.c10m_config(BigInt(total), window); }
}
