// The public face of a Shoal runtime: start one (load a backend's module and
// initialise it), spawn and kill processes, exchange messages with them, and
// run them from the host's event loop (host/driver.ts). Loading is in
// host/load/, the errors in host/errors.ts.
//
// Callbacks (onMessage, onExit, onTrace, onGc) run synchronously while the
// module is running, inside the call that made the event (a process's send
// to the host, its exit, a collection). From there the runtime is not
// re-entered: send, kill and stop take effect as soon as the module has
// returned (right after the host slice: the schedule() call, at most sliceMs;
// before the next one), run() and receive() start driving then,
// and the calls that must answer at once and would change the module (spawn,
// runSlice, register, unregister, wake, garbageCollect, setHeapPolicy) are
// refused with a BadargError. Reading calls (isAlive, whereis, stats, ...)
// work anywhere. A callback that throws never ends a process: its error goes
// to onError listeners, or, with none, is thrown from the call that was
// running the module (run(), receive(), runSlice(), kill(), ...) once the
// slice is over.

import { AtomResult, HeapFigure, HostResult, Priority as PriorityCode, BackendId } from "../assembly/boundary/codes.js";
import {
  DEFAULT_FULLSWEEP_AFTER, DEFAULT_MAX_HEAP_WORDS, DEFAULT_MIN_HEAP_WORDS, DEFAULT_SHADOW_STACK_BYTES, DEFAULT_SLICE_REDUCTIONS,
  MAX_ATOM_CHARS,
} from "../assembly/boundary/defaults.js";
import { PredefinedAtom } from "../assembly/boundary/atoms.js";
import {
  Backend, BackendChoice, BackendMeasurement, chooseBackend, engineV8, fasterBackend, FxStackLease, FX_KEEP_AHEAD,
} from "./backend.js";
import { AbortError, BadargError, ShoalError, StoppedError, SystemLimitError, TimeoutError } from "./errors.js";
import { Driver, MAX_SLICE_MS, isTimeout, nowMs, type RunOutcome } from "./driver.js";
import { address, bytesAt, instantiateCore, ModuleAbort, type CoreExports } from "./load/core.js";
import { compileModule, currentPlatform, moduleSource, programModules, type ModuleInput, type Platform, type ProgramInput } from "./load/modules.js";
import { NONODE, Atom, Pid, PID_SLOTS, Ref, Tuple, atomIndexOf, atomTerm, isPidTerm } from "./terms.js";
import { encode, decode } from "./etf.js";
import { LazyExitEvent, type ExitEvent } from "./exit.js";
import { floatText, writeAscii } from "./floats.js";
import { onLoadModules, type OnLoadFailure } from "./on_load.js";

export type { RunOutcome } from "./driver.js";

/** A process priority, BEAM's four. */
export type Priority = "max" | "high" | "normal" | "low";
const PRIORITIES: Record<Priority, PriorityCode> = {
  max: PriorityCode.MAX, high: PriorityCode.HIGH, normal: PriorityCode.NORMAL, low: PriorityCode.LOW,
};


export interface StartOptions {
  /** Which fiber backend: "auto" (default) picks the faster one this engine can run (host/backend.ts). */
  backend?: BackendChoice;
  /**
   * Most processes alive at once (default 1,048,576). On WasmFX also capped by the stacks this JS
   * process can still map: the runtime takes them in chunks as it spawns, sharing them with the other
   * fx runtimes; past them, spawn is a SystemLimitError.
   */
  maxProcesses?: number;
  /** Reductions per slice (default 4000, as on BEAM). */
  sliceReductions?: number;
  /** Largest shadow stack one process may grow to, in bytes (default 1 MiB). */
  shadowStackBytes?: number;
  /** Host time one slice may take before the event loop gets a turn (default 5 ms, at most 1000). */
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
  /**
   * A linked program (what `npx shoal link` wrote): a path or URL (`out/app`, or either build's
   * file), one build's bytes or compiled module, or { fx, asyncify }. Its entries are spawned by
   * name: `rt.spawn("module:function", ...args)`. Instead of `modules`; "auto" chooses among the
   * builds it has.
   */
  program?: ProgramInput;
  /**
   * Host functions processes call by name (the ABI's host_call(Name, Args)): each gets the
   * arguments as JS values (host/etf.ts) and returns one (undefined: the atom ok), synchronously.
   * An unknown name raises error:undef in the caller (trace [{host, Name, Args, []}]), a throw
   * error:{host_error, Message}. They may not call back into the runtime (BadargError).
   */
  imports?: Record<string, (...args: any[]) => unknown>;
  /** Where processes' standard output (stdout_write) goes: text, as it comes. Default: Node's process.stdout; a page's console, by line. */
  stdout?: (text: string) => void;
  /** A measurement of this engine (bench/results/backend.json), for "auto"; without one, the engine table decides. */
  measurement?: BackendMeasurement;
}

/** A process's heap policy, in words (as process_flag(min_heap_size | max_heap_size | fullsweep_after, ...)). */
/** A supervisor's spec (docs/abi.md, "Supervisors"), as JS gives it to Runtime.supervise. */
export interface SupervisorSpec {
  /** Default one_for_one. */
  strategy?: "one_for_one" | "one_for_all" | "rest_for_one";
  /** At most this many restarts within `period` seconds (defaults 1 and 5, as OTP's). */
  intensity?: number;
  period?: number;
  children: {
    /** Any term (default child1, child2, ...). */
    id?: unknown;
    /** ["module:function", ...args]: an entry of the program. */
    start: [string, ...unknown[]];
    /** Default permanent. */
    restart?: "permanent" | "transient" | "temporary";
    /** ms, "brutal_kill" or "infinity" (default 5000). */
    shutdown?: number | "brutal_kill" | "infinity";
  }[];
}

export interface SpawnOptions {
  /** max, high, normal (default) or low. */
  priority?: Priority;
}

export interface HeapPolicy {
  minHeapWords?: number;
  /** 0: no limit. */
  maxHeapWords?: number;
  fullsweepAfter?: number;
}

export interface ReceiveOptions {
  /** How long to wait, in ms: a number >= 0 (default Infinity: forever). */
  timeoutMs?: number;
  /** Abandons the wait when it fires (the receive rejects with an AbortError). */
  signal?: AbortSignal;
}

export type { ExitEvent } from "./exit.js";

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
  /**
   * Most processes this runtime may have alive: StartOptions.maxProcesses; on WasmFX, capped by the
   * stacks it holds plus those the JS process had free when it last took some.
   */
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
  /** The WasmFX stacks it holds from the JS process's budget (undefined on Asyncify). */
  fxStacks: FxStackLease | undefined;
  /** The pid creation to use (tests that read BEAM's pids); default: a random one. */
  pidCreation?: number;
  /** StartOptions.imports. */
  imports?: Record<string, (...args: any[]) => unknown>;
  /** Where stdout_write's bytes go. */
  stdout?: (bytes: Uint8Array) => void;
}

/** An entry's export name (compiler/link.ts). */
const ENTRY_NAME = /^[^:]+:.+\/\d{1,3}$/su;

/** A key for a reference of this runtime in a Map. */
const refKey = (r: Ref) => r.ids.join(".");

/** Names the runtime remembers the atom term of, at most (least recently used go first). */
const ATOM_CACHE_SIZE = 4096;

/** A receive() waiting for a message to the host: messages go to waiters in the order they called. */
interface Waiter {
  done: boolean;
  value: unknown;
}

/** `v` for an error message. */
function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === "object") return `an object (${(v as object).constructor?.name ?? "no prototype"})`;
  if (typeof v === "function") return "a function";
  return `${typeof v} ${String(v)}`;
}

/** `pid`, checked to be a Pid (`what` names the call in the error). */
function pidArg(pid: unknown, what: string): Pid {
  if (pid instanceof Pid) return pid;
  throw new BadargError(`${what}: expected a Pid, not ${describe(pid)}`);
}

/** Lone surrogates: UTF-16 no UTF-8 has (TextEncoder would write U+FFFD instead, another name). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The name `name` gives (a string or an Atom), checked to be text (`what` names the call in the error). */
function nameArg(name: unknown, what: string): string {
  const s = name instanceof Atom ? name.name : name;
  if (typeof s !== "string") throw new BadargError(`${what}: a name is an Atom or a string, not ${describe(name)}`);
  if (LONE_SURROGATE.test(s)) throw new BadargError(`${what}: ${describe(s)} is not text (a lone surrogate): no atom has that name`);
  return s;
}

/** Whether `name` has more characters (code points) than an atom may. */
function tooLongForAnAtom(name: string): boolean {
  if (name.length <= MAX_ATOM_CHARS) return false;
  if (name.length > 2 * MAX_ATOM_CHARS) return true;
  let chars = 0;
  for (const _ of name) if (++chars > MAX_ATOM_CHARS) return true;
  return false;
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
  /** The creation written in this runtime's pids: a pid of another runtime, or node, is not one of ours. */
  readonly creation: number;
  private readonly driver: Driver;
  private readonly fxStacks: FxStackLease | undefined;
  /** Atom terms of names looked up or interned, least recently used first (bounded: ATOM_CACHE_SIZE). */
  private readonly atoms = new Map<string, bigint>();
  private readonly exitListeners: ((e: ExitEvent) => void)[] = [];
  private readonly traceListeners: ((e: TraceEvent) => void)[] = [];
  private readonly gcListeners: ((e: GcEvent) => void)[] = [];
  private readonly messageListeners: ((value: unknown) => void)[] = [];
  private readonly errorListeners: ((error: unknown) => void)[] = [];
  /** Messages to the host no receive() has taken yet (never while a receive waits: waiters get them first). */
  private readonly hostQueue: unknown[] = [];
  private readonly waiters: Waiter[] = [];
  private crashDetail: string | undefined;
  private readonly imports: Record<string, (...args: any[]) => unknown>;
  /** The host's monitors: reference (refKey) to the pid it watches (kept until demonitored; a few words each). */
  private readonly monitors = new Map<string, Pid>();
  /** The last host function's reply, encoded, until the module copies it (host_reply). */
  private reply: Uint8Array = new Uint8Array(0);
  private readonly stdout: (bytes: Uint8Array) => void;

  protected constructor(core: Core) {
    this.ex = core.ex;
    this.imports = core.imports ?? {};
    this.stdout = core.stdout ?? currentPlatform().stdout();
    // this runtime's pid creation (as a BEAM node's): its pids are told from any other runtime's
    this.creation = core.pidCreation ?? 1 + Math.floor(Math.random() * 0xffff_fffe);
    core.ex.set_pid_creation(this.creation);
    this.backend = core.backend;
    this.backendReason = core.backendReason;
    this.fxStacks = core.fxStacks;
    this.driver = new Driver(core.ex, core.sliceMs, {
      recover: (e) => this.recover(e),
      // processes spawn too: keep stacks ahead of them where the budget allows
      afterSchedule: this.fxStacks ? () => { this.fxStacks!.recheck(); this.growFx(FX_KEEP_AHEAD, false); } : undefined,
    });
  }

  /** Load a backend and start a runtime with no processes. */
  static async start(opts: StartOptions = {}): Promise<Runtime> {
    return Runtime.launch(opts, (core) => new Runtime(core));
  }

  /** Load and initialise the module for `opts`, and make the runtime object with `make` (subclasses' start). */
  protected static async launch<R extends Runtime>(opts: StartOptions, make: (core: Core) => R): Promise<R> {
    const platform = currentPlatform();
    let choice = opts.backend ?? "auto";
    if (choice !== "auto" && choice !== "fx" && choice !== "asyncify") throw new BadargError(`unknown backend '${String(choice)}' (auto, fx or asyncify)`);
    if (opts.program !== undefined && opts.modules !== undefined) throw new BadargError("give a program or modules, not both");
    const given = opts.program !== undefined ? await programModules(opts.program, platform) : opts.modules;
    if (opts.program !== undefined) {
      // a program has only the builds it was linked for: never the package's own
      const linked = (["fx", "asyncify"] as const).filter((b) => given![b] !== undefined);
      if (choice !== "auto" && !linked.includes(choice)) throw new BadargError(`backend '${choice}' asked for, but the program was linked for ${linked.join(" and ")} only`);
      if (choice === "auto" && linked.length === 1) choice = linked[0];
    }
    const sliceMs = opts.sliceMs ?? 5;
    if (typeof sliceMs !== "number" || !(sliceMs >= 0 && sliceMs <= MAX_SLICE_MS)) {
      throw new BadargError(`sliceMs must be a number from 0 to ${MAX_SLICE_MS} (a slice holds up the event loop), not ${String(sliceMs)}`);
    }
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
      const source = await moduleSource("fx", given?.fx, platform);
      if (source === undefined && choice === "fx") throw missingModule("fx", platform);
      fxModule = source === undefined ? undefined : await compileModule(source, true);
    }
    const { backend, reason } = chooseBackend(choice, wantFx ? fxModule !== undefined : undefined, opts.measurement, v8);
    let module = fxModule;
    if (backend === "asyncify") {
      const source = await moduleSource("asyncify", given?.asyncify, platform);
      if (source === undefined) throw missingModule("asyncify", platform);
      module = await compileModule(source, false);
    }

    // (the runtime's handlers never throw into the module: see emit*)
    let rt: Runtime | undefined;
    const ex = await instantiateCore(module!, {
      now: nowMs,
      system_now: () => performance.timeOrigin + nowMs(),
      proc_trace: (pid, code, value) => rt?.emitTrace(pid, code, value),
      exited: (pid, ptr, len) => rt?.emitExit(pid, ptr, len),
      gc_event: (pid, kind, ms, live, heapWords) => rt?.emitGc(pid, kind, ms, live, heapWords),
      host_message: (ptr, len) => rt?.emitMessage(ptr, len),
      host_call: (ptr, len) => rt!.hostFunction(ptr, len),
      host_reply: (ptr) => rt!.hostReply(ptr),
      stdout_write: (ptr, len) => rt?.stdout(bytesAt(rt.ex.memory, ptr, len)),
      float_text: (x, mode, prec, out) => writeAscii(rt!.ex.memory, out, floatText(x, mode, prec)),
      float_parse: (p, len) => Number(new TextDecoder().decode(bytesAt(rt!.ex.memory, p, len))),
    });
    const built = ex.backend() === BackendId.FX ? "fx" : ex.backend() === BackendId.ASYNCIFY ? "asyncify" : `backend ${ex.backend()}`;
    if (built !== backend) throw new BadargError(`modules.${backend} is the ${built} build`);

    // on WasmFX each process slot holds a stack: take some of the JS process's budget (more as it spawns)
    let initialized = false;
    const fxStacks = backend === "fx"
      ? new FxStackLease(maxProcs, {
        mapped: () => (initialized ? ex.stat_slots() : 0),
        live: () => (initialized ? ex.stat_live() : 0),
        setLimit: (n) => (initialized ? ex.set_max_processes(n) : n),
      }, () => platform.fxStackHeadroom(), nowMs, v8)
      : undefined;
    if (fxStacks) {
      if (fxStacks.start() === 0) {
        fxStacks.release();
        throw new SystemLimitError("no WasmFX stacks left in this JS process: other fx runtimes and what else it maps hold them all (stop a runtime, or use Asyncify)");
      }
      maxProcs = fxStacks.reserved;
    }
    try {
      ex.init(maxProcs, sliceReductions, shadowStackBytes, 0,
        heapDefaults.minHeapWords, heapDefaults.maxHeapWords, heapDefaults.fullsweepAfter,
        opts.sharedHeap ? 1 : 0, opts.poisonFromSpace ? 1 : 0,
        // (the Asyncify backend's unwind area holds as much as the thread's native stack)
        Math.min(2 ** 31, platform.nativeStackBytes() ?? 1 << 20));
      initialized = true;
      if (opts.imports !== undefined && (typeof opts.imports !== "object" || opts.imports === null)) throw new BadargError("imports must be an object of functions");
      for (const [name, f] of Object.entries(opts.imports ?? {})) {
        if (typeof f !== "function") throw new BadargError(`imports.${name} is not a function`);
      }
      if (opts.stdout !== undefined && typeof opts.stdout !== "function") throw new BadargError("stdout must be a function of text");
      let stdout: ((bytes: Uint8Array) => void) | undefined;
      if (opts.stdout) {
        const text = new TextDecoder(), write = opts.stdout;
        stdout = (bytes) => write(text.decode(bytes, { stream: true }));
      }
      const made = make({ ex, backend, backendReason: reason, sliceMs, fxStacks, imports: opts.imports, stdout });
      rt = made;
      try {
        await made.runOnLoad();
      } catch (e) {
        made.stop();
        throw e;
      }
      return made;
    } catch (e) {
      fxStacks?.release();
      throw e;
    }
  }

  // ── -on_load (host/on_load.ts)

  /** Modules of the program whose -on_load function did not return ok (calls to them raise undef), in the order they ran. */
  readonly onLoadFailures: OnLoadFailure[] = [];

  /** Run every module's on_load function, one process each, to its end; withdraw the modules whose function failed. */
  private async runOnLoad(): Promise<void> {
    for (const module of onLoadModules(this.entries())) {
      const pid = this.spawn(`${module}:$on_load`);
      let text: string | undefined, logged = true;
      const off = this.onExit((e) => {
        if (!e.pid.equals(pid)) return;
        text = e.text;
        logged = !(e.reason instanceof Atom);
      });
      try {
        // to its end, or until every process waits for a message: nothing will send one now
        await this.driver.run({ until: () => text !== undefined, returnWhenWaiting: true });
        if (text === undefined) {   // it waits with nothing to wake it: BEAM would wait for ever
          this.kill(pid);
          text = "it never returned (it waits for a message nothing sends)";
          logged = true;   // not the kill's reason: BEAM would wait for ever, so this is ours to report
        }
      } finally {
        off();
      }
      // the entry exits with F's result (BEAM's exit(call_on_load_function(M))): only ok keeps the module
      if (text !== "ok") {
        this.ex.unload_module(this.atomTerm(module));
        this.onLoadFailures.push({ module, text, logged });
      }
    }
  }

  // ── processes

  /**
   * Spawn a process running module:function(args...), an entry of the linked program (exported as
   * `module:function/arity`: see docs/abi.md), its arguments any values with terms (host/etf.ts),
   * copied into the new process's heap. Throws BadargError when the program has no such entry or an
   * argument has no term, SystemLimitError at the process limit (on WasmFX: also when this JS process
   * can map no more stacks). Not allowed from a callback (BadargError): spawn from outside it.
   */
  spawn(entry: string, ...args: unknown[]): Pid {
    return this.spawnOpt(entry, args);
  }

  /** spawn with options (erlang:spawn_opt): the priority (default normal). */
  spawnOpt(entry: string, args: readonly unknown[] = [], opts: SpawnOptions = {}): Pid {
    this.checkRunning();
    this.driver.refuseInModule("spawn");
    if (!Array.isArray(args)) throw new BadargError(`spawnOpt: the arguments must be an array, not ${describe(args)}`);
    const [module, fn] = this.entryOf(entry, args.length);
    if (typeof opts !== "object" || opts === null) throw new BadargError(`spawn: options must be an object, not ${describe(opts)}`);
    const named = opts.priority ?? "normal";
    const priority = typeof named === "string" && Object.hasOwn(PRIORITIES, named) ? PRIORITIES[named] : undefined;
    if (priority === undefined) throw new BadargError(`unknown priority ${describe(named)} (max, high, normal or low)`);
    // the process starts in the runtime's apply entry: {Module, Function, Args}
    const bytes = this.termBytes(new Tuple([Atom.of(module), Atom.of(fn), [...args]]));
    this.growFx(1, true);
    const t = this.hostCall("spawn", () => this.ex.spawn_encoded(this.ex.apply_entry(), this.toModule(bytes), bytes.length, priority));
    this.driver.poke();
    if (isPidTerm(t)) return this.pid(t);
    if (t === atomTerm(PredefinedAtom.BADARG)) throw new BadargError("a process cannot hold this value (bitstrings, funs and other nodes' references have no term here)");
    const limit = this.ex.stat_max_processes();
    if (this.fxStacks && this.ex.stat_live() >= limit && limit < this.fxStacks.ceiling) {
      throw new SystemLimitError(`cannot spawn past ${limit} live processes on fx: this JS process can map no more WasmFX stacks ` +
        "(other fx runtimes and its other memory mappings hold the rest)");
    }
    throw new SystemLimitError(`cannot spawn past ${limit} live processes on ${this.backend} (or the atom table is full)`);
  }

  /** The entries of the linked program: `module:function/arity` names. */
  entries(): string[] {
    return Object.keys(this.ex).filter((name) => ENTRY_NAME.test(name));
  }

  /** Whether module:function/arity is a native of the core (docs/abi.md "Natives"): the export table knows it though no export names it. */
  private isNative(module: string, fn: string, arity: number): boolean {
    const m = this.findAtom(module), f = this.findAtom(fn);
    return m !== undefined && f !== undefined && arity <= 255 && this.ex.export_lookup(m, f, arity) >= 0;
  }

  /** `entry` ("module:function") checked to be an entry of the program taking `arity` arguments: its module and function names. */
  protected entryOf(entry: string, arity: number): [string, string] {
    const m = typeof entry === "string" ? /^([^:]+):(.+)$/su.exec(entry) : null;
    if (!m) throw new BadargError(`spawn: an entry is named "module:function", not ${describe(entry)}`);
    if (typeof (this.ex as unknown as Record<string, unknown>)[`${entry}/${arity}`] !== "function" && !this.isNative(m[1], m[2], arity)) {
      const others = this.entries().filter((e) => e.startsWith(`${entry}/`));
      const named = /\/\d+$/.test(entry) && this.entries().includes(entry) ? ` (name it without the arity: "${entry.replace(/\/\d+$/, "")}", and the arity is the count of arguments)` : "";
      throw new BadargError(`the program has no entry ${entry}/${arity}` + (named ||
        (others.length ? ` (it has ${others.join(", ")})` : this.entries().length ? "" : " (it exports no entries: start it with { program })")));
    }
    return [m[1], m[2]];
  }

  /**
   * On WasmFX: if fewer than `room` more processes fit under the module's limit, take the next chunk
   * of stacks and raise the limit. `eager`: a host spawn waits on it (measure again soon after a refusal).
   */
  private growFx(room: number, eager: boolean): void {
    const lease = this.fxStacks;
    if (!lease || this.driver.stopped || lease.reserved >= lease.ceiling) return;
    if (this.ex.stat_max_processes() - this.ex.stat_live() >= room) return;
    lease.grow(undefined, eager);   // (raises the module's limit)
  }



  /**
   * End `pid` with `reason` (default kill; any value with a term); false if it was not alive.
   * From a callback, the process ends as soon as the module has returned (right after the host
   * slice, at most sliceMs; before the next one), and the result says whether it was alive when asked.
   */
  kill(pid: Pid, reason: unknown = Atom.of("kill")): boolean {
    this.checkRunning();
    const target = pidArg(pid, "kill");
    const bytes = this.termBytes(reason);
    if (this.driver.inModule) {
      const alive = !!this.ex.is_alive(this.local(target));
      this.driver.defer(() => { this.killNow(target, bytes); });
      return alive;
    }
    return this.killNow(target, bytes);
  }

  /**
   * Send `pid` an exit signal from the host (erlang:exit/2): `kill` ends it with `killed`; a process
   * trapping exits gets {'EXIT', HostPid, Reason}; `normal` is ignored by one that does not; any other
   * reason ends it. False if it was not alive. From a callback, the signal goes once the module has
   * returned (the result says whether it was alive when asked).
   */
  exit(pid: Pid, reason: unknown): boolean {
    this.checkRunning();
    const target = pidArg(pid, "exit");
    const bytes = this.termBytes(reason);
    const signal = () => {
      if (this.driver.stopped) return false;
      const r = this.hostCall("exit", () => this.ex.exit_encoded(this.local(target), this.toModule(bytes), bytes.length));
      this.driver.poke();
      if (r === HostResult.MALFORMED) throw new BadargError("a process cannot hold this reason");
      if (r === HostResult.LIMIT) throw new SystemLimitError("the atom table is full");
      return r === HostResult.OK;
    };
    if (this.driver.inModule) {
      const alive = !!this.ex.is_alive(this.local(target));
      this.driver.defer(() => { signal(); });
      return alive;
    }
    return signal();
  }

  /**
   * Start a supervisor (docs/abi.md, "Supervisors") from the host: its pid. Children are entries of
   * the program, started by name; the supervisor is not linked to the host (rt.link it to hear of
   * its end). Throws BadargError for a spec it cannot take.
   */
  supervise(spec: SupervisorSpec): Pid {
    this.checkRunning();
    this.driver.refuseInModule("supervise");
    if (typeof spec !== "object" || spec === null || !Array.isArray(spec.children)) throw new BadargError("supervise: a spec is { strategy, intensity, period, children: [...] }");
    const children = spec.children.map((c, i) => {
      const [module, fn] = this.entryOf(c.start?.[0] as string, (c.start?.length ?? 1) - 1);
      return new Tuple([c.id ?? Atom.of(`child${i + 1}`), new Tuple([Atom.of(module), Atom.of(fn), c.start.slice(1)]),
        Atom.of(c.restart ?? "permanent"), c.shutdown === undefined ? 5000 : typeof c.shutdown === "number" ? c.shutdown : Atom.of(c.shutdown)]);
    });
    const term = new Tuple([this.pid(this.ex.host_pid()), new Tuple([Atom.of(spec.strategy ?? "one_for_one"), spec.intensity ?? 1, spec.period ?? 5, children])]);
    const bytes = this.termBytes(term);
    this.growFx(1, true);
    const t = this.hostCall("supervise", () => this.ex.spawn_encoded(this.ex.supervisor_entry(), this.toModule(bytes), bytes.length, PRIORITIES.normal));
    this.driver.poke();
    if (isPidTerm(t)) return this.pid(t);
    throw new SystemLimitError(`cannot spawn the supervisor: the process limit (${this.ex.stat_max_processes()})`);
  }

  /**
   * Monitor `pid` from the host (erlang:monitor(process, Pid)): a reference; when it ends, the host
   * receives {'DOWN', Ref, process, Pid, Reason} (receive(), onMessage), at once with noproc if it is
   * not alive.
   */
  monitor(pid: Pid): Ref {
    this.checkRunning();
    this.driver.refuseInModule("monitor");
    const target = pidArg(pid, "monitor");
    const n = BigInt.asUintN(64, this.ex.host_monitor(this.local(target)));
    const ref = new Ref([Number(n & 0x3ffffn), Number((n >> 18n) & 0xffff_ffffn), Number(n >> 50n)], this.creation);
    this.monitors.set(refKey(ref), target);
    this.driver.poke();
    return ref;
  }

  /** Stop the host's monitor `ref` (erlang:demonitor): whether it was active. A 'DOWN' message already sent stays. */
  demonitor(ref: Ref): boolean {
    this.checkRunning();
    this.driver.refuseInModule("demonitor");
    if (!(ref instanceof Ref)) throw new BadargError(`demonitor: expected a Ref, not ${describe(ref)}`);
    const target = this.monitors.get(refKey(ref));
    if (!target) return false;
    this.monitors.delete(refKey(ref));
    const [a, b, c] = ref.ids;
    return !!this.ex.host_demonitor(this.local(target), BigInt(a) | (BigInt(b) << 18n) | (BigInt(c) << 50n));
  }

  /**
   * Link the host to `pid`, as a process that traps exits: when it ends, the host receives the message
   * {'EXIT', Pid, Reason} (receive(), onMessage). False if it is not alive (no message then).
   */
  link(pid: Pid): boolean {
    this.checkRunning();
    this.driver.refuseInModule("link");
    return !!this.ex.host_link(this.local(pidArg(pid, "link")));
  }

  /** Remove the host's link to `pid`. */
  unlink(pid: Pid): void {
    this.checkRunning();
    this.driver.refuseInModule("unlink");
    this.ex.host_unlink(this.local(pidArg(pid, "unlink")));
  }

  private killNow(pid: Pid, bytes: Uint8Array): boolean {
    if (this.driver.stopped) return false;
    const r = this.hostCall("kill", () => this.ex.kill_encoded(this.local(pid), this.toModule(bytes), bytes.length));
    this.driver.poke();
    if (r === HostResult.MALFORMED) throw new BadargError("a process cannot hold this reason (bitstrings, funs and other nodes' references have no term here)");
    if (r === HostResult.LIMIT) throw new SystemLimitError("the atom table is full");
    return r === HostResult.OK;
  }

  /** Whether `pid` names a live process. */
  isAlive(pid: Pid): boolean { return !!this.ex.is_alive(this.local(pidArg(pid, "isAlive"))) && !this.driver.stopped; }

  /**
   * Every live process's pid, as erlang:processes/0 gives them (by process slot: the order pids were
   * first made, not their age once slots are reused). Empty once the runtime is stopped.
   */
  processes(): Pid[] {
    const out: Pid[] = [];
    if (this.driver.stopped) return out;
    for (let slot = 0, n = this.ex.stat_slots(); slot < n; slot++) {
      const t = this.ex.process_at(slot);
      if (t) out.push(this.pid(t));
    }
    return out;
  }

  /** Bytes of linear memory a live process holds (block, saved frames, shadow stack); -1 if it is dead. */
  processMemory(pid: Pid): number { return this.ex.process_bytes(this.local(pidArg(pid, "processMemory"))); }

  /** Make a process that waits with no timer runnable; false if it was not waiting. Not allowed from a callback. */
  wake(pid: Pid): boolean {
    this.checkRunning();
    this.driver.refuseInModule("wake", "send it a message instead (sends from a callback are delivered right after the slice)");
    const woken = !!this.ex.wake(this.local(pidArg(pid, "wake")));
    this.driver.poke();
    return woken;
  }

  // ── events

  // Every listener runs inside the module, synchronously (see the top of this file for what it may call).

  /** Call `f` for every process exit. */
  onExit(f: (e: ExitEvent) => void): () => void {
    const off = addListener(this.exitListeners, f, "onExit");
    this.ex.report_exits(1);   // exits cost a host call each only while someone listens
    return () => { off(); if (!this.exitListeners.length) this.ex.report_exits(0); };
  }

  /** Call `f` for every trace event a process sends. */
  onTrace(f: (e: TraceEvent) => void): () => void { return addListener(this.traceListeners, f, "onTrace"); }

  /** Call `f` after every collection, with its pause (turns pause reports on while someone listens). */
  onGc(f: (e: GcEvent) => void): () => void {
    const off = addListener(this.gcListeners, f, "onGc");
    this.ex.gc_report_pauses(1);
    return () => { off(); if (!this.gcListeners.length) this.ex.gc_report_pauses(0); };
  }

  /**
   * Call `f` with every error a callback (onMessage, onExit, onTrace, onGc) throws. The process the
   * event came from goes on either way. With no onError listener, the error is thrown from the call
   * that was running the module (run(), receive(), runSlice(), kill(), garbageCollect(), ...) once it
   * has finished (several errors as an AggregateError).
   */
  onError(f: (error: unknown) => void): () => void { return addListener(this.errorListeners, f, "onError"); }

  // ── heaps

  /** Collect a process's heap now, running or suspended (major: a full sweep); false if it is dead. Not allowed from a callback. */
  garbageCollect(pid: Pid, major = true): boolean {
    this.checkRunning();
    this.driver.refuseInModule("garbageCollect");
    const t = this.local(pidArg(pid, "garbageCollect"));
    return !!this.driver.call(() => this.ex.garbage_collect(t, major ? 1 : 0));
  }

  /**
   * Change a live process's heap policy, in words (as process_flag(max_heap_size, ...)): the fields
   * given change, the others keep their value. False if the process is dead (or the heap is shared).
   * Not allowed from a callback.
   */
  setHeapPolicy(pid: Pid, p: HeapPolicy): boolean {
    this.checkRunning();
    this.driver.refuseInModule("setHeapPolicy");
    pid = pidArg(pid, "setHeapPolicy");
    if (typeof p !== "object" || p === null) throw new BadargError(`setHeapPolicy: the policy must be an object, not ${describe(p)}`);
    const now = (what: HeapFigure) => Number(this.ex.process_heap(this.local(pid), what));
    if (now(HeapFigure.WORDS) < 0) return false;
    return !!this.ex.set_heap_policy(this.local(pid),
      wordCount(p.minHeapWords ?? now(HeapFigure.MIN_WORDS), "minHeapWords"),
      wordCount(p.maxHeapWords ?? now(HeapFigure.MAX_WORDS), "maxHeapWords"),
      wordCount(p.fullsweepAfter ?? now(HeapFigure.FULLSWEEP_AFTER), "fullsweepAfter"));
  }

  /** Heap figures of a live process, or null if it is dead. */
  heapInfo(pid: Pid): HeapInfo | null {
    const ex = this.ex, t = this.local(pidArg(pid, "heapInfo"));
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
   * (default sliceMs; at most 1000, or Infinity with a finite `maxSlices`), or at most `maxSlices`
   * of them; returns a schedule status (assembly/boundary/codes.ts Status: 0 idle, 1 runnable,
   * 2 timers, 3 waiting). Not allowed from a callback (BadargError).
   */
  runSlice(budgetMs?: number, maxSlices?: number): number { return this.driver.runSlice(budgetMs, maxSlices); }

  /**
   * Run processes, a slice at a time, until none is runnable or has a timer, `until()` holds, or
   * `timeoutMs` passes. Rejects with StoppedError at once if the runtime stops meanwhile. Called
   * from a callback, it starts once the module has returned.
   */
  run(opts: { until?: () => boolean; timeoutMs?: number } = {}): Promise<RunOutcome> { return this.driver.run(opts); }

  // ── messages (JS values cross as External Term Format: the mapping is in host/etf.ts)

  /** The pid that processes send to in order to reach the host. */
  get hostPid(): Pid { return this.pid(this.ex.host_pid()); }

  /**
   * Send `value` to a process, copied into its heap; `to` is a pid or a registered name (an Atom
   * or a string). False if the pid is dead or stale (the message is dropped, as in Erlang). Throws
   * BadargError for anything else as `to`, an unregistered name or a value with no term,
   * SystemLimitError when the atom table is full. From a callback, the name is looked up and the
   * value encoded at once, and the message is delivered as soon as the module has returned (right
   * after the host slice, before the next one); the result says whether the process was alive when asked.
   */
  send(to: Pid | Atom | string, value: unknown): boolean {
    this.checkRunning();
    const pid = this.destination(to);
    const bytes = this.termBytes(value);
    if (this.driver.inModule) {
      const alive = !!this.ex.is_alive(this.local(pid));
      this.driver.defer(() => { this.deliver(pid, bytes); });
      return alive;
    }
    return this.deliver(pid, bytes);
  }

  /** The pid `to` names: a Pid, or a registered name (BadargError if nobody has it). */
  private destination(to: unknown): Pid {
    if (to instanceof Pid) return to;
    if (typeof to !== "string" && !(to instanceof Atom)) {
      throw new BadargError(`send: the destination must be a Pid or a registered name (an Atom or a string), not ${describe(to)}`);
    }
    const found = this.whereis(to);
    if (!found) throw new BadargError(`no process is registered as ${describe(nameArg(to, "send"))}`);
    return found;
  }

  private deliver(pid: Pid, bytes: Uint8Array): boolean {
    if (this.driver.stopped) return false;
    const r = this.hostCall("send", () => this.ex.host_send(this.local(pid), this.toModule(bytes), bytes.length));
    this.driver.poke();
    if (r === HostResult.MALFORMED) throw new BadargError("a process cannot hold this value (bitstrings, funs and other nodes' references have no term here)");
    if (r === HostResult.LIMIT) throw new SystemLimitError("the atom table is full");
    return r === HostResult.OK;
  }

  /**
   * The next message a process sent to the host (to `hostPid`), decoded. Waits up to `timeoutMs`
   * (default: forever; a number is taken as timeoutMs), running the processes meanwhile unless
   * someone else does, and waiting on when none can run (a spawn or send from JS may come).
   * Concurrent receives get messages in the order they were called. Rejects with BadargError for a
   * timeout that is not a number >= 0, TimeoutError once timeoutMs has passed, AbortError when
   * `signal` fires, StoppedError if the runtime stops (at once), and with a callback's error when
   * it drove the slice the callback ran in (the message it was due, if one came, goes to the next
   * receive). While onMessage has listeners, messages go to them instead. From a callback, it
   * drives once the module has returned.
   */
  async receive(opts: number | ReceiveOptions = {}): Promise<unknown> {
    let timeoutMs: unknown = Infinity, signal: AbortSignal | undefined;
    if (typeof opts === "number") timeoutMs = opts;
    else if (typeof opts === "object" && opts !== null) ({ timeoutMs = Infinity, signal } = opts);
    else throw new BadargError(`receive: takes a timeout in ms or { timeoutMs, signal }, not ${describe(opts)}`);
    if (!isTimeout(timeoutMs)) {
      throw new BadargError(`receive: timeoutMs must be a number >= 0 (or Infinity), not ${describe(timeoutMs)}`);
    }
    if (signal !== undefined && (typeof signal !== "object" || signal === null || typeof signal.addEventListener !== "function")) {
      throw new BadargError(`receive: signal must be an AbortSignal, not ${describe(signal)}`);
    }
    const aborted = () => new AbortError("receive abandoned: its signal fired", { cause: signal?.reason });
    if (signal?.aborted) throw aborted();
    if (this.driver.stopped) throw new StoppedError();
    if (this.hostQueue.length) return this.hostQueue.shift();   // (while one is queued, nobody waits)
    const w: Waiter = { done: false, value: undefined };
    this.waiters.push(w);
    const end = nowMs() + timeoutMs;
    const poke = () => this.driver.poke();
    signal?.addEventListener("abort", poke, { once: true });
    try {
      for (;;) {
        if (w.done) return w.value;
        if (signal?.aborted) throw aborted();
        if (this.driver.stopped) throw new StoppedError();
        if (nowMs() >= end) throw new TimeoutError(`receive: no message for the host in ${timeoutMs} ms`);
        const seen = this.driver.generation;
        if (!this.driver.driving) {
          const outcome = await this.driver.run({ until: () => w.done || !!signal?.aborted, timeoutMs: Math.max(0, end - nowMs()) });
          if (outcome !== "idle") continue;
        }
        // no process left (or another caller drives): wait for a message, new work, the signal or the
        // deadline (at once if some came while the run was finishing)
        await this.driver.sleep(end, seen);
      }
    } catch (e) {
      if (w.done) this.toHost(w.value, true);   // it came with the error: the next receive gets it
      throw e;
    } finally {
      signal?.removeEventListener("abort", poke);
      const i = this.waiters.indexOf(w);
      if (i >= 0) this.waiters.splice(i, 1);
    }
  }

  /** A message for the host: to the receive that has waited longest, else queued (`first`: ahead of the queue). */
  private toHost(value: unknown, first = false): void {
    const w = this.waiters.shift();
    if (w) { w.done = true; w.value = value; }
    else if (first) this.hostQueue.unshift(value);
    else this.hostQueue.push(value);
    this.driver.poke();
  }

  /** Call `f` with every message sent to the host; while someone listens, receive() sees none of them. */
  onMessage(f: (value: unknown) => void): () => void { return addListener(this.messageListeners, f, "onMessage"); }

  /**
   * Register `pid` under `name`; false (badarg) if the name is taken, the process is dead or already
   * named. BadargError for a name that is not an atom's (not text, over 255 characters) or a pid
   * that is not a Pid, SystemLimitError if the atom table is full. Not allowed from a callback.
   */
  register(name: Atom | string, pid: Pid): boolean {
    this.checkRunning();
    this.driver.refuseInModule("register");
    const atom = this.atomTerm(nameArg(name, "register"));
    return !!this.ex.register(atom, this.local(pidArg(pid, "register")));
  }

  /** Remove a registered name; false if it was not registered. Not allowed from a callback. */
  unregister(name: Atom | string): boolean {
    this.checkRunning();
    this.driver.refuseInModule("unregister");
    const atom = this.findAtom(nameArg(name, "unregister"));
    return atom !== undefined && !!this.ex.unregister(atom);
  }

  /** The pid registered under `name`, or undefined. Looking a name up interns nothing. */
  whereis(name: Atom | string): Pid | undefined {
    const atom = this.findAtom(nameArg(name, "whereis"));
    if (atom === undefined) return undefined;   // no such atom: nobody can be registered under it
    const t = this.ex.whereis(atom);
    return isPidTerm(t) ? this.pid(t) : undefined;
  }

  /** Messages waiting in a live process's mailbox, or -1 if it is dead. */
  mailboxLength(pid: Pid): number { return this.ex.mailbox_length(this.local(pidArg(pid, "mailboxLength"))); }

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
      maxProcesses: this.fxStacks ? this.fxStacks.reachable : ex.stat_max_processes(),
      memoryBytes: ex.memory.buffer.byteLength,
      heapBytes: Number(ex.stat_heap_bytes()),
      offHeapBinaries: ex.stat_offheap_count(),
      offHeapBytes: Number(ex.stat_offheap_bytes()),
      messagesSent: Number(ex.stat_messages_sent()),
      messagesQueued: Number(ex.stat_messages_queued()),
    };
  }

  /**
   * End every process and release their stacks (and what the runtime caches); the runtime cannot
   * be used after (StoppedError), and every run() and receive() pending settles at once. From a
   * callback, the runtime is stopped for every caller at once and its processes end as soon as the
   * module has returned (right after the slice); events of the rest of that slice are dropped.
   */
  stop(): void {
    if (this.driver.stopped) return;
    this.driver.stop();
    this.driver.defer(() => this.teardown());
  }

  private teardown(): void {
    try {
      this.driver.call(() => this.ex.kill_all());   // on WasmFX each live stack must be ended, or the engine never frees it
    } finally {
      this.fxStacks?.release();
      this.atoms.clear();
      this.hostQueue.length = 0;
    }
  }

  // ── terms

  /**
   * The atom term for `name`, interned in this runtime. BadargError if no atom has that name (not
   * text, over 255 characters), SystemLimitError if the atom table is full.
   */
  atomTerm(name: string): bigint {
    if (typeof name !== "string") throw new BadargError(`atomTerm: a name is a string, not ${describe(name)}`);
    const known = this.cachedAtom(name);
    if (known !== undefined) return known;
    nameArg(name, "atomTerm");
    if (tooLongForAnAtom(name)) throw new BadargError(`${describe(name)} is not an atom's name: longer than ${MAX_ATOM_CHARS} characters`);
    const bytes = new TextEncoder().encode(name);
    const i = this.ex.atom_intern(this.toModule(bytes), bytes.length);
    if (i === AtomResult.TABLE_FULL) throw new SystemLimitError("the atom table is full");
    if (i === AtomResult.BAD_NAME) throw new BadargError(`${describe(name)} is not an atom's name (not UTF-8, or longer than ${MAX_ATOM_CHARS} characters)`);
    if (i < 0) throw new ShoalError("badarg", `atom_intern answered ${i}`);
    return this.cacheAtom(name, atomTerm(i));
  }

  /** The atom term named `name` if the atom exists, interning nothing (undefined: no such atom). */
  private findAtom(name: string): bigint | undefined {
    const known = this.cachedAtom(name);
    if (known !== undefined) return known;
    if (tooLongForAnAtom(name)) return undefined;
    const bytes = new TextEncoder().encode(name);
    const i = this.ex.atom_find(this.toModule(bytes), bytes.length);
    return i < 0 ? undefined : this.cacheAtom(name, atomTerm(i));
  }

  private cachedAtom(name: string): bigint | undefined {
    const t = this.atoms.get(name);
    if (t !== undefined) { this.atoms.delete(name); this.atoms.set(name, t); }   // most recently used last
    return t;
  }

  private cacheAtom(name: string, t: bigint): bigint {
    if (this.driver.stopped) return t;
    if (this.atoms.size >= ATOM_CACHE_SIZE) this.atoms.delete(this.atoms.keys().next().value!);
    this.atoms.set(name, t);
    return t;
  }

  /** The name of an atom term. */
  atomName(t: bigint): string {
    const i = atomIndexOf(t);
    return new TextDecoder().decode(bytesAt(this.ex.memory, this.ex.atom_name_ptr(i), this.ex.atom_name_len(i)));
  }

  /** `value` in the External Term Format; BadargError if it has no term. */
  private termBytes(value: unknown): Uint8Array {
    try {
      return encode(value);
    } catch (e) {
      if (e instanceof ShoalError) throw e;   // already says what is wrong (a bad atom name, say)
      throw new BadargError(`no term for this value: ${(e as Error).message ?? String(e)}`, { cause: e });
    }
  }

  /** A pid term of this runtime as a Pid (it carries this runtime's creation). */
  protected pid(t: bigint): Pid { return new Pid(t, this.creation); }

  /** The term of `pid` if it is one of this runtime's, else 0 (no process: a pid of another runtime or node is never a local one). */
  protected local(pid: Pid): bigint {
    return pid.creation === this.creation && pid.node === NONODE ? pid.term : 0n;
  }

  /**
   * A call into the module from the host, outside any process (send, spawn, kill). A trap in it is
   * the engine refusing to grow the memory: the module puts its state back (host_call_failed), so
   * the call had no effect, and the caller gets a SystemLimitError; no process is touched.
   */
  private hostCall<T>(what: string, f: () => T): T {
    try {
      return this.driver.call(f);
    } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError) || this.ex.current_pid() !== 0n) throw e;
      this.ex.host_call_failed();
      throw new SystemLimitError(`${what}: out of memory: the module's memory cannot grow for this (${e.message})`, { cause: e });
    }
  }

  /** Copy `bytes` into the module's I/O buffer; its address, valid until the next call that uses the buffer. */
  protected toModule(bytes: Uint8Array): number {
    const ptr = address(this.ex.io_buffer(bytes.length));
    bytesAt(this.ex.memory, ptr, bytes.length).set(bytes);
    return ptr;
  }

  // ── what the module calls (host/load/core.ts CoreImports): inside the module, so nothing here throws

  /** Call each listener with `e`; what one throws goes to onError (or to the call running the module). */
  private dispatch<E>(listeners: ((e: E) => void)[], e: E): void {
    for (const f of [...listeners]) {
      try { f(e); } catch (err) { this.callbackFailed(err); }
    }
  }

  private callbackFailed(err: unknown): void {
    if (!this.errorListeners.length) { this.driver.report(err); return; }
    for (const f of [...this.errorListeners]) {
      try { f(err); } catch (again) { this.driver.report(again); }
    }
  }

  /** The term the External Term Format bytes at ptr hold, or undefined after reporting why not. */
  private decodeAt(ptr: number, len: number): { value: unknown } | undefined {
    try {
      return { value: decode(bytesAt(this.ex.memory, ptr, len).slice()) };
    } catch (e) {
      this.driver.report(e);
      return undefined;
    }
  }

  private emitTrace(pid: bigint, code: number, value: bigint): void {
    if (this.driver.stopped || !this.traceListeners.length) return;
    this.dispatch(this.traceListeners, { pid: this.pid(pid), code, value });
  }

  private emitMessage(ptr: number, len: number): void {
    if (this.driver.stopped) return;
    const got = this.decodeAt(ptr, len);
    if (!got) return;
    // a 'DOWN' for one of the host's monitors: that monitor is over
    const v = got.value;
    if (this.monitors.size && v instanceof Tuple && v.elements.length === 5 && v.elements[1] instanceof Ref &&
      v.elements[0] instanceof Atom && v.elements[0].name === "DOWN") this.monitors.delete(refKey(v.elements[1]));
    if (this.messageListeners.length) this.dispatch(this.messageListeners, got.value);
    else this.toHost(got.value);
  }

  /**
   * A process calls host function Name(Args...) ({Name, Args} encoded at ptr): run it and keep its
   * reply encoded for host_reply; the reply's length, or minus the length of {Reason, Trace} for
   * the error the caller raises (unknown function, a throw, a result with no term).
   */
  private hostFunction(ptr: number, len: number): number {
    // a failure's reply is {Reason, Trace}: the process raises error:Reason with that trace
    let reply: unknown, fails = false;
    try {
      const call = decode(bytesAt(this.ex.memory, ptr, len).slice()) as Tuple;
      const [name, args] = call.elements as [Atom, unknown[]];
      const f = Object.hasOwn(this.imports, name.name) ? this.imports[name.name] : undefined;
      if (f === undefined) {
        fails = true;
        reply = new Tuple([Atom.of("undef"), [new Tuple([Atom.of("host"), name, args, []])]]);
      } else {
        reply = f(...args) ?? Atom.of("ok");
      }
    } catch (e) {
      fails = true;
      reply = new Tuple([new Tuple([Atom.of("host_error"), e instanceof Error ? `${e.name}: ${e.message}` : String(e)]), []]);
    }
    try {
      this.reply = encode(reply);
    } catch (e) {
      fails = true;
      this.reply = encode(new Tuple([new Tuple([Atom.of("badarg"), `the host function's result has no term: ${(e as Error).message}`]), []]));
    }
    return fails ? -this.reply.length : this.reply.length;
  }

  /** Copy the last host function's reply into the module at ptr. */
  private hostReply(ptr: number): void {
    bytesAt(this.ex.memory, ptr, this.reply.length).set(this.reply);
    this.reply = new Uint8Array(0);
  }

  private emitGc(pid: bigint, kind: number, ms: number, live: number, heapWords: number): void {
    if (this.driver.stopped || !this.gcListeners.length) return;
    this.dispatch(this.gcListeners, {
      pid: pid === 0n ? null : this.pid(pid), kind: kind ? "major" : "minor",
      pauseUs: ms * 1000, liveWords: live, heapWords,
    } satisfies GcEvent);
  }

  private emitExit(pid: bigint, ptr: number, len: number): void {
    const detail = this.crashDetail;
    this.crashDetail = undefined;
    if (this.driver.stopped || !this.exitListeners.length) return;
    // (decoded only if a listener reads the reason: host/exit.ts; len 0 is a fun's reason)
    this.dispatch(this.exitListeners, new LazyExitEvent(this.pid(pid), len ? bytesAt(this.ex.memory, ptr, len).slice() : null, detail));
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

function addListener<T>(list: T[], f: T, what: string): () => void {
  if (typeof f !== "function") throw new BadargError(`${what}: a listener is a function, not ${describe(f)}`);
  list.push(f);
  return () => { const i = list.indexOf(f); if (i >= 0) list.splice(i, 1); };
}
