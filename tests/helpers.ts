// Shared by the test files: start a runtime per backend and collect its events.
import { Runtime, ExitEvent, TraceEvent, StartOptions } from "../host";
import type { Backend } from "../host";

export const BACKENDS: Backend[] = ["asyncify", "fx"];

export interface Harness {
  rt: Runtime;
  exits: ExitEvent[];
  traces: TraceEvent[];
  /** Exit text of `pid`'s exit event, if it has exited. */
  exitOf(pid: { term: bigint }): string | undefined;
}

const started: Runtime[] = [];
// Every runtime a test started is stopped after it, passed or failed: on WasmFX
// a runtime left running keeps its reservation of the engine's stacks.
afterEach(() => { for (const rt of started.splice(0)) rt.stop(); });

/** A runtime on `backend` that records every exit and trace event. */
export async function start(backend: Backend, opts: StartOptions = {}): Promise<Harness> {
  const rt = await Runtime.start({ ...opts, backend });
  started.push(rt);
  const exits: ExitEvent[] = [];
  const traces: TraceEvent[] = [];
  rt.onExit((e) => exits.push(e));
  rt.onTrace((e) => traces.push(e));
  return {
    rt, exits, traces,
    exitOf: (pid) => exits.find((e) => e.pid.term === pid.term)?.text,
  };
}
