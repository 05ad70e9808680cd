// The host library's own behaviour: receive waits as long as it says, typed
// errors with Erlang reasons, partial heap-policy updates, module checks and
// the engine table behind "auto".
import * as fs from "node:fs";
import * as path from "node:path";
import {
  Atom, AbortError, BadargError, EtfError, NotSupportedError, ShoalError, StoppedError, TimeoutError, decodeTerm,
} from "../host";
import { chooseBackend, fxEngineCap, engineFacts, TestRuntime } from "../host/testing";
import { BACKENDS, start } from "./helpers";

const A = (n: string) => Atom.of(n);

describe.each(BACKENDS)("receive on %s", (backend) => {
  test("with no process left, it waits its whole timeout, then rejects with TimeoutError", async () => {
    const h = await start(backend);
    h.rt.spawn("noop");
    const t0 = performance.now();
    const err = await h.rt.receive({ timeoutMs: 150 }).catch((e: unknown) => e);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toBeInstanceOf(ShoalError);
    expect((err as TimeoutError).reason).toBe(A("timeout"));
    expect((err as Error).message).toMatch(/150 ms/);
  });

  test("a number is the timeout, as before", async () => {
    const h = await start(backend);
    await expect(h.rt.receive(30)).rejects.toBeInstanceOf(TimeoutError);
  });

  test("it resolves with a message from a process the host starts while it waits", async () => {
    const h = await start(backend);
    const got = h.rt.receive({ timeoutMs: 10_000 });
    setTimeout(() => { const echo = h.rt.spawn("echo_host"); h.rt.send(echo, 42); }, 50);
    expect(await got).toBe(42);
  });

  test("it resolves while another caller drives the runtime", async () => {
    const h = await start(backend);
    const echo = h.rt.spawn("echo_host");
    h.rt.send(echo, "a");
    h.rt.send(echo, A("stop"));
    const [msg, outcome] = await Promise.all([h.rt.receive({ timeoutMs: 5000 }), h.rt.run()]);
    expect(msg).toEqual(new TextEncoder().encode("a"));
    expect(outcome).toBe("idle");
  });

  test("its AbortSignal rejects it with an AbortError, at once if already aborted", async () => {
    const h = await start(backend);
    h.rt.spawn("park");
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("enough")), 50);
    const t0 = performance.now();
    const err = await h.rt.receive({ signal: ac.signal }).catch((e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).name).toBe("AbortError");
    expect(((err as AbortError).cause as Error).message).toBe("enough");
    await expect(h.rt.receive({ signal: AbortSignal.abort(), timeoutMs: 10_000 })).rejects.toBeInstanceOf(AbortError);
    // the runtime goes on: the parked process is still there
    expect(h.rt.stats().alive).toBe(1);
  });

  test("stop() rejects a waiting receive with StoppedError, and the runtime refuses work after", async () => {
    const h = await start(backend);
    const waiting = h.rt.receive({ timeoutMs: 10_000 });
    setTimeout(() => h.rt.stop(), 20);
    await expect(waiting).rejects.toBeInstanceOf(StoppedError);
    expect(() => h.rt.spawn("noop")).toThrow(StoppedError);
    await expect(h.rt.run()).rejects.toBeInstanceOf(StoppedError);
  });
});

describe.each(BACKENDS)("errors on %s", (backend) => {
  test("badarg: every bad argument is a BadargError whose reason is the atom badarg", async () => {
    const h = await start(backend);
    const bad: (() => unknown)[] = [
      () => h.rt.send("nobody", 1),
      () => h.rt.spawn("no_such_program"),
      () => h.rt.spawn("noop", Symbol("x")),
      () => h.rt.spawn("noop", 2n ** 70n),
      () => h.rt.spawn("noop", null, { priority: "urgent" as never }),
      () => h.rt.send(h.rt.spawn("park"), Symbol("x")),
      () => h.rt.setHeapPolicy(h.rt.spawn("park"), { maxHeapWords: -1 }),
    ];
    for (const f of bad) {
      let err: unknown;
      try { f(); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(BadargError);
      expect((err as BadargError).reason).toBe(A("badarg"));
      expect((err as Error).message).toMatch(/^badarg: /);
    }
    await expect(h.rt.receive({ timeoutMs: -1 })).rejects.toBeInstanceOf(BadargError);
    await expect(TestRuntime.start({ backend, maxProcesses: 0 })).rejects.toBeInstanceOf(BadargError);
  });

  test("bad External Term Format bytes are an EtfError, a ShoalError with reason badarg", () => {
    let err: unknown;
    try { decodeTerm(new Uint8Array([131, 200])); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(EtfError);
    expect(err).toBeInstanceOf(ShoalError);
    expect((err as EtfError).reason).toBe(A("badarg"));
  });
});

describe.each(BACKENDS)("heap policy on %s", (backend) => {
  test("a partial update keeps the fields it does not name", async () => {
    const h = await start(backend);
    const hog = h.rt.spawn("gc_hog");                       // grows its heap until something stops it
    expect(h.rt.setHeapPolicy(hog, { maxHeapWords: 200_000 })).toBe(true);
    expect(h.rt.setHeapPolicy(hog, { fullsweepAfter: 20 })).toBe(true);   // must not lift the limit
    expect(h.rt.setHeapPolicy(hog, { minHeapWords: 500 })).toBe(true);
    await h.rt.run({ until: () => !h.rt.isAlive(hog), timeoutMs: 20_000 });
    expect(h.exitOf(hog)).toBe("max_heap_size");
    expect(h.rt.setHeapPolicy(hog, { maxHeapWords: 1 })).toBe(false);   // dead
  });
});

describe("loading", () => {
  const build = path.join(__dirname, "..", "build");

  test("modules may be given as bytes, and a module of the other backend is refused", async () => {
    const asyncify = fs.readFileSync(path.join(build, "testing.asyncify.wasm"));
    const fx = fs.readFileSync(path.join(build, "testing.fx.wasm"));
    const rt = await TestRuntime.start({ backend: "asyncify", modules: { asyncify } });
    rt.spawn("noop");
    expect(await rt.run()).toBe("idle");
    rt.stop();
    await expect(TestRuntime.start({ backend: "asyncify", modules: { asyncify: fx } })).rejects.toThrow(/is the fx build/);
    await expect(TestRuntime.start({ backend: "asyncify", modules: { asyncify: new Uint8Array([0, 97, 115, 109]) } }))
      .rejects.toBeInstanceOf(Error);
  });

  test("a module that is not Shoal's is a BadargError naming what it lacks", async () => {
    // (module (memory (export "memory") 1)): a valid module with none of the exports
    const empty = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 3, 1, 0, 1, 7, 10, 1, 6, 109, 101, 109, 111, 114, 121, 2, 0]);
    const err = await TestRuntime.start({ backend: "asyncify", modules: { asyncify: empty } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadargError);
    expect((err as Error).message).toMatch(/lacks init, /);
  });
});

describe("the engine table behind auto", () => {
  test("V8 14.6 and Chromium's 15.6 favour Asyncify; an unknown engine gets Asyncify too", () => {
    for (const v8 of ["14.6.202.33-node.26", "15.6.75.63", "99.1.0"]) {
      const c = chooseBackend("auto", true, undefined, v8);
      expect(c.backend).toBe("asyncify");
      expect(c.reason).toMatch(/engine/);
      expect(c.reason).not.toMatch(/\d ns/);                 // the figures live in docs/engine-facts.md
    }
    expect(engineFacts("14.6.1")?.fxMaxStacks).toBe(30_000);
    expect(engineFacts("14.7.1")).toBeUndefined();
  });

  test("the WasmFX stack budget is the table's, capped by what the platform maps", () => {
    expect(fxEngineCap(Infinity, "14.6.0")).toBe(30_000);
    expect(fxEngineCap(12_000, "14.6.0")).toBe(12_000);
    expect(fxEngineCap(Infinity, "15.6.0")).toBe(20_000);
    expect(fxEngineCap(Infinity, "1.0")).toBe(10_000);
  });

  test("fx where the engine has no WasmFX is NotSupportedError (notsup)", () => {
    let err: unknown;
    try { chooseBackend("fx", false); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(NotSupportedError);
    expect((err as NotSupportedError).reason).toBe(A("notsup"));
  });
});
