// Roots: where a collection starts. Wasm has no stack maps, so a process's
// roots are only what it keeps where the collector can see it:
//
//   root                          where
//   ---------------------------   --------------------------------------------
//   shadow-stack slots            [sp, stackHi) of the process's region
//                                 (assembly/shadowstack.ts); 0 = empty slot
//   process roots                 Process.arg, reason, dict, matching
//                                 (PROCESS_ROOTS words, assembly/process.ts)
//   mailbox                       the term of every queued message node
//                                 (assembly/mailbox.ts)
//
// A term held only in a Wasm local is not a root: code must keep every term
// it needs across a call that can collect (any allocation, and any point the
// process can be suspended at) in a slot, and reload it from there after.
// The collector rewrites every root in place to the term's new address.

import { Process, PROCESS_ROOTS, processAt, slotCount, STATE_FREE } from "../assembly/process";
import { shadowSpOf } from "../assembly/shadowstack";
import { evacuateRange } from "./copying";
import { Message } from "../assembly/mailbox";

/** Evacuate and rewrite every root of process `p`. */
export function scanRoots(p: Process): void {
  evacuateRange(shadowSpOf(p), p.stackHi);
  const roots = changetype<usize>(p) + offsetof<Process>("arg");
  evacuateRange(roots, roots + (PROCESS_ROOTS << 3));
  for (let m = <usize>p.mqHead; m; m = changetype<usize>(changetype<Message>(m).next)) {
    const at = m + offsetof<Message>("term");
    evacuateRange(at, at + 8);
  }
}

/** Evacuate the roots of every live process (the shared-heap baseline). */
export function scanAllRoots(): void {
  for (let slot: u32 = 0, n = slotCount(); slot < n; slot++) {
    const p = processAt(slot);
    if (p.state != STATE_FREE) scanRoots(p);
  }
}
