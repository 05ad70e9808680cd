// The host side of the term machine (assembly/testing/programs/gc.ts): a program
// builder and a model that knows, for every HASH and LIVE op, what the
// process must report if its heap and collector kept every term intact.
import fc from "fast-check";
import { PredefinedAtom } from "../assembly/boundary/atoms";
import { HEAP_BIN_MAX } from "../assembly/boundary/defaults";
import { SMALL_BITS } from "../assembly/boundary/terms";

type Node =
  | { k: "small" | "int"; v: bigint }
  | { k: "atom"; i: number }
  | { k: "nil" }
  | { k: "float"; v: number }
  | { k: "tuple"; e: Node[] }
  | { k: "cons"; h: Node; t: Node }
  | { k: "bin"; len: number; seed: number }
  | { k: "map"; keys: Node[]; vals: Node[] }
  | { k: "fun"; free: Node[] };

const SMALL_MAX = (1n << BigInt(SMALL_BITS - 1)) - 1n, SMALL_MIN = -(1n << BigInt(SMALL_BITS - 1));
const NIL: Node = { k: "nil" };

// Sharing multiplies the size of a term's canonical walk (what termHash and
// a message copy visit): a tuple of 100 references to a 5,000-cell list walks
// 500,000 cells. The builder refuses ops that would make a term walk more
// than MAX_WALK nodes, so every program stays quick to check.
const MAX_WALK = 50_000;
const walkMemo = new WeakMap<Node, number>();
/** Nodes a canonical walk of `n` visits (sharing expanded), capped just past MAX_WALK. */
function walkSize(n: Node): number {
  const m = walkMemo.get(n);
  if (m !== undefined) return m;
  let size = 1;
  if (n.k === "cons") {
    // along the tail iteratively: lists can be long
    let c: Node = n, len = 0;
    const heads: Node[] = [];
    while (c.k === "cons") { heads.push(c.h); c = c.t; len++; if (len > MAX_WALK) break; }
    size = len + walkSize(c);
    for (const h of heads) { size += walkSize(h); if (size > MAX_WALK) break; }
  } else {
    for (const c of children(n)) { size += walkSize(c); if (size > MAX_WALK) break; }
  }
  size = Math.min(size, MAX_WALK + 1);
  walkMemo.set(n, size);
  return size;
}
const fits = (...parts: Node[]) => parts.reduce((a, p) => a + walkSize(p), 1) <= MAX_WALK;

/** Words a node takes on the heap (gc/term/term.ts). */
function words(n: Node): number {
  switch (n.k) {
    case "small": case "atom": case "nil": return 0;
    case "int": return n.v > SMALL_MAX || n.v < SMALL_MIN ? 3 : 0;     // a big of one limb: header, sign, limb
    case "float": return 2;
    case "tuple": return 1 + n.e.length;
    case "cons": return 2;
    case "bin": return n.len <= HEAP_BIN_MAX ? 2 + Math.ceil(n.len / 8) : 4;
    case "map": return 2 + 2 * n.keys.length;
    case "fun": return 2 + n.free.length;
  }
}

function children(n: Node): Node[] {
  switch (n.k) {
    case "tuple": return n.e;
    case "cons": return [n.h, n.t];
    case "map": return [...n.keys, ...n.vals];
    case "fun": return n.free;
    default: return [];
  }
}

/** Words of every distinct node reachable from `roots` (what a full sweep keeps). */
export function liveWords(roots: Node[]): number {
  const seen = new Set<Node>();
  const todo = [...roots];
  let total = 0;
  while (todo.length) {
    const n = todo.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    total += words(n);
    todo.push(...children(n));
  }
  return total;
}

/** The structural hash termHash computes (FNV-1a over a canonical walk). */
export function hashNode(root: Node): number {
  let h = 0x811c9dc5;
  const emit = (x: number) => { h = Math.imul((h ^ x) >>> 0, 16777619) >>> 0; };
  const emit64 = (v: bigint) => { const u = BigInt.asUintN(64, v); emit(Number(u & 0xffffffffn)); emit(Number(u >> 32n)); };
  const walk = (n: Node): void => {
    for (;;) {
      switch (n.k) {
        case "cons": emit(6); walk(n.h); n = n.t; continue;
        case "nil": emit(3); return;
        case "small": case "int": emit(1); emit64(n.v); return;
        case "atom": emit(2); emit(n.i); return;
        case "float": { emit(4); const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, n.v, true); emit64(b.getBigUint64(0, true)); return; }
        case "tuple": emit(5); emit(n.e.length); n.e.forEach(walk); return;
        case "bin": emit(7); emit(n.len); for (let i = 0; i < n.len; i++) emit((n.seed + i) & 0xff); return;
        case "map": emit(8); emit(n.keys.length); n.keys.forEach(walk); n.vals.forEach(walk); return;
        case "fun": emit(9); emit(funEntry); emit(1); emit(n.free.length); n.free.forEach(walk); return;
      }
    }
  };
  walk(root);
  return h;
}
let funEntry = 0;   // table index the machine gives its funs (set from the runtime)
export function setFunEntry(i: number): void { funEntry = i; }

/** One step of a random program, before it is fitted to the stack it meets. */
export interface Step { op: number; a: number; b: number; v: bigint; f: number }

export const stepArb: fc.Arbitrary<Step> = fc.record({
  op: fc.integer({ min: 0, max: 24 }),
  a: fc.nat(1000),
  b: fc.nat(255),
  v: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  f: fc.double({ noNaN: true }),
});

export interface Expectation {
  hashes: number[];
  live: number[];
  /** ROUNDTRIP ops emitted (with opts.roundTrips): each sends a term to the host and expects it back. */
  roundTrips: number;
}

/** Whether `n` holds a fun or a non-finite float anywhere (neither crosses to the host: Erlang has no such float). */
function holdsFun(n: Node): boolean {
  const todo = [n];
  while (todo.length) {
    const x = todo.pop()!;
    if (x.k === "fun" || (x.k === "float" && !Number.isFinite(x.v))) return true;
    todo.push(...children(x));
  }
  return false;
}

/** Turn random steps into a valid program and what it must report. */
export function buildProgram(steps: Step[], opts: { cap?: number; allowYield?: boolean; roundTrips?: boolean } = {}): { bytes: Uint8Array; expect: Expectation } {
  const cap = opts.cap ?? 48;
  const out: number[] = [];
  const u8 = (x: number) => out.push(x & 0xff);
  const u16 = (x: number) => { u8(x); u8(x >> 8); };
  const u32 = (x: number) => { u16(x & 0xffff); u16(x >>> 16); };
  const i64 = (v: bigint) => { const u = BigInt.asUintN(64, v); u32(Number(u & 0xffffffffn)); u32(Number(u >> 32n)); };
  const f64 = (v: number) => { const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, v, true); for (let i = 0; i < 8; i++) u8(b.getUint8(i)); };
  u32(cap);
  const frames: Node[][] = [[]];
  let dict: Node = NIL;
  const expect: Expectation = { hashes: [], live: [], roundTrips: 0 };
  // with opts.roundTrips: slot k goes to the host and back, and must come back =:= (funs cannot go)
  const roundTrip = (k: number) => {
    if (!opts.roundTrips || holdsFun(st()[k])) return;
    u8(0x19); u16(k); expect.roundTrips++;
  };
  const st = () => frames[frames.length - 1];
  const push = (n: Node) => st().push(n);
  // the machine keeps its value in the process dictionary (erlang:put/2) from the start:
  // one entry, [{term_machine, Value}], a tuple and a cons cell around the value
  const roots = () => [...frames.flat(), { k: "cons", h: { k: "tuple", e: [{ k: "atom", i: 0 }, dict] }, t: NIL } as Node];
  // after every collection point: the hash of every term on the current stack
  const hashAll = () => {
    const stack = st();
    for (let k = 0; k < stack.length; k++) { u8(0x11); u16(k); expect.hashes.push(hashNode(stack[k])); }
  };

  for (const s of steps) {
    const stack = st();
    const room = cap - stack.length;
    switch (s.op) {
      case 0: case 1: if (room < 1) break; {
        const v = BigInt.asIntN(60, s.v); u8(0x01); i64(v); push({ k: "small", v }); } break;
      case 2: if (room < 1) break; u8(0x02); u32(s.b % PredefinedAtom.COUNT); push({ k: "atom", i: s.b % PredefinedAtom.COUNT }); break;
      case 3: if (room < 1) break; u8(0x03); push(NIL); break;
      case 4: if (room < 1) break; u8(0x04); f64(s.f); push({ k: "float", v: s.f }); break;
      case 5: if (room < 1) break; u8(0x05); i64(s.v); push({ k: "int", v: s.v }); break;
      case 6: case 7: { const n = Math.min(stack.length, s.b % 6); if (!fits(...stack.slice(stack.length - n))) break;
        u8(0x06); u16(n); push({ k: "tuple", e: stack.splice(stack.length - n, n) }); } break;
      case 8: case 9: if (stack.length < 2 || !fits(stack[stack.length - 1], stack[stack.length - 2])) break; { u8(0x07); const t = stack.pop()!, h = stack.pop()!; push({ k: "cons", h, t }); } break;
      case 10: if (room < 1) break; { const len = s.a % 7 === 0 ? 1000 + s.a : s.a % 90; u8(0x08); u32(len); u8(s.b);
        push({ k: "bin", len, seed: s.b }); } break;
      case 11: { const n = Math.min(s.b % 4, stack.length, Math.floor(room / 2)); if (n === 0) break;
        // keys: ascending distinct small ints, then n values duplicated from the stack (sharing)
        const picks = Array.from({ length: n }, (_, i) => (s.a + i) % stack.length);
        const vals = picks.map((k) => stack[k]);
        if (!fits(...vals)) break;
        const keys: Node[] = [];
        for (let i = 0; i < n; i++) { const v = BigInt(s.a + i * 7); u8(0x01); i64(v); keys.push({ k: "small", v }); }
        for (const k of picks) { u8(0x0b); u16(k); }
        u8(0x09); u16(n); push({ k: "map", keys, vals }); } break;
      case 12: { const n = Math.min(stack.length, s.b % 4); if (!fits(...stack.slice(stack.length - n))) break; u8(0x0a); u16(n); push({ k: "fun", free: stack.splice(stack.length - n, n) }); } break;
      case 13: case 14: if (!stack.length || room < 1) break; { const k = s.a % stack.length; u8(0x0b); u16(k); push(stack[k]); } break;
      case 15: if (!stack.length) break; u8(0x0c); stack.pop(); break;
      case 16: u8(0x0d); hashAll(); break;
      case 17: u8(0x0e); hashAll(); break;
      case 18: if (opts.allowYield === false) break; u8(0x0f); hashAll(); break;
      case 19: u8(0x10); u32(s.a * 4); break;
      case 20: if (!stack.length) break; { const k = s.a % stack.length; u8(0x11); u16(k); expect.hashes.push(hashNode(stack[k])); roundTrip(k); } break;
      case 21: u8(0x12); expect.live.push(liveWords(roots())); break;
      case 22: // CALL with n args, or RET from a nested frame, or the dictionary
        if (s.b % 3 === 0 && frames.length < 4) { const n = Math.min(stack.length, s.a % 3); u8(0x13); u16(n); frames.push(stack.splice(stack.length - n, n)); }
        else if (s.b % 3 === 1 && frames.length > 1) { u8(0x14); const callee = frames.pop()!; const r = callee.length ? callee[callee.length - 1] : NIL;
          if (st().length < cap) st().push(r); else { frames.push(callee); out.pop(); } }
        else if (s.b % 2 === 0 && stack.length) { u8(0x15); dict = stack.pop()!; }
        else if (room >= 1) { u8(0x16); push(dict); }
        break;
      case 23: if (room < 1) break; { // a deep list, built cell by cell
        const n = s.a * 5; u8(0x17); u32(n);
        let l: Node = NIL;
        for (let i = n - 1; i >= 0; i--) l = { k: "cons", h: { k: "small", v: BigInt(i) }, t: l };
        push(l); } break;
      case 24: if (!stack.length) break; { // a wide tuple sharing one element
        const n = 1 + (s.a % 100); if (walkSize(stack[stack.length - 1]) * n > MAX_WALK) break;
        u8(0x18); u16(n); const e = stack.pop()!; push({ k: "tuple", e: Array(n).fill(e) }); } break;
    }
  }
  if (opts.roundTrips) {
    // terms a random program rarely makes, each sent to the host and back: a map whose keys differ
    // only as integer and float (-0.0, 0.0, 1, 1.0), a map past 32 keys, and a 1,000-deep nesting
    const at = () => st().length;
    if (cap - at() >= 9) {
      // in map-key order (docs/abi.md): every integer before every float
      const keys: Node[] = [{ k: "small", v: 1n }, { k: "float", v: -0 }, { k: "float", v: 0 }, { k: "float", v: 1 }];
      for (const key of keys) { if (key.k === "float") { u8(0x04); f64(key.v); } else { u8(0x01); i64(key.v); } }
      for (let i = 0; i < 4; i++) { u8(0x01); i64(BigInt(i)); }
      u8(0x09); u16(4);
      push({ k: "map", keys, vals: [0n, 1n, 2n, 3n].map((v) => ({ k: "small", v }) as Node) });
      roundTrip(at() - 1);
    }
    if (cap - at() >= 81) {
      const keys = Array.from({ length: 40 }, (_, i) => ({ k: "small", v: BigInt(i) }) as Node);
      for (const key of keys) { u8(0x01); i64((key as { v: bigint }).v); }
      for (let i = 0; i < 40; i++) { u8(0x01); i64(BigInt(100 + i)); }
      u8(0x09); u16(40);
      push({ k: "map", keys, vals: Array.from({ length: 40 }, (_, i) => ({ k: "small", v: BigInt(100 + i) }) as Node) });
      roundTrip(at() - 1);
    }
    if (cap - at() >= 1) {
      u8(0x03);
      let n: Node = NIL;
      for (let i = 0; i < 1000; i++) { u8(0x06); u16(1); n = { k: "tuple", e: [n] }; }
      push(n);
      roundTrip(at() - 1);
    }
  }
  // end: hash every value still on every stack, then one last live count
  for (const f of frames) for (let k = 0; k < f.length; k++) {
    if (f !== st()) continue;
    u8(0x11); u16(k); expect.hashes.push(hashNode(f[k]));
    roundTrip(k);
  }
  u8(0x12); expect.live.push(liveWords(roots()));
  return { bytes: Uint8Array.from(out), expect };
}
