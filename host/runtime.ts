// The public face of a Shoal runtime: start one (load a backend's module and
// initialise it), spawn and kill processes, exchange messages with them, and
// run them from the host's event loop (host/driver.ts). Loading is in
// host/load/, the errors in host/errors.ts.

import { HeapFigure, HostResult, Priority as PriorityCode, BackendId } from "../assembly/boundary/codes.js";
import {
  DEFAULT_FULLSWEEP_AFTER, DEFAULT_MAX_HEAP_WORDS, DEFAULT_MIN_HEAP_WORDS, DEFAULT_SHADOW_STACK_BYTES, DEFAULT_SLICE_REDUCTIONS,
} from "../assembly/boundary/defaults.js";
import { PredefinedAtom } from "../assembly/boundary/atoms.js";
import {
  Backend, BackendChoice, BackendMeasurement, chooseBackend, engineV8, fasterBackend, fxEngineCap, releaseFxStacks, reserveFxStacks,
} from "./backend.js";
import { AbortError, BadargError, ShoalError, StoppedError, SystemLimitError, TimeoutError } from "./errors.js";
import { Driver, nowMs, type RunOutcome } from "./driver.js";
import { instantiateCore, ModuleAbort, type CoreExports } from "./load/core.js";
import { compileModule, currentPlatform, moduleSource, type ModuleInput, type Platform } from "./load/modules.js";
import { Atom, Pid, PID_SLOTS, atomIndexOf, atomTerm, formatTerm, isPidTerm } from "./terms.js";
import { encode, decode } from "./etf.js";

export type { RunOutcome } from "./driver.js";

/** A process priority, BEAM's four. */
export type Priority = "max" | "high" | "normal" | "low";
const PRIORITIES: Record<Priority, PriorityCode> = {
  max: PriorityCode.MAX, high: PriorityCode.HIGH, normal: PriorityCode.NORMAL, low: PriorityCode.LOW,
};


export interface StartOptions {
  /** Which fiber backend: "auto" (default) picks the faster one this engine can run (host/backend.ts). */
  backend?: BackendChoice;
  /** Most processes alive at once (default 1,048,576; on WasmFX also capped by the stacks the engine can hold). */
  maxProcesses?: number;
  /** Reductions per slice (default 4000, as on BEAM). */
  sliceReductions?: number;
  /** Largest shadow stack one process may grow to, in bytes (default 1 MiB). */
  shadowStackBytes?: number;
  /** Host time one slice may take before the event loop gets a turn (default 5 ms). */
  sliceMs?: number;
  /** Heap policy for every process, in words (as BEAM's spawn options): min (default 233), max (default 0: none). */
  minHeapWords?: number;
  maxHeapWords?: number;
  /** Minor collections between full sweeps (BEAM's fullsweep_after; default 65535). */
  fullsweepAfter?: number;
  /** Run every process on one shared heap with one collector: the baseline the GC benchmark compares against. */
  sharedHeap?: boolean;
  /** Debug: poison from-space after each collection, so a stale pointer traps in tests. */
  poisonFromSpace?: boolean;
  /**
   * The built modules (build/shoal.{fx,asyncify}.wasm): bytes, a compiled WebAssembly.Module, a fetch
   * Response, or a URL. In Node they default to the package's build/; in a page, pass them.
   */
  modules?: Partial<Record<Backend, ModuleInput>>;
  /** A measurement of this engine (bench/results/backend.json), for "auto"; without one, the engine table decides. */
  measurement?: BackendMeasurement;
}

/** A process's heap policy, in words (as process_flag(min_heap_size | max_heap_size | fullsweep_after, ...)). */
export interface HeapPolicy {
  minHeapWords?: number;
  /** 0: no limit. */
  maxHeapWords?: number;
  fullsweepAfter?: number;
}

export interface ReceiveOptions {
  /** How long to wait, in ms (default: forever). */
  timeoutMs?: number;
  /** Abandons the wait when it fires (the receive rejects with an AbortError). */
  signal?: AbortSignal;
}

export interface ExitEvent {
  pid: Pid;
  /** The exit reason, any term, as JS sees it (host/etf.ts; undefined if it holds a fun, which cannot leave the module). */
  reason: unknown;
  /** The reason written as Erlang would print it, plus the trap's message for crashes. */
  text: string;
}

export interface TraceEvent {
  pid: Pid;
  /** What happened (assembly/boundary/codes.ts Trace). */
  code: number;
  value: bigint;
}

export interface GcEvent {
  /** Whose heap was collected (null: the shared heap of the baseline). */
  pid: Pid | null;
  kind: "minor" | "major";
  /** The pause, in microseconds of host time. */
  pauseUs: number;
  /** Live words after it, and the words the heap holds. */
  liveWords: number;
  heapWords: number;
}

export interface HeapInfo {
  /** Words held (young and old generations, fragments). */
  heapWords: number;
  /** Words in use by terms. */
  usedWords: number;
  minorCollections: number;
  majorCollections: number;
  /** Bytes of off-heap binaries it refers to. */
  offHeapBytes: number;
}

export interface Stats {
  backend: Backend;
  alive: number;
  spawned: number;
  switches: number;
  reductions: number;
  slots: number;
  maxProcesses: number;
  /** Bytes of the module's linear memory. */
  memoryBytes: number;
  /** Bytes of heap blocks held by all processes. */
  heapBytes: number;
  /** Off-heap binaries alive, and their bytes. */
  offHeapBinaries: number;
  offHeapBytes: number;
  /** Messages sent since start, and waiting in mailboxes now. */
  messagesSent: number;
  messagesQueued: number;
}

/** What a started module hands the facade (Runtime's constructor). */
export interface Core {
  ex: CoreExports;
  backend: Backend;
  backendReason: string;
  sliceMs: number;
  /** WasmFX stacks reserved from the process-wide budget (0 on Asyncify). */
  fxStacks: number;
}

const u32 = (v: number) => Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff;

/** `v`, checked to be a whole number in 0..2^32-1 (`what` names it in the error): a count the module takes as u32. */
function wordCount(v: number, what: string): number {
  if (!u32(v)) throw new BadargError(`${what} must be a whole number from 0 to 2^32-1, not ${String(v)}`);
  return v;
}

export class Runtime {
  /** The fiber backend running this runtime. */
  readonly backend: Backend;
  /** Why that backend was chosen. */
  readonly backendReason: string;

  protected readonly ex: CoreExports;
  private readonly driver: Driver;
  private readonly fxStacks: number;
  private readonly atoms = new Map<string, bigint>();
  private readonly exitListeners: ((e: ExitEvent) => void)[] = [];
  private readonly traceListeners: ((e: TraceEvent) => void)[] = [];
  private readonly gcListeners: ((e: GcEvent) => void)[] = [];
  private readonly messageListeners: ((value: unknown) => void)[] = [];
  private readonly hostQueue: unknown[] = [];
  private crashDetail: string | undefined;

  protected constructor(core: Core) {
    this.ex = core.ex;
    this.backend = core.backend;
    this.backendReason = core.backendReason;
    this.fxStacks = core.fxStacks;
    this.driver = new Driver(core.ex, core.sliceMs, (e) => this.recover(e));
  }

  /** Load a backend and start a runtime with no processes. */
  static async start(opts: StartOptions = {}): Promise<Runtime> {
    return Runtime.launch(opts, (core) => new Runtime(core));
  }

  /** Load and initialise the module for `opts`, and make the runtime object with `make` (subclasses' start). */
  protected static async launch<R extends Runtime>(opts: StartOptions, make: (core: Core) => R): Promise<R> {
    const platform = currentPlatform();
    const choice = opts.backend ?? "auto";
    if (choice !== "auto" && choice !== "fx" && choice !== "asyncify") throw new BadargError(`unknown backend '${String(choice)}' (auto, fx or asyncify)`);
    const sliceMs = opts.sliceMs ?? 5;
    if (!(sliceMs >= 0)) throw new BadargError(`sliceMs must be a number >= 0, not ${String(sliceMs)}`);
    const heapDefaults: Required<HeapPolicy> = {
      minHeapWords: wordCount(opts.minHeapWords ?? DEFAULT_MIN_HEAP_WORDS, "minHeapWords"),
      maxHeapWords: wordCount(opts.maxHeapWords ?? DEFAULT_MAX_HEAP_WORDS, "maxHeapWords"),
      fullsweepAfter: wordCount(opts.fullsweepAfter ?? DEFAULT_FULLSWEEP_AFTER, "fullsweepAfter"),
    };
    const sliceReductions = wordCount(opts.sliceReductions ?? DEFAULT_SLICE_REDUCTIONS, "sliceReductions");
    const shadowStackBytes = wordCount(opts.shadowStackBytes ?? DEFAULT_SHADOW_STACK_BYTES, "shadowStackBytes");
    let maxProcs = opts.maxProcesses ?? 1 << 20;
    if (!Number.isInteger(maxProcs) || maxProcs < 1 || maxProcs > PID_SLOTS) throw new BadargError(`maxProcesses must be a whole number from 1 to ${PID_SLOTS}, not ${String(maxProcs)}`);

    // WasmFX is loaded only where it could be chosen: asked for, or faster here
    const v8 = engineV8();
    const wantFx = choice === "fx" || (choice === "auto" && fasterBackend(v8, opts.measurement).backend === "fx");
    let fxModule: WebAssembly.Module | undefined;
    if (wantFx) {
      const source = await moduleSource("fx", opts.modules?.fx, platform);
      if (source === undefined && choice === "fx") throw missingModule("fx", platform);
      fxModule = source === undefined ? undefined : await compileModule(source, true);
    }
    const { backend, reason } = chooseBackend(choice, wantFx ? fxModule !== undefined : undefined, opts.measurement, v8);
    let module = fxModule;
    if (backend === "asyncify") {
      const source = await moduleSource("asyncify", opts.modules?.asyncify, platform);
      if (source === undefined) throw missingModule("asyncify", platform);
      module = await compileModule(source, false);
    }

    let rt: Runtime | undefined;
    const ex = await instantiateCore(module!, {
      now: nowMs,
      proc_trace: (pid, code, value) => rt?.emitTrace(pid, code, value),
      exited: (pid, ptr, len) => rt?.emitExit(pid, ptr, len),
      gc_event: (pid, kind, ms, live, heapWords) => rt?.emitGc(pid, kind, ms, live, heapWords),
      host_message: (ptr, len) => rt?.emitMessage(ptr, len),
    });
    const built = ex.backend() === BackendId.FX ? "fx" : ex.backend() === BackendId.ASYNCIFY ? "asyncify" : `backend ${ex.backend()}`;
    if (built !== backend) throw new BadargError(`modules.${backend} is the ${built} build`);

    // on WasmFX each process slot may hold a stack: reserve them from the engine's budget
    const fxStacks = backend === "fx" ? (maxProcs = reserveFxStacks(maxProcs, fxEngineCap(platform.fxStackCap(), v8))) : 0;
    if (backend === "fx" && fxStacks === 0) {
      throw new SystemLimitError("no WasmFX stacks left in this JS process: other fx runtimes hold them all (stop one, or start them with a smaller maxProcesses)");
    }
    try {
      ex.init(maxProcs, sliceReductions, shadowStackBytes, 0,
        heapDefaults.minHeapWords, heapDefaults.maxHeapWords, heapDefaults.fullsweepAfter,
        opts.sharedHeap ? 1 : 0, opts.poisonFromSpace ? 1 : 0);
      const made = make({ ex, backend, backendReason: reason, sliceMs, fxStacks });
      rt = made;
      return made;
    } catch (e) {
      releaseFxStacks(fxStacks);
      throw e;
    }
  }

  // ── processes

  /**
   * Spawn a process running entry(arg): `program` is an entry's function-table index (a program
   * module's names for its entries come with it: shoal/testing's TestRuntime takes names), `arg`
   * any value with a term (host/etf.ts), copied into the new process's heap. Throws BadargError for
   * an unknown entry or a value with no term, SystemLimitError at the process limit.
   */
  spawn(program: string | number, arg: unknown = [], opts: { priority?: Priority } = {}): Pid {
    this.checkRunning();
    const entry = this.entryOf(program);
    const priority = Object.hasOwn(PRIORITIES, opts.priority ?? "normal") ? PRIORITIES[opts.priority ?? "normal"] : undefined;
    if (priority === undefined) throw new BadargError(`unknown priority '${opts.priority}' (max, high, normal or low)`);
    const bytes = this.termBytes(arg);
    const t = this.ex.spawn_encoded(entry, this.toModule(bytes), bytes.length, priority);
    this.driver.poke();
    if (isPidTerm(t)) return new Pid(t);
    if (t === atomTerm(PredefinedAtom.BADARG)) throw new BadargError("a process cannot hold this value (bitstrings, references and funs have no term here)");
    throw new SystemLimitError(`cannot spawn past ${this.ex.stat_max_processes()} live processes on ${this.backend} (or the atom table is full)`);
  }

  /** The function-table index `program` names: here only an index, checked to hold a function. */
  protected entryOf(program: string | number): number {
    if (typeof program !== "number") {
      throw new BadargError(`no entry named '${String(program)}': spawn takes a function-table index here (TestRuntime, shoal/testing, knows the test programs by name)`);
    }
    const table = this.ex.table;
    if (!Number.isInteger(program) || program < 0 || program >= table.length || table.get(program) === null) {
      throw new BadargError(`${String(program)} is not an entry of this module's function table`);
    }
    return program;
  }

  /** End `pid` with `reason` (default kill; any value with a term); false if it was not alive. */
  kill(pid: Pid, reason: unknown = Atom.of("kill")): boolean {
    this.checkRunning();
    const bytes = this.termBytes(reason);
    const r = this.ex.kill_encoded(pid.term, this.toModule(bytes), bytes.length);
    this.driver.poke();
    if (r === HostResult.MALFORMED) throw new BadargError("a process cannot hold this reason (bitstrings, references and funs have no term here)");
    if (r === HostResult.LIMIT) throw new SystemLimitError("the atom table is full");
    return r === HostResult.OK;
  }

  /** Whether `pid` names a live process. */
  isAlive(pid: Pid): boolean { return !this.driver.stopped && !!this.ex.is_alive(pid.term); }

  /** Bytes of linear memory a live process holds (block, saved frames, shadow stack). */
  processMemory(pid: Pid): number { return this.ex.process_bytes(pid.term); }

  /** Make a process that waits with no timer runnable; false if it was not waiting. */
  wake(pid: Pid): boolean {
    this.checkRunning();
    const woken = !!this.ex.wake(pid.term);
    this.driver.poke();
    return woken;
  }

  // ── events

  /** Call `f` for every process exit. */
  onExit(f: (e: ExitEvent) => void): () => void {
    this.ex.report_exits(1);   // exits cost a host call each only while someone listens
    const off = addListener(this.exitListeners, f);
    return () => { off(); if (!this.exitListeners.length) this.ex.report_exits(0); };
  }

  /** Call `f` for every trace event a process sends. */
  onTrace(f: (e: TraceEvent) => void): () => void { return addListener(this.traceListeners, f); }

  /** Call `f` after every collection, with its pause (turns pause reports on while someone listens). */
  onGc(f: (e: GcEvent) => void): () => void {
    this.ex.gc_report_pauses(1);
    const off = addListener(this.gcListeners, f);
    return () => { off(); if (!this.gcListeners.length) this.ex.gc_report_pauses(0); };
  }

  // ── heaps

  /** Collect a process's heap now, running or suspended (major: a full sweep); false if it is dead. */
  garbageCollect(pid: Pid, major = true): boolean { this.checkRunning(); return !!this.ex.garbage_collect(pid.term, major ? 1 : 0); }

  /**
   * Change a live process's heap policy, in words (as process_flag(max_heap_size, ...)): the fields
   * given change, the others keep their value. False if the process is dead (or the heap is shared).
   */
  setHeapPolicy(pid: Pid, p: HeapPolicy): boolean {
    this.checkRunning();
    const now = (what: HeapFigure) => Number(this.ex.process_heap(pid.term, what));
    if (now(HeapFigure.WORDS) < 0) return false;
    return !!this.ex.set_heap_policy(pid.term,
      wordCount(p.minHeapWords ?? now(HeapFigure.MIN_WORDS), "minHeapWords"),
      wordCount(p.maxHeapWords ?? now(HeapFigure.MAX_WORDS), "maxHeapWords"),
      wordCount(p.fullsweepAfter ?? now(HeapFigure.FULLSWEEP_AFTER), "fullsweepAfter"));
  }

  /** Heap figures of a live process, or null if it is dead. */
  heapInfo(pid: Pid): HeapInfo | null {
    const ex = this.ex, t = pid.term;
    const words = ex.process_heap(t, HeapFigure.WORDS);
    if (words < 0n) return null;
    return {
      heapWords: Number(words),
      usedWords: Number(ex.process_heap(t, HeapFigure.USED_WORDS)),
      minorCollections: Number(ex.process_heap(t, HeapFigure.MINORS)),
      majorCollections: Number(ex.process_heap(t, HeapFigure.MAJORS)),
      offHeapBytes: Number(ex.process_heap(t, HeapFigure.OFFHEAP_BYTES)),
    };
  }

  // ── driving (host/driver.ts)

  /**
   * Run one host slice synchronously: process slices until `budgetMs` of host time has passed
   * (or at most `maxSlices` of them); returns a schedule status (assembly/boundary/codes.ts Status:
   * 0 idle, 1 runnable, 2 timers, 3 waiting).
   */
  runSlice(budgetMs?: number, maxSlices?: number): number { return this.driver.runSlice(budgetMs, maxSlices); }

  /** Run processes, a slice at a time, until none is runnable or has a timer, `until()` holds, or `timeoutMs` passes. */
  run(opts: { until?: () => boolean; timeoutMs?: number } = {}): Promise<RunOutcome> { return this.driver.run(opts); }

  // ── messages (JS values cross as External Term Format: the mapping is in host/etf.ts)

  /** The pid that processes send to in order to reach the host. */
  get hostPid(): Pid { return new Pid(this.ex.host_pid()); }

  /**
   * Send `value` to a process, copied into its heap; `to` is a pid or a registered name.
   * False if the pid is dead or stale (the message is dropped, as in Erlang). Throws BadargError
   * for an unregistered name or a value with no term, SystemLimitError when the atom table is full.
   */
  send(to: Pid | Atom | string, value: unknown): boolean {
    this.checkRunning();
    let pid: Pid;
    if (to instanceof Pid) pid = to;
    else {
      const found = this.whereis(to);
      if (!found) throw new BadargError(`no process is registered as '${typeof to === "string" ? to : to.name}'`);
      pid = found;
    }
    const bytes = this.termBytes(value);
    const r = this.ex.host_send(pid.term, this.toModule(bytes), bytes.length);
    this.driver.poke();
    if (r === HostResult.MALFORMED) throw new BadargError("a process cannot hold this value (bitstrings, references and funs have no term here)");
    if (r === HostResult.LIMIT) throw new SystemLimitError("the atom table is full");
    return r === HostResult.OK;
  }

  /**
   * The next message a process sent to the host (to `hostPid`), decoded. Waits up to `timeoutMs`
   * (default: forever; a number is taken as timeoutMs), running the processes meanwhile unless
   * someone else does, and waiting on when none can run (a spawn or send from JS may come).
   * Rejects with TimeoutError once timeoutMs has passed, AbortError when `signal` fires, and
   * StoppedError if the runtime stops. While onMessage has listeners, messages go to them instead.
   */
  async receive(opts: number | ReceiveOptions = {}): Promise<unknown> {
    const { timeoutMs = Infinity, signal } = typeof opts === "number" ? { timeoutMs: opts } : opts;
    if (typeof timeoutMs !== "number" || !(timeoutMs >= 0)) {
      throw new BadargError(`receive: timeoutMs must be a number >= 0 (or Infinity), not ${String(timeoutMs)}`);
    }
    if (this.hostQueue.length) return this.hostQueue.shift();
    const end = nowMs() + timeoutMs;
    const aborted = () => new AbortError("receive abandoned: its signal fired", { cause: signal?.reason });
    if (signal?.aborted) throw aborted();
    const poke = () => this.driver.poke();
    signal?.addEventListener("abort", poke, { once: true });
    try {
      for (;;) {
        if (this.hostQueue.length) return this.hostQueue.shift();
        if (signal?.aborted) throw aborted();
        if (this.driver.stopped) throw new StoppedError();
        if (nowMs() >= end) throw new TimeoutError(`receive: no message for the host in ${timeoutMs} ms`);
        if (!this.driver.driving) {
          const outcome = await this.driver.run({
            until: () => this.hostQueue.length > 0 || !!signal?.aborted,
            timeoutMs: end - nowMs(),
          });
          if (outcome !== "idle") continue;
        }
        // no process left (or another caller drives): wait for a message, new work, the signal or the deadline
        await this.driver.sleep(end);
      }
    } finally {
      signal?.removeEventListener("abort", poke);
    }
  }

  /** Call `f` with every message sent to the host; while someone listens, receive() sees none of them. */
  onMessage(f: (value: unknown) => void): () => void { return addListener(this.messageListeners, f); }

  /** Register `pid` under `name`; false (badarg) if the name is taken, the process is dead or already named. */
  register(name: Atom | string, pid: Pid): boolean {
    return !!this.ex.register(this.atomTerm(typeof name === "string" ? name : name.name), pid.term);
  }

  /** Remove a registered name; false if it was not registered. */
  unregister(name: Atom | string): boolean {
    return !!this.ex.unregister(this.atomTerm(typeof name === "string" ? name : name.name));
  }

  /** The pid registered under `name`, or undefined. */
  whereis(name: Atom | string): Pid | undefined {
    const t = this.ex.whereis(this.atomTerm(typeof name === "string" ? name : name.name));
    return isPidTerm(t) ? new Pid(t) : undefined;
  }

  /** Messages waiting in a live process's mailbox, or -1 if it is dead. */
  mailboxLength(pid: Pid): number { return this.ex.mailbox_length(pid.term); }

  // ── the runtime as a whole

  /** Counters of this runtime. */
  stats(): Stats {
    const ex = this.ex;
    return {
      backend: this.backend,
      alive: ex.stat_live(),
      spawned: Number(ex.stat_spawned()),
      switches: Number(ex.stat_switches()),
      reductions: Number(ex.stat_reductions()),
      slots: ex.stat_slots(),
      maxProcesses: ex.stat_max_processes(),
      memoryBytes: ex.memory.buffer.byteLength,
      heapBytes: Number(ex.stat_heap_bytes()),
      offHeapBinaries: ex.stat_offheap_count(),
      offHeapBytes: Number(ex.stat_offheap_bytes()),
      messagesSent: Number(ex.stat_messages_sent()),
      messagesQueued: Number(ex.stat_messages_queued()),
    };
  }

  /** End every process and release their stacks; the runtime cannot be used after (StoppedError). */
  stop(): void {
    if (this.driver.stopped) return;
    this.ex.kill_all();   // on WasmFX each live stack must be ended, or the engine never frees it
    releaseFxStacks(this.fxStacks);
    this.driver.stop();
  }

  // ── terms

  /** The atom term for `name`, interned in this runtime. */
  atomTerm(name: string): bigint {
    let t = this.atoms.get(name);
    if (t !== undefined) return t;
    const bytes = new TextEncoder().encode(name);
    const i = this.ex.atom_intern(this.toModule(bytes), bytes.length);
    if (i < 0) throw new SystemLimitError("the atom table is full");
    t = atomTerm(i);
    this.atoms.set(name, t);
    return t;
  }

  /** The name of an atom term. */
  atomName(t: bigint): string {
    const i = atomIndexOf(t);
    const ptr = this.ex.atom_name_ptr(i), len = this.ex.atom_name_len(i);
    return new TextDecoder().decode(new Uint8Array(this.ex.memory.buffer, ptr, len));
  }

  /** `value` in the External Term Format; BadargError if it has no term. */
  private termBytes(value: unknown): Uint8Array {
    try {
      return encode(value);
    } catch (e) {
      throw new BadargError(`no term for this value: ${(e as Error).message ?? String(e)}`, { cause: e });
    }
  }

  /** Copy `bytes` into the module's I/O buffer; its address, valid until the next call that uses the buffer. */
  protected toModule(bytes: Uint8Array): number {
    const ptr = this.ex.io_buffer(bytes.length);
    new Uint8Array(this.ex.memory.buffer, ptr, bytes.length).set(bytes);
    return ptr;
  }

  // ── what the module calls (host/load/core.ts CoreImports)

  private emitTrace(pid: bigint, code: number, value: bigint): void {
    if (!this.traceListeners.length) return;
    const e = { pid: new Pid(pid), code, value };
    for (const f of this.traceListeners) f(e);
  }

  private emitMessage(ptr: number, len: number): void {
    const value = decode(new Uint8Array(this.ex.memory.buffer, ptr, len).slice());
    if (this.messageListeners.length) { for (const f of this.messageListeners) f(value); return; }
    this.hostQueue.push(value);
    this.driver.poke();
  }

  private emitGc(pid: bigint, kind: number, ms: number, live: number, heapWords: number): void {
    const e: GcEvent = {
      pid: pid === 0n ? null : new Pid(pid), kind: kind ? "major" : "minor",
      pauseUs: ms * 1000, liveWords: live, heapWords,
    };
    for (const f of this.gcListeners) f(e);
  }

  private emitExit(pid: bigint, ptr: number, len: number): void {
    const detail = this.crashDetail;
    this.crashDetail = undefined;
    if (!this.exitListeners.length) return;
    const value = len ? decode(new Uint8Array(this.ex.memory.buffer, ptr, len).slice()) : undefined;
    const text = (len ? formatTerm(value) : "#Fun<...>") + (detail ? ` (${detail})` : "");
    const e = { pid: new Pid(pid), reason: value, text };
    for (const f of this.exitListeners) f(e);
  }

  /** A JS exception left schedule(): if a process was running, it ends with a reason; otherwise rethrow. */
  private recover(e: unknown): void {
    if (this.ex.current_pid() === 0n) throw e;
    const reason = e instanceof RangeError ? PredefinedAtom.STACK_OVERFLOW
      : e instanceof ModuleAbort ? PredefinedAtom.ABORT : PredefinedAtom.TRAP;
    this.crashDetail = e instanceof Error ? e.message : String(e);
    this.ex.crash(reason);
  }

  protected checkRunning(): void {
    if (this.driver.stopped) throw new StoppedError();
  }
}

function missingModule(backend: Backend, platform: Platform): ShoalError {
  return new ShoalError("enoent", platform.name === "node"
    ? `build/shoal.${backend}.wasm not found: run \`npm run build\` first, or pass StartOptions.modules.${backend}`
    : `no ${backend} module: pass StartOptions.modules.${backend} (the bytes or URL of shoal.${backend}.wasm)`);
}

function addListener<T>(list: T[], f: T): () => void {
  list.push(f);
  return () => { const i = list.indexOf(f); if (i >= 0) list.splice(i, 1); };
}
