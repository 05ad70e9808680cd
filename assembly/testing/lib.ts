// Small helpers the test programs share, built on the ABI imports only.

import { Term, NIL, makeAtom, tupleSet, isList, head, tail } from "../../gc/term/term";
import { atomIntern, gcReserve, makeTuple, makeCons, reduce, recvPeek, recvAccept, recvNext, recvWait, recvTimeout, slotGet, slotSet, send, hostPid } from "./shoal";

const nameBuf = memory.data(256);

/** The atom named by ASCII `name` (interned through the ABI). */
export function atom(name: string): Term {
  const n = name.length;
  for (let i = 0; i < n; i++) store<u8>(nameBuf + i, <u8>name.charCodeAt(i));
  return makeAtom(<u32>atomIntern(nameBuf, n));
}

/** A 2-tuple {a, b} on the running heap (both immediates, or reloaded by the caller from slots). */
export function pair(a: Term, b: Term): Term {
  gcReserve(3);
  const t = makeTuple(2);
  tupleSet(t, 0, a);
  tupleSet(t, 1, b);
  return t;
}

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

/** Wait until the host wakes this process (wake), ignoring messages: an idle process. */
export function park(): void {
  for (;;) {
    while (recvPeek()) recvNext();               // messages stay in the mailbox, untouched
    recvWait(Infinity);
    if (!recvPeek()) { recvTimeout(); return; }  // woken with no new message: the host's wake
  }
}

/**
 * Send the host the list in root slot `slot` of the newest frame, reversed (results collected by
 * consing, put back in the order they were made). Slot `scratch` is cleared first, so nothing
 * stale is rooted while the reversed list is built.
 */
export function sendReversed(slot: i32, scratch: i32): void {
  slotSet(scratch, NIL);
  let n: usize = 0;
  for (let l = slotGet(slot); isList(l); l = tail(l)) n++;
  gcReserve(2 * n);
  let out: Term = NIL;
  for (let l = slotGet(slot); isList(l); l = tail(l)) out = makeCons(head(l), out);
  send(hostPid(), out);
}
