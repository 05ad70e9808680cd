// host/terms.ts: the JS term classes.
//  - Atom.of refuses names no atom can have (a lone surrogate has no UTF-8,
//    so it crossed as another atom; more than 255 characters), with a
//    BadargError whose message stays short whatever the name's length;
//  - the atom table holds its atoms weakly: atoms nobody holds are collected
//    (it kept every name ever made: +157 MB after 500k atoms), while an atom
//    anything holds stays the one object for its name;
//  - formatTerm prints any depth of nesting (it recursed: RangeError near
//    3,000 levels).
//
// Collections are forced with gc(): Jest's workers run without --expose-gc,
// so the flag is set at run time and gc is taken from a fresh context, which
// sees it. A WeakRef's target is kept until the job that made or read it
// ends, so each collection starts from a new macrotask; and the table's
// finalizers (which drop the entries of collected atoms) run as tasks of
// their own some turns of the event loop after a collection, so the memory
// test waits turns (not time) for them.
import * as v8 from "node:v8";
import * as vm from "node:vm";
import { Atom, Tuple, ImproperList, Float, formatTerm } from "../host/terms";
import { encode, decode } from "../host/etf";
import { BadargError } from "../host/errors";
import { MAX_ATOM_CHARS } from "../assembly/boundary/defaults";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const nextTask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A full collection, and another for what the first one's finalizers freed, if they have run. */
async function collect(): Promise<void> {
  await nextTask();
  gc();
  await nextTask();
  gc();
}
/** Turns of the event loop, each ending in a full collection, until `done` or 100 turns. */
async function collectUntil(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 100 && !done(); turn++) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    gc();
  }
}
const heapUsed = (): number => process.memoryUsage().heapUsed;

describe("Atom.of", () => {
  test("a name with a lone surrogate is refused: it has no UTF-8 (encode wrote U+FFFD, so it came back as another atom)", () => {
    for (const name of ["x\ud800", "\udc00", "a\udc00b", "\ud83d", "ok\ud83d\ud83d\ude00"]) {
      expect(() => Atom.of(name)).toThrow(BadargError);
    }
    expect(() => Atom.of("x\ud800")).toThrow(/lone surrogate \(\\ud800\) at index 1/);
    // a surrogate pair is one character, and fine
    expect(Atom.of("\ud83d\ude00").name).toBe("😀");
    expect(decode(encode(Atom.of("x\ud83d\ude00y")))).toBe(Atom.of("x😀y"));
  });

  test("names of more than 255 characters are refused, counted in characters (code points) as BEAM counts them", () => {
    expect(MAX_ATOM_CHARS).toBe(255);
    for (const unit of ["a", "é", "€", "😀"]) {           // 1, 2, 3 and 4 bytes of UTF-8; "😀" is 2 UTF-16 units
      const longest = unit.repeat(255);
      expect(Atom.of(longest).name).toBe(longest);
      expect(decode(encode(Atom.of(longest)))).toBe(Atom.of(longest));
      expect(() => Atom.of(unit.repeat(256))).toThrow(BadargError);
      expect(() => Atom.of(unit.repeat(256))).toThrow(/has 256 characters, more than 255/);
    }
  });

  test("the error's message names the start of the name, never all of it", () => {
    for (const name of ["x".repeat(1_000_000), "y".repeat(1_000_000) + "\ud800"]) {
      let message = "";
      try { Atom.of(name); } catch (e) { message = (e as Error).message; }
      expect(message).toMatch(/^badarg: /);
      expect(message.length).toBeLessThan(120);
    }
  });
});

describe("the atom table", () => {
  test("keeps no atom nobody holds: 300,000 atoms made, encoded and decoded, then dropped, leave nothing", async () => {
    const LIMIT = 16 * 1024 * 1024;
    await collect();
    const atoms0 = Atom.interned(), heap0 = heapUsed();
    const probe = ((): WeakRef<Atom> => {
      const made: Atom[] = [];
      for (let i = 0; i < 300_000; i++) made.push(Atom.of(`dropped_${i}`));
      decode(encode(new Tuple(made.slice(0, 1000))));   // the codec's atom caches must not hold them either
      return new WeakRef(made[123]);
    })();
    expect(heapUsed() - heap0).toBeGreaterThan(LIMIT);
    await collectUntil(() => heapUsed() - heap0 < LIMIT);
    expect(probe.deref()).toBeUndefined();
    // before, the table held every atom ever made: about 80 MB for these
    expect(heapUsed() - heap0).toBeLessThan(LIMIT);
    expect(Atom.interned()).toBeLessThan(atoms0 + 100);
  });

  test("an atom anything holds stays the one atom of its name, through collections", async () => {
    const kept = Atom.of("kept_through_gc");
    const inTuple = new Tuple([Atom.of("kept_in_tuple")]);
    await collect();
    await collect();
    expect(Atom.of("kept_through_gc")).toBe(kept);
    expect(Atom.of("kept_in_tuple")).toBe(inTuple.elements[0]);
    expect(decode(encode(kept))).toBe(kept);
  });
});

describe("formatTerm", () => {
  test("prints as ~w does", () => {
    const m = new Map<unknown, unknown>([[1, new Float(2)], [Atom.of("k"), [1.5, "é"]]]);
    expect(formatTerm(new Tuple([Atom.of("ok"), m, new ImproperList([1], 2), new ImproperList([], 3), new Tuple([])])))
      .toBe("{ok,#{1 => 2.0,k => [1.5,<<195,169>>]},[1|2],[|3],{}}");
    expect(String(new Tuple([1, new Tuple([Atom.of("A")])]))).toBe("{1,{'A'}}");
  });

  test("prints floats as OTP 25's ~w does (it wrote -0.0 as 0.0 and 1.0e300 as 1e+300)", () => {
    // io:format("~w", [[...]]) on OTP 25.2.3, for each of these
    const cases: [number, string][] = [
      [1e300, "1.0e300"], [-0, "-0.0"], [2, "2.0"], [1e16, "1.0e16"], [1e15, "1.0e15"], [123456789012345680, "1.2345678901234568e17"],
      [1e21, "1.0e21"], [1e20, "1.0e20"], [0.0001, "0.0001"], [0.00001, "1.0e-5"], [1.5e-7, "1.5e-7"], [5e-324, "5.0e-324"],
      [1.7976931348623157e308, "1.7976931348623157e308"], [100000, "1.0e5"], [3.14, "3.14"], [1e22, "1.0e22"], [12345678.9, "12345678.9"],
      [10, "10.0"], [100, "100.0"], [1000, "1.0e3"], [10000, "1.0e4"], [120, "120.0"], [1200, "1.2e3"], [12000, "1.2e4"],
      [123000, "1.23e5"], [1e6, "1.0e6"], [1.5e6, "1.5e6"], [1234567, "1234567.0"], [0.001, "0.001"], [0.0012, "0.0012"],
      [0.00012, "1.2e-4"], [0.000123, "1.23e-4"], [9007199254740992, "9.007199254740992e15"], [1e17, "1.0e17"], [0.1, "0.1"],
      [123456789012345, "123456789012345.0"], [1234567890123456, "1234567890123456.0"], [999999999999999, "999999999999999.0"],
      [100000000000001, "100000000000001.0"], [0.000123456789, "1.23456789e-4"],
    ];
    for (const [x, text] of cases) {
      expect(`${x}: ${formatTerm(new Float(x))}`).toBe(`${x}: ${text}`);
      expect(`${-x}: ${formatTerm(new Float(-x))}`).toBe(`${-x}: ${Object.is(x, -0) ? "0.0" : `-${text}`}`);
    }
    expect(formatTerm([0.5, new Float(-0), new Float(7)])).toBe("[0.5,-0.0,7.0]");
  });

  test("prints 100,000 levels of nesting (it recursed: RangeError near 3,000 levels)", () => {
    const depth = 100_000;
    let list: unknown = [];
    let tuple: unknown = 0;
    let map: unknown = 0;
    for (let i = 0; i < depth; i++) {
      list = [list];
      tuple = new Tuple([tuple]);
      map = new Map([[1, map]]);
    }
    expect(formatTerm(list)).toBe("[".repeat(depth + 1) + "]".repeat(depth + 1));
    expect(formatTerm(tuple)).toBe("{".repeat(depth) + "0" + "}".repeat(depth));
    expect(formatTerm(map)).toBe("#{1 => ".repeat(depth) + "0" + "}".repeat(depth));
    expect(String(tuple).length).toBe(2 * depth + 1);
  });

  test("a value that contains itself is a TypeError, not a hang", () => {
    const a: unknown[] = [1];
    a.push(a);
    expect(() => formatTerm(a)).toThrow(TypeError);
    const shared = [1];
    expect(formatTerm([shared, shared])).toBe("[[1],[1]]");   // shared, not cyclic
  });
});
