// sleep(ms) on the host clock.
import { BACKENDS, start } from "./helpers";

describe.each(BACKENDS)("timers on %s", (backend) => {
  test("sleepers wake in deadline order, no earlier than asked", async () => {
    const h = await start(backend);
    const p50 = h.rt.spawn("sleeper", 50);
    const p10 = h.rt.spawn("sleeper", 10);
    const p30 = h.rt.spawn("sleeper", 30);
    const t0 = performance.now();
    expect(await h.rt.run()).toBe("idle");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(49);
    expect(h.exits.map((e) => e.pid.slot)).toEqual([p10.slot, p30.slot, p50.slot]);
    const slept = new Map(h.traces.filter((t) => t.code === 4).map((t) => [t.pid.slot, Number(t.value) / 1000]));
    expect(slept.get(p10.slot)).toBeGreaterThanOrEqual(10);
    expect(slept.get(p30.slot)).toBeGreaterThanOrEqual(30);
    expect(slept.get(p50.slot)).toBeGreaterThanOrEqual(50);
    h.rt.stop();
  });

  test("sleeping processes cost no slices while they wait", async () => {
    const h = await start(backend);
    for (let i = 0; i < 100; i++) h.rt.spawn("sleeper", 20);
    await h.rt.run();
    expect(h.rt.stats().switches).toBe(200);   // one slice to sleep, one after waking
    h.rt.stop();
  });

  test("a sleeping process can be killed; its timer goes with it", async () => {
    const h = await start(backend);
    const p = h.rt.spawn("sleeper", 60_000);
    h.rt.runSlice();
    expect(h.rt.kill(p)).toBe(true);
    expect(await h.rt.run()).toBe("idle");   // no timer left to wait for
    expect(h.exitOf(p)).toBe("killed");
    h.rt.stop();
  });
});
