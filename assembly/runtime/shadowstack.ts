// Shadow stacks: the explicit stack of root slots each process keeps for its
// terms. Wasm has no stack maps, so a term a process needs across a call that
// can collect lives in a slot here, where its collector (gc/) finds and
// rewrites it; code reloads the term from its slot after such a call.
//
// Each process has its own region, switched with it by the scheduler; the
// running one's is described by three globals:
//
//   stackHi ┐  ◄── first frame entered
//           │  slots of the oldest frame       higher addresses
//           │  ...
//       sp  ┤  ◄── slot 0 of the newest frame  (frame slot i at sp + 8*i)
//           │  free
//  spLimit  ┘  ◄── region start (Process.stackLo)
//
// A region starts at INITIAL_BYTES on the first frame and doubles when a
// frame does not fit, up to maxBytes; past that the process ends with reason
// `shadow_stack_overflow`, and no other process is touched. Growing moves the
// region, keeping each frame's distance from the top, so slots are addressed
// from the current `sp` and never through an address held across a call.
//
// A new frame's slots are zeroed: 0 is "empty" (a header tag, never a term),
// so a collector scanning a frame before it is filled sees nothing stale.

import { Process } from "./process";
import { fiber_exit } from "../fiber/fiber";
import { ATOM_SHADOW_STACK_OVERFLOW } from "../../gc/term/atoms";
import { Term } from "../../gc/term/term";
import { DEBUG } from "../../gc/mem/debug";

// @ts-ignore: decorator
@inline const INITIAL_BYTES: usize = 256;

/** Newest frame's slot 0 of the running process (0 outside any process). */
export let sp: usize = 0;
/**
 * Lowest address the running process's region allows (exported to compiled code as shoal_sp_limit,
 * for frames pushed inline: `sp - 8n >= spLimit`, compared unsigned). With no region yet it is the
 * highest address, so that test fails and frameEnter makes one.
 */
export let spLimit: usize = 0;
/** Largest region a process may grow to (bytes), set at start. */
export let maxBytes: usize = 1 << 20;
let owner: Process | null = null;

/** Switch to `p`'s region before running it. */
// @ts-ignore: decorator
@inline export function shadowSwitchIn(p: Process): void {
  if (DEBUG) assert(owner == null && p.sp <= p.stackHi && (p.stackLo == 0 || p.sp >= p.stackLo));
  owner = p;
  sp = p.sp;
  spLimit = p.stackLo ? p.stackLo : usize.MAX_VALUE;
}

/** Save the running process's stack pointer when it stops running. */
// @ts-ignore: decorator
@inline export function shadowSwitchOut(p: Process): void {
  p.sp = sp;
  owner = null;
  sp = 0;
  spLimit = 0;
}

/** Enter a frame of n slots, zeroed; ends the process if its region cannot hold them. */
export function frameEnter(n: i32): void {
  const bytes = <usize>n << 3;
  if (sp - bytes < spLimit || sp < bytes) grow(bytes);   // (no region yet: spLimit is the highest address)
  sp -= bytes;
  memory.fill(sp, 0, bytes);
}

/**
 * Set the running process's stack pointer to `to`: back to a depth it had (a handler's: frames
 * entered since are left), or down within its region (a frame whose slots the caller writes at
 * once: exceptions.ts try_enter).
 */
// @ts-ignore: decorator
@inline export function setSp(to: usize): void {
  if (DEBUG) assert(owner != null && to >= spLimit && to <= owner!.stackHi);
  sp = to;
}

/** Leave the newest frame of n slots. */
// @ts-ignore: decorator
@inline export function frameLeave(n: i32): void {
  if (DEBUG) assert(owner != null && sp + (<usize>n << 3) <= owner!.stackHi);   // leaves no more than was entered
  sp += <usize>n << 3;
}

/** Term in slot i of the newest frame. */
// @ts-ignore: decorator
@inline export function slotGet(i: i32): Term {
  if (DEBUG) assert(owner != null && sp + (<usize>i << 3) < owner!.stackHi);
  return load<u64>(sp + (<usize>i << 3));
}

/** Store `t` in slot i of the newest frame. */
// @ts-ignore: decorator
@inline export function slotSet(i: i32, t: Term): void {
  if (DEBUG) assert(owner != null && sp + (<usize>i << 3) < owner!.stackHi);
  store<u64>(sp + (<usize>i << 3), t);
}

/** Give the running process a region with room for `bytes` more, or end it. */
function grow(bytes: usize): void {
  const p = owner!;
  const used = p.stackHi - sp;
  let size = p.stackLo ? (p.stackHi - p.stackLo) << 1 : INITIAL_BYTES;
  while (size < used + bytes) size <<= 1;
  if (size > maxBytes) {
    p.reason = ATOM_SHADOW_STACK_OVERFLOW;
    fiber_exit();
    return;
  }
  const lo = heap.alloc(size);
  const hi = lo + size;
  if (used) memory.copy(hi - used, sp, used);
  if (p.stackLo) heap.free(p.stackLo);
  p.stackLo = lo;
  p.stackHi = hi;
  sp = hi - used;
  spLimit = lo;
}

/** Release `p`'s region when it ends, keeping a first-size one for the slot's next process. */
export function shadowRelease(p: Process): void {
  if (p.stackLo && p.stackHi - p.stackLo > INITIAL_BYTES) {
    heap.free(p.stackLo);
    p.stackLo = 0;
    p.stackHi = 0;
  }
  p.sp = p.stackHi;
}

/** Stack pointer of `p`: the live global while it runs, its saved one otherwise. */
export function shadowSpOf(p: Process): usize { return p == owner ? sp : p.sp; }

/** Bytes of region held by `p`. */
export function shadowBytes(p: Process): usize { return p.stackHi - p.stackLo; }

/** Set the per-process limit; called once at start. */
export function shadowInit(limitBytes: usize): void { maxBytes = max(limitBytes, INITIAL_BYTES); }
