// Runtime limits give system_limit, never an engine abort.
import { SystemLimitError } from "../host";
import { chooseBackend } from "../host/backend";
import { setFxStackBudget } from "../host/testing";
import { Trace } from "../assembly/boundary/codes";
import { BACKENDS, start, Harness } from "./helpers";

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

/** Spawn idle processes until spawn refuses; how many it took (the refusal must be a SystemLimitError). */
function spawnToTheLimit(h: Harness): number {
  let spawned = 0;
  try {
    for (;;) { h.rt.spawn("park"); spawned++; }
  } catch (e) {
    expect(e).toBeInstanceOf(SystemLimitError);
  }
  return spawned;
}

test("on WasmFX, the engine's stack limit is a system_limit error, not a crash", async () => {
  const h = await start("fx");
  const spawned = spawnToTheLimit(h);
  expect(spawned).toBeGreaterThan(10_000);            // what this JS process could still map (~30,000 in a bare one)
  await h.rt.run();                      // every one of them really runs and waits
  expect(h.rt.stats().alive).toBe(spawned);
  h.rt.stop();                           // ends every continuation: the next test gets the stacks back
  const again = await start("fx");
  for (let i = 0; i < 1000; i++) again.rt.spawn("park");
  await again.rt.run();
  expect(again.rt.stats().alive).toBe(1000);
  again.rt.stop();
});

test("on WasmFX, a JS process that already holds many mappings gets system_limit before V8's abort", async () => {
  // 3,000 memories hold ~6,000 mappings: V8 would run out of mappings (and abort the process, uncatchably)
  // near 29,000 stacks, below the engine table's 30,000; the runtime measures what is left instead
  const hog: WebAssembly.Memory[] = [];
  for (let i = 0; i < 3000; i++) hog.push(new WebAssembly.Memory({ initial: 1 }));
  const h = await start("fx");
  const spawned = spawnToTheLimit(h);
  expect(spawned).toBeGreaterThan(1000);
  await h.rt.run();
  expect(h.rt.stats().alive).toBe(spawned);
  h.rt.stop();
  expect(hog.length).toBe(3000);         // (kept alive until here)
});

describe("the WasmFX stack budget, shared", () => {
  afterEach(() => setFxStackBudget(undefined));

  test("two default fx runtimes start side by side and both spawn", async () => {
    const a = await start("fx");
    const b = await start("fx");
    for (let i = 0; i < 3000; i++) { a.rt.spawn("park"); b.rt.spawn("park"); }
    await Promise.all([a.rt.run(), b.rt.run()]);
    expect(a.rt.stats().alive).toBe(3000);
    expect(b.rt.stats().alive).toBe(3000);
  });

  test("runtimes share a small budget until it is spent, then spawn is system_limit in each; stop() gives it back", async () => {
    setFxStackBudget(5000);
    const a = await start("fx");
    const b = await start("fx");
    let na = 0, nb = 0;
    const errors: unknown[] = [];
    for (let aOk = true, bOk = true; aOk || bOk;) {
      if (aOk) { try { a.rt.spawn("park"); na++; } catch (e) { errors.push(e); aOk = false; } }
      if (bOk) { try { b.rt.spawn("park"); nb++; } catch (e) { errors.push(e); bOk = false; } }
    }
    expect(errors.length).toBe(2);
    for (const e of errors) expect(e).toBeInstanceOf(SystemLimitError);
    expect(na + nb).toBe(5000);                        // every stack of the budget, and not one more
    expect(Math.min(na, nb)).toBeGreaterThanOrEqual(1000);   // shared: neither took it all
    await Promise.all([a.rt.run(), b.rt.run()]);
    expect(a.rt.stats().alive + b.rt.stats().alive).toBe(5000);
    // nothing left for a third runtime: an error at start, not an abort
    await expect(start("fx")).rejects.toThrow(SystemLimitError);
    a.rt.stop();
    const c = await start("fx");
    for (let i = 0; i < na; i++) c.rt.spawn("park");
    expect(() => c.rt.spawn("park")).toThrow(SystemLimitError);
    await c.rt.run();
    expect(c.rt.stats().alive).toBe(na);
  });
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

test("on WasmFX, maxProcesses is a ceiling too, whatever the budget holds", async () => {
  const a = await start("fx", { maxProcesses: 1000 });
  const b = await start("fx");
  expect(a.rt.stats().maxProcesses).toBe(1000);
  for (let i = 0; i < 1000; i++) a.rt.spawn("park");
  expect(() => a.rt.spawn("park")).toThrow(SystemLimitError);
  for (let i = 0; i < 2000; i++) b.rt.spawn("park");
  await Promise.all([a.rt.run(), b.rt.run()]);
  expect(a.rt.stats().alive).toBe(1000);
  expect(b.rt.stats().alive).toBe(2000);
});
