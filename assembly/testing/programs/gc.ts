// Built-in programs that exercise heaps and collectors: the term machine the
// property tests drive, and the workloads of the GC benchmark (the shapes of
// ../shared/anchors/beam/gc_bench.erl). All keep their terms in shadow-stack
// slots and reload them after every call that can collect or suspend, as
// compiled code must (docs/abi.md).

import { Term, NIL, makeSmall, smallValue, makeAtom, isList, isBoxed, isSmall, isAtom, isPid, termPtr, boxedHeader, headerSubtag, SUB_BIG, SUB_FLOAT, SUB_TUPLE, SUB_HEAP_BIN, SUB_REFC_BIN, SUB_MAP, SUB_FUN } from "../gc/term";
import { allocWords, reserve, collectRunning } from "../gc/alloc";
import {
  consRaw, head, tail, tupleRaw, tupleSet, tupleGet, tupleArity, integerRaw, integerWords, integerValue,
  floatRaw, floatValue, binaryRaw, binaryData, binarySize, binaryWords, mapRaw, mapSize, mapKeyAddr, mapValueAddr,
  funRaw, funEntry, funArity, funFreeCount, funFreeAddr, isInteger,
} from "../gc/boxed";
import { frameEnter, frameLeave, slotGet, slotSet } from "./shadowstack";
import { reduce, yieldNow, self, waitForever, current } from "./scheduler";
import { hostTrace, hostNow } from "./host";
import { heapOf } from "./process";
import { heapWords } from "../gc/copying";
import { youngUsed, oldUsed } from "../gc/heap";
import { resize } from "./resize";

// Trace codes of these programs (host/programs.ts names them).
// @ts-ignore: decorator
@inline export const TRACE_HASH: i32 = 6;      // value: structural hash of a term
// @ts-ignore: decorator
@inline export const TRACE_LIVE: i32 = 5;      // value: live words after a full sweep
// @ts-ignore: decorator
@inline export const TRACE_READY: i32 = 7;     // value: heap words
// @ts-ignore: decorator
@inline export const TRACE_PAUSE: i32 = 8;     // value: ns an explicit full sweep took
// @ts-ignore: decorator
@inline export const TRACE_DONE: i32 = 2;

// ── structural hash (host/programs.ts has the same one, for the model)

let hashState: u32 = 0;
// @ts-ignore: decorator
@inline function emit(x: u32): void { hashState = (hashState ^ x) * 16777619; }
function emit64(v: u64): void { emit(<u32>v); emit(<u32>(v >> 32)); }

/** FNV-1a over a canonical walk of `t`: the same value whatever its layout or address. */
export function termHash(t: Term): u32 {
  hashState = 0x811c9dc5;
  hashInto(t);
  return hashState;
}

function hashInto(t: Term): void {
  for (;;) {
    if (isList(t)) {
      emit(6);
      hashInto(head(t));
      t = tail(t);
      continue;
    }
    if (t == NIL) { emit(3); return; }
    if (isSmall(t)) { emit(1); emit64(<u64>smallValue(t)); return; }
    if (isAtom(t)) { emit(2); emit(<u32>(t >> 6)); return; }
    if (isPid(t)) { emit(10); emit64(t); return; }
    if (!isBoxed(t)) { emit(0xBAD); return; }
    const sub = headerSubtag(boxedHeader(t));
    if (sub == SUB_BIG) { emit(1); emit64(<u64>integerValue(t)); return; }
    if (sub == SUB_FLOAT) { emit(4); emit64(reinterpret<u64>(floatValue(t))); return; }
    if (sub == SUB_TUPLE) {
      const n = tupleArity(t);
      emit(5); emit(<u32>n);
      for (let i: usize = 0; i < n; i++) hashInto(tupleGet(t, i));
      return;
    }
    if (sub == SUB_HEAP_BIN || sub == SUB_REFC_BIN) {
      const n = binarySize(t), d = binaryData(t);
      emit(7); emit(n);
      for (let i: u32 = 0; i < n; i++) emit(load<u8>(d + i));
      return;
    }
    if (sub == SUB_MAP) {
      const n = mapSize(t);
      emit(8); emit(<u32>n);
      for (let i: usize = 0; i < n; i++) hashInto(load<u64>(mapKeyAddr(t, i)));
      for (let i: usize = 0; i < n; i++) hashInto(load<u64>(mapValueAddr(t, i)));
      return;
    }
    if (sub == SUB_FUN) {
      const n = funFreeCount(t);
      emit(9); emit(funEntry(t)); emit(funArity(t)); emit(<u32>n);
      for (let i: usize = 0; i < n; i++) hashInto(load<u64>(funFreeAddr(t, i)));
      return;
    }
    emit(0xBAD);
    return;
  }
}

// ── the term machine: programs the host writes, run on the process's own heap
//
// A program is bytes: u32 stack size, then ops. Values live in shadow-stack
// slots (the frame is the machine's stack), so every op exercises the root
// discipline. Ops and operands (little-endian):
//
//   0x01 SMALL i64     0x02 ATOM u32     0x03 NIL         0x04 FLOAT f64
//   0x05 INT i64       0x06 TUPLE u16    0x07 CONS        0x08 BIN u32 len, u8 seed
//   0x09 MAP u16 n (pops n values, then n keys; keys pushed in term order)
//   0x0A FUN u16 nfree 0x0B DUP u16 k (push slot k again: sharing)
//   0x0C POP           0x0D GC_MINOR     0x0E GC_MAJOR    0x0F YIELD
//   0x10 GARBAGE u32 words (unrooted)    0x11 HASH u16 k (trace its hash)
//   0x12 LIVE (full sweep, trace live words)
//   0x13 CALL u16 n (a nested frame gets the top n values) ... 0x14 RET (its top to the caller)
//   0x15 PUT_DICT (pop into the process dictionary root)   0x16 GET_DICT
//   0x17 SEQ u32 n (push the list [0, 1, ..., n-1]: deep lists)
//   0x18 WIDE u16 n (pop a term, push a tuple of n references to it: wide and shared)

let programs: usize = 0;     // { ptr, len } per loaded program
let programCount: i32 = 0;

/** Keep a copy of program bytes; returns its id (the term machine's argument). */
export function machineLoad(ptr: usize, len: usize): i32 {
  programs = resize(programs, <usize>(programCount + 1) << 3);
  const copy = heap.alloc(max(len, 1));
  memory.copy(copy, ptr, len);
  store<u32>(programs + (<usize>programCount << 3), <u32>copy);
  store<u32>(programs + (<usize>programCount << 3), <u32>len, 4);
  return programCount++;
}

/** Runs program smallValue(arg). */
function termMachine(arg: Term): void {
  const id = <i32>smallValue(arg);
  const prog = <usize>load<u32>(programs + (<usize>id << 3));
  const len = <usize>load<u32>(programs + (<usize>id << 3), 4);
  const cap = <i32>load<u32>(prog);
  run(prog, len, 4, cap, 0, 0);
  hostTrace(self(), TRACE_DONE, 0);
}

/** Empty the top n slots (their terms now live inside what was built); the new top. */
function popSlots(top: i32, n: i32): i32 {
  for (let i = top - n; i < top; i++) slotSet(i, 0);
  return top - n;
}

let returned: Term = NIL;   // RET's value on its way to the caller (no allocation in between)

/** Run ops from pc in a new frame of `cap` slots, taking the caller's top `args` values (the caller's stack held `callerTop`); returns the pc after RET or the end. */
function run(prog: usize, len: usize, pc: usize, cap: i32, callerTop: i32, args: i32): usize {
  frameEnter(cap);
  // the caller's frame is just above this one: its slot i is this frame's slot cap + i;
  // the arguments move (the caller's slots are emptied), so they die when this frame drops them
  for (let j = 0; j < args; j++) {
    slotSet(j, slotGet(cap + callerTop - args + j));
    slotSet(cap + callerTop - args + j, 0);
  }
  let top = args;
  returned = NIL;
  while (pc < len) {
    reduce(1);
    const op = load<u8>(prog + pc++);
    if (op == 0x01) { slotSet(top++, makeSmall(load<i64>(prog + pc))); pc += 8; }
    else if (op == 0x02) { slotSet(top++, makeAtom(load<u32>(prog + pc))); pc += 4; }
    else if (op == 0x03) { slotSet(top++, NIL); }
    else if (op == 0x04) { reserve(2); slotSet(top++, floatRaw(load<f64>(prog + pc))); pc += 8; }
    else if (op == 0x05) { const v = load<i64>(prog + pc); pc += 8; reserve(integerWords(v)); slotSet(top++, integerRaw(v)); }
    else if (op == 0x06) {
      const n = <i32>load<u16>(prog + pc); pc += 2;
      reserve(1 + <usize>n);
      const t = tupleRaw(n);
      for (let i = 0; i < n; i++) tupleSet(t, i, slotGet(top - n + i));
      top = popSlots(top, n);
      slotSet(top++, t);
    } else if (op == 0x07) {
      reserve(2);
      const c = consRaw(slotGet(top - 2), slotGet(top - 1));
      top = popSlots(top, 2);
      slotSet(top++, c);
    } else if (op == 0x08) {
      const n = load<u32>(prog + pc), seed = load<u8>(prog + pc + 4); pc += 5;
      reserve(binaryWords(n));
      const b = binaryRaw(n);
      const d = binaryData(b);
      for (let i: u32 = 0; i < n; i++) store<u8>(d + i, <u8>(seed + i));
      slotSet(top++, b);
    } else if (op == 0x09) {
      const n = <i32>load<u16>(prog + pc); pc += 2;
      reserve(2 + 2 * <usize>n);
      const m = mapRaw(n);
      for (let i = 0; i < n; i++) {
        store<u64>(mapKeyAddr(m, i), slotGet(top - 2 * n + i));
        store<u64>(mapValueAddr(m, i), slotGet(top - n + i));
      }
      top = popSlots(top, 2 * n);
      slotSet(top++, m);
    } else if (op == 0x0A) {
      const n = <i32>load<u16>(prog + pc); pc += 2;
      reserve(2 + <usize>n);
      const f = funRaw(termMachine.index, 1, n);
      for (let i = 0; i < n; i++) store<u64>(funFreeAddr(f, i), slotGet(top - n + i));
      top = popSlots(top, n);
      slotSet(top++, f);
    } else if (op == 0x0B) { const k = <i32>load<u16>(prog + pc); pc += 2; slotSet(top, slotGet(k)); top++; }
    else if (op == 0x0C) { slotSet(--top, 0); }
    else if (op == 0x0D) { collectRunning(0, false); }
    else if (op == 0x0E) { collectRunning(0, true); }
    else if (op == 0x0F) { yieldNow(); }
    else if (op == 0x10) {
      const words = load<u32>(prog + pc); pc += 4;
      for (let i: u32 = 0; i + 2 <= words; i += 2) allocWords(2);   // dead at once
    } else if (op == 0x11) {
      const k = <i32>load<u16>(prog + pc); pc += 2;
      hostTrace(self(), TRACE_HASH, termHash(slotGet(k)));
    } else if (op == 0x12) {
      collectRunning(0, true);
      const h = heapOf(current!);
      hostTrace(self(), TRACE_LIVE, <i64>(youngUsed(h) + oldUsed(h)));
    } else if (op == 0x13) {
      const n = <i32>load<u16>(prog + pc); pc += 2;
      pc = run(prog, len, pc, cap, top, n);
      top -= n;
      if (top < cap) slotSet(top++, returned);
    } else if (op == 0x14) {
      returned = top ? slotGet(top - 1) : NIL;
      break;
    } else if (op == 0x15) { current!.dict = slotGet(--top); slotSet(top, 0); }
    else if (op == 0x16) { slotSet(top++, current!.dict); }
    else if (op == 0x17) {
      const n = <i64>load<u32>(prog + pc); pc += 4;
      seqInto(top++, 0, n);                  // cell by cell: collections happen mid-build
    } else if (op == 0x18) {
      const n = <usize>load<u16>(prog + pc); pc += 2;
      reserve(1 + n);
      const t = tupleRaw(n);
      const e = slotGet(top - 1);
      for (let i: usize = 0; i < n; i++) tupleSet(t, i, e);
      slotSet(top - 1, t);
    }
    else unreachable();
  }
  frameLeave(cap);
  return pc;
}

// ── GC benchmark workloads (gc_bench.erl's shapes)

/** Build [from, from+1, ..., from+len-1] cell by cell into slot `s`, collecting as it goes. */
function seqInto(s: i32, from: i64, len: i64): void {
  slotSet(s, NIL);
  for (let i = from + len - 1; i >= from; i--) {
    reduce(1);
    const p = allocWords(2);                 // may collect: reload the list from its slot after
    store<u64>(p, makeSmall(i));
    store<u64>(p, slotGet(s), 8);
    slotSet(s, <u64>p | 1);
  }
}

/** Holder: keeps a list of smallValue(arg) cells; when woken, churns 100 x 640-cell lists; then holds until killed. */
function gcHolder(arg: Term): void {
  frameEnter(2);
  seqInto(0, 1, smallValue(arg));
  collectRunning(0, true);
  hostTrace(self(), TRACE_READY, <i64>heapWords(heapOf(current!)));
  waitForever();
  for (let k = 0; k < 100; k++) seqInto(1, 1, 640);
  slotSet(1, NIL);
  hostTrace(self(), TRACE_DONE, 0);
  waitForever();
  frameLeave(2);
}

/** Worker: keeps one list of smallValue(arg) cells live, 200 times builds a new one and drops the old, then times a full sweep. */
function gcWorker(arg: Term): void {
  const len = smallValue(arg);
  frameEnter(2);
  seqInto(0, 1, len);
  churn(len);
  frameLeave(2);
}

function churn(len: i64): void {
  for (let k: i64 = 200; k > 0; k--) {
    seqInto(1, k, len);
    slotSet(0, slotGet(1));                  // the new list is the live one; the old is garbage
  }
  slotSet(1, NIL);
  const t0 = hostNow();
  collectRunning(0, true);
  hostTrace(self(), TRACE_PAUSE, <i64>((hostNow() - t0) * 1e6));
  hostTrace(self(), TRACE_DONE, <i64>heapWords(heapOf(current!)));
}

/** Single: builds smallValue(arg) lists of 6,400 cells (one process holding ~100 MB), reports, waits to be woken, then churns as the worker. */
function gcSingle(arg: Term): void {
  const lists = smallValue(arg);
  frameEnter(3);
  slotSet(2, NIL);
  const t0 = hostNow();
  for (let i: i64 = 0; i < lists; i++) {
    seqInto(0, 1, 6400);
    reserve(2);
    slotSet(2, consRaw(slotGet(0), slotGet(2)));
  }
  slotSet(0, NIL);
  hostTrace(self(), TRACE_READY, <i64>((hostNow() - t0) * 1e6));
  waitForever();
  seqInto(0, 1, 65536);
  churn(65536);
  frameLeave(3);
}

/** Hog: grows a list without end; with a max_heap_size it is killed. */
function gcHog(arg: Term): void {
  frameEnter(1);
  seqInto(0, 0, i64.MAX_VALUE >> 8);
  frameLeave(1);
}

export { termMachine, gcHolder, gcWorker, gcSingle, gcHog };
