// Terms: every Erlang value is one 64-bit word, tagged in its low bits the
// way BEAM tags them, so a compiler author who knows BEAM's layout knows ours.
//
// ╒═════════════════════ Term word (64-bit) ═════════════════════╕
//  63                                                  6 5 4 3 2 1 0
// ├──────────────────────────────────────────────────────┼─┴─┼─┴─┼─┴─┤
// │ pointer to a header word (8-byte aligned)            │      1 0 │ boxed
// │ pointer to a cons cell (8-byte aligned)              │      0 1 │ list
// │ signed value, 60 bits                                │ 1 1 1 1 │ small integer
// │ serial (32 bits) : slot (28 bits)                    │ 0 0 1 1 │ pid
// │ atom index                                       │ 0 0 1 0 1 1 │ atom
// │ 0                                                │ 1 1 1 0 1 1 │ nil []
// └──────────────────────────────────────────────────────┴─────────┘
//
// Immediates (small integers, atoms, pids, nil) need no heap. Boxed terms and
// lists point into the owning process's heap (gc/), never into another's.

export type Term = u64;

// @ts-ignore: decorator
@inline export const TAG_PRIMARY_MASK: u64 = 0x3;
// @ts-ignore: decorator
@inline export const TAG_LIST: u64 = 0x1;
// @ts-ignore: decorator
@inline export const TAG_BOXED: u64 = 0x2;
// @ts-ignore: decorator
@inline export const TAG_IMMED1_MASK: u64 = 0xF;
// @ts-ignore: decorator
@inline export const TAG_PID: u64 = 0x3;
// @ts-ignore: decorator
@inline export const TAG_SMALL: u64 = 0xF;
// @ts-ignore: decorator
@inline export const TAG_IMMED2_MASK: u64 = 0x3F;
// @ts-ignore: decorator
@inline export const TAG_ATOM: u64 = 0x0B;
// @ts-ignore: decorator
@inline export const NIL: Term = 0x3B;

// @ts-ignore: decorator
@inline export const SMALL_MAX: i64 = (1 << 59) - 1;
// @ts-ignore: decorator
@inline export const SMALL_MIN: i64 = -(1 << 59);

/** Small integer term for `v` (caller keeps v within SMALL_MIN..SMALL_MAX). */
// @ts-ignore: decorator
@inline export function makeSmall(v: i64): Term { return (<u64>v << 4) | TAG_SMALL; }
/** Value of a small integer term. */
// @ts-ignore: decorator
@inline export function smallValue(t: Term): i64 { return <i64>t >> 4; }
/** Whether `t` is a small integer. */
// @ts-ignore: decorator
@inline export function isSmall(t: Term): bool { return (t & TAG_IMMED1_MASK) == TAG_SMALL; }

/** Atom term for atom-table index `i`. */
// @ts-ignore: decorator
@inline export function makeAtom(i: u32): Term { return (<u64>i << 6) | TAG_ATOM; }
/** Atom-table index of an atom term. */
// @ts-ignore: decorator
@inline export function atomIndex(t: Term): u32 { return <u32>(t >> 6); }
/** Whether `t` is an atom. */
// @ts-ignore: decorator
@inline export function isAtom(t: Term): bool { return (t & TAG_IMMED2_MASK) == TAG_ATOM; }

// @ts-ignore: decorator
@inline export const PID_SLOT_BITS: u32 = 28;
/** Pid term for process-table `slot` in its `serial`-th use. */
// @ts-ignore: decorator
@inline export function makePid(slot: u32, serial: u32): Term {
  return ((<u64>serial << PID_SLOT_BITS | <u64>slot) << 4) | TAG_PID;
}
/** Process-table slot of a pid term. */
// @ts-ignore: decorator
@inline export function pidSlot(t: Term): u32 { return <u32>(t >> 4) & ((1 << PID_SLOT_BITS) - 1); }
/** Serial (how many times the slot was used before) of a pid term. */
// @ts-ignore: decorator
@inline export function pidSerial(t: Term): u32 { return <u32>(t >> (4 + PID_SLOT_BITS)); }
/** Whether `t` is a pid. */
// @ts-ignore: decorator
@inline export function isPid(t: Term): bool { return (t & TAG_IMMED1_MASK) == TAG_PID; }
