// What the natives share: raising BEAM's errors, the atoms they answer with
// (interned once, at init, by registry.ts), kinds of term, and a growable
// text buffer outside every heap.
//
// Every native has the native-entry signature (i64 × arity) → i64: terms in,
// a term out. One that fails raises through the runtime (exceptions.ts) and
// returns the non-value 0 (never a term), as the ABI's "may raise" calls do.
// Invariant: a native raises before its first allocation, or with nothing of
// its own left on the shadow stack (a raise restores the handler's depth, so
// a frame left behind would be harmless, but none is). A native that raises
// after a collection it caused must not use badarg()/raiseTagged(): its
// caller completes the trace with its own copies of the arguments
// (runtime/bif_traces.ts), which the collection moved.

import {
  Term, NIL, makeAtom, isBoxed, isList, tail, boxedHeader, headerSubtag, headerArity, SUB_TUPLE, SUB_MAP, SUB_FUN, isRef,
  tupleWords,
} from "../../gc/term/term";
import { tupleRaw } from "../../gc/term/build";
import { atomOf, ATOM_TRUE, ATOM_FALSE, ATOM_UNDEFINED } from "../../gc/term/atoms";
import { PredefinedAtom } from "../boundary/atoms";
import { nativeRaise } from "../runtime/bif_traces";
import { reserve } from "../runtime/alloc";
import { frameEnter, frameLeave, slotGet, slotSet } from "../runtime/shadowstack";

// @ts-ignore: decorator
@inline export const TRUE: Term = ATOM_TRUE;
// @ts-ignore: decorator
@inline export const FALSE: Term = ATOM_FALSE;
// @ts-ignore: decorator
@inline export const UNDEFINED: Term = ATOM_UNDEFINED;

/** true or false. */
// @ts-ignore: decorator
@inline export function boolTerm(b: bool): Term { return b ? TRUE : FALSE; }

/** Raise error:badarg (its trace completed by the caller: runtime/bif_traces.ts); the non-value 0. */
export function badarg(): Term { return nativeRaise(makeAtom(PredefinedAtom.BADARG), 0); }

/**
 * Raise error:{Tag, Body} (Tag an atom term); the non-value 0. The tuple is made when the caller
 * completes the trace (runtime/bif_traces.ts): nothing is allocated before the raise, so the
 * caller's copies of the arguments (the trace's Args) stay valid.
 */
export function raiseTagged(tag: Term, body: Term): Term { return nativeRaise(body, tag); }

// ── kinds of term

/** Whether t is a tuple. */
export function isTuple(t: Term): bool { return isBoxed(t) && headerSubtag(boxedHeader(t)) == SUB_TUPLE; }
/** Whether t is a tuple of n elements. */
export function isTupleOf(t: Term, n: u64): bool { return isTuple(t) && headerArity(boxedHeader(t)) == n; }
/** Whether t is a map. */
export function isMap(t: Term): bool { return isBoxed(t) && headerSubtag(boxedHeader(t)) == SUB_MAP; }
/** Whether t is a fun. */
export function isFun(t: Term): bool { return isBoxed(t) && headerSubtag(boxedHeader(t)) == SUB_FUN; }
/** Whether t is a reference. */
export function isReference(t: Term): bool { return isRef(t); }
/** Whether t is true or false. */
export function isBool(t: Term): bool { return t == TRUE || t == FALSE; }

/** Length of the proper list l, or -1 if it is not one. */
export function listLength(l: Term): i64 {
  let n: i64 = 0;
  while (isList(l)) { n++; l = tail(l); }
  return l == NIL ? n : -1;
}

// ── the atoms natives answer with or read (interned at init: nativesAtomsInit)

export let A_NONODE: Term = 0;
export let A_VALUE: Term = 0;
export let A_NONE: Term = 0;
export let A_ITERATOR: Term = 0;
export let A_BADKEY: Term = 0;
export let A_BADMAP: Term = 0;
export let A_PROCESS: Term = 0;
export let A_FLUSH: Term = 0;
export let A_INFO: Term = 0;
export let A_TRAP_EXIT: Term = 0;
export let A_MODULE: Term = 0;
export let A_EXPORTS: Term = 0;
export let A_ATTRIBUTES: Term = 0;
export let A_COMPILE: Term = 0;
export let A_MD5: Term = 0;
export let A_NATIVE: Term = 0;
export let A_SECOND: Term = 0;
export let A_SECONDS: Term = 0;
export let A_MILLISECOND: Term = 0;
export let A_MILLI_SECONDS: Term = 0;
export let A_MICROSECOND: Term = 0;
export let A_MICRO_SECONDS: Term = 0;
export let A_NANOSECOND: Term = 0;
export let A_NANO_SECONDS: Term = 0;
export let A_PERF_COUNTER: Term = 0;
export let A_LATIN1: Term = 0;
export let A_UTF8: Term = 0;
export let A_UNICODE: Term = 0;

/** Intern the atoms above (once, at init). */
export function nativesAtomsInit(): void {
  A_NONODE = atomOf("nonode@nohost");
  A_VALUE = atomOf("value");
  A_NONE = atomOf("none");
  A_ITERATOR = atomOf("iterator");
  A_BADKEY = atomOf("badkey");
  A_BADMAP = atomOf("badmap");
  A_PROCESS = atomOf("process");
  A_FLUSH = atomOf("flush");
  A_INFO = atomOf("info");
  A_TRAP_EXIT = atomOf("trap_exit");
  A_MODULE = atomOf("module");
  A_EXPORTS = atomOf("exports");
  A_ATTRIBUTES = atomOf("attributes");
  A_COMPILE = atomOf("compile");
  A_MD5 = atomOf("md5");
  A_NATIVE = atomOf("native");
  A_SECOND = atomOf("second");
  A_SECONDS = atomOf("seconds");
  A_MILLISECOND = atomOf("millisecond");
  A_MILLI_SECONDS = atomOf("milli_seconds");
  A_MICROSECOND = atomOf("microsecond");
  A_MICRO_SECONDS = atomOf("micro_seconds");
  A_NANOSECOND = atomOf("nanosecond");
  A_NANO_SECONDS = atomOf("nano_seconds");
  A_PERF_COUNTER = atomOf("perf_counter");
  A_LATIN1 = atomOf("latin1");
  A_UTF8 = atomOf("utf8");
  A_UNICODE = atomOf("unicode");
}

// ── text: a buffer outside every heap, grown by doubling (never shrunk), for text built before
//    its term (display, pid_to_list, list_to_atom...)

let textBuf: usize = 0;
let textCap: usize = 0;
/** Bytes written so far (textReset sets it to 0). */
export let textN: usize = 0;

/** Start a new text. */
export function textReset(): void { textN = 0; }
/** The buffer's address (valid until the next write). */
export function textPtr(): usize { return textBuf; }
/** Make room for n more bytes. */
export function textRoom(n: usize): void {
  if (textN + n <= textCap) return;
  let cap = textCap ? textCap << 1 : 256;
  while (cap < textN + n) cap <<= 1;
  textBuf = textBuf ? heap.realloc(textBuf, cap) : heap.alloc(cap);
  textCap = cap;
}
/** Append byte c. */
export function textByte(c: u32): void { textRoom(1); store<u8>(textBuf + textN++, <u8>c); }
/** Append the ASCII string s (a literal). */
export function textAscii(s: string): void {
  const n = s.length;
  textRoom(<usize>n);
  for (let i = 0; i < n; i++) store<u8>(textBuf + textN + <usize>i, <u8>s.charCodeAt(i));
  textN += <usize>n;
}
/** Append n bytes at p. */
export function textBytes(p: usize, n: usize): void {
  textRoom(n);
  memory.copy(textBuf + textN, p, n);
  textN += n;
}
/** Append the decimal digits of v. */
export function textU64(v: u64): void {
  const tmp = memory.data(24);
  let at: usize = 24;
  do { store<u8>(tmp + --at, <u8>(48 + v % 10)); v /= 10; } while (v);
  textBytes(tmp + at, 24 - at);
}
/** Append code point c as UTF-8. */
export function textUtf8(c: u32): void {
  if (c < 0x80) textByte(c);
  else if (c < 0x800) { textByte(0xC0 | (c >> 6)); textByte(0x80 | (c & 0x3F)); }
  else if (c < 0x10000) { textByte(0xE0 | (c >> 12)); textByte(0x80 | ((c >> 6) & 0x3F)); textByte(0x80 | (c & 0x3F)); }
  else {
    textByte(0xF0 | (c >> 18)); textByte(0x80 | ((c >> 12) & 0x3F));
    textByte(0x80 | ((c >> 6) & 0x3F)); textByte(0x80 | (c & 0x3F));
  }
}

/** The code point at p[i..] of valid UTF-8 (an atom's name); utf8Step is its byte count. */
export let utf8Step: usize = 1;
export function utf8At(p: usize, i: usize): u32 {
  const c = <u32>load<u8>(p + i);
  if (c < 0x80) { utf8Step = 1; return c; }
  if (c < 0xE0) { utf8Step = 2; return ((c & 0x1F) << 6) | (load<u8>(p + i + 1) & 0x3F); }
  if (c < 0xF0) { utf8Step = 3; return ((c & 0x0F) << 12) | ((<u32>load<u8>(p + i + 1) & 0x3F) << 6) | (load<u8>(p + i + 2) & 0x3F); }
  utf8Step = 4;
  return ((c & 0x07) << 18) | ((<u32>load<u8>(p + i + 1) & 0x3F) << 12) | ((<u32>load<u8>(p + i + 2) & 0x3F) << 6) | (load<u8>(p + i + 3) & 0x3F);
}

// ── allocation with the arguments kept: they wait in root slots across the collection the
//    reservation may take, and are back in kept0..kept2 after it

export let kept0: Term = 0;
export let kept1: Term = 0;
export let kept2: Term = 0;
/** Make `words` free on the running heap with a, b and c rooted across it; they are reloaded into kept0..kept2. */
export function reserveKeeping(words: usize, a: Term, b: Term = 0, c: Term = 0): void {
  frameEnter(3);
  slotSet(0, a);
  slotSet(1, b);
  slotSet(2, c);
  reserve(words);
  kept0 = slotGet(0);
  kept1 = slotGet(1);
  kept2 = slotGet(2);
  frameLeave(3);
}
