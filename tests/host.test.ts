// The host library's own behaviour: receive waits as long as it says, typed
// errors with Erlang reasons, partial heap-policy updates, module checks and
// the engine table behind "auto".
import * as fs from "node:fs";
import * as path from "node:path";
import {
  Atom, AbortError, BadargError, EtfError, NotSupportedError, Pid, ShoalError, StoppedError, SystemLimitError, TimeoutError, Tuple,
  decodeTerm,
} from "../host";
import { chooseBackend, fxEngineCap, engineFacts, FxStackLease, FxStackPool, FX_FIRST_CHUNK, FX_KEEP_AHEAD, FX_PROBE, FX_RECHECK_MS, TestRuntime } from "../host/testing";
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
      () => h.rt.spawn("noop", 2n ** 67_108_864n),                    // past the largest integer a process holds
      () => h.rt.spawnOpt("noop", [null], { priority: "urgent" as never }),
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

describe.each(BACKENDS)("every promise settles on %s", (backend) => {
  test("a run() pending across stop() settles at once with StoppedError, not at the next process timer", async () => {
    const h = await start(backend);
    h.rt.spawn("sleeper", 600_000);               // its timer is ten minutes away
    const running = h.rt.run();
    const stopped = new Promise<void>((r) => setTimeout(() => { h.rt.stop(); r(); }, 20));
    const t0 = performance.now();
    await expect(running).rejects.toBeInstanceOf(StoppedError);
    await stopped;
    expect(performance.now() - t0).toBeLessThan(60_000);
  });

  test("run() not awaited, then await receive(), sees the reply", async () => {
    const h = await start(backend);
    const echo = h.rt.spawn("echo_host");
    h.rt.send(echo, 7);
    void h.rt.run();
    expect(await h.rt.receive({ timeoutMs: 20_000 })).toBe(7);
    // and a reply that comes after a process timer, while the unawaited run() drives
    h.rt.spawn("timeout_probe", 30);
    void h.rt.run();
    const [tag] = (await h.rt.receive({ timeoutMs: 20_000 }) as Tuple).elements;
    expect(tag).toBe(A("timeout"));
    h.rt.send(echo, A("stop"));
    await h.rt.run();
  });

  test("concurrent receive() calls get the messages in the order they were called", async () => {
    const h = await start(backend);
    const echo = h.rt.spawn("echo_host");
    const first = h.rt.receive({ timeoutMs: 20_000 });
    const second = h.rt.receive({ timeoutMs: 20_000 });
    const third = h.rt.receive({ timeoutMs: 20_000 });
    for (const m of [1, 2, 3]) h.rt.send(echo, m);
    expect(await Promise.all([first, second, third])).toEqual([1, 2, 3]);
    // also while another caller drives, and with messages arriving one slice at a time
    const waits = [h.rt.receive({ timeoutMs: 20_000 }), h.rt.receive({ timeoutMs: 20_000 })];
    const driving = h.rt.run({ timeoutMs: 20_000, until: () => h.rt.mailboxLength(echo) === 0 && h.rt.stats().messagesQueued === 0 });
    h.rt.send(echo, "a");
    setTimeout(() => h.rt.send(echo, "b"), 10);
    const [a, b] = await Promise.all(waits);
    await driving;
    expect([a, b]).toEqual([new TextEncoder().encode("a"), new TextEncoder().encode("b")]);
    // a receive that timed out takes nothing with it
    await expect(h.rt.receive({ timeoutMs: 1 })).rejects.toBeInstanceOf(TimeoutError);
    h.rt.send(echo, 4);
    expect(await h.rt.receive({ timeoutMs: 20_000 })).toBe(4);
    h.rt.send(echo, A("stop"));
    await h.rt.run();
  });

  test("a wait past setTimeout's 32-bit range is asked of setTimeout in pieces (it would fire at once and spin)", async () => {
    const h = await start(backend);
    const timers = jest.spyOn(global, "setTimeout");
    try {
      h.rt.spawn("sleeper", 3_000_000_000);       // the only process timer, past 2^31 ms
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 30);
      await expect(h.rt.receive({ timeoutMs: 3e9, signal: ac.signal })).rejects.toBeInstanceOf(AbortError);
      const delays = timers.mock.calls.map(([, ms]) => ms ?? 0);
      expect(delays.length).toBeGreaterThan(0);
      expect(delays.filter((ms) => ms > 2 ** 31 - 1)).toEqual([]);
    } finally {
      timers.mockRestore();
    }
  });

  test("bad timeouts and slice lengths are BadargErrors", async () => {
    const h = await start(backend);
    for (const t of [NaN, -1, -Infinity, "5", null, {}, 1n]) {
      await expect(h.rt.receive({ timeoutMs: t as never })).rejects.toBeInstanceOf(BadargError);
      await expect(h.rt.run({ timeoutMs: t as never })).rejects.toBeInstanceOf(BadargError);
    }
    for (const opts of [NaN, -1, "5", true]) await expect(h.rt.receive(opts as never)).rejects.toBeInstanceOf(BadargError);
    await expect(h.rt.run({ until: 5 as never })).rejects.toBeInstanceOf(BadargError);
    for (const b of [NaN, -1, Infinity, 1e9]) expect(() => h.rt.runSlice(b)).toThrow(BadargError);
    for (const n of [NaN, 0, -1, 1.5]) expect(() => h.rt.runSlice(5, n)).toThrow(BadargError);
    expect(h.rt.runSlice(0, 1)).toBe(0);          // idle: nothing to run
    for (const sliceMs of [1e9, NaN, Infinity, -1, 1001, "5"]) {
      await expect(TestRuntime.start({ backend, sliceMs: sliceMs as never })).rejects.toBeInstanceOf(BadargError);
    }
    const rt = await TestRuntime.start({ backend, sliceMs: 1000 });
    rt.stop();
  });
});

describe.each(BACKENDS)("unchecked input on %s", (backend) => {
  const isBadarg = (f: () => unknown) => {
    let err: unknown;
    try { f(); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(BadargError);
    return err as BadargError;
  };

  test("spawn takes only an entry of the function table, and a known priority", async () => {
    const h = await start(backend);
    for (const entry of [12345, -1, NaN, 1.5, Infinity, 2 ** 32, {}, null, undefined, 1n]) isBadarg(() => h.rt.spawn(entry as never));
    for (const priority of ["constructor", "__proto__", "toString", "hasOwnProperty", "", 2]) {
      isBadarg(() => h.rt.spawnOpt("noop", [[]], { priority: priority as never }));
    }
    expect(h.rt.stats().spawned).toBe(0);
    expect(h.rt.spawnOpt("noop", [[]], { priority: "low" })).toBeInstanceOf(Pid);
  });

  test("names: over 255 characters, not text, or not a name at all, are BadargErrors", async () => {
    const h = await start(backend);
    const p = h.rt.spawn("park");
    isBadarg(() => h.rt.register("r".repeat(300), p));
    isBadarg(() => h.rt.register("\ud800", p));
    isBadarg(() => h.rt.register(42 as never, p));
    isBadarg(() => h.rt.register("fine", {} as never));
    isBadarg(() => h.rt.whereis(42 as never));
    isBadarg(() => h.rt.unregister({} as never));
    expect(h.rt.register("é".repeat(255), p)).toBe(true);            // 255 characters, 510 bytes: an atom
    expect(h.rt.whereis("é".repeat(255))?.equals(p)).toBe(true);
  });

  test("a destination that is not a pid or a name is a BadargError, and so is a pid that is not a Pid", async () => {
    const h = await start(backend);
    for (const to of [42, null, undefined, {}, 1n, { term: 3n }]) {
      const e = isBadarg(() => h.rt.send(to as never, 1));
      expect(e.message).not.toMatch(/'undefined'/);
    }
    for (const pid of [42, null, {}, "p"]) {
      isBadarg(() => h.rt.kill(pid as never));
      isBadarg(() => h.rt.isAlive(pid as never));
      isBadarg(() => h.rt.wake(pid as never));
      isBadarg(() => h.rt.garbageCollect(pid as never));
      isBadarg(() => h.rt.mailboxLength(pid as never));
    }
  });

  test("whereis, send and unregister by name intern nothing", async () => {
    const h = await start(backend);
    const count = () => (h.rt as unknown as { ex: { atom_count(): number } }).ex.atom_count();
    const before = count();
    expect(h.rt.whereis("never_seen_1")).toBeUndefined();
    isBadarg(() => h.rt.send("never_seen_2", 1));
    expect(h.rt.unregister("never_seen_3")).toBe(false);
    expect(h.rt.whereis(A("never_seen_4"))).toBeUndefined();
    expect(count()).toBe(before);
  });

  test("with the atom table full, lookups still answer; only a new name is system_limit", async () => {
    const h = await start(backend);
    const ex = (h.rt as unknown as { ex: { atom_count(): number; atom_intern(p: number, l: number): number; io_buffer(n: number): number; memory: WebAssembly.Memory } }).ex;
    const echo = h.rt.spawn("echo_host");
    h.rt.register("known", echo);
    // fill the table straight through the module: 8-byte ASCII names, written in place
    const ptr = ex.io_buffer(8) >>> 0;
    let bytes = new Uint8Array(ex.memory.buffer);
    bytes.set([95, 95, 95, 95], ptr);                      // "____" then four base-64 digits of i
    for (let i = 0; ; i++) {
      if (bytes.byteLength === 0) bytes = new Uint8Array(ex.memory.buffer);   // (the table grew the memory)
      for (let k = 0; k < 4; k++) bytes[ptr + 4 + k] = 48 + ((i >> (6 * k)) & 63);
      const r = ex.atom_intern(ptr, 8);
      if (r < 0) { expect(r).toBe(-1); break; }
    }
    expect(h.rt.whereis("not_there")).toBeUndefined();
    isBadarg(() => h.rt.send("not_there", 1));
    expect(h.rt.unregister("not_there")).toBe(false);
    expect(h.rt.whereis("known")?.equals(echo)).toBe(true);
    expect(h.rt.send("known", 5)).toBe(true);
    expect(await h.rt.receive({ timeoutMs: 20_000 })).toBe(5);
    expect(() => h.rt.register("not_there", h.rt.spawn("park"))).toThrow(SystemLimitError);
  });

  test("the runtime's own atom cache stays bounded, and stop() releases it", async () => {
    const h = await start(backend);
    const cache = (h.rt as unknown as { atoms: Map<string, bigint> }).atoms;
    for (let i = 0; i < 20_000; i++) h.rt.atomTerm(`cached_${i}`);
    expect(cache.size).toBeLessThanOrEqual(4096);
    expect(h.rt.atomName(h.rt.atomTerm("cached_0"))).toBe("cached_0");
    h.rt.stop();
    expect(cache.size).toBe(0);
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

  test("where mappings cannot be counted, the WasmFX stack budget is the table's", () => {
    expect(fxEngineCap("14.6.0")).toBe(30_000);
    expect(fxEngineCap("15.6.0")).toBe(20_000);
    expect(fxEngineCap("1.0")).toBe(10_000);
  });

  test("leases share the budget: half of what is free at start, chunks after, and others give back what they do not use", () => {
    let headroom = 20_000;
    let now = 0;
    const module = () => {
      const m = { mapped: 0, live: 0, limit: 0 };
      return { m, holder: { mapped: () => m.mapped, live: () => m.live, setLimit: (n: number) => (m.limit = Math.max(n, m.live)) } };
    };
    const pool = new FxStackPool();                        // (not this JS process's: nothing else in it)
    const A = module(), B = module();
    const a = new FxStackLease(1 << 20, A.holder, () => headroom, () => now, "14.6.0", pool);
    const b = new FxStackLease(1 << 20, B.holder, () => headroom, () => now, "14.6.0", pool);
    try {
      expect(a.start()).toBe(10_000);                      // half of what is free
      expect(b.start()).toBe(5_000);                       // half of the rest: a's reservation is set aside
      A.m.mapped = A.m.live = 3000;                        // a maps 3000 stacks: the platform sees them
      headroom -= 3000;
      expect(b.grow()).toBe(5000);                         // what is left
      expect([A.m.limit, B.m.limit]).toEqual([10_000, 10_000]);   // the modules' limits follow
      // nothing free: a's chunk comes from what b holds beyond its processes and a margin
      expect(a.grow()).toBe(10_000 - FX_KEEP_AHEAD);
      expect(b.reserved).toBe(FX_KEEP_AHEAD);
      expect(B.m.limit).toBe(FX_KEEP_AHEAD);
      // a stopped runtime gives back what it reserved; the stacks it mapped stay counted until the platform sees them go
      a.release();
      expect(b.grow()).toBe(FX_FIRST_CHUNK);
      const held = b.reserved;
      expect(b.grow(100_000)).toBe(17_000 - held);
      // nothing free, but a's stacks may be pending unmapping: a few from the margin, so that V8 maps one
      expect(b.grow()).toBe(FX_PROBE);
      headroom -= b.reserved - B.m.mapped;                 // it maps them all; V8 unmapped none of a's (the platform shows it)
      B.m.mapped = b.reserved;
      now += 1000;
      expect(b.grow()).toBe(0);
      // with nothing to count, the engine table's figure is the budget of the whole JS process
      headroom = Infinity;
      const c = new FxStackLease(1 << 20, module().holder, () => headroom, () => now, "14.6.0", pool);
      expect(c.grow(100_000)).toBe(30_000 - b.reserved);
      c.release();
    } finally {
      a.release();
      b.release();
    }
  });

  test("a lease gives back, between slices, the stacks the JS process can no longer map since they were granted", () => {
    let headroom = 20_000;
    let now = 0;
    const m = { mapped: 0, live: 0, limit: 0 };
    const pool = new FxStackPool();
    const a = new FxStackLease(1 << 20, { mapped: () => m.mapped, live: () => m.live, setLimit: (n) => (m.limit = Math.max(n, m.live)) },
      () => headroom, () => now, "14.6.0", pool);
    try {
      expect(a.start()).toBe(10_000);
      m.mapped = m.live = 4000;                    // it maps 4000 of them
      headroom -= 4000;
      now += FX_RECHECK_MS;
      expect(a.recheck()).toBe(0);                 // 10,000 more can still be mapped: nothing to give back
      headroom -= 13_000;                          // the JS heap grows: only 3000 stacks' worth of mappings left
      now += FX_RECHECK_MS / 2;
      expect(a.recheck()).toBe(0);                 // measured too recently to measure again
      now += FX_RECHECK_MS / 2;
      expect(a.recheck()).toBe(3000);              // 6000 unmapped but 3000 mappable: 3000 go back
      expect([a.reserved, m.limit]).toEqual([7000, 7000]);
      headroom = 0;                                // the rest goes too, down to what is mapped, never below
      now += FX_RECHECK_MS;
      expect(a.recheck()).toBe(3000);
      expect([a.reserved, m.limit]).toEqual([4000, 4000]);
      headroom = -100;
      now += FX_RECHECK_MS;
      expect(a.recheck()).toBe(0);
    } finally {
      a.release();
    }
  });

  test("fx where the engine has no WasmFX is NotSupportedError (notsup)", () => {
    let err: unknown;
    try { chooseBackend("fx", false); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(NotSupportedError);
    expect((err as NotSupportedError).reason).toBe(A("notsup"));
  });
});
