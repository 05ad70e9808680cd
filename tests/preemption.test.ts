// Preemption by reductions, priorities, and the host's event loop.
import { DEFAULT_SLICE_REDUCTIONS } from "../assembly/boundary/defaults";
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
    expect(h.rt.stats().reductions).toBeGreaterThanOrEqual(5 * DEFAULT_SLICE_REDUCTIONS);
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
    const low = h.rt.spawnOpt("stepper", [3], { priority: "low" });
    const normal = h.rt.spawnOpt("stepper", [3], { priority: "normal" });
    const high = h.rt.spawnOpt("stepper", [3], { priority: "high" });
    const max = h.rt.spawnOpt("stepper", [3], { priority: "max" });
    await h.rt.run();
    const finished = h.exits.map((e) => e.pid.slot);
    expect(finished.indexOf(max.slot)).toBe(0);
    expect(finished.indexOf(high.slot)).toBe(1);
    expect(new Set(finished)).toEqual(new Set([low.slot, normal.slot, high.slot, max.slot]));
    h.rt.stop();
    // low priority is not starved by a normal process that never stops
    const h2 = await start(backend);
    h2.rt.spawn("spinner", -1);
    const l = h2.rt.spawnOpt("stepper", [3], { priority: "low" });
    expect(await h2.rt.run({ until: () => !h2.rt.isAlive(l), timeoutMs: 20_000 })).toBe("until");
    h2.rt.stop();
  });

  test("the event loop turns between host slices while a process never stops", async () => {
    const h = await start(backend);
    const spinner = h.rt.spawn("spinner", -1);    // always runnable: run() has no reason to wait
    // Each setImmediate callback notes how many process slices have run (stats().switches) and
    // queues the next: one per turn of the loop. A timer must fire as well. run() ends only when
    // both have happened, so a driver that never let the loop turn could only time out.
    const turns: number[] = [];
    const tick = () => { turns.push(h.rt.stats().switches); if (turns.length < 20) setImmediate(tick); };
    setImmediate(tick);
    let timerFired = false;
    const timer = setTimeout(() => { timerFired = true; }, 1);
    const outcome = await h.rt.run({ until: () => turns.length >= 20 && timerFired, timeoutMs: 30_000 });
    clearTimeout(timer);
    expect(outcome).toBe("until");
    expect(h.rt.isAlive(spinner)).toBe(true);
    // processes ran before the first turn and between every two turns: the loop turns between
    // slices, not instead of them
    expect(turns[0]).toBeGreaterThan(0);
    for (let i = 1; i < turns.length; i++) expect(turns[i]).toBeGreaterThan(turns[i - 1]);
    h.rt.stop();
  });
});
