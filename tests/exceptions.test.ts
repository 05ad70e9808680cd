// Exceptions (assembly/runtime/exceptions.ts) as compiled code uses them with
// native calls (the exc_probe program, assembly/testing/programs/
// exceptions.ts), on both backends with from-space poisoned: each class
// caught at depth 1, 10 and 100 with `after` on the exception path, a major
// collection right after the catch, a rethrow through nested handlers, each
// class uncaught, apply with the wrong arity caught, a handler never raised
// to. Each outcome is compared with the real BEAM in the same run
// (tests/fixtures/exceptions.escript).
import { Atom, Tuple, formatTerm } from "../host";
import { BACKENDS, beamOutcomes, start, type Harness } from "./helpers";

let beam: Map<string, string>;
beforeAll(() => { beam = beamOutcomes("exceptions"); }, 60_000);

const A = (s: string) => Atom.of(s);
const T = (...e: unknown[]) => new Tuple(e);

describe.each(BACKENDS)("exceptions on %s", (backend) => {
  let h: Harness;
  beforeEach(async () => { h = await start(backend, { poisonFromSpace: true, minHeapWords: 64 }); });
  const reply = () => h.rt.receive({ timeoutMs: 10_000 }) as Promise<Tuple>;

  for (const cls of ["throw", "error", "exit"]) {
    test(`${cls} caught 1, 10 and 100 calls deep; after runs; a collection right after the catch`, async () => {
      for (const depth of [1, 10, 100]) {
        const reason = T(A("boom"), depth, [2.5 - 1, new TextEncoder().encode("x")]);
        const p = h.rt.spawn("exc_probe", T(A("catch"), A(cls), reason, depth));
        await h.rt.run();
        const caught = await reply(), again = await reply();
        const [, c, r, , after] = caught.elements;
        expect(formatTerm(T(T(A("caught"), c, r), after === 1 ? A("yes") : A("no")))).toBe(beam.get(`catch.${cls}.${depth}`));
        expect(again.elements.slice(1)).toEqual(caught.elements.slice(1));   // the same terms after a major collection
        expect(await h.rt.receive({ timeoutMs: 10_000 })).toBe(depth);      // the catching frame's slot: the depth restored
        expect(h.exitOf(p)).toBe("normal");
      }
    });
  }

  test("a rethrow through nested handlers", async () => {
    h.rt.spawn("exc_probe", T(A("nested"), A("throw"), A("inner"), 10));
    await h.rt.run();
    const [, c, r] = (await reply()).elements;
    expect(formatTerm(T(A("caught"), c, r))).toBe(beam.get("nested"));
  });

  test.each(["throw", "error", "exit"])("%s uncaught ends the process with BEAM's reason", async (cls) => {
    const p = h.rt.spawn("exc_probe", T(A("uncaught"), A(cls), T(A("why"), A(cls)), 5));
    await h.rt.run();
    expect(h.exitOf(p)).toBe(beam.get(`uncaught.${cls}`));
  });

  test("apply with the wrong arity raises error:{badarity, ...}, which a handler catches", async () => {
    h.rt.spawn("exc_probe", T(A("apply"), A("error"), A("x"), 0));
    await h.rt.run();
    expect(formatTerm(await reply())).toBe(beam.get("apply"));   // {caught, error, badarity, Args}
  });

  test("a handler installed and removed 1,000 times, never raised to, leaves the process as it was", async () => {
    const p = h.rt.spawn("exc_probe", T(A("none"), A("throw"), A("x"), 0));
    await h.rt.run();
    expect(await h.rt.receive({ timeoutMs: 10_000 })).toBe(1000);
    expect(h.exitOf(p)).toBe("normal");
  });
});
