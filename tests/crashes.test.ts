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

test("asyncify: a process suspended deeper than 1 MiB of saved frames, in a Worker with a bigger stack, resumes intact", async () => {
  // (the unwind area is as large as the thread's native stack: Asyncify checks its end only after unwinding)
  const { Worker } = await import("node:worker_threads");
  const path = await import("node:path");
  const depth = 300_000;   // ~3.6 MB of saved frames; a 32 MB stack holds the native recursion
  const result = await new Promise<Record<string, string>>((resolve, reject) => {
    const w = new Worker(path.join(__dirname, "support", "deep-worker.mjs"), { workerData: { backend: "asyncify", depth }, resourceLimits: { stackSizeMb: 32 } });
    w.once("message", resolve);
    w.once("error", reject);
  });
  expect(result).toEqual({ deep: "normal", sum: String((depth * (depth + 1)) / 2), bystander: "normal", bystanderSum: "500500" });
}, 60_000);

