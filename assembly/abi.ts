// The ABI: what code running in a process calls (compiled code, and the
// built-in test programs in assembly/testing/), imported from module "shoal".
// docs/abi.md documents each call, its Wasm type and its rules: which calls
// may collect (then every term not reloaded from a root slot is stale),
// which may suspend the process, and which never return.
//
//   group          calls
//   ------------   ------------------------------------------------------------
//   scheduling     reduce yield_now sleep self exit spawn kill
//                  + the global shoal_budget (reductions left in the slice)
//   roots          frame_enter frame_leave slot_get slot_set (+ global shoal_sp)
//   allocation     gc_alloc gc_reserve gc_collect (+ globals shoal_htop shoal_hend)
//   building       make_tuple make_cons make_integer make_float make_binary
//                  make_map make_fun binary_data bits_integer_get bits_integer_put
//                  (after gc_reserve; never collect)
//   arithmetic     arith_add arith_sub arith_mul arith_div arith_rem arith_fdiv arith_neg
//                  arith_band arith_bor arith_bxor arith_bnot arith_bsl arith_bsr
//   numbers        erlang_integer_to_list_1 ... erlang_list_to_float_1 (the natives of the
//                  numeric conversions, assembly/natives/numbers.ts)
//   messages       send send_named recv_peek recv_next recv_accept recv_wait
//                  recv_timeout
//   timers         send_after cancel_timer read_timer
//   clocks         monotonic_time system_time
//   dictionary     dict_get dict_put dict_erase
//   terms          term_compare term_equal term_hash make_ref atom_intern etf_decoded_words
//                  etf_decode etf_encode_size etf_encode
//   raw memory     raw_alloc raw_free (outside every heap, never moved)

import { Term } from "../gc/term/term";
import { binaryWords, integerWords } from "../gc/term/term";
import {
  consRaw, tupleRaw, integerRaw, floatRaw, binaryRaw, binaryData, mapRaw, funRaw,
} from "../gc/term/build";
import { atomIntern } from "../gc/term/atoms";
import { etfEncodedSize, etfEncode } from "../gc/term/etf";
import { compareTerms, compareOrder, equalTerms } from "../gc/term/order";
import { phash2 } from "../gc/term/hash";
import { bitsIntegerGet, bitsIntegerPut } from "../gc/term/bits";
import { htop, hend, active, bump } from "../gc/mem/heap";
import {
  spawn as spawnProcess, kill as killProcess, budget, reduce as reduceInline, yieldNow,
  sleep as sleepMs, self as selfPid, processExit,
} from "./runtime/scheduler";
import { frameEnter, frameLeave, slotGet, slotSet, sp, spLimit } from "./runtime/shadowstack";
import { allocSlow, reserve, collectRunning } from "./runtime/alloc";
import {
  send as sendMessage, recvPeek, recvNext, recvAccept, recvWait, recvTimeout,
} from "./runtime/mailbox";
import { whereis as whereisName } from "./runtime/registry";
import { dictGet, dictPut, dictErase } from "./runtime/dictionary";
import { encodedWords, decodeAt } from "./runtime/transfer";
import { makeRef } from "./runtime/refs";
import { sendAfter, cancelTimer, readTimer } from "./runtime/message_timers";
import { monotonicTime, systemTime } from "./runtime/clock";
import { Priority } from "./boundary/codes";
import { applyFun, applyMfa, spawnMfa, spawnFun } from "./runtime/apply";
import { exportLookup } from "./runtime/exports";
import { tryEnter, tryLeave, raise as raiseException, raiseTrace, excClass, excReason, excTrace, excClear, excResume, stackDepth } from "./runtime/exceptions";
import { bifRaise, bifTrace } from "./runtime/bif_traces";
import { traceModule } from "./runtime/traces";
import { makeAtom } from "../gc/term/term";
import { PredefinedAtom } from "./boundary/atoms";
import { hostCall } from "./runtime/hostcall";
import { link as linkProcess, unlink as unlinkProcess, exitSignalTo, monitor as monitorProcess, demonitor as demonitorRef } from "./runtime/signals";
import { current } from "./runtime/scheduler";
import { supervisorStart } from "./runtime/supervisor";
import { hostStdout } from "./runtime/env";
import {
  arithAdd, arithSub, arithMul, arithDiv, arithRem, arithFdiv, arithNeg, arithBand, arithBor, arithBxor, arithBnot, arithBsl, arithBsr,
} from "./runtime/arith";

export { budget as shoal_budget, sp as shoal_sp, spLimit as shoal_sp_limit, htop as shoal_htop, hend as shoal_hend };

// ---- scheduling --------------------------------------------------------------

/** Spend n reductions; preempted when the slice's budget is gone. May suspend. */
export function reduce(n: i32): void { reduceInline(n); }
/** Give up the rest of the slice. Suspends. */
export function yield_now(): void { yieldNow(); }
/** Sleep ms milliseconds of host time. Suspends. */
export function sleep(ms: f64): void { sleepMs(ms); }
/** Pid of the calling process. */
export function self(): Term { return selfPid(); }
/** End the calling process with `reason`. Never returns (no frame_leave needed). */
export function exit(reason: Term): void { processExit(reason); }
/** Spawn entry(arg) (a function-table index of type (i64) -> (i64)) at priority 0 max .. 3 low; arg is copied into the child. The pid, or the atom system_limit. */
export function spawn(entry: u32, arg: Term, priority: i32): Term {
  return spawnProcess(entry, arg, <u8>min(max(priority, Priority.MAX), Priority.LOW));
}
/** Spawn module:function(args...) (erlang:spawn/3) at `priority`: the pid, or system_limit. A missing export ends the child with {undef, ...}. */
export function spawn_mfa(module: Term, fn: Term, args: Term, priority: i32): Term {
  return spawnMfa(module, fn, args, <u8>min(max(priority, Priority.MAX), Priority.LOW));
}
/** Spawn fun() (erlang:spawn/1) at `priority`: the pid, or system_limit. */
export function spawn_fun(fun: Term, priority: i32): Term {
  return spawnFun(fun, <u8>min(max(priority, Priority.MAX), Priority.LOW));
}
/** End process `pid` with `reason` (copied into it); false if it is not alive. Killing itself never returns. */
export function kill(pid: Term, reason: Term): bool { return killProcess(pid, reason); }

// ---- links and exit signals ------------------------------------------------------

/** link(Pid): link the caller and `pid` (a dead pid: the caller gets the exit signal noproc, so it ends unless it traps exits). Never collects. */
export function link(pid: Term): Term { return linkProcess(current!, pid) ? makeAtom(PredefinedAtom.TRUE) : 0; }
/** unlink(Pid). */
export function unlink(pid: Term): void { unlinkProcess(current!, pid); }
/** exit(Pid, Reason) (erlang:exit/2): send `pid` an exit signal (kill is untrappable, normal is ignored by a process not trapping exits); false if `pid` is not alive. Ends the caller if it signals itself. */
export function exit_signal(pid: Term, reason: Term): bool { return exitSignalTo(pid, current!.pid, reason); }
/** process_flag(trap_exit, On): exit signals become {'EXIT', From, Reason} messages; the old value. */
export function trap_exit(on: bool): bool {
  const old = current!.trapExit;
  current!.trapExit = on;
  return old;
}

/** erlang:monitor(process, Pid): a new reference; {'DOWN', Ref, process, Pid, Reason} comes when `pid` ends (at once, with noproc, if it is not alive). May collect. */
export function monitor(pid: Term): Term { return monitorProcess(pid); }
/** erlang:demonitor(Ref) (flush: demonitor(Ref, [flush])): whether the monitor was active. */
export function demonitor(ref: Term, flush: bool): bool { return demonitorRef(ref, flush); }
/** supervisor:start_link(Spec): start a supervisor (assembly/runtime/supervisor.ts) linked to the caller; its pid, or system_limit. A bad spec ends it with badarg. May collect. */
export function supervisor_start(spec: Term): Term { return supervisorStart(spec); }

// ---- roots -----------------------------------------------------------------------

/** Enter a frame of n zeroed root slots. */
export function frame_enter(n: i32): void { frameEnter(n); }
/** Leave the newest frame of n slots. */
export function frame_leave(n: i32): void { frameLeave(n); }
/** Root slot i of the newest frame. */
export function slot_get(i: i32): Term { return slotGet(i); }
/** Set root slot i of the newest frame. */
export function slot_set(i: i32, t: Term): void { slotSet(i, t); }

// ---- allocation ---------------------------------------------------------------

/** The allocation slow path: collect, then allocate `words` words on the caller's heap (its address). May collect. */
export function gc_alloc(words: usize): usize { return allocSlow(words); }
/** Make `words` words free on the caller's heap, so that many can then be bumped from shoal_htop (or built with make_*) without a check. May collect. */
export function gc_reserve(words: usize): void { reserve(words); }
/** Collect the caller's heap now (major: a full sweep). Collects. */
export function gc_collect(major: bool): void { collectRunning(0, major); }

// ---- building terms (after gc_reserve of their words; these never collect) ----

/** A tuple of n elements, each [] (fill them in: element i is the word at its address + 8 + 8i). 1 + n words. */
export function make_tuple(n: usize): Term { return tupleRaw(n); }
/** [head | tail]. 2 words. */
export function make_cons(head: Term, tail: Term): Term { return consRaw(head, tail); }
/** An integer: small if it fits 60 bits (0 words), else a big of one limb (3 words: integer_words). */
export function make_integer(v: i64): Term { return integerRaw(v); }
/** Words make_integer(v) takes: 0 or 3. */
export function integer_words(v: i64): usize { return integerWords(v); }
/** A float. 2 words. */
export function make_float(v: f64): Term { return floatRaw(v); }
/** A binary of `size` bytes, uninitialised (write them at binary_data). binary_words(size) words; over 64 bytes the bytes are off-heap. */
export function make_binary(size: u32): Term { return binaryRaw(size); }
/** Words make_binary(size) takes. */
export function binary_words(size: u32): usize { return binaryWords(size); }
/** Address of a binary's bytes. */
export function binary_data(t: Term): usize { return binaryData(t); }
/** An integer field of over 64 bits (gc/term/bits.ts): a small or a big; 2 + ceil(bits / 64) words reserved first. */
export function bits_integer_get(data: usize, off: u64, bits: u32, flags: u32): Term { return bitsIntegerGet(data, off, bits, flags); }
/** Write integer v's low `bits` bits as a field (gc/term/bits.ts). */
export function bits_integer_put(data: usize, off: u64, bits: u32, flags: u32, v: Term): void { bitsIntegerPut(data, off, bits, flags, v); }
/**
 * A map of n pairs, keys and values [] (fill them in). 2 + 2n words. The keys must be stored ascending in
 * map-key order, BEAM's exact order (gc/term/order.ts): term order, except that an integer and a float are
 * never equal and every integer sorts before every float, at any depth (2 before 1.0, {2} before {1.0}).
 */
export function make_map(n: usize): Term { return mapRaw(n); }
/** A fun of function-table entry `entry` and `arity`, its nfree free variables [] (fill them in). 2 + nfree words. */
export function make_fun(entry: u32, arity: u32, nfree: usize): Term { return funRaw(entry, arity, nfree); }

// ---- arithmetic (erlang's operators for what compiled code's inline small-integer path does not handle;
//      may collect; a bad operand raises error:badarith and returns the non-value 0) -------------

/** A + B. */
export function arith_add(a: Term, b: Term): Term { return arithAdd(a, b); }
/** A - B. */
export function arith_sub(a: Term, b: Term): Term { return arithSub(a, b); }
/** A * B. */
export function arith_mul(a: Term, b: Term): Term { return arithMul(a, b); }
/** A div B. */
export function arith_div(a: Term, b: Term): Term { return arithDiv(a, b); }
/** A rem B. */
export function arith_rem(a: Term, b: Term): Term { return arithRem(a, b); }
/** A / B. */
export function arith_fdiv(a: Term, b: Term): Term { return arithFdiv(a, b); }
/** -A. */
export function arith_neg(a: Term): Term { return arithNeg(a); }
/** A band B. */
export function arith_band(a: Term, b: Term): Term { return arithBand(a, b); }
/** A bor B. */
export function arith_bor(a: Term, b: Term): Term { return arithBor(a, b); }
/** A bxor B. */
export function arith_bxor(a: Term, b: Term): Term { return arithBxor(a, b); }
/** bnot A. */
export function arith_bnot(a: Term): Term { return arithBnot(a); }
/** A bsl B. */
export function arith_bsl(a: Term, b: Term): Term { return arithBsl(a, b); }
/** A bsr B. */
export function arith_bsr(a: Term, b: Term): Term { return arithBsr(a, b); }

// ---- numeric conversions: the natives of erlang:integer_to_list/1 ... (assembly/natives/numbers.ts),
//      exported under these names too; compiled code finds them by name, docs/abi.md "Natives") -----

export {
  erlang_integer_to_list_1, erlang_integer_to_list_2, erlang_integer_to_binary_1, erlang_integer_to_binary_2, erlang_list_to_integer_1, erlang_list_to_integer_2, erlang_binary_to_integer_1,
  erlang_binary_to_integer_2, erlang_abs_1, erlang_trunc_1, erlang_round_1, erlang_float_1,
  erlang_float_to_list_1, erlang_float_to_list_2, erlang_list_to_float_1,
} from "./natives/numbers";

// ---- exceptions --------------------------------------------------------------------

/** Install a handler that resumes at `resume` (the compiled code's id for it): a frame of 2 slots on the shadow stack. */
export function try_enter(resume: i32): void { tryEnter(resume); }
/** Remove the newest handler (its body returned normally): its frame must be the newest. */
export function try_leave(): void { tryLeave(); }
/** Raise (class, reason, trace): the newest handler's resume id, the shadow stack back as it was when that handler was installed; with none, the process ends (throw: {{nocatch, Value}, Trace}; error: {Reason, Trace}; exit: Reason). */
export function raise(cls: Term, reason: Term, trace: Term): i32 { return raiseException(cls, reason, trace); }
/** Raise (class, reason) with BEAM's trace: [frame | the callers' frames from the CP words on the shadow stack]; cp the raiser's return address if it has no frame, else 0. As raise otherwise. */
export function raise_trace(cls: Term, reason: Term, frame: Term, cp: u64): i32 { return raiseTrace(cls, reason, frame, cp); }
/** Raise error:reason from an inline BIF m:f with its n arguments in the newest n root slots: BEAM's trace [{m, f, Args, ErrorInfo}, frame, cp's frame | callers]. */
export function bif_raise(reason: Term, m: Term, f: Term, n: i32, frame: Term, cp: u64): i32 { return bifRaise(reason, m, f, n, frame, cp); }
/** After a call returned the non-value: a native's raise gets BEAM's trace [{m, f, Args, ErrorInfo} (m not 0), frame (not 0), cp's frame | callers]; Args the n newest root slots, left. */
export function bif_trace(m: Term, f: Term, n: i32, frame: Term, cp: u64): void { bifTrace(m, f, n, frame, false, cp, m != 0); }
/** After apply returned the non-value for a fun call: {badfun, F} / {badarity, ...}'s trace [frame, frame, cp's frame | callers]. */
export function fun_trace(frame: Term, cp: u64): void { bifTrace(0, 0, 0, frame, true, cp, false); }
/** Register a module's frame table {K1, Frame1, K2, Frame2, ...} (a literal): the module id its CP words carry (-1: a bad table). */
export function trace_module(table: Term): i32 { return traceModule(table); }
/** The exception being handled: its class (throw, error, exit; 0 if none). */
export function exc_class(): Term { return excClass(); }
/** The resume id the last raise went to (for code that learned of the raise from a call's non-value 0). */
export function exc_resume(): i32 { return excResume(); }
/** Bytes of the shadow stack in use (its top minus shoal_sp): a depth that survives the region moving. */
export function stack_depth(): i32 { return stackDepth(); }
/** Its reason. */
export function exc_reason(): Term { return excReason(); }
/** Its stack trace (what raise was given, or the runtime's). */
export function exc_trace(): Term { return excTrace(); }
/** Forget it (after the catch clause has read it), so it no longer keeps its terms alive. */
export function exc_clear(): void { excClear(); }

// ---- calls by name and funs ------------------------------------------------------

/** fun(args...) (erlang:apply/2): the fun's result. Ends the caller with {badfun, F} or {badarity, {F, Args}}. May collect and suspend. */
export function apply(fun: Term, args: Term): Term { return applyFun(fun, args); }
/** module:function(args...) (erlang:apply/3): its result. Ends the caller with {undef, [{M, F, Args, []}]} if no such export. May collect and suspend. */
export function apply_mfa(module: Term, fn: Term, args: Term): Term { return applyMfa(module, fn, args); }
/** Function-table index of the linked entry module:function/arity, or -1: for a compiler's calls to other modules resolved at run time. */
export function export_lookup(module: Term, fn: Term, arity: u32): i32 { return exportLookup(module, fn, arity); }

// ---- the host ------------------------------------------------------------------

/** Call the host function `name` (an atom: a key of Runtime.start({ imports })) with the terms in the list `args`; its result. The process ends with the host's reason if it is unknown or throws. May collect; never suspends. */
export function host_call(name: Term, args: Term): Term { return hostCall(name, args); }
/** Write `len` bytes at `ptr` (UTF-8 text) to standard output (Runtime.start({ stdout }); Node: process.stdout). */
export function stdout_write(ptr: usize, len: usize): void { hostStdout(ptr, len); }

// ---- messages -------------------------------------------------------------------

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
/** Receive: nothing matched; wait for a new message (true) or the timeout in ms (false; 0 polls, Infinity waits forever). Suspends. */
export function recv_wait(ms: f64): bool { return recvWait(ms); }
/** Receive: after a timeout, reset the save position. */
export function recv_timeout(): void { recvTimeout(); }

// ---- timers (erlang:send_after/3, cancel_timer/1, read_timer/1) ------------------

/** In `ms` ms (0 .. 2^53 - 1), send a copy of `msg` (taken now) to `dest`: a pid, or a registered name looked up when it fires (none: dropped). A new reference naming the timer, or the atom badarg (bad ms or dest) or system_limit (too many timers). A timer aimed at a pid goes when that process ends; a dead pid gets a reference and no timer. May collect. */
export function send_after(ms: f64, dest: Term, msg: Term): Term { return sendAfter(ms, dest, msg); }
/** Cancel the timer `ref` names: the ms it had left (an integer, rounded up), false if there is none (fired, cancelled, never one), badarg if `ref` is not a reference. */
export function cancel_timer(ref: Term): Term { return cancelTimer(ref); }
/** The ms the timer `ref` names has left, as cancel_timer, without cancelling it. */
export function read_timer(ref: Term): Term { return readTimer(ref); }

// ---- clocks (native time unit: nanoseconds) -----------------------------------------

/** erlang:monotonic_time(): ns of the host's monotonic clock (its zero is arbitrary). */
export function monotonic_time(): i64 { return monotonicTime(); }
/** erlang:system_time(): ns since 1970-01-01 UTC (the monotonic clock plus an offset fixed at start). */
export function system_time(): i64 { return systemTime(); }

// ---- the process dictionary -----------------------------------------------------

/** The value under `key` in the caller's dictionary, or the atom undefined (erlang:get/1). */
export function dict_get(key: Term): Term { return dictGet(key); }
/** Store `value` under `key`; the old value or undefined (erlang:put/2). May collect. */
export function dict_put(key: Term, value: Term): Term { return dictPut(key, value); }
/** Remove `key`; its value or undefined (erlang:erase/1). May collect. */
export function dict_erase(key: Term): Term { return dictErase(key); }

// ---- terms ------------------------------------------------------------------------

/** -1, 0 or 1 as `a` sorts before, is exactly equal to (=:=), or sorts after `b` in Erlang's term order; terms equal (==) but not =:= (1 and 1.0) in map-key order. */
export function term_compare(a: Term, b: Term): i32 { return compareTerms(a, b); }
/** -1, 0 or 1 in Erlang's term order itself (== is 0: 1 and 1.0 are equal), as compiled comparisons need it. */
export function term_order(a: Term, b: Term): i32 { return compareOrder(a, b); }
/** Whether `a` =:= `b` (exact: 1 and 1.0 differ). */
export function term_equal(a: Term, b: Term): bool { return equalTerms(a, b); }
/**
 * erlang:phash2(t) (range 0: 0..2^27-1) or erlang:phash2(t, range) (range 1..2^32: 0..range-1),
 * OTP 25's numbers (gc/term/hash.ts); -1 for any other range (badarg). Never collects.
 */
export function term_hash(t: Term, range: i64): i64 { return phash2(t, range); }
/** A new reference, unique in this runtime and never equal to another runtime's (erlang:make_ref/0), on the caller's heap (3 words). May collect. */
export function make_ref(): Term { return makeRef(); }

/** Intern the UTF-8 name at ptr..ptr+len; its atom index (the atom term is index << 6 | 0x0B), or an AtomResult: -1 the table is full (system_limit), -2 not UTF-8 or over 255 characters (badarg). */
export function atom_intern(ptr: usize, len: i32): i32 { return atomIntern(ptr, len); }
/** Heap words binary_to_term of the External Term Format bytes at ptr..ptr+len takes, or -1 if they are malformed or unsupported. */
export function etf_decoded_words(ptr: usize, len: usize): i64 { return encodedWords(ptr, len); }
/** binary_to_term of the External Term Format bytes at ptr..ptr+len, built on the caller's heap; 0 if they are malformed or unsupported. May collect. */
export function etf_decode(ptr: usize, len: usize): Term {
  const words = encodedWords(ptr, len);
  if (words < 0) return 0;
  reserve(<usize>words);
  return decodeAt(active!, bump(<usize>words), ptr, len, words);
}
/** Bytes term_to_binary(t) takes, or -1 if t holds a fun. */
export function etf_encode_size(t: Term): i64 { return etfEncodedSize(t); }
/** Write term_to_binary(t) at out (etf_encode_size(t) bytes); returns the bytes written. */
export function etf_encode(t: Term, out: usize): usize { return etfEncode(t, out); }

// ---- raw memory -------------------------------------------------------------------

/** `size` bytes outside every heap (never moved, never collected): buffers, tables. 0 never. */
export function raw_alloc(size: usize): usize { return heap.alloc(size); }
/** Free what raw_alloc returned. */
export function raw_free(ptr: usize): void { heap.free(ptr); }
