// The event-loop driver: runs the module's scheduler a host slice at a time.
//
// run() calls the module's schedule() with a deadline `sliceMs` ahead, then
// gives the event loop a turn (setImmediate in Node, a message in a page)
// before the next slice, so timers, I/O and rendering keep going however busy
// the processes are. Preemption inside a slice is by reductions, never by a
// JS timer. When nothing is runnable, run() sleeps until the next process
// timer or until the host makes work (poke: a spawn, send, wake or kill from
// JS), or returns once every process waits with no timer.
//
// A trap in a process (native stack overflow, unreachable, a bad memory
// access, an abort) leaves schedule() as a JS exception; `recover` ends that
// process alone, and scheduling goes on.

import { Status } from "../assembly/boundary/codes.js";
import { StoppedError } from "./errors.js";
import type { CoreExports } from "./load/core.js";

/** Why run() returned: no process left, all wait with no timer, until() held, or the time ran out. */
export type RunOutcome = "idle" | "waiting" | "until" | "timeout";

/** Host time, ms: the module's clock (env.now) too. */
export const nowMs: () => number = () => performance.now();

/** Let the event loop run whatever is queued, then come back. */
const turnEventLoop: () => Promise<void> =
  typeof setImmediate === "function"
    ? () => new Promise((r) => setImmediate(r))
    : () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = () => { c.port1.close(); r(); }; c.port2.postMessage(0); });

/** Process slices per schedule() call at most (the deadline usually ends a call first). */
const MAX_SLICES_PER_CALL = 4096;

export class Driver {
  /** Whether some run() is in progress. */
  driving = false;
  /** Set by stop(): nothing runs after. */
  stopped = false;
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly ex: CoreExports,
    /** Host time one slice may take before the event loop gets a turn. */
    readonly sliceMs: number,
    /** Called with what a process's trap threw (the module's current_pid() names it); rethrows if no process ran. */
    private readonly recover: (e: unknown) => void,
  ) {}

  /** Something happened that a sleeper may be waiting for (new work, a host message, stop): wake every sleeper. */
  poke(): void {
    for (const f of [...this.wakers]) f();
  }

  /** Resolves at `until` (ms, nowMs clock; Infinity: never) or at the next poke, whichever comes first. */
  sleep(until: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => { if (timer !== undefined) clearTimeout(timer); this.wakers.delete(done); resolve(); };
      this.wakers.add(done);
      if (until < Infinity) timer = setTimeout(done, Math.max(0, until - nowMs()));
    });
  }

  /**
   * Run one host slice synchronously: process slices until `budgetMs` of host time has passed
   * (or at most `maxSlices` of them); returns the schedule status (assembly/boundary/codes.ts Status).
   */
  runSlice(budgetMs = this.sliceMs, maxSlices = Infinity): Status {
    if (this.stopped) throw new StoppedError();
    const until = nowMs() + budgetMs;
    for (;;) {
      let status: Status;
      const n = Math.min(MAX_SLICES_PER_CALL, maxSlices);
      maxSlices -= n;
      try {
        status = this.ex.schedule(n, until);
      } catch (e) {
        this.recover(e);
        status = Status.RUNNABLE;
      }
      if (status !== Status.RUNNABLE || nowMs() >= until || maxSlices <= 0) return status;
    }
  }

  /** Run processes, a slice at a time, until none is runnable or has a timer, `until()` holds, or `timeoutMs` passes. */
  async run(opts: { until?: () => boolean; timeoutMs?: number } = {}): Promise<RunOutcome> {
    const end = opts.timeoutMs === undefined ? Infinity : nowMs() + opts.timeoutMs;
    const outer = !this.driving;
    this.driving = true;
    try {
      return await this.drive(opts.until, end);
    } finally {
      if (outer) {
        this.driving = false;
        this.poke();   // whoever waited for this run to deliver (a receive) may drive now
      }
    }
  }

  private async drive(until: (() => boolean) | undefined, end: number): Promise<RunOutcome> {
    for (;;) {
      const status = this.runSlice();
      if (until?.()) return "until";
      if (status === Status.IDLE) return "idle";
      if (status === Status.WAITING && !until) return "waiting";
      if (nowMs() >= end) return "timeout";
      if (status === Status.TIMERS || status === Status.WAITING) {
        // nothing to run: sleep until the next process timer, the deadline, or a poke
        // (a send, spawn or wake from JS makes work that cannot wait for a timer)
        await this.sleep(Math.min(this.ex.next_deadline(), end));
      } else {
        await turnEventLoop();
      }
    }
  }

  /** Nothing runs after this; sleepers wake (and find the runtime stopped). */
  stop(): void {
    this.stopped = true;
    this.poke();
  }
}
