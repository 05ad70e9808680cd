// Registered names: atom -> pid, one table per runtime (register/2,
// unregister/1, whereis/1). A process has at most one name and loses it when
// it ends. Open addressing on the atom's index, linear probing; a removed
// entry becomes a tombstone so probe chains stay intact.
//
//   entry: { atom term (0 empty, 1 tombstone), pid term }   16 bytes

import { Term } from "../gc/term";
import { lookup } from "./process";

let table: usize = 0;
let cap: u32 = 0;
let used: u32 = 0;   // live entries and tombstones

// @ts-ignore: decorator
@inline const TOMBSTONE: u64 = 1;

/** Slot of `name`, or of the first free slot on its probe chain when absent (-1 if the table is empty). */
function find(name: Term, forInsert: bool): i32 {
  if (!cap) return -1;
  let i = <u32>(name >> 6) * 0x9E3779B1 & (cap - 1);
  let firstFree: i32 = -1;
  for (;;) {
    const k = load<u64>(table + (<usize>i << 4));
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
    const k = load<u64>(old + (<usize>i << 4));
    if (k > TOMBSTONE) {
      const j = find(k, true);
      store<u64>(table + (<usize>j << 4), k);
      store<u64>(table + (<usize>j << 4), load<u64>(old + (<usize>i << 4), 8), 8);
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
  const i = find(name, true);
  if (load<u64>(table + (<usize>i << 4)) == 0) used++;
  store<u64>(table + (<usize>i << 4), name);
  store<u64>(table + (<usize>i << 4), pid, 8);
  p.name = name;
  return true;
}

/** Remove `name`; false if it was not registered. */
export function unregisterName(name: Term): bool {
  const i = find(name, false);
  if (i < 0) return false;
  const p = lookup(load<u64>(table + (<usize>i << 4), 8));
  if (p) p.name = 0;
  store<u64>(table + (<usize>i << 4), TOMBSTONE);
  return true;
}

/** The pid registered as `name`, or 0. */
export function whereis(name: Term): Term {
  const i = find(name, false);
  return i < 0 ? 0 : load<u64>(table + (<usize>i << 4), 8);
}
