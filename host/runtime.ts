// The host side of a Shoal runtime: loads a backend's module, drives the
// scheduler from the host's event loop, and turns traps into process exits.
//
// Driving: run() calls the module's schedule() with a deadline `sliceMs`
// ahead, then gives the event loop a turn (setImmediate in Node, a message in
// a page) before the next slice, so timers, I/O and rendering keep going
// however busy the processes are. Preemption inside a slice is by reductions,
// never by a JS timer. When nothing is runnable, run() sleeps until the next
// process timer, or returns once every process waits with no timer.
//
// Crashes: a trap in a process (native stack overflow, unreachable, a bad
// memory access, an abort) leaves schedule() as a JS exception; the runtime
// tells the module (crash), which ends that process alone with a reason, and
// scheduling goes on.

import { instantiate } from "@assemblyscript/loader";
import { Backend, BackendChoice, BackendMeasurement, chooseBackend, engineHasWasmFX, reserveFxStacks, releaseFxStacks } from "./backend";
import { Atom, Pid, NIL, atomIndexOf, atomTerm, isAtomTerm, isPidTerm, isSmallTerm, smallTerm, smallValue } from "./terms";
import { encode, decode } from "./etf";

/** Exports of build/shoal.{fx,asyncify}.wasm (assembly/index.ts). */
interface CoreExports {
  memory: WebAssembly.Memory;
  init(maxProcs: number, slice: number, shadowMax: number, reportExits: number,
    minHeap: number, maxHeap: number, fullsweepAfter: number, sharedHeap: number, poison: number): void;
  gc_report_pauses(on: number): void;
  garbage_collect(pid: bigint, major: number): number;
  set_heap_policy(pid: bigint, min: number, max: number, fullsweepAfter: number): number;
  process_heap(pid: bigint, what: number): bigint;
  wake(pid: bigint): number;
  stat_heap_bytes(): bigint;
  stat_offheap_count(): number;
  stat_offheap_bytes(): bigint;
  machine_load(ptr: number, len: number): number;
  host_send(pid: bigint, ptr: number, len: number): number;
  host_pid(): bigint;
  register(name: bigint, pid: bigint): number;
  unregister(name: bigint): number;
  whereis(name: bigint): bigint;
  stat_messages_sent(): bigint;
  stat_messages_queued(): bigint;
  mailbox_length(pid: bigint): number;
  fanin_config(m: bigint): void;
  copy_config(reps: bigint): void;
  report_exits(on: number): void;
  backend(): number;
  schedule(maxSlices: number, until: number): number;
  next_deadline(): number;
  crash(atom: number): bigint;
  current_pid(): bigint;
  kill(pid: bigint, reason: bigint): number;
  kill_all(): void;
  is_alive(pid: bigint): number;
  process_bytes(pid: bigint): number;
  spawn(entry: number, arg: bigint, priority: number): bigint;
  stat_live(): number;
  stat_spawned(): bigint;
  stat_switches(): bigint;
  stat_reductions(): bigint;
  stat_slots(): number;
  stat_max_processes(): number;
  io_buffer(size: number): number;
  atom_intern(ptr: number, len: number): number;
  atom_name_ptr(i: number): number;
  atom_name_len(i: number): number;
  program_count(): number;
  program_name(i: number): bigint;
  program_entry(i: number): number;
  c10m_config(total: bigint, window: number): void;
}

const STATUS = { IDLE: 0, RUNNABLE: 1, TIMERS: 2, WAITING: 3 } as const;
const PRIORITIES = { max: 0, high: 1, normal: 2, low: 3 } as const;
export type Priority = keyof typeof PRIORITIES;

/** A value that can be handed to a process as a term: an integer, an atom or a pid. */
export type TermLike = number | bigint | Atom | Pid | null;
/** A term as JS sees it: small integers as numbers (bigint past 2^53), atoms, pids, null for []. */
export type TermValue = number | bigint | Atom | Pid | null | { raw: bigint };

export interface StartOptions {
  /** Which fiber backend: "auto" (default) picks the faster one this engine can run. */
  backend?: BackendChoice;
  /** Most processes alive at once (default 1,048,576; on WasmFX also capped by the stacks the engine can hold, host/backend.ts). */
  maxProcesses?: number;
  /** Reductions per slice (default 4000, as on BEAM). */
  sliceReductions?: number;
  /** Largest shadow stack one process may grow to, in bytes (default 1 MiB). */
  shadowStackBytes?: number;
  /** Host time one slice may take before the event loop gets a turn (default 5 ms). */
  sliceMs?: number;
  /** Heap policy for every process, in words (as BEAM's spawn options): min (default 233), max (default none). */
  minHeapWords?: number;
  maxHeapWords?: number;
  /** Minor collections between full sweeps (BEAM's fullsweep_after; default 65535). */
  fullsweepAfter?: number;
  /** Run every process on one shared heap with one collector: the baseline the GC benchmark compares against. */
  sharedHeap?: boolean;
  /** Debug: poison from-space after each collection, so a stale pointer traps in tests. */
  poisonFromSpace?: boolean;
  /** The built modules, when not read from build/ (in a page, pass the bytes). */
  modules?: Partial<Record<Backend, BufferSource>>;
  /** A measurement of this engine, for "auto" (default: bench/results/backend.json if present). */
  measurement?: BackendMeasurement;
}

export interface ExitEvent {
  pid: Pid;
  reason: TermValue;
  /** The reason written as Erlang would print it, plus the trap's message for crashes. */
  text: string;
}

export interface TraceEvent {
  pid: Pid;
  /** What happened (assembly/programs.ts TRACE_*): 1 step, 2 done, 3 progress, 4 slept. */
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

export type RunOutcome = "idle" | "waiting" | "until" | "timeout";

/** Raised where the runtime hits a limit (BEAM's system_limit), e.g. spawning past the process limit. */
export class SystemLimitError extends Error {
  readonly reason = Atom.of("system_limit");
  constructor(what: string) {
    super(`system_limit: ${what}`);
    this.name = "SystemLimitError";
  }
}

const MAX_SLICES_PER_CALL = 4096;
const nowMs: () => number = () => performance.now();
const turnEventLoop: () => Promise<void> =
  typeof setImmediate === "function"
    ? () => new Promise((r) => setImmediate(r))
    : () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });

/** A file of the project (`rel` from its root), seen from host/ (ts-jest) or dist/host/; its bytes, or undefined. */
function readProjectFile(rel: string): Buffer | undefined {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  for (const root of [path.join(__dirname, ".."), path.join(__dirname, "..", "..")]) {
    const file = path.join(root, rel);
    if (fs.existsSync(file)) return fs.readFileSync(file);
  }
  return undefined;
}

/** Where `npm run build` leaves the modules. */
function readModule(backend: Backend): Uint8Array {
  const bytes = readProjectFile(`build/shoal.${backend}.wasm`);
  if (!bytes) throw new Error(`build/shoal.${backend}.wasm not found: run \`npm run build\` first`);
  return bytes;
}

/** The measurement `npm run bench` leaves for "auto", if there is one. */
function readMeasurement(): BackendMeasurement | undefined {
  try {
    const bytes = readProjectFile("bench/results/backend.json");
    return bytes && JSON.parse(bytes.toString("utf8"));
  } catch { return undefined; }   // no measurement: fall back to the documented figures
}

export class Runtime {
  private readonly atoms = new Map<string, bigint>();
  private readonly programs = new Map<string, number>();
  private readonly exitListeners: ((e: ExitEvent) => void)[] = [];
  private readonly traceListeners: ((e: TraceEvent) => void)[] = [];
  private readonly gcListeners: ((e: GcEvent) => void)[] = [];
  private readonly messageListeners: ((value: unknown) => void)[] = [];
  private readonly hostQueue: unknown[] = [];
  private driving = false;
  private crashDetail: string | undefined;
  private stopped = false;

  private constructor(
    private readonly ex: CoreExports,
    /** The fiber backend running this runtime. */
    readonly backend: Backend,
    /** Why that backend was chosen. */
    readonly backendReason: string,
    private readonly sliceMs: number,
    private readonly fxStacks: number,
  ) {}

  /** Load a backend and start a runtime with no processes. */
  static async start(opts: StartOptions = {}): Promise<Runtime> {
    const fxBytes = opts.modules?.fx ?? (typeof window === "undefined" ? tryRead("fx") : undefined);
    const fxOk = !!fxBytes && engineHasWasmFX(new Uint8Array(fxBytes as ArrayBuffer));
    const { backend, reason } = chooseBackend(opts.backend ?? "auto", fxOk, opts.measurement ?? readMeasurement());
    const bytes = backend === "fx" ? fxBytes! : opts.modules?.asyncify ?? readModule("asyncify");
    let rt: Runtime | undefined;
    const imports = {
      env: {
        now: nowMs,
        proc_trace: (pid: bigint, code: number, value: bigint) => rt!.emitTrace(pid, code, value),
        exited: (pid: bigint, reason: bigint) => rt!.emitExit(pid, reason),
        gc_event: (pid: bigint, kind: number, ms: number, live: number, heapWords: number) =>
          rt!.emitGc(pid, kind, ms, live, heapWords),
        host_message: (ptr: number, len: number) => rt!.emitMessage(ptr, len),
      },
    };
    const { exports } = await instantiate<Record<string, unknown>>(bytes as BufferSource, imports as never);
    const ex = exports as unknown as CoreExports;
    let maxProcs = opts.maxProcesses ?? 1 << 20;
    // on WasmFX each process slot may hold a stack: reserve them from the engine's budget
    const fxStacks = backend === "fx" ? (maxProcs = reserveFxStacks(maxProcs)) : 0;
    if (backend === "fx" && fxStacks === 0) {
      throw new SystemLimitError("no WasmFX stacks left in this JS process: other fx runtimes hold them all (stop one, or start them with a smaller maxProcesses)");
    }
    rt = new Runtime(ex, backend, reason, opts.sliceMs ?? 5, fxStacks);
    ex.init(maxProcs, opts.sliceReductions ?? 4000, opts.shadowStackBytes ?? 1 << 20, 0,
      opts.minHeapWords ?? 233, opts.maxHeapWords ?? 0, opts.fullsweepAfter ?? 65535,
      opts.sharedHeap ? 1 : 0, opts.poisonFromSpace ? 1 : 0);
    for (let i = 0, n = ex.program_count(); i < n; i++) {
      rt.programs.set(rt.atomName(ex.program_name(i)), ex.program_entry(i));
    }
    return rt;
  }

  /** Spawn a built-in program (by name) or a function-table entry (by index); throws SystemLimitError at the limit. */
  spawn(program: string | number, arg: TermLike = null, opts: { priority?: Priority } = {}): Pid {
    this.checkRunning();
    const entry = typeof program === "number" ? program : this.programs.get(program);
    if (entry === undefined) throw new Error(`no program named '${program}' (have: ${[...this.programs.keys()].join(", ")})`);
    const priority = PRIORITIES[opts.priority ?? "normal"];
    if (priority === undefined) throw new Error(`unknown priority '${opts.priority}'`);
    const t = this.ex.spawn(entry, this.toTerm(arg), priority);
    this.nudge?.();
    if (!isPidTerm(t)) {
      throw new SystemLimitError(`cannot spawn past ${this.ex.stat_max_processes()} live processes on ${this.backend}`);
    }
    return new Pid(t);
  }

  /** Function-table index of a built-in program (what a fun made by it records as its entry). */
  programEntry(name: string): number {
    const e = this.programs.get(name);
    if (e === undefined) throw new Error(`no program named '${name}'`);
    return e;
  }

  /** End `pid` with `reason` (default kill); false if it was not alive. */
  kill(pid: Pid, reason: TermLike = Atom.of("kill")): boolean {
    this.checkRunning();
    this.nudge?.();
    return !!this.ex.kill(pid.term, this.toTerm(reason));
  }

  /** Whether `pid` names a live process. */
  isAlive(pid: Pid): boolean { return !this.stopped && !!this.ex.is_alive(pid.term); }

  /** Bytes of linear memory a live process holds (block, saved frames, shadow stack). */
  processMemory(pid: Pid): number { return this.ex.process_bytes(pid.term); }

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

  /** Collect a process's heap now, running or suspended (major: a full sweep); false if it is dead. */
  garbageCollect(pid: Pid, major = true): boolean { this.checkRunning(); return !!this.ex.garbage_collect(pid.term, major ? 1 : 0); }

  /** Set a live process's heap policy, in words (as process_flag(max_heap_size, ...)). */
  setHeapPolicy(pid: Pid, p: { minHeapWords?: number; maxHeapWords?: number; fullsweepAfter?: number }): boolean {
    return !!this.ex.set_heap_policy(pid.term, p.minHeapWords ?? 233, p.maxHeapWords ?? 0, p.fullsweepAfter ?? 65535);
  }

  /** Heap figures of a live process, or null if it is dead. */
  heapInfo(pid: Pid): HeapInfo | null {
    const ex = this.ex, t = pid.term;
    if (ex.process_heap(t, 0) < 0n) return null;
    return {
      heapWords: Number(ex.process_heap(t, 0)),
      usedWords: Number(ex.process_heap(t, 1)),
      minorCollections: Number(ex.process_heap(t, 2)),
      majorCollections: Number(ex.process_heap(t, 3)),
      offHeapBytes: Number(ex.process_heap(t, 4)),
    };
  }

  /** Make a process that waits with no timer runnable; false if it was not waiting. */
  wake(pid: Pid): boolean { this.checkRunning(); this.nudge?.(); return !!this.ex.wake(pid.term); }

  /** Copy a term-machine program into the module (assembly/programs_gc.ts); its id, the machine's argument. */
  loadMachine(program: Uint8Array): number {
    const ptr = this.ex.io_buffer(program.length);
    new Uint8Array(this.ex.memory.buffer, ptr, program.length).set(program);
    return this.ex.machine_load(ptr, program.length);
  }

  /**
   * Run one host slice synchronously: process slices until `budgetMs` of host time has passed
   * (or at most `maxSlices` of them); returns a schedule status (0 idle, 1 runnable, 2 timers, 3 waiting).
   */
  runSlice(budgetMs = this.sliceMs, maxSlices = Infinity): number {
    this.checkRunning();
    const until = nowMs() + budgetMs;
    for (;;) {
      let status: number;
      const n = Math.min(MAX_SLICES_PER_CALL, maxSlices);
      maxSlices -= n;
      try {
        status = this.ex.schedule(n, until);
      } catch (e) {
        this.recover(e);
        status = STATUS.RUNNABLE;
      }
      if (status !== STATUS.RUNNABLE || nowMs() >= until || maxSlices <= 0) return status;
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
      if (outer) this.driving = false;
    }
  }

  private async drive(until: (() => boolean) | undefined, end: number): Promise<RunOutcome> {
    for (;;) {
      const status = this.runSlice();
      if (until?.()) return "until";
      if (status === STATUS.IDLE) return "idle";
      if (status === STATUS.WAITING && !until) return "waiting";
      if (nowMs() >= end) return "timeout";
      if (status === STATUS.TIMERS || status === STATUS.WAITING) {
        // nothing to run: sleep until the next process timer, the deadline, or the host nudges
        // (a send, spawn or wake from JS makes work that cannot wait for a timer)
        const wake = Math.min(this.ex.next_deadline(), end);
        await new Promise<void>((r) => {
          const t = wake < Infinity ? setTimeout(() => { this.nudge = undefined; r(); }, Math.max(0, wake - nowMs())) : undefined;
          this.nudge = () => { if (t) clearTimeout(t); this.nudge = undefined; r(); };
        });
      } else {
        await turnEventLoop();
      }
    }
  }

  /** Set while run() sleeps with nothing runnable: wakes it. */
  private nudge: (() => void) | undefined;

  // ── messages (JS values cross as External Term Format: the mapping is in host/etf.ts)

  /** The pid that processes send to in order to reach the host. */
  get hostPid(): Pid { return new Pid(this.ex.host_pid()); }

  /**
   * Send `value` to a process, copied into its heap; `to` is a pid or a registered name.
   * False if the pid is dead or stale (the message is dropped, as in Erlang); an unregistered
   * name throws (badarg), as does a value with no term.
   */
  send(to: Pid | Atom | string, value: unknown): boolean {
    this.checkRunning();
    let pid: Pid;
    if (to instanceof Pid) pid = to;
    else {
      const found = this.whereis(to);
      if (!found) throw new Error(`badarg: no process is registered as '${typeof to === "string" ? to : to.name}'`);
      pid = found;
    }
    const bytes = encode(value);
    const ptr = this.ex.io_buffer(bytes.length);
    new Uint8Array(this.ex.memory.buffer, ptr, bytes.length).set(bytes);
    const r = this.ex.host_send(pid.term, ptr, bytes.length);
    this.nudge?.();
    if (r === -1) throw new TypeError("badarg: a process cannot hold this value (bitstrings, references and funs have no term here)");
    if (r === -2) throw new SystemLimitError("the atom table is full");
    return r === 0;
  }

  /**
   * The next message a process sent to the host (to `hostPid`), decoded; waits up to `timeoutMs`
   * (default: forever), running the processes meanwhile if nothing else is, and rejects on timeout.
   */
  async receive(timeoutMs = Infinity): Promise<unknown> {
    if (this.hostQueue.length) return this.hostQueue.shift();
    const end = nowMs() + timeoutMs;
    if (!this.driving) {
      await this.run({ until: () => this.hostQueue.length > 0, timeoutMs });
    } else {
      // someone else drives: wait for the message (or the timeout) without busy-polling
      await new Promise<void>((r) => {
        const t = timeoutMs < Infinity ? setTimeout(done, Math.max(0, end - nowMs())) : undefined;
        const off = this.onQueued(done);
        function done() { if (t) clearTimeout(t); off(); r(); }
      });
    }
    if (!this.hostQueue.length) throw new Error(`receive: no message for the host within ${timeoutMs} ms`);
    return this.hostQueue.shift();
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

  /** Configure the built-in fan-in (M messages per sender) and copy (repetitions) benchmarks. */
  configureFanIn(messagesPerSender: number): void { this.ex.fanin_config(BigInt(messagesPerSender)); }
  configureCopy(repetitions: number): void { this.ex.copy_config(BigInt(repetitions)); }

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

  /** Configure the built-in C10M driver (bench/): `total` processes, at most `window` alive. */
  configureC10M(total: number, window: number): void { this.ex.c10m_config(BigInt(total), window); }

  /** End every process and release their stacks; the runtime cannot be used after. */
  stop(): void {
    if (this.stopped) return;
    this.ex.kill_all();   // on WasmFX each live stack must be ended, or the engine never frees it
    releaseFxStacks(this.fxStacks);
    this.stopped = true;
  }

  /** The atom term for `name`, interned in this runtime. */
  atomTerm(name: string): bigint {
    let t = this.atoms.get(name);
    if (t !== undefined) return t;
    const bytes = new TextEncoder().encode(name);
    const ptr = this.ex.io_buffer(bytes.length);
    new Uint8Array(this.ex.memory.buffer, ptr, bytes.length).set(bytes);
    const i = this.ex.atom_intern(ptr, bytes.length);
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

  /** A JS value as a term (integers, atoms, pids, null for []). */
  toTerm(v: TermLike): bigint {
    if (v === null) return NIL;
    if (typeof v === "number") {
      if (!Number.isInteger(v)) throw new TypeError(`${v} is not an integer (floats come with boxed terms)`);
      return smallTerm(v);
    }
    if (typeof v === "bigint") return smallTerm(v);
    if (v instanceof Atom) return this.atomTerm(v.name);
    if (v instanceof Pid) return v.term;
    throw new TypeError(`cannot pass ${String(v)} to a process`);
  }

  /** A term as a JS value. */
  fromTerm(t: bigint): TermValue {
    if (isSmallTerm(t)) return smallValue(t);
    if (isAtomTerm(t)) return Atom.of(this.atomName(t));
    if (isPidTerm(t)) return new Pid(t);
    if (t === NIL) return null;
    return { raw: t };
  }

  private emitTrace(pid: bigint, code: number, value: bigint): void {
    if (!this.traceListeners.length) return;
    const e = { pid: new Pid(pid), code, value };
    for (const f of this.traceListeners) f(e);
  }

  private emitMessage(ptr: number, len: number): void {
    const value = decode(new Uint8Array(this.ex.memory.buffer, ptr, len).slice());
    if (this.messageListeners.length) { for (const f of this.messageListeners) f(value); return; }
    this.hostQueue.push(value);
    for (const f of this.queuedListeners.splice(0)) f();
  }

  private readonly queuedListeners: (() => void)[] = [];
  /** Call `f` once, when the next message reaches the host queue. */
  private onQueued(f: () => void): () => void { return addListener(this.queuedListeners, f); }

  private emitGc(pid: bigint, kind: number, ms: number, live: number, heapWords: number): void {
    const e: GcEvent = {
      pid: pid === 0n ? null : new Pid(pid), kind: kind ? "major" : "minor",
      pauseUs: ms * 1000, liveWords: live, heapWords,
    };
    for (const f of this.gcListeners) f(e);
  }

  private emitExit(pid: bigint, reason: bigint): void {
    const detail = this.crashDetail;
    this.crashDetail = undefined;
    if (!this.exitListeners.length) return;
    const value = this.fromTerm(reason);
    const text = String(value) + (detail ? ` (${detail})` : "");
    const e = { pid: new Pid(pid), reason: value, text };
    for (const f of this.exitListeners) f(e);
  }

  /** A JS exception left schedule(): if a process was running, it ends with a reason; otherwise rethrow. */
  private recover(e: unknown): void {
    if (this.ex.current_pid() === 0n) throw e;
    let reason = "trap";
    if (e instanceof RangeError) reason = "stack_overflow";
    else if (e instanceof Error && e.message.startsWith("abort:")) reason = "abort";
    this.crashDetail = e instanceof Error ? e.message : String(e);
    const i = atomIndexOf(this.atomTerm(reason));
    this.ex.crash(i);
  }

  private checkRunning(): void {
    if (this.stopped) throw new Error("this runtime has been stopped");
  }
}

function tryRead(backend: Backend): Uint8Array | undefined {
  try { return readModule(backend); } catch { return undefined; }
}

function addListener<T>(list: T[], f: T): () => void {
  list.push(f);
  return () => { const i = list.indexOf(f); if (i >= 0) list.splice(i, 1); };
}
