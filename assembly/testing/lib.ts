// Small helpers the test programs share, built on the ABI imports only.

import { Term, makeAtom, tupleSet } from "../../gc/term/term";
import { atomIntern, gcReserve, makeTuple, reduce, recvPeek, recvAccept, recvNext, recvWait, recvTimeout } from "./shoal";

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
