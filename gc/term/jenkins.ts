// Bob Jenkins' 32-bit mix (lookup2's `mix`) and BEAM's HCONST table: the
// pieces both of BEAM's term hashes share, so both are defined once here.
// erlang:phash2 (make_hash2, gc/term/hash.ts) and the hash that places map
// keys in a hash trie (make_internal_hash, gc/term/mapview.ts) fold words
// into a running 32-bit hash the same way (OTP 25 erts/emulator/beam/utils.c,
// UINT32_HASH_2):
//
//   H2(x, y, K, hash):  a = K + x; b = K + y; c = hash; mix(a, b, c); -> c
//
//   mix(a, b, c): nine rounds                           shift
//     a -= b; a -= c; a ^= c >> 13                       13 right
//     b -= c; b -= a; b ^= a << 8                         8 left
//     c -= a; c -= b; c ^= b >> 13                       13 right
//     a -= b; a -= c; a ^= c >> 12                       12 right
//     b -= c; b -= a; b ^= a << 16                       16 left
//     c -= a; c -= b; c ^= b >> 5                         5 right
//     a -= b; a -= c; a ^= c >> 3                         3 right
//     b -= c; b -= a; b ^= a << 10                       10 left
//     c -= a; c -= b; c ^= b >> 15                       15 right
//
// and K one of HCONST * k mod 2^32 (BEAM's HCONST_k), HCONST = 0x9e3779b9,
// the golden ratio. Which K goes with which kind of term is each hash's own
// (their headers have the tables).

// @ts-ignore: decorator
@inline export const K1: u32 = 0x9e3779b9;
// @ts-ignore: decorator
@inline export const K2: u32 = 0x3c6ef372;
// @ts-ignore: decorator
@inline export const K3: u32 = 0xdaa66d2b;
// @ts-ignore: decorator
@inline export const K4: u32 = 0x78dde6e4;
// @ts-ignore: decorator
@inline export const K5: u32 = 0x1715609d;
// @ts-ignore: decorator
@inline export const K7: u32 = 0x5384540f;
// @ts-ignore: decorator
@inline export const K8: u32 = 0xf1bbcdc8;
// @ts-ignore: decorator
@inline export const K9: u32 = 0x8ff34781;
// @ts-ignore: decorator
@inline export const K10: u32 = 0x2e2ac13a;
// @ts-ignore: decorator
@inline export const K11: u32 = 0xcc623af3;
// @ts-ignore: decorator
@inline export const K12: u32 = 0x6a99b4ac;
// @ts-ignore: decorator
@inline export const K13: u32 = 0x08d12e65;
// @ts-ignore: decorator
@inline export const K15: u32 = 0x454021d7;
// @ts-ignore: decorator
@inline export const K16: u32 = 0xe3779b90;
// @ts-ignore: decorator
@inline export const K17: u32 = 0x81af1549;
// @ts-ignore: decorator
@inline export const K18: u32 = 0x1fe68f02;
// @ts-ignore: decorator
@inline export const K19: u32 = 0xbe1e08bb;
// @ts-ignore: decorator
@inline export const K20: u32 = 0x5c558274;
// @ts-ignore: decorator
@inline export const K21: u32 = 0xfa8cfc2d;
// @ts-ignore: decorator
@inline export const K22: u32 = 0x98c475e6;

/** H2 above: the running hash `c` with x and y folded in under constant k; the new hash. */
// @ts-ignore: decorator
@inline export function jenkinsFold(x: u32, y: u32, k: u32, c: u32): u32 {
  let a = k + x, b = k + y;
  a -= b; a -= c; a ^= c >> 13;
  b -= c; b -= a; b ^= a << 8;
  c -= a; c -= b; c ^= b >> 13;
  a -= b; a -= c; a ^= c >> 12;
  b -= c; b -= a; b ^= a << 16;
  c -= a; c -= b; c ^= b >> 5;
  a -= b; a -= c; a ^= c >> 3;
  b -= c; b -= a; b ^= a << 10;
  c -= a; c -= b; c ^= b >> 15;
  return c;
}

/** Jenkins' lookup2 over p[0..n), from `init`: BEAM's block_hash, for binaries in both phash2
 *  (gc/term/hash.ts) and the map-key hash (gc/term/mapview.ts); its rounds are jenkinsFold's mix. */
export function blockHash(p: usize, n: usize, init: u32): u32 {
  let a: u32 = K1, b: u32 = K1, c: u32 = init;
  let left = n;
  while (left >= 12) {
    a += load<u32>(p); b += load<u32>(p, 4); c += load<u32>(p, 8);   // little-endian, as block_hash reads bytes
    a -= b; a -= c; a ^= c >> 13; b -= c; b -= a; b ^= a << 8; c -= a; c -= b; c ^= b >> 13;
    a -= b; a -= c; a ^= c >> 12; b -= c; b -= a; b ^= a << 16; c -= a; c -= b; c ^= b >> 5;
    a -= b; a -= c; a ^= c >> 3; b -= c; b -= a; b ^= a << 10; c -= a; c -= b; c ^= b >> 15;
    p += 12;
    left -= 12;
  }
  c += <u32>n;
  // the last 0..11 bytes: 0-3 into a, 4-7 into b, 8-10 into c above its low byte (the length's)
  for (let i: usize = 0; i < left; i++) {
    const v = <u32>load<u8>(p + i);
    if (i < 4) a += v << (<u32>i << 3);
    else if (i < 8) b += v << (<u32>(i - 4) << 3);
    else c += v << (<u32>(i - 7) << 3);
  }
  a -= b; a -= c; a ^= c >> 13; b -= c; b -= a; b ^= a << 8; c -= a; c -= b; c ^= b >> 13;
  a -= b; a -= c; a ^= c >> 12; b -= c; b -= a; b ^= a << 16; c -= a; c -= b; c ^= b >> 5;
  a -= b; a -= c; a ^= c >> 3; b -= c; b -= a; b ^= a << 10; c -= a; c -= b; c ^= b >> 15;
  return c;
}
