// BEAM's map-key order, against erl (OTP 25) in the same run, on random maps whose keys mix integers,
// floats and compound terms holding either (docs/abi.md: every integer before every float, at any depth):
//  - host/etf.ts encode() writes a map of up to 32 keys byte for byte as term_to_binary(M, [{minor_version, 2}])
//    (the order BEAM stores its keys in), and any map as term_to_binary(M, [deterministic, {minor_version, 2}]);
//  - gc/term/etf.ts, in a process on both backends, writes those bytes too, whatever order the pairs arrive in;
//  - term_compare (gc/term/order.ts) orders maps, and terms holding them, as BEAM's < and == do (maps: size,
//    keys in map-key order, values), and the terms BEAM finds == but not =:= in map-key order.
// -0.0 is never generated: OTP 25 makes -0.0 and 0.0 one term, where Shoal keeps two (as OTP 27 does).
// The random terms depend on a seed, printed with any failure (SHOAL_SEED=n runs one again).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { encode, decode } from "../host/etf";
import { Atom, Tuple, ImproperList, Float, formatTerm } from "../host/terms";
import { Trace } from "../assembly/boundary/codes";
import { BACKENDS, start, Harness } from "./helpers";

const SEED = process.env.SHOAL_SEED ? Number(process.env.SHOAL_SEED) : Date.now() % 2 ** 31;
const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
const A = (name: string): Atom => Atom.of(name);
const I64_MIN = -(1n << 63n), I64_MAX = (1n << 63n) - 1n;
const show = (v: unknown): string => { const s = formatTerm(v); return s.length > 300 ? s.slice(0, 300) + "…" : s; };

// ── random terms ---------------------------------------------------------------------------------

/** Numbers near each other as integers and floats, and at the edges of 64 bits and of a double's exact integers. */
const numberArb = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.integer({ min: -3, max: 3 }).map((i) => new Float(i + 0)),      // + 0: never -0.0
  fc.constantFrom(0.5, -1.5, 2.5),
  fc.constantFrom<unknown>(I64_MIN, I64_MIN + 1n, I64_MAX, 1n << 59n, -(1n << 59n) - 1n, 9007199254740992n, 9007199254740993n,
    new Float(2 ** 53), new Float(2 ** 63), new Float(-(2 ** 63)), new Float(-(2 ** 63) - 4096), new Float(1e300)),
);
const leafArb = fc.oneof(numberArb, numberArb, numberArb, fc.constantFrom<unknown>(A("a"), A("b"), "", "a", []));
const keyOf = (k: unknown): string => hex(encode(k));                  // equal terms encode alike
/** Terms over those leaves: tuples, lists, improper lists and maps of a few pairs, a few levels deep. */
const termArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  term: fc.oneof({ depthSize: "small", maxDepth: 3 }, leafArb, leafArb, tie("tuple"), tie("list"), tie("improper"), tie("map")),
  tuple: fc.array(tie("term"), { maxLength: 3 }).map((e) => new Tuple(e)),
  list: fc.array(tie("term"), { maxLength: 3 }),
  improper: fc.tuple(fc.array(tie("term"), { minLength: 1, maxLength: 2 }), numberArb).map(([els, t]) => new ImproperList(els, t)),
  map: fc.uniqueArray(fc.tuple(tie("term"), tie("term")), { maxLength: 4, selector: ([k]) => keyOf(k) }).map((p) => new Map(p)),
})).term;
/** Maps of up to 12 keys (flatmaps on BEAM, and every map inside them too). */
const smallMapArb = fc.uniqueArray(fc.tuple(termArb, termArb), { maxLength: 12, selector: ([k]) => keyOf(k) }).map((p) => new Map(p));
/** Maps of 33 to 40 keys: hash tries on BEAM, whose default encoding follows the trie. */
const largeMapArb = fc.uniqueArray(
  fc.tuple(fc.oneof(fc.integer({ min: -100, max: 100 }), fc.integer({ min: -100, max: 100 }).map((i) => new Float(i + 0)), termArb), termArb),
  { minLength: 33, maxLength: 40, selector: ([k]) => keyOf(k) },
).map((p) => new Map(p));
/** Maps from a few keys and values that differ only as integer and float, so that many pairs tie on size and keys. */
const closeArb = fc.constantFrom<unknown>(1, new Float(1), 2, new Float(2), 1.5, A("a"), new Tuple([1]), new Tuple([new Float(1)]),
  new Map([[1, 1]]), new Map([[new Float(1), 1]]), new Map([[A("a"), 1]]), new Map([[A("a"), new Float(1)]]));
const closeMapArb = fc.uniqueArray(fc.tuple(closeArb, closeArb), { maxLength: 3, selector: ([k]) => keyOf(k) }).map((p) => new Map(p));

const sample = <T>(arb: fc.Arbitrary<T>, n: number, salt: number): T[] => fc.sample(arb, { numRuns: n, seed: SEED + salt });
/** The maps whose encodings are compared: one made to show the order, then random ones. */
const MAPS: Map<unknown, unknown>[] = [
  // #{2 => a, 1.0 => b, {1.0} => c, {2} => d, [1.0 | 2] => e, [1 | 3.0] => f, #{1.0 => x} => g, #{2 => x} => h}
  new Map<unknown, unknown>([[2, A("a")], [new Float(1), A("b")], [new Tuple([new Float(1)]), A("c")], [new Tuple([2]), A("d")],
    [new ImproperList([new Float(1)], 2), A("e")], [new ImproperList([1], new Float(3)), A("f")],
    [new Map([[new Float(1), A("x")]]), A("g")], [new Map([[2, A("x")]]), A("h")]]),
  ...sample(smallMapArb, 150, 1), ...sample(largeMapArb, 15, 2),
];
const TERMS: unknown[] = [
  ...sample(closeMapArb, 40, 3),
  ...sample(fc.tuple(closeMapArb, closeArb), 10, 4).map((e) => new Tuple(e)),
  ...sample(fc.array(closeMapArb, { maxLength: 2 }), 5, 5),
  ...sample(termArb, 15, 6),
  I64_MIN, new Float(-(2 ** 63)), I64_MIN + 1n, 0, new Float(0), 1, new Float(1), 1.5, 9007199254740992n, new Float(2 ** 53),
  9007199254740993n, I64_MAX, new Float(2 ** 63),
];

// ── what BEAM says ---------------------------------------------------------------------------------

/**
 * For each map, term_to_binary with [{minor_version, 2}] and with [deterministic, {minor_version, 2}]; and for
 * each pair of terms X, Y two bytes: Erlang's order (0: X < Y, 1: X == Y, 2: X > Y), and map-key order (0: X is
 * the first key of #{X => _, Y => _}, 1: X =:= Y, 2: Y is).
 */
const ERL = `
{ok, Bin} = file:read_file(In),
{Maps, Terms} = binary_to_term(Bin),
Enc = [{term_to_binary(M, [{minor_version, 2}]), term_to_binary(M, [deterministic, {minor_version, 2}])} || M <- Maps],
Cmp = fun(X, Y) when X < Y -> 0; (X, Y) when X == Y -> 1; (_, _) -> 2 end,
Exact = fun(X, Y) when X =:= Y -> 1;
           (X, Y) -> case maps:keys(#{X => 0, Y => 1}) of [K, _] when K =:= X -> 0; _ -> 2 end end,
Order = << <<(Cmp(X, Y)), (Exact(X, Y))>> || X <- Terms, Y <- Terms >>,
ok = file:write_file(Out, term_to_binary({Enc, Order})),
halt().`;

interface Beam { plain: Uint8Array[]; deterministic: Uint8Array[]; order: Uint8Array }

function askBeam(): Beam {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shoal-maporder-"));
  try {
    const input = path.join(dir, "in.etf"), output = path.join(dir, "out.etf");
    fs.writeFileSync(input, encode(new Tuple([MAPS, TERMS])));
    const code = `In = ${JSON.stringify(input)}, Out = ${JSON.stringify(output)},` + ERL;
    const r = spawnSync("erl", ["-noshell", "-eval", code], { encoding: "utf8", timeout: 120_000 });
    if (r.status !== 0 || !fs.existsSync(output)) throw new Error(`erl failed (${r.error ?? r.status}): ${r.stdout}${r.stderr}`.slice(0, 2000));
    const [enc, order] = (decode(fs.readFileSync(output)) as Tuple).elements as [Tuple[], Uint8Array];
    return { plain: enc.map((t) => t.elements[0] as Uint8Array), deterministic: enc.map((t) => t.elements[1] as Uint8Array), order };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

let beam: Beam;
beforeAll(() => { beam = askBeam(); });

/** What term_compare(TERMS[i], TERMS[j]) must be, plus 1: BEAM's order, and where that has them ==, map-key order. */
const expectedOrder = (i: number, j: number): number => {
  const at = 2 * (i * TERMS.length + j);
  return beam.order[at] !== 1 ? beam.order[at] : beam.order[at + 1];
};

/** The MAP_EXT bytes of m with its pairs in reverse of the order encode() writes them. */
function reversedPairs(m: Map<unknown, unknown>): Uint8Array {
  const pairs = [...m].map(([k, v]) => ({ key: encode(k).subarray(1), bytes: [...encode(k).subarray(1), ...encode(v).subarray(1)] }));
  const written = hex(encode(m));
  pairs.sort((x, y) => written.indexOf(hex(y.key)) - written.indexOf(hex(x.key)));   // only a shuffle: its order is not checked
  const head = Buffer.alloc(6);
  head.writeUInt8(0x83, 0);
  head.writeUInt8(0x74, 1);
  head.writeUInt32BE(pairs.length, 2);
  return Uint8Array.from([...head, ...pairs.flatMap((p) => p.bytes)]);
}

// ── the host --------------------------------------------------------------------------------------

describe(`map-key order against erl (seed ${SEED})`, () => {
  test("host encode: up to 32 keys, the bytes term_to_binary(M, [{minor_version, 2}]) writes; any size, [deterministic] too", () => {
    let small = 0;
    MAPS.forEach((m, i) => {
      const mine = hex(encode(m));
      expect(`map ${i} ${show(m)}: ${mine}`).toBe(`map ${i} ${show(m)}: ${hex(beam.deterministic[i])}`);
      if (m.size <= 32) {
        small++;
        expect(`map ${i} ${show(m)}: ${mine}`).toBe(`map ${i} ${show(m)}: ${hex(beam.plain[i])}`);
      } else {
        expect(hex(beam.plain[i])).not.toBe(hex(beam.deterministic[i]));   // a trie: other bytes, not reproduced
      }
    });
    expect(small).toBeGreaterThan(100);
  });
});

// ── a process, on both backends -------------------------------------------------------------------

/** Bytes through an etf_echo process with argument `arg` (assembly/testing/programs/etf_echo.ts): its output, or its negative status. */
async function echo(h: Harness, bytes: Uint8Array, arg: unknown = []): Promise<Uint8Array | number> {
  h.rt.etfInput(bytes);
  h.traces.length = 0;
  const p = h.rt.spawn("etf_echo", arg);
  await h.rt.run();
  const done = h.traces.find((t) => t.pid.equals(p) && t.code === Trace.DONE);
  if (!done) throw new Error(`etf_echo ended without a result: ${h.exitOf(p)}`);
  const n = Number(done.value);
  return n < 0 ? n : h.rt.etfOutput();
}
const asHex = (out: Uint8Array | number): string => (typeof out === "number" ? `status ${out}` : hex(out));

describe.each(BACKENDS)(`map-key order against erl, in a process on %s (seed ${SEED})`, (backend) => {
  const runtime = (): Promise<Harness> => start(backend, { poisonFromSpace: true, pidCreation: 0 });

  test("decoded and encoded again, every map comes out in one order whatever order its pairs came in: up to 32 keys as [deterministic, {minor_version, 2}] writes it", async () => {
    const h = await runtime();
    for (let i = 0; i < MAPS.length; i++) {
      // BEAM's default bytes (for more than 32 keys in trie order), its sorted bytes, and the pairs reversed
      const outs: string[] = [];
      for (const input of [beam.plain[i], beam.deterministic[i], reversedPairs(MAPS[i])]) outs.push(asHex(await echo(h, input)));
      if (MAPS[i].size <= 32) {
        for (const out of outs) expect(`map ${i} ${show(MAPS[i])}: ${out}`).toBe(`map ${i} ${show(MAPS[i])}: ${hex(beam.deterministic[i])}`);
      } else {
        // a trie (gc/term/hashmap.ts): its own order, the same from every input (the keys hold atoms,
        // which BEAM hashes by table index: BEAM's bytes are not reproduced), the same length and pairs
        for (const out of outs) expect(`map ${i}: ${out}`).toBe(`map ${i}: ${outs[0]}`);
        expect(outs[0].length).toBe(hex(beam.deterministic[i]).length);
        expect(hex(encode(decode(Buffer.from(outs[0], "hex"))))).toBe(hex(beam.deterministic[i]));   // host encode: map-key order
      }
    }
    h.rt.stop();
  });

  test("term_compare orders terms as BEAM's < and == do, and terms == but not =:= in map-key order", async () => {
    const h = await runtime();
    const out = await echo(h, encode(TERMS), 1);
    if (typeof out === "number") throw new Error(`etf_echo reported ${out}`);
    const n = TERMS.length;
    expect(out.length).toBe(n * n);
    const wrong: string[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const want = expectedOrder(i, j), got = out[i * n + j];
        if (got !== want) wrong.push(`term_compare(${show(TERMS[i])}, ${show(TERMS[j])}) = ${got - 1}, BEAM: ${want - 1}`);
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    // the sample has ties to break: pairs BEAM finds == but not =:=, in both orders
    let ties = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (beam.order[2 * (i * n + j)] === 1 && beam.order[2 * (i * n + j) + 1] !== 1) ties++;
    expect(ties).toBeGreaterThan(0);
    h.rt.stop();
  });
});
