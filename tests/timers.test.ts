// sleep(ms) on the host clock; the Erlang clocks (monotonic_time, system_time). Message
// timers (send_after) are in send_after.test.ts.
import { Status, Trace } from "../assembly/boundary/codes";
import { BACKENDS, fakeClock, start, timerAgent } from "./helpers";

describe.each(BACKENDS)("timers on %s", (backend) => {
  test("sleepers wake in deadline order, each at its deadline and not before (the test holds the clock)", async () => {
    const h = await start(backend);
    const clock = fakeClock(1000);
    const p50 = h.rt.spawn("sleeper", 50);
    const p10 = h.rt.spawn("sleeper", 10);
    const p30 = h.rt.spawn("sleeper", 30);
    expect(h.rt.runSlice()).toBe(Status.TIMERS);     // each ran to its sleep: deadlines 1050, 1010, 1030
    expect(h.rt.stats().switches).toBe(3);
    const exited = () => h.exits.map((e) => e.pid.slot);
    clock.ms = 1009.999;
    expect(h.rt.runSlice()).toBe(Status.TIMERS);
    expect(exited()).toEqual([]);                     // just before the first deadline: nobody wakes
    clock.ms = 1010;
    expect(h.rt.runSlice()).toBe(Status.TIMERS);
    expect(exited()).toEqual([p10.slot]);
    clock.ms = 1029.999;
    expect(h.rt.runSlice()).toBe(Status.TIMERS);
    expect(exited()).toEqual([p10.slot]);
    clock.ms = 1100;                                  // the other two are due at once: they wake in deadline order
    expect(h.rt.runSlice()).toBe(Status.IDLE);
    expect(exited()).toEqual([p10.slot, p30.slot, p50.slot]);
    expect(h.exits.every((e) => e.text === "normal")).toBe(true);
    // each measured its sleep (us) on the same clock
    const slept = new Map(h.traces.filter((t) => t.code === Trace.SLEPT).map((t) => [t.pid.slot, t.value]));
    expect(slept).toEqual(new Map([[p10.slot, 10_000n], [p30.slot, 100_000n], [p50.slot, 100_000n]]));
    expect(h.rt.stats().switches).toBe(6);
  });

  test("run() waits on the real clock until the last deadline; no sleeper wakes early", async () => {
    const h = await start(backend);
    const t0 = performance.now();
    const sleepers = [50, 10, 30].map((ms) => ({ ms, pid: h.rt.spawn("sleeper", ms) }));
    expect(await h.rt.run()).toBe("idle");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(50 - 1e-6);
    expect(h.exits.map((e) => e.text)).toEqual(["normal", "normal", "normal"]);
    for (const { ms, pid } of sleepers) {
      const slept = h.traces.find((t) => t.pid.equals(pid) && t.code === Trace.SLEPT)?.value;
      // the process reports whole microseconds, truncated: at least ms * 1000 - 1
      expect(Number(slept)).toBeGreaterThanOrEqual(ms * 1000 - 1);
    }
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
    expect(h.rt.runSlice()).toBe(Status.TIMERS);
    expect(h.rt.kill(p)).toBe(true);
    expect(h.rt.runSlice()).toBe(Status.IDLE);   // no timer left to wait for
    expect(await h.rt.run()).toBe("idle");
    expect(h.exitOf(p)).toBe("killed");
    h.rt.stop();
  });

  test("monotonic_time and system_time: ns, the held clock's, system time ahead of it by the host's time origin", async () => {
    const h = await start(backend);
    const clock = fakeClock(1000);
    const { ask } = timerAgent(h.rt);
    const wall = (ms: number) => BigInt(Math.trunc((performance.timeOrigin + ms) * 1e6));
    expect(ask("clock", "clock")).toEqual([1_000_000_000, wall(1000)]);
    clock.ms = 1002.5;
    expect(ask("clock", "clock")).toEqual([1_002_500_000, wall(1002.5)]);
  });

  test("system_time is the wall clock: ns since 1970", async () => {
    const h = await start(backend);
    const { ask } = timerAgent(h.rt);
    const before = Date.now();
    const [, sys] = ask("clock", "clock") as [number, bigint];
    const after = Date.now();
    // (performance.timeOrigin + now() and Date.now() are two readings of the wall clock: a second apart at most)
    expect(Number(sys / 1_000_000n)).toBeGreaterThan(before - 1000);
    expect(Number(sys / 1_000_000n)).toBeLessThan(after + 1000);
  });
});
