// erlang:phash/2, the old portable hash, exactly as OTP 25 computes it
// (erts/emulator/beam/utils.c make_hash; OTP 26 moved it, unchanged, to
// erl_term_hashing.c), for our term layout. Every step is mod 2^32, with
// F1..F14 the "funny numbers" (primes just above 2^28) below:
//
//   term         what is folded into the running hash h (starting at 0)
//   -----------  ---------------------------------------------------------------
//   []           h = h*F3 + 1
//   atom         h = h*F1 + its hvalue (hash.ts atomHash, the same as phash2's)
//   integer      the bytes of |v|, least significant first, each h = h*F2 + b: 4 of
//                a small below 2^32, else 8 per 64-bit digit (the top one 4 when it
//                is below 2^32); then h *= (v < 0 ? F4 : F3)
//   float        h = h*F6 + (high 32 bits ^ low 32 bits) of the double; -0.0 as 0.0
//   binary       each byte h = h*F1 + b; then h = h*F4 + size
//   bitstring    (not whole bytes) as a binary of its whole bytes, the last partial
//                byte b (its r bits) folded in before the size: h = (h*F1 + b)*F12 + r
//   tuple        the elements in order; then h = h*F9 + arity
//   list         a head that is a byte (0..255): h = h*F2 + b; any other head hashed
//                as a term; the tail that ends the list hashed as a term, then h *= F8
//   map          h = h*F13 + F14 + make_hash2(map) (hash.ts termHash32)
//   pid          its 4 bytes of slot (BEAM: the pid's number) by F5, then h *= F6
//   reference    the 4 bytes of ids[0] by F9, then h *= F10
//   fun          h = h*F10 + free count, h*F1 + 0, h*F2 + entry, h*F2 + arity, then the
//                free variables (BEAM hashes its module, index and uniq: funs differ)
//
// phash(T, Range): 1 + h rem Range for Range 1..2^32-1; for 2^32, h + 1 (h itself
// if that wraps to 0). Nesting (tuples, list heads, free variables) recurses on
// the native stack; a list's tail does not.

import {
  Term, NIL, isSmall, smallValue, isAtom, isPid, pidSlot, isList, head, tail, isBoxed, boxedHeader, headerSubtag, headerArity,
  termPtr, SUB_TUPLE, SUB_BIG, SUB_FLOAT, SUB_FUN, SUB_HEAP_BIN, SUB_REFC_BIN, SUB_MAP, SUB_REF, SUB_BITS, bitstringBits, binarySize, floatValue, refId,
  funEntry, funArity, funFreeCount, funFreeAddr,
} from "./term";
import { binaryData, bitstringData } from "./build";
import { atomHash, termHash32 } from "./hash";

// @ts-ignore: decorator
@inline const F1: u32 = 268440163;
// @ts-ignore: decorator
@inline const F2: u32 = 268439161;
// @ts-ignore: decorator
@inline const F3: u32 = 268435459;
// @ts-ignore: decorator
@inline const F4: u32 = 268436141;
// @ts-ignore: decorator
@inline const F5: u32 = 268438633;
// @ts-ignore: decorator
@inline const F6: u32 = 268437017;
// @ts-ignore: decorator
@inline const F8: u32 = 268437511;
// @ts-ignore: decorator
@inline const F9: u32 = 268439627;
// @ts-ignore: decorator
@inline const F10: u32 = 268440479;
// @ts-ignore: decorator
@inline const F12: u32 = 268440581;
// @ts-ignore: decorator
@inline const F13: u32 = 268440593;
// @ts-ignore: decorator
@inline const F14: u32 = 268440611;

let h: u32 = 0;

/** The 4 bytes of x, least significant first, each h = h*prime + byte (UINT32_HASH_STEP). */
function step32(x: u32, prime: u32): void {
  h = h * prime + (x & 0xFF);
  h = h * prime + ((x >> 8) & 0xFF);
  h = h * prime + ((x >> 16) & 0xFF);
  h = h * prime + (x >> 24);
}

function hashTerm(t: Term): void {
  if (t == NIL) { h = h * F3 + 1; return; }
  if (isAtom(t)) { h = h * F1 + atomHash(t); return; }
  if (isSmall(t)) {
    const v = smallValue(t);
    const m: u64 = v < 0 ? <u64>(-v) : <u64>v;
    step32(<u32>m, F2);
    if (m >> 32) step32(<u32>(m >> 32), F2);
    h *= v < 0 ? F4 : F3;
    return;
  }
  if (isPid(t)) { step32(pidSlot(t), F5); h *= F6; return; }
  if (isList(t)) {
    let l = t;
    for (;;) {
      const x = head(l);
      if (isSmall(x) && smallValue(x) >= 0 && smallValue(x) <= 255) h = h * F2 + <u32>smallValue(x);
      else hashTerm(x);
      const r = tail(l);
      if (!isList(r)) { hashTerm(r); h *= F8; return; }
      l = r;
    }
  }
  const hd = boxedHeader(t);
  const p = termPtr(t);
  switch (headerSubtag(hd)) {
    case SUB_TUPLE: {
      const n = <usize>headerArity(hd);
      for (let i: usize = 0; i < n; i++) hashTerm(load<u64>(p + 8 + (i << 3)));
      h = h * F9 + <u32>n;
      return;
    }
    case SUB_BIG: {
      const limbs = <usize>headerArity(hd) - 1;
      for (let i: usize = 0; i < limbs; i++) {
        let d = load<u64>(p + 16 + (i << 3));
        const bytes = (i + 1 < limbs || (d >> 32) != 0) ? 8 : 4;
        for (let j = 0; j < bytes; j++) { h = h * F2 + <u32>(d & 0xFF); d >>= 8; }
      }
      h *= load<u64>(p, 8) ? F4 : F3;
      return;
    }
    case SUB_FLOAT: {
      let f = floatValue(t);
      if (f == 0) f = 0.0;                       // -0.0 hashes as 0.0
      const w = reinterpret<u64>(f);
      h = h * F6 + (<u32>w ^ <u32>(w >> 32));
      return;
    }
    case SUB_HEAP_BIN: case SUB_REFC_BIN: {
      const n = <usize>binarySize(t);
      const b = binaryData(t);
      for (let i: usize = 0; i < n; i++) h = h * F1 + load<u8>(b + i);
      h = h * F4 + <u32>n;
      return;
    }
    case SUB_BITS: {
      const bits = bitstringBits(t), b = bitstringData(t);
      const n = <usize>(bits >> 3), r = <u32>(bits & 7);
      for (let i: usize = 0; i < n; i++) h = h * F1 + load<u8>(b + i);
      h = (h * F1 + (<u32>load<u8>(b + n) >> (8 - r))) * F12 + r;
      h = h * F4 + <u32>n;
      return;
    }
    case SUB_MAP: { h = h * F13 + F14 + termHash32(t); return; }
    case SUB_REF: { step32(refId(t, 0), F9); h *= F10; return; }
    case SUB_FUN: {
      const n = funFreeCount(t);
      h = h * F10 + <u32>n;
      h = h * F1;
      h = h * F2 + funEntry(t);
      h = h * F2 + funArity(t);
      for (let i: usize = 0; i < n; i++) hashTerm(load<u64>(funFreeAddr(t, i)));
      return;
    }
  }
}

/** erlang:phash(t, range) for range 1..2^32; -1 for any other range (badarg). */
export function phash(t: Term, range: i64): i64 {
  if (range < 1 || range > 0x1_0000_0000) return -1;
  h = 0;
  hashTerm(t);
  if (range < 0x1_0000_0000) return 1 + <i64>(h % <u32>range);
  return h + 1 == 0 ? <i64>h : <i64>h + 1;
}
