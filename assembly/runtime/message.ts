// Message nodes: one per queued message, outside every heap, pooled. A node
// holds one term, which lives in the receiving process's heap (or a fragment
// of it); the mailbox (mailbox.ts) links the nodes, the collector sees each
// node's term as a root (roots.ts).
//
// ╒══════ Message node (16 bytes) ══════╕
//   +0  next   u32   the next node, or null
//   +4  (pad)
//   +8  term   u64   the message
// └─────────────────────────────────────┘

import { Term } from "../../gc/term/term";

@unmanaged export class Message {
  next: Message | null;
  _pad: u32;
  term: Term;
}

let pool: Message | null = null;   // free nodes

/** A node for term `t`, from the pool when it has one. */
export function messageNew(t: Term): Message {
  let m = pool;
  if (m) pool = m.next;
  else m = changetype<Message>(heap.alloc(offsetof<Message>()));
  m.next = null;
  m.term = t;
  return m;
}

/** Back to the pool. */
// @ts-ignore: decorator
@inline export function messageFree(m: Message): void {
  m.next = pool;
  pool = m;
}
