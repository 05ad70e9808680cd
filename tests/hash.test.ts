// term_hash (gc/term/hash.ts) is erlang:phash2/1,2 of OTP 25: terms of every
// kind a process holds (edge cases and random ones) go to a hasher process
// (assembly/testing/programs/hash.ts) on both backends, and the same terms as
// External Term Format to `erl` in this run; every range's answer must be
// BEAM's. Pids are checked both ways BEAM reads ours: with a creation of
// their own (external pids on BEAM) and with creation 0 (BEAM's local pids).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { encode, decode } from "../host/etf";
import { Atom, Pid, Tuple, ImproperList, Float } from "../host/terms";
import { pidTerm, PID_SLOTS } from "../host/terms";
import { SMALL_BITS } from "../assembly/boundary/terms";
import { BACKENDS, start } from "./helpers";

const A = (name: string): Atom => Atom.of(name);
const I64_MIN = -(1n << 63n), I64_MAX = (1n << 63n) - 1n;
const SMALL_MAX = (1n << BigInt(SMALL_BITS - 1)) - 1n, SMALL_MIN = -(1n << BigInt(SMALL_BITS - 1));

/** 0: phash2/1; the others phash2/2, the out-of-range ones (badarg on BEAM) answered -1. */
const RANGES = [0, 1, 2, 3, 7, 256, 1000, 2 ** 27, 2 ** 27 + 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, -1, 2 ** 32 + 1, -(2 ** 32)];

/** The creation of the runtimes' pids in the first run: not BEAM's own (0), so BEAM reads them as another node's. */
const CREATION = 0x5eed_1234;

// ── the terms ------------------------------------------------------------------------------

const bytes = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 2654435761 + seed * 40503 + (i >> 8)) & 0xff);

/** Edge cases of every kind: the small/big boundaries, floats, atoms, binaries, strings, maps past 32 keys. */
function edgeCases(pid: (slot: number, serial: number) => Pid, bigPids: boolean): unknown[] {
  const ints: (number | bigint)[] = [
    0, 1, -1, 255, 256, -255, 2 ** 27 - 1, 2 ** 27, -(2 ** 27), -(2 ** 27) - 1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1,
    2 ** 32 - 1, 2 ** 32, -(2 ** 32), 2 ** 53 - 1, -(2 ** 53) + 1, SMALL_MAX, SMALL_MAX + 1n, SMALL_MIN, SMALL_MIN - 1n,
    1n << 62n, -(1n << 62n), I64_MAX, I64_MIN, I64_MAX - 1n, I64_MIN + 1n, 0xdead_beef_cafe_f00dn & I64_MAX,
  ];
  const floats = [
    new Float(0), new Float(-0), new Float(1), new Float(-1), new Float(2), new Float(2 ** 53), new Float(-(2 ** 63)), new Float(2 ** 64),
    0.5, -2.5, 0.1, 1e-300, -1e-300, Number.MIN_VALUE, -Number.MIN_VALUE, new Float(Number.MAX_VALUE), new Float(-Number.MAX_VALUE), new Float(1e300),
  ];
  const atoms = [
    "", "a", "ok", "undefined", "nonode@nohost", "héllo", "é", "ÿ", "\u0080", "\u00bf", "\u00c0", "Ā", "€", "aé€\u{1F600}",
    "\u{1F600}", "é".repeat(255), "€".repeat(255), "a".repeat(255), "abcdefghijklmnopq",
  ].map(A);
  const binaries = [0, 1, 2, 3, 4, 5, 8, 11, 12, 13, 23, 24, 25, 63, 64, 65, 100, 1000, 4099, 1 << 16].map((n) => bytes(n, n));
  const strings: unknown[] = [
    [], [0], [1, 2], [1, 2, 3], [1, 2, 3, 4], [1, 2, 3, 4, 5], [255, 255, 255, 255, 255, 255, 255, 255, 255],
    Array.from("hello, world!", (c) => c.charCodeAt(0)), [256], [-1], [1, A("a"), 2], [1, 2, 3, 256, 4, 5, 6, 7, 8],
    [[]], [[], []], [[[]]], [A("a"), []], [1, [2, [3, []]]], [new Tuple([]), 1, 2],
    new ImproperList([1, 2, 3], 4), new ImproperList([1, 2, 3, 4, 5], []), new ImproperList([1, 2], A("tail")),
    new ImproperList([A("a")], 7), new ImproperList([1], new Uint8Array([1, 2])), new ImproperList([300, 1], new Float(1.5)),
    new ImproperList([1, 2, 3, 4], new Tuple([1])), new ImproperList([[]], []),
    Array.from({ length: 100_000 }, (_, i) => i & 255), Array.from({ length: 20_000 }, (_, i) => i * 7919 - 50_000),
  ];
  const tuples = [
    new Tuple([]), new Tuple([[]]), new Tuple([0]), new Tuple([A("a"), A("b")]), new Tuple([new Tuple([]), new Tuple([[]])]),
    new Tuple(Array.from({ length: 300 }, (_, i) => (i % 3 ? i : A(`x${i % 7}`)))),
  ];
  const keys: unknown[] = [
    1, new Float(1), 2.5, -7, 1n << 60n, A("a"), A("b"), A(""), "bin", new Uint8Array(70).fill(3), new Tuple([1, 2]), [1, 2],
    [], new Map([[A("k"), 1]]), new Map(), pid(3, 4), new Float(0), I64_MIN, new Tuple([]), A("é"),
  ];
  const maps: unknown[] = [
    new Map(), new Map([[A("a"), 1]]), new Map([[1, A("a")]]), new Map([[[], []]]), new Map([[1, 1], [new Float(1), 2]]),
    new Map(keys.map((k, i) => [k, i % 2 ? new Tuple([i]) : [i, A("v")]])),
    new Map(keys.map((k, i) => [k, new Map([[k, new Map([[i, k]])]])])),
    new Map(Array.from({ length: 33 }, (_, i) => [i, i])),                                  // a HAMT on BEAM
    new Map(Array.from({ length: 200 }, (_, i) => [i % 2 ? A(`k${i}`) : `s${i}`, new Map([[i, [i]]])])),
    { a: 1, b: [2], c: { d: new Tuple([3]) } },
  ];
  const pids = [pid(0, 0), pid(1, 0), pid(5, 7), pid(2 ** 15 - 1, 2 ** 13 - 1)];
  if (bigPids) pids.push(pid(2 ** 15, 1), pid(PID_SLOTS - 1, 2 ** 32 - 1), pid(123_456, 2 ** 31));
  const nested = (depth: number, wrap: (v: unknown, i: number) => unknown): unknown =>
    Array.from({ length: depth }).reduce<unknown>((v, _, i) => wrap(v, i), A("bottom"));
  return [
    ...ints, ...floats, ...atoms, true, false, undefined, ...binaries, ...strings, ...tuples, ...maps, ...pids,
    [ints, floats, atoms, binaries.slice(0, 12), pids],
    new Tuple([...ints, ...floats, ...atoms, ...pids]),
    nested(1000, (v, i) => [v, i]),
    nested(1000, (v, i) => new Tuple([i, v])),
    nested(500, (v, i) => new Map<unknown, unknown>([[i, v], [A("i"), i]])),
    nested(500, (v, i) => new ImproperList([i], v)),
  ];
}

const wellFormed = (s: string): boolean => new TextDecoder().decode(new TextEncoder().encode(s)) === s;
/** Random values over every kind of leaf (no map holds both 0.0 and -0.0: on OTP 25 they are one key). */
function valueArb(pidArb: fc.Arbitrary<Pid>): fc.Arbitrary<unknown> {
  const atomArb = fc.oneof(
    fc.constantFrom("ok", "", "héllo_€", "é".repeat(100), "ÿÀ\u0080"), fc.string({ maxLength: 12 }),
    fc.string({ unit: "binary", maxLength: 6 }).filter(wellFormed), fc.string({ unit: "grapheme-composite", maxLength: 5 }),
  ).map(A);
  const integerArb = fc.oneof(
    fc.integer(), fc.integer({ min: -300, max: 300 }), fc.integer({ min: -(2 ** 28), max: 2 ** 28 }), fc.maxSafeInteger(),
    fc.bigInt({ min: I64_MIN, max: I64_MAX }), fc.bigInt({ min: SMALL_MIN - 2n, max: SMALL_MIN + 2n }),
    fc.bigInt({ min: SMALL_MAX - 2n, max: SMALL_MAX + 2n }),
  );
  const double = fc.double({ noNaN: true, noDefaultInfinity: true });
  const floatArb = fc.oneof(double.filter((d) => !Number.isInteger(d)), double.map((d) => new Float(d)),
    fc.integer({ min: -5, max: 5 }).map((i) => new Float(i)));
  const binaryArb = fc.oneof(fc.uint8Array({ maxLength: 140 }), fc.string({ maxLength: 20 }));
  const leaf = fc.oneof(integerArb, floatArb, atomArb, binaryArb, pidArb, fc.boolean(), fc.constantFrom(null, [] as unknown[]));
  const keyOf = (k: unknown): string => Buffer.from(encode(k instanceof Float && k.value === 0 ? new Float(0) : k)).toString("hex");
  return fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: "small", maxDepth: 4 },
      leaf, leaf, leaf, tie("list"), tie("bytes"), tie("tuple"), tie("map"), tie("improper")),
    list: fc.array(tie("value"), { maxLength: 8 }),
    bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 20 }),
    tuple: fc.array(tie("value"), { maxLength: 6 }).map((e) => new Tuple(e)),
    map: fc.uniqueArray(fc.tuple(fc.oneof(leaf, tie("value")), tie("value")), { maxLength: 40, selector: ([k]) => keyOf(k) })
      .map((p) => new Map(p)),
    improper: fc.tuple(fc.array(fc.oneof(leaf, tie("bytes").map((b) => (b as number[])[0] ?? 0)), { minLength: 1, maxLength: 9 }), leaf)
      .filter(([, tail]) => !Array.isArray(tail) && tail !== null)
      .map(([els, tail]) => new ImproperList(els, tail)),
  })).value;
}

// ── BEAM's answers ------------------------------------------------------------------------------

/** phash2 of each value for each of RANGES, computed by `erl` from the values' ETF. */
function beamHashes(values: unknown[]): number[][] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shoal-phash2-"));
  try {
    const input = path.join(dir, "in.etf"), output = path.join(dir, "out.etf");
    fs.writeFileSync(input, encode(new Tuple([RANGES, values])));
    const program = [
      "[In, Out] = init:get_plain_arguments(),",
      "{ok, B} = file:read_file(In),",
      "{Ranges, Terms} = binary_to_term(B),",
      "H = fun(T, 0) -> erlang:phash2(T); (T, R) -> try erlang:phash2(T, R) catch error:badarg -> -1 end end,",
      "ok = file:write_file(Out, term_to_binary([[H(T, R) || R <- Ranges] || T <- Terms])),",
      "halt().",
    ].join(" ");
    const r = spawnSync("erl", ["-noshell", "-eval", program, "-extra", input, output], { encoding: "utf8", timeout: 60_000 });
    if (r.status !== 0) throw new Error(`erl failed (${r.status}): ${r.stderr || r.stdout}`);
    return (decode(fs.readFileSync(output)) as number[][]).map((row) => row.map(Number));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A short description of a value, for a failure's message. */
function show(v: unknown): string {
  const s = JSON.stringify(v, (_, x) => {
    if (typeof x === "bigint") return `${x}n`;
    if (x instanceof Atom) return `'${x.name}'`;
    if (x instanceof Float) return `${x.value}f`;
    if (x instanceof Pid) return `<pid ${x.term}>`;
    if (x instanceof Map) return { map: [...x] };
    if (x instanceof Uint8Array) return `<<${x.length} bytes>>`;
    if (x === undefined) return "undefined";
    return x;
  });
  return s.length > 300 ? `${s.slice(0, 300)}...` : s;
}

// ── the runs ------------------------------------------------------------------------------------

/** Each value through a hasher process: its term_hash for each of RANGES. */
async function shoalHashes(backend: "fx" | "asyncify", creation: number, values: unknown[]): Promise<number[][]> {
  const h = await start(backend, { pidCreation: creation, poisonFromSpace: true });
  const hasher = h.rt.spawn("hasher");
  const out: number[][] = [];
  for (const v of values) {
    h.rt.send(hasher, new Tuple([v, RANGES]));
    const reply = await h.rt.receive({ timeoutMs: 10_000 }) as Tuple;
    out.push(reply.elements.map(Number));
  }
  h.rt.send(hasher, A("stop"));
  await h.rt.run();
  expect(h.exitOf(hasher)).toBe("normal");
  h.rt.stop();
  return out;
}

/** The values whose hashes differ, described (empty when all agree). */
function differences(values: unknown[], ours: number[][], beam: number[][]): string[] {
  const diffs: string[] = [];
  values.forEach((v, i) => {
    const a = ours[i].join(" "), b = beam[i].join(" ");
    if (a !== b) diffs.push(`#${i} ${show(v)}\n  shoal: ${a}\n  beam:  ${b}`);
  });
  return diffs.slice(0, 5);
}

interface Run { name: string; creation: number; values: unknown[]; beam: number[][] }
const runs: Run[] = [];
const seed = Date.now() % 1_000_000;

beforeAll(() => {
  // pids of their own creation: BEAM reads them as external pids, of any slot and serial
  const own = (slot: number, serial: number): Pid => new Pid(pidTerm(slot, serial), CREATION);
  const ownArb = fc.tuple(fc.integer({ min: 0, max: PID_SLOTS - 1 }), fc.nat()).map(([s, n]) => own(s, n));
  // creation 0: BEAM's local pids, which hold a 15-bit ID and a 13-bit serial
  const local = (slot: number, serial: number): Pid => new Pid(pidTerm(slot, serial), 0);
  const localArb = fc.tuple(fc.integer({ min: 0, max: 2 ** 15 - 1 }), fc.integer({ min: 0, max: 2 ** 13 - 1 })).map(([s, n]) => local(s, n));
  const sample = (arb: fc.Arbitrary<Pid>, n: number, s: number): unknown[] => fc.sample(valueArb(arb), { numRuns: n, seed: s });
  const planned = [
    { name: "external pids", creation: CREATION, values: [...edgeCases(own, true), ...sample(ownArb, 300, seed)] },
    { name: "local pids", creation: 0, values: [...edgeCases(local, false).filter((v) => v instanceof Pid), ...sample(localArb, 50, seed + 1)] },
  ];
  // one erl for every run's values
  const all = planned.flatMap((r) => r.values);
  const beam = beamHashes(all);
  let at = 0;
  for (const r of planned) {
    runs.push({ ...r, beam: beam.slice(at, at + r.values.length) });
    at += r.values.length;
  }
}, 60_000);

describe.each(BACKENDS)("term_hash on %s", (backend) => {
  test("is erlang:phash2/1,2 of OTP 25 for edge cases and random terms", async () => {
    for (const r of runs) {
      const ours = await shoalHashes(backend, r.creation, r.values);
      expect(`${r.name} (seed ${seed}): ${differences(r.values, ours, r.beam).join("\n")}`).toBe(`${r.name} (seed ${seed}): `);
    }
  });

  // no fun crosses from the host, and ours have no module, index and uniq to hash as BEAM does:
  // the hasher builds them, and they must hash by entry, arity and free variables, wherever they are
  test("funs hash by their entry, arity and free variables, the same after a collection moves them", async () => {
    const h = await start(backend, { poisonFromSpace: true });
    const hasher = h.rt.spawn("hasher");
    const hashOf = async (entry: number, arity: number, frees: unknown[]): Promise<number[]> => {
      h.rt.send(hasher, new Tuple([entry, arity, frees]));
      return ((await h.rt.receive({ timeoutMs: 10_000 })) as Tuple).elements.map(Number);
    };
    const frees = [1, A("x"), "bin", new Tuple([2.5, [A("y")]])];
    const base = await hashOf(3, 1, frees);
    expect(base[2]).toBe(base[0]);                   // after the move: the same
    expect(base[3]).toBe(base[1]);
    expect(base[0]).toBe(base[1] % 2 ** 27);         // phash2/1 is the hash's low 27 bits
    expect(await hashOf(3, 1, frees)).toEqual(base);
    const others: number[][] = [];
    for (const [e, a, f] of [
      [4, 1, frees], [3, 2, frees], [3, 1, frees.slice(1)], [3, 1, [...frees.slice(0, 3), new Tuple([2.5, [A("z")]])]], [3, 1, []], [3, 0, []],
    ] as [number, number, unknown[]][]) others.push(await hashOf(e, a, f));
    expect(new Set([base[1], ...others.map((o) => o[1])]).size).toBe(others.length + 1);
    for (const o of others) expect([o[2], o[3]]).toEqual([o[0], o[1]]);
    h.rt.send(hasher, A("stop"));
    await h.rt.run();
    expect(h.exitOf(hasher)).toBe("normal");
  });
});
