// Mailboxes: sending (a copy into the receiver) and selective receive.
//
// Each process has a FIFO of message nodes. A node lives outside every heap
// (a pooled 16-byte block) and holds one term, which lives in the receiver's
// heap or in a fragment of it (gc/message_copy.ts), never in the sender's. The
// collector treats every queued term as a root (roots.ts).
//
//   node: message.ts
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

import { Term, NIL, makePid, PID_SLOT_BITS } from "../../gc/term/term";
import { Process, lookup, STATE_WAITING, STATE_EXITING } from "./process";
import { copyIntoProcess, copyDetachedIntoProcess, encodedWords, decodeIntoProcess, encodeForHost, encodedBytes } from "./transfer";
import { HostResult } from "../boundary/codes";
import { current, wake, SUSPEND_WAIT } from "./scheduler";
import { timerAdd } from "./timers";
import { fiber_suspend } from "../fiber/fiber";
import { hostNow, hostMessage } from "./env";
import { Message, messageNew, messageFree } from "./message";

/** Messages queued in all mailboxes. */
export let queuedMessages: u64 = 0;
/** Messages sent since start. */
export let sentTotal: u64 = 0;

/** Append term `t` (already in `p`'s memory) to `p`'s mailbox, waking it if it waits for one. */
export function deliver(p: Process, t: Term): void {
  const m = messageNew(t);
  const tail = p.mqTail;
  if (tail) tail.next = m; else p.mqHead = m;
  p.mqTail = m;
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

/** Hand `msg` to the host, encoded (funs do not cross to the host: dropped). */
function sendToHost(msg: Term): void {
  const len = encodeForHost(msg);
  if (len >= 0) hostMessage(encodedBytes(), <usize>len);
}

/**
 * Send `msg`, a term of no process's heap (or of a dying one's), to `pid`, or to the host: always
 * copied, even into the running process. What the runtime itself sends (exit and down messages).
 */
export function sendFromRuntime(pid: Term, msg: Term): void {
  if (pid == HOST_PID) { sendToHost(msg); return; }
  const p = lookup(pid);
  if (!p || p.state == STATE_EXITING) return;
  deliver(p, copyIntoProcess(p, msg));
}

/** Send `msg` to `pid`: copied into the receiver; dropped if it is dead or the pid is stale. */
export function send(pid: Term, msg: Term): void {
  sentTotal++;
  if (pid == HOST_PID) { sendToHost(msg); return; }
  const p = lookup(pid);
  if (!p || p.state == STATE_EXITING) return;
  deliver(p, p == current ? msg : copyIntoProcess(p, msg));   // to itself: already in its heap
}

/** Send a message kept outside every heap (a message timer's: `words` words, or an immediate) to `pid`: copied into the receiver, or encoded to the host; dropped if it is dead. */
export function sendDetached(pid: Term, msg: Term, words: usize): void {
  sentTotal++;
  if (pid == HOST_PID) { sendToHost(msg); return; }
  const p = lookup(pid);
  if (!p || p.state == STATE_EXITING) return;
  deliver(p, copyDetachedIntoProcess(p, msg, words));
}

/** Decode External Term Format bytes into `pid`'s memory and deliver them: 0 sent, 1 dropped (no such process), -1 malformed or unsupported bytes, -2 decoding failed (the atom table is full, or a map has equal keys). */
export function sendEncoded(pid: Term, buf: usize, len: usize): i32 {
  const words = encodedWords(buf, len);
  if (words < 0) return HostResult.MALFORMED;
  sentTotal++;
  const p = lookup(pid);
  if (!p || p.state == STATE_EXITING) return HostResult.NO_PROCESS;
  const t = decodeIntoProcess(p, buf, len, words);
  if (!t) return HostResult.LIMIT;
  deliver(p, t);
  return HostResult.OK;
}

/** The running process's message at the save position, or 0 if none is left. */
export function recvPeek(): Term {
  const p = current!;
  const prev = p.mqSave;
  const m = prev ? prev.next : p.mqHead;
  if (!m) return 0;
  p.matching = m.term;
  return m.term;
}

/** The message at the save position did not match: try the next one. */
export function recvNext(): void {
  const p = current!;
  const prev = p.mqSave;
  const m = prev ? prev.next : p.mqHead;
  if (m) p.mqSave = m;
}

/** Take the message at the save position out of the mailbox (it matched); returns it. */
export function recvAccept(): Term {
  const p = current!;
  const prev = p.mqSave;
  const m = prev ? prev.next : p.mqHead;
  if (!m) return 0;
  const next = m.next;
  if (prev) prev.next = next; else p.mqHead = next;
  if (m == p.mqTail) p.mqTail = prev;
  p.mqLen--;
  queuedMessages--;
  p.mqSave = null;
  p.matching = NIL;
  const t = m.term;
  messageFree(m);
  return t;
}

/** Nothing matched: wait for a new message (true) or `ms` of host time (false; 0 polls, Infinity waits forever). */
export function recvWait(ms: f64): bool {
  const p = current!;
  p.matching = NIL;
  if (!(ms > 0)) return false;
  p.waitingForMessage = true;
  p.timedOut = false;
  if (ms < Infinity) timerAdd(p, hostNow() + ms);
  p.state = STATE_WAITING;
  fiber_suspend(SUSPEND_WAIT);
  return !p.timedOut;
}

/** After a timeout: the next receive starts from the head again. */
export function recvTimeout(): void {
  const p = current!;
  p.mqSave = null;
  p.matching = NIL;
}

/** Remove from the running process's mailbox every message `drop` accepts (demonitor's flush); the save position goes back to the head. */
export function mailboxRemove(drop: (t: Term) => bool): void {
  const p = current!;
  let prev: Message | null = null;
  let m = p.mqHead;
  while (m) {
    const next = m.next;
    if (drop(m.term)) {
      if (prev) prev.next = next; else p.mqHead = next;
      if (m == p.mqTail) p.mqTail = prev;
      p.mqLen--;
      queuedMessages--;
      messageFree(m);
    } else prev = m;
    m = next;
  }
  p.mqSave = null;
}

/** Drop every message of an ending process (their terms go with its heap). */
export function mailboxClear(p: Process): void {
  let m = p.mqHead;
  while (m) {
    const next = m.next;
    messageFree(m);
    queuedMessages--;
    m = next;
  }
  p.mqHead = p.mqTail = p.mqSave = null;
  p.mqLen = 0;
}

