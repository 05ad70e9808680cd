// Links, monitors and exit signals: how a process's end reaches the
// processes linked to it or monitoring it, and how exit(Pid, Reason) reaches
// its target, as on BEAM.
//
// Each process keeps its links and monitors in a vector of 16-byte entries
// (the Vec layout of gc/mem/vec.ts, embedded in the process block: sigData
// sigLen sigCap):
//
//   ┌────────────────────┬───────────────────────────────────────────────┐
//   │ other pid (u64)    │ kind (low 2 bits) | reference number << 2 (u64) │
//   └────────────────────┴───────────────────────────────────────────────┘
//     LINK          a link (both ends hold one); the host's pid for a link to JS
//     MONITORING    this process monitors `other` (the monitor's reference number, refs.ts)
//     MONITORED_BY  `other` (a process, or the host) monitors this one
//
// When a process ends, each monitor on it sends its watcher
// {'DOWN', Ref, process, Pid, Reason}; monitoring a dead process sends it at
// once with noproc.
//
// An exit signal (from, reason) arriving at a process:
//
//   reason kill, not through a link   ends it with `killed` (untrappable)
//   it traps exits                    becomes the message {'EXIT', From, Reason}
//   reason normal                     is ignored (unless it sent it itself)
//   any other reason                  ends it with that reason
//
// Delivery is immediate, so a signal is ordered after every message its
// sender sent before it. When a process ends, each linked process gets an
// exit signal with its reason; one it ends is not finished there and then
// but marked EXITING and queued (scheduler.ts terminate), so a chain of
// 10,000 linked processes goes down in a loop of the scheduler, never a
// recursion on the native stack.
//
// Invariants: links are symmetric (a LINK entry for q in p iff one for p in
// q), and so are monitors (MONITORING n for q in p iff MONITORED_BY n for p in
// q), except entries naming the host, which has no process block; a process
// has at most one LINK entry per pid; a FREE process has no entries.

import { Term, makeHeader, makeBoxed, SUB_TUPLE, SUB_REF, REF_WORDS, makeAtom, isBoxed, boxedSubtag, tupleArity, tupleGet } from "../../gc/term/term";
import { atomOf } from "../../gc/term/atoms";
import { nodeCreation } from "../../gc/term/node";
import { reserve } from "./alloc";
import { refNumberNew, refOfNumber, refNumber } from "./refs";
import { mailboxRemove } from "./mailbox";
import { ATOM_KILL, ATOM_KILLED, ATOM_NORMAL, ATOM_NOPROC } from "../../gc/term/atoms";
import { Vec, vecReserve } from "../../gc/mem/vec";
import { DEBUG } from "../../gc/mem/debug";
import { PredefinedAtom } from "../boundary/atoms";
import { Process, lookup, STATE_EXITING, STATE_FREE } from "./process";
import { current, processExit, terminate, endPending } from "./scheduler";
import { copyIntoProcess, encodedWords, decodeIntoProcess } from "./transfer";
import { raiseError } from "./exceptions";
import { HostResult } from "../boundary/codes";
import { sendFromRuntime, HOST_PID } from "./mailbox";

// @ts-ignore: decorator
@inline const KIND_LINK: u64 = 0;
// @ts-ignore: decorator
@inline const KIND_MONITORING: u64 = 1;
// @ts-ignore: decorator
@inline const KIND_MONITORED_BY: u64 = 2;
// @ts-ignore: decorator
@inline const KIND_MASK: u64 = 3;
// @ts-ignore: decorator
@inline const ENTRY_SHIFT: u32 = 4;

/** `p`'s entry vector (its three fields, read as a Vec). */
// @ts-ignore: decorator
@inline function entries(p: Process): Vec { return changetype<Vec>(changetype<usize>(p) + offsetof<Process>("sigData")); }

// @ts-ignore: decorator
@inline function entryAt(v: Vec, i: u32): usize { return v.data + (<usize>i << ENTRY_SHIFT); }

/** Index of `p`'s entry of `kind` naming `pid`, or -1. */
function findEntry(p: Process, pid: Term, kind: u64): i32 {
  const v = entries(p);
  for (let i: u32 = 0; i < v.length; i++) {
    const e = entryAt(v, i);
    if (load<u64>(e) == pid && (load<u64>(e, 8) & KIND_MASK) == kind) return <i32>i;
  }
  return -1;
}

/** Index of `p`'s entry whose tag is exactly `tag` (a monitor: kind and reference number), or -1. */
function findTag(p: Process, tag: u64): i32 {
  const v = entries(p);
  for (let i: u32 = 0; i < v.length; i++) if (load<u64>(entryAt(v, i), 8) == tag) return <i32>i;
  return -1;
}

function addEntry(p: Process, pid: Term, tag: u64): void {
  const v = entries(p);
  vecReserve(v, v.length + 1, ENTRY_SHIFT);
  const e = entryAt(v, v.length++);
  store<u64>(e, pid);
  store<u64>(e, tag, 8);
}

/** Remove entry i (the last one takes its place: order does not matter). */
function removeEntry(p: Process, i: u32): void {
  const v = entries(p);
  const last = --v.length;
  if (i != last) memory.copy(entryAt(v, i), entryAt(v, last), 1 << ENTRY_SHIFT);
}

/** Links `p` has (the host's counted). */
export function linkCount(p: Process): u32 {
  let n: u32 = 0;
  const v = entries(p);
  for (let i: u32 = 0; i < v.length; i++) if ((load<u64>(entryAt(v, i), 8) & KIND_MASK) == KIND_LINK) n++;
  return n;
}

/** {'EXIT', From, Reason} in static memory, to be copied into its receiver (the reason stays where it is). */
const exitTuple = memory.data(32);

function exitMessage(from: Term, reason: Term): Term {
  store<u64>(exitTuple, makeHeader(SUB_TUPLE, 3));
  store<u64>(exitTuple, makeAtom(PredefinedAtom.EXIT_TAG), 8);
  store<u64>(exitTuple, from, 16);
  store<u64>(exitTuple, reason, 24);
  return makeBoxed(exitTuple);
}

/** {'DOWN', Ref, process, Pid, Reason} in static memory (the reference too), to be copied into its receiver. */
const downTuple = memory.data(48);
const downRef = memory.data(8 * REF_WORDS);
let ATOM_PROCESS: Term = 0;

function downMessage(ref: u64, pid: Term, reason: Term): Term {
  if (!ATOM_PROCESS) ATOM_PROCESS = atomOf("process");
  store<u64>(downRef, makeHeader(SUB_REF, REF_WORDS - 1));
  store<u64>(downRef, (ref & 0x3FFFF) | (((ref >> 18) & 0xFFFFFFFF) << 32), 8);
  store<u64>(downRef, (ref >> 50) | (<u64>nodeCreation() << 32), 16);
  store<u64>(downTuple, makeHeader(SUB_TUPLE, 5));
  store<u64>(downTuple, makeAtom(PredefinedAtom.DOWN_TAG), 8);
  store<u64>(downTuple, makeBoxed(downRef), 16);
  store<u64>(downTuple, ATOM_PROCESS, 24);
  store<u64>(downTuple, pid, 32);
  store<u64>(downTuple, reason, 40);
  return makeBoxed(downTuple);
}

/**
 * monitor(process, Pid) for `watcher` (the running process, or the host's pid with `p` null): the
 * monitor's reference number. A dead pid: the watcher gets {'DOWN', Ref, process, Pid, noproc} at once.
 */
export function monitorNumber(watcher: Process | null, pid: Term): u64 {
  const n = refNumberNew();
  if (DEBUG) assert(n < (<u64>1 << 62));
  const wpid = watcher ? watcher.pid : HOST_PID;
  const q = lookup(pid);
  if (!q || q.state == STATE_EXITING) {
    sendFromRuntime(wpid, downMessage(n, pid, ATOM_NOPROC));
    return n;
  }
  if (watcher) addEntry(watcher, pid, (n << 2) | KIND_MONITORING);
  addEntry(q, wpid, (n << 2) | KIND_MONITORED_BY);
  return n;
}

/** monitor(process, Pid) for the running process: the reference (built on its heap). May collect. */
export function monitor(pid: Term): Term {
  reserve(REF_WORDS);   // (first: a pid needs no root)
  return refOfNumber(monitorNumber(current!, pid));
}

/** `watcher`'s monitor number n stops: its entry goes from both ends; whether it was active. */
function demonitorNumber(watcher: Process, n: u64): bool {
  const i = findTag(watcher, (n << 2) | KIND_MONITORING);
  if (i < 0) return false;
  const target = load<u64>(entryAt(entries(watcher), <u32>i));
  removeEntry(watcher, <u32>i);
  const q = lookup(target);
  if (q) { const j = findTag(q, (n << 2) | KIND_MONITORED_BY); if (j >= 0) removeEntry(q, <u32>j); }
  return true;
}

let flushing: u64 = 0;
function isDownOf(t: Term): bool {
  if (!isBoxed(t) || boxedSubtag(t) != SUB_TUPLE || tupleArity(t) != 5 || tupleGet(t, 0) != makeAtom(PredefinedAtom.DOWN_TAG)) return false;
  const r = tupleGet(t, 1);
  return isBoxed(r) && boxedSubtag(r) == SUB_REF && refNumber(r) == <i64>flushing;
}

/** demonitor(Ref, [flush?]) for the running process: whether the monitor was active; `flush` also removes its 'DOWN' message. */
export function demonitor(ref: Term, flush: bool): bool {
  if (!isBoxed(ref) || boxedSubtag(ref) != SUB_REF) return false;
  const n = refNumber(ref);
  if (n < 0) return false;
  const active = demonitorNumber(current!, <u64>n);
  if (flush) { flushing = <u64>n; mailboxRemove(isDownOf); }
  return active;
}

/** The host stops its monitor number n on `pid`: whether it was active. */
export function hostDemonitor(pid: Term, n: u64): bool {
  const q = lookup(pid);
  if (!q) return false;
  const j = findTag(q, (n << 2) | KIND_MONITORED_BY);
  if (j < 0 || load<u64>(entryAt(entries(q), <u32>j)) != HOST_PID) return false;
  removeEntry(q, <u32>j);
  return true;
}

/**
 * Deliver the exit signal (from, reason) to `to`; `reason` may be a term of any heap (it is copied).
 * viaLink: it comes from a linked process's end (then `kill` is an ordinary reason). Ends `to` if
 * the table above says so: never returns if `to` is the running process.
 */
export function exitSignal(to: Process, from: Term, reason: Term, viaLink: bool): void {
  const r = exitReason(to, from, reason, viaLink);
  if (!r) return;
  if (to == current) processExit(r);
  else terminate(to, r, true);
}

/**
 * The exit signal a linked process's end sends `to` (signalsOnExit). As exitSignal, except that
 * the running process is not ended at once: it is marked to end at its next scheduling point
 * (endPending), as BEAM handles such a signal after the call that caused it returns. (It can be
 * the running process only when its own call ended a waiting process linked to it, exit/2.) So
 * nothing the scheduler's loop or finish() calls ends the running process: an end (fiber_exit)
 * thrown there, outside fiber_resume, would leave schedule() itself.
 */
function linkExit(to: Process, from: Term, reason: Term): void {
  const r = exitReason(to, from, reason, true);
  if (!r) return;
  if (to == current) endPending(to, r);
  else terminate(to, r, true);
}

/**
 * What the exit signal (from, reason) does to `to`, by the table above: 0 when it leaves `to`
 * running (ignored, or a message to a process trapping exits: sent here), else the reason `to`
 * ends with, copied into its heap.
 */
// @ts-ignore: decorator
@inline function exitReason(to: Process, from: Term, reason: Term, viaLink: bool): Term {
  if (to.state == STATE_EXITING || to.state == STATE_FREE) return 0;
  if (reason == ATOM_KILL && !viaLink) return ATOM_KILLED;
  if (to.trapExit) { sendFromRuntime(to.pid, exitMessage(from, reason)); return 0; }
  if (reason == ATOM_NORMAL && from != to.pid) return 0;
  return copyIntoProcess(to, reason);
}

/**
 * link(Pid) for the running process `p`: true. A dead `pid`: a process trapping exits gets
 * {'EXIT', Pid, noproc}; one that does not raises error:noproc, as BEAM (false: the caller returns the non-value).
 */
export function link(p: Process, pid: Term): bool {
  if (pid == p.pid || findEntry(p, pid, KIND_LINK) >= 0) return true;
  if (pid == HOST_PID) { addEntry(p, pid, KIND_LINK); return true; }
  const q = lookup(pid);
  if (!q || q.state == STATE_EXITING) {
    if (p.trapExit) { exitSignal(p, pid, ATOM_NOPROC, true); return true; }
    raiseError(ATOM_NOPROC);
    return false;
  }
  addEntry(p, pid, KIND_LINK);
  addEntry(q, p.pid, KIND_LINK);
  return true;
}

/** unlink(Pid): remove the link from both ends, if there is one. */
export function unlink(p: Process, pid: Term): void {
  const i = findEntry(p, pid, KIND_LINK);
  if (i < 0) return;
  removeEntry(p, <u32>i);
  const q = lookup(pid);
  if (q) {
    const j = findEntry(q, p.pid, KIND_LINK);
    if (DEBUG) assert(j >= 0);   // links are symmetric
    if (j >= 0) removeEntry(q, <u32>j);
  }
}

/**
 * `p` is ending with p.reason (still in its heap): every linked process gets the exit signal, the
 * host an {'EXIT', Pid, Reason} message if it linked; then its entries go.
 */
export function signalsOnExit(p: Process): void {
  const v = entries(p);
  while (v.length) {
    const e = entryAt(v, v.length - 1);
    const pid = load<u64>(e);
    const tag = load<u64>(e, 8);
    v.length--;
    const kind = tag & KIND_MASK;
    if (kind == KIND_MONITORED_BY) {
      const w = lookup(pid);
      if (w) { const j = findTag(w, (tag ^ KIND_MONITORED_BY) | KIND_MONITORING); if (j >= 0) removeEntry(w, <u32>j); }
      sendFromRuntime(pid, downMessage(tag >> 2, p.pid, p.reason));
      continue;
    }
    if (kind == KIND_MONITORING) {
      const q = lookup(pid);
      if (q) { const j = findTag(q, (tag ^ KIND_MONITORING) | KIND_MONITORED_BY); if (j >= 0) removeEntry(q, <u32>j); }
      continue;
    }
    if (pid == HOST_PID) { sendFromRuntime(HOST_PID, exitMessage(p.pid, p.reason)); continue; }
    const q = lookup(pid);
    if (!q) continue;
    const j = findEntry(q, p.pid, KIND_LINK);
    if (j >= 0) removeEntry(q, <u32>j);
    linkExit(q, p.pid, p.reason);
  }
  signalsDrop(p);
}

/** Forget `p`'s entries without signalling anyone (the runtime is being torn down). */
export function signalsDrop(p: Process): void {
  const v = entries(p);
  v.length = 0;
  if (v.data) { heap.free(v.data); v.data = 0; v.capacity = 0; }
}

/** The exit signal (from the host, or a process) `pid` ← (from, reason): false if no such process. */
export function exitSignalTo(pid: Term, from: Term, reason: Term): bool {
  const q = lookup(pid);
  if (!q || q.state == STATE_EXITING) return false;
  exitSignal(q, from, reason, false);
  return true;
}

// ── the host's side: it links like a process that traps exits (its {'EXIT', Pid, Reason} are messages to it)

/** The host links to `pid`: false if it is not alive. */
export function hostLink(pid: Term): bool {
  const q = lookup(pid);
  if (!q || q.state == STATE_EXITING) return false;
  if (findEntry(q, HOST_PID, KIND_LINK) < 0) addEntry(q, HOST_PID, KIND_LINK);
  return true;
}

/** The host unlinks from `pid`. */
export function hostUnlink(pid: Term): void {
  const q = lookup(pid);
  if (!q) return;
  const i = findEntry(q, HOST_PID, KIND_LINK);
  if (i >= 0) removeEntry(q, <u32>i);
}

/** The host sends `pid` an exit signal whose reason External Term Format bytes at buf..buf+len hold: a HostResult. */
export function hostExitSignal(pid: Term, buf: usize, len: usize): i32 {
  const words = encodedWords(buf, len);
  if (words < 0) return HostResult.MALFORMED;
  const q = lookup(pid);
  if (!q || q.state == STATE_EXITING) return HostResult.NO_PROCESS;
  const reason = decodeIntoProcess(q, buf, len, words);
  if (!reason) return HostResult.LIMIT;
  exitSignal(q, HOST_PID, reason, false);
  return HostResult.OK;
}
