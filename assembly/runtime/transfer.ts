// Terms crossing a process boundary outside a send: into a process's heap
// (a spawn argument, an exit reason, a term the host hands in as External
// Term Format, a message timer's message) and out to the host (encoded). Every term a process holds
// lives in its own heap (or, in the shared-heap baseline, the one heap), so a
// term that arrives from anywhere else is copied or decoded into it first.

import { Term, isList, isBoxed } from "../../gc/term/term";
import { etfDecodeWords, etfDecode, etfEncodedSize, etfEncode } from "../../gc/term/etf";
import { termSize, copyTerm, copySpace } from "../../gc/message_copy";
import { Heap, heapTarget, heapTargetEnd, htop, hend } from "../../gc/mem/heap";
import { DEBUG } from "../../gc/mem/debug";
import { Vec, vecStatic, vecReserve } from "../../gc/mem/vec";
import { Process, heapOf, sharedHeap } from "./process";

/**
 * Term `t` (from another heap) as a term of `p`'s heap: copied into a fragment of it, or `t` itself
 * if it needs no heap. Inline, so that an immediate (a small integer, an atom, a pid, []: spawn's
 * usual argument, most messages of a protocol) costs its caller one test and no call; the walk and
 * the copy stay out of line.
 */
// @ts-ignore: decorator
@inline export function copyIntoProcess(p: Process, t: Term): Term {
  return isList(t) || isBoxed(t) ? copyHeapTerm(p, t) : t;
}

/** copyIntoProcess of a list or a boxed term. */
function copyHeapTerm(p: Process, t: Term): Term {
  if (sharedHeap) return t;                      // one heap: already there
  const words = termSize(t);
  if (DEBUG) assert(words > 0);                  // a list or a boxed term takes words
  const h = heapOf(p);
  return copyTerm(t, copySpace(h, words), h);
}

/** Term `t` of memory no heap owns (gc/message_copy.ts copyDetached; `words` words) as a term of `p`'s heap: always a copy, also in the shared-heap baseline. */
export function copyDetachedIntoProcess(p: Process, t: Term, words: usize): Term {
  if (!words) return t;
  const h = heapOf(p);
  return copyTerm(t, copySpace(h, words), h);
}

/** Words that External Term Format bytes need, or -1 if they are malformed or unsupported. */
export function encodedWords(buf: usize, len: usize): i64 { return etfDecodeWords(buf, len); }

/**
 * Decode External Term Format bytes (already measured: `words` from
 * encodedWords) into `p`'s heap; the term, or 0 if decoding failed (the atom
 * table is full, or a map has equal keys).
 */
export function decodeIntoProcess(p: Process, buf: usize, len: usize, words: i64): Term {
  const h = heapOf(p);
  return decodeAt(h, words ? copySpace(h, <usize>words) : 0, buf, len, words);
}

/** Decode External Term Format bytes into the `words` words at `dest`, which heap `h` owns; the term, or 0. */
export function decodeAt(h: Heap, dest: usize, buf: usize, len: usize, words: i64): Term {
  heapTarget(h, dest, <usize>words);
  const t = etfDecode(buf, len);
  if (DEBUG) assert(!t || htop == hend);   // a decoded term takes exactly the words measured
  heapTargetEnd();
  return t;
}

/** The scratch buffer terms are encoded into on their way to the host. */
const scratch: Vec = vecStatic();

/** Encode `t` for the host into the scratch buffer: its byte length, or -1 if it holds a fun. */
export function encodeForHost(t: Term): i64 {
  const size = etfEncodedSize(t);
  if (size < 0) return -1;
  vecReserve(scratch, <u32>size, 0);
  return <i64>etfEncode(t, scratch.data);
}

/** Address of the bytes the last encodeForHost wrote. */
// @ts-ignore: decorator
@inline export function encodedBytes(): usize { return scratch.data; }
