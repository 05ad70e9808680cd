// Message timers: erlang:send_after/3, erlang:cancel_timer/1 and
// erlang:read_timer/1.
//
// send_after(ms, dest, msg) copies msg out of the caller's heap at once, as
// BEAM does, into a record of its own outside every heap, arms that record
// in the runtime's timer heap (timers.ts) and returns a new reference
// (refs.ts) that names it. When it fires, dest is resolved then: a
// registered name to whoever holds it then (nobody: the message is
// dropped), a pid to its process (dead: dropped), the host's pid to the
// host. The message is copied into the receiver, and the record freed. The
// caller may end, or collect, at any time in between: nothing of the timer
// is on its heap.
//
// ╒════════════════════ message timer (one TLSF block) ═════════════════════╕
//   Timer (timers.ts)  deadline timerSeq timerIndex timerKind = MESSAGE
//   ref                its reference's number: the key it is found by
//   dest               pid or atom;  msg: the message (an immediate, or the copy)
//   bins               the copy's refc binaries, a reference each (released with it)
//   words              words of the copy
//   target prev next   the destination's process and its list of timers
//   the copy           `words` words of terms, pointing only into themselves
//                      (gc/message_copy.ts copyDetached)
// └─────────────────────────────────────────────────────────────────────────┘
//
// What holds a timer, and when it goes (so that none keeps memory or a
// process alive for ever):
//   - the timer heap, until it fires or is cancelled;
//   - the table from reference numbers to timers, where cancel_timer and
//     read_timer find it;
//   - with a pid destination, that process's list (Process.sendTimers): when
//     the process ends, its timers go with it, as BEAM cancels a timer whose
//     destination pid exits; a pid already dead gets a reference but no timer;
//   - kill_all frees every timer left (timers aimed at a name or the host live
//     until they fire).
// At most maxTimers are armed at once: send_after past it gives system_limit.

import { Term, isPid, isAtom, isRef, makeSmall, REF_WORDS } from "../../gc/term/term";
import { ATOM_BADARG, ATOM_SYSTEM_LIMIT, ATOM_FALSE } from "../../gc/term/atoms";
import { termSize, copyDetached, detachedBins, releaseBinaries } from "../../gc/message_copy";
import { DEBUG } from "../../gc/mem/debug";
import { DEFAULT_MAX_TIMERS, MAX_TIMER_MS } from "../boundary/defaults";
import { Timer, TIMER_MESSAGE, timerAdd, timerCancel } from "./timers";
import { Process, lookup, STATE_EXITING } from "./process";
import { refNumberNew, refOfNumber, refNumber, makeRef } from "./refs";
import { reserve } from "./alloc";
import { HOST_PID, sendDetached } from "./mailbox";
import { whereis } from "./registry";
import { hostNow } from "./env";

@unmanaged class MessageTimer extends Timer {
  /** The number of the reference send_after returned (refs.ts). */
  ref: u64;
  /** A pid (this runtime's, or the host's) or a registered name (an atom). */
  dest: Term;
  /** The message: an immediate, or the copy after this record. */
  msg: Term;
  /** The copy's refc binaries, linked through their link words; each holds a reference. */
  bins: usize;
  /** Words of the copy. */
  words: usize;
  /** The destination's process while it lives (pid destinations only, else null), and the timer's neighbours in its list. */
  target: Process | null;
  prev: MessageTimer | null;
  next: MessageTimer | null;
}

/** Bytes of the record before the copy (8-aligned: the copy is terms). */
// @ts-ignore: decorator
@inline const RECORD_BYTES: usize = (offsetof<MessageTimer>() + 7) & ~7;

/** Message timers armed now, and the bytes their records and copies take. */
export let timerMessages: u32 = 0;
export let timerMessageBytes: u64 = 0;
/** Most message timers armed at once. */
export let maxTimers: u32 = DEFAULT_MAX_TIMERS;

/** Set the limit on message timers armed at once (at least 1); the limit in force. Timers armed past a lowered limit stay. */
export function setMaxTimers(limit: u32): u32 {
  maxTimers = max(limit, 1);
  return maxTimers;
}

// ── the table: reference number -> timer. Open addressing, linear probing; a
//    removed entry becomes a tombstone so that probe chains stay intact.
//
//    entry (16 bytes): +0 key u64 (the number + 1; 0 empty, TOMBSTONE removed), +8 timer u32

// @ts-ignore: decorator
@inline const TOMBSTONE: u64 = u64.MAX_VALUE;

let table: usize = 0;
let cap: u32 = 0;    // a power of two, or 0
let used: u32 = 0;   // live entries and tombstones

// @ts-ignore: decorator
@inline function keyAt(i: u32): u64 { return load<u64>(table + (<usize>i << 4)); }
// @ts-ignore: decorator
@inline function timerAt(i: u32): MessageTimer { return changetype<MessageTimer>(<usize>load<u32>(table + (<usize>i << 4), 8)); }
// @ts-ignore: decorator
@inline function home(key: u64): u32 { return <u32>((key * 0x9E3779B97F4A7C15) >> 32) & (cap - 1); }

/** Entry of `key` (a number + 1), or -1. */
function find(key: u64): i32 {
  if (!cap) return -1;
  for (let i = home(key); ; i = (i + 1) & (cap - 1)) {
    const k = keyAt(i);
    if (k == key) return <i32>i;
    if (k == 0) return -1;
  }
  return -1;
}

/** Make room for one more entry: rebuild the table, at a size for what is live, once half of it is taken (tombstones count). */
function tableReserve(): void {
  if ((used + 1) * 2 <= cap) return;
  let size: u32 = 64;
  while (size < (timerMessages + 1) * 4) size <<= 1;
  const old = table, oldCap = cap;
  table = heap.alloc(<usize>size << 4);
  memory.fill(table, 0, <usize>size << 4);
  cap = size;
  used = 0;
  for (let i: u32 = 0; i < oldCap; i++) {
    const k = load<u64>(old + (<usize>i << 4));
    if (k != 0 && k != TOMBSTONE) insert(k, changetype<MessageTimer>(<usize>load<u32>(old + (<usize>i << 4), 8)));
  }
  if (old) heap.free(old);
}

/** Put `key` -> `t` in the first free entry of its chain (tableReserve made room). */
function insert(key: u64, t: MessageTimer): void {
  let i = home(key);
  for (;;) {
    const k = keyAt(i);
    if (k == 0 || k == TOMBSTONE) break;
    if (DEBUG) assert(k != key);   // numbers are never reused
    i = (i + 1) & (cap - 1);
  }
  if (keyAt(i) == 0) used++;
  store<u64>(table + (<usize>i << 4), key);
  store<u32>(table + (<usize>i << 4), changetype<u32>(t), 8);
}

/** The timer named by reference `ref`, or null (not this runtime's, never a timer's, or gone). */
function timerOf(ref: Term): MessageTimer | null {
  const n = refNumber(ref);
  if (n < 0) return null;
  const i = find(<u64>n + 1);
  return i < 0 ? null : timerAt(<u32>i);
}

// ── timers

/** Free `t`: disarmed, out of the table and its process's list, its copy's binary references dropped. */
function release(t: MessageTimer): void {
  timerCancel(t);
  const i = find(t.ref + 1);
  if (DEBUG) assert(i >= 0 && timerAt(<u32>i) == t);
  store<u64>(table + (<usize>i << 4), TOMBSTONE);
  const prev = t.prev, next = t.next, p = t.target;
  if (next) next.prev = prev;
  if (prev) prev.next = next;
  else if (p) {
    if (DEBUG) assert(p.sendTimers == changetype<usize>(t));
    p.sendTimers = changetype<usize>(next);
  }
  releaseBinaries(t.bins);
  timerMessages--;
  timerMessageBytes -= RECORD_BYTES + (t.words << 3);
  heap.free(changetype<usize>(t));
}

/**
 * erlang:send_after(ms, dest, msg) for the running process: a new reference
 * naming the timer, or the atom badarg (ms not in 0..MAX_TIMER_MS, dest
 * neither a pid nor an atom) or system_limit (maxTimers are armed). May
 * collect (only after msg is copied).
 */
export function sendAfter(ms: f64, dest: Term, msg: Term): Term {
  if (!(ms >= 0 && ms <= <f64>MAX_TIMER_MS)) return ATOM_BADARG;
  let target: Process | null = null;
  if (isPid(dest)) {
    if (dest != HOST_PID) {
      target = lookup(dest);
      if (!target || target.state == STATE_EXITING) return makeRef();   // a dead pid: no timer, as BEAM
    }
  } else if (!isAtom(dest)) return ATOM_BADARG;
  if (timerMessages >= maxTimers) return ATOM_SYSTEM_LIMIT;

  tableReserve();
  const words = termSize(msg);
  const bytes = RECORD_BYTES + (words << 3);
  const t = changetype<MessageTimer>(heap.alloc(bytes));
  t.timerIndex = -1;
  t.timerKind = TIMER_MESSAGE;
  t.dest = dest;
  t.words = words;
  if (words) {
    t.msg = copyDetached(msg, changetype<usize>(t) + RECORD_BYTES);
    t.bins = detachedBins;
  } else {
    t.msg = msg;
    t.bins = 0;
  }
  const n = refNumberNew();
  t.ref = n;
  insert(n + 1, t);
  t.target = target;
  t.prev = null;
  t.next = null;
  if (target) {
    const head = changetype<MessageTimer | null>(target.sendTimers);
    if (head) head.prev = t;
    t.next = head;
    target.sendTimers = changetype<usize>(t);
  }
  timerMessages++;
  timerMessageBytes += bytes;
  timerAdd(t, hostNow() + ms);
  reserve(REF_WORDS);            // may collect: msg and dest are not read again
  return refOfNumber(n);
}

/** Milliseconds until `t` fires, rounded up (0 once due). */
function msLeft(t: MessageTimer): Term {
  const left = Math.ceil(t.deadline - hostNow());
  return makeSmall(left > 0 ? <i64>left : 0);
}

/** erlang:cancel_timer(ref): the ms it had left (then it is gone), false if `ref` names no timer, badarg if it is not a reference. */
export function cancelTimer(ref: Term): Term {
  if (!isRef(ref)) return ATOM_BADARG;
  const t = timerOf(ref);
  if (!t) return ATOM_FALSE;
  const left = msLeft(t);
  release(t);
  return left;
}

/** erlang:read_timer(ref): the ms it has left, false if `ref` names no timer, badarg if it is not a reference. */
export function readTimer(ref: Term): Term {
  if (!isRef(ref)) return ATOM_BADARG;
  const t = timerOf(ref);
  return t ? msLeft(t) : ATOM_FALSE;
}

/** Deliver the message of timer `t`, which the timer heap has just given up (due), and free it. */
export function messageTimerFire(timer: Timer): void {
  const t = changetype<MessageTimer>(timer);
  if (DEBUG) assert(t.timerKind == TIMER_MESSAGE && t.timerIndex < 0);
  const to = isAtom(t.dest) ? whereis(t.dest) : t.dest;   // a name: whoever has it now
  if (to) sendDetached(to, t.msg, t.words);
  release(t);
}

/** Free the timers aimed at process `p` (it is ending). */
export function messageTimersDrop(p: Process): void {
  while (p.sendTimers) release(changetype<MessageTimer>(p.sendTimers));
}

/** Free every message timer (the runtime is being torn down). */
export function messageTimersClear(): void {
  for (let i: u32 = 0; i < cap; i++) {
    const k = keyAt(i);
    if (k != 0 && k != TOMBSTONE) release(timerAt(i));
  }
  if (cap) memory.fill(table, 0, <usize>cap << 4);
  used = 0;
  if (DEBUG) assert(timerMessages == 0 && timerMessageBytes == 0);
}
