// Shoal's module: every export the host (host/) and compiled code use.
//
// The host-facing calls start, drive and inspect the runtime; the process-
// facing calls (reduce, yield, sleep, exit, frames, spawn) are the ABI that
// compiled code targets, documented in docs/abi.md. The module is built twice
// from this source, once per fiber backend (scripts/build.mjs).

import { Term, makeAtom } from "../gc/term";
import { atomsInit, atomIntern, atomNamePtr, atomNameLen, atomCount } from "../gc/atoms";
import { fiber_init, fiber_backend, fiber_bytes } from "./fiber/fiber";
import { Process, processTableInit, lookup, fiberCtx, liveProcesses, spawnedTotal, slotCount, maxProcesses } from "./process";
import {
  schedulerInit, setNotifyExits, spawn as spawnProcess, schedule as runSchedule, crash as crashCurrent,
  kill as killProcess, killAll, current, switches, reductionsTotal, budget,
  reduce as reduceInline, yieldNow, sleep as sleepMs, self as selfPid, processExit,
} from "./scheduler";
import { nextDeadline } from "./timers";
import { shadowInit, frameEnter, frameLeave as leave, slotGet, slotSet, shadowBytes, sp } from "./shadowstack";
import { programsInit, programCount, programName, programEntry, c10mConfig } from "./programs";

export { __fiber_entry } from "./scheduler";
export { fiber_alloc, fiber_free } from "./fiber/fiber";
export { budget as shoal_budget, sp as shoal_sp };

// ---- host-facing -----------------------------------------------------------

/** Start the runtime: process limit, reductions per slice, shadow-stack limit (bytes), report exits. */
export function init(maxProcs: u32, slice: i32, shadowMax: u32, reportExits: bool): void {
  atomsInit();
  fiber_init();
  processTableInit(maxProcs);
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

/** Bytes of linear memory process `pid` holds (block, saved frames, shadow stack); -1 if dead. */
export function process_bytes(pid: Term): i32 {
  const p = lookup(pid);
  if (!p) return -1;
  return <i32>offsetof<Process>() + fiber_bytes(p.slot, fiberCtx(p)) + <i32>shadowBytes(p);
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

// ---- process-facing (the compiler ABI, docs/abi.md) --------------------------

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
/** Root slot i of the newest frame. */
export function slot_get(i: i32): Term { return slotGet(i); }
/** Set root slot i of the newest frame. */
export function slot_set(i: i32, t: Term): void { slotSet(i, t); }
