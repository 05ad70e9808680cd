// Links and exit signals (assembly/runtime/signals.ts), through the puppet
// program (assembly/testing/programs/signals.ts), on both backends: a process's
// end reaches its links; trap_exit turns signals into messages; normal is
// ignored and kill is untrappable; a signal comes after the messages its
// sender sent before it; a chain of 10,000 linked processes goes down from
// one end; the host links to processes and sends them exit signals.
import { Atom, Pid, Tuple } from "../host";
import { BACKENDS, start, type Harness } from "./helpers";

const A = (s: string) => Atom.of(s);
const T = (...e: unknown[]) => new Tuple(e);

describe.each(BACKENDS)("links and exit signals on %s", (backend) => {
  let h: Harness;
  beforeEach(async () => { h = await start(backend, { poisonFromSpace: true }); });

  const puppet = () => h.rt.spawn("puppet");
  const tell = async (p: Pid, ...m: unknown[]) => { h.rt.send(p, T(...m)); await h.rt.run(); };
  const alive = (p: Pid) => h.rt.isAlive(p);
  const got = async () => h.rt.receive({ timeoutMs: 10_000 }) as Promise<Tuple>;

  test("a process's end reaches its links: abnormal reasons end them, normal does not", async () => {
    const [a, b, c] = [puppet(), puppet(), puppet()];
    await tell(a, A("link"), b);
    await tell(b, A("link"), c);
    await tell(c, A("die"), A("normal"));
    expect([alive(a), alive(b), alive(c)]).toEqual([true, true, false]);   // normal: links stay up
    const d = puppet();
    await tell(b, A("link"), d);
    await tell(d, A("die"), T(A("oops"), 1));
    expect([alive(a), alive(b)]).toEqual([false, false]);
    expect(h.exitOf(b)).toBe("{oops,1}");
    expect(h.exitOf(a)).toBe("{oops,1}");
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
    expect(msgs).toEqual([A("first"), A("second"), T(A("EXIT"), b, A("boom"))]);
    expect(alive(a)).toBe(true);
  });

  test("exit/2: kill is untrappable and links then hear killed; normal is ignored unless trapped", async () => {
    const [a, b, c] = [puppet(), puppet(), puppet()];
    await tell(a, A("trap_exit"), true);
    await tell(c, A("trap_exit"), true);
    await tell(c, A("link"), a);
    await tell(b, A("exit"), a, A("normal"));
    expect((await got()).elements[2]).toEqual(T(A("EXIT"), b, A("normal")));
    await tell(b, A("exit"), a, A("kill"));
    expect(alive(a)).toBe(false);
    expect(h.exitOf(a)).toBe("killed");
    expect((await got()).elements[2]).toEqual(T(A("EXIT"), a, A("killed")));
    const d = puppet();
    await tell(b, A("exit"), d, A("normal"));
    expect(alive(d)).toBe(true);
    await tell(b, A("exit"), d, T(A("shutdown"), [1, 2.5]));
    expect(h.exitOf(d)).toBe("{shutdown,[1,2.5]}");
  });

  test("linking to a dead process is the exit signal noproc; unlink removes both ends", async () => {
    const [a, dead] = [puppet(), puppet()];
    await tell(dead, A("die"), A("gone"));
    await tell(a, A("trap_exit"), true);
    await tell(a, A("link"), dead);
    expect((await got()).elements[2]).toEqual(T(A("EXIT"), dead, A("noproc")));
    const b = puppet(), c = puppet();
    await tell(b, A("link"), c);
    await tell(c, A("unlink"), b);
    await tell(c, A("die"), A("alone"));
    expect(alive(b)).toBe(true);
    const e = puppet();
    await tell(e, A("link"), dead);
    expect(h.exitOf(e)).toBe("noproc");
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
});
