// Bits: reading and writing fields at any bit offset of a bitstring's bytes,
// and integer fields of any size (over 64 bits they are big integers).
//
// A bitstring's bits run from its first byte's top bit (big-endian bit
// order, as BEAM's). An integer field of n bits is
//   big-endian     its value's n bits, the most significant first;
//   little-endian  its value's bytes, the least significant first, and when
//                  n is not a multiple of 8 its top n mod 8 bits last (BEAM:
//                  <<300:12/little>> is <<44, 1:4>>);
// signed fields read their top bit as the sign (two's complement); a field
// written takes the value's low n bits in two's complement, as BEAM does.
//
// Compiled code reads and writes fields of up to 64 bits itself (compiler/
// codegen/binaries.ts); wider ones come here through the ABI
// (bits_integer_get, bits_integer_put: assembly/abi.ts). Nothing here
// collects: bitsIntegerGet builds in words its caller reserved.

import { Term } from "./term";
import { magOf, magNeg, integerDigits, twos, untwos, finishInteger, resultDigits, scratch } from "./bignum";
import { DEBUG } from "../mem/debug";

/** Flags of a field, as BEAM numbers them in bs_get_integer2 and bs_create_bin. */
// @ts-ignore: decorator
@inline export const BITS_LITTLE: u32 = 2;
// @ts-ignore: decorator
@inline export const BITS_SIGNED: u32 = 4;

/** n (0..64) bits at bit offset `off` from p, big-endian, as an unsigned u64. */
export function readBits(p: usize, off: u64, n: u32): u64 {
  if (DEBUG) assert(n <= 64);
  let acc: u64 = 0;
  if (!(off & 7) && !(n & 7)) {
    const q = p + <usize>(off >> 3);
    for (let i: u32 = 0; i < n; i += 8) acc = (acc << 8) | <u64>load<u8>(q + (i >> 3));
    return acc;
  }
  for (let i: u32 = 0; i < n; i++) {
    const bit = off + i;
    acc = (acc << 1) | ((<u64>load<u8>(p + <usize>(bit >> 3)) >> (7 - (bit & 7))) & 1);
  }
  return acc;
}

/** Write the low n (0..64) bits of v big-endian at bit offset `off` from p; the bits around are kept. */
export function writeBits(p: usize, off: u64, n: u32, v: u64): void {
  if (DEBUG) assert(n <= 64);
  if (!(off & 7) && !(n & 7)) {
    const q = p + <usize>(off >> 3);
    for (let i: u32 = n; i > 0; i -= 8) { store<u8>(q + ((i - 8) >> 3), <u8>v); v >>= 8; }
    return;
  }
  for (let i: u32 = 0; i < n; i++) {
    const bit = off + i;
    const a = p + <usize>(bit >> 3);
    const m = <u8>(<u32>1 << (7 - <u32>(bit & 7)));
    if ((v >> (n - 1 - i)) & 1) store<u8>(a, load<u8>(a) | m);
    else store<u8>(a, load<u8>(a) & ~m);
  }
}

/** Copy n bits from bit offset `srcOff` of src to bit offset `dstOff` of dst (the two do not overlap). */
export function copyBits(dst: usize, dstOff: u64, src: usize, srcOff: u64, n: u64): void {
  if (!((dstOff | srcOff | n) & 7)) {
    memory.copy(dst + <usize>(dstOff >> 3), src + <usize>(srcOff >> 3), <usize>(n >> 3));
    return;
  }
  let i: u64 = 0;
  for (; i + 32 <= n; i += 32) writeBits(dst, dstOff + i, 32, readBits(src, srcOff + i, 32));
  if (i < n) writeBits(dst, dstOff + i, <u32>(n - i), readBits(src, srcOff + i, <u32>(n - i)));
}

/** The k (1..32) bits of the digits d from bit `pos` on (d has a zero digit past the value's). */
// @ts-ignore: decorator
@inline function digitBits(d: usize, pos: u64, k: u32): u32 {
  const w = load<u64>(d + <usize>((pos >> 5) << 2));
  return <u32>((w >> (pos & 31)) & ((<u64>1 << k) - 1));
}

/** Words bitsIntegerGet(..., n, ...) may take: a big of ceil(n / 64) limbs. */
export function bitsIntegerWords(n: u32): usize { return 2 + ((<usize>n + 63) >> 6); }

/**
 * The integer field of n bits at bit offset `off` from p, `flags` BITS_LITTLE
 * and BITS_SIGNED: a small integer, or a big built on the running heap (the
 * caller reserved bitsIntegerWords(n)).
 */
export function bitsIntegerGet(p: usize, off: u64, n: u32, flags: u32): Term {
  const l = (n + 31) >> 5;                 // digits of the field
  const d = resultDigits();                // finishInteger builds the big around them
  memory.fill(d, 0, <usize>l << 2);
  if (flags & BITS_LITTLE) {
    const whole = n >> 3;
    for (let j: u32 = 0; j < whole; j++) {
      const byteAt = d + <usize>j;
      store<u8>(byteAt, <u8>readBits(p, off + (<u64>j << 3), 8));
    }
    if (n & 7) store<u8>(d + <usize>whole, <u8>readBits(p, off + (<u64>whole << 3), n & 7));
  } else {
    for (let k: u32 = 0; k < l; k++) {
      const bits = min<u32>(32, n - (k << 5));
      store<u32>(d + (<usize>k << 2), <u32>readBits(p, off + <u64>(n - (k << 5) - bits), bits));
    }
  }
  let neg = false;
  if (flags & BITS_SIGNED && n > 0) {
    const top = d + (<usize>(l - 1) << 2);
    const r = n & 31;
    if ((load<u32>(top) >> ((r ? r : 32) - 1)) & 1) {
      if (r) store<u32>(top, load<u32>(top) | (0xFFFF_FFFF << r));   // sign-extend the top digit
      neg = untwos(d, l);
    }
  }
  return finishInteger(l, neg);
}

/**
 * Write integer v's low n bits (two's complement) as a field at bit offset
 * `off` from p, `flags` BITS_LITTLE (BITS_SIGNED changes nothing written).
 */
export function bitsIntegerPut(p: usize, off: u64, n: u32, flags: u32, v: Term): void {
  const na = integerDigits(v);
  const l = max<u32>(na, (n + 31) >> 5) + 2;     // two's complement digits, and a zero digit past them
  const buf = scratch(16 + (<usize>l << 2));     // 8 bytes for a small's magnitude, then the digits
  const d = buf + 16;
  const m = magOf(v, buf);
  const neg = magNeg;
  twos(d, m, na, neg, l);
  if (flags & BITS_LITTLE) {
    const whole = n >> 3;
    for (let j: u32 = 0; j < whole; j++) writeBits(p, off + (<u64>j << 3), 8, load<u8>(d + <usize>j));
    if (n & 7) writeBits(p, off + (<u64>whole << 3), n & 7, digitBits(d, <u64>whole << 3, n & 7));
  } else {
    // digit k (the value's bits 32k..) lands just before digit k-1's bits
    for (let k: u32 = 0; (k << 5) < n; k++) {
      const bits = min<u32>(32, n - (k << 5));
      writeBits(p, off + <u64>(n - (k << 5) - bits), bits, digitBits(d, <u64>(k << 5), bits));
    }
  }
}
