// The etf_echo program: a process that decodes External Term Format bytes
// (binary_to_term through the ABI, gc/term/etf.ts) into a term on its own heap,
// keeps it across two minor collections (the second promotes it) and a
// major one, with garbage around it, and encodes it back. The host (tests/etf.test.ts,
// tests/map_order.test.ts) hands the input in
// with etf_input() before spawning it and reads the output through
// etf_output_ptr()/etf_output_len() once it reports done. With the argument
// 1 its output is instead the term order of the decoded list's elements
// (term_compare, each pair both ways), after the same collections.
//
//   argument   output
//   --------   ------------------------------------------------------------
//   []         the term, encoded again (etf_encode)
//   1          the term is a list [T0, ..., Tn-1]: n * n bytes, byte i * n + j
//              is term_compare(Ti, Tj) + 1 (0: Ti sorts first, 1: =:=, 2: Tj)
//
//   trace (Trace.DONE)     value
//   --------------------   -----------------------------------------------
//   >= 0                   bytes of output written
//   -1                     the input is malformed or not supported
//   -2                     decoding failed (atom table full, duplicate map keys)
//   -3                     the term cannot be encoded (a fun)
//   -4                     its encoded size changed across a collection
//   -5                     argument 1, and the term is not a proper list

import { Term, NIL, tupleWords, isList, head, tail, makeSmall } from "../../../gc/term/term";
import {
  hostTrace, reduce, self, frameEnter, frameLeave, slotGet, slotSet, gcReserve, gcCollect, makeTuple, makeCons,
  etfDecodedWords, etfDecode, etfEncodeSize, etfEncode, rawAlloc, rawFree, termCompare,
} from "../shoal";
import { Trace } from "../../boundary/codes";

let inBuf: usize = 0;
let inLen: usize = 0;
let outBuf: usize = 0;
let outLen: usize = 0;

/** Copy len bytes at ptr (e.g. the host's io_buffer) as the next etf_echo's input. */
export function etfInput(ptr: usize, len: usize): void {
  if (inBuf) rawFree(inBuf);
  inBuf = rawAlloc(max(len, 1));
  memory.copy(inBuf, ptr, len);
  inLen = len;
}
/** Address of the last etf_echo's output. */
export function etfOutputPtr(): usize { return outBuf; }
/** Bytes of the last etf_echo's output. */
export function etfOutputLen(): usize { return outLen; }

/** Dead terms on the heap: a few tuples and a list, unreachable once made. */
function garbage(): void {
  for (let i = 0; i < 8; i++) {
    reduce(1);
    gcReserve(tupleWords(256) + 2 * 64);
    makeTuple(256);
    let l: Term = NIL;
    for (let j = 0; j < 64; j++) l = makeCons(l, l);
  }
}

/** Decode the input, survive a minor and a major collection, encode it back, report its size. */
export function etfEcho(arg: Term): Term {
  reduce(1);
  if (etfDecodedWords(inBuf, inLen) < 0) { hostTrace(self(), Trace.DONE, -1); return NIL; }
  frameEnter(1);
  const t = etfDecode(inBuf, inLen);
  if (!t) { frameLeave(1); hostTrace(self(), Trace.DONE, -2); return NIL; }
  slotSet(0, t);
  const before = etfEncodeSize(slotGet(0));
  garbage();
  gcCollect(false);          // minor: the term is copied to the new young block
  if (etfEncodeSize(slotGet(0)) != before) { frameLeave(1); hostTrace(self(), Trace.DONE, -4); return NIL; }
  garbage();
  gcCollect(false);          // minor again: now it has survived one, it is promoted
  if (etfEncodeSize(slotGet(0)) != before) { frameLeave(1); hostTrace(self(), Trace.DONE, -4); return NIL; }
  garbage();
  gcCollect(true);           // major: everything live moves to a fresh young block
  garbage();
  const size = etfEncodeSize(slotGet(0));   // reloaded from its slot after every collection
  if (size < 0) { frameLeave(1); hostTrace(self(), Trace.DONE, -3); return NIL; }
  if (size != before) { frameLeave(1); hostTrace(self(), Trace.DONE, -4); return NIL; }
  if (arg == makeSmall(1)) { const t = slotGet(0); frameLeave(1); compareAll(t); return NIL; }
  if (outBuf) rawFree(outBuf);
  outBuf = rawAlloc(max(<usize>size, 1));
  outLen = etfEncode(slotGet(0), outBuf);
  frameLeave(1);
  hostTrace(self(), Trace.DONE, <i64>outLen);
  return NIL;
}

/** Argument 1: term_compare of every pair of the list's elements as the output (nothing here collects). */
function compareAll(list: Term): void {
  let n: usize = 0;
  let l = list;
  for (; isList(l); l = tail(l)) n++;
  if (l != NIL) { hostTrace(self(), Trace.DONE, -5); return; }
  if (outBuf) rawFree(outBuf);
  outBuf = rawAlloc(max(n * n, 1));
  let i: usize = 0;
  for (let a = list; a != NIL; a = tail(a), i++) {
    let j: usize = 0;
    for (let b = list; b != NIL; b = tail(b), j++) store<u8>(outBuf + i * n + j, <u8>(termCompare(head(a), head(b)) + 1));
  }
  outLen = n * n;
  hostTrace(self(), Trace.DONE, <i64>outLen);
}
