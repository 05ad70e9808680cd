// Shared by the test files: start a runtime per backend and collect its events.
import { TestRuntime as Runtime, ExitEvent, TraceEvent, TestStartOptions as StartOptions } from "../host/testing";
import type { Backend } from "../host";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { Atom, Pid, Tuple, formatTerm } from "../host/terms";

export const BACKENDS: Backend[] = ["asyncify", "fx"];

export interface Harness {
  rt: Runtime;
  exits: ExitEvent[];
  traces: TraceEvent[];
  /** Exit text of `pid`'s exit event, if it has exited. */
  exitOf(pid: { term: bigint }): string | undefined;
}

const started: Runtime[] = [];
const clocks: jest.SpyInstance[] = [];
// Every runtime a test started is stopped after it, passed or failed: on WasmFX
// a runtime left running keeps its reservation of the engine's stacks. A faked
// clock goes back to the real one first.
afterEach(() => {
  for (const c of clocks.splice(0)) c.mockRestore();
  for (const rt of started.splice(0)) rt.stop();
});

/** A runtime on `backend` (the debug build: every invariant checked) that records every exit and trace event. */
export async function start(backend: Backend, opts: StartOptions = {}): Promise<Harness> {
  const rt = await Runtime.start({ debug: true, ...opts, backend });
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

/** The host clock as a test sets it: performance.now() returns `ms` until the test moves it. */
export interface FakeClock {
  ms: number;
}

/**
 * Hold the host clock still: the runtime reads performance.now() for sleep and
 * receive deadlines, for firing timers, and for the host slice's budget, so a
 * test that moves `ms` itself and drives the runtime with runSlice() sees
 * timers fire at exactly the times it sets, however fast the machine is. The
 * real clock comes back after the test. (run() and receive() wait on real
 * timers: drive a runtime with a held clock by runSlice() only.)
 */
export function fakeClock(startMs = 1000): FakeClock {
  const clock: FakeClock = { ms: startMs };
  clocks.push(jest.spyOn(performance, "now").mockImplementation(() => clock.ms));
  return clock;
}

/** What each runtime sent the host, in order, from the first hostMessages() call on (an onMessage listener). */
const mailboxes = new WeakMap<Runtime, unknown[]>();
export function hostMessages(rt: Runtime): unknown[] {
  let box = mailboxes.get(rt);
  if (!box) {
    const fresh: unknown[] = [];
    rt.onMessage((v) => fresh.push(v));
    mailboxes.set(rt, fresh);
    box = fresh;
  }
  return box;
}

/** A timer_agent process (assembly/testing/programs/timers.ts): commands in, answers out. */
export interface Agent {
  pid: Pid;
  /**
   * Send it {command, args...}, run the slice, and return the elements after the tag of the one
   * answer tagged `tag` (taken out of the host's messages; whatever else came stays there).
   */
  ask(tag: string, command: string, ...args: unknown[]): unknown[];
}

export function timerAgent(rt: Runtime): Agent {
  const box = hostMessages(rt);
  const pid = rt.spawn("timer_agent");
  return {
    pid,
    ask(tag, command, ...args) {
      const from = box.length;
      rt.send(pid, new Tuple([Atom.of(command), ...args]));
      rt.runSlice();
      const at: number[] = [];
      for (let i = from; i < box.length; i++) {
        const m = box[i];
        if (m instanceof Tuple && m.elements[0] === Atom.of(tag)) at.push(i);
      }
      if (at.length !== 1) throw new Error(`${command}: ${at.length} answers tagged ${tag}, in ${box.slice(from).map((m) => formatTerm(m)).join(" ")}`);
      const [answer] = box.splice(at[0], 1) as Tuple[];
      return answer.elements.slice(1);
    },
  };
}

/**
 * What a scenario script prints on the real BEAM, run now (tests/fixtures/<name>.escript): one
 * outcome a line, "label value", by label. Throws if Erlang is missing (CI installs it).
 */
export function beamOutcomes(name: string): Map<string, string> {
  const r = spawnSync("escript", [path.join(__dirname, "fixtures", `${name}.escript`)], { encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`escript ${name} failed (is Erlang installed?): ${r.error?.message ?? r.stderr}`);
  return new Map(r.stdout.trim().split("\n").map((l) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]));
}
