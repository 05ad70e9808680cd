// Preemption by reductions, priorities, and the host's event loop.
import { BACKENDS, start } from "./helpers";

describe.each(BACKENDS)("preemption on %s", (backend) => {
  test("a process that loops forever cannot starve the others", async () => {
    const h = await start(backend);
    const spinner = h.rt.spawn("spinner", -1);    // never yields by itself
    const stepper = h.rt.spawn("stepper", 5);
    const outcome = await h.rt.run({ until: () => !h.rt.isAlive(stepper), timeoutMs: 20_000 });
    expect(outcome).toBe("until");
    expect(h.exitOf(stepper)).toBe("normal");
    expect(h.rt.isAlive(spinner)).toBe(true);
    // each of the stepper's 5 yields waited for one full slice of the spinner
    expect(h.rt.stats().reductions).toBeGreaterThanOrEqual(5 * 4000);
    h.rt.stop();
  });

  test("the slice budget is what preempts: a smaller budget means more switches for the same work", async () => {
    const switchesFor = async (sliceReductions: number) => {
      const h = await start(backend, { sliceReductions });
      h.rt.spawn("spinner", 100_001);
      h.rt.spawn("spinner", 100_001);
      await h.rt.run();
      const s = h.rt.stats();
      h.rt.stop();
      return s;
    };
    const big = await switchesFor(4000), small = await switchesFor(1000);
    // each spinner is preempted every `slice` reductions, and ends in the slice after its last preemption
    expect(big.reductions).toBe(200_002);
    expect(small.reductions).toBe(200_002);
    expect(big.switches).toBe(2 * Math.ceil(100_001 / 4000));
    expect(small.switches).toBe(2 * Math.ceil(100_001 / 1000));
  });

  test("higher priorities run first; low still runs beside normal", async () => {
    const h = await start(backend);
    const low = h.rt.spawn("stepper", 3, { priority: "low" });
    const normal = h.rt.spawn("stepper", 3, { priority: "normal" });
    const high = h.rt.spawn("stepper", 3, { priority: "high" });
    const max = h.rt.spawn("stepper", 3, { priority: "max" });
    await h.rt.run();
    const finished = h.exits.map((e) => e.pid.slot);
    expect(finished.indexOf(max.slot)).toBe(0);
    expect(finished.indexOf(high.slot)).toBe(1);
    expect(new Set(finished)).toEqual(new Set([low.slot, normal.slot, high.slot, max.slot]));
    h.rt.stop();
    // low priority is not starved by a normal process that never stops
    const h2 = await start(backend);
    h2.rt.spawn("spinner", -1);
    const l = h2.rt.spawn("stepper", 3, { priority: "low" });
    expect(await h2.rt.run({ until: () => !h2.rt.isAlive(l), timeoutMs: 20_000 })).toBe("until");
    h2.rt.stop();
  });

  test("the event loop keeps turning while processes are busy", async () => {
    const h = await start(backend);
    h.rt.spawn("spinner", -1);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const outcome = await h.rt.run({ timeoutMs: 200 });
    clearInterval(timer);
    expect(outcome).toBe("timeout");
    expect(ticks).toBeGreaterThan(5);
    h.rt.stop();
  });
});
