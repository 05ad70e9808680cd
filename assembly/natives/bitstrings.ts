// The bitstring natives: erlang:bitstring_to_list/1, list_to_bitstring/1 and
// binary_part/2,3
// (bit_size/1, byte_size/1 and is_bitstring/1 are with the other binary
// natives in erlang_terms.ts). A bitstring that is not whole bytes is a 0xA
// box around a binary (gc/term/term.ts); its bits are read and written at any
// offset by gc/term/bits.ts.

import {
  Term, NIL, makeSmall, isSmall, smallValue, isList, isBitstring, bitstringBits, bitstringWords,
  isBoxed, boxedHeader, headerSubtag, SUB_TUPLE, tupleArity, tupleGet,
} from "../../gc/term/term";
import { consRaw, bitstringRaw, bitstringData } from "../../gc/term/build";
import { badarg, reserveKeeping, kept0 } from "./common";
import { bitlistBits } from "./iolist";

/** erlang:bitstring_to_list/1: the whole bytes, then a bitstring of the last bits if any (<<1,2:3>> gives [1, <<2:3>>]). */
export function erlang_bitstring_to_list_1(b: Term): Term {
  if (!isBitstring(b)) return badarg();
  const bits = bitstringBits(b);
  const n = <usize>(bits >> 3), r = bits & 7;
  reserveKeeping(2 * n + (r ? 2 + bitstringWords(r) : 0), b);
  let l: Term = NIL;
  if (r) {
    const last = bitstringRaw(r);
    store<u8>(bitstringData(last), load<u8>(bitstringData(kept0) + n));   // its unused bits are 0 already
    l = consRaw(last, NIL);
  }
  const p = bitstringData(kept0);
  for (let i = n; i > 0; i--) l = consRaw(makeSmall(<i64>load<u8>(p + i - 1)), l);
  return l;
}

/** erlang:list_to_bitstring/1: the bits of a bitstring list, one bitstring. */
export function erlang_list_to_bitstring_1(l: Term): Term {
  if (!isList(l) && l != NIL) return badarg();
  const n = bitlistBits(l, 0);
  if (n < 0) return badarg();
  reserveKeeping(bitstringWords(<u64>n), l);
  const r = bitstringRaw(<u64>n);
  bitlistBits(kept0, bitstringData(r));
  return r;
}

/**
 * erlang:binary_part/3: the Length bytes from byte Start (a negative Length: the bytes before
 * Start), within the whole bytes of a binary or bitstring (a bitstring's last bits are never
 * part of one, as on BEAM); anything out of range is badarg.
 */
export function erlang_binary_part_3(b: Term, start: Term, len: Term): Term {
  if (!isBitstring(b) || !isSmall(start) || !isSmall(len)) return badarg();
  let s = smallValue(start), n = smallValue(len);
  if (n < 0) { s += n; n = -n; }
  const whole = <i64>(bitstringBits(b) >> 3);
  if (s < 0 || s > whole || n > whole - s) return badarg();
  reserveKeeping(bitstringWords(<u64>n << 3), b);
  const r = bitstringRaw(<u64>n << 3);
  memory.copy(bitstringData(r), bitstringData(kept0) + <usize>s, <usize>n);
  return r;
}

/** erlang:binary_part/2: binary_part/3 with {Start, Length}. */
export function erlang_binary_part_2(b: Term, pos: Term): Term {
  if (!isBoxed(pos) || headerSubtag(boxedHeader(pos)) != SUB_TUPLE || tupleArity(pos) != 2) return badarg();
  return erlang_binary_part_3(b, tupleGet(pos, 0), tupleGet(pos, 1));
}
