// Registered names: atom -> pid, one table per runtime (register/2,
// unregister/1, whereis/1). A process has at most one name and loses it when
// it ends. Open addressing on the atom's index, linear probing; a removed
// entry becomes a tombstone so probe chains stay intact.
//
// ╒══════ Entry (16 bytes) ══════╕
//   +0  name  u64   the atom term; 0 empty, 1 tombstone
//   +8  pid   u64   the pid registered under it
// └──────────────────────────────┘

import { Term } from "../../gc/term/term";
import { lookup } from "./process";

@unmanaged class Entry {
  name: Term;
  pid: Term;
}

let table: usize = 0;
let cap: u32 = 0;
let used: u32 = 0;   // live entries and tombstones

// @ts-ignore: decorator
@inline const TOMBSTONE: u64 = 1;

/** Entry i of table `t`. */
// @ts-ignore: decorator
@inline function entryAt(t: usize, i: u32): Entry { return changetype<Entry>(t + (<usize>i << 4)); }

/** Slot of `name`, or of the first free slot on its probe chain when absent (-1 if the table is empty). */
function find(name: Term, forInsert: bool): i32 {
  if (!cap) return -1;
  let i = <u32>(name >> 6) * 0x9E3779B1 & (cap - 1);
  let firstFree: i32 = -1;
  for (;;) {
    const k = entryAt(table, i).name;
    if (k == name) return <i32>i;
    if (k == 0) return forInsert ? (firstFree >= 0 ? firstFree : <i32>i) : -1;
    if (k == TOMBSTONE && firstFree < 0) firstFree = <i32>i;
    i = (i + 1) & (cap - 1);
  }
  return -1;
}

/** Double the table (or start it) and re-insert the live names. */
function grow(): void {
  const old = table, oldCap = cap;
  cap = cap ? cap << 1 : 64;
  table = heap.alloc(<usize>cap << 4);
  memory.fill(table, 0, <usize>cap << 4);
  used = 0;
  for (let i: u32 = 0; i < oldCap; i++) {
    const e = entryAt(old, i);
    if (e.name > TOMBSTONE) {
      const to = entryAt(table, <u32>find(e.name, true));
      to.name = e.name;
      to.pid = e.pid;
      used++;
    }
  }
  if (old) heap.free(old);
}

/** Name `pid` as `name`; false if the name is taken, the process is dead, or it already has a name (badarg). */
export function registerName(name: Term, pid: Term): bool {
  const p = lookup(pid);
  if (!p || p.name) return false;
  if (whereis(name)) return false;
  if ((used + 1) * 2 > cap) grow();
  const e = entryAt(table, <u32>find(name, true));
  if (e.name == 0) used++;
  e.name = name;
  e.pid = pid;
  p.name = name;
  return true;
}

/** Remove `name`; false if it was not registered. */
export function unregisterName(name: Term): bool {
  const i = find(name, false);
  if (i < 0) return false;
  const e = entryAt(table, <u32>i);
  const p = lookup(e.pid);
  if (p) p.name = 0;
  e.name = TOMBSTONE;
  return true;
}

/** The pid registered as `name`, or 0. */
export function whereis(name: Term): Term {
  const i = find(name, false);
  return i < 0 ? 0 : entryAt(table, <u32>i).pid;
}
