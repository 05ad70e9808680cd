// Links and exit signals (assembly/runtime/signals.ts), through the puppet
// program (assembly/testing/programs/signals.ts), on both backends: a process's
// end reaches its links; trap_exit turns signals into messages; normal is
// ignored and kill is untrappable; a signal comes after the messages its
// sender sent before it; a chain of 10,000 linked processes goes down from
// one end; the host links to processes and sends them exit signals. The
// scenarios BEAM can run too are run there in the same test run
// (tests/fixtures/signals.escript), and each outcome compared.
import { Atom, Pid, Ref, Tuple, formatTerm } from "../host";
import { BACKENDS, beamOutcomes, start, type Harness } from "./helpers";

/** BEAM's outcomes by label: the escript's output lines. */
let beam: Map<string, string>;
beforeAll(() => { beam = beamOutcomes("signals"); }, 60_000);

/** `v` as Erlang's ~w writes it, with the pids in `names` written as those atoms. */
function w(v: unknown, names: [Pid | Ref, string][] = []): string {
  const sub = (x: unknown): unknown => {
    if (x instanceof Pid || x instanceof Ref) { const n = names.find(([p]) => p.equals(x as never)); return n ? Atom.of(n[1]) : x; }
    if (x instanceof Tuple) return new Tuple(x.elements.map(sub));
    if (Array.isArray(x)) return x.map(sub);
    return x;
  };
  return formatTerm(sub(v));
}

const A = (s: string) => Atom.of(s);
const T = (...e: unknown[]) => new Tuple(e);

describe.each(BACKENDS)("links and exit signals on %s", (backend) => {
  let h: Harness;
  // (a small shadow stack, so that a deep shadow recursion overflows it before the native stack)
  beforeEach(async () => { h = await start(backend, { poisonFromSpace: true, shadowStackBytes: 64 * 1024 }); });

  const puppet = () => h.rt.spawn("puppet");
  const tell = async (p: Pid, ...m: unknown[]) => { h.rt.send(p, T(...m)); await h.rt.run(); };
  const alive = (p: Pid) => h.rt.isAlive(p);
  const got = async () => h.rt.receive({ timeoutMs: 10_000 }) as Promise<Tuple>;

  test("a process's end reaches its links: abnormal reasons end them, normal does not", async () => {
    const [a, b, c] = [puppet(), puppet(), puppet()];
    await tell(a, A("link"), b);
    await tell(b, A("link"), c);
    await tell(c, A("die"), A("normal"));
    expect(w([alive(a), alive(b), alive(c)])).toBe(beam.get("s1.alive"));   // normal: links stay up
    const d = puppet();
    await tell(b, A("link"), d);
    await tell(d, A("die"), T(A("oops"), 1));
    expect(`{${w([alive(a), alive(b)])},${h.exitOf(b)},${h.exitOf(a)}}`).toBe(beam.get("s1.after"));
  });

  test("trap_exit: the signal arrives as {'EXIT', From, Reason}, after the messages its sender sent first", async () => {
    const [a, b] = [puppet(), puppet()];
    await tell(a, A("trap_exit"), true);
    await tell(a, A("link"), b);
    h.rt.send(b, T(A("send"), a, A("first")));
    h.rt.send(b, T(A("send"), a, A("second")));
    h.rt.send(b, T(A("die"), A("boom")));
    await h.rt.run();
    const msgs = [await got(), await got(), await got()].map((t) => t.elements[2]);
    expect(w(msgs, [[b, "b"]])).toBe(beam.get("s2.msgs"));
    expect(w([alive(a)])).toBe(beam.get("s2.alive"));
  });

  test("exit/2: kill is untrappable and links then hear killed; normal is ignored unless trapped", async () => {
    const [a, b, c] = [puppet(), puppet(), puppet()];
    await tell(a, A("trap_exit"), true);
    await tell(c, A("trap_exit"), true);
    await tell(c, A("link"), a);
    await tell(b, A("exit"), a, A("normal"));
    expect(w((await got()).elements[2], [[b, "b"]])).toBe(beam.get("s3.normal"));
    await tell(b, A("exit"), a, A("kill"));
    expect(`{${w([alive(a)])},${h.exitOf(a)},${w((await got()).elements[2], [[a, "a"]])}}`).toBe(beam.get("s3.kill"));
    const d = puppet();
    await tell(b, A("exit"), d, A("normal"));
    expect(w([alive(d)])).toBe(beam.get("s3.d_normal"));
    await tell(b, A("exit"), d, T(A("shutdown"), [1, 2.5]));
    expect(h.exitOf(d)).toBe(beam.get("s3.d_reason"));
  });

  test("linking to a dead process is the exit signal noproc; unlink removes both ends", async () => {
    const [a, dead] = [puppet(), puppet()];
    await tell(dead, A("die"), A("gone"));
    await tell(a, A("trap_exit"), true);
    await tell(a, A("link"), dead);
    expect(w((await got()).elements[2], [[dead, "dead"]])).toBe(beam.get("s4.noproc"));
    const b = puppet(), c = puppet();
    await tell(b, A("link"), c);
    await tell(c, A("unlink"), b);
    await tell(c, A("die"), A("alone"));
    expect(w([alive(b)])).toBe(beam.get("s4.unlinked"));
    const e = puppet();
    await tell(e, A("link"), dead);
    // error:noproc, uncaught: {noproc, Trace} (the traces differ: BEAM's names its own functions)
    const reason = h.exits.find((x) => x.pid.equals(e))?.reason as Tuple;
    expect(formatTerm(reason.elements[0])).toBe(beam.get("s4.e"));
  });

  test("monitors: 'DOWN' with the reason, at once with noproc for a dead pid, none after demonitor; the host monitors too", async () => {
    const [a, b, dead] = [puppet(), puppet(), puppet()];
    await tell(dead, A("die"), A("gone"));
    await tell(a, A("monitor"), b);
    const r1 = (await got()).elements[1] as Ref;
    expect(r1).toBeInstanceOf(Ref);
    await tell(b, A("die"), T(A("bye"), 2));
    expect(w((await got()).elements[2], [[b, "b"], [r1, "ref"]])).toBe(beam.get("s5.down"));
    await tell(a, A("monitor"), dead);
    const r2 = (await got()).elements[1] as Ref;
    expect(w((await got()).elements[2], [[dead, "dead"], [r2, "ref"]])).toBe(beam.get("s5.noproc"));
    const c = puppet();
    await tell(a, A("monitor"), c);
    const r3 = (await got()).elements[1] as Ref;
    await tell(a, A("demonitor"), r3, false);
    await tell(c, A("die"), A("quiet"));
    const none = await h.rt.receive({ timeoutMs: 0 }).catch(() => A("none"));
    expect(w(none)).toBe(beam.get("s5.demonitored"));
    // flush: a 'DOWN' already in the mailbox goes too
    const d = puppet();
    await tell(a, A("monitor"), d);
    const r4 = (await got()).elements[1] as Ref;
    // a's mailbox then holds: the demonitor, ping, and (d ending first) the 'DOWN', which the flush takes out
    h.rt.send(d, T(A("die"), A("x")));
    h.rt.send(a, T(A("demonitor"), r4, true));
    h.rt.send(a, A("ping"));
    await h.rt.run();
    expect((await got()).elements[2]).toEqual(A("ping"));
    expect(await h.rt.receive({ timeoutMs: 0 }).catch(() => "nothing")).toBe("nothing");
    // the host: a monitor's 'DOWN' is a message to it; demonitor stops it
    const e = puppet(), f = puppet();
    const re = h.rt.monitor(e), rf = h.rt.monitor(f);
    expect(h.rt.demonitor(rf)).toBe(true);
    expect(h.rt.demonitor(rf)).toBe(false);
    await tell(f, A("die"), A("unheard"));
    await tell(e, A("die"), A("heard"));
    expect(await got()).toEqual(T(A("DOWN"), re, A("process"), e, A("heard")));
    const rd = h.rt.monitor(dead);
    expect(await got()).toEqual(T(A("DOWN"), rd, A("process"), dead, A("noproc")));
  });

  test("a chain of 10,000 linked processes goes down from one end with its reason", async () => {
    const head = puppet();
    await tell(head, A("chain"), 10_000);
    expect(h.rt.stats().alive).toBe(10_001);
    h.exits.length = 0;
    h.rt.exit(head, A("cascade"));
    await h.rt.run();
    expect(h.rt.stats().alive).toBe(0);
    expect(h.exits.length).toBe(10_001);
    expect(h.exits.every((e) => e.text === "cascade")).toBe(true);
  });

  test("a process that ends a linked process with kill/2 hears its exit signal after the call: it ends at its next scheduling point", async () => {
    // (as BEAM delivers the signal once the call that caused it has returned: the killer's next
    // action happens, then it ends with the reason, not normal)
    const [a, b] = [puppet(), puppet()];
    await tell(a, A("link"), b);
    await tell(a, A("kill"), b, T(A("boom"), 2));
    const m = await got();
    expect(formatTerm(m.elements[0])).toBe("killed");
    expect(m.elements[1]).toEqual(a);
    expect([alive(a), alive(b)]).toEqual([false, false]);
    expect([h.exitOf(b), h.exitOf(a)]).toEqual(["{boom,2}", "{boom,2}"]);
  });

  test("the host links like a process trapping exits, and sends exit signals", async () => {
    const a = puppet();
    expect(h.rt.link(a)).toBe(true);
    await tell(a, A("die"), T(A("bye"), "now"));
    const m = await got();
    expect(m).toEqual(T(A("EXIT"), a, T(A("bye"), new TextEncoder().encode("now"))));
    const b = puppet();
    h.rt.link(b);
    h.rt.unlink(b);
    expect(h.rt.exit(b, A("normal"))).toBe(true);       // ignored: b does not trap exits
    await h.rt.run();
    expect(alive(b)).toBe(true);
    await tell(b, A("trap_exit"), true);
    h.rt.exit(b, A("please"));
    await h.rt.run();
    const trapped = await got();
    expect(trapped.elements[2]).toEqual(T(A("EXIT"), expect.any(Pid), A("please")));
    expect(h.rt.exit(b, A("kill"))).toBe(true);
    await h.rt.run();
    expect(h.exitOf(b)).toBe("killed");
    expect(h.rt.exit(b, A("kill"))).toBe(false);
    expect(h.rt.link(b)).toBe(false);
  });

  test("isolation: a trap, a native or shadow stack overflow, max_heap_size end one process among many, and its links hear why", async () => {
    const watcher = puppet();
    await tell(watcher, A("trap_exit"), true);
    const bystanders = Array.from({ length: 1000 }, () => puppet());
    await h.rt.run();                                                  // (all waiting now)
    const crashers = [
      h.rt.spawnOpt("trapper", [[]], { priority: "low" }),
      h.rt.spawnOpt("deep_native", [10_000_000], { priority: "low" }),
      h.rt.spawnOpt("deep_shadow", [1_000_000], { priority: "low" }),
      h.rt.spawnOpt("gc_hog", [[]], { priority: "low" }),
    ];
    h.rt.setHeapPolicy(crashers[3], { maxHeapWords: 200_000 });
    for (const c of crashers) h.rt.send(watcher, T(A("link"), c));   // (the watcher, normal priority, links before they run)
    await h.rt.run();
    const heard = new Map<string, unknown>();
    for (let i = 0; i < crashers.length; i++) {
      const exit = (await got()).elements[2] as Tuple;
      heard.set(crashers.findIndex((c) => c.equals(exit.elements[1] as Pid)).toString(), exit.elements[2]);
    }
    expect([0, 1, 2, 3].map((i) => heard.get(String(i))))
      .toEqual([A("trap"), A("stack_overflow"), A("shadow_stack_overflow"), A("max_heap_size")]);
    expect(bystanders.every(alive)).toBe(true);
    expect(alive(watcher)).toBe(true);
  });
});
