// Instantiating build/shoal.{fx,asyncify}.wasm: the module's typed exports,
// the host functions it imports, and its one AssemblyScript-specific import,
// env.abort. The module is built with asc's minimal runtime and exports
// nothing of asc's (no __new, __pin, ...): the host only ever reads its
// strings, and only in abort.

import { BadargError } from "../errors.js";

/** Exports of build/shoal.{fx,asyncify}.wasm (assembly/index.ts) that the host calls. */
export interface CoreExports {
  memory: WebAssembly.Memory;
  table: WebAssembly.Table;
  init(maxProcs: number, slice: number, shadowMax: number, reportExits: number,
    minHeap: number, maxHeap: number, fullsweepAfter: number, sharedHeap: number, poison: number, nativeStackBytes: number): void;
  gc_report_pauses(on: number): void;
  garbage_collect(pid: bigint, major: number): number;
  set_heap_policy(pid: bigint, min: number, max: number, fullsweepAfter: number): number;
  process_heap(pid: bigint, what: number): bigint;
  wake(pid: bigint): number;
  stat_heap_bytes(): bigint;
  stat_offheap_count(): number;
  stat_offheap_bytes(): bigint;
  host_send(pid: bigint, ptr: number, len: number): number;
  host_pid(): bigint;
  register(name: bigint, pid: bigint): number;
  unregister(name: bigint): number;
  whereis(name: bigint): bigint;
  stat_messages_sent(): bigint;
  stat_messages_queued(): bigint;
  /** Message timers (send_after) armed, and the bytes their records and message copies hold. */
  stat_timers(): number;
  stat_timer_bytes(): bigint;
  /** Raise or lower the most message timers armed at once; the limit now in force. */
  set_max_timers(limit: number): number;
  mailbox_length(pid: bigint): number;
  report_exits(on: number): void;
  backend(): number;
  schedule(maxSlices: number, until: number): number;
  next_deadline(): number;
  crash(atom: number): bigint;
  current_pid(): bigint;
  kill_encoded(pid: bigint, ptr: number, len: number): number;
  host_call_failed(): void;
  set_pid_creation(creation: number): void;
  kill_all(): void;
  is_alive(pid: bigint): number;
  process_at(slot: number): bigint;
  process_bytes(pid: bigint): number;
  spawn_encoded(entry: number, ptr: number, len: number, priority: number): bigint;
  apply_entry(): number;
  unload_module(module: bigint): number;
  supervisor_entry(): number;
  host_link(pid: bigint): number;
  host_monitor(pid: bigint): bigint;
  host_demonitor(pid: bigint, n: bigint): number;
  host_unlink(pid: bigint): void;
  exit_encoded(pid: bigint, ptr: number, len: number): number;
  stat_live(): number;
  stat_spawned(): bigint;
  stat_switches(): bigint;
  stat_reductions(): bigint;
  stat_slots(): number;
  stat_max_processes(): number;
  io_buffer(size: number): number;
  atom_intern(ptr: number, len: number): number;
  /** The index of the atom these UTF-8 bytes name, or -1 if there is none (interns nothing). */
  atom_find(ptr: number, len: number): number;
  atom_name_ptr(i: number): number;
  atom_name_len(i: number): number;
  atom_count(): number;
  /** Function-table index of the entry or native module:function/arity (atom terms), or -1. */
  export_lookup(module: bigint, fn: bigint, arity: number): number;
  /** Raise or lower the process limit after init (at least the processes alive); the limit now in force. */
  set_max_processes(limit: number): number;
}

/**
 * Functions the module imports from the host (module "env"), beside abort. They run inside the
 * module, while it waits for them: none may throw (a JS exception would unwind the module's frames,
 * and the host would take it for a crash of the running process). Addresses and lengths arrive
 * unsigned (instantiateCore converts them).
 */
export interface CoreImports {
  /** Host time, ms (the clock of sleep and receive timeouts): monotonic. */
  now(): number;
  /** Erlang system time, ms since 1970-01-01 UTC: `now` plus an offset fixed at start (performance.timeOrigin), as BEAM's default no-time-warp mode has it. */
  system_now(): number;
  /** A process reports an event (the test programs' codes: assembly/boundary/codes.ts Trace). */
  proc_trace(pid: bigint, code: number, value: bigint): void;
  /** A process ended (only while report_exits is on): its reason as External Term Format bytes at ptr (len 0: it holds a fun). */
  exited(pid: bigint, ptr: number, len: number): void;
  /** A collection ended (only while gc_report_pauses is on). */
  gc_event(pid: bigint, kind: number, ms: number, live: number, heapWords: number): void;
  /** A process sent the host a message: External Term Format bytes at ptr. */
  host_message(ptr: number, len: number): void;
  /** A process calls a host function: {Name, Args} as External Term Format at ptr; the reply's length (negative: an exit reason's). */
  host_call(ptr: number, len: number): number;
  /** Copy the last host_call's reply to ptr. */
  host_reply(ptr: number): void;
  /** A process writes UTF-8 bytes at ptr to standard output. */
  stdout_write(ptr: number, len: number): void;
  /** Write the double x as ASCII text at out (host/floats.ts floatText: mode 0 %.Ne, 1 %.Nf, 2 shortest); its length. */
  float_text(x: number, mode: number, prec: number, out: number): number;
  /** The double the (checked) decimal text at p..p+len reads as. */
  float_parse(p: number, len: number): number;
}

/** What env.abort throws: an AssemblyScript abort() (a failed assertion, an out-of-bounds access the runtime checks). */
export class ModuleAbort extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModuleAbort";
  }
}

const FUNCTIONS = [
  "init", "gc_report_pauses", "garbage_collect", "set_heap_policy", "process_heap", "wake", "stat_heap_bytes",
  "stat_offheap_count", "stat_offheap_bytes", "host_send", "host_pid", "register", "unregister",
  "whereis", "stat_messages_sent", "stat_messages_queued", "stat_timers", "stat_timer_bytes", "set_max_timers", "mailbox_length",
  "report_exits", "backend", "schedule", "next_deadline", "crash", "current_pid", "kill_encoded", "host_call_failed", "set_pid_creation", "kill_all", "is_alive",
  "process_at", "process_bytes", "spawn_encoded", "apply_entry", "supervisor_entry", "host_link", "host_monitor", "host_demonitor", "host_unlink", "exit_encoded", "stat_live", "stat_spawned", "stat_switches", "stat_reductions", "stat_slots",
  "stat_max_processes", "io_buffer", "atom_intern", "atom_find", "atom_name_ptr", "atom_name_len", "atom_count",
  "set_max_processes", "export_lookup", "unload_module",
] as const satisfies readonly Exclude<keyof CoreExports, "memory" | "table">[];

/**
 * An address (or a byte count) the module handed the host, as the number it is. The module is
 * wasm32: its addresses are u32, but an i32 crosses into JS as a signed number, negative past
 * 2 GiB of linear memory. Every address or length that comes out of the module goes through
 * here (or through bytesAt) before the host uses it.
 */
export function address(v: number): number { return v >>> 0; }

/** The `len` bytes of `memory` at `ptr`, both as the module handed them over: a view, valid until the memory grows. */
export function bytesAt(memory: WebAssembly.Memory, ptr: number, len: number): Uint8Array {
  return new Uint8Array(memory.buffer, ptr >>> 0, len >>> 0);
}

/**
 * An AssemblyScript string in `memory` at `ptr`: UTF-16 code units, their byte
 * length in the u32 just before (the object header's rtSize). "null" for 0.
 */
export function readString(memory: WebAssembly.Memory, at: number): string {
  const ptr = address(at);
  if (!ptr) return "null";
  const buffer = memory.buffer;
  if (ptr < 4 || ptr > buffer.byteLength) return `<bad string pointer ${ptr}>`;
  const bytes = new DataView(buffer).getUint32(ptr - 4, true);
  const units = new Uint16Array(buffer, ptr, Math.min(bytes, buffer.byteLength - ptr) >>> 1);
  let s = "";
  for (let i = 0; i < units.length; i += 1024) s += String.fromCharCode(...units.subarray(i, i + 1024));
  return s;
}

/** Instantiate a compiled core module with the host's imports; its exports, checked against CoreExports. */
export async function instantiateCore(module: WebAssembly.Module, env: CoreImports): Promise<CoreExports> {
  let memory: WebAssembly.Memory | undefined;
  const str = (ptr: number) => (memory ? readString(memory, ptr) : "<memory not yet known>");
  const abort = (msg: number, file: number, line: number, col: number): never => {
    throw new ModuleAbort(`abort: ${str(msg)} at ${str(file)}:${line}:${col}`);
  };
  // the addresses and lengths the module passes, as unsigned numbers (see address())
  const imports = {
    ...env,
    exited: (pid: bigint, ptr: number, len: number) => env.exited(pid, address(ptr), address(len)),
    host_message: (ptr: number, len: number) => env.host_message(address(ptr), address(len)),
    host_call: (ptr: number, len: number) => env.host_call(address(ptr), address(len)),
    host_reply: (ptr: number) => env.host_reply(address(ptr)),
    stdout_write: (ptr: number, len: number) => env.stdout_write(address(ptr), address(len)),
    float_text: (x: number, mode: number, prec: number, out: number) => env.float_text(x, mode, prec, address(out)),
    float_parse: (p: number, len: number) => env.float_parse(address(p), address(len)),
    abort,
  };
  const instance = await WebAssembly.instantiate(module, { env: imports });
  const ex = instance.exports as Record<string, unknown>;
  const missing = FUNCTIONS.filter((f) => typeof ex[f] !== "function");
  if (!(ex.memory instanceof WebAssembly.Memory)) missing.unshift("memory" as never);
  if (!(ex.table instanceof WebAssembly.Table)) missing.push("table" as never);
  if (missing.length) throw new BadargError(`not a Shoal core module (built from another version?): it lacks ${missing.join(", ")}`);
  memory = ex.memory as WebAssembly.Memory;
  return ex as unknown as CoreExports;
}
