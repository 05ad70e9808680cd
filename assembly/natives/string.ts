// The string module's BIFs: string:list_to_integer/1 and string:list_to_float/1,
// which OTP's string:to_integer/1 and to_float/1 call. Each reads the longest
// number at the front of a list of characters and answers {Number, Rest},
// Rest the list after it (its tail as it is, improper or not), or
// {error, Why}, as erts does (checked against erl in tests/natives.test.ts):
//
//   input                          list_to_integer       list_to_float
//   -----------------------------  --------------------  ----------------------------
//   not a list                     {error, not_a_list}   {error, not_a_list}
//   [+-]D+ then anything           {Int, Rest}           {error, no_float}
//   [+-]D+[.,]D+ then anything     {Int, ".D+..."}       {Float, Rest}
//   ... with [eE][+-]?D+ after     (as above)            the exponent read too ("1.5e"
//                                                        leaves "e" in Rest)
//   a float past the doubles                             {error, no_float}
//   nothing of the above first     {error, no_integer}   {error, no_float}
//
// erts takes a comma as the decimal point too ("1,5" is 1.5). The number's
// text is copied out before anything is allocated; the list is rooted across
// the one reservation (common.ts reserveKeeping) and Rest found after it.

import { Term, NIL, isSmall, smallValue, isList, head, tail } from "../../gc/term/term";
import { pairRaw } from "../../gc/term/build";
import { atomOf } from "../../gc/term/atoms";
import { bigWordsFor } from "../../gc/term/bignum";
import { hostFloatParse } from "../runtime/env";
import { floatResult } from "../runtime/arith";
import { reserveKeeping, kept0 } from "./common";
import { reserve } from "../runtime/alloc";
import { textInteger } from "./numbers";

let A_ERROR: Term = 0, A_NOT_A_LIST: Term = 0, A_NO_INTEGER: Term = 0, A_NO_FLOAT: Term = 0;
/** Intern the atoms this file answers with (once, at init, by registry.ts). */
export function stringAtomsInit(): void {
  A_ERROR = atomOf("error");
  A_NOT_A_LIST = atomOf("not_a_list");
  A_NO_INTEGER = atomOf("no_integer");
  A_NO_FLOAT = atomOf("no_float");
}

/** The character at the front of `t`, or -1 if `t` is not a cons of a character 0..255. */
function charAt(t: Term): i32 {
  if (!isList(t) || t == NIL) return -1;
  const c = head(t);
  return isSmall(c) && <u64>smallValue(c) <= 255 ? <i32>smallValue(c) : -1;
}

/** Whether the character c is a decimal digit. */
// @ts-ignore: decorator
@inline function isDigit(c: i32): bool { return c >= 48 && c <= 57; }

/** `t` after its first n cells. */
function dropCells(t: Term, n: usize): Term {
  for (let i: usize = 0; i < n; i++) t = tail(t);
  return t;
}

/** The characters of `t`'s first n cells as bytes in a new raw block (the caller frees it); a comma as a point. */
function copyText(t: Term, n: usize): usize {
  const p = heap.alloc(max<usize>(n, 1));
  for (let i: usize = 0; i < n; i++) {
    const c = charAt(t);
    store<u8>(p + i, c == 44 ? 46 : <u8>c);
    t = tail(t);
  }
  return p;
}

/** Digits at the front of `t` after `skip` cells: how many. */
function digitsAfter(t: Term, skip: usize): usize {
  t = dropCells(t, skip);
  let n: usize = 0;
  while (isDigit(charAt(t))) { n++; t = tail(t); }
  return n;
}

/** {error, why} (3 words). */
function failure(why: Term): Term {
  reserve(3);   // (`why` is an atom: nothing to keep)
  return pairRaw(A_ERROR, why);
}

/** Cells of an optional sign at the front of `t`. */
function signCells(t: Term): usize {
  const c = charAt(t);
  return c == 43 || c == 45 ? 1 : 0;
}

/** string:list_to_integer/1. */
export function string_list_to_integer_1(l: Term): Term {
  if (!isList(l) && l != NIL) return failure(A_NOT_A_LIST);
  const sign = signCells(l);
  const digits = digitsAfter(l, sign);
  if (!digits) return failure(A_NO_INTEGER);
  const n = sign + digits;
  const text = copyText(l, n);
  // the integer (at most 4 bits a digit, in 32-bit digits) and the tuple, with the list rooted
  reserveKeeping(bigWordsFor(<u32>((digits * 4) >> 5) + 2) + 3, l);
  const list = kept0;
  const v = textInteger(text, n, 10);   // (its own reservation finds the room made)
  heap.free(text);
  return pairRaw(v, dropCells(list, n));
}

/** string:list_to_float/1. */
export function string_list_to_float_1(l: Term): Term {
  if (!isList(l) && l != NIL) return failure(A_NOT_A_LIST);
  const sign = signCells(l);
  const whole = digitsAfter(l, sign);
  if (!whole) return failure(A_NO_FLOAT);
  const point = charAt(dropCells(l, sign + whole));
  if (point != 46 && point != 44) return failure(A_NO_FLOAT);
  const fraction = digitsAfter(l, sign + whole + 1);
  if (!fraction) return failure(A_NO_FLOAT);
  let n = sign + whole + 1 + fraction;
  // an exponent counts only with its digits
  const e = charAt(dropCells(l, n));
  if (e == 101 || e == 69) {
    const esign = signCells(dropCells(l, n + 1));
    const edigits = digitsAfter(l, n + 1 + esign);
    if (edigits) n += 1 + esign + edigits;
  }
  const text = copyText(l, n);
  const f = hostFloatParse(text, n);
  heap.free(text);
  if (!isFinite(f)) return failure(A_NO_FLOAT);
  reserveKeeping(2 + 3, l);
  const list = kept0;
  return pairRaw(floatResult(f), dropCells(list, n));   // (floatResult's reservation finds the room made)
}
