// Callbacks (onMessage, onExit, onTrace, onGc) run synchronously while the
// module is running: inside a process's send, exit or collection. Calling the
// runtime from one must neither re-enter the module nor hurt the process that
// was running: send, kill, stop and run/receive are deferred until the module
// has returned; the calls that must answer now (spawn, runSlice, register,
// unregister, wake, garbageCollect, setHeapPolicy) are refused with a
// BadargError. A callback that throws reports its error (onError, or the
// call that was driving) and the process goes on.
import { Atom, BadargError, StoppedError } from "../host";
import { Trace } from "../assembly/boundary/codes";
import { BACKENDS, start } from "./helpers";

const A = (n: string) => Atom.of(n);

describe.each(BACKENDS)("calls from callbacks on %s", (backend) => {
  test("run() from onMessage starts after the slice; the outer run and the process are unharmed", async () => {
    const h = await start(backend);
    const { rt } = h;
    const inner: Promise<unknown>[] = [];
    rt.onMessage(() => { inner.push(rt.run()); });
    const echo = rt.spawn("echo_host");
    const stepper = rt.spawn("stepper", 20);   // runnable while the echo is inside its send to the host
    rt.send(echo, 1);
    rt.send(echo, 2);
    rt.send(echo, A("stop"));
    expect(await rt.run()).toBe("idle");
    expect(inner.length).toBe(2);
    for (const r of await Promise.all(inner)) expect(["idle", "waiting"]).toContain(r);
    expect(h.exitOf(echo)).toBe("normal");
    expect(h.exitOf(stepper)).toBe("normal");
    expect(h.traces.filter((t) => t.code === Trace.STEP).map((t) => t.value)).toEqual([...Array(20).keys()].map(BigInt));
    expect(rt.stats().alive).toBe(0);
  });

  test("receive() from onExit waits for the next message, driving after the slice", async () => {
    const h = await start(backend);
    const { rt } = h;
    let later: Promise<unknown> | undefined;
    const noop = rt.spawn("noop");
    // (no timeout: a wake-up lost between its run and its sleep would leave it waiting for ever)
    rt.onExit((e) => { if (e.pid.equals(noop)) later = rt.receive(); });
    await rt.run();
    expect(later).toBeDefined();
    const echo = rt.spawn("echo_host");
    rt.send(echo, "hi");
    expect(await later).toEqual(new TextEncoder().encode("hi"));
    rt.send(echo, A("stop"));
    await rt.run();
    expect(h.exitOf(echo)).toBe("normal");
  });

  test("kill(sender) from onMessage ends it right after the slice, with the reason given", async () => {
    const h = await start(backend);
    const { rt } = h;
    const echo = rt.spawn("echo_host");
    const results: boolean[] = [];
    rt.onMessage(() => { results.push(rt.kill(echo, A("enough"))); });
    rt.send(echo, 1);
    rt.send(echo, 2);     // the process would echo this one too, were it not killed after the first slice
    expect(await rt.run()).toBe("idle");
    expect(results).toEqual([true, true]);   // both echoes happened in one slice, before the kill took effect
    expect(h.exitOf(echo)).toBe("enough");
    expect(rt.isAlive(echo)).toBe(false);
  });

  test("kill from onTrace ends the tracing process once the host slice is over, and no other", async () => {
    const h = await start(backend);
    const { rt } = h;
    const other = rt.spawn("park");
    const stepper = rt.spawn("stepper", 1000);
    let steps = 0;
    rt.onTrace((e) => { if (e.pid.equals(stepper) && e.code === Trace.STEP && ++steps === 3) rt.kill(stepper); });
    while (rt.isAlive(stepper)) rt.runSlice(Infinity, 1);   // host slices of one process slice each
    expect(h.exitOf(stepper)).toBe("killed");
    expect(steps).toBe(3);
    expect(rt.isAlive(other)).toBe(true);
    expect(h.exits.length).toBe(1);
  });

  test("send from onMessage is delivered after the slice", async () => {
    const h = await start(backend);
    const { rt } = h;
    const echo = rt.spawn("echo_host");
    const seen: unknown[] = [];
    rt.onMessage((m) => {
      seen.push(m);
      expect(rt.send(echo, (m as number) < 3 ? (m as number) + 1 : A("stop"))).toBe(true);
    });
    rt.send(echo, 1);
    expect(await rt.run()).toBe("idle");
    expect(seen).toEqual([1, 2, 3]);
    expect(h.exitOf(echo)).toBe("normal");
  });

  test("send to a name from a callback resolves the name now and is badarg if nobody has it", async () => {
    const h = await start(backend);
    const { rt } = h;
    const echo = rt.spawn("echo_host");
    rt.register("the_echo", echo);
    const errors: unknown[] = [];
    rt.onMessage((m) => {
      if (m === 1) rt.send("the_echo", A("stop"));
      try { rt.send("nobody_has_this", 1); } catch (e) { errors.push(e); }
    });
    rt.send(echo, 1);
    expect(await rt.run()).toBe("idle");
    expect(h.exitOf(echo)).toBe("normal");
    expect(errors.length).toBe(1);
    expect(errors[0]).toBeInstanceOf(BadargError);
  });

  test("stop() from a callback stops the runtime after the slice; the run settles with StoppedError", async () => {
    const h = await start(backend);
    const { rt } = h;
    const parked = rt.spawn("park");
    const echo = rt.spawn("echo_host");
    rt.onMessage(() => rt.stop());
    rt.send(echo, 1);
    await expect(rt.run()).rejects.toBeInstanceOf(StoppedError);
    expect(rt.isAlive(parked)).toBe(false);
    expect(() => rt.spawn("noop")).toThrow(StoppedError);
    await expect(rt.receive({ timeoutMs: 10 })).rejects.toBeInstanceOf(StoppedError);
  });

  test("calls that must answer now are refused from a callback with a BadargError naming the call", async () => {
    const h = await start(backend);
    const { rt } = h;
    const echo = rt.spawn("echo_host");
    const parked = rt.spawn("park");
    const refused: [string, unknown][] = [];
    const attempt = (what: string, f: () => unknown) => {
      try { f(); refused.push([what, "allowed"]); } catch (e) { refused.push([what, e]); }
    };
    rt.onMessage(() => {
      attempt("spawn", () => rt.spawn("noop"));
      attempt("runSlice", () => rt.runSlice());
      attempt("register", () => rt.register("a_name", parked));
      attempt("unregister", () => rt.unregister("a_name"));
      attempt("wake", () => rt.wake(parked));
      attempt("garbageCollect", () => rt.garbageCollect(echo));
      attempt("setHeapPolicy", () => rt.setHeapPolicy(echo, { maxHeapWords: 1_000_000 }));
    });
    rt.send(echo, 1);
    await rt.run();
    expect(refused.length).toBe(7);
    for (const [what, e] of refused) {
      expect(e).toBeInstanceOf(BadargError);
      expect((e as Error).message).toMatch(new RegExp(`${what}.*callback`));
    }
    // read-only calls are fine, and nothing was harmed
    expect(rt.isAlive(echo)).toBe(true);
    expect(rt.stats().alive).toBe(2);
    rt.send(echo, A("stop"));
    await rt.run();
    expect(h.exitOf(echo)).toBe("normal");
  });

  test("a throwing onMessage does not kill the sender: run() rejects with the error after the slice", async () => {
    const h = await start(backend);
    const { rt } = h;
    const echo = rt.spawn("echo_host");
    const boom = new Error("boom");
    const off = rt.onMessage(() => { throw boom; });
    rt.send(echo, 1);
    await expect(rt.run()).rejects.toBe(boom);
    expect(rt.isAlive(echo)).toBe(true);
    expect(h.exits).toEqual([]);
    off();
    rt.send(echo, 2);
    expect(await rt.receive({ timeoutMs: 20_000 })).toBe(2);
    rt.send(echo, A("stop"));
    await rt.run();
    expect(h.exitOf(echo)).toBe("normal");
  });

  test("with an onError listener, a throwing callback's error goes to it and the run goes on", async () => {
    const h = await start(backend);
    const { rt } = h;
    const errors: unknown[] = [];
    rt.onError((e) => errors.push(e));
    rt.onTrace(() => { throw new Error("trace listener failed"); });
    const stepper = rt.spawn("stepper", 3);
    expect(await rt.run()).toBe("idle");
    expect(errors.length).toBe(4);                 // three steps and the result
    expect((errors[0] as Error).message).toBe("trace listener failed");
    expect(h.exitOf(stepper)).toBe("normal");
  });

  test("a throwing onExit rethrows from kill() once the kill is done; a throwing onGc from garbageCollect()", async () => {
    const h = await start(backend);
    const { rt } = h;
    const p = rt.spawn("park");
    const q = rt.spawn("park");
    await rt.run();
    const offExit = rt.onExit(() => { throw new Error("exit listener failed"); });
    expect(() => rt.kill(p)).toThrow("exit listener failed");
    expect(rt.isAlive(p)).toBe(false);
    expect(h.exitOf(p)).toBe("killed");
    offExit();
    rt.onGc(() => { throw new Error("gc listener failed"); });
    expect(() => rt.garbageCollect(q)).toThrow("gc listener failed");
    expect(rt.isAlive(q)).toBe(true);
  });

  test("a callback during runSlice() may kill the sender; runSlice returns after it took effect", async () => {
    const h = await start(backend);
    const { rt } = h;
    const echo = rt.spawn("echo_host");
    rt.onMessage(() => rt.kill(echo));
    rt.send(echo, 1);
    rt.runSlice(Infinity, 100);
    expect(rt.isAlive(echo)).toBe(false);
    expect(h.exitOf(echo)).toBe("killed");
    expect(h.exits.length).toBe(1);
  });
});
