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
//   │ key: module atom << 36 | function atom << 8 | arity (u64)  │ index+1 │ (pad) │
//   └──────────────────────────────────────────────┴──────────────┴─────────┘
//     index+1 = 0: empty slot. Capacity a power of two, at least twice the
//     entries, so a lookup ends at an empty slot.
//
// Invariants: the table never changes after init (a program is linked once);
// an atom index fits 28 bits (MAX_ATOMS is below 2^28).

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

/** Intern the directory's names and fill the table; `trampoline` is the apply trampoline's table index. */
export function exportsInit(trampoline: u32): void {
  if (DEBUG) assert(MAX_ATOMS <= (1 << 28));
  applyTrampoline = trampoline;
  if (entryCount == 0) return;
  let cap: u32 = 16;
  while (cap < entryCount * 2) cap <<= 1;
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
        break;
      }
      if (DEBUG) assert(load<u64>(s) != key);   // the link step refuses duplicate exports
    }
  }
}

/** Function-table index of the entry module:function/arity, or -1 if the program exports none. */
export function exportLookup(module: Term, fn: Term, arity: u32): i32 {
  if (table == 0 || !isAtom(module) || !isAtom(fn) || arity > 255) return -1;
  const key = keyOf(atomIndex(module), atomIndex(fn), arity);
  let probe: u32 = 0;
  let s = slotFor(key, probe);
  let v = load<u32>(s, 8);
  while (v != 0 && load<u64>(s) != key) {
    s = slotFor(key, ++probe);
    v = load<u32>(s, 8);
  }
  return <i32>v - 1;   // (empty: -1)
}

/**
 * The entry a process spawned by name with {M, F, Args} starts in straight away, or -1: M:F/1's
 * table index when Args is one term. An entry of one argument has a process entry's type,
 * (i64) -> (i64), so the process starts in it with that term, and no trampoline frame lies under
 * the program's frames for its whole life (on Asyncify each frame is saved and restored at every
 * suspend: the trampoline's cost a yield more than a scheduler switch). Anything else (another
 * arity, no such entry) starts in the trampoline, which calls it or ends the process with undef.
 */
export function directEntry(mfa: Term): i32 {
  if (!isBoxed(mfa) || boxedSubtag(mfa) != SUB_TUPLE || tupleArity(mfa) != 3) return -1;
  const args = tupleGet(mfa, 2);
  if (!isList(args) || tail(args) != NIL) return -1;
  return exportLookup(tupleGet(mfa, 0), tupleGet(mfa, 1), 1);
}
