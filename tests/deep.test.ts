// Deep terms cost memory, never native stack: a copy into another process
// (a spawn argument, a message) of a 100,000-deep nesting. Before the copy
// was Cheney's loop it recursed once per level and the sender died with
// stack_overflow.
import { Trace } from "../assembly/boundary/codes";
import { BACKENDS, start } from "./helpers";

describe.each(BACKENDS)("deep terms on %s", (backend) => {
  test("a 100,000-deep term is copied as a spawn argument and as a message", async () => {
    const h = await start(backend);
    const sender = h.rt.spawn("deep_send", 100_000);
    await h.rt.run();
    expect(h.exitOf(sender)).toBe("normal");
    const probe = h.traces.find((t) => t.code === Trace.STEP && !t.pid.equals(sender))!;
    expect(probe.value).toBe(100_000n);
    expect(h.traces.find((t) => t.pid.equals(probe.pid) && t.code === Trace.DONE)?.value).toBe(100_000n);
    expect(h.exitOf(probe.pid)).toBe("normal");
    h.rt.stop();
  });

  test("a 100,000-deep term crosses to the host (a 3,000-deep one killed the sender with stack_overflow)", async () => {
    const h = await start(backend);
    const sender = h.rt.spawn("deep_to_host", 100_000);
    let t = await h.rt.receive({ timeoutMs: 30_000 });
    let depth = 0;
    while (Array.isArray(t) && t.length === 1) { depth++; t = t[0]; }
    expect(depth).toBe(100_000);
    expect(t).toEqual([]);
    await h.rt.run();
    expect(h.exitOf(sender)).toBe("normal");
    h.rt.stop();
  });
});
