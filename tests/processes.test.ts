// Spawn, yield and exit order, pids that never alias, and many processes.
import { Atom, Tuple } from "../host";
import { encode } from "../host/etf";
import { Trace } from "../assembly/boundary/codes";
import { BACKENDS, start } from "./helpers";

describe.each(BACKENDS)("processes on %s", (backend) => {
  test("processes run in spawn order and take turns at each yield", async () => {
    const h = await start(backend);
    const a = h.rt.spawn("stepper", 3);
    const b = h.rt.spawn("stepper", 2);
    expect(await h.rt.run()).toBe("idle");
    const order = h.traces.filter((t) => t.code === Trace.STEP).map((t) => `${t.pid.slot}:${t.value}`);
    expect(order).toEqual([`${a.slot}:0`, `${b.slot}:0`, `${a.slot}:1`, `${b.slot}:1`, `${a.slot}:2`]);
    // b finishes first: it had fewer steps
    expect(h.exits.map((e) => e.pid.toString())).toEqual([b.toString(), a.toString()]);
    expect(h.exits.every((e) => e.text === "normal")).toBe(true);
    h.rt.stop();
  });

  test("exit(Reason) from three calls deep ends the process with that reason", async () => {
    const h = await start(backend);
    const p = h.rt.spawn("exiter", Atom.of("goodbye"));
    await h.rt.run();
    expect(h.exitOf(p)).toBe("goodbye");
    expect(h.traces.filter((t) => t.pid.equals(p))).toEqual([]);   // the code after exit never ran
    expect(h.rt.isAlive(p)).toBe(false);
    h.rt.stop();
  });

  test("spawn arguments and exit reasons are any term, both ways, and a kill's reason is copied into the victim", async () => {
    const h = await start(backend);
    const reason = new Tuple([Atom.of("shutdown"), [1, 2.5, new Uint8Array([7])], new Map([[Atom.of("k"), "v"]])]);
    const p = h.rt.spawn("exiter", reason);           // the argument is its reason: it crosses twice
    await h.rt.run();
    const e = h.exits.find((x) => x.pid.equals(p))!;
    expect(e.text).toBe("{shutdown,[1,2.5,<<7>>],#{k => <<118>>}}");
    expect(e.reason).toBeInstanceOf(Tuple);
    expect(encode(e.reason)).toEqual(encode(new Tuple([Atom.of("shutdown"), [1, 2.5, new Uint8Array([7])], new Map([[Atom.of("k"), new Uint8Array([118])]])])));
    const parked = h.rt.spawn("park");
    expect(h.rt.kill(parked, new Tuple([Atom.of("bye"), [1, 2, 3]]))).toBe(true);   // runnable: it ends when picked
    expect(h.rt.garbageCollect(parked, true)).toBe(true);   // meanwhile its reason is a root, moved by a collection
    await h.rt.run();
    expect(h.exitOf(parked)).toBe("{bye,[1,2,3]}");
    h.rt.stop();
  });

  test("a process started by name does not keep its argument once its code has it (docs/abi.md)", async () => {
    const h = await start(backend);
    // testing:park/1 by name starts in the entry itself (no apply trampoline under it), and the
    // argument is dropped after the first slice: park never roots it, so a collection frees it
    const p = h.rt.spawn("park", Array.from({ length: 5000 }, (_, i) => i));
    expect(h.rt.heapInfo(p)!.heapWords).toBeGreaterThanOrEqual(10_000);   // the list, in its heap's fragments
    expect(await h.rt.run()).toBe("waiting");
    expect(h.rt.garbageCollect(p, true)).toBe(true);
    expect(h.rt.heapInfo(p)!.heapWords).toBeLessThan(1000);
    h.rt.stop();
  });

  test("the test suite runs the debug build: a broken invariant is caught where it breaks", async () => {
    const h = await start(backend);
    const p = h.rt.spawn("frame_underflow");          // leaves a frame it never entered
    const bystander = h.rt.spawn("stepper", 3);
    await h.rt.run();
    expect(h.exitOf(p)).toMatch(/^abort \(abort: .* at assembly\/runtime\/shadowstack\.ts:\d+/);
    expect(h.traces.filter((t) => t.pid.equals(p))).toEqual([]);   // the code after it never ran
    expect(h.exitOf(bystander)).toBe("normal");
    h.rt.stop();
  });

  test("a dead process's pid is stale: its slot's next process gets another pid", async () => {
    const h = await start(backend);
    const first = h.rt.spawn("noop");
    await h.rt.run();
    expect(h.rt.isAlive(first)).toBe(false);
    const second = h.rt.spawn("park");
    expect(second.slot).toBe(first.slot);           // the slot is reused...
    expect(second.serial).toBe(first.serial + 1);   // ...under a new serial
    expect(second.equals(first)).toBe(false);
    expect(h.rt.kill(first)).toBe(false);           // the stale pid reaches nobody
    await h.rt.run();
    expect(h.rt.isAlive(second)).toBe(true);
    expect(h.rt.kill(second)).toBe(true);
    expect(h.exitOf(second)).toBe("killed");
    expect(h.rt.isAlive(second)).toBe(false);
    h.rt.stop();
  });

  test("processes() lists every live process by slot, as erlang:processes/0 does, a reused slot's new pid in its place", async () => {
    const h = await start(backend);
    const key = (pids: { toString(): string }[]) => pids.map(String);
    expect(h.rt.processes()).toEqual([]);
    const [a, b, c] = [h.rt.spawn("park"), h.rt.spawn("park"), h.rt.spawn("park")];
    expect(await h.rt.run()).toBe("waiting");
    expect(key(h.rt.processes())).toEqual(key([a, b, c]));
    expect(h.rt.kill(b)).toBe(true);
    await h.rt.run();
    expect(key(h.rt.processes())).toEqual(key([a, c]));
    const d = h.rt.spawn("park");                   // b's slot, another serial
    expect(key(h.rt.processes())).toEqual(key([a, d, c]));
    expect(h.rt.processes().every((p) => h.rt.isAlive(p))).toBe(true);
    expect(h.rt.processes()).toHaveLength(h.rt.stats().alive);
    h.rt.stop();
    expect(h.rt.processes()).toEqual([]);
  });

  test("killing a runnable process ends it before it runs again", async () => {
    const h = await start(backend);
    const p = h.rt.spawn("stepper", 100);
    h.rt.runSlice(Infinity, 1);   // exactly one slice: p has yielded and is queued
    expect(h.rt.kill(p, Atom.of("stop_it"))).toBe(true);
    const steps = h.traces.length;
    await h.rt.run();
    expect(h.traces.length).toBe(steps);
    expect(h.exitOf(p)).toBe("stop_it");
    h.rt.stop();
  });

  test("100k processes spawn, yield and finish", async () => {
    const h = await start(backend);
    const n = 100_000;
    // all at once on Asyncify; on WasmFX in waves that fit the engine's live-stack limit
    const wave = Math.min(n, h.rt.stats().maxProcesses, backend === "fx" ? 20_000 : n);
    for (let done = 0; done < n; done += wave) {
      for (let i = 0; i < wave; i++) h.rt.spawn("yielder", 1);
      expect(await h.rt.run()).toBe("idle");
    }
    const s = h.rt.stats();
    expect(s.spawned).toBe(n);
    expect(s.alive).toBe(0);
    expect(s.switches).toBe(2 * n);            // one slice to the yield, one to the end
    expect(h.exits.length).toBe(n);
    expect(h.exits.every((e) => e.text === "normal")).toBe(true);
    h.rt.stop();
  });

  test("processes spawn processes", async () => {
    const h = await start(backend);
    const parent = h.rt.spawn("spawner", 10_000);
    await h.rt.run();
    expect(h.traces.find((t) => t.pid.equals(parent) && t.code === Trace.DONE)?.value).toBe(10_000n);
    expect(h.rt.stats().spawned).toBe(10_001);
    expect(h.rt.stats().alive).toBe(0);
    h.rt.stop();
  });
});
