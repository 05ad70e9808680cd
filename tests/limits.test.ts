// Runtime limits give system_limit, never an engine abort.
import { SystemLimitError } from "../host";
import { chooseBackend } from "../host/backend";
import { Trace } from "../assembly/boundary/codes";
import { BACKENDS, start } from "./helpers";

describe.each(BACKENDS)("limits on %s", (backend) => {
  test("spawning past maxProcesses raises system_limit and loses nothing", async () => {
    const h = await start(backend, { maxProcesses: 1000 });
    const pids = [];
    for (let i = 0; i < 1000; i++) pids.push(h.rt.spawn("park"));
    expect(() => h.rt.spawn("park")).toThrow(SystemLimitError);
    await h.rt.run();
    expect(h.rt.stats().alive).toBe(1000);
    expect(pids.every((p) => h.rt.isAlive(p))).toBe(true);
    // a process spawning past the limit gets the atom system_limit, not a crash
    h.rt.kill(pids[0]);
    h.rt.kill(pids[1]);
    const spawner = h.rt.spawn("spawner", 10);     // takes one slot; 1 left for its children
    await h.rt.run();
    expect(h.traces.find((t) => t.pid.equals(spawner) && t.code === Trace.DONE)?.value).toBe(1n);
    expect(h.exitOf(spawner)).toBe("normal");
    h.rt.stop();
  });
});

test("on WasmFX, the engine's stack limit is a system_limit error, not a crash", async () => {
  const h = await start("fx");
  const limit = h.rt.stats().maxProcesses;
  expect(limit).toBeGreaterThan(1000);
  expect(limit).toBeLessThanOrEqual(30000);
  let spawned = 0;
  let error: unknown;
  try {
    for (;;) { h.rt.spawn("park"); spawned++; }
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SystemLimitError);
  expect(spawned).toBe(limit);
  await h.rt.run();                      // every one of them really runs and waits
  expect(h.rt.stats().alive).toBe(limit);
  h.rt.stop();                           // ends every continuation: the next test gets the stacks back
  const again = await start("fx");
  for (let i = 0; i < 1000; i++) again.rt.spawn("park");
  await again.rt.run();
  expect(again.rt.stats().alive).toBe(1000);
  again.rt.stop();
});

describe("backend choice", () => {
  test("auto takes Asyncify on V8 14.6 without a measurement, and says why", () => {
    const c = chooseBackend("auto", true);
    expect(c.backend).toBe("asyncify");
    expect(c.reason).toMatch(/Asyncify/);
  });
  test("auto follows a measurement of this very engine", () => {
    const m = { v8: process.versions.v8, date: "2026-11-22", yieldNs: { fx: 10, asyncify: 50 } };
    expect(chooseBackend("auto", true, m).backend).toBe("fx");
    expect(chooseBackend("auto", true, { ...m, v8: "1.0" }).backend).toBe("asyncify");
  });
  test("without WasmFX, auto takes Asyncify and fx is refused", () => {
    expect(chooseBackend("auto", false).backend).toBe("asyncify");
    expect(() => chooseBackend("fx", false)).toThrow(/WasmFX/);
  });
});

test("fx runtimes side by side share the engine's stacks; stop() gives them back", async () => {
  const a = await start("fx", { maxProcesses: 1000 });
  const b = await start("fx");
  expect(a.rt.stats().maxProcesses).toBe(1000);
  const rest = b.rt.stats().maxProcesses;
  await expect(start("fx")).rejects.toThrow(SystemLimitError);   // nothing left: an error, not an abort
  b.rt.stop();
  const c = await start("fx");
  expect(c.rt.stats().maxProcesses).toBe(rest);
  a.rt.stop();
  c.rt.stop();
});
