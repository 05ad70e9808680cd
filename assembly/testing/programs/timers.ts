// The timer agent: a process the tests (tests/send_after.test.ts) drive by
// messages, to make references, set, read and cancel message timers, read the
// clocks, encode and compare terms, all through the ABI. It answers each
// command by a message to the host; a message that is no command (one a timer
// delivered) goes back to the host as {got, Msg}.
//
//   command                          answer
//   ------------------------------   -----------------------------------------------
//   {make_refs, N}                   {refs, [R1..RN]} in the order made; the list is
//                                    also kept in the dictionary under `refs`
//   {kept_equal, L}                  {kept_equal, term_equal(L, kept), term_compare(L, kept)}
//   {send_after, Ms, Dest, Msg}      {timer, send_after(Ms, Dest, Msg)}
//   {send_fun_after, Ms, Dest, D}    {timer, send_after(Ms, Dest, {payload, F})}, F a fun
//                                    of arity 1 holding D (a message no host can read)
//   {payload, F}                     {payload, arity of F, its free variable}
//   {cancel, Ref} / {read, Ref}      {cancel, cancel_timer(Ref)} / {read, read_timer(Ref)}
//   {encode, T}                      {etf, term_to_binary(T)} (the runtime's own bytes)
//   {compare, A, B}                  {compare, term_compare(A, B), term_equal(A, B)}
//   {sort, L}                        {sorted, L sorted by term_compare}: each '$fun' in L
//                                    stands for a fun the agent makes (no fun crosses to
//                                    or from the host), and is written back as '$fun'
//   {clock}                          {clock, monotonic_time(), system_time()}
//   stop                             ends

import {
  Term, NIL, makeSmall, smallValue, isSmall, isBoxed, boxedSubtag, tupleSet, tupleGet, tupleArity, tupleWords,
  funWords, funArity, funFreeAddr, binaryWords, floatValue, SUB_TUPLE, SUB_FUN,
} from "../../../gc/term/term";
import {
  reduce, send, frameEnter, frameLeave, slotGet, slotSet, gcReserve, makeTuple, makeCons, makeFun, makeBinary,
  binaryData, makeInteger, makeRef, sendAfter, cancelTimer, readTimer, monotonicTime, systemTime, termCompare,
  termEqual, etfEncodeSize, etfEncode, rawAlloc, rawFree, dictGet, dictPut, hostPid,
} from "../shoal";
import { atom, receive } from "../lib";

let ready = false;
let STOP: Term = 0, MAKE_REFS: Term = 0, REFS: Term = 0, KEPT_EQUAL: Term = 0, SEND_AFTER: Term = 0;
let SEND_FUN_AFTER: Term = 0, PAYLOAD: Term = 0, CANCEL: Term = 0, READ: Term = 0, ENCODE: Term = 0, ETF: Term = 0;
let COMPARE: Term = 0, SORT: Term = 0, SORTED: Term = 0, FUN_MARK: Term = 0, CLOCK: Term = 0, GOT: Term = 0;
let TIMER: Term = 0, TRUE: Term = 0, FALSE: Term = 0, ERROR: Term = 0;

function atomsInit(): void {
  if (ready) return;
  STOP = atom("stop"); MAKE_REFS = atom("make_refs"); REFS = atom("refs"); KEPT_EQUAL = atom("kept_equal");
  SEND_AFTER = atom("send_after"); SEND_FUN_AFTER = atom("send_fun_after"); PAYLOAD = atom("payload");
  CANCEL = atom("cancel"); READ = atom("read"); ENCODE = atom("encode"); ETF = atom("etf"); COMPARE = atom("compare");
  SORT = atom("sort"); SORTED = atom("sorted"); FUN_MARK = atom("$fun"); CLOCK = atom("clock"); GOT = atom("got");
  TIMER = atom("timer"); TRUE = atom("true"); FALSE = atom("false"); ERROR = atom("error");
  ready = true;
}

function anything(t: Term): bool { return true; }

/** Whether `t` is a tuple. */
function isTuple(t: Term): bool { return isBoxed(t) && boxedSubtag(t) == SUB_TUPLE; }
/** Whether `t` is a fun. */
function isFun(t: Term): bool { return isBoxed(t) && boxedSubtag(t) == SUB_FUN; }

/** Element i of the command (the message in slot 0). */
function arg(i: usize): Term { return tupleGet(slotGet(0), i); }

/** A number term as f64 ms. */
function msOf(t: Term): f64 { return isSmall(t) ? <f64>smallValue(t) : floatValue(t); }

/** Send {tag, v} to the host, v an immediate. */
function answer(tag: Term, v: Term): void {
  gcReserve(tupleWords(2));
  const t = makeTuple(2);
  tupleSet(t, 0, tag);
  tupleSet(t, 1, v);
  send(hostPid(), t);
}

/** Send {tag, slot i} to the host. */
function answerSlot(tag: Term, i: i32): void {
  gcReserve(tupleWords(2));
  const t = makeTuple(2);
  tupleSet(t, 0, tag);
  tupleSet(t, 1, slotGet(i));
  send(hostPid(), t);
}

/** Send {tag, a, b} to the host, a and b immediates. */
function answer3(tag: Term, a: Term, b: Term): void {
  gcReserve(tupleWords(3));
  const t = makeTuple(3);
  tupleSet(t, 0, tag);
  tupleSet(t, 1, a);
  tupleSet(t, 2, b);
  send(hostPid(), t);
}

/** {make_refs, N}: N references, kept and answered in the order made. */
function makeRefs(): void {
  const n = smallValue(arg(1));
  slotSet(2, NIL);
  for (let i: i64 = 0; i < n; i++) {        // newest first
    reduce(1);
    slotSet(1, makeRef());
    gcReserve(2);
    slotSet(2, makeCons(slotGet(1), slotGet(2)));
  }
  gcReserve(<usize>(2 * n));                // reversed: oldest first
  let l = slotGet(2), r: Term = NIL;
  while (l != NIL) { r = makeCons(load<u64>(<usize>(l - 1)), r); l = load<u64>(<usize>(l - 1), 8); }
  slotSet(1, r);
  dictPut(REFS, slotGet(1));
  answerSlot(REFS, 1);
}

/** {send_fun_after, Ms, Dest, D}: a timer whose message holds a fun. */
function sendFunAfter(): void {
  gcReserve(funWords(1) + tupleWords(2));
  const f = makeFun(timerAgent.index, 1, 1);
  store<u64>(funFreeAddr(f, 0), arg(3));
  const m = makeTuple(2);
  tupleSet(m, 0, PAYLOAD);
  tupleSet(m, 1, f);
  slotSet(1, sendAfter(msOf(arg(1)), arg(2), m));
  answerSlot(TIMER, 1);
}

/** {payload, F}: F's arity and free variable. */
function payload(): void {
  gcReserve(tupleWords(3));
  const f = arg(1);
  const t = makeTuple(3);
  tupleSet(t, 0, PAYLOAD);
  tupleSet(t, 1, makeSmall(isFun(f) ? <i64>funArity(f) : -1));
  tupleSet(t, 2, isFun(f) ? load<u64>(funFreeAddr(f, 0)) : NIL);
  send(hostPid(), t);
}

/** {encode, T}: the runtime's term_to_binary bytes of T, as a binary. */
function encode(): void {
  const size = etfEncodeSize(arg(1));
  if (size < 0) { answer(ETF, ERROR); return; }
  const buf = rawAlloc(<usize>size);
  etfEncode(arg(1), buf);
  gcReserve(binaryWords(<u32>size));
  const b = makeBinary(<u32>size);
  memory.copy(binaryData(b), buf, <usize>size);
  rawFree(buf);
  slotSet(1, b);
  answerSlot(ETF, 1);
}

/** {sort, L}: L in term order (an insertion sort by term_compare, in a tuple of its own). */
function sort(): void {
  let n: usize = 0;
  for (let l = arg(1); l != NIL; l = load<u64>(<usize>(l - 1), 8)) n++;
  gcReserve(funWords(0) + tupleWords(n));
  const f = makeFun(timerAgent.index, 0, 0);
  const t = makeTuple(n);
  let i: usize = 0;
  for (let l = arg(1); l != NIL; l = load<u64>(<usize>(l - 1), 8)) {
    const e = load<u64>(<usize>(l - 1));
    tupleSet(t, i++, e == FUN_MARK ? f : e);
  }
  for (let j: usize = 1; j < n; j++) {     // the tuple is new and no one else's: sorted in place
    reduce(1);
    const x = tupleGet(t, j);
    let k = j;
    while (k > 0 && termCompare(tupleGet(t, k - 1), x) > 0) { tupleSet(t, k, tupleGet(t, k - 1)); k--; }
    tupleSet(t, k, x);
  }
  slotSet(1, t);
  gcReserve(2 * n);
  let r: Term = NIL;
  for (let j = n; j > 0; j--) {
    const e = tupleGet(slotGet(1), j - 1);
    r = makeCons(isFun(e) ? FUN_MARK : e, r);
  }
  slotSet(1, r);
  answerSlot(SORTED, 1);
}

/** {clock}: both clocks, ns. */
function clock(): void {
  const mono = monotonicTime(), sys = systemTime();
  gcReserve(tupleWords(3) + 4);
  const t = makeTuple(3);
  tupleSet(t, 0, CLOCK);
  tupleSet(t, 1, makeInteger(mono));
  tupleSet(t, 2, makeInteger(sys));
  send(hostPid(), t);
}

/** Answers commands until `stop` (see the table at the top). */
export function timerAgent(argument: Term): Term {
  atomsInit();
  frameEnter(3);                            // 0: the command, 1 and 2: what is being built
  for (;;) {
    reduce(1);
    const m = receive(anything, Infinity);
    if (m == STOP) break;
    slotSet(0, m);
    const tag = isTuple(m) && tupleArity(m) >= 1 ? tupleGet(m, 0) : NIL;
    if (tag == MAKE_REFS) makeRefs();
    else if (tag == KEPT_EQUAL) {
      const kept = dictGet(REFS);
      answer3(KEPT_EQUAL, termEqual(arg(1), kept) ? TRUE : FALSE, makeSmall(termCompare(arg(1), kept)));
    } else if (tag == SEND_AFTER) {
      slotSet(1, sendAfter(msOf(arg(1)), arg(2), arg(3)));
      answerSlot(TIMER, 1);
    } else if (tag == SEND_FUN_AFTER) sendFunAfter();
    else if (tag == PAYLOAD) payload();
    else if (tag == CANCEL) answer(CANCEL, cancelTimer(arg(1)));
    else if (tag == READ) answer(READ, readTimer(arg(1)));
    else if (tag == ENCODE) encode();
    else if (tag == COMPARE) {
      answer3(COMPARE, makeSmall(termCompare(arg(1), arg(2))), termEqual(arg(1), arg(2)) ? TRUE : FALSE);
    } else if (tag == SORT) sort();
    else if (tag == CLOCK) clock();
    else answerSlot(GOT, 0);
  }
  frameLeave(3);
  return NIL;
}
