// Process blocks and the process table: where a process is spawned and freed,
// and where a pid is turned back into its process.
//
// A process block is plain linear memory (no AssemblyScript-managed object is
// ever made by the runtime: only our own collectors move terms). It is kept
// for its slot after the process ends and reused by the next process in that
// slot, so spawning allocates nothing on the common path.
//
// ╒═══════════════════════ Process block ═══════════════════════════════════╕
//  Timer      deadline timerSeq timerIndex timerKind: a process is its own
//             timer record (timers.ts), armed while it sleeps or waits with a
//             timeout
//  Process    pid; the term roots arg reason dict matching excClass excReason
//             excTrace traceCache (PROCESS_ROOTS); handler (exceptions.ts);
//             reductions, next (run queue); sp stackLo stackHi (shadow
//             stack); entry slot; mqHead mqTail mqSave mqLen (mailbox); name;
//             sendTimers (message timers aimed at it); sigData sigLen sigCap
//             (links and monitors); state priority waitingForMessage timedOut
//             trapExit
//  fiber ctx  fiber_ctx_size() bytes the backend owns, 8-aligned
//  Heap       the process's heap descriptor (gc/mem/heap.ts), 8-aligned
// └─────────────────────────────────────────────────────────────────────────┘
//
// States:
//
//   FREE ──spawn──► RUNNABLE ──picked by the scheduler──► RUNNING
//                     ▲    ▲                                 │
//                     │    └─────── yield / preempted ───────┤
//                     │                                      └──sleep, receive──► WAITING
//                     └──────── timer fires / message / wake ────────────────────────┘
//   RUNNING  ──return / exit / crash──► FREE (its slot's serial moves on)
//   RUNNABLE ──killed──► EXITING ──picked──► FREE
//   WAITING  ──killed──► FREE
//   WAITING  ──ended by a signal (signals.ts)──► EXITING (queued) ──picked──► FREE
//
// Pids never alias: a pid holds the slot and the slot's serial (gc/term/term.ts),
// and each reuse of a slot takes the next serial, so a stale pid names a
// process that no longer matches and is recognised as dead.

import { Term, NIL, makePid, pidSlot, isPid } from "../../gc/term/term";
import { ATOM_NORMAL } from "../../gc/term/atoms";
import { Heap, heapInit } from "../../gc/mem/heap";
import { Message } from "./message";
import { DEFAULT_MIN_HEAP_WORDS, DEFAULT_FULLSWEEP_AFTER, PID_SLOT_BITS } from "../boundary/defaults";
import { Vec, vecStatic, vecPush32, vecPop32, vecGet32 } from "../../gc/mem/vec";
import { DEBUG } from "../../gc/mem/debug";
import { fiber_ctx_size } from "../fiber/fiber";
import { Timer, TIMER_PROCESS } from "./timers";

// @ts-ignore: decorator
@inline export const STATE_FREE: u8 = 0;
// @ts-ignore: decorator
@inline export const STATE_RUNNABLE: u8 = 1;
// @ts-ignore: decorator
@inline export const STATE_RUNNING: u8 = 2;
// @ts-ignore: decorator
@inline export const STATE_WAITING: u8 = 3;
// @ts-ignore: decorator
@inline export const STATE_EXITING: u8 = 4;

// Priorities, as on BEAM.
// @ts-ignore: decorator
@inline export const PRIO_MAX: u8 = 0;
// @ts-ignore: decorator
@inline export const PRIO_HIGH: u8 = 1;
// @ts-ignore: decorator
@inline export const PRIO_NORMAL: u8 = 2;
// @ts-ignore: decorator
@inline export const PRIO_LOW: u8 = 3;

@unmanaged export class Process extends Timer {
  /** This process's pid term. */
  pid: Term;
  // ── term roots: PROCESS_ROOTS words from `arg`, scanned by the collector (roots.ts)
  /** The argument its entry function is called with (kept live for the process's life, unless argOnce). */
  arg: Term;
  /** Exit reason, once it is exiting. */
  reason: Term;
  /** The process dictionary (a list of {Key, Value} tuples, or []). */
  dict: Term;
  /** The message a receive is matching (mailboxes). */
  matching: Term;
  /** The exception being raised or caught (exceptions.ts): its class (throw, error, exit; 0 none), reason and stack trace. */
  excClass: Term;
  excReason: Term;
  excTrace: Term;
  /** The stack trace its last raise_trace built (traces.ts): the next one reuses it when it is the same. */
  traceCache: Term;
  // ── end of term roots
  /** The resume id the last raise went to (exceptions.ts): read by code that learns of the raise from a call's non-value 0. */
  excResume: i32;
  /** Reductions spent over its life. */
  reductions: u64;
  /** Next process in its run queue. */
  next: Process | null;
  /** Saved shadow-stack pointer while not running (shadowstack.ts). */
  sp: usize;
  /** Its shadow-stack region [stackLo, stackHi), 0 until first used. */
  stackLo: usize;
  stackHi: usize;
  /** Function-table index of its entry function, (arg: Term) => Term (the result is dropped). */
  entry: u32;
  /** Its slot in the process table. */
  slot: u32;
  /** Mailbox (mailbox.ts): first and last message nodes, the save position, the count. */
  mqHead: Message | null;
  mqTail: Message | null;
  mqSave: Message | null;
  mqLen: u32;
  /** Registered name (an atom), or 0. */
  name: Term;
  /** Its links and monitors (signals.ts): a Vec of 16-byte entries, laid out as gc/mem/vec.ts's Vec. */
  sigData: usize;
  sigLen: u32;
  sigCap: u32;
  /** The first message timer aimed at this pid (send_after.ts), 0 if none: they go when it ends. */
  sendTimers: usize;
  state: u8;
  priority: u8;
  /** Waiting in a receive (a message wakes it), and whether its wait ended by timeout. */
  waitingForMessage: bool;
  timedOut: bool;
  /** process_flag(trap_exit): exit signals become {'EXIT', From, Reason} messages. */
  trapExit: bool;
  /** Its newest exception handler (exceptions.ts): the handler frame's distance from stackHi, in bytes; 0: none. */
  handler: u32;
  /** Started by name (or as a fun) straight in its code: `arg` is dropped after its first slice, as the apply trampoline drops its own. */
  argOnce: bool;
  /** An exit signal has ended it while it ran (signals.ts linkExit): it ends, with `reason`, at its next scheduling point. */
  exitPending: bool;
}

/** Term fields of a process block, from `arg` on, that are roots. */
// @ts-ignore: decorator
@inline export const PROCESS_ROOTS: usize = 8;

/** Where the backend's per-fiber context starts in a block: after the fields, 8-aligned. */
// @ts-ignore: decorator
@inline const CTX_OFFSET: usize = (offsetof<Process>() + 7) & ~7;

/** Address of the backend's per-fiber context inside process block `p`. */
// @ts-ignore: decorator
@inline export function fiberCtx(p: Process): usize {
  return changetype<usize>(p) + CTX_OFFSET;
}

let heapOffset: usize = 0;     // where the Heap sits in a block: after the fiber ctx, 8-aligned
/** The shared heap every process uses in the shared-heap baseline, else null. */
export let sharedHeap: Heap | null = null;

/** Heap of process `p` (its own, or the shared one in the baseline). */
// @ts-ignore: decorator
@inline export function heapOf(p: Process): Heap {
  const s = sharedHeap;
  return s ? s : changetype<Heap>(changetype<usize>(p) + heapOffset);
}

/** Process whose block holds heap `h` (per-process heaps only). */
// @ts-ignore: decorator
@inline export function ownerOf(h: Heap): Process {
  return changetype<Process>(changetype<usize>(h) - heapOffset);
}

/** Heap policy for new processes (words; 0 max means none). */
export let defaultMinHeap: u32 = DEFAULT_MIN_HEAP_WORDS;
export let defaultMaxHeap: u32 = 0;
export let defaultFullsweepAfter: u32 = DEFAULT_FULLSWEEP_AFTER;

/** Process pointer (u32) per slot; its length is the slots ever handed out (each has a block). */
const table: Vec = vecStatic();
/** Stack of free slot numbers (u32). */
const freeSlots: Vec = vecStatic();
let blockSize: usize = 0;

/** Most processes alive at once (set by the host at start). */
export let maxProcesses: u32 = 1 << 20;
/** Processes alive now. */
export let liveProcesses: u32 = 0;
/** Processes spawned since start. */
export let spawnedTotal: u64 = 0;

/** Most processes a table can ever hold: the pid's slot bits (less the host's own pid, slot 2^28 - 1). */
// @ts-ignore: decorator
@inline const SLOT_LIMIT: u32 = (1 << PID_SLOT_BITS) - 1;

/** Set the limit on live processes (at least those alive now, at most SLOT_LIMIT); the limit in force. */
export function setMaxProcesses(limit: u32): u32 {
  maxProcesses = max(min(limit, SLOT_LIMIT), liveProcesses);
  return maxProcesses;
}

/** Set the table's limit and the heap policy; called once at start. */
export function processTableInit(limit: u32, minHeap: u32, maxHeap: u32, fullsweepAfter: u32, shared: bool): void {
  setMaxProcesses(limit);
  heapOffset = (CTX_OFFSET + <usize>fiber_ctx_size() + 7) & ~7;
  blockSize = heapOffset + offsetof<Heap>();
  defaultMinHeap = minHeap;
  defaultMaxHeap = maxHeap;
  defaultFullsweepAfter = fullsweepAfter;
  if (shared && !sharedHeap) {
    sharedHeap = changetype<Heap>(heap.alloc(offsetof<Heap>()));
    heapInit(sharedHeap!, minHeap, 0, fullsweepAfter);
  }
}

/** Process block in `slot`. */
// @ts-ignore: decorator
@inline export function processAt(slot: u32): Process {
  return changetype<Process>(<usize>vecGet32(table, slot));
}

/** The live process named by `pid`, or null when the pid is stale, dead or not a pid. */
export function lookup(pid: Term): Process | null {
  if (!isPid(pid)) return null;
  const slot = pidSlot(pid);
  if (slot >= table.length) return null;
  const p = processAt(slot);
  return p.pid == pid && p.state != STATE_FREE ? p : null;
}

/** Take a free slot and set its block up as a new RUNNABLE process; null at the limit. */
export function allocProcess(entry: u32, arg: Term, priority: u8): Process | null {
  if (liveProcesses >= maxProcesses) return null;
  let p: Process;
  let serial: u32;
  if (freeSlots.length) {
    p = processAt(vecPop32(freeSlots));
    if (DEBUG) assert(p.state == STATE_FREE);
    serial = <u32>(p.pid >> 32) + 1;      // pid's top 32 bits are its serial
  } else {
    p = changetype<Process>(heap.alloc(blockSize));
    memory.fill(changetype<usize>(p), 0, blockSize);
    p.slot = table.length;
    vecPush32(table, changetype<u32>(p));
    serial = 0;
  }
  p.pid = makePid(p.slot, serial);
  p.arg = arg;
  p.reason = ATOM_NORMAL;
  p.dict = NIL;
  p.matching = NIL;
  p.excClass = 0;
  p.excResume = -1;
  p.excReason = NIL;
  p.excTrace = NIL;
  p.traceCache = NIL;
  p.handler = 0;
  if (!sharedHeap) heapInit(heapOf(p), defaultMinHeap, defaultMaxHeap, defaultFullsweepAfter);
  p.entry = entry;
  p.priority = priority;
  p.state = STATE_RUNNABLE;
  p.reductions = 0;
  p.next = null;
  p.timerIndex = -1;
  p.timerKind = TIMER_PROCESS;
  p.name = 0;
  p.sendTimers = 0;
  p.waitingForMessage = false;
  p.trapExit = false;
  if (DEBUG) assert(p.sigLen == 0);
  p.argOnce = false;
  p.exitPending = false;
  p.sp = p.stackHi;
  liveProcesses++;
  spawnedTotal++;
  return p;
}

/** Return `p`'s slot to the free list; its block stays for the next process in the slot. */
export function freeProcess(p: Process): void {
  if (DEBUG) assert(p.state != STATE_FREE && p.timerIndex < 0 && p.mqLen == 0 && !p.mqHead && !p.sendTimers);
  p.state = STATE_FREE;
  liveProcesses--;
  // A slot whose serial is spent is retired rather than reused, so no pid ever comes back.
  if (<u32>(p.pid >> 32) == u32.MAX_VALUE) return;
  vecPush32(freeSlots, p.slot);
}

/** Bytes of a process block (fields, fiber context, heap descriptor). */
export function processBlockBytes(): usize { return blockSize; }

/** Slots ever handed out (the table's high-water mark). */
export function slotCount(): u32 { return table.length; }
