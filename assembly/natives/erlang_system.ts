// The erlang module's BIFs that describe the runtime itself, as natives
// (registry.ts): statistics/1, system_info/1, memory/0,1, processes/0,
// process_info/2 and garbage_collect/0. BEAM's programs (the benchmark anchors of bench/beam/)
// ask these to wait for an idle run queue, to count processes and to measure
// memory; Shoal answers with its own figures in BEAM's shapes.
//
// What the figures are here (where they differ from BEAM's):
//   - one scheduler: schedulers and schedulers_online are 1, the run-queue
//     lists have one element, and run-queue lengths count the processes
//     queued (RUNNABLE or EXITING, runqueue.ts), not the one running, as
//     BEAM's count processes in its run queues, not those executing;
//   - statistics(runtime) is the time since the runtime started, as
//     wall_clock: Wasm has no CPU clock, and the runtime runs on one thread;
//   - memory(total) is the linear memory's size; processes is the sum of
//     every live process's footprint (runtime/footprint.ts, the host's
//     process_bytes); system the rest; binary the off-heap binaries; atom the
//     atom table's names and entries; code and ets 0 (code lives in the Wasm
//     module, outside linear memory; there is no ETS). Invariant, as on BEAM:
//     total = processes + system, processes_used = processes, atom_used = atom;
//   - an item or key these do not know raises badarg, as BEAM does for an
//     unknown one (process_info/2 takes one item atom, not a list; memory/1
//     raises badarg for an improper list, where BEAM's Erlang-coded memory/1
//     raises function_clause).
// Every integer answered fits a small integer (< 2^59), so nothing here
// allocates but the tuples and lists of an answer, reserved before building.

import {
  Term, NIL, makeSmall, isAtom, isPid, isList, head, tail, tupleGet, tupleWords,
} from "../../gc/term/term";
import { consRaw, pairRaw } from "../../gc/term/build";
import { atomOf, atomCount, atomNameLen } from "../../gc/term/atoms";
import { offheapBytes } from "../../gc/mem/offheap";
import { youngSize, heapBytes } from "../../gc/mem/heap";
import { MAX_ATOMS } from "../boundary/defaults";
import { reserve, collectRunning } from "../runtime/alloc";
import {
  Process, lookup, processAt, slotCount, liveProcesses, maxProcesses, heapOf, sharedHeap,
  STATE_FREE, STATE_RUNNABLE, STATE_WAITING, STATE_EXITING, PRIO_MAX, PRIO_HIGH, PRIO_NORMAL,
} from "../runtime/process";
import { current, switches, reductionsTotal, sliceReductions, budget } from "../runtime/scheduler";
import { queued } from "../runtime/runqueue";
import { hostNow } from "../runtime/env";
import { processBytes } from "../runtime/footprint";
import { TRUE, FALSE, UNDEFINED, badarg, isTupleOf, listLength } from "./common";
import { DEBUG } from "../../gc/mem/debug";

/** The OTP release whose erlc output and stdlib Shoal is built and tested against (system_info(otp_release)). */
const OTP_RELEASE = "25";
/** Bytes of a word (a term), the internal and external word size alike. */
// @ts-ignore: decorator
@inline const WORD_BYTES: i64 = 8;

// ── atoms (interned at init: systemAtomsInit)

let A_TOTAL_RUN_QUEUE_LENGTHS: Term = 0, A_TOTAL_RUN_QUEUE_LENGTHS_ALL: Term = 0, A_RUN_QUEUE: Term = 0;
let A_RUN_QUEUE_LENGTHS: Term = 0, A_RUN_QUEUE_LENGTHS_ALL: Term = 0;
let A_TOTAL_ACTIVE_TASKS: Term = 0, A_TOTAL_ACTIVE_TASKS_ALL: Term = 0, A_ACTIVE_TASKS: Term = 0, A_ACTIVE_TASKS_ALL: Term = 0;
let A_REDUCTIONS: Term = 0, A_EXACT_REDUCTIONS: Term = 0, A_CONTEXT_SWITCHES: Term = 0, A_RUNTIME: Term = 0, A_WALL_CLOCK: Term = 0;
let A_PROCESS_COUNT: Term = 0, A_PROCESS_LIMIT: Term = 0, A_SCHEDULERS: Term = 0, A_SCHEDULERS_ONLINE: Term = 0;
let A_LOGICAL_PROCESSORS: Term = 0, A_UNKNOWN: Term = 0, A_OTP_RELEASE: Term = 0, A_WORDSIZE: Term = 0;
let A_INTERNAL: Term = 0, A_EXTERNAL: Term = 0, A_ATOM_COUNT: Term = 0, A_ATOM_LIMIT: Term = 0, A_PORT_COUNT: Term = 0;
let A_TOTAL: Term = 0, A_PROCESSES: Term = 0, A_PROCESSES_USED: Term = 0, A_SYSTEM: Term = 0, A_ATOM: Term = 0;
let A_ATOM_USED: Term = 0, A_BINARY: Term = 0, A_CODE: Term = 0, A_ETS: Term = 0;
let A_STATUS: Term = 0, A_MEMORY: Term = 0, A_HEAP_SIZE: Term = 0, A_TOTAL_HEAP_SIZE: Term = 0, A_MESSAGE_QUEUE_LEN: Term = 0;
let A_PRIORITY: Term = 0, A_TRAP_EXIT: Term = 0, A_REGISTERED_NAME: Term = 0;
let A_RUNNING: Term = 0, A_RUNNABLE: Term = 0, A_WAITING: Term = 0, A_EXITING: Term = 0;
let A_MAX: Term = 0, A_HIGH: Term = 0, A_NORMAL: Term = 0, A_LOW: Term = 0;

/** When the runtime started (host ms), and the last reductions and wall_clock readings ("since last call" is per runtime, as BEAM's is per VM). */
let startMs: f64 = 0;
let lastWallMs: f64 = 0;
let lastReductions: u64 = 0;

/** Intern the atoms and note the start time (once, at init, from nativesInit). */
export function systemInit(): void {
  A_TOTAL_RUN_QUEUE_LENGTHS = atomOf("total_run_queue_lengths");
  A_TOTAL_RUN_QUEUE_LENGTHS_ALL = atomOf("total_run_queue_lengths_all");
  A_RUN_QUEUE = atomOf("run_queue");
  A_RUN_QUEUE_LENGTHS = atomOf("run_queue_lengths");
  A_RUN_QUEUE_LENGTHS_ALL = atomOf("run_queue_lengths_all");
  A_TOTAL_ACTIVE_TASKS = atomOf("total_active_tasks");
  A_TOTAL_ACTIVE_TASKS_ALL = atomOf("total_active_tasks_all");
  A_ACTIVE_TASKS = atomOf("active_tasks");
  A_ACTIVE_TASKS_ALL = atomOf("active_tasks_all");
  A_REDUCTIONS = atomOf("reductions");
  A_EXACT_REDUCTIONS = atomOf("exact_reductions");
  A_CONTEXT_SWITCHES = atomOf("context_switches");
  A_RUNTIME = atomOf("runtime");
  A_WALL_CLOCK = atomOf("wall_clock");
  A_PROCESS_COUNT = atomOf("process_count");
  A_PROCESS_LIMIT = atomOf("process_limit");
  A_SCHEDULERS = atomOf("schedulers");
  A_SCHEDULERS_ONLINE = atomOf("schedulers_online");
  A_LOGICAL_PROCESSORS = atomOf("logical_processors");
  A_UNKNOWN = atomOf("unknown");
  A_OTP_RELEASE = atomOf("otp_release");
  A_WORDSIZE = atomOf("wordsize");
  A_INTERNAL = atomOf("internal");
  A_EXTERNAL = atomOf("external");
  A_ATOM_COUNT = atomOf("atom_count");
  A_ATOM_LIMIT = atomOf("atom_limit");
  A_PORT_COUNT = atomOf("port_count");
  A_TOTAL = atomOf("total");
  A_PROCESSES = atomOf("processes");
  A_PROCESSES_USED = atomOf("processes_used");
  A_SYSTEM = atomOf("system");
  A_ATOM = atomOf("atom");
  A_ATOM_USED = atomOf("atom_used");
  A_BINARY = atomOf("binary");
  A_CODE = atomOf("code");
  A_ETS = atomOf("ets");
  A_STATUS = atomOf("status");
  A_MEMORY = atomOf("memory");
  A_HEAP_SIZE = atomOf("heap_size");
  A_TOTAL_HEAP_SIZE = atomOf("total_heap_size");
  A_MESSAGE_QUEUE_LEN = atomOf("message_queue_len");
  A_PRIORITY = atomOf("priority");
  A_TRAP_EXIT = atomOf("trap_exit");
  A_REGISTERED_NAME = atomOf("registered_name");
  A_RUNNING = atomOf("running");
  A_RUNNABLE = atomOf("runnable");
  A_WAITING = atomOf("waiting");
  A_EXITING = atomOf("exiting");
  A_MAX = atomOf("max");
  A_HIGH = atomOf("high");
  A_NORMAL = atomOf("normal");
  A_LOW = atomOf("low");
  startMs = hostNow();
  lastWallMs = startMs;
  lastReductions = 0;
}

// ── building answers (after reserve: every element is an immediate)

// @ts-ignore: decorator
@inline function small(v: u64): Term { return makeSmall(<i64>v); }

/** The string s (ASCII) as a list of character codes; 2 words a character reserved. */
function stringList(s: string): Term {
  let l = NIL;
  for (let i = s.length - 1; i >= 0; i--) l = consRaw(makeSmall(s.charCodeAt(i)), l);
  return l;
}

// ── statistics/1

/** Reductions spent since start, the running slice's so far included. */
function reductionsNow(): u64 {
  const inSlice = current ? <u64>max(sliceReductions - budget, 0) : 0;
  return reductionsTotal + inSlice;
}

/** Processes ready to run or running: the queued ones, and the caller. */
function activeTasks(): u32 { return queued + (current ? 1 : 0); }

export function erlang_statistics_1(item: Term): Term {
  if (item == A_TOTAL_RUN_QUEUE_LENGTHS || item == A_TOTAL_RUN_QUEUE_LENGTHS_ALL || item == A_RUN_QUEUE) return small(queued);
  if (item == A_TOTAL_ACTIVE_TASKS || item == A_TOTAL_ACTIVE_TASKS_ALL) return small(activeTasks());
  if (item == A_RUN_QUEUE_LENGTHS || item == A_RUN_QUEUE_LENGTHS_ALL || item == A_ACTIVE_TASKS || item == A_ACTIVE_TASKS_ALL) {
    const n = item == A_RUN_QUEUE_LENGTHS || item == A_RUN_QUEUE_LENGTHS_ALL ? queued : activeTasks();
    reserve(2);
    return consRaw(small(n), NIL);
  }
  if (item == A_REDUCTIONS || item == A_EXACT_REDUCTIONS) {
    const now = reductionsNow();
    const since = now - lastReductions;
    lastReductions = now;
    reserve(tupleWords(2));
    return pairRaw(small(now), small(since));
  }
  if (item == A_CONTEXT_SWITCHES) {
    reserve(tupleWords(2));
    return pairRaw(small(switches), makeSmall(0));
  }
  if (item == A_RUNTIME || item == A_WALL_CLOCK) {
    const now = hostNow();
    const total = <u64>(now - startMs);
    const since = <u64>max(now - lastWallMs, 0);
    lastWallMs = now;
    reserve(tupleWords(2));
    return pairRaw(small(total), small(since));
  }
  return badarg();
}

// ── system_info/1

export function erlang_system_info_1(item: Term): Term {
  if (item == A_PROCESS_COUNT) return small(liveProcesses);
  if (item == A_PROCESS_LIMIT) return small(maxProcesses);
  if (item == A_SCHEDULERS || item == A_SCHEDULERS_ONLINE) return makeSmall(1);
  if (item == A_LOGICAL_PROCESSORS) return A_UNKNOWN;
  if (item == A_WORDSIZE) return makeSmall(WORD_BYTES);
  if (item == A_ATOM_COUNT) return small(<u64>atomCount());
  if (item == A_ATOM_LIMIT) return small(<u64>MAX_ATOMS);
  if (item == A_PORT_COUNT) return makeSmall(0);
  if (item == A_OTP_RELEASE) {
    reserve(<usize>OTP_RELEASE.length << 1);
    return stringList(OTP_RELEASE);
  }
  if (isTupleOf(item, 2) && tupleGet(item, 0) == A_WORDSIZE) {
    const k = tupleGet(item, 1);
    if (k == A_INTERNAL || k == A_EXTERNAL) return makeSmall(WORD_BYTES);
  }
  return badarg();
}

// ── memory/0,1

/** Bytes every live process holds (runtime/footprint.ts). */
function processesBytes(): u64 {
  let sum: u64 = 0;
  const n = slotCount();
  for (let s: u32 = 0; s < n; s++) {
    const p = processAt(s);
    if (p.state != STATE_FREE) sum += <u64>processBytes(p);
  }
  return sum;
}

/** Bytes of the atom table: each atom's name and its {ptr, len} entry. */
function atomBytes(): u64 {
  const n = atomCount();
  let sum: u64 = <u64>n * 8;
  for (let i = 0; i < n; i++) sum += <u64>atomNameLen(i);
  return sum;
}

/** The figure for memory type `k`, or -1 if k is not one. */
function memoryOf(k: Term): i64 {
  const total = <i64>memory.size() << 16;
  if (k == A_TOTAL) return total;
  if (k == A_PROCESSES || k == A_PROCESSES_USED) return <i64>processesBytes();
  if (k == A_SYSTEM) return total - <i64>processesBytes();
  if (k == A_ATOM || k == A_ATOM_USED) return <i64>atomBytes();
  if (k == A_BINARY) return <i64>offheapBytes;
  if (k == A_CODE || k == A_ETS) return 0;
  return -1;
}

/** erlang:memory/0: [{total, _}, {processes, _}, {processes_used, _}, {system, _}, {atom, _}, {atom_used, _}, {binary, _}, {code, _}, {ets, _}], BEAM's order. */
export function erlang_memory_0(): Term {
  const keys: Term[] = [A_TOTAL, A_PROCESSES, A_PROCESSES_USED, A_SYSTEM, A_ATOM, A_ATOM_USED, A_BINARY, A_CODE, A_ETS];
  const n = keys.length;
  const values = new StaticArray<i64>(n);
  for (let i = 0; i < n; i++) values[i] = memoryOf(keys[i]);
  reserve(<usize>n * (2 + tupleWords(2)));
  let l = NIL;
  for (let i = n - 1; i >= 0; i--) l = consRaw(pairRaw(keys[i], makeSmall(values[i])), l);
  return l;
}

/** erlang:memory/1: one type's bytes, or a list of types' {Type, Bytes} in the list's order; badarg for an unknown type. */
export function erlang_memory_1(what: Term): Term {
  if (isAtom(what)) {
    const v = memoryOf(what);
    return v < 0 ? badarg() : makeSmall(v);
  }
  const n = listLength(what);
  if (n < 0) return badarg();
  for (let l = what; isList(l); l = tail(l)) if (!isAtom(head(l)) || memoryOf(head(l)) < 0) return badarg();
  // the types are atoms (immediates), copied out before the reservation, which may move the list
  const keys = new StaticArray<Term>(<i32>n);
  let i = 0;
  for (let l = what; isList(l); l = tail(l)) keys[i++] = head(l);
  reserve(<usize>n * (2 + tupleWords(2)));
  let out = NIL;
  for (let j = <i32>n - 1; j >= 0; j--) out = consRaw(pairRaw(keys[j], makeSmall(memoryOf(keys[j]))), out);
  return out;
}

// ── processes/0

/**
 * erlang:processes/0: every live process's pid, in process-slot order (BEAM lists its process
 * table by index too). Pids are immediates: the reservation may collect the caller, not move them.
 */
export function erlang_processes_0(): Term {
  reserve(<usize>liveProcesses * 2);
  let l = NIL;
  let n: u32 = 0;
  for (let s = <i32>slotCount() - 1; s >= 0; s--) {
    const p = processAt(<u32>s);
    if (p.state != STATE_FREE) { l = consRaw(p.pid, l); n++; }
  }
  if (DEBUG) assert(n == liveProcesses);
  return l;
}

// ── process_info/2, garbage_collect/0

/** Process p's status atom. */
function statusOf(p: Process): Term {
  if (p == current) return A_RUNNING;
  if (p.state == STATE_WAITING) return A_WAITING;
  if (p.state == STATE_EXITING) return A_EXITING;
  if (DEBUG) assert(p.state == STATE_RUNNABLE);
  return A_RUNNABLE;
}

/** Process p's priority atom. */
function priorityOf(p: Process): Term {
  return p.priority == PRIO_MAX ? A_MAX : p.priority == PRIO_HIGH ? A_HIGH : p.priority == PRIO_NORMAL ? A_NORMAL : A_LOW;
}

/** erlang:process_info(Pid, Item): {Item, Value}, undefined if Pid is not alive, badarg for a non-pid or an item not listed below. */
export function erlang_process_info_2(pid: Term, item: Term): Term {
  if (!isPid(pid) || !isAtom(item)) return badarg();
  const p = lookup(pid);
  let v: Term = 0;
  if (item == A_STATUS) v = p ? statusOf(p) : 0;
  else if (item == A_MEMORY) v = p ? small(<u64>processBytes(p)) : 0;
  else if (item == A_HEAP_SIZE) v = p ? small(sharedHeap ? 0 : <u64>youngSize(heapOf(p))) : 0;
  else if (item == A_TOTAL_HEAP_SIZE) v = p ? small(sharedHeap ? 0 : <u64>heapBytes(heapOf(p)) >> 3) : 0;
  else if (item == A_MESSAGE_QUEUE_LEN) v = p ? small(p.mqLen) : 0;
  else if (item == A_REDUCTIONS) v = p ? small(p == current ? p.reductions + reductionsNow() - reductionsTotal : p.reductions) : 0;
  else if (item == A_PRIORITY) v = p ? priorityOf(p) : 0;
  else if (item == A_TRAP_EXIT) v = p ? (p.trapExit ? TRUE : FALSE) : 0;
  else if (item == A_REGISTERED_NAME) {
    if (p && !p.name) return NIL;   // BEAM's answer for a live process with no name: [], not a tuple
    v = p ? p.name : 0;
  } else return badarg();
  if (!p) return UNDEFINED;
  reserve(tupleWords(2));
  return pairRaw(item, v);
}

/** erlang:garbage_collect/0: a full sweep of the caller's heap; true. */
export function erlang_garbage_collect_0(): Term {
  collectRunning(0, true);
  return TRUE;
}
