// Built-in programs that pass messages: the shapes of the BEAM anchors
// (pingpong.erl, ring.erl), fan-in, copy cost, and the probes the tests use
// for selective receive, timeouts and the host mailbox.

import { Term, NIL, makeSmall, smallValue, isBoxed, pidSlot, SUB_TUPLE } from "../gc/term";
import { atomOf } from "../gc/atoms";
import { reserve, collectRunning } from "../gc/alloc";
import { consRaw, tupleRaw, tupleSet, tupleGet, tupleArity, boxedSubtag } from "../gc/boxed";
import { frameEnter, frameLeave, slotGet, slotSet } from "./shadowstack";
import { reduce, self, spawn, current } from "./scheduler";
import { send, recvPeek, recvNext, recvAccept, recvWait, recvTimeout, HOST_PID } from "./mailbox";
import { PRIO_NORMAL } from "./process";
import { hostNow, hostTrace } from "./host";

let PING: Term = 0, PONG: Term = 0, STOP: Term = 0, NEXT: Term = 0, DONE: Term = 0, TIMEOUT: Term = 0, GOT: Term = 0;

/** Intern the atoms these programs match on; runs once at start. */
export function programsMsgInit(): void {
  PING = atomOf("ping"); PONG = atomOf("pong"); STOP = atomOf("stop");
  NEXT = atomOf("next"); DONE = atomOf("done"); TIMEOUT = atomOf("timeout"); GOT = atomOf("got");
}

// Trace codes.
// @ts-ignore: decorator
@inline const TRACE_DONE: i32 = 2;
// @ts-ignore: decorator
@inline const TRACE_SETUP_NS: i32 = 10;
// @ts-ignore: decorator
@inline const TRACE_RUN_NS: i32 = 11;
// @ts-ignore: decorator
@inline const TRACE_ERRORS: i32 = 12;

/** Receive the first message `match` accepts, waiting up to `ms` (Infinity: forever); 0 on timeout. */
export function receive(match: (t: Term) => bool, ms: f64): Term {
  for (;;) {
    reduce(1);
    const m = recvPeek();
    if (m) {
      if (match(m)) return recvAccept();
      recvNext();
      continue;
    }
    if (!recvWait(ms)) { recvTimeout(); return 0; }
  }
  return 0;
}
function anything(t: Term): bool { return true; }
function isPong(t: Term): bool { return t == PONG; }
function isNextTuple(t: Term): bool {
  return isBoxed(t) && boxedSubtag(t) == SUB_TUPLE && tupleArity(t) == 2 && tupleGet(t, 0) == NEXT;
}

/** A 2-tuple {a, b} on the running heap (both immediates, or reloaded by the caller from slots). */
function pair(a: Term, b: Term): Term {
  reserve(3);
  const t = tupleRaw(2);
  tupleSet(t, 0, a);
  tupleSet(t, 1, b);
  return t;
}

// ── ping-pong (pingpong.erl): 1,000 warm-up round trips, then smallValue(arg) timed ones
function pinger(arg: Term): void {
  const n = smallValue(arg);
  const pong = spawn(ponger.index, self(), PRIO_NORMAL);
  for (let i = 0; i < 1000; i++) { send(pong, PING); receive(isPong, Infinity); }
  const t0 = hostNow();
  for (let i: i64 = 0; i < n; i++) { send(pong, PING); receive(isPong, Infinity); }
  hostTrace(self(), TRACE_RUN_NS, <i64>((hostNow() - t0) * 1e6));
  send(pong, STOP);
  hostTrace(self(), TRACE_DONE, n);
}
function ponger(arg: Term): void {
  for (;;) {
    const m = receive(anything, Infinity);
    if (m == STOP) return;
    if (m == PING) send(arg, PONG);
  }
}

// ── ring (ring.erl): N processes, the token goes M laps; arg = N << 32 | M
function ringMain(arg: Term): void {
  const n = smallValue(arg) >> 32, laps = smallValue(arg) & 0xFFFFFFFF;
  const t0 = hostNow();
  const headPid = spawn(ringHead.index, self(), PRIO_NORMAL);
  let next = headPid;
  for (let k: i64 = 0; k < n - 1; k++) next = spawn(ringMember.index, next, PRIO_NORMAL);
  send(headPid, pair(NEXT, next));
  const t1 = hostNow();
  send(headPid, makeSmall(laps));
  receive(isDone, Infinity);
  const t2 = hostNow();
  send(headPid, STOP);
  receive(isStop, Infinity);
  hostTrace(self(), TRACE_SETUP_NS, <i64>((t1 - t0) * 1e6));
  hostTrace(self(), TRACE_RUN_NS, <i64>((t2 - t1) * 1e6));
  hostTrace(self(), TRACE_DONE, n * laps);
}
function isDone(t: Term): bool { return t == DONE; }
function isStop(t: Term): bool { return t == STOP; }
function ringMember(next: Term): void {
  for (;;) {
    const m = receive(anything, Infinity);
    send(next, m);
    if (m == STOP) return;
  }
}
function ringHead(parent: Term): void {
  const next = tupleGet(receive(isNextTuple, Infinity), 1);
  for (;;) {
    const m = receive(anything, Infinity);
    if (m == STOP) { send(next, STOP); receive(isStop, Infinity); send(parent, STOP); return; }
    const t = smallValue(m);
    if (t == 0) send(parent, DONE);
    else send(next, makeSmall(t - 1));
  }
}

// ── fan-in: N senders x M messages {Sender, I} to one receiver that checks each sender's order
let faninM: i64 = 0;
export function faninConfig(m: i64): void { faninM = m; }
function faninMain(arg: Term): void {
  const n = smallValue(arg);
  const t0 = hostNow();
  for (let i: i64 = 0; i < n; i++) spawn(faninSender.index, self(), PRIO_NORMAL);
  // per sender (by slot): the next I expected
  const expected = heap.alloc(4 << 20);
  memory.fill(expected, 0, 4 << 20);
  let errors: i64 = 0, sum: i64 = 0;
  for (let k: i64 = 0; k < n * faninM; k++) {
    const m = receive(anything, Infinity);
    const slot = pidSlot(tupleGet(m, 0));
    const i = smallValue(tupleGet(m, 1));
    const at = expected + (<usize>slot << 2);
    if (i != <i64>load<u32>(at)) errors++;
    store<u32>(at, <u32>(i + 1));
    sum += i;
  }
  heap.free(expected);
  hostTrace(self(), TRACE_RUN_NS, <i64>((hostNow() - t0) * 1e6));
  hostTrace(self(), TRACE_ERRORS, errors);
  hostTrace(self(), TRACE_DONE, sum);
}
function faninSender(parent: Term): void {
  for (let i: i64 = 0; i < faninM; i++) {
    reduce(1);
    send(parent, pair(self(), makeSmall(i)));
  }
}

// ── copy cost: send a list of smallValue(arg) integers to a sink, copyReps times
let copyReps: i64 = 0;
export function copyConfig(reps: i64): void { copyReps = reps; }
function copyMain(arg: Term): void {
  const k = smallValue(arg);
  frameEnter(1);
  slotSet(0, NIL);
  for (let i: i64 = 0; i < k; i++) { reserve(2); slotSet(0, consRaw(makeSmall(i), slotGet(0))); }
  const sink = spawn(copySink.index, self(), PRIO_NORMAL);
  const t0 = hostNow();
  for (let r: i64 = 0; r < copyReps; r++) {
    send(sink, slotGet(0));
    receive(isPong, Infinity);          // the sink's acknowledgement keeps one message in flight
  }
  hostTrace(self(), TRACE_RUN_NS, <i64>((hostNow() - t0) * 1e6));
  send(sink, STOP);
  frameLeave(1);
  hostTrace(self(), TRACE_DONE, k);
}
function copySink(parent: Term): void {
  for (;;) {
    const m = receive(anything, Infinity);
    if (m == STOP) return;
    send(parent, PONG);
  }
}

// ── probes for the tests

/** Receive every {Tag, _} whose Tag is `arg` first (selectively), then send all it received to the host, in receive order, once `stop` arrives. */
let selectTag: Term = 0;
function tagged(t: Term): bool {
  return isBoxed(t) && boxedSubtag(t) == SUB_TUPLE && tupleArity(t) >= 1 && tupleGet(t, 0) == selectTag;
}
function selector(arg: Term): void {
  selectTag = arg;
  frameEnter(1);
  slotSet(0, NIL);
  // wait until `stop` is in the mailbox (it arrives last), without taking anything else
  receive(isStop, Infinity);
  selectTag = arg;
  for (;;) {                               // the tagged ones, selectively
    const m = receive(tagged, 0);
    if (!m) break;
    send(HOST_PID, m);
  }
  for (;;) {                               // then the rest, in order
    const m = receive(anything, 0);
    if (!m) break;
    send(HOST_PID, m);
  }
  frameLeave(1);
}

/** Receive with a timeout of smallValue(arg) ms; tell the host {timeout, Us} or {got, Msg}. */
function timeoutProbe(arg: Term): void {
  const t0 = hostNow();
  const m = receive(anything, <f64>smallValue(arg));
  const us = makeSmall(<i64>((hostNow() - t0) * 1000));
  if (!m) send(HOST_PID, pair(TIMEOUT, us));
  else {
    frameEnter(1);
    slotSet(0, m);
    const t = pair(GOT, NIL);
    tupleSet(t, 1, slotGet(0));
    frameLeave(1);
    send(HOST_PID, t);
  }
}

/** Send every message back to the host, until `stop`. */
function echoHost(arg: Term): void {
  for (;;) {
    const m = receive(anything, Infinity);
    if (m == STOP) return;
    send(HOST_PID, m);
  }
}

/** Forward every message to pid `arg` (a copy from this heap into its), until `stop`. */
function forwarder(arg: Term): void {
  for (;;) {
    const m = receive(anything, Infinity);
    send(arg, m);
    if (m == STOP) return;
  }
}

/** Builds the list [0..n-1] (n = smallValue(arg)), spawns argToHost with it, then collects its own heap and ends. */
function spawnWithList(arg: Term): void {
  const n = smallValue(arg);
  frameEnter(1);
  slotSet(0, NIL);
  for (let i = n - 1; i >= 0; i--) { reserve(2); slotSet(0, consRaw(makeSmall(i), slotGet(0))); }
  spawn(argToHost.index, slotGet(0), PRIO_NORMAL);
  collectRunning(0, true);                  // the parent's copy moves; the child's must not care
  frameLeave(1);
}
/** Collects its own heap, then sends its spawn argument to the host. */
function argToHost(arg: Term): void {
  collectRunning(0, true);
  send(HOST_PID, current!.arg);             // reloaded from its root: the collection moved it
}

export { pinger, ringMain, faninMain, copyMain, selector, timeoutProbe, echoHost, forwarder, spawnWithList };
