// Roots: where a collection starts. Wasm has no stack maps, so a process's
// roots are only what it keeps where the collector can see it:
//
//   root                          where
//   ---------------------------   --------------------------------------------
//   shadow-stack slots            [sp, stackHi) of the process's region
//                                 (shadowstack.ts); 0 = empty slot
//   process roots                 Process.arg, reason, dict, matching
//                                 (PROCESS_ROOTS words, process.ts)
//   mailbox                       the term of every queued message node
//                                 (mailbox.ts)
//
// A term held only in a Wasm local is not a root: code must keep every term
// it needs across a call that can collect (any allocation, and any point the
// process can be suspended at) in a slot, and reload it from there after.
// The collector (gc/collector.ts) rewrites every root in place to the term's
// new address; alloc.ts calls these scanners between the collector's
// collectBegin and collectEnd, and the collector knows nothing of processes.

import { evacuateRange } from "../../gc/collector";
import { Process, PROCESS_ROOTS, processAt, slotCount, STATE_FREE } from "./process";
import { shadowSpOf } from "./shadowstack";
import { Message } from "./message";

/** Evacuate and rewrite every root of process `p` (the owner of the heap being collected). */
export function scanProcessRoots(p: Process): void {
  evacuateRange(shadowSpOf(p), p.stackHi);
  const roots = changetype<usize>(p) + offsetof<Process>("arg");
  evacuateRange(roots, roots + (PROCESS_ROOTS << 3));
  for (let m = p.mqHead; m; m = m!.next) {
    const at = changetype<usize>(m) + offsetof<Message>("term");
    evacuateRange(at, at + 8);
  }
}

/** The roots of every live process: the shared-heap baseline, where one heap holds everyone's terms. */
export function scanAllRoots(): void {
  for (let slot: u32 = 0, n = slotCount(); slot < n; slot++) {
    const p = processAt(slot);
    if (p.state != STATE_FREE) scanProcessRoots(p);
  }
}
