// What a process holds of linear memory: the one definition, read by the host
// (control.ts process_bytes) and by erlang:process_info(Pid, memory) and
// erlang:memory(processes) (natives/erlang_system.ts), so the three agree.

import { Process, processBlockBytes, heapOf, sharedHeap, fiberCtx } from "./process";
import { fiber_bytes } from "../fiber/fiber";
import { shadowBytes } from "./shadowstack";
import { Message } from "./message";
import { heapWords } from "../../gc/collector";

/**
 * Bytes of linear memory process `p` holds: its block, its fiber's saved frames, its shadow stack,
 * its heap (none of its own in the shared-heap baseline) and its queued message nodes.
 */
export function processBytes(p: Process): usize {
  const heapBytes: usize = sharedHeap ? <usize>0 : heapWords(heapOf(p)) << 3;
  return processBlockBytes() + <usize>fiber_bytes(p.slot, fiberCtx(p)) + shadowBytes(p) + heapBytes
    + <usize>p.mqLen * offsetof<Message>();
}
