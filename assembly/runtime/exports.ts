// The export table: functions a linked program exports by name, found by
// (module, function, arity) as BEAM's export table finds them, for
// apply/3, spawn/3 and the host's Runtime.spawn("module:function", ...).
//
// The link step writes the program's entry directory (assembly/boundary/
// entries.ts) into the module's data and sets __shoal_entries and
// __shoal_entry_count to it. At init the names are interned and the entries
// put in an open-addressing hash table of 16-byte slots:
//
//   ┌──────────────────────────────────────────────┬──────────────┬─────────┐
//   │ key: module atom << 36 | function atom << 8 | arity (u64)  │ index+1 │ native │
//   └──────────────────────────────────────────────┴──────────────┴─────────┘
//     index+1 = 0: empty slot; WITHDRAWN: a withdrawn entry (its name stays, so
//     probing goes past it, but a lookup finds nothing). native: 1 for a
//     native (exportsPut), 0 for a program's entry. Capacity a power of
//     two, at least twice the entries, so a lookup ends at an empty slot.
//
// After the program's entries, the natives (assembly/natives/registry.ts:
// built-in functions of the runtime core, found by name like entries) are put
// in with exportsPut, which replaces an entry of the same name: OTP's
// lists.beam and maps.beam define stubs of their BIFs (calling
// erlang:nif_error), and when those modules are compiled and linked the
// native must win, as BEAM's BIFs do.
//
// Invariants: after init the table changes only by withdrawing a module's
// entries (exportsWithdraw: a module whose -on_load function failed, as BEAM
// leaves it unloaded; host/on_load.ts), never by adding; a program is linked once;
// an atom index fits 28 bits (MAX_ATOMS is below 2^28); the capacity is at
// least twice the entries and natives together.

import { Term, NIL, isAtom, atomIndex, isBoxed, isList, tail, boxedSubtag, SUB_TUPLE, tupleArity, tupleGet } from "../../gc/term/term";
import { atomIntern } from "../../gc/term/atoms";
import { MAX_ATOMS } from "../boundary/defaults";
import { DEBUG } from "../../gc/mem/debug";
import { EntryField, ENTRY_RECORD_BYTES } from "../boundary/entries";

/** Address of the first entry record (set by the link step; 0: no program linked). */
export let entryDirectory: u32 = 0;
/** Records at entryDirectory. */
export let entryCount: u32 = 0;
/** Function-table index of the apply trampoline (apply.ts applyEntry), set at init: what a process spawned by name starts in. */
export let applyTrampoline: u32 = u32.MAX_VALUE;

let table: usize = 0;
let mask: u32 = 0;

// @ts-ignore: decorator
@inline function keyOf(m: u32, f: u32, arity: u32): u64 { return (<u64>m << 36) | (<u64>f << 8) | <u64>arity; }

// @ts-ignore: decorator
@inline function slotFor(key: u64, i: u32): usize { return table + ((<usize>(<u32>(key ^ (key >> 29)) * 0x9E3779B1 + i) & mask) << 4); }

/** The index+1 word of a withdrawn entry. */
const WITHDRAWN: u32 = u32.MAX_VALUE;

/** Room the table was made for (entries and natives), and what it holds. */
let room: u32 = 0;
let held: u32 = 0;

/**
 * Intern the directory's names and fill the table; `trampoline` is the apply trampoline's table
 * index, `natives` how many more the natives' registration will put (exportsPut) after this.
 */
export function exportsInit(trampoline: u32, natives: u32): void {
  if (DEBUG) assert(MAX_ATOMS <= (1 << 28));
  applyTrampoline = trampoline;
  room = entryCount + natives;
  held = 0;
  if (room == 0) return;
  let cap: u32 = 16;
  while (cap < room * 2) cap <<= 1;
  table = heap.alloc(<usize>cap << 4);
  memory.fill(table, 0, <usize>cap << 4);
  mask = cap - 1;
  for (let i: u32 = 0; i < entryCount; i++) {
    const r = <usize>entryDirectory + <usize>i * ENTRY_RECORD_BYTES;
    const m = atomIntern(load<u32>(r, EntryField.MODULE), load<i32>(r, EntryField.MODULE_LEN));
    const f = atomIntern(load<u32>(r, EntryField.FUNCTION), load<i32>(r, EntryField.FUNCTION_LEN));
    // (the link step checks names are atoms; a full table at init would be a runtime bug)
    assert(m >= 0 && f >= 0, "entry names could not be interned");
    const key = keyOf(<u32>m, <u32>f, load<u32>(r, EntryField.ARITY));
    for (let probe: u32 = 0; ; probe++) {
      const s = slotFor(key, probe);
      if (load<u32>(s, 8) == 0) {
        store<u64>(s, key);
        store<u32>(s, load<u32>(r, EntryField.INDEX) + 1, 8);
        held++;
        break;
      }
      if (DEBUG) assert(load<u64>(s) != key);   // the link step refuses duplicate exports
    }
  }
}

/**
 * Put module:function/arity → table index `index` (atom indices m and f), replacing an entry of the
 * same name: how the natives are registered, after the program's entries (they win).
 */
export function exportsPut(m: u32, f: u32, arity: u32, index: u32): void {
  if (DEBUG) assert(table != 0 && arity <= 255);
  const key = keyOf(m, f, arity);
  for (let probe: u32 = 0; ; probe++) {
    const s = slotFor(key, probe);
    if (load<u32>(s, 8) == 0) {
      assert(held < room, "more natives than exportsInit was told");
      store<u64>(s, key);
      held++;
      store<u32>(s, index + 1, 8);
      store<u32>(s, 1, 12);
      return;
    }
    if (load<u64>(s) == key) { store<u32>(s, index + 1, 8); store<u32>(s, 1, 12); return; }
  }
}

/**
 * The exports of module `m` (an atom index): calls `each(function atom index, arity)` for every
 * entry and native of that module, in the table's order. (module_info(exports).)
 */
export function exportsOf(m: u32, each: (f: u32, arity: u32) => void): void {
  if (table == 0) return;
  for (let s = table, end = table + ((<usize>mask + 1) << 4); s < end; s += 16) {
    const v = load<u32>(s, 8);
    if (v == 0 || v == WITHDRAWN) continue;
    const key = load<u64>(s);
    if (<u32>(key >> 36) != m) continue;
    each(<u32>(key >> 8) & 0x0FFF_FFFF, <u32>key & 0xFF);
  }
}

/** The slot of module:function/arity (its index+1 word 0 if there is none), or 0 for names that cannot be in the table. */
function slotOf(module: Term, fn: Term, arity: u32): usize {
  if (table == 0 || !isAtom(module) || !isAtom(fn) || arity > 255) return 0;
  const key = keyOf(atomIndex(module), atomIndex(fn), arity);
  let probe: u32 = 0;
  let s = slotFor(key, probe);
  while (load<u32>(s, 8) != 0 && load<u64>(s) != key) s = slotFor(key, ++probe);
  return s;
}

/** Function-table index of the entry module:function/arity, or -1 if the program exports none. */
export function exportLookup(module: Term, fn: Term, arity: u32): i32 {
  const s = slotOf(module, fn, arity);
  if (s == 0) return -1;
  const v = load<u32>(s, 8);
  return v == WITHDRAWN ? -1 : <i32>v - 1;   // (empty: -1)
}

/**
 * Withdraw every entry and native of module `m` (an atom index): lookups by those names find
 * nothing from now on, so calls by name raise undef, as calls to a module BEAM did not load. How
 * many were withdrawn. (Code that looked one up before keeps its table index: the caller withdraws
 * before any other process of the program runs.)
 */
export function exportsWithdraw(m: u32): u32 {
  if (DEBUG) assert(m < <u32>MAX_ATOMS);   // an atom index (the key's 28 bits)
  if (table == 0) return 0;
  let n: u32 = 0;
  for (let s = table, end = table + ((<usize>mask + 1) << 4); s < end; s += 16) {
    const v = load<u32>(s, 8);
    if (v == 0 || v == WITHDRAWN || <u32>(load<u64>(s) >> 36) != m) continue;
    store<u32>(s, WITHDRAWN, 8);
    n++;
  }
  return n;
}

/**
 * The entry a process spawned by name with {M, F, Args} starts in straight away, or -1: M:F/1's
 * table index when Args is one term. An entry of one argument has a process entry's type,
 * (i64) -> (i64), so the process starts in it with that term, and no trampoline frame lies under
 * the program's frames for its whole life (on Asyncify each frame is saved and restored at every
 * suspend: the trampoline's cost a yield more than a scheduler switch). Anything else (another
 * arity, no such entry, a native) starts in the trampoline, which calls it or ends the process
 * with undef.
 */
export function directEntry(mfa: Term): i32 {
  if (!isBoxed(mfa) || boxedSubtag(mfa) != SUB_TUPLE || tupleArity(mfa) != 3) return -1;
  const args = tupleGet(mfa, 2);
  if (!isList(args) || tail(args) != NIL) return -1;
  const s = slotOf(tupleGet(mfa, 0), tupleGet(mfa, 1), 1);
  // a native starts in the trampoline too: apply completes its raise's trace (bif_traces.ts), which
  // nothing would in a process whose entry is the native itself
  if (s == 0 || load<u32>(s, 12) != 0) return -1;
  const v = load<u32>(s, 8);
  return v == WITHDRAWN ? -1 : <i32>v - 1;
}
