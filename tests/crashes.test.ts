// A crashing process ends alone, with a reason.
import { Trace } from "../assembly/boundary/codes";
import { BACKENDS, start } from "./helpers";

describe.each(BACKENDS)("crashes on %s", (backend) => {
  test("shadow-stack overflow ends that process only", async () => {
    const h = await start(backend, { shadowStackBytes: 64 * 1024 });
    const deep = h.rt.spawn("deep_shadow", 1_000_000);
    const fine = h.rt.spawn("deep_shadow", 1000);      // grows its region past the first size, within the limit
    const bystander = h.rt.spawn("stepper", 50);
    await h.rt.run();
    expect(h.exitOf(deep)).toBe("shadow_stack_overflow");
    expect(h.exitOf(fine)).toBe("normal");
    expect(h.traces.find((t) => t.pid.equals(fine) && t.code === Trace.DONE)?.value).toBe(500_500n);
    expect(h.exitOf(bystander)).toBe("normal");
    h.rt.stop();
  });

  test("native stack overflow ends that process only", async () => {
    const h = await start(backend);
    const deep = h.rt.spawn("deep_native", 10_000_000);
    const bystander = h.rt.spawn("stepper", 50);
    await h.rt.run();
    expect(h.exitOf(deep)).toMatch(/^stack_overflow/);
    expect(h.exitOf(bystander)).toBe("normal");
    // the scheduler is whole again: new processes run
    const after = h.rt.spawn("deep_native", 1000);
    await h.rt.run();
    expect(h.traces.find((t) => t.pid.equals(after) && t.code === Trace.DONE)?.value).toBe(500_500n);
    h.rt.stop();
  });

  test("a trap ends that process with reason trap", async () => {
    const h = await start(backend);
    const bad = h.rt.spawn("trapper");
    const good = h.rt.spawn("stepper", 3);
    await h.rt.run();
    expect(h.exitOf(bad)).toMatch(/^trap \(.*unreachable/);
    expect(h.exitOf(good)).toBe("normal");
    h.rt.stop();
  });
});
