// Programs that exercise heaps and collectors: the term machine the property
// tests drive, and the workloads of the GC benchmark (the shapes of
// bench/beam/gc_bench.erl). All keep their terms in shadow-stack slots and
// reload them after every call that can collect or suspend, as compiled code
// must (docs/abi.md).

import {
  Term, NIL, makeSmall, smallValue, makeAtom, isList, isBoxed, isSmall, isAtom, isPid, boxedHeader, headerSubtag, headerArity, termPtr,
  SUB_BIG, SUB_FLOAT, SUB_TUPLE, SUB_HEAP_BIN, SUB_REFC_BIN, SUB_MAP, SUB_FUN, head, tail, tupleSet, tupleGet,
  tupleArity, integerWords, integerValue, floatValue, binarySize, binaryWords, mapSize, mapKeyAddr, mapValueAddr,
  funEntry, funArity, funFreeCount, funFreeAddr, funWords, mapWords, tupleWords,
} from "../../../gc/term/term";
import {
  hostTrace, hostNow, reduce, yieldNow, self, frameEnter, frameLeave, slotGet, slotSet, gcAlloc, gcReserve, gcCollect,
  makeTuple, makeCons, makeInteger, makeFloat, makeBinary, binaryData, makeMap, makeFun, dictGet, dictPut, rawAlloc,
  processHeap, send, hostPid, termEqual, exit,
} from "../shoal";
import { PredefinedAtom } from "../../boundary/atoms";
import { atom, park, receive } from "../lib";

function anything(t: Term): bool { return true; }
import { Trace, HeapFigure } from "../../boundary/codes";

// ── structural hash (tests/termmachine.ts has the same one, for the model)

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
    if (sub == SUB_BIG) {
      // one limb: the i64 value, as the model hashes it; more (the machine makes none): sign and limbs
      const limbs = <usize>headerArity(boxedHeader(t)) - 1;
      emit(1);
      if (limbs == 1) { emit64(<u64>integerValue(t)); return; }
      emit(<u32>load<u64>(termPtr(t), 8));
      for (let i: usize = 0; i < limbs; i++) emit64(load<u64>(termPtr(t) + 16 + (i << 3)));
      return;
    }
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
//   0x09 MAP u16 n (pops n values, then n keys; keys pushed in map-key order)
//   0x0A FUN u16 nfree 0x0B DUP u16 k (push slot k again: sharing)
//   0x0C POP           0x0D GC_MINOR     0x0E GC_MAJOR    0x0F YIELD
//   0x10 GARBAGE u32 words (unrooted)    0x11 HASH u16 k (trace its hash)
//   0x12 LIVE (full sweep, trace live words)
//   0x13 CALL u16 n (a nested frame gets the top n values) ... 0x14 RET (its top to the caller)
//   0x15 PUT_DICT (pop into the process dictionary)   0x16 GET_DICT
//   0x17 SEQ u32 n (push the list [0, 1, ..., n-1]: deep lists)
//   0x18 WIDE u16 n (pop a term, push a tuple of n references to it: wide and shared)
//   0x19 ROUNDTRIP u16 k (send slot k to the host, take the first message back, trace
//        whether it is =:= to slot k)

/** Loaded programs: raw blocks { next: u32, len: u32, bytes }, linked from the newest. */
let loaded: usize = 0;

/** Keep a copy of program bytes; its id (the block's address), the term machine's argument. */
export function machineLoad(ptr: usize, len: usize): i32 {
  const copy = rawAlloc(8 + len);
  store<u32>(copy, <u32>loaded);
  store<u32>(copy, <u32>len, 4);
  memory.copy(copy + 8, ptr, len);
  loaded = copy;
  return <i32>copy;
}

/** Whether `id` names a loaded program (an id is only ever checked against the list, never followed blindly). */
function isLoaded(id: i64): bool {
  for (let b = loaded; b; b = <usize>load<u32>(b)) if (<i64>b == id) return true;
  return false;
}

/** The key of the term machine's dictionary entry. */
let dictKey: Term = 0;

/** Runs program smallValue(arg). */
export function termMachine(arg: Term): Term {
  if (!isSmall(arg) || !isLoaded(smallValue(arg))) exit(makeAtom(PredefinedAtom.BADARG));   // not a program machine_load gave
  const prog = <usize>smallValue(arg) + 8;
  const len = <usize>load<u32>(prog - 4);
  const cap = <i32>load<u32>(prog);
  if (!dictKey) dictKey = atom("term_machine");
  dictPut(dictKey, NIL);                     // GET_DICT before any PUT_DICT reads []
  run(prog, len, 4, cap, 0, 0);
  hostTrace(self(), Trace.DONE, 0);
  return NIL;
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
    else if (op == 0x04) { gcReserve(2); slotSet(top++, makeFloat(load<f64>(prog + pc))); pc += 8; }
    else if (op == 0x05) { const v = load<i64>(prog + pc); pc += 8; gcReserve(integerWords(v)); slotSet(top++, makeInteger(v)); }
    else if (op == 0x06) {
      const n = <i32>load<u16>(prog + pc); pc += 2;
      gcReserve(tupleWords(n));
      const t = makeTuple(n);
      for (let i = 0; i < n; i++) tupleSet(t, i, slotGet(top - n + i));
      top = popSlots(top, n);
      slotSet(top++, t);
    } else if (op == 0x07) {
      gcReserve(2);
      const c = makeCons(slotGet(top - 2), slotGet(top - 1));
      top = popSlots(top, 2);
      slotSet(top++, c);
    } else if (op == 0x08) {
      const n = load<u32>(prog + pc), seed = load<u8>(prog + pc + 4); pc += 5;
      gcReserve(binaryWords(n));
      const b = makeBinary(n);
      const d = binaryData(b);
      for (let i: u32 = 0; i < n; i++) store<u8>(d + i, <u8>(seed + i));
      slotSet(top++, b);
    } else if (op == 0x09) {
      const n = <i32>load<u16>(prog + pc); pc += 2;
      gcReserve(mapWords(n));
      const m = makeMap(n);
      for (let i = 0; i < n; i++) {
        store<u64>(mapKeyAddr(m, i), slotGet(top - 2 * n + i));
        store<u64>(mapValueAddr(m, i), slotGet(top - n + i));
      }
      top = popSlots(top, 2 * n);
      slotSet(top++, m);
    } else if (op == 0x0A) {
      const n = <i32>load<u16>(prog + pc); pc += 2;
      gcReserve(funWords(n));
      const f = makeFun(termMachine.index, 1, n);
      for (let i = 0; i < n; i++) store<u64>(funFreeAddr(f, i), slotGet(top - n + i));
      top = popSlots(top, n);
      slotSet(top++, f);
    } else if (op == 0x0B) { const k = <i32>load<u16>(prog + pc); pc += 2; slotSet(top, slotGet(k)); top++; }
    else if (op == 0x0C) { slotSet(--top, 0); }
    else if (op == 0x0D) { gcCollect(false); }
    else if (op == 0x0E) { gcCollect(true); }
    else if (op == 0x0F) { yieldNow(); }
    else if (op == 0x10) {
      const words = load<u32>(prog + pc); pc += 4;
      for (let i: u32 = 0; i + 2 <= words; i += 2) gcAlloc(2);   // dead at once
    } else if (op == 0x11) {
      const k = <i32>load<u16>(prog + pc); pc += 2;
      hostTrace(self(), Trace.HASH, termHash(slotGet(k)));
    } else if (op == 0x12) {
      gcCollect(true);
      hostTrace(self(), Trace.LIVE, processHeap(self(), HeapFigure.USED_WORDS));
    } else if (op == 0x13) {
      const n = <i32>load<u16>(prog + pc); pc += 2;
      pc = run(prog, len, pc, cap, top, n);
      top -= n;
      if (top < cap) slotSet(top++, returned);
    } else if (op == 0x14) {
      returned = top ? slotGet(top - 1) : NIL;
      break;
    } else if (op == 0x15) { dictPut(dictKey, slotGet(top - 1)); slotSet(--top, 0); }
    else if (op == 0x16) { slotSet(top++, dictGet(dictKey)); }
    else if (op == 0x17) {
      const n = <i64>load<u32>(prog + pc); pc += 4;
      seqInto(top++, 0, n);                  // cell by cell: collections happen mid-build
    } else if (op == 0x18) {
      const n = <usize>load<u16>(prog + pc); pc += 2;
      gcReserve(tupleWords(n));
      const t = makeTuple(n);
      const e = slotGet(top - 1);
      for (let i: usize = 0; i < n; i++) tupleSet(t, i, e);
      slotSet(top - 1, t);
    } else if (op == 0x19) {
      const k = <i32>load<u16>(prog + pc); pc += 2;
      send(hostPid(), slotGet(k));
      const back = receive(anything, Infinity);
      hostTrace(self(), Trace.ROUNDTRIP, termEqual(slotGet(k), back) ? 1 : 0);
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
    const p = gcAlloc(2);                    // may collect: reload the list from its slot after
    store<u64>(p, makeSmall(i));
    store<u64>(p, slotGet(s), 8);
    slotSet(s, <u64>p | 1);
  }
}

/** Holder: keeps a list of smallValue(arg) cells; when woken, churns 100 x 640-cell lists; then holds until killed. */
export function gcHolder(arg: Term): Term {
  frameEnter(2);
  seqInto(0, 1, smallValue(arg));
  gcCollect(true);
  hostTrace(self(), Trace.READY, processHeap(self(), HeapFigure.WORDS));
  park();
  for (let k = 0; k < 100; k++) seqInto(1, 1, 640);
  slotSet(1, NIL);
  hostTrace(self(), Trace.DONE, 0);
  park();
  frameLeave(2);
  return NIL;
}

/** Worker: keeps one list of smallValue(arg) cells live, 200 times builds a new one and drops the old, then times a full sweep. */
export function gcWorker(arg: Term): Term {
  const len = smallValue(arg);
  frameEnter(2);
  seqInto(0, 1, len);
  churn(len);
  frameLeave(2);
  return NIL;
}

function churn(len: i64): void {
  for (let k: i64 = 200; k > 0; k--) {
    seqInto(1, k, len);
    slotSet(0, slotGet(1));                  // the new list is the live one; the old is garbage
  }
  slotSet(1, NIL);
  const t0 = hostNow();
  gcCollect(true);
  hostTrace(self(), Trace.PAUSE, <i64>((hostNow() - t0) * 1e6));
  hostTrace(self(), Trace.DONE, processHeap(self(), HeapFigure.WORDS));
}

/** Single: builds smallValue(arg) lists of 6,400 cells (one process holding ~100 MB), reports, waits to be woken, then churns as the worker. */
export function gcSingle(arg: Term): Term {
  const lists = smallValue(arg);
  frameEnter(3);
  slotSet(2, NIL);
  const t0 = hostNow();
  for (let i: i64 = 0; i < lists; i++) {
    seqInto(0, 1, 6400);
    gcReserve(2);
    slotSet(2, makeCons(slotGet(0), slotGet(2)));
  }
  slotSet(0, NIL);
  hostTrace(self(), Trace.READY, <i64>((hostNow() - t0) * 1e6));
  park();
  seqInto(0, 1, 65536);
  churn(65536);
  frameLeave(3);
  return NIL;
}

/** Hog: grows a list without end; with a max_heap_size it is killed. */
export function gcHog(arg: Term): Term {
  frameEnter(1);
  seqInto(0, 0, i64.MAX_VALUE >> 8);
  frameLeave(1);
  return NIL;
}

