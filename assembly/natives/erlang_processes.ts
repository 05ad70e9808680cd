// The erlang module's BIFs on processes, as natives (registry.ts): self,
// sending, exceptions (exit/error/throw/raise), links, monitors, trap_exit,
// the name registry, spawning, apply, the process dictionary, message timers,
// clocks, yield, node and module_info. Each is the ABI's own operation
// (assembly/abi.ts shows them) with BEAM 25's argument checks and errors.
//
// exit/1, error/1,2, throw/1, raise/3 and nif_error/1,2 raise: with a
// handler they return the non-value 0; with none the process ends, as on
// BEAM. Their stack trace is [] (Shoal keeps none).

import {
  Term, NIL, isSmall, smallValue, makeSmall, isAtom, makeAtom, isPid, isList, head, tail, tupleGet, tupleWords, isRef,
  isInteger, makePid, PID_SLOT_BITS,
} from "../../gc/term/term";
import { tupleRaw, consRaw, pairRaw } from "../../gc/term/build";
import { ATOM_THROW, ATOM_ERROR, ATOM_EXIT } from "../../gc/term/atoms";
import { PredefinedAtom } from "../boundary/atoms";
import { raise } from "../runtime/exceptions";
import { send as sendMessage } from "../runtime/mailbox";
import { whereis as whereisName, registerName, unregisterName } from "../runtime/registry";
import { link as linkProcess, unlink as unlinkProcess, exitSignalTo, monitor as monitorProcess, demonitor as demonitorRef } from "../runtime/signals";
import { current, yieldNow } from "../runtime/scheduler";
import { lookup } from "../runtime/process";
import { applyFun, applyMfa, spawnMfa, spawnFun } from "../runtime/apply";
import { dictGet, dictPut, dictErase } from "../runtime/dictionary";
import { sendAfter, cancelTimer } from "../runtime/message_timers";
import { monotonicTime, systemTime } from "../runtime/clock";
import { makeRef } from "../runtime/refs";
import { exportsOf } from "../runtime/exports";
import { Priority } from "../boundary/codes";
import { i64Result } from "../runtime/arith";
import {
  TRUE, FALSE, UNDEFINED, badarg, isTuple, isTupleOf, isFun, isBool, listLength, reserveKeeping, kept0, kept1, kept2,
  A_NONODE, A_PROCESS, A_FLUSH, A_INFO, A_TRAP_EXIT, A_MODULE, A_EXPORTS, A_ATTRIBUTES, A_COMPILE, A_MD5, A_NATIVE,
  A_SECOND, A_SECONDS, A_MILLISECOND, A_MILLI_SECONDS, A_MICROSECOND, A_MICRO_SECONDS, A_NANOSECOND, A_NANO_SECONDS,
  A_PERF_COUNTER,
} from "./common";

// @ts-ignore: decorator
@inline const THROW: Term = ATOM_THROW;
// @ts-ignore: decorator
@inline const ERROR: Term = ATOM_ERROR;
// @ts-ignore: decorator
@inline const EXIT: Term = ATOM_EXIT;
// @ts-ignore: decorator
@inline const NORMAL_PRIORITY: u8 = <u8>Priority.NORMAL;

export function erlang_self_0(): Term { return current!.pid; }
export function erlang_make_ref_0(): Term { return makeRef(); }
export function erlang_node_0(): Term { return A_NONODE; }
/** erlang:node/1: every pid and reference here is of 'nonode@nohost'. */
export function erlang_node_1(t: Term): Term { return isPid(t) || isRef(t) ? A_NONODE : badarg(); }

// ── sending

/**
 * erlang:send/2 and '!'/2: Msg. A pid (dead: dropped), a registered name (unregistered: badarg),
 * or {Name, Node} (dropped, as BEAM, when Name is not registered or Node is not this one).
 */
export function erlang_send_2(dest: Term, msg: Term): Term {
  let to = dest;
  if (isTupleOf(dest, 2)) {
    const name = tupleGet(dest, 0);
    if (!isAtom(name) || !isAtom(tupleGet(dest, 1))) return badarg();
    const p = tupleGet(dest, 1) == A_NONODE ? whereisName(name) : 0;
    if (p) sendMessage(p, msg);
    return msg;
  }
  if (isAtom(to)) {
    const p = whereisName(to);
    if (!p) return badarg();
    to = p;
  }
  if (!isPid(to)) return badarg();
  sendMessage(to, msg);
  return msg;
}

// ── exceptions

export function erlang_exit_1(r: Term): Term { raise(EXIT, r, NIL); return 0; }
export function erlang_error_1(r: Term): Term { raise(ERROR, r, NIL); return 0; }
export function erlang_error_2(r: Term, args: Term): Term { raise(ERROR, r, NIL); return 0; }
export function erlang_throw_1(r: Term): Term { raise(THROW, r, NIL); return 0; }
export function erlang_nif_error_1(r: Term): Term { raise(ERROR, r, NIL); return 0; }
export function erlang_nif_error_2(r: Term, args: Term): Term { raise(ERROR, r, NIL); return 0; }

/** erlang:raise/3: raises; the atom badarg (returned, not raised, as BEAM) for a bad class or stack trace. */
export function erlang_raise_3(cls: Term, r: Term, trace: Term): Term {
  if (cls != THROW && cls != ERROR && cls != EXIT) return makeAtom(PredefinedAtom.BADARG);
  let l = trace;
  for (; isList(l); l = tail(l)) {
    const e = head(l);
    if (!isTupleOf(e, 4) && !isTupleOf(e, 3)) return makeAtom(PredefinedAtom.BADARG);
  }
  if (l != NIL) return makeAtom(PredefinedAtom.BADARG);
  raise(cls, r, trace);
  return 0;
}

/** erlang:exit/2: an exit signal; true. */
export function erlang_exit_2(pid: Term, r: Term): Term {
  if (!isPid(pid)) return badarg();
  exitSignalTo(pid, current!.pid, r);
  return TRUE;
}

// ── links, monitors, trap_exit

/** erlang:link/1: true (noproc raised by the ABI's link for a dead pid, unless trapping). */
export function erlang_link_1(pid: Term): Term {
  if (!isPid(pid)) return badarg();
  return linkProcess(current!, pid) ? TRUE : 0;
}
export function erlang_unlink_1(pid: Term): Term {
  if (!isPid(pid)) return badarg();
  unlinkProcess(current!, pid);
  return TRUE;
}

/**
 * erlang:monitor/2: process only. A name (an atom, or {Name, Node}) held by a process now monitors
 * that process (its 'DOWN' then names the pid; BEAM's names {Name, Node}); one nobody holds gives a
 * reference and, at once, {'DOWN', Ref, process, {Name, Node}, noproc}, as BEAM.
 */
export function erlang_monitor_2(kind: Term, item: Term): Term {
  if (kind != A_PROCESS) return badarg();
  if (isPid(item)) return monitorProcess(item);
  let name = item, node = A_NONODE;
  if (isTupleOf(item, 2)) { name = tupleGet(item, 0); node = tupleGet(item, 1); }
  if (!isAtom(name) || !isAtom(node)) return badarg();
  const p = node == A_NONODE ? whereisName(name) : 0;
  if (p) return monitorProcess(p);
  // nobody holds it: a reference, and its 'DOWN' message now
  const ref = makeRef();
  reserveKeeping(tupleWords(2) + tupleWords(5), ref, name, node);
  const who = tupleRaw(2);
  store<u64>(<usize>(who - 2) + 8, kept1);
  store<u64>(<usize>(who - 2) + 16, kept2);
  const down = tupleRaw(5);
  store<u64>(<usize>(down - 2) + 8, makeAtom(PredefinedAtom.DOWN_TAG));
  store<u64>(<usize>(down - 2) + 16, kept0);
  store<u64>(<usize>(down - 2) + 24, A_PROCESS);
  store<u64>(<usize>(down - 2) + 32, who);
  store<u64>(<usize>(down - 2) + 40, makeAtom(PredefinedAtom.NOPROC));
  const r = kept0;
  sendMessage(current!.pid, down);
  return r;
}

export function erlang_demonitor_1(ref: Term): Term {
  if (!isRef(ref)) return badarg();
  demonitorRef(ref, false);
  return TRUE;
}
/** erlang:demonitor/2: options flush and info (info: whether it was active). */
export function erlang_demonitor_2(ref: Term, opts: Term): Term {
  if (!isRef(ref)) return badarg();
  let flush = false, info = false;
  let l = opts;
  for (; isList(l); l = tail(l)) {
    const o = head(l);
    if (o == A_FLUSH) flush = true;
    else if (o == A_INFO) info = true;
    else return badarg();
  }
  if (l != NIL) return badarg();
  const active = demonitorRef(ref, flush);
  return info ? (active ? TRUE : FALSE) : TRUE;
}

/** erlang:process_flag/2: trap_exit only (any other flag: badarg). */
export function erlang_process_flag_2(flag: Term, v: Term): Term {
  if (flag != A_TRAP_EXIT || !isBool(v)) return badarg();
  const p = current!;
  const old = p.trapExit;
  p.trapExit = v == TRUE;
  return old ? TRUE : FALSE;
}

// ── names

export function erlang_register_2(name: Term, pid: Term): Term {
  if (!isAtom(name) || name == UNDEFINED || !isPid(pid)) return badarg();
  return registerName(name, pid) ? TRUE : badarg();
}
export function erlang_unregister_1(name: Term): Term {
  if (!isAtom(name)) return badarg();
  return unregisterName(name) ? TRUE : badarg();
}
export function erlang_whereis_1(name: Term): Term {
  if (!isAtom(name)) return badarg();
  const p = whereisName(name);
  return p ? p : UNDEFINED;
}
export function erlang_is_process_alive_1(pid: Term): Term {
  if (!isPid(pid)) return badarg();
  return lookup(pid) ? TRUE : FALSE;
}

// ── spawning

/** erlang:spawn/1: a fun of no arguments (any other term: badarg). */
export function erlang_spawn_1(f: Term): Term {
  if (!isFun(f)) return badarg();
  return spawnFun(f, NORMAL_PRIORITY);
}
/** erlang:spawn/3. */
export function erlang_spawn_3(m: Term, f: Term, args: Term): Term {
  if (!isAtom(m) || !isAtom(f) || listLength(args) < 0) return badarg();
  return spawnMfa(m, f, args, NORMAL_PRIORITY);
}
export function erlang_spawn_link_1(f: Term): Term {
  const pid = erlang_spawn_1(f);
  if (isPid(pid)) linkProcess(current!, pid);
  return pid;
}
export function erlang_spawn_link_3(m: Term, f: Term, args: Term): Term {
  const pid = erlang_spawn_3(m, f, args);
  if (isPid(pid)) linkProcess(current!, pid);
  return pid;
}
/** {Pid, Ref} of a spawn just made (the pid is an immediate: it needs no root). */
function withMonitor(pid: Term): Term {
  if (!isPid(pid)) return pid;
  const ref = monitorProcess(pid);
  reserveKeeping(tupleWords(2), ref);
  const t = tupleRaw(2);
  store<u64>(<usize>(t - 2) + 8, pid);
  store<u64>(<usize>(t - 2) + 16, kept0);
  return t;
}
export function erlang_spawn_monitor_1(f: Term): Term { return withMonitor(erlang_spawn_1(f)); }
export function erlang_spawn_monitor_3(m: Term, f: Term, args: Term): Term { return withMonitor(erlang_spawn_3(m, f, args)); }

// ── apply

export function erlang_apply_2(f: Term, args: Term): Term {
  // a {Module, Function} tuple as a fun, as BEAM still allows
  if (isTupleOf(f, 2) && isAtom(tupleGet(f, 0)) && isAtom(tupleGet(f, 1))) return applyMfa(tupleGet(f, 0), tupleGet(f, 1), args);
  return applyFun(f, args);
}
export function erlang_apply_3(m: Term, f: Term, args: Term): Term {
  if (!isAtom(m) || !isAtom(f)) return badarg();
  return applyMfa(m, f, args);
}

// ── the process dictionary

export function erlang_put_2(k: Term, v: Term): Term { return dictPut(k, v); }
export function erlang_get_1(k: Term): Term { return dictGet(k); }
/** erlang:get/0: the {Key, Value} pairs (newest first here; BEAM's order is its hash's). */
export function erlang_get_0(): Term { return current!.dict; }
export function erlang_erase_1(k: Term): Term { return dictErase(k); }
export function erlang_erase_0(): Term {
  const p = current!;
  const d = p.dict;
  p.dict = NIL;
  return d;
}

// ── timers and clocks

/** erlang:send_after/3: Time a non-negative integer of milliseconds. */
export function erlang_send_after_3(time: Term, dest: Term, msg: Term): Term {
  if (!isSmall(time) || smallValue(time) < 0 || (!isPid(dest) && !isAtom(dest))) return badarg();
  const r = sendAfter(<f64>smallValue(time), dest, msg);
  return isAtom(r) ? badarg() : r;
}
export function erlang_cancel_timer_1(ref: Term): Term {
  if (!isRef(ref)) return badarg();
  return cancelTimer(ref);
}

/** Parts per second of a time unit, or 0 if it is not one. */
function unitPerSecond(u: Term): i64 {
  if (u == A_NATIVE || u == A_NANOSECOND || u == A_NANO_SECONDS || u == A_PERF_COUNTER) return 1_000_000_000;
  if (u == A_MICROSECOND || u == A_MICRO_SECONDS) return 1_000_000;
  if (u == A_MILLISECOND || u == A_MILLI_SECONDS) return 1_000;
  if (u == A_SECOND || u == A_SECONDS) return 1;
  if (isSmall(u) && smallValue(u) > 0) return smallValue(u);
  return 0;
}
/** Nanoseconds in `unit`, rounded down (as erlang:convert_time_unit/3). */
function inUnit(ns: i64, unit: Term): Term {
  const per = unitPerSecond(unit);
  if (per == 0) return badarg();
  if (per == 1_000_000_000) return i64Result(ns);
  // floor(ns * per / 1e9) without overflow for per <= 1e9: split seconds and the rest
  const s = ns >= 0 ? ns / 1_000_000_000 : -((-ns + 999_999_999) / 1_000_000_000);
  const rest = ns - s * 1_000_000_000;
  return i64Result(s * per + (rest * per) / 1_000_000_000);
}
export function erlang_monotonic_time_0(): Term { return i64Result(monotonicTime()); }
export function erlang_monotonic_time_1(u: Term): Term { return inUnit(monotonicTime(), u); }
export function erlang_system_time_0(): Term { return i64Result(systemTime()); }
export function erlang_system_time_1(u: Term): Term { return inUnit(systemTime(), u); }

export function erlang_yield_0(): Term { yieldNow(); return TRUE; }

// ── module_info

/** Module module_info(exports) is being built for, and the list so far (in a root slot's keeping). */
let infoModule: u32 = 0;
let infoCount: u32 = 0;
function countExport(f: u32, arity: u32): void { infoCount++; }
let infoList: Term = NIL;
function consExport(f: u32, arity: u32): void {
  const t = tupleRaw(2);
  store<u64>(<usize>(t - 2) + 8, makeAtom(f));
  store<u64>(<usize>(t - 2) + 16, makeSmall(<i64>arity));
  infoList = consRaw(t, infoList);
}
/** [{F, A}, ...] of module m's entries and natives (the export table's order). */
function exportsList(m: Term): Term {
  infoModule = <u32>(m >> 6);
  infoCount = 0;
  exportsOf(infoModule, countExport);
  reserveKeeping(infoCount * (2 + tupleWords(2)), NIL);
  infoList = NIL;
  exportsOf(infoModule, consExport);
  const l = infoList;
  infoList = NIL;
  return l;
}

/**
 * erlang:get_module_info/2 (what module_info/1 compiles to): module → the name, exports → the
 * module's entries and natives as the export table knows them; attributes and compile → [];
 * md5 → badarg (Shoal keeps no object code); anything else badarg.
 */
export function erlang_get_module_info_2(m: Term, what: Term): Term {
  if (!isAtom(m) || !isAtom(what)) return badarg();
  if (what == A_MODULE) return m;
  if (what == A_EXPORTS) return exportsList(m);
  if (what == A_ATTRIBUTES || what == A_COMPILE) return NIL;
  return badarg();
}

/** erlang:get_module_info/1: [{module, M}, {exports, [...]}, {attributes, []}, {compile, []}]. */
export function erlang_get_module_info_1(m: Term): Term {
  if (!isAtom(m)) return badarg();
  const ex = exportsList(m);
  reserveKeeping(4 * (2 + tupleWords(2)), ex, m);
  let l: Term = NIL;
  l = consRaw(pairRaw(A_COMPILE, NIL), l);
  l = consRaw(pairRaw(A_ATTRIBUTES, NIL), l);
  l = consRaw(pairRaw(A_EXPORTS, kept0), l);
  l = consRaw(pairRaw(A_MODULE, kept1), l);
  return l;
}
