// References (erlang:make_ref/0): terms unique in this runtime, and, by their
// creation (gc/term/node.ts), told from every other runtime's.
//
// Each new reference takes the next number of a 64-bit counter, spread over
// the three ids as BEAM spreads its reference numbers (the first id 18 bits,
// the second 32), so they print and encode in BEAM's shape:
//
//   number n (64 bits)   ids[0] = n & 0x3FFFF     (18 bits)
//                        ids[1] = n >> 18         (32 bits)
//                        ids[2] = n >> 50         (14 bits)
//
// A reference's number is its identity here: a message timer is found by
// the number of its reference (send_after.ts). In term order references of
// one runtime sort by number, so a newer one sorts after an older one.

import { Term, REF_WORDS, refId, refCreation } from "../../gc/term/term";
import { refRaw } from "../../gc/term/build";
import { nodeCreation } from "../../gc/term/node";
import { reserve } from "./alloc";

/** The next reference's number. */
let nextNumber: u64 = 0;

/** A number no reference has yet (taken: the next call gives another). */
export function refNumberNew(): u64 { return nextNumber++; }

/** The reference of number `n` (made by refNumberNew), built on the running heap (REF_WORDS words, reserved by the caller). */
export function refOfNumber(n: u64): Term {
  return refRaw(<u32>(n & 0x3FFFF), <u32>(n >> 18), <u32>(n >> 50), nodeCreation());
}

/** A new reference on the running process's heap (erlang:make_ref/0). May collect. */
export function makeRef(): Term {
  reserve(REF_WORDS);
  return refOfNumber(refNumberNew());
}

/** The number of reference `t` if this runtime made it, else -1 (another runtime's, or ids no number gives). */
export function refNumber(t: Term): i64 {
  if (refCreation(t) != nodeCreation()) return -1;
  const id0 = refId(t, 0), id2 = refId(t, 2);
  if (id0 > 0x3FFFF || id2 > 0x3FFF) return -1;
  const n = <u64>id0 | (<u64>refId(t, 1) << 18) | (<u64>id2 << 50);
  return n < nextNumber ? <i64>n : -1;
}
