// Built-in programs that pass messages: the shapes of the BEAM anchors
// (pingpong.erl, ring.erl), fan-in, copy cost, and the probes the tests use
// for selective receive, timeouts and the host mailbox.

import {
  Term, NIL, makeSmall, smallValue, isBoxed, isList, head, pidSlot, SUB_TUPLE, tupleSet, tupleGet, tupleArity,
  boxedSubtag,
} from "../../../gc/term/term";
import {
  hostNow, hostTrace, reduce, self, spawn, send, frameEnter, frameLeave, slotGet, slotSet, gcReserve, gcCollect,
  makeCons, rawAlloc, rawFree, hostPid,
} from "../shoal";
import { atom, pair, receive } from "../lib";
import { Trace, Priority } from "../../boundary/codes";

let PING: Term = 0, PONG: Term = 0, STOP: Term = 0, NEXT: Term = 0, DONE: Term = 0, TIMEOUT: Term = 0, GOT: Term = 0;

/** Intern the atoms these programs match on; once, by the first of them to run (atoms need the runtime started). */
function messageAtomsInit(): void {
  if (PING != 0) return;
  PING = atom("ping"); PONG = atom("pong"); STOP = atom("stop");
  NEXT = atom("next"); DONE = atom("done"); TIMEOUT = atom("timeout"); GOT = atom("got");
}

function anything(t: Term): bool { return true; }
function isPong(t: Term): bool { return t == PONG; }
function isNextTuple(t: Term): bool {
  return isBoxed(t) && boxedSubtag(t) == SUB_TUPLE && tupleArity(t) == 2 && tupleGet(t, 0) == NEXT;
}

// ── ping-pong (pingpong.erl): 1,000 warm-up round trips, then smallValue(arg) timed ones
export function pinger(arg: Term): Term {
  messageAtomsInit();
  const n = smallValue(arg);
  const pong = spawn(ponger.index, self(), Priority.NORMAL);
  for (let i = 0; i < 1000; i++) { send(pong, PING); receive(isPong, Infinity); }
  const t0 = hostNow();
  for (let i: i64 = 0; i < n; i++) { send(pong, PING); receive(isPong, Infinity); }
  hostTrace(self(), Trace.RUN_NS, <i64>((hostNow() - t0) * 1e6));
  send(pong, STOP);
  hostTrace(self(), Trace.DONE, n);
  return NIL;
}
function ponger(arg: Term): Term {
  for (;;) {
    const m = receive(anything, Infinity);
    if (m == STOP) return NIL;
    if (m == PING) send(arg, PONG);
  }
  return NIL;
}

// ── ring (ring.erl): N processes, the token goes M laps; arg = N << 32 | M
export function ringMain(arg: Term): Term {
  messageAtomsInit();
  const n = smallValue(arg) >> 32, laps = smallValue(arg) & 0xFFFFFFFF;
  const t0 = hostNow();
  const headPid = spawn(ringHead.index, self(), Priority.NORMAL);
  let next = headPid;
  for (let k: i64 = 0; k < n - 1; k++) next = spawn(ringMember.index, next, Priority.NORMAL);
  send(headPid, pair(NEXT, next));
  const t1 = hostNow();
  send(headPid, makeSmall(laps));
  receive(isDone, Infinity);
  const t2 = hostNow();
  send(headPid, STOP);
  receive(isStop, Infinity);
  hostTrace(self(), Trace.SETUP_NS, <i64>((t1 - t0) * 1e6));
  hostTrace(self(), Trace.RUN_NS, <i64>((t2 - t1) * 1e6));
  hostTrace(self(), Trace.DONE, n * laps);
  return NIL;
}
function isDone(t: Term): bool { return t == DONE; }
function isStop(t: Term): bool { return t == STOP; }
function ringMember(next: Term): Term {
  for (;;) {
    const m = receive(anything, Infinity);
    send(next, m);
    if (m == STOP) return NIL;
  }
  return NIL;
}
function ringHead(parent: Term): Term {
  const next = tupleGet(receive(isNextTuple, Infinity), 1);
  for (;;) {
    const m = receive(anything, Infinity);
    if (m == STOP) { send(next, STOP); receive(isStop, Infinity); send(parent, STOP); return NIL; }
    const t = smallValue(m);
    if (t == 0) send(parent, DONE);
    else send(next, makeSmall(t - 1));
  }
  return NIL;
}

// ── C10M as bench/beam/c10m.erl runs it (batch 1): Total processes in all, at most Window alive;
// each waits for ping, answers pong and ends; the driver keeps a FIFO of the waiting ones, pings the
// oldest, waits for its pong, spawns a replacement. arg = Total << 20 | Window (Window < 2^20).
// The FIFO is a ring buffer outside the heap: pids are immediates, which no collection moves.
export function c10mPinger(arg: Term): Term {
  messageAtomsInit();
  const total = smallValue(arg) >> 20;
  const window = min(smallValue(arg) & 0xFFFFF, total);
  const fifo = rawAlloc(<usize>max(window, 1) << 3);
  const me = self();
  let first: i64 = 0, waiting: i64 = 0;
  for (; waiting < window; waiting++) store<u64>(fifo + (<usize>waiting << 3), spawn(c10mWaiter.index, me, Priority.NORMAL));
  let toSpawn = total - window;
  for (let left = total; left > 0; left--) {
    reduce(1);
    send(load<u64>(fifo + (<usize>first << 3)), PING);
    first = (first + 1) % window;
    waiting--;
    receive(isPong, Infinity);
    if (toSpawn > 0) {
      store<u64>(fifo + (<usize>((first + waiting) % window) << 3), spawn(c10mWaiter.index, me, Priority.NORMAL));
      waiting++;
      toSpawn--;
    }
  }
  rawFree(fifo);
  hostTrace(self(), Trace.DONE, total);
  return NIL;
}
function isPing(t: Term): bool { return t == PING; }
function c10mWaiter(parent: Term): Term {
  receive(isPing, Infinity);
  send(parent, PONG);
  return NIL;
}

// ── fan-in: N senders x M messages {Sender, I} to one receiver that checks each sender's order
let faninM: i64 = 0;
export function faninConfig(m: i64): void { faninM = m; }
export function faninMain(arg: Term): Term {
  messageAtomsInit();
  const n = smallValue(arg);
  const t0 = hostNow();
  for (let i: i64 = 0; i < n; i++) spawn(faninSender.index, self(), Priority.NORMAL);
  // per sender (by slot): the next I expected
  const expected = rawAlloc(4 << 20);
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
  rawFree(expected);
  hostTrace(self(), Trace.RUN_NS, <i64>((hostNow() - t0) * 1e6));
  hostTrace(self(), Trace.ERRORS, errors);
  hostTrace(self(), Trace.DONE, sum);
  return NIL;
}
function faninSender(parent: Term): Term {
  for (let i: i64 = 0; i < faninM; i++) {
    reduce(1);
    send(parent, pair(self(), makeSmall(i)));
  }
  return NIL;
}

// ── copy cost: send a list of smallValue(arg) integers to a sink, copyReps times
let copyReps: i64 = 0;
export function copyConfig(reps: i64): void { copyReps = reps; }
export function copyMain(arg: Term): Term {
  messageAtomsInit();
  const k = smallValue(arg);
  frameEnter(1);
  slotSet(0, NIL);
  for (let i: i64 = 0; i < k; i++) { gcReserve(2); slotSet(0, makeCons(makeSmall(i), slotGet(0))); }
  const sink = spawn(copySink.index, self(), Priority.NORMAL);
  const t0 = hostNow();
  for (let r: i64 = 0; r < copyReps; r++) {
    send(sink, slotGet(0));
    receive(isPong, Infinity);          // the sink's acknowledgement keeps one message in flight
  }
  hostTrace(self(), Trace.RUN_NS, <i64>((hostNow() - t0) * 1e6));
  send(sink, STOP);
  frameLeave(1);
  hostTrace(self(), Trace.DONE, k);
  return NIL;
}
function copySink(parent: Term): Term {
  for (;;) {
    const m = receive(anything, Infinity);
    if (m == STOP) return NIL;
    send(parent, PONG);
  }
  return NIL;
}

// ── probes for the tests

let selectTag: Term = 0;   // what `tagged` matches, for the selector running now
function tagged(t: Term): bool {
  return isBoxed(t) && boxedSubtag(t) == SUB_TUPLE && tupleArity(t) >= 1 && tupleGet(t, 0) == selectTag;
}
/** Receive every {Tag, _} whose Tag is `arg` first (selectively), then send all it received to the host, in receive order, once `stop` arrives. */
export function selector(arg: Term): Term {
  messageAtomsInit();
  // wait until `stop` is in the mailbox (it arrives last), without taking anything else
  receive(isStop, Infinity);
  selectTag = arg;
  for (;;) {                               // the tagged ones, selectively
    const m = receive(tagged, 0);
    if (!m) break;
    send(hostPid(), m);
  }
  for (;;) {                               // then the rest, in order
    const m = receive(anything, 0);
    if (!m) break;
    send(hostPid(), m);
  }
  return NIL;
}

/** Receive with a timeout of smallValue(arg) ms; tell the host {timeout, Us} or {got, Msg}. */
export function timeoutProbe(arg: Term): Term {
  messageAtomsInit();
  const t0 = hostNow();
  const m = receive(anything, <f64>smallValue(arg));
  const us = makeSmall(<i64>((hostNow() - t0) * 1000));
  if (!m) send(hostPid(), pair(TIMEOUT, us));
  else {
    frameEnter(1);
    slotSet(0, m);
    const t = pair(GOT, NIL);
    tupleSet(t, 1, slotGet(0));
    frameLeave(1);
    send(hostPid(), t);
  }
  return NIL;
}

/** Send every message back to the host, until `stop`. */
export function echoHost(arg: Term): Term {
  messageAtomsInit();
  for (;;) {
    const m = receive(anything, Infinity);
    if (m == STOP) return NIL;
    send(hostPid(), m);
  }
  return NIL;
}

/** Forward every message to pid `arg` (a copy from this heap into its), until `stop`. */
export function forwarder(arg: Term): Term {
  messageAtomsInit();
  for (;;) {
    const m = receive(anything, Infinity);
    send(arg, m);
    if (m == STOP) return NIL;
  }
  return NIL;
}

/** Builds the list [0..n-1] (n = smallValue(arg)), spawns argToHost with it, then collects its own heap and ends. */
export function spawnWithList(arg: Term): Term {
  messageAtomsInit();
  const n = smallValue(arg);
  frameEnter(1);
  slotSet(0, NIL);
  for (let i = n - 1; i >= 0; i--) { gcReserve(2); slotSet(0, makeCons(makeSmall(i), slotGet(0))); }
  spawn(argToHost.index, slotGet(0), Priority.NORMAL);
  gcCollect(true);                          // the parent's copy moves; the child's must not care
  frameLeave(1);
  return NIL;
}
/** Collects its own heap, then sends its spawn argument to the host. */
function argToHost(arg: Term): Term {
  frameEnter(1);
  slotSet(0, arg);                          // a root: the collection moves it
  gcCollect(true);
  send(hostPid(), slotGet(0));
  frameLeave(1);
  return NIL;
}


// ── deep terms: copies and encodings must not recurse on the native stack

/** The list [[...[[]]...]], smallValue(arg) deep (in slot 0 of the caller's newest frame). */
function buildDeep(n: i64): void {
  slotSet(0, NIL);
  for (let i: i64 = 0; i < n; i++) {
    reduce(1);
    gcReserve(2);
    slotSet(0, makeCons(slotGet(0), NIL));
  }
}

/** How deep a [[...]] nesting is, by a loop along the heads. */
function depthOf(t: Term): i64 {
  let d: i64 = 0;
  while (isList(t)) { d++; t = head(t); }
  return d;
}

/** Builds a smallValue(arg)-deep nesting, spawns depthProbe with it (a copy) and sends it the same term (another copy). */
export function deepSend(arg: Term): Term {
  messageAtomsInit();
  frameEnter(1);
  buildDeep(smallValue(arg));
  const probe = spawn(depthProbe.index, slotGet(0), Priority.NORMAL);
  send(probe, slotGet(0));
  frameLeave(1);
  return NIL;
}
/** Reports the depth of its argument (Trace.STEP) and of the first message it gets (Trace.DONE). */
function depthProbe(arg: Term): Term {
  hostTrace(self(), Trace.STEP, depthOf(arg));
  hostTrace(self(), Trace.DONE, depthOf(receive(anything, Infinity)));
  return NIL;
}

/** Builds a smallValue(arg)-deep nesting and sends it to the host. */
export function deepToHost(arg: Term): Term {
  messageAtomsInit();
  frameEnter(1);
  buildDeep(smallValue(arg));
  send(hostPid(), slotGet(0));
  frameLeave(1);
  return NIL;
}
