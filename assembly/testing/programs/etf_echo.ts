// The etf_echo built-in program (registered in programs.ts): a process that
// decodes External Term Format bytes (gc/etf.ts) into a term on its own heap,
// keeps it across two minor collections (the second promotes it) and a
// major one, with garbage around it, and encodes it back. The host (tests/etf.test.ts) hands the input in
// with etf_input() before spawning it and reads the output through
// etf_output_ptr()/etf_output_len() once it reports done.
//
//   trace (code 2, done)   value
//   --------------------   -----------------------------------------------
//   >= 0                   bytes of output written
//   -1                     the input is malformed or not supported
//   -2                     decoding failed (atom table full, duplicate map keys)
//   -3                     the term cannot be encoded (a fun)
//   -4                     its encoded size changed across a collection

import { Term } from "../gc/term";
import { tupleRaw, consRaw } from "../gc/boxed";
import { reserve, collectRunning } from "../gc/alloc";
import { etfDecodeWords, etfDecode, etfEncodedSize, etfEncode } from "../gc/etf";
import { hostTrace } from "./host";
import { reduce, self } from "./scheduler";
import { frameEnter, frameLeave, slotGet, slotSet } from "./shadowstack";

// @ts-ignore: decorator
@inline const TRACE_DONE: i32 = 2;

let inBuf: usize = 0;
let inLen: usize = 0;
let outBuf: usize = 0;
let outLen: usize = 0;

/** Copy len bytes at ptr (e.g. the host's io_buffer) as the next etf_echo's input. */
export function etfInput(ptr: usize, len: usize): void {
  if (inBuf) heap.free(inBuf);
  inBuf = heap.alloc(max(len, 1));
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
    reserve(257 + 2 * 64);
    tupleRaw(256);
    let l: Term = 0x3B;
    for (let j = 0; j < 64; j++) l = consRaw(l, l);
  }
}

/** Decode the input, survive a minor and a major collection, encode it back, report its size. */
export function etfEcho(arg: Term): void {
  reduce(1);
  const words = etfDecodeWords(inBuf, inLen);
  if (words < 0) { hostTrace(self(), TRACE_DONE, -1); return; }
  frameEnter(1);
  reserve(<usize>words);
  const t = etfDecode(inBuf, inLen);
  if (!t) { frameLeave(1); hostTrace(self(), TRACE_DONE, -2); return; }
  slotSet(0, t);
  const before = etfEncodedSize(slotGet(0));
  garbage();
  collectRunning(0, false);          // minor: the term is copied to the new young block
  if (etfEncodedSize(slotGet(0)) != before) { frameLeave(1); hostTrace(self(), TRACE_DONE, -4); return; }
  garbage();
  collectRunning(0, false);          // minor again: now it has survived one, it is promoted
  if (etfEncodedSize(slotGet(0)) != before) { frameLeave(1); hostTrace(self(), TRACE_DONE, -4); return; }
  garbage();
  collectRunning(0, true);           // major: everything live moves to a fresh young block
  garbage();
  const size = etfEncodedSize(slotGet(0));   // reloaded from its slot after every collection
  if (size < 0) { frameLeave(1); hostTrace(self(), TRACE_DONE, -3); return; }
  if (size != before) { frameLeave(1); hostTrace(self(), TRACE_DONE, -4); return; }
  if (outBuf) heap.free(outBuf);
  outBuf = heap.alloc(max(<usize>size, 1));
  outLen = etfEncode(slotGet(0), outBuf);
  frameLeave(1);
  hostTrace(self(), TRACE_DONE, <i64>outLen);
}
