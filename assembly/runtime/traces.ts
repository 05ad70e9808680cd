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
// (traceModule) and gets its module id. The table is a literal tuple
// {Bases, Frames, Sites}, read in O(1) per return address (a binary search
// cost a raise ~90 ns in mispredicted branches, measured):
//
//   continuation id k = group << 16 | pos   Frames[Bases[group] + pos], pos
//                                           below Bases[group + 1] - Bases[group]
//   call site id k = 2^31 | n               Sites[n]
//
// each frame {M, F, Arity, Location} with the line of the call that continues
// at k, or [] for a continuation that gives no frame (the return from a
// module's trampoline, id 0; a fun called in tail position).
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

import { Term, NIL, isList, head, tail, isSmall, smallValue, isBoxed, tupleGet, tupleArity, headerSubtag, boxedHeader, SUB_TUPLE } from "../../gc/term/term";
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
/** The last walk's first CP word that gave a frame (0: none): bif_traces.ts compares a caller's return address with it. */
export let walkFirst: u64 = 0;
/** Frame i of the last walk (i below what traceOf answered). */
export function foundFrame(i: i32): Term { if (DEBUG) assert(i >= 0 && i < BACKTRACE_DEPTH - 1); return unchecked(found[i]); }

/** Whether `t` is a tuple. */
function isTuple(t: Term): bool { return isBoxed(t) && headerSubtag(boxedHeader(t)) == SUB_TUPLE; }

/**
 * Register a module's frame table (see the top of this file); its module id (>= 1), which its CP
 * words carry. -1 if the table is not {Bases, Frames, Sites} with Bases increasing small integers
 * within Frames and every frame a tuple or [].
 */
export function traceModule(table: Term): i32 {
  if (!isTuple(table) || tupleArity(table) != 3) return -1;
  const bases = tupleGet(table, 0), frames = tupleGet(table, 1), sites = tupleGet(table, 2);
  if (!isTuple(bases) || !isTuple(frames) || !isTuple(sites)) return -1;
  let prev: i64 = 0;
  for (let i: usize = 0, n = tupleArity(bases); i < n; i++) {
    const b = tupleGet(bases, i);
    if (!isSmall(b) || smallValue(b) < prev || smallValue(b) > <i64>tupleArity(frames)) return -1;
    prev = smallValue(b);
  }
  for (let i: usize = 0, n = tupleArity(frames); i < n; i++) { const f = tupleGet(frames, i); if (f != NIL && !isTuple(f)) return -1; }
  for (let i: usize = 0, n = tupleArity(sites); i < n; i++) if (!isTuple(tupleGet(sites, i))) return -1;
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
  const k = <u32>(w >> TagShift.CP);
  if (k & 0x80000000) {   // a call site
    const sites = tupleGet(table, 2), n = <usize>(k & 0x7FFFFFFF);
    return n < tupleArity(sites) ? tupleGet(sites, n) : 0;
  }
  const bases = tupleGet(table, 0), g = <usize>(k >> 16), pos = <usize>(k & 0xFFFF);
  if (g + 1 >= tupleArity(bases)) return 0;
  const at = <usize>smallValue(tupleGet(bases, g)) + pos;
  if (at >= <usize>smallValue(tupleGet(bases, g + 1))) return 0;
  const f = tupleGet(tupleGet(table, 1), at);
  return f == NIL ? 0 : f;
}

/**
 * The walk for the trace of a raise at `frame` (the raising place's frame tuple) in the running process: [frame |
 * the callers' frames], `cp` (a CP word, or 0) the raising function's return address when it has
 * no frame of its own on the shadow stack. This finds the callers' frames (kept until traceList,
 * nothing allocated) and says how many.
 */
export function traceOf(cp: u64): i32 {
  // the walk: the frames behind the raise, newest first, literals only; the CP words it looks up
  // are recorded (the last walk's key: lastWalkSame)
  let n = 0, k = 0;
  let prev: u64 = 0;
  keyPid = 0;   // the key is this walk's from now on: no process's list until traceKeep says
  walkFirst = 0;
  if (isCp(cp)) {
    const f = frameOf(cp);
    unchecked(keyWords[k] = cp); unchecked(keyFrame[k++] = f != 0);
    if (f) { unchecked(found[n++] = f); prev = cp; }
  }
  const hi = current!.stackHi;
  let at = sp;
  for (; at < hi && n < BACKTRACE_DEPTH - 1; at += 8) {
    const w = load<u64>(at);
    if (!isCp(w) || w == prev) continue;
    const f = frameOf(w);
    if (k < KEY_MAX) { unchecked(keyWords[k] = w); unchecked(keyFrame[k] = f != 0); }
    k++;
    if (!f) continue;
    if (n == 0 && !isCp(cp)) walkFirst = w;
    unchecked(found[n++] = f);
    prev = w;
  }
  if (DEBUG) assert(n < BACKTRACE_DEPTH);
  keyLength = k <= KEY_MAX ? k : -1;
  keyToEnd = at >= hi;
  keyCp = cp;
  return n;
}

/** CP words a walk's key records at most (a longer walk is not kept). */
// @ts-ignore: decorator
@inline const KEY_MAX: i32 = 16;
/** The last walk's CP words, in order, each looked up (deduplicated as the walk does); whether each gave a frame. */
const keyWords = new StaticArray<u64>(KEY_MAX);
const keyFrame = new StaticArray<bool>(KEY_MAX);
/** How many (-1: too many to keep, or none since the key was given away), the cp it had, whether it reached the stack's first slot. */
let keyLength: i32 = -1;
let keyCp: u64 = 0;
let keyToEnd = false;
/** The process whose traceCache the key is (0: none). */
let keyPid: Term = 0;

/**
 * Keep the last walk as the key of `pid`'s traceCache (raiseTrace, after it built that list from
 * this walk).
 */
export function traceKeep(pid: Term): void { keyPid = keyLength >= 0 ? pid : 0; }

/**
 * Whether a raise at `frame` with `cp` in the running process would walk exactly what the walk
 * kept last (for this process's traceCache, whose head must be `frame`): then its trace is that
 * list, and no frame is looked up or allocated. The same CP words in the same order give the same
 * frames; a heap frame (function_clause's, made for this raise) is never the head of an older list.
 */
export function lastWalkSame(pid: Term, cache: Term, frame: Term, cp: u64): bool {
  if (pid != keyPid || cp != keyCp || !isList(cache) || head(cache) != frame) return false;
  let k = 0;
  let prev: u64 = 0;
  if (isCp(cp)) {
    if (keyLength == 0 || unchecked(keyWords[0]) != cp) return false;
    if (unchecked(keyFrame[0])) prev = cp;
    k = 1;
  }
  const hi = current!.stackHi;
  for (let at = sp; at < hi; at += 8) {
    const w = load<u64>(at);
    if (!isCp(w) || w == prev) continue;
    if (k == keyLength) return !keyToEnd;   // the kept walk stopped here, at its last frame
    if (w != unchecked(keyWords[k])) return false;
    if (unchecked(keyFrame[k])) prev = w;
    k++;
  }
  return k == keyLength && keyToEnd;
}

/**
 * Whether `list` is [frame | the n frames traceOf found]: then a raise can take it again instead of
 * a new one (a raise repeated from one place, the common case in a loop, allocates nothing). A
 * heap frame (function_clause's, made for this raise) is never the head of an older list.
 */
export function traceSame(list: Term, frame: Term, n: i32): bool {
  if (!isList(list) || head(list) != frame) return false;
  let l = tail(list);
  for (let i = 0; i < n; i++) {
    if (!isList(l) || head(l) != unchecked(found[i])) return false;
    l = tail(l);
  }
  return l == NIL;
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

