// apply: calling an entry or a fun whose arity is known only at run time
// (erlang:apply/2,3, spawn/1,3, the host's spawn by name).
//
// Wasm's call_indirect names the callee's type statically, so a call with n
// arguments is a case of its own: the arguments are read from the list into
// a static vector, then loaded as the operands of that case's call_indirect
// (all loads happen before the call, so a nested apply may reuse the vector).
//
//   entry  module:function/arity   (i64 x arity) -> i64          exportLookup
//   fun    make_fun(entry, arity)  (i64 x arity, i64 fun) -> i64  the fun last
//
// Failures raise error exceptions with BEAM's reasons (exceptions.ts; the
// call then returns the non-value 0): {badfun, F}, {badarity, {F, Args}},
// undef (the trace [{M, F, Args, []}]), badarg for an improper argument
// list, system_limit past MAX_APPLY_ARITY arguments.

import {
  Term, NIL, isList, isAtom, head, tail, isBoxed, boxedSubtag, boxedHeader, headerArity, termPtr, SUB_FUN, funEntry, funArity, makeAtom, tupleWords, tupleArity, tupleGet,
} from "../../gc/term/term";
import { tupleRaw, consRaw } from "../../gc/term/build";
import { PredefinedAtom } from "../boundary/atoms";
import { MAX_APPLY_ARITY } from "../boundary/entries";
import { frameEnter, frameLeave, slotGet, slotSet } from "./shadowstack";
import { reserve } from "./alloc";
import { spawn, current } from "./scheduler";
import { raiseError, raise } from "./exceptions";
import { nativeRaise, bifTrace, bifPending, bifWalk } from "./bif_traces";
import { exportLookup } from "./exports";

/** The arguments of the call being made (one more than MAX_APPLY_ARITY: a fun's call passes the fun last). */
const argv = memory.data(8 * (MAX_APPLY_ARITY + 1));

// @ts-ignore: decorator
@inline function a(i: i32): Term { return load<u64>(argv + (<usize>i << 3)); }

/** Call table entry `index` with the n terms in argv (its type must take n i64s and return one). */
function callEntry(index: u32, n: i32): Term {
  switch (n) {
    case 0: return call_indirect<Term>(index);
    case 1: return call_indirect<Term>(index, a(0));
    case 2: return call_indirect<Term>(index, a(0), a(1));
    case 3: return call_indirect<Term>(index, a(0), a(1), a(2));
    case 4: return call_indirect<Term>(index, a(0), a(1), a(2), a(3));
    case 5: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4));
    case 6: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5));
    case 7: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6));
    case 8: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7));
    case 9: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8));
    case 10: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9));
    case 11: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10));
    case 12: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11));
    case 13: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12));
    case 14: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13));
    case 15: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14));
    case 16: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14), a(15));
    case 17: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14), a(15), a(16));
    case 18: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14), a(15), a(16), a(17));
    case 19: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14), a(15), a(16), a(17), a(18));
    case 20: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14), a(15), a(16), a(17), a(18), a(19));
    case 21: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14), a(15), a(16), a(17), a(18), a(19), a(20));
    case 22: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14), a(15), a(16), a(17), a(18), a(19), a(20), a(21));
    case 23: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14), a(15), a(16), a(17), a(18), a(19), a(20), a(21), a(22));
    case 24: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14), a(15), a(16), a(17), a(18), a(19), a(20), a(21), a(22), a(23));
    case 25: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14), a(15), a(16), a(17), a(18), a(19), a(20), a(21), a(22), a(23), a(24));
    case 26: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14), a(15), a(16), a(17), a(18), a(19), a(20), a(21), a(22), a(23), a(24), a(25));
    case 27: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14), a(15), a(16), a(17), a(18), a(19), a(20), a(21), a(22), a(23), a(24), a(25), a(26));
    case 28: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14), a(15), a(16), a(17), a(18), a(19), a(20), a(21), a(22), a(23), a(24), a(25), a(26), a(27));
    case 29: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14), a(15), a(16), a(17), a(18), a(19), a(20), a(21), a(22), a(23), a(24), a(25), a(26), a(27), a(28));
    case 30: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14), a(15), a(16), a(17), a(18), a(19), a(20), a(21), a(22), a(23), a(24), a(25), a(26), a(27), a(28), a(29));
    case 31: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14), a(15), a(16), a(17), a(18), a(19), a(20), a(21), a(22), a(23), a(24), a(25), a(26), a(27), a(28), a(29), a(30));
    case 32: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14), a(15), a(16), a(17), a(18), a(19), a(20), a(21), a(22), a(23), a(24), a(25), a(26), a(27), a(28), a(29), a(30), a(31));
    case 33: return call_indirect<Term>(index, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), a(12), a(13), a(14), a(15), a(16), a(17), a(18), a(19), a(20), a(21), a(22), a(23), a(24), a(25), a(26), a(27), a(28), a(29), a(30), a(31), a(32));
    default: unreachable();
  }
  return NIL;
}

/** Copy the proper list `args` into argv; its length, or -1 if improper, -2 if longer than MAX_APPLY_ARITY. */
function loadArgs(args: Term): i32 {
  let n = 0;
  while (isList(args)) {
    if (n == MAX_APPLY_ARITY) return -2;
    store<u64>(argv + (<usize>n << 3), head(args));
    n++;
    args = tail(args);
  }
  return args == NIL ? n : -1;
}

/**
 * Raise error:{tag, body} (or error:tag when body is 0) as a native does (bif_traces.ts: the
 * caller completes the trace: compiled code's call of a fun, BEAM's [place, place | callers]); the
 * caller returns the non-value 0 after.
 */
function fail(tag: u32, body: Term): void {
  if (body == 0) nativeRaise(makeAtom(tag), 0, false);
  else nativeRaise(body, makeAtom(tag), false);
}

/** Raise for a bad argument list: badarg (improper) or system_limit (too long). */
function failArgs(n: i32): void {
  fail(n == -2 ? PredefinedAtom.SYSTEM_LIMIT : PredefinedAtom.BADARG, 0);
}

/** {a, b} on the caller's heap; a and b are rooted across the reservation, in a frame of 2 slots the caller leaves. */
function pairOf(a: Term, b: Term): Term {
  frameEnter(2);
  slotSet(0, a);
  slotSet(1, b);
  reserve(tupleWords(2));
  const t = tupleRaw(2);
  store<u64>(<usize>(t - 2) + 8, slotGet(0));
  store<u64>(<usize>(t - 2) + 16, slotGet(1));
  return t;
}

/** fun(args...): the fun's entry with the arguments, then the fun; 0 after raising an error. */
export function applyFun(fun: Term, args: Term): Term {
  if (!isBoxed(fun) || boxedSubtag(fun) != SUB_FUN) { fail(PredefinedAtom.BADFUN, fun); return 0; }
  const n = loadArgs(args);
  if (n < 0) { failArgs(n); return 0; }
  if (<u32>n != funArity(fun)) {
    const reason = pairOf(fun, args);
    frameLeave(2);
    fail(PredefinedAtom.BADARITY, reason);
    return 0;
  }
  store<u64>(argv + (<usize>n << 3), fun);
  return callEntry(funEntry(fun), n + 1);
}

/** error:undef for a module or function that is no atom: the trace [{M, F, Args, []}] only. */
function undefAlone(module: Term, fn: Term, args: Term): void {
  frameEnter(3);
  slotSet(0, module);
  slotSet(1, fn);
  slotSet(2, args);
  reserve(tupleWords(4) + 2);   // and a cons cell
  const mfa = tupleRaw(4);
  store<u64>(<usize>(mfa - 2) + 8, slotGet(0));
  store<u64>(<usize>(mfa - 2) + 16, slotGet(1));
  store<u64>(<usize>(mfa - 2) + 24, slotGet(2));
  const trace = consRaw(mfa, NIL);
  frameLeave(3);
  raise(makeAtom(PredefinedAtom.ERROR), makeAtom(PredefinedAtom.UNDEF), trace);
}

/** module:function(args...), by the export table; 0 after raising an error. */
export function applyMfa(module: Term, fn: Term, args: Term): Term {
  const n = loadArgs(args);
  if (n < 0) { failArgs(n); return 0; }
  const index = exportLookup(module, fn, <u32>n);
  if (index < 0) {
    // error:undef with the trace BEAM reports, [{M, F, Args, []} | the callers' frames]: the
    // caller's place is on the shadow stack (compiled code pushes it around apply), or, for a
    // tail call, its return address, the frame BEAM's stack keeps then
    if (!isAtom(module) || !isAtom(fn)) { undefAlone(module, fn, args); return 0; }
    // (module and fn are atoms: immediates, which no collection moves)
    frameEnter(1);
    slotSet(0, args);
    bifWalk();
    bifTrace(module, fn, -1, 0, false, 0, false);   // leaves the args' slot
    raise(makeAtom(PredefinedAtom.ERROR), makeAtom(PredefinedAtom.UNDEF), current!.excTrace);
    return 0;
  }
  const r = callEntry(<u32>index, n);
  if (r == 0 && bifPending()) {
    // a native's raise in the callee: its frame {module, fn, Args, ErrorInfo}, the caller's place on
    // the stack already (as above). `args` is still valid: a native raises before it allocates.
    frameEnter(1);
    slotSet(0, args);
    bifTrace(module, fn, -1, 0, false, 0, true);
  }
  return r;
}

/**
 * The entry of a process started by name or with a fun: `arg` is {M, F, Args} or {Fun, Args}.
 * (Its table index is what spawn_mfa, spawn_fun and the host's spawn by name start.)
 */
export function applyEntry(arg: Term): Term {
  // the called function roots its own arguments (docs/abi.md): {M, F, Args} need not stay rooted for
  // the process's life, as a spawn argument otherwise does (BEAM keeps no spawn argument either)
  current!.arg = NIL;
  if (tupleArity(arg) == 3) return applyMfa(tupleGet(arg, 0), tupleGet(arg, 1), tupleGet(arg, 2));
  return applyFun(tupleGet(arg, 0), tupleGet(arg, 1));
}

/** Spawn a process running module:function(args...) (spawn/3); its pid or system_limit. A missing export ends the child with undef, as on BEAM. */
export function spawnMfa(module: Term, fn: Term, args: Term, priority: u8): Term {
  // an entry of one argument starts as itself, no trampoline under it (exports.ts directEntry)
  if (isList(args) && tail(args) == NIL) {
    const direct = exportLookup(module, fn, 1);
    if (direct >= 0) return spawn(<u32>direct, head(args), priority, true);
  }
  frameEnter(3);
  slotSet(0, module);
  slotSet(1, fn);
  slotSet(2, args);
  reserve(tupleWords(3));
  const t = tupleRaw(3);
  store<u64>(<usize>(t - 2) + 8, slotGet(0));
  store<u64>(<usize>(t - 2) + 16, slotGet(1));
  store<u64>(<usize>(t - 2) + 24, slotGet(2));
  frameLeave(3);
  return spawn(applyEntry.index, t, priority);
}

/** Spawn a process running fun() (spawn/1); its pid or system_limit. A fun of another arity ends the child with badarity. */
export function spawnFun(fun: Term, priority: u8): Term {
  // a fun of no arguments is code of type (i64 fun) -> (i64), a process entry's: it starts as itself,
  // the fun its argument, no trampoline under it
  if (isBoxed(fun) && boxedSubtag(fun) == SUB_FUN && funArity(fun) == 0) {
    // a compiled literal (a fun of no free variables: compiler/codegen/literals.ts lambdaFun, in a
    // module's data below __heap_base) is shared, not copied: it is immutable, lives as long as the
    // program, and no collection moves it (gc/collector.ts inFrom). Only a fun: the runtime's own
    // static memory holds scratch terms that must be copied, never funs.
    const literal = termPtr(fun) < __heap_base && headerArity(boxedHeader(fun)) == 1;
    return spawn(funEntry(fun), fun, priority, true, literal);
  }
  const t = pairOf(fun, NIL);
  frameLeave(2);
  return spawn(applyEntry.index, t, priority);
}
