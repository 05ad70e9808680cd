// Message timers (erlang:send_after/3, cancel_timer/1, read_timer/1; docs/abi.md), set by
// timer_agent processes (assembly/testing/programs/timers.ts) on both backends, on the debug
// build with from-space poisoned. Every test holds the host clock (fakeClock) and drives the
// runtime by runSlice(), so each timer fires at exactly the time the test sets, however fast the
// machine is.
import { Status } from "../assembly/boundary/codes";
import { DEFAULT_MAX_TIMERS } from "../assembly/boundary/defaults";
import { Atom, Ref, Tuple, Float } from "../host/terms";
import { BACKENDS, fakeClock, hostMessages, start, timerAgent, Harness } from "./helpers";

const A = (name: string): Atom => Atom.of(name);

/** Run a slice at `ms` on the held clock; what reached the host meanwhile (taken out of its messages). */
function at(h: Harness, clock: { ms: number }, ms: number): unknown[] {
  clock.ms = ms;
  h.rt.runSlice();
  return hostMessages(h.rt).splice(0);
}

describe.each(BACKENDS)("send_after on %s", (backend) => {
  test("a timer fires at its time and not before; in deadline order, equal deadlines in the order set", async () => {
    const h = await start(backend, { poisonFromSpace: true });
    const clock = fakeClock(1000);
    const { ask } = timerAgent(h.rt);
    const echo = h.rt.spawn("echo_host");
    // to the host's pid directly, and to a process (which passes each on to the host as it comes)
    for (const dest of [h.rt.hostPid, echo]) {
      const set: [number, string][] = [[30, "c"], [10, "a1"], [20, "b1"], [20, "b2"], [10.5, "a2"], [20, "b3"], [0, "now"], [20, "b4"]];
      const t0 = clock.ms;
      for (const [ms, tag] of set) {
        const [ref] = ask("timer", "send_after", ms, dest, A(tag));
        expect(ref).toBeInstanceOf(Ref);
      }
      expect(h.rt.timerStats().timers).toBe(7);             // the 0 ms one fired at the next slice
      expect(at(h, clock, t0)).toEqual([A("now")]);
      expect(at(h, clock, t0 + 9.999)).toEqual([]);
      expect(at(h, clock, t0 + 10)).toEqual([A("a1")]);
      expect(at(h, clock, t0 + 20)).toEqual(["a2", "b1", "b2", "b3", "b4"].map(A));
      expect(at(h, clock, t0 + 29.999)).toEqual([]);
      expect(at(h, clock, t0 + 1000)).toEqual([A("c")]);
      expect(h.rt.timerStats()).toEqual({ timers: 0, bytes: 0 });
    }
    // any term goes as the message; the runtime waits for timers with no process runnable
    const msg = new Tuple([1, new Float(2), new Uint8Array([1, 2]), [A("a"), new Map([[1, 2]])], 1n << 62n]);
    ask("timer", "send_after", 5, h.rt.hostPid, msg);
    expect(h.rt.runSlice()).toBe(Status.TIMERS);
    expect(at(h, clock, clock.ms + 5)).toEqual([msg]);
  });

  test("a name is looked up when the timer fires; a name nobody holds then, or a pid that has ended, gets nothing", async () => {
    const h = await start(backend, { poisonFromSpace: true });
    const clock = fakeClock(1000);
    const { ask } = timerAgent(h.rt);
    const parked = h.rt.spawn("park");           // keeps whatever it gets in its mailbox
    const echo = h.rt.spawn("echo_host");
    expect(h.rt.register("dest", parked)).toBe(true);
    ask("timer", "send_after", 10, A("dest"), A("m1"));
    ask("timer", "send_after", 20, A("dest"), A("m2"));
    expect(h.rt.unregister("dest")).toBe(true);
    expect(h.rt.register("dest", echo)).toBe(true);
    expect(at(h, clock, 1010)).toEqual([A("m1")]);           // echo has the name now
    expect(h.rt.unregister("dest")).toBe(true);
    expect(at(h, clock, 1020)).toEqual([]);                  // nobody: dropped
    expect(h.rt.mailboxLength(parked)).toBe(0);
    expect(h.rt.timerStats()).toEqual({ timers: 0, bytes: 0 });
    // a timer aimed at a pid goes when that process ends (as BEAM cancels it)
    const [ref] = ask("timer", "send_after", 10, echo, A("m3"));
    expect(h.rt.timerStats().timers).toBe(1);
    expect(h.rt.kill(echo)).toBe(true);
    expect(h.rt.timerStats()).toEqual({ timers: 0, bytes: 0 });
    expect(ask("read", "read", ref)).toEqual([false]);
    // a pid already dead: a reference, and no timer
    const [dead] = ask("timer", "send_after", 10, echo, A("m4"));
    expect(dead).toBeInstanceOf(Ref);
    expect(h.rt.timerStats().timers).toBe(0);
    expect(ask("cancel", "cancel", dead)).toEqual([false]);
    expect(at(h, clock, 2000)).toEqual([]);
  });

  test("cancel_timer and read_timer: the ms left (rounded up), then false; badarg for what is no timer's time or place", async () => {
    const h = await start(backend, { poisonFromSpace: true });
    const clock = fakeClock(1000);
    const { ask } = timerAgent(h.rt);
    const [ref] = ask("timer", "send_after", 100, h.rt.hostPid, A("late"));
    expect(ask("read", "read", ref)).toEqual([100]);
    clock.ms = 1030.5;
    expect(ask("read", "read", ref)).toEqual([70]);         // 69.5 left
    clock.ms = 1031;
    expect(ask("read", "read", ref)).toEqual([69]);
    expect(ask("cancel", "cancel", ref)).toEqual([69]);
    expect(ask("cancel", "cancel", ref)).toEqual([false]);
    expect(ask("read", "read", ref)).toEqual([false]);
    expect(at(h, clock, 5000)).toEqual([]);                 // it never fires
    expect(h.rt.timerStats()).toEqual({ timers: 0, bytes: 0 });
    // a fired timer is gone too; another runtime's reference with the same ids names nothing here
    const [fired] = ask("timer", "send_after", 0, h.rt.hostPid, A("now"));
    const [live] = ask("timer", "send_after", 50, h.rt.hostPid, A("later"));
    expect(at(h, clock, 5000)).toEqual([A("now")]);
    expect(ask("read", "read", fired)).toEqual([false]);
    const stranger = new Ref([...(live as Ref).ids], h.rt.creation - 1);
    expect(ask("cancel", "cancel", stranger)).toEqual([false]);
    expect(ask("read", "read", live)).toEqual([50]);
    // any reference no timer has: false; what is not a reference: badarg
    const [[made]] = ask("refs", "make_refs", 1) as [Ref[]];
    expect(ask("cancel", "cancel", made)).toEqual([false]);
    expect(ask("cancel", "cancel", A("ref"))).toEqual([A("badarg")]);
    expect(ask("read", "read", 42)).toEqual([A("badarg")]);
    // a time that is not 0..2^53 - 1 ms, or a destination neither a pid nor an atom: badarg, and no timer
    for (const [ms, dest] of [[-1, h.rt.hostPid], [new Float(2 ** 53), h.rt.hostPid], [10, new Tuple([A("a")])], [10, "bin"]] as [number, unknown][]) {
      expect(ask("timer", "send_after", ms, dest, 1)).toEqual([A("badarg")]);
    }
    expect(h.rt.timerStats().timers).toBe(1);
  });

  test("the message is the timer's own copy: its sender may collect and end; fired or cancelled, it is freed", async () => {
    const h = await start(backend, { poisonFromSpace: true });
    const clock = fakeClock(1000);
    const receiver = timerAgent(h.rt);
    const canceller = timerAgent(h.rt);
    const baseline = h.rt.stats().offHeapBinaries;
    const big = new Uint8Array(1000).map((_, i) => i & 0xff);   // off-heap: shared by reference count
    const data = [big, new Map<unknown, unknown>([[A("k"), [1, 2, 3]], [2, 1.5]]), "small", 1n << 62n, new Tuple([A("x"), []])];
    const sets: [Atom, Ref][] = [];
    for (const what of ["fired", "cancelled"]) {
      const sender = timerAgent(h.rt);
      // the message holds a fun (no host can read one): {payload, F}, F's free variable `data`
      const [ref] = sender.ask("timer", "send_fun_after", 50, receiver.pid, [A(what), ...data]);
      sets.push([A(what), ref as Ref]);
      // the sender's and the timer's copies share one block (each sender decoded its own from the host)
      expect(h.rt.stats().offHeapBinaries).toBe(baseline + sets.length);
      // the sender's heap is collected (from-space poisoned) and then ends: the timer keeps its copy
      expect(h.rt.garbageCollect(sender.pid, true)).toBe(true);
      expect(h.rt.kill(sender.pid)).toBe(true);
      h.rt.runSlice();
      expect(h.rt.isAlive(sender.pid)).toBe(false);
    }
    expect(h.rt.timerStats().timers).toBe(2);
    expect(h.rt.timerStats().bytes).toBeGreaterThan(0);
    expect(h.rt.stats().offHeapBinaries).toBe(baseline + 2);       // now held by the two timers only
    // another process cancels one: its copy goes at once, and its reference to its block
    const bytes2 = h.rt.timerStats().bytes;
    expect(canceller.ask("cancel", "cancel", sets[1][1])).toEqual([50]);
    expect(h.rt.timerStats()).toEqual({ timers: 1, bytes: bytes2 / 2 });
    expect(h.rt.stats().offHeapBinaries).toBe(baseline + 1);
    // the other fires: the receiver gets the fun and the data intact
    clock.ms = 1050;
    h.rt.runSlice();
    const got = hostMessages(h.rt).splice(0);
    expect(got).toEqual([new Tuple([A("payload"), 1, [A("fired"), ...data].map((x) => (typeof x === "string" ? new TextEncoder().encode(x) : x))])]);
    expect(h.rt.timerStats()).toEqual({ timers: 0, bytes: 0 });
    // once the receiver is done with the message and has collected it, nothing holds the binary
    expect(receiver.ask("read", "read", 42)).toEqual([A("badarg")]);
    expect(h.rt.garbageCollect(receiver.pid, true)).toBe(true);
    expect(h.rt.stats().offHeapBinaries).toBe(baseline);
  });

  test("with one shared heap (the baseline collector) the timer's copy is its own too", async () => {
    const h = await start(backend, { poisonFromSpace: true, sharedHeap: true });
    const clock = fakeClock(1000);
    const receiver = timerAgent(h.rt);
    const sender = timerAgent(h.rt);
    const data = [new Uint8Array(200).fill(7), new Tuple([A("x"), 1.5, [1, 2]])];
    sender.ask("timer", "send_fun_after", 10, receiver.pid, data);
    sender.ask("timer", "send_after", 10, receiver.pid, new Tuple(data));
    expect(h.rt.garbageCollect(sender.pid, true)).toBe(true);
    expect(h.rt.kill(sender.pid)).toBe(true);
    expect(at(h, clock, 1010)).toEqual([new Tuple([A("payload"), 1, data]), new Tuple([A("got"), new Tuple(data)])]);
    expect(h.rt.timerStats()).toEqual({ timers: 0, bytes: 0 });
  });

  test("run() waits on the real clock for a timer whose sender has ended, and not less", async () => {
    const h = await start(backend);
    const { pid, ask } = timerAgent(h.rt);
    const t0 = performance.now();
    ask("timer", "send_after", 30, h.rt.hostPid, A("hello"));
    expect(h.rt.kill(pid)).toBe(true);
    expect(h.rt.runSlice()).toBe(Status.TIMERS);     // no process left, a timer armed
    expect(await h.rt.run()).toBe("idle");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(30 - 1e-6);
    expect(hostMessages(h.rt)).toEqual([A("hello")]);
  });

  test("at most maxTimers armed at once: past it send_after gives system_limit, and cancelling makes room", async () => {
    const h = await start(backend);
    fakeClock(1000);
    expect(h.rt.setMaxTimers(DEFAULT_MAX_TIMERS)).toBe(DEFAULT_MAX_TIMERS);
    expect(h.rt.setMaxTimers(3)).toBe(3);
    const { ask } = timerAgent(h.rt);
    const refs = [1, 2, 3].map((i) => ask("timer", "send_after", 100, A("nobody"), i)[0] as Ref);
    expect(refs.every((r) => r instanceof Ref)).toBe(true);
    expect(ask("timer", "send_after", 100, A("nobody"), 4)).toEqual([A("system_limit")]);
    expect(ask("cancel", "cancel", refs[0])).toEqual([100]);
    expect(ask("timer", "send_after", 100, A("nobody"), 5)[0]).toBeInstanceOf(Ref);
    expect(h.rt.timerStats().timers).toBe(3);
  });

  test("many timers, set and cancelled in any order, fire in order; stop() frees those left", async () => {
    const h = await start(backend);
    const clock = fakeClock(1000);
    const { ask } = timerAgent(h.rt);
    const echo = h.rt.spawn("echo_host");
    const n = 300;
    const due = Array.from({ length: n }, (_, i) => ((i * 7919) % 97) + 1);   // ms, many equal
    const refs = due.map((ms, i) => ask("timer", "send_after", ms, i % 2 ? echo : h.rt.hostPid, i)[0] as Ref);
    const cancelled = new Set(Array.from({ length: n }, (_, i) => i).filter((i) => i % 5 === 3));
    for (const i of cancelled) expect(ask("cancel", "cancel", refs[i])).toEqual([due[i]]);
    const want = Array.from({ length: n }, (_, i) => i).filter((i) => !cancelled.has(i)).sort((a, b) => due[a] - due[b] || a - b);
    const got: unknown[] = [];
    for (let t = 1000; t <= 1100; t++) got.push(...at(h, clock, t));
    // (at each time the host's own arrive at once, the echo's after it has run: compared apart)
    const odd = (x: unknown) => (x as number) % 2 === 1;
    expect(got.filter(odd)).toEqual(want.filter(odd));
    expect(got.filter((x) => !odd(x))).toEqual(want.filter((x) => !odd(x)));
    expect(got.length).toBe(want.length);
    // timers left when the runtime stops (to a name, the host, a process) are freed with it
    ask("timer", "send_after", 10, A("nobody"), 1);
    ask("timer", "send_after", 10, h.rt.hostPid, 2);
    ask("timer", "send_after", 10, echo, 3);
    expect(h.rt.timerStats().timers).toBe(3);
    h.rt.stop();
    expect(h.rt.timerStats()).toEqual({ timers: 0, bytes: 0 });
  });
});
