// Mailboxes: sending (a copy into the receiver) and selective receive.
//
// Each process has a FIFO of message nodes. A node lives outside every heap
// (a pooled 16-byte block) and holds one term, which lives in the receiver's
// heap or in a fragment of it (gc/copy.ts), never in the sender's. The
// collector treats every queued term as a root (gc/roots.ts).
//
//   node: +0 next (u32)  +8 term (u64)
//
//   head ─► [m1] ─► [m2] ─► [m3] ─► null        tail ─► m3
//                    ▲
//            save ───┘  (mqSave = m1: the next message to try is m1.next)
//
// Receive is the loop BEAM compiles it to, so compiled patterns drive it:
//
//   recv_peek()      the message at the save position, or 0 if none is left
//   recv_next()      it did not match: move the save position past it
//   recv_accept()    it matched: take it out, save position back to the head
//   recv_wait(ms)    no message matched: wait for a new one (true) or for the
//                    timeout (false); Infinity waits forever, 0 does not wait
//   recv_timeout()   after a timeout: save position back to the head
//
// The save position stays where it was while the process waits, so when a
// message arrives only the new one is tried: a re-scan never repeats the
// messages the same receive already rejected. Messages from one sender to
// one receiver stay in the order sent (one FIFO, appended at the tail).

import { Term, NIL, makePid, PID_SLOT_BITS } from "../gc/term";
import { etfDecodeWords, etfDecode, etfEncodedSize, etfEncode } from "../gc/etf";
import { termSize, copyTerm, copySpace } from "../gc/copy";
import { heapTarget, heapTargetEnd } from "../gc/heap";
import { Process, lookup, heapOf, sharedHeap, STATE_WAITING, STATE_EXITING } from "./process";
import { current, wake, SUSPEND_WAIT } from "./scheduler";
import { timerAdd } from "./timers";
import { fiber_suspend } from "./fiber/fiber";
import { hostNow, hostMessage } from "./host";

@unmanaged export class Message {
  next: Message | null;
  _pad: u32;
  term: Term;
}

let pool: Message | null = null;   // free nodes
/** Messages queued in all mailboxes. */
export let queuedMessages: u64 = 0;
/** Messages sent since start. */
export let sentTotal: u64 = 0;

/** A node from the pool. */
function nodeNew(t: Term): Message {
  let m = pool;
  if (m) pool = m.next;
  else m = changetype<Message>(heap.alloc(offsetof<Message>()));
  m.next = null;
  m.term = t;
  return m;
}

/** Back to the pool. */
// @ts-ignore: decorator
@inline function nodeFree(m: Message): void {
  m.next = pool;
  pool = m;
}

/** Append term `t` (already in `p`'s memory) to `p`'s mailbox, waking it if it waits for one. */
export function deliver(p: Process, t: Term): void {
  const m = nodeNew(t);
  const tail = changetype<Message | null>(<usize>p.mqTail);
  if (tail) tail.next = m; else p.mqHead = changetype<u32>(m);
  p.mqTail = changetype<u32>(m);
  p.mqLen++;
  queuedMessages++;
  if (p.state == STATE_WAITING && p.waitingForMessage) {
    p.waitingForMessage = false;
    p.timedOut = false;
    wake(p);
  }
}

/** The host's pid: messages sent to it leave the module as External Term Format (env.host_message). */
export const HOST_PID: Term = makePid((1 << PID_SLOT_BITS) - 1, 0);

/** Hand `msg` to the host, encoded. */
function sendToHost(msg: Term): void {
  const size = etfEncodedSize(msg);
  if (size < 0) return;                      // funs do not cross to the host
  const buf = heap.alloc(<usize>size);
  const len = etfEncode(msg, buf);
  hostMessage(buf, len);
  heap.free(buf);
}

/** Send `msg` to `pid`: copied into the receiver; dropped if it is dead or the pid is stale. */
export function send(pid: Term, msg: Term): void {
  sentTotal++;
  if (pid == HOST_PID) { sendToHost(msg); return; }
  const p = lookup(pid);
  if (!p || p.state == STATE_EXITING) return;
  if (sharedHeap || p == current) { deliver(p, msg); return; }   // already in the receiver's heap
  const words = termSize(msg);
  let t = msg;
  if (words) {
    const h = heapOf(p);
    t = copyTerm(msg, copySpace(h, words), h);
  }
  deliver(p, t);
}

/** Decode External Term Format bytes into `pid`'s memory and deliver them: 0 sent, 1 dropped (no such process), -1 malformed or unsupported bytes, -2 decoding failed (the atom table is full, or a map has equal keys). */
export function sendEncoded(pid: Term, buf: usize, len: usize): i32 {
  const words = etfDecodeWords(buf, len);
  if (words < 0) return -1;
  sentTotal++;
  const p = lookup(pid);
  if (!p || p.state == STATE_EXITING) return 1;
  const h = heapOf(p);
  heapTarget(h, words ? copySpace(h, <usize>words) : 0, <usize>words);
  const t = etfDecode(buf, len);
  heapTargetEnd();
  if (!t) return -2;
  deliver(p, t);
  return 0;
}

/** The running process's message at the save position, or 0 if none is left. */
export function recvPeek(): Term {
  const p = current!;
  const prev = changetype<Message | null>(<usize>p.mqSave);
  const m = prev ? prev.next : changetype<Message | null>(<usize>p.mqHead);
  if (!m) return 0;
  p.matching = m.term;
  return m.term;
}

/** The message at the save position did not match: try the next one. */
export function recvNext(): void {
  const p = current!;
  const prev = changetype<Message | null>(<usize>p.mqSave);
  const m = prev ? prev.next : changetype<Message | null>(<usize>p.mqHead);
  if (m) p.mqSave = changetype<u32>(m);
}

/** Take the message at the save position out of the mailbox (it matched); returns it. */
export function recvAccept(): Term {
  const p = current!;
  const prev = changetype<Message | null>(<usize>p.mqSave);
  const m = prev ? prev.next : changetype<Message | null>(<usize>p.mqHead);
  if (!m) return 0;
  const next = m.next;
  if (prev) prev.next = next; else p.mqHead = changetype<u32>(next);
  if (changetype<u32>(m) == p.mqTail) p.mqTail = changetype<u32>(prev);
  p.mqLen--;
  queuedMessages--;
  p.mqSave = 0;
  p.matching = NIL;
  const t = m.term;
  nodeFree(m);
  return t;
}

/** Nothing matched: wait for a new message (true) or `ms` of host time (false; 0 polls, Infinity waits forever). */
export function recvWait(ms: f64): bool {
  const p = current!;
  p.matching = NIL;
  if (!(ms > 0)) return false;
  p.waitingForMessage = true;
  p.timedOut = false;
  if (ms < Infinity) {
    p.deadline = hostNow() + ms;
    timerAdd(p);
  }
  p.state = STATE_WAITING;
  fiber_suspend(SUSPEND_WAIT);
  return !p.timedOut;
}

/** After a timeout: the next receive starts from the head again. */
export function recvTimeout(): void {
  const p = current!;
  p.mqSave = 0;
  p.matching = NIL;
}

/** Drop every message of an ending process (their terms go with its heap). */
export function mailboxClear(p: Process): void {
  let m = changetype<Message | null>(<usize>p.mqHead);
  while (m) {
    const next = m.next;
    nodeFree(m);
    queuedMessages--;
    m = next;
  }
  p.mqHead = p.mqTail = p.mqSave = 0;
  p.mqLen = 0;
}

