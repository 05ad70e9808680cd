// Shoal's module: every export the host (host/) and compiled code use.
//
// The host-facing calls start, drive and inspect the runtime; the process-
// facing calls (reduce, yield, sleep, exit, frames, spawn) are the ABI that
// compiled code targets, documented in docs/abi.md. The module is built twice
// from this source, once per fiber backend (scripts/build.mjs).

import { Term, makeAtom } from "../gc/term";
import { atomsInit, atomIntern, atomNamePtr, atomNameLen, atomCount } from "../gc/atoms";
import { fiber_init, fiber_backend, fiber_bytes } from "./fiber/fiber";
import { processBlockBytes, processTableInit, heapOf, sharedHeap, lookup, fiberCtx, liveProcesses, spawnedTotal, slotCount, maxProcesses } from "./process";
import {
  schedulerInit, setNotifyExits, spawn as spawnProcess, schedule as runSchedule, crash as crashCurrent,
  kill as killProcess, killAll, current, switches, reductionsTotal, budget,
  reduce as reduceInline, yieldNow, sleep as sleepMs, self as selfPid, processExit, wake as wakeProcess,
} from "./scheduler";
import { nextDeadline } from "./timers";
import { shadowInit, frameEnter, frameLeave as leave, slotGet, slotSet, shadowBytes, sp } from "./shadowstack";
import { gcConfigure, debugPoison, heapWords } from "../gc/copying";
import { collectProcess, allocSlow, reserve } from "../gc/alloc";
import { heapBlockBytes, htop, hend, oldUsed } from "../gc/heap";
import { offheapCount, offheapBytes } from "../gc/binary";
import { ATOM_UNDEFINED } from "../gc/atoms";
import { machineLoad } from "./programs_gc";
import {
  send as sendMessage, sendEncoded, recvPeek, recvNext, recvAccept, recvWait, recvTimeout,
  HOST_PID, sentTotal, queuedMessages, Message,
} from "./mailbox";
import { registerName, unregisterName, whereis as whereisName } from "./registry";
import { faninConfig, copyConfig } from "./programs_msg";
import { programsInit, programCount, programName, programEntry, c10mConfig } from "./programs";

export { fiber_alloc, fiber_free } from "./fiber/fiber";
export { budget as shoal_budget, sp as shoal_sp, htop as shoal_htop, hend as shoal_hend };

// ---- host-facing -----------------------------------------------------------

/**
 * Start the runtime: process limit, reductions per slice, shadow-stack limit (bytes), report exits,
 * heap policy (min and max heap words, 0 max = none; full sweep after N minors), one shared heap
 * for every process (the baseline collector), debug poisoning of from-space.
 */
export function init(maxProcs: u32, slice: i32, shadowMax: u32, reportExits: bool,
  minHeap: u32, maxHeap: u32, fullsweepAfter: u32, sharedHeap: bool, poison: bool): void {
  atomsInit();
  fiber_init();
  processTableInit(maxProcs, minHeap, maxHeap, fullsweepAfter, sharedHeap);
  gcConfigure(poison, false);
  schedulerInit(slice, reportExits);
  shadowInit(shadowMax);
  programsInit();
}

/** Whether every process exit is reported to the host (env.exited). */
export function report_exits(on: bool): void { setNotifyExits(on); }

/** Which fiber backend this build uses: 1 WasmFX, 2 Asyncify. */
export function backend(): i32 { return fiber_backend(); }

/** Run slices until none is ready, maxSlices ran, or the host clock passes `until`: a status (scheduler.ts). */
export function schedule(maxSlices: i32, until: f64): i32 { return runSchedule(maxSlices, until); }

/** Earliest timer deadline (host ms), +Infinity if none. */
export function next_deadline(): f64 { return nextDeadline(); }

/** After a trap escaped schedule(): end the running process with reason `atom` (an atom index); its pid or 0. */
export function crash(atom: u32): Term { return crashCurrent(makeAtom(atom)); }

/** Pid of the process running now, 0 between slices. */
export function current_pid(): Term { return current ? current!.pid : 0; }

/** End process `pid` with `reason`; false if it is not alive. */
export function kill(pid: Term, reason: Term): bool { return killProcess(pid, reason); }

/** End every process (the host is stopping the runtime). */
export function kill_all(): void { killAll(); }

/** Whether `pid` names a live process. */
export function is_alive(pid: Term): bool { return lookup(pid) != null; }

/** Bytes of linear memory process `pid` holds (its block, saved frames, shadow stack, heap, queued message nodes); -1 if dead. */
export function process_bytes(pid: Term): i32 {
  const p = lookup(pid);
  if (!p) return -1;
  const heapBytes = sharedHeap ? 0 : heapWords(heapOf(p)) << 3;
  return <i32>(processBlockBytes() + <usize>fiber_bytes(p.slot, fiberCtx(p)) + shadowBytes(p) + heapBytes
    + <usize>p.mqLen * offsetof<Message>());
}

export function stat_live(): u32 { return liveProcesses; }
export function stat_spawned(): u64 { return spawnedTotal; }
export function stat_switches(): u64 { return switches; }
export function stat_reductions(): u64 { return reductionsTotal; }
export function stat_slots(): u32 { return slotCount(); }
export function stat_max_processes(): u32 { return maxProcesses; }

/** A scratch buffer of at least `size` bytes for the host to pass strings in. */
let io: usize = 0;
let ioCap: usize = 0;
export function io_buffer(size: usize): usize {
  if (size > ioCap) { if (io) heap.free(io); ioCap = max(size, 256); io = heap.alloc(ioCap); }
  return io;
}
/** Intern the UTF-8 name at ptr..ptr+len; its atom index, or -1 past the atom limit. */
export function atom_intern(ptr: usize, len: i32): i32 { return atomIntern(ptr, len); }
export function atom_name_ptr(i: i32): usize { return atomNamePtr(i); }
export function atom_name_len(i: i32): i32 { return atomNameLen(i); }
export function atom_count(): i32 { return atomCount(); }

export function program_count(): i32 { return programCount(); }
export function program_name(i: i32): Term { return programName(i); }
export function program_entry(i: i32): u32 { return programEntry(i); }
export function c10m_config(total: i64, window: u32): void { c10mConfig(total, window); }

// ---- heaps and collectors ----------------------------------------------------

/** Report every collection's pause to the host (env.gc_event). */
export function gc_report_pauses(on: bool): void { gcConfigure(debugPoison, on); }

/** Collect process `pid`'s heap now, running or suspended (major: a full sweep); false if it is dead. */
export function garbage_collect(pid: Term, major: bool): bool {
  const p = lookup(pid);
  if (!p) return false;
  collectProcess(p, major);
  return true;
}

/** Set a live process's heap policy (words; 0 max = none); false if it is dead. */
export function set_heap_policy(pid: Term, minWords: u32, maxWords: u32, fullsweepAfter: u32): bool {
  const p = lookup(pid);
  if (!p || sharedHeap) return false;
  const h = heapOf(p);
  h.minWords = max(minWords, 16);
  h.maxWords = maxWords;
  h.fullsweepAfter = fullsweepAfter;
  return true;
}

/** Heap figures of a live process: 0 words held, 1 live words used, 2 minor and 3 major collections, 4 off-heap bytes; -1 if dead. */
export function process_heap(pid: Term, what: i32): i64 {
  const p = lookup(pid);
  if (!p) return -1;
  const h = heapOf(p);
  if (what == 0) return <i64>heapWords(h);
  if (what == 1) return <i64>(((p == current ? htop : h.top) - h.start) >> 3) + <i64>oldUsed(h);
  if (what == 2) return h.minors;
  if (what == 3) return h.majors;
  return <i64>h.vheap;
}

/** Wake a process waiting with no timer (as a message would); false if it was not waiting. */
export function wake(pid: Term): bool {
  const p = lookup(pid);
  return p ? wakeProcess(p) : false;
}

export function stat_heap_bytes(): u64 { return heapBlockBytes; }
export function stat_offheap_count(): u32 { return offheapCount; }
export function stat_offheap_bytes(): u64 { return offheapBytes; }
/** Copy a term-machine program (assembly/programs_gc.ts) into the module; its id. */
export function machine_load(ptr: usize, len: usize): i32 { return machineLoad(ptr, len); }

// ---- messages ------------------------------------------------------------------

/** (host) Decode term_to_binary bytes at ptr..ptr+len into `pid`'s memory and deliver: 0 sent, 1 no such process (dropped), -1 malformed or unsupported, -2 atom table full or equal map keys. */
export function host_send(pid: Term, ptr: usize, len: usize): i32 { return sendEncoded(pid, ptr, len); }
/** The pid processes send to reach the host (env.host_message). */
export function host_pid(): Term { return HOST_PID; }
/** Register `pid` as atom `name`; false (badarg) if taken, dead, or already named. */
export function register(name: Term, pid: Term): bool { return registerName(name, pid); }
/** Remove a registered name; false if it was not registered. */
export function unregister(name: Term): bool { return unregisterName(name); }
/** The pid registered as `name`, or the atom undefined. */
export function whereis(name: Term): Term { const p = whereisName(name); return p ? p : ATOM_UNDEFINED; }
export function stat_messages_sent(): u64 { return sentTotal; }
export function stat_messages_queued(): u64 { return queuedMessages; }
/** Mailbox length of a live process, -1 if dead. */
export function mailbox_length(pid: Term): i32 { const p = lookup(pid); return p ? <i32>p.mqLen : -1; }
export function fanin_config(m: i64): void { faninConfig(m); }
export function copy_config(reps: i64): void { copyConfig(reps); }

// ---- process-facing (the compiler ABI, docs/abi.md) --------------------------

/** Send `msg` to `pid`, copying it into the receiver; a dead or stale pid drops it silently. */
export function send(pid: Term, msg: Term): void { sendMessage(pid, msg); }
/** Send `msg` to the process registered as `name`; false (badarg) if no process has that name. */
export function send_named(name: Term, msg: Term): bool {
  const pid = whereisName(name);
  if (!pid) return false;
  sendMessage(pid, msg);
  return true;
}
/** Receive, step 1: the message at the save position, or 0 when none is left. */
export function recv_peek(): Term { return recvPeek(); }
/** Receive: that message did not match; move past it. */
export function recv_next(): void { recvNext(); }
/** Receive: that message matched; take it out of the mailbox (returns it). */
export function recv_accept(): Term { return recvAccept(); }
/** Receive: nothing matched; wait for a new message (true) or the timeout in ms (false; 0 polls, Infinity waits forever). */
export function recv_wait(ms: f64): bool { return recvWait(ms); }
/** Receive: after a timeout, reset the save position. */
export function recv_timeout(): void { recvTimeout(); }

/** Spawn entry(arg) (a function-table index) at priority 0 max .. 3 low; pid, or the atom system_limit. */
export function spawn(entry: u32, arg: Term, priority: i32): Term {
  return spawnProcess(entry, arg, <u8>min(max(priority, 0), 3));
}
/** Spend n reductions; preempted when the slice's budget is gone. */
export function reduce(n: i32): void { reduceInline(n); }
/** Give up the rest of the slice. */
export function yield_now(): void { yieldNow(); }
/** Sleep ms milliseconds of host time. */
export function sleep(ms: f64): void { sleepMs(ms); }
/** Pid of the calling process. */
export function self(): Term { return selfPid(); }
/** End the calling process with `reason`. */
export function exit(reason: Term): void { processExit(reason); }
/** Enter a frame of n zeroed root slots. */
export function frame_enter(n: i32): void { frameEnter(n); }
/** Leave the newest frame of n slots. */
export function frame_leave(n: i32): void { leave(n); }
/** The allocation slow path: collect, then allocate `words` words on the caller's heap (its address). */
export function gc_alloc(words: usize): usize { return allocSlow(words); }
/** Make `words` words free on the caller's heap, so that many can then be bumped from shoal_htop without a check. */
export function gc_reserve(words: usize): void { reserve(words); }
/** Root slot i of the newest frame. */
export function slot_get(i: i32): Term { return slotGet(i); }
/** Set root slot i of the newest frame. */
export function slot_set(i: i32, t: Term): void { slotSet(i, t); }

// ---- External Term Format (gc/etf.ts) -----------------------------------------

import { etfEncodedSize, etfEncode } from "../gc/etf";
import { etfInput, etfOutputPtr, etfOutputLen } from "./programs_etf";

/** Bytes term_to_binary(t) takes, or -1 if t holds a fun. */
export function etf_encode_size(t: Term): i64 { return etfEncodedSize(t); }
/** Write term_to_binary(t) at out (etf_encode_size(t) bytes); returns the bytes written. */
export function etf_encode(t: Term, out: usize): usize { return etfEncode(t, out); }
/** Copy len bytes at ptr as the input of the next etf_echo process (assembly/programs_etf.ts). */
export function etf_input(ptr: usize, len: usize): void { etfInput(ptr, len); }
/** Address of the last etf_echo's output bytes. */
export function etf_output_ptr(): usize { return etfOutputPtr(); }
/** Bytes of the last etf_echo's output. */
export function etf_output_len(): usize { return etfOutputLen(); }
