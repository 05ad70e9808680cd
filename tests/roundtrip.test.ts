// Terms built in a process cross to the host and back unchanged: the
// process itself checks each returned term =:= the one it sent (term_equal),
// so a float stays a float, -0.0 stays -0.0, map keys 1 and 1.0 stay two,
// maps past 32 keys and 1,000-deep nestings come back whole, and nothing is
// lost or reordered, under collections with from-space poisoned.
import fc from "fast-check";
import { buildProgram, setFunEntry, stepArb } from "./termmachine";
import { Trace } from "../assembly/boundary/codes";
import { BACKENDS, start } from "./helpers";

describe.each(BACKENDS)("host round trips on %s", (backend) => {
  test("every term a process sends to the host and gets back is =:= to the original", async () => {
    const h = await start(backend, { poisonFromSpace: true, minHeapWords: 64, fullsweepAfter: 3 });
    setFunEntry(h.rt.termMachineEntry());
    await fc.assert(fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 200 }), async (steps) => {
      const { bytes, expect: want } = buildProgram(steps, { roundTrips: true, cap: 128 });
      h.traces.length = 0;
      const pid = h.rt.spawn("term_machine", h.rt.loadMachine(bytes));
      for (let i = 0; i < want.roundTrips; i++) h.rt.send(pid, await h.rt.receive({ timeoutMs: 10_000 }));
      await h.rt.run();
      expect(h.exitOf(pid)).toBe("normal");
      const checks = h.traces.filter((t) => t.pid.equals(pid) && t.code === Trace.ROUNDTRIP).map((t) => t.value);
      expect(checks).toEqual(Array(want.roundTrips).fill(1n));
    }), { numRuns: 100 });
    h.rt.stop();
  });
});
