// Stack traces of compiled code: the frames of a raise's callers, walked from
// the shadow stack, as BEAM builds them from its stack's continuation pointers.
//
// Compiled code keeps each function's return address in slot 0 of its frame
// (and, around a call to another module, in a slot of its own: compiler
// codegen) as a CP word, which no term is (Tag.CP, assembly/boundary/terms.ts):
//
//   63          38 37                     6 5    0
//   │ module id   │ continuation id (32)   │ 0x1B │
//
// A module registers at its start a table of its continuations' frames
// (traceModule: a literal tuple {K1, Frame1, K2, Frame2, ...}, the Ks small
// integers in increasing order, each Frame {M, F, Arity, Location} with the
// line of the call that continues at K) and gets its module id. A
// continuation not in the table (the return from a module's trampoline: id 0)
// gives no frame.
//
// A raise's trace (traceOf) is BEAM's: the raising place's frame, then one
// frame per CP word from the newest slot to the process's first, a CP word
// equal to the previous one counted once (a body recursion through one call
// gives one frame, as erts_save_stacktrace), BACKTRACE_DEPTH frames at most.
// The frames are literals (never moved, never collected), so the walk
// collects them before anything is allocated.
//
// Invariants: every word in [sp, stackHi) was written (frames are zeroed or
// filled when pushed), so a CP word found there is a return address some
// compiled code saved; module ids start at 1, so 0 is never a CP word.

import { Term, NIL, isSmall, smallValue, isBoxed, tupleGet, tupleArity, headerSubtag, boxedHeader, SUB_TUPLE } from "../../gc/term/term";
import { consRaw } from "../../gc/term/build";
import { Tag, TagShift, CP_MODULE_SHIFT } from "../boundary/terms";
import { DEBUG } from "../../gc/mem/debug";
import { current } from "./scheduler";
import { sp } from "./shadowstack";

/** Frames a trace holds at most (BEAM's default backtrace_depth). */
// @ts-ignore: decorator
@inline export const BACKTRACE_DEPTH: i32 = 8;
// @ts-ignore: decorator
@inline const CP_MASK: u64 = 0x3F;

/** The registered modules' frame tables (index: module id - 1). */
const tables = new Array<Term>();
/** Frames found by the walk in progress (literals; at most BACKTRACE_DEPTH - 1). */
const found = new StaticArray<Term>(BACKTRACE_DEPTH);

/**
 * Register a module's frame table (see the top of this file); its module id (>= 1), which its CP
 * words carry. -1 if the table is not a tuple of (small, tuple) pairs in increasing order.
 */
export function traceModule(table: Term): i32 {
  if (!isBoxed(table) || headerSubtag(boxedHeader(table)) != SUB_TUPLE) return -1;
  const n = tupleArity(table);
  if (n & 1) return -1;
  let prev: i64 = -1;
  for (let i: usize = 0; i < n; i += 2) {
    const k = tupleGet(table, i);
    if (!isSmall(k) || smallValue(k) <= prev) return -1;
    prev = smallValue(k);
  }
  if (<u64>tables.length + 1 >= (<u64>1 << (64 - CP_MODULE_SHIFT))) return -1;
  tables.push(table);
  return tables.length;
}

/** Whether `w` is a CP word. */
// @ts-ignore: decorator
@inline export function isCp(w: u64): bool { return (w & CP_MASK) == Tag.CP; }

/** The frame tuple a CP word stands for, or 0 (a continuation with no frame, or an unknown module). */
export function frameOf(w: u64): Term {
  const id = <i32>(w >> CP_MODULE_SHIFT);
  if (id < 1 || id > tables.length) return 0;
  const table = unchecked(tables[id - 1]);
  const k = <i64>((w >> TagShift.CP) & 0xFFFFFFFF);
  // binary search over the pairs
  let lo: i64 = 0, hi: i64 = <i64>(tupleArity(table) >> 1);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const at = smallValue(tupleGet(table, <usize>(mid << 1)));
    if (at == k) return tupleGet(table, <usize>(mid << 1) + 1);
    if (at < k) lo = mid + 1; else hi = mid;
  }
  return 0;
}

/**
 * The walk for the trace of a raise at `frame` (the raising place's frame tuple) in the running process: [frame |
 * the callers' frames], `cp` (a CP word, or 0) the raising function's return address when it has
 * no frame of its own on the shadow stack. This finds the callers' frames (kept until traceList,
 * nothing allocated) and says how many.
 */
export function traceOf(cp: u64): i32 {
  // the walk: the frames behind the raise, newest first, literals only
  let n = 0;
  let prev: u64 = 0;
  if (isCp(cp)) {
    const f = frameOf(cp);
    if (f) { unchecked(found[n++] = f); prev = cp; }
  }
  const hi = current!.stackHi;
  for (let at = sp; at < hi && n < BACKTRACE_DEPTH - 1; at += 8) {
    const w = load<u64>(at);
    if (!isCp(w) || w == prev) continue;
    const f = frameOf(w);
    if (!f) continue;
    unchecked(found[n++] = f);
    prev = w;
  }
  return n;
}

/** The list [frame | the n frames traceOf found]: `n + 1` cons cells (the caller reserved them). */
export function traceList(frame: Term, n: i32): Term {
  if (DEBUG) assert(n >= 0 && n < BACKTRACE_DEPTH);
  let l: Term = NIL;
  for (let i = n - 1; i >= 0; i--) l = consRaw(unchecked(found[i]), l);
  return consRaw(frame, l);
}

/** Words traceList takes for n found frames. */
// @ts-ignore: decorator
@inline export function traceWords(n: i32): usize { return <usize>(n + 1) << 1; }

