// Terms as erts prints them (erl_printf_term.c, "%T"): erlang:display/1,
// display_string/1, and the text of pid_to_list/1, ref_to_list/1 and
// fun_to_list/1. Output goes to the core's standard output channel
// (env.stdout_write: what Runtime.start({ stdout }) receives).
//
// erts's rules, measured on OTP 25 byte for byte (tests/natives.test.ts):
//   integers   decimal, of any size
//   floats     C's "%.6e": 1.000000e+00
//   atoms      bare when the first character is a latin-1 lower-case letter
//              (a-z, ß-ÿ but ÷) and the rest letters (latin-1, but × and ÷),
//              digits or _ (not @: erts quotes 'a@b'); else quoted, with \' \\ \n \t \r \v \f \b
//              escaped, other characters below 32 and 128..159 as \ooo; every
//              character from 160 up is written as UTF-8 (reserved words are
//              not quoted: display(['if']) prints [if])
//   lists      "..." when every element is 9, 10, 13, 32..126 or 160..255
//              (written raw, latin-1 bytes, but " as \" and newline as \n;
//              backslash is not escaped); else [A,B|T]
//   binaries   <<"...">> when every byte is 32..126 (" as \", \ raw), else
//              <<1,2,3>>; <<>>
//   tuples {..}, maps #{K=>V,..} (in the map's key order), pids <0.Slot.Serial>,
//   references #Ref<0.Id2.Id1.Id0>, funs #Fun<shoal.Entry.Arity> (BEAM
//   prints #Fun<Module.Index.Uniq>, which Shoal's funs do not record)
// A line ends with "\r\n", as erts writes it (to a terminal-less stdout too):
// a program's output is then the BEAM's byte for byte.
//
// Nesting recurses on the native stack (a list's tail does not); display of
// a term nested some thousands deep may overflow it, ending the process with
// stack_overflow.

import { mapView, viewsMark, viewsRelease } from "../../gc/term/mapview";
import {
  Term, NIL, isSmall, smallValue, isAtom, atomIndex, isPid, pidSlot, pidSerial, isList, head, tail, isBoxed, boxedHeader,
  headerSubtag, headerArity, termPtr, SUB_TUPLE, SUB_BIG, SUB_FLOAT, SUB_FUN, SUB_HEAP_BIN, SUB_REFC_BIN, SUB_MAP, SUB_REF, SUB_BITS, bitstringBits,
  floatValue, binarySize, mapSize, mapKeyAddr, mapValueAddr, refId, funEntry, funArity,
} from "../../gc/term/term";
import { binaryData, bitstringData } from "../../gc/term/build";
import { atomNamePtr, atomNameLen } from "../../gc/term/atoms";
import { hostStdout, hostFloatText } from "../runtime/env";
import { integerDecimal, decimalLen } from "./numbers";
import {
  TRUE, badarg, textReset, textPtr, textN, textByte, textAscii, textBytes, textU64, textUtf8, utf8At, utf8Step,
} from "./common";

const floatTmp = memory.data(64);

/** Whether code point c may stand in a bare atom after the first character. */
function atomChar(c: u32): bool {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95
    || (c >= 192 && c <= 255 && c != 215 && c != 247);
}

/** Append atom i as erts prints it. */
function formatAtom(i: i32): void {
  const p = atomNamePtr(i), n = <usize>atomNameLen(i);
  let bare = n > 0;
  if (bare) {
    const c0 = utf8At(p, 0);
    bare = (c0 >= 97 && c0 <= 122) || (c0 >= 223 && c0 <= 255 && c0 != 247);
    for (let k = utf8Step; bare && k < n; k += utf8Step) bare = atomChar(utf8At(p, k));
  }
  if (!bare) textByte(39);
  for (let k: usize = 0; k < n; k += utf8Step) {
    const c = utf8At(p, k);
    if (bare) { textUtf8(c); continue; }
    if (c == 39) textAscii("\\'");
    else if (c == 92) textAscii("\\\\");
    else if (c == 10) textAscii("\\n");
    else if (c == 9) textAscii("\\t");
    else if (c == 13) textAscii("\\r");
    else if (c == 11) textAscii("\\v");
    else if (c == 12) textAscii("\\f");
    else if (c == 8) textAscii("\\b");
    else if (c < 32 || (c >= 128 && c < 160)) {
      textByte(92); textByte(48 + (c >> 6)); textByte(48 + ((c >> 3) & 7)); textByte(48 + (c & 7));
    } else textUtf8(c);
  }
  if (!bare) textByte(39);
}

/** Whether the list l is a string erts prints as "..." (non-empty, proper, every element printable). */
function printableList(l: Term): bool {
  for (; isList(l); l = tail(l)) {
    const c = head(l);
    if (!isSmall(c)) return false;
    const v = smallValue(c);
    if (!(v == 9 || v == 10 || v == 13 || (v >= 32 && v <= 126) || (v >= 160 && v <= 255))) return false;
  }
  return l == NIL;
}

/** Append the binary's bytes, erts's way. */
function formatBinary(t: Term): void {
  const p = binaryData(t), n = <usize>binarySize(t);
  textAscii("<<");
  let printable = n > 0;
  for (let i: usize = 0; printable && i < n; i++) { const c = load<u8>(p + i); printable = c >= 32 && c <= 126; }
  if (printable) {
    textByte(34);
    for (let i: usize = 0; i < n; i++) { const c = load<u8>(p + i); if (c == 34) textByte(92); textByte(c); }
    textByte(34);
  } else {
    for (let i: usize = 0; i < n; i++) { if (i) textByte(44); textU64(load<u8>(binaryData(t) + i)); }
  }
  textAscii(">>");
}

/** Append a bitstring that is not whole bytes as erts prints it: its bytes, then the last bits' value, `<<1,2,3:2>>`. */
function formatBits(t: Term): void {
  const p = bitstringData(t), bits = bitstringBits(t);
  const n = <usize>(bits >> 3), r = <u32>(bits & 7);
  textAscii("<<");
  for (let i: usize = 0; i < n; i++) { textU64(load<u8>(p + i)); textByte(44); }
  textU64(<u32>load<u8>(p + n) >> (8 - r)); textByte(58); textU64(r);
  textAscii(">>");
}

/** Append term t as erts's display prints it. */
export function formatTerm(t: Term): void {
  if (isSmall(t)) {
    const v = smallValue(t);
    if (v < 0) { textByte(45); textU64(<u64>(-v)); } else textU64(<u64>v);
    return;
  }
  if (isAtom(t)) { formatAtom(<i32>atomIndex(t)); return; }
  if (t == NIL) { textAscii("[]"); return; }
  if (isPid(t)) {
    textAscii("<0."); textU64(pidSlot(t)); textByte(46); textU64(pidSerial(t)); textByte(62);
    return;
  }
  if (isList(t)) {
    if (printableList(t)) {
      textByte(34);
      for (let l = t; l != NIL; l = tail(l)) {
        const c = <u32>smallValue(head(l));
        if (c == 34) textAscii("\\\"");
        else if (c == 10) textAscii("\\n");
        else textByte(c);
      }
      textByte(34);
      return;
    }
    textByte(91);
    let l = t;
    let first = true;
    for (; isList(l); l = tail(l)) {
      if (!first) textByte(44);
      first = false;
      formatTerm(head(l));
    }
    if (l != NIL) { textByte(124); formatTerm(l); }
    textByte(93);
    return;
  }
  if (!isBoxed(t)) { textAscii("?"); return; }
  const h = boxedHeader(t);
  switch (headerSubtag(h)) {
    case SUB_TUPLE: {
      const n = <usize>headerArity(h);
      textByte(123);
      for (let i: usize = 0; i < n; i++) {
        if (i) textByte(44);
        formatTerm(load<u64>(termPtr(t) + 8 + (i << 3)));
      }
      textByte(125);
      return;
    }
    case SUB_BIG: {
      const p = integerDecimal(t);
      textBytes(p, decimalLen());
      return;
    }
    case SUB_FLOAT: {
      const n = hostFloatText(floatValue(t), 0, 6, floatTmp);
      textBytes(floatTmp, <usize>n);
      return;
    }
    case SUB_MAP: {
      const n = mapSize(t);
      textAscii("#{");
      // a trie's pairs from a flat view (gc/term/hashmap.ts), in BEAM's listing order
      const mark = viewsMark();
      const keys = mapView(t);
      for (let i: usize = 0; i < n; i++) {
        if (i) textByte(44);
        formatTerm(load<u64>(keys + (i << 3)));
        textAscii("=>");
        formatTerm(load<u64>(keys + ((n + i) << 3)));
      }
      viewsRelease(mark);
      textByte(125);
      return;
    }
    case SUB_HEAP_BIN: case SUB_REFC_BIN: { formatBinary(t); return; }
    case SUB_BITS: { formatBits(t); return; }
    case SUB_REF: {
      textAscii("#Ref<0."); textU64(refId(t, 2)); textByte(46); textU64(refId(t, 1)); textByte(46); textU64(refId(t, 0)); textByte(62);
      return;
    }
    case SUB_FUN: {
      textAscii("#Fun<shoal."); textU64(funEntry(t)); textByte(46); textU64(funArity(t)); textByte(62);
      return;
    }
  }
  textAscii("?");
}

/** erlang:display/1: the term and a newline on standard output; true. */
export function erlang_display_1(t: Term): Term {
  textReset();
  formatTerm(t);
  textByte(13);
  textByte(10);
  hostStdout(textPtr(), textN);
  return TRUE;
}

/**
 * erlang:display_string/1: a binary's bytes, unchanged, or a list of characters (each written as
 * UTF-8, as OTP 25 writes them), raw on standard output; true. Anything else: badarg.
 */
export function erlang_display_string_1(s: Term): Term {
  if (isBoxed(s)) {
    const sub = headerSubtag(boxedHeader(s));
    if (sub != SUB_HEAP_BIN && sub != SUB_REFC_BIN) return badarg();
    hostStdout(binaryData(s), <usize>binarySize(s));
    return TRUE;
  }
  textReset();
  let l = s;
  for (; isList(l); l = tail(l)) {
    const c = head(l);
    if (!isSmall(c) || smallValue(c) < 0 || smallValue(c) > 0x10FFFF) return badarg();
    textUtf8(<u32>smallValue(c));
  }
  if (l != NIL) return badarg();
  hostStdout(textPtr(), textN);
  return TRUE;
}
