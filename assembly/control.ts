// Host control: what the host (host/) calls to start, drive and inspect the
// runtime, between slices. Process code never calls these except the few
// documented as safe for it in docs/abi.md (whereis, register, atom_*,
// stat_*, process_heap, is_alive, process_at). Numbers that cross here are defined once in
// assembly/boundary/.

import { Term, makeAtom, isAtom, atomIndex } from "../gc/term/term";
import { atomsInit, atomFind, atomNamePtr, atomNameLen, atomCount, ATOM_UNDEFINED } from "../gc/term/atoms";
import { htop, heapBlockBytes, oldUsed, heapTargetAbort } from "../gc/mem/heap";
import { offheapCount, offheapBytes } from "../gc/mem/offheap";
import { gcConfigure, heapWords } from "../gc/collector";
import { etfReset } from "../gc/term/etf";
import { nodeSetCreation } from "../gc/term/node";
import { fiber_init, fiber_backend } from "./fiber/fiber";
import {
  processBlockBytes, processTableInit, heapOf, sharedHeap, lookup, fiberCtx, liveProcesses, spawnedTotal,
  slotCount, maxProcesses, setMaxProcesses, processAt, STATE_FREE,
} from "./runtime/process";
import {
  schedulerInit, setNotifyExits, spawnEncoded, schedule as runSchedule, crash as crashCurrent,
  killEncoded, killAll, current, switches, reductionsTotal, wake as wakeProcess,
} from "./runtime/scheduler";
import { nextDeadline } from "./runtime/timers";
import { timerMessages, timerMessageBytes, setMaxTimers } from "./runtime/message_timers";
import { shadowInit } from "./runtime/shadowstack";
import { collectProcess, reportGcPauses } from "./runtime/alloc";
import { processBytes } from "./runtime/footprint";
import { sendEncoded, HOST_PID, sentTotal, queuedMessages } from "./runtime/mailbox";
import { Message } from "./runtime/message";
import { registerName, unregisterName, whereis as whereisName } from "./runtime/registry";
import { HeapFigure, Priority } from "./boundary/codes";
import { exportsInit, exportsWithdraw, entryDirectory, entryCount } from "./runtime/exports";
import { applyEntry } from "./runtime/apply";
import { hostLink, hostUnlink, hostExitSignal, monitorNumber, hostDemonitor } from "./runtime/signals";
import { supervisorIndex } from "./runtime/supervisor";
import { nativesCount, nativesInit } from "./natives/registry";

// set by the link step to the linked program's entry directory (assembly/boundary/entries.ts)
export { entryDirectory as __shoal_entries, entryCount as __shoal_entry_count };

/**
 * Start the runtime: process limit, reductions per slice, shadow-stack limit (bytes), report exits,
 * heap policy (min and max heap words, 0 max = none; full sweep after N minors), one shared heap
 * for every process (the baseline collector), debug poisoning of from-space, and the native stack
 * of the thread it runs on (bytes: the Asyncify backend's unwind area must hold that much).
 */
export function init(maxProcs: u32, slice: i32, shadowMax: u32, reportExits: bool,
  minHeap: u32, maxHeap: u32, fullsweepAfter: u32, sharedHeap: bool, poison: bool, nativeStackBytes: u32): void {
  atomsInit();
  // the program's entries, then the natives (which replace an entry of the same name)
  exportsInit(applyEntry.index, nativesCount());
  nativesInit();
  fiber_init(nativeStackBytes);
  processTableInit(maxProcs, minHeap, maxHeap, fullsweepAfter, sharedHeap);
  gcConfigure(poison);
  schedulerInit(slice, reportExits);
  shadowInit(shadowMax);
}

/** Function-table index of the entry that starts a process by name: spawn_encoded(apply_entry(), {M, F, Args}) runs M:F(Args...). */
export function apply_entry(): u32 { return applyEntry.index; }

/**
 * Withdraw module `module`'s entries from the export table (a module whose -on_load function did
 * not return ok: calls to it raise undef from now on, as BEAM leaves it unloaded); how many. 0 for
 * a term that is not an atom.
 */
export function unload_module(module: Term): u32 { return isAtom(module) ? exportsWithdraw(atomIndex(module)) : 0; }

/** Function-table index of the supervisor's entry: spawn_encoded(supervisor_entry(), {HostPid, Spec}) starts one for the host. */
export function supervisor_entry(): u32 { return supervisorIndex(); }

/** Raise or lower the most processes alive at once (at least those alive now, at most the pid slots); the limit now in force. */
export function set_max_processes(limit: u32): u32 { return setMaxProcesses(limit); }

/**
 * After a trap escaped a host call outside any process (send, spawn, kill,
 * io_buffer: the engine could not grow memory): put the module's state back
 * as it was before the call. The call had no effect, or an unreachable one
 * the next collection removes.
 */
export function host_call_failed(): void {
  heapTargetAbort();
  etfReset();
}

/** Set the creation this runtime writes in its pids and references and requires of pids it reads (External Term Format, gc/term/node.ts); the host picks one per runtime, nonzero, at start. */
export function set_pid_creation(c: u32): void { nodeSetCreation(c); }

/** Whether every process exit is reported to the host (env.exited). */
export function report_exits(on: bool): void { setNotifyExits(on); }

/** Which fiber backend this build uses (BackendId: 1 WasmFX, 2 Asyncify). */
export function backend(): i32 { return fiber_backend(); }

/** Run slices until none is ready, maxSlices ran, or the host clock passes `until`: a Status. */
export function schedule(maxSlices: i32, until: f64): i32 { return runSchedule(maxSlices, until); }

/** Earliest timer deadline (host ms), +Infinity if none. */
export function next_deadline(): f64 { return nextDeadline(); }

/** After a trap escaped schedule(): end the running process with reason `atom` (an atom index); its pid or 0. */
export function crash(atom: u32): Term { return crashCurrent(makeAtom(atom)); }

/** Pid of the process running now, 0 between slices. */
export function current_pid(): Term { return current ? current!.pid : 0; }

/** Spawn entry (a function-table index) with the argument External Term Format bytes at ptr..ptr+len hold, at a Priority: the pid, or the atom badarg (malformed bytes) or system_limit. */
export function spawn_encoded(entry: u32, ptr: usize, len: usize, priority: i32): Term {
  return spawnEncoded(entry, ptr, len, <u8>min(max(priority, Priority.MAX), Priority.LOW));
}

/** End process `pid` with the reason External Term Format bytes at ptr..ptr+len hold: a HostResult. */
export function kill_encoded(pid: Term, ptr: usize, len: usize): i32 { return killEncoded(pid, ptr, len); }

/** The host links to `pid` (its exit comes to the host as {'EXIT', Pid, Reason}); false if it is not alive. */
export function host_link(pid: Term): bool { return hostLink(pid); }
/** The host unlinks from `pid`. */
export function host_unlink(pid: Term): void { hostUnlink(pid); }
/** The host sends `pid` an exit signal (erlang:exit/2) with the reason External Term Format bytes at ptr..ptr+len hold: a HostResult. */
export function exit_encoded(pid: Term, ptr: usize, len: usize): i32 { return hostExitSignal(pid, ptr, len); }

/** The host monitors `pid`: the monitor's reference number (its 'DOWN' message comes to the host; at once, with noproc, if it is not alive). */
export function host_monitor(pid: Term): u64 { return monitorNumber(null, pid); }
/** The host stops its monitor number n on `pid`: whether it was active. */
export function host_demonitor(pid: Term, n: u64): bool { return hostDemonitor(pid, n); }

/** End every process (the host is stopping the runtime). */
export function kill_all(): void { killAll(); }

/** Whether `pid` names a live process. */
export function is_alive(pid: Term): bool { return lookup(pid) != null; }

/** The pid of the live process in `slot`, or 0 if the slot is free or past the table (erlang:processes/0 walks the slots in order). */
export function process_at(slot: u32): Term {
  if (slot >= slotCount()) return 0;
  const p = processAt(slot);
  return p.state != STATE_FREE ? p.pid : 0;
}

/** Bytes of linear memory process `pid` holds (its block, saved frames, shadow stack, heap, queued message nodes); -1 if dead. */
export function process_bytes(pid: Term): i32 {
  const p = lookup(pid);
  return p ? <i32>processBytes(p) : -1;
}

export function stat_live(): u32 { return liveProcesses; }
export function stat_spawned(): u64 { return spawnedTotal; }
export function stat_switches(): u64 { return switches; }
export function stat_reductions(): u64 { return reductionsTotal; }
export function stat_slots(): u32 { return slotCount(); }
export function stat_max_processes(): u32 { return maxProcesses; }
export function stat_heap_bytes(): u64 { return heapBlockBytes; }
export function stat_offheap_count(): u32 { return offheapCount; }
export function stat_offheap_bytes(): u64 { return offheapBytes; }
export function stat_messages_sent(): u64 { return sentTotal; }
export function stat_messages_queued(): u64 { return queuedMessages; }
/** Message timers (send_after) armed, and the bytes they hold (their records and message copies). */
export function stat_timers(): u32 { return timerMessages; }
export function stat_timer_bytes(): u64 { return timerMessageBytes; }

/** Raise or lower the most message timers armed at once (send_after past it: system_limit); the limit now in force. */
export function set_max_timers(limit: u32): u32 { return setMaxTimers(limit); }

/** A scratch buffer of at least `size` bytes for the host to pass strings and External Term Format in. */
let io: usize = 0;
let ioCap: usize = 0;
export function io_buffer(size: usize): usize {
  if (size > ioCap) {
    // the new block first: if it cannot be had, the old one is still there and nothing changed
    const cap = max(size, 256);
    const fresh = heap.alloc(cap);
    if (io) heap.free(io);
    io = fresh;
    ioCap = cap;
  }
  return io;
}
/** The index of the atom named by the UTF-8 bytes at ptr..ptr+len, or -1 if no such atom exists (nothing is interned: for lookups). */
export function atom_find(ptr: usize, len: i32): i32 { return atomFind(ptr, len); }
/** Address of atom i's UTF-8 name. */
export function atom_name_ptr(i: i32): usize { return atomNamePtr(i); }
/** Bytes of atom i's name. */
export function atom_name_len(i: i32): i32 { return atomNameLen(i); }
/** Atoms interned so far. */
export function atom_count(): i32 { return atomCount(); }

// ---- heaps and collectors ----------------------------------------------------

/** Report every collection's pause to the host (env.gc_event). */
export function gc_report_pauses(on: bool): void { reportGcPauses(on); }

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

/** A figure of a live process's heap (HeapFigure); -1 if dead. */
export function process_heap(pid: Term, what: i32): i64 {
  const p = lookup(pid);
  if (!p) return -1;
  const h = heapOf(p);
  switch (what) {
    case HeapFigure.WORDS: return <i64>heapWords(h);
    case HeapFigure.USED_WORDS: return <i64>(((p == current ? htop : h.top) - h.start) >> 3) + <i64>oldUsed(h);
    case HeapFigure.MINORS: return h.minors;
    case HeapFigure.MAJORS: return h.majors;
    case HeapFigure.OFFHEAP_BYTES: return <i64>h.vheap;
    case HeapFigure.MIN_WORDS: return h.minWords;
    case HeapFigure.MAX_WORDS: return h.maxWords;
    case HeapFigure.FULLSWEEP_AFTER: return h.fullsweepAfter;
  }
  return -1;
}

/** Wake a process waiting in a receive with no timer (as a message would); false if it was not waiting. */
export function wake(pid: Term): bool {
  const p = lookup(pid);
  return p ? wakeProcess(p) : false;
}

// ---- messages ------------------------------------------------------------------

/** (host) Decode term_to_binary bytes at ptr..ptr+len into `pid`'s memory and deliver: a HostResult. */
export function host_send(pid: Term, ptr: usize, len: usize): i32 { return sendEncoded(pid, ptr, len); }
/** The pid processes send to reach the host (env.host_message). */
export function host_pid(): Term { return HOST_PID; }
/** Register `pid` as atom `name`; false (badarg) if taken, dead, or already named. */
export function register(name: Term, pid: Term): bool { return registerName(name, pid); }
/** Remove a registered name; false if it was not registered. */
export function unregister(name: Term): bool { return unregisterName(name); }
/** The pid registered as `name`, or the atom undefined. */
export function whereis(name: Term): Term { const p = whereisName(name); return p ? p : ATOM_UNDEFINED; }
/** Mailbox length of a live process, -1 if dead. */
export function mailbox_length(pid: Term): i32 { const p = lookup(pid); return p ? <i32>p.mqLen : -1; }
