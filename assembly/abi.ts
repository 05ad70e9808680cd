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
//                  make_map make_fun binary_data (after gc_reserve; never collect)
//   messages       send send_named recv_peek recv_next recv_accept recv_wait
//                  recv_timeout
//   dictionary     dict_get dict_put dict_erase
//   terms          term_compare term_equal atom_intern etf_decoded_words etf_decode
//                  etf_encode_size etf_encode
//   raw memory     raw_alloc raw_free (outside every heap, never moved)

import { Term } from "../gc/term/term";
import { binaryWords, integerWords } from "../gc/term/term";
import {
  consRaw, tupleRaw, integerRaw, floatRaw, binaryRaw, binaryData, mapRaw, funRaw,
} from "../gc/term/build";
import { atomIntern } from "../gc/term/atoms";
import { etfEncodedSize, etfEncode } from "../gc/term/etf";
import { compareTerms, equalTerms } from "../gc/term/order";
import { htop, hend, active, bump } from "../gc/mem/heap";
import {
  spawn as spawnProcess, kill as killProcess, budget, reduce as reduceInline, yieldNow,
  sleep as sleepMs, self as selfPid, processExit,
} from "./runtime/scheduler";
import { frameEnter, frameLeave, slotGet, slotSet, sp } from "./runtime/shadowstack";
import { allocSlow, reserve, collectRunning } from "./runtime/alloc";
import {
  send as sendMessage, recvPeek, recvNext, recvAccept, recvWait, recvTimeout,
} from "./runtime/mailbox";
import { whereis as whereisName } from "./runtime/registry";
import { dictGet, dictPut, dictErase } from "./runtime/dictionary";
import { encodedWords, decodeAt } from "./runtime/transfer";
import { Priority } from "./boundary/codes";

export { budget as shoal_budget, sp as shoal_sp, htop as shoal_htop, hend as shoal_hend };

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
/** Spawn entry(arg) (a function-table index of type (i64) -> ()) at priority 0 max .. 3 low; arg is copied into the child. The pid, or the atom system_limit. */
export function spawn(entry: u32, arg: Term, priority: i32): Term {
  return spawnProcess(entry, arg, <u8>min(max(priority, Priority.MAX), Priority.LOW));
}
/** End process `pid` with `reason` (copied into it); false if it is not alive. Killing itself never returns. */
export function kill(pid: Term, reason: Term): bool { return killProcess(pid, reason); }

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
/** An integer: small if it fits 60 bits (0 words), else boxed (2 words: integer_words). */
export function make_integer(v: i64): Term { return integerRaw(v); }
/** Words make_integer(v) takes: 0 or 2. */
export function integer_words(v: i64): usize { return integerWords(v); }
/** A float. 2 words. */
export function make_float(v: f64): Term { return floatRaw(v); }
/** A binary of `size` bytes, uninitialised (write them at binary_data). binary_words(size) words; over 64 bytes the bytes are off-heap. */
export function make_binary(size: u32): Term { return binaryRaw(size); }
/** Words make_binary(size) takes. */
export function binary_words(size: u32): usize { return binaryWords(size); }
/** Address of a binary's bytes. */
export function binary_data(t: Term): usize { return binaryData(t); }
/**
 * A map of n pairs, keys and values [] (fill them in). 2 + 2n words. The keys must be stored ascending in
 * map-key order, BEAM's exact order (gc/term/order.ts): term order, except that an integer and a float are
 * never equal and every integer sorts before every float, at any depth (2 before 1.0, {2} before {1.0}).
 */
export function make_map(n: usize): Term { return mapRaw(n); }
/** A fun of function-table entry `entry` and `arity`, its nfree free variables [] (fill them in). 2 + nfree words. */
export function make_fun(entry: u32, arity: u32, nfree: usize): Term { return funRaw(entry, arity, nfree); }

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
/** Whether `a` =:= `b` (exact: 1 and 1.0 differ). */
export function term_equal(a: Term, b: Term): bool { return equalTerms(a, b); }

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
