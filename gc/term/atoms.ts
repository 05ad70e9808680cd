// The atom table: one per runtime, shared by every process, as on BEAM.
// Atoms are immediates (term.ts) holding an index into this table, so a
// message copy never touches it and no collector scans it. Names are UTF-8.
//
//   names   growable array, entry i = { ptr: u32, len: u32 } of atom i's bytes
//   hash    open addressing, linear probing; entry = atom index + 1 (0 = empty);
//           capacity a power of two, doubled past half full
//
// The first atoms are interned at start in PREDEFINED order, so runtime code
// uses them as constants (ATOM_NORMAL, ...). The table never shrinks; past
// MAX_ATOMS, interning returns -1 and callers raise system_limit.

import { Term, makeAtom } from "./term";
import { Vec, vecStatic, vecReserve, vecAt } from "../mem/vec";
import { DEBUG } from "../mem/debug";
import { MAX_ATOMS, MAX_ATOM_CHARS } from "../../assembly/boundary/defaults";
import { AtomResult } from "../../assembly/boundary/codes";

// @ts-ignore: decorator
@inline const ATOM_TABLE_FULL: i32 = AtomResult.TABLE_FULL;
// @ts-ignore: decorator
@inline const ATOM_BAD_NAME: i32 = AtomResult.BAD_NAME;
import { PREDEFINED_ATOM_NAMES, PredefinedAtom } from "../../assembly/boundary/atoms";
import { Tag, TagShift } from "../../assembly/boundary/terms";

// The predefined atoms as terms (their order is assembly/boundary/atoms.ts').
// @ts-ignore: decorator
@inline export const ATOM_NORMAL: Term = (<u64>PredefinedAtom.NORMAL << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_KILL: Term = (<u64>PredefinedAtom.KILL << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_KILLED: Term = (<u64>PredefinedAtom.KILLED << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_NOPROC: Term = (<u64>PredefinedAtom.NOPROC << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_SYSTEM_LIMIT: Term = (<u64>PredefinedAtom.SYSTEM_LIMIT << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_STACK_OVERFLOW: Term = (<u64>PredefinedAtom.STACK_OVERFLOW << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_SHADOW_STACK_OVERFLOW: Term = (<u64>PredefinedAtom.SHADOW_STACK_OVERFLOW << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_BADARG: Term = (<u64>PredefinedAtom.BADARG << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_TRAP: Term = (<u64>PredefinedAtom.TRAP << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_UNDEFINED: Term = (<u64>PredefinedAtom.UNDEFINED << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_TRUE: Term = (<u64>PredefinedAtom.TRUE << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_FALSE: Term = (<u64>PredefinedAtom.FALSE << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_OK: Term = (<u64>PredefinedAtom.OK << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_ERROR: Term = (<u64>PredefinedAtom.ERROR << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_EXIT: Term = (<u64>PredefinedAtom.EXIT << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_THROW: Term = (<u64>PredefinedAtom.THROW << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_INFINITY: Term = (<u64>PredefinedAtom.INFINITY << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_SHUTDOWN: Term = (<u64>PredefinedAtom.SHUTDOWN << TagShift.ATOM) | Tag.ATOM;
/** 'EXIT' */
// @ts-ignore: decorator
@inline export const ATOM_EXIT_TAG: Term = (<u64>PredefinedAtom.EXIT_TAG << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_ABORT: Term = (<u64>PredefinedAtom.ABORT << TagShift.ATOM) | Tag.ATOM;
// @ts-ignore: decorator
@inline export const ATOM_MAX_HEAP_SIZE: Term = (<u64>PredefinedAtom.MAX_HEAP_SIZE << TagShift.ATOM) | Tag.ATOM;

/** { ptr: u32, len: u32 } per atom (its length is unused: count is). */
const names: Vec = vecStatic();
let count: i32 = 0;
let hash: usize = 0;        // u32 per entry
let hashCap: u32 = 0;

/** FNV-1a over the name's bytes. */
function hashBytes(ptr: usize, len: i32): u32 {
  let h: u32 = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = (h ^ load<u8>(ptr + i)) * 0x01000193;
  return h;
}

/** Whether atom `i`'s name equals the bytes at ptr..ptr+len. */
function sameName(i: i32, ptr: usize, len: i32): bool {
  const e = vecAt(names, i, 3);
  if (load<u32>(e, 4) != <u32>len) return false;
  return memory.compare(load<u32>(e), ptr, len) == 0;
}

/** Put atom `i` into a hash table of `cap` entries at `table`. */
function hashInsert(table: usize, cap: u32, i: i32): void {
  const e = vecAt(names, i, 3);
  let h = hashBytes(load<u32>(e), load<u32>(e, 4)) & (cap - 1);
  while (load<u32>(table + (<usize>h << 2))) h = (h + 1) & (cap - 1);
  store<u32>(table + (<usize>h << 2), i + 1);
}

/** Double the hash table and re-insert every atom. */
function growHash(): void {
  const cap: u32 = hashCap ? hashCap << 1 : 1024;
  const table = heap.alloc(<usize>cap << 2);
  memory.fill(table, 0, <usize>cap << 2);
  for (let i = 0; i < count; i++) hashInsert(table, cap, i);
  if (hash) heap.free(hash);
  hash = table;
  hashCap = cap;
}

/** Index of the atom named by the UTF-8 bytes at ptr..ptr+len, or -1 if it is not interned (nothing is added). */
export function atomFind(ptr: usize, len: i32): i32 {
  if (hashCap == 0) return -1;
  let h = hashBytes(ptr, len) & (hashCap - 1);
  for (;;) {
    const v = load<u32>(hash + (<usize>h << 2));
    if (v == 0) return -1;
    if (sameName(<i32>v - 1, ptr, len)) return <i32>v - 1;
    h = (h + 1) & (hashCap - 1);
  }
  return -1;
}

/** Code points in the UTF-8 bytes p[0..n), or -1 if they are not valid UTF-8. */
export function utf8Chars(p: usize, n: usize): i32 {
  let chars = 0;
  let i: usize = 0;
  while (i < n) {
    const c = <u32>load<u8>(p + i);
    let need: usize, cp: u32, lo: u32;
    if (c < 0x80) { i++; chars++; continue; }
    else if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; lo = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0x0F; lo = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 0x07; lo = 0x10000; }
    else return -1;
    if (i + need >= n) return -1;          // truncated
    for (let k: usize = 1; k <= need; k++) {
      const d = <u32>load<u8>(p + i + k);
      if ((d & 0xC0) != 0x80) return -1;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (cp < lo || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    i += need + 1;
    chars++;
  }
  return chars;
}

/**
 * Index of the atom named by the UTF-8 bytes at ptr..ptr+len, interning it if
 * new; ATOM_TABLE_FULL past MAX_ATOMS (system_limit), ATOM_BAD_NAME if the name
 * is not UTF-8 or longer than MAX_ATOM_CHARS characters (badarg, as on BEAM).
 */
export function atomIntern(ptr: usize, len: i32): i32 {
  const known = atomFind(ptr, len);
  if (known >= 0) return known;
  const chars = utf8Chars(ptr, <usize>len);
  if (chars < 0 || chars > MAX_ATOM_CHARS) return ATOM_BAD_NAME;
  if (count >= MAX_ATOMS) return ATOM_TABLE_FULL;
  if (hashCap == 0) growHash();
  vecReserve(names, count + 1, 3);
  const copy = heap.alloc(max(len, 1));
  memory.copy(copy, ptr, len);
  const e = vecAt(names, count, 3);
  store<u32>(e, <u32>copy);
  store<u32>(e, <u32>len, 4);
  const i = count++;
  if (<u32>count * 2 > hashCap) growHash(); else hashInsert(hash, hashCap, i);
  return i;
}

/** Address of atom i's name bytes. */
export function atomNamePtr(i: i32): usize { return load<u32>(vecAt(names, i, 3)); }
/** Length in bytes of atom i's name. */
export function atomNameLen(i: i32): i32 { return load<i32>(vecAt(names, i, 3), 4); }
/** Number of atoms interned. */
export function atomCount(): i32 { return count; }

/** Atom for the ASCII characters s[start..end) (no managed string is allocated). */
function internAscii(s: string, start: i32, end: i32): Term {
  const n = end - start;
  const buf = heap.alloc(max(n, 1));
  for (let i = 0; i < n; i++) store<u8>(buf + i, <u8>s.charCodeAt(start + i));
  const i = atomIntern(buf, n);
  heap.free(buf);
  return makeAtom(<u32>i);
}

/** Atom for an ASCII name written in runtime code. */
export function atomOf(name: string): Term { return internAscii(name, 0, name.length); }

/** Intern the predefined atoms in order; runs once at start. */
export function atomsInit(): void {
  if (count) return;
  const names = PREDEFINED_ATOM_NAMES;
  let start = 0;
  for (let i = 0, n = names.length; i <= n; i++) {
    if (i == n || names.charCodeAt(i) == 32) {
      internAscii(names, start, i);
      start = i + 1;
    }
  }
  if (DEBUG) assert(count == PredefinedAtom.COUNT);   // one name per member, in order
}
