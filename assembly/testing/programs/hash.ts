// The hasher program: a process that answers term_hash (erlang:phash2,
// gc/term/hash.ts) of what the host sends it, so tests/hash.test.ts can set
// the numbers beside BEAM's for the same terms.
//
//   message                          reply to the host
//   -------------------------------  ------------------------------------------------
//   {Term, [Range, ...]}             {term_hash(Term, Range), ...}, one per range
//                                    (-1 where the range is out of 0..2^32)
//   {Entry, Arity, [Free, ...]}      a fun of that entry, arity and free variables
//                                    (none can come from the host) is built and
//                                    hashed: {phash2/1, the full hash}, then the
//                                    same after a major collection has moved it
//   anything else                    none: the process ends

import {
  Term, NIL, isBoxed, boxedHeader, headerSubtag, headerArity, SUB_TUPLE, tupleGet, tupleSet, tupleWords, makeSmall,
  isList, head, tail, integerValue, funWords, funFreeAddr,
} from "../../../gc/term/term";
import {
  frameEnter, frameLeave, slotGet, slotSet, gcReserve, gcCollect, makeTuple, makeFun, send, termHash, hostPid,
} from "../shoal";
import { receive } from "../lib";

function anything(t: Term): bool { return true; }

/** Elements of m if it is a tuple, else -1. */
function tupleSize(m: Term): i32 {
  if (!isBoxed(m)) return -1;
  const h = boxedHeader(m);
  return headerSubtag(h) == SUB_TUPLE ? <i32>headerArity(h) : -1;
}

/** The full hash of a range of 2^32. */
// @ts-ignore: decorator
@inline const WHOLE: i64 = 0x1_0000_0000;

/** Build the fun {Entry, Arity, Frees} (in slot 0) describes, hash it before and after a major collection, reply. */
function hashFun(): void {
  let n: usize = 0;
  for (let r = tupleGet(slotGet(0), 2); isList(r); r = tail(r)) n++;
  gcReserve(funWords(n));
  const m = slotGet(0);
  const f = makeFun(<u32>integerValue(tupleGet(m, 0)), <u32>integerValue(tupleGet(m, 1)), n);
  let r = tupleGet(m, 2);
  for (let i: usize = 0; i < n; i++, r = tail(r)) store<u64>(funFreeAddr(f, i), head(r));
  const before = termHash(f, 0), beforeWhole = termHash(f, WHOLE);
  slotSet(0, f);
  gcCollect(true);                              // the fun moves; its hash must not change
  gcReserve(tupleWords(4));
  const moved = slotGet(0);
  const out = makeTuple(4);
  tupleSet(out, 0, makeSmall(before));
  tupleSet(out, 1, makeSmall(beforeWhole));
  tupleSet(out, 2, makeSmall(termHash(moved, 0)));
  tupleSet(out, 3, makeSmall(termHash(moved, WHOLE)));
  send(hostPid(), out);
}

/** Answer messages until one of neither shape comes. */
export function hasher(arg: Term): Term {
  frameEnter(1);
  for (;;) {
    const m = receive(anything, Infinity);
    const size = tupleSize(m);
    if (size == 3) { slotSet(0, m); hashFun(); slotSet(0, NIL); continue; }
    if (size != 2) break;
    let n: usize = 0;
    for (let r = tupleGet(m, 1); isList(r); r = tail(r)) n++;
    slotSet(0, m);
    gcReserve(tupleWords(n));                 // may collect: the message is reloaded after it
    const msg = slotGet(0);
    const t = tupleGet(msg, 0);
    const out = makeTuple(n);
    let r = tupleGet(msg, 1);
    for (let i: usize = 0; i < n; i++, r = tail(r)) {
      tupleSet(out, i, makeSmall(termHash(t, integerValue(head(r)))));   // -1..2^32-1: small
    }
    send(hostPid(), out);
    slotSet(0, NIL);
  }
  frameLeave(1);
  return NIL;
}
