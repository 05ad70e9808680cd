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
//
// Calls into the module go through call(): while one runs, the module is on
// the stack (a process may be inside a send to the host, an exit report, a
// collection), and the host's callbacks run there, synchronously. What they
// ask of the runtime that would re-enter the module is deferred with defer()
// and runs as soon as the outermost call has returned; errors they throw are
// kept with report() and thrown from that call then, once the deferred work
// is done. Nothing a callback does can unwind the module's frames.

import { Status } from "../assembly/boundary/codes.js";
import { BadargError, StoppedError } from "./errors.js";
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

/** The longest host slice, ms: a slice blocks the event loop, so sliceMs and runSlice's budget stop here. */
export const MAX_SLICE_MS = 1000;

/** The longest delay setTimeout takes (a longer one fires at once): longer sleeps are taken in pieces. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** `v` is a timeout in ms: a number >= 0 (Infinity: none). */
export function isTimeout(v: unknown): v is number {
  return typeof v === "number" && v >= 0;
}

export interface DriverHooks {
  /** Called with what a process's trap threw (the module's current_pid() names it); rethrows if no process ran. */
  recover(e: unknown): void;
  /** Called after every schedule() call, outside the module. */
  afterSchedule?(): void;
}

export class Driver {
  /** Whether some run() is in progress. */
  driving = false;
  /** Set by stop(): nothing runs after. */
  stopped = false;
  private readonly wakers = new Set<() => void>();
  /** Calls into the module now on the stack. */
  private depth = 0;
  /** Work callbacks asked for while the module was on the stack: done once it has returned. */
  private readonly deferred: (() => void)[] = [];
  /** Errors callbacks threw while the module was on the stack: thrown once it has returned. */
  private readonly errors: unknown[] = [];
  /** Deferred calls done so far (runSlice looks whether some ran: they may have made work or ended some). */
  private deferredDone = 0;

  constructor(
    private readonly ex: CoreExports,
    /** Host time one slice may take before the event loop gets a turn. */
    readonly sliceMs: number,
    private readonly hooks: DriverHooks,
  ) {}

  /** Whether the module is on the stack: the caller is a callback the module is waiting for. */
  get inModule(): boolean { return this.depth > 0; }

  /** Throw a BadargError if called from a callback: `what` cannot be done while the module is on the stack. */
  refuseInModule(what: string, hint = "call it once the callback has returned (e.g. from queueMicrotask)"): void {
    if (this.depth > 0) {
      throw new BadargError(`${what} is not allowed from a callback (onMessage, onExit, onTrace, onGc): ` +
        `it runs while a process is inside the module, which must not be re-entered; ${hint}`);
    }
  }

  /**
   * Call into the module. Callbacks during `f` may defer work and report errors: once the outermost
   * call has returned, the deferred work runs (in the order asked), then the errors are thrown (one
   * as it is, several as an AggregateError), after any error `f` threw itself.
   */
  call<T>(f: () => T): T {
    this.depth++;
    let result: T | undefined, failed = false, failure: unknown;
    try {
      result = f();
    } catch (e) {
      failed = true;
      failure = e;
    } finally {
      this.depth--;
    }
    if (this.depth === 0) this.settle(failed ? [failure] : []);
    else if (failed) throw failure;
    return result as T;
  }

  /** Run `f` once the module has returned (at once if it is not on the stack). */
  defer(f: () => void): void {
    if (this.depth === 0) this.call(f);
    else this.deferred.push(f);
  }

  /** Keep an error a callback threw, to be thrown once the module has returned. */
  report(e: unknown): void {
    this.errors.push(e);   // (never thrown from here: that would unwind the module; the next settle throws it)
  }

  /** The outermost call returned: do the deferred work, then throw what went wrong. */
  private settle(thrown: unknown[]): void {
    while (this.deferred.length) {
      const f = this.deferred.shift()!;
      this.depth++;
      try { f(); } catch (e) { this.errors.push(e); } finally { this.depth--; this.deferredDone++; }
    }
    const errors = [...thrown, ...this.errors.splice(0)];
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} errors in callbacks and the call that ran them`);
  }

  /** Pokes so far: a sleeper that looked at the runtime at generation g has missed something if it moved on. */
  generation = 0;

  /** Something happened that a sleeper may be waiting for (new work, a host message, stop): wake every sleeper. */
  poke(): void {
    this.generation++;
    this.wakeSleepers();
  }

  private wakeSleepers(): void {
    for (const f of [...this.wakers]) f();
  }

  /**
   * Resolves at `until` (ms, nowMs clock; Infinity: never) or at the next poke, whichever comes
   * first; at once if there has been a poke since generation `since` (what the caller last saw).
   */
  sleep(until: number, since = this.generation): Promise<void> {
    if (since !== this.generation) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => { if (timer !== undefined) clearTimeout(timer); this.wakers.delete(done); resolve(); };
      this.wakers.add(done);
      // past setTimeout's range the wait is cut short; the caller looks at the clock and sleeps again
      if (until < Infinity) timer = setTimeout(done, Math.min(MAX_TIMER_MS, Math.max(0, until - nowMs())));
    });
  }

  /**
   * Run one host slice synchronously: process slices until `budgetMs` of host time has passed
   * (or at most `maxSlices` of them); returns the schedule status (assembly/boundary/codes.ts Status).
   */
  runSlice(budgetMs = this.sliceMs, maxSlices = Infinity): Status {
    if (this.stopped) throw new StoppedError();
    this.refuseInModule("runSlice", "drive the runtime from outside the callback (run() may be called: it starts once the callback has returned)");
    if (typeof maxSlices !== "number" || !(maxSlices >= 1) || (maxSlices !== Infinity && !Number.isInteger(maxSlices))) {
      throw new BadargError(`runSlice: maxSlices must be a whole number >= 1 (or Infinity), not ${String(maxSlices)}`);
    }
    if (typeof budgetMs !== "number" || !(budgetMs >= 0) || (budgetMs > MAX_SLICE_MS && !(budgetMs === Infinity && maxSlices < Infinity))) {
      throw new BadargError(`runSlice: budgetMs must be a number from 0 to ${MAX_SLICE_MS} (Infinity only with a finite maxSlices), not ${String(budgetMs)}`);
    }
    const until = nowMs() + budgetMs;
    for (;;) {
      const n = Math.min(MAX_SLICES_PER_CALL, maxSlices);
      maxSlices -= n;
      const deferredBefore = this.deferredDone;
      let status = this.call(() => {
        try {
          return this.ex.schedule(n, until) as Status;
        } catch (e) {
          this.hooks.recover(e);
          return Status.RUNNABLE;
        }
      });
      if (this.stopped) return Status.IDLE;   // a callback stopped the runtime: every process has ended
      this.hooks.afterSchedule?.();
      const late = nowMs() >= until || maxSlices <= 0;
      if (this.deferredDone !== deferredBefore) {
        // what callbacks deferred ran after the slices (a send, a kill): the status is stale
        if (!late) continue;
        status = this.call(() => this.ex.schedule(0, until) as Status);   // (runs nothing: only the status)
      }
      if (status !== Status.RUNNABLE || late) return status;
    }
  }

  /**
   * Run processes, a slice at a time, until none is runnable or has a timer, `until()` holds, or
   * `timeoutMs` passes. Called from a callback, it starts once the module has returned. With
   * `until`, it goes on while every process waits for a message (the host may send one), unless
   * `returnWhenWaiting` (the host will not: Runtime's on_load run).
   */
  async run(opts: { until?: () => boolean; timeoutMs?: number; returnWhenWaiting?: boolean } = {}): Promise<RunOutcome> {
    if (typeof opts !== "object" || opts === null) throw new BadargError(`run: options must be an object, not ${String(opts)}`);
    if (opts.until !== undefined && typeof opts.until !== "function") throw new BadargError("run: until must be a function");
    if (opts.timeoutMs !== undefined && !isTimeout(opts.timeoutMs)) {
      throw new BadargError(`run: timeoutMs must be a number >= 0 (or Infinity), not ${String(opts.timeoutMs)}`);
    }
    if (this.depth > 0) await new Promise<void>((r) => this.defer(r));
    if (this.stopped) throw new StoppedError();
    const end = opts.timeoutMs === undefined ? Infinity : nowMs() + opts.timeoutMs;
    const outer = !this.driving;
    this.driving = true;
    try {
      return await this.drive(opts.until, end, !!opts.returnWhenWaiting);
    } finally {
      if (outer) {
        this.driving = false;
        this.wakeSleepers();   // whoever waited for this run to deliver (a receive) may drive now
      }
    }
  }

  private async drive(until: (() => boolean) | undefined, end: number, returnWhenWaiting: boolean): Promise<RunOutcome> {
    for (;;) {
      const status = this.runSlice();
      if (this.stopped) throw new StoppedError();
      if (until?.()) return "until";
      if (status === Status.IDLE) return "idle";
      if (status === Status.WAITING && (!until || returnWhenWaiting)) return "waiting";
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
