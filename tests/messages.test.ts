// Message passing: copies into the receiver, order, selective receive,
// timeouts, registered names, and the host's mailbox.
import { Atom, Tuple, Pid } from "../host";
import { Status, Trace } from "../assembly/boundary/codes";
import { BACKENDS, fakeClock, start } from "./helpers";

const A = (n: string) => Atom.of(n);
const deepList = (n: number) => Array.from({ length: n }, (_, i) => i);

describe.each(BACKENDS)("messages on %s", (backend) => {
  test("many senders to one receiver: each sender's messages arrive in order, none lost, with collections in between", async () => {
    const h = await start(backend, { poisonFromSpace: true, minHeapWords: 64 });
    const gcs: number[] = [];
    h.rt.onGc((e) => { if (e.pid) gcs.push(e.pid.slot); });
    const senders = 200, each = 300;
    h.rt.configureFanIn(each);
    const recv = h.rt.spawn("fanin", senders);
    // collect the receiver between slices, minor and major, while its mailbox fills and drains
    let forced = 0;
    while (h.rt.isAlive(recv)) {
      h.rt.runSlice(Infinity, 2);
      if (h.rt.garbageCollect(recv, forced % 3 === 0)) forced++;
    }
    const value = (code: Trace) => h.traces.find((t) => t.pid.equals(recv) && t.code === code)?.value;
    expect(value(Trace.ERRORS)).toBe(0n);                                        // no sender's order broken
    expect(value(Trace.DONE)).toBe(BigInt(senders * (each * (each - 1)) / 2));   // checksum of every I received
    expect(forced).toBeGreaterThan(40);
    expect(gcs.filter((s) => s === recv.slot).length).toBeGreaterThan(40); // the receiver collected meanwhile
    expect(h.rt.stats().messagesQueued).toBe(0);
  });

  test("selective receive takes what matches and leaves the rest in place, in order", async () => {
    const h = await start(backend);
    const sel = h.rt.spawn("selector", A("b"));
    for (const [tag, i] of [["a", 1], ["b", 2], ["c", 3], ["a", 4], ["b", 5]] as const) {
      h.rt.send(sel, new Tuple([A(tag), i]));
    }
    await h.rt.run();
    expect(h.rt.mailboxLength(sel)).toBe(5);        // it waits for stop, touching nothing
    h.rt.send(sel, A("stop"));
    const got: string[] = [];
    for (let i = 0; i < 5; i++) got.push(((await h.rt.receive(2000)) as Tuple).elements.join(":"));
    expect(got).toEqual(["b:2", "b:5", "a:1", "c:3", "a:4"]);
  });

  test("a receive timeout fires at its deadline and not before; a zero timeout polls without waiting; a waiting message wins (the test holds the clock)", async () => {
    const h = await start(backend);
    const clock = fakeClock(1000);
    const probe = h.rt.spawn("timeout_probe", 40);
    expect(h.rt.runSlice()).toBe(Status.TIMERS);     // it waits in receive, with a timer at 1040
    clock.ms = 1039.999;
    expect(h.rt.runSlice()).toBe(Status.TIMERS);
    expect(h.rt.isAlive(probe)).toBe(true);
    clock.ms = 1040;
    expect(h.rt.runSlice()).toBe(Status.IDLE);
    expect(await h.rt.receive()).toEqual(new Tuple([A("timeout"), 40_000]));   // {timeout, Us waited}
    // a zero timeout: done within its first slice, no time passed
    const poll = h.rt.spawn("timeout_probe", 0);
    const before = h.rt.stats().switches;
    expect(h.rt.runSlice(Infinity, 1)).toBe(Status.IDLE);
    expect(h.rt.stats().switches - before).toBe(1);
    expect(h.rt.isAlive(poll)).toBe(false);
    expect(await h.rt.receive()).toEqual(new Tuple([A("timeout"), 0]));
    // a message already waiting is taken, and the timer is cancelled
    const p = h.rt.spawn("timeout_probe", 60_000);
    h.rt.send(p, [1, 2, 3]);
    expect(h.rt.runSlice()).toBe(Status.IDLE);       // no timer left behind
    expect(h.rt.isAlive(p)).toBe(false);
    expect(await h.rt.receive()).toEqual(new Tuple([A("got"), [1, 2, 3]]));
  });

  test("run() and receive() wait out a receive timeout on the real clock", async () => {
    const h = await start(backend);
    h.rt.spawn("timeout_probe", 40);
    const [tag, us] = ((await h.rt.receive(5000)) as Tuple).elements as [Atom, number];
    expect(tag).toBe(A("timeout"));
    expect(us).toBeGreaterThanOrEqual(40_000 - 1);   // whole microseconds, truncated
    expect(await h.rt.run()).toBe("idle");
  });

  test("large terms cross heaps intact: host -> process -> process -> host", async () => {
    const h = await start(backend, { poisonFromSpace: true });
    const echo = h.rt.spawn("echo_host");
    const fwd = h.rt.spawn("forwarder", echo);
    const big = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 0xff);
    const values: unknown[] = [
      deepList(100_000),
      big,
      new Tuple(deepList(5000).map((i) => (i % 3 ? A(`a${i % 7}`) : i * 1.5))),
      new Map<unknown, unknown>([[1, "one"], [A("two"), [2, 2]], [3, new Tuple([])]]),
      [[[[[new Tuple([1, [2, [3, [4]]]])]]]]],
      2n ** 62n, -(2n ** 63n), 0.1, "text",
    ];
    for (const v of values) h.rt.send(fwd, v);
    const back: unknown[] = [];
    for (let i = 0; i < values.length; i++) back.push(await h.rt.receive(10_000));
    expect(back[0]).toEqual(values[0]);
    expect(Buffer.compare(back[1] as Uint8Array, big)).toBe(0);
    expect(back[2]).toEqual(values[2]);
    // strings travel as binaries (host/etf.ts), so they come back as bytes
    expect(back[3]).toEqual(new Map<unknown, unknown>([[1, new TextEncoder().encode("one")], [A("two"), [2, 2]], [3, new Tuple([])]]));
    expect(back[4]).toEqual(values[4]);
    expect(back.slice(5)).toEqual([2n ** 62n, -(2n ** 63n), 0.1, new TextEncoder().encode("text")]);
  });

  test("an off-heap binary is shared by reference count, not copied, when sent", async () => {
    const h = await start(backend);
    const holder = h.rt.spawn("park");                 // never receives: messages stay in its mailbox
    const fwd = h.rt.spawn("forwarder", holder);
    await h.rt.run();
    h.rt.send(fwd, new Uint8Array(100_000));
    await h.rt.run();
    expect(h.rt.mailboxLength(holder)).toBe(1);
    expect(h.rt.stats().offHeapBinaries).toBe(1);      // the forwarder's and the holder's terms share one block
    expect(h.rt.stats().offHeapBytes).toBe(100_000);
    h.rt.kill(fwd);
    h.rt.kill(holder);
    expect(h.rt.stats().offHeapBinaries).toBe(0);      // freed with its last holder
  });

  test("a spawn argument is copied into the child's heap: the parent's collection cannot touch it", async () => {
    const h = await start(backend, { poisonFromSpace: true });
    h.rt.spawn("spawn_with_list", 5000);
    expect(await h.rt.receive(5000)).toEqual(deepList(5000));
    await h.rt.run();
    expect(h.exits.every((e) => e.text === "normal")).toBe(true);
  });

  test("sends to dead or stale pids are dropped without error", async () => {
    const h = await start(backend);
    const dead = h.rt.spawn("noop");
    await h.rt.run();
    expect(h.rt.send(dead, "lost")).toBe(false);
    const fwd = h.rt.spawn("forwarder", dead);        // a process sending to a dead pid
    h.rt.send(fwd, [1, 2, 3]);
    h.rt.send(fwd, A("stop"));
    await h.rt.run();
    expect(h.exitOf(fwd)).toBe("normal");
    expect(h.rt.stats().messagesQueued).toBe(0);
  });

  test("register, whereis, send by name, unregister; a name goes with its process", async () => {
    const h = await start(backend);
    const echo = h.rt.spawn("echo_host");
    expect(h.rt.register("echo", echo)).toBe(true);
    expect(h.rt.register("echo", h.rt.spawn("park"))).toBe(false);    // taken
    expect(h.rt.whereis("echo")?.equals(echo)).toBe(true);
    h.rt.send("echo", "by name");
    expect(await h.rt.receive(2000)).toEqual(new TextEncoder().encode("by name"));
    expect(() => h.rt.send("nobody", 1)).toThrow(/badarg/);
    expect(h.rt.unregister("echo")).toBe(true);
    expect(h.rt.whereis("echo")).toBeUndefined();
    expect(h.rt.register(A("echo2"), echo)).toBe(true);
    h.rt.send(echo, A("stop"));
    await h.rt.run();
    expect(h.rt.whereis("echo2")).toBeUndefined();      // it exited
  });

  test("messages from one sender arrive in the order sent, ping-pong and ring shapes complete", async () => {
    const h = await start(backend);
    const ping = h.rt.spawn("ping", 10_000);
    const ring = h.rt.spawn("ring", (100n << 32n) | 50n);
    await h.rt.run();
    expect(h.traces.find((t) => t.pid.equals(ping) && t.code === Trace.DONE)?.value).toBe(10_000n);
    expect(h.traces.find((t) => t.pid.equals(ring) && t.code === Trace.DONE)?.value).toBe(5000n);
    expect(h.rt.stats().alive).toBe(0);
    expect(h.rt.hostPid).toBeInstanceOf(Pid);
  });
});

describe.each(BACKENDS)("bad input to send on %s", (backend) => {
  test("a value no process can hold is a clear error and loses nothing", async () => {
    const h = await start(backend);
    const echo = h.rt.spawn("echo_host");
    const { BitString } = await import("../host");
    expect(() => h.rt.send(echo, Symbol("x"))).toThrow();
    h.rt.send(echo, "still fine");
    expect(await h.rt.receive(2000)).toEqual(new TextEncoder().encode("still fine"));
    // (a bitstring is a term processes hold now: it goes there and back)
    h.rt.send(echo, new BitString(new Uint8Array([0xa0]), 3));
    expect(await h.rt.receive(2000)).toEqual(new BitString(new Uint8Array([0xa0]), 3));
  });
});
