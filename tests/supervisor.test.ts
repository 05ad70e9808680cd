// Supervisors (assembly/runtime/supervisor.ts), started from JS with puppet
// children (assembly/testing/programs/signals.ts), on both backends, each
// scenario compared with OTP's own supervisor in the same run
// (tests/fixtures/supervisor.escript): which children a crash restarts under
// each strategy, restart types, the intensity limit, shutdown of a child that
// ignores it and of one killed brutally.
import { Atom, Pid, Tuple, formatTerm, type SupervisorSpec } from "../host";
import { BACKENDS, beamOutcomes, start, type Harness } from "./helpers";

let beam: Map<string, string>;
beforeAll(() => { beam = beamOutcomes("supervisor"); }, 60_000);

const A = (s: string) => Atom.of(s);
const T = (...e: unknown[]) => new Tuple(e);
type Child = SupervisorSpec["children"][number];
const child = (id: string, restart: Child["restart"] = "permanent", shutdown: Child["shutdown"] = 1000): Child =>
  ({ id: A(id), start: ["testing:puppet", []], restart, shutdown });

describe.each(BACKENDS)("supervisors on %s", (backend) => {
  let h: Harness;
  beforeEach(async () => { h = await start(backend, { poisonFromSpace: true }); });

  /** The supervisor's children, by asking it ({which_children, From}) through a puppet. */
  async function children(sup: Pid): Promise<(Pid | Atom)[]> {
    const q = h.rt.spawn("puppet");
    h.rt.send(q, T(A("send"), sup, T(A("which_children"), q)));
    await h.rt.run();
    const reply = (await h.rt.receive({ timeoutMs: 10_000 }) as Tuple).elements[2] as Tuple;
    h.rt.kill(q);
    return (reply.elements[1] as Tuple[]).map((c) => c.elements[1] as Pid | Atom);
  }
  const same = (a: Pid | Atom, b: Pid | Atom) => a instanceof Pid && b instanceof Pid && a.equals(b);

  test.each(["one_for_one", "one_for_all", "rest_for_one"] as const)("%s restarts what OTP restarts", async (strategy) => {
    const sup = h.rt.supervise({ strategy, intensity: 5, period: 10, children: [child("a"), child("b"), child("c")] });
    await h.rt.run();
    const before = await children(sup);
    h.rt.exit(before[1] as Pid, A("boom"));
    await h.rt.run();
    const after = await children(sup);
    expect(formatTerm(before.map((b, i) => !same(b, after[i])))).toBe(beam.get(strategy));
    expect(after.every((p) => p instanceof Pid && h.rt.isAlive(p))).toBe(true);
  });

  test("restart types: transient after normal, transient after a crash, temporary", async () => {
    const sup = h.rt.supervise({ intensity: 5, period: 10, children: [child("t1", "transient"), child("t2", "transient"), child("tmp", "temporary")] });
    await h.rt.run();
    const before = await children(sup);
    h.rt.send(before[0] as Pid, T(A("die"), A("normal")));
    h.rt.send(before[1] as Pid, T(A("die"), A("boom")));
    h.rt.send(before[2] as Pid, T(A("die"), A("boom")));
    await h.rt.run();
    const after = await children(sup);
    const what = before.map((b, i) => (after[i] instanceof Atom ? A("none") : same(b, after[i]) ? A("same") : A("new")));
    expect(formatTerm(what)).toBe(beam.get("restart_types"));
  });

  test("more restarts than the intensity within the period: every child stopped, the supervisor exits shutdown", async () => {
    const sup = h.rt.supervise({ intensity: 2, period: 60, children: [child("a"), child("b")] });
    await h.rt.run();
    const kids = await children(sup);
    for (let i = 0; i < 3; i++) {
      const [a] = await children(sup);
      h.rt.exit(a as Pid, A("boom"));
      await h.rt.run();
    }
    expect(`{${h.rt.isAlive(sup)},${h.exitOf(sup)},${formatTerm(kids.map((k) => h.rt.isAlive(k as Pid)))}}`).toBe(beam.get("intensity"));
  });

  test("shutdown: a child that ignores it is killed after its timeout; brutal_kill kills at once", async () => {
    const sup = h.rt.supervise({ intensity: 1, period: 5, children: [child("stubborn", "permanent", 50), child("quick", "permanent", "brutal_kill")] });
    await h.rt.run();
    const [stubborn, quick] = await children(sup) as Pid[];
    h.rt.send(stubborn, T(A("trap_exit"), true));
    await h.rt.run();
    h.rt.exit(sup, A("shutdown"));
    await h.rt.run();
    expect(formatTerm([h.exitOf(stubborn), h.exitOf(quick)].map((r) => A(r!)))).toBe(beam.get("shutdown"));
    expect(h.exitOf(sup)).toBe("shutdown");
  });

  test("a spec it cannot take is a BadargError, or ends the supervisor with badarg", async () => {
    expect(() => h.rt.supervise({ children: [{ start: ["testing:nope", 1] }] })).toThrow(/no entry testing:nope\/1/);
    const bad = h.rt.supervise({ intensity: -1, children: [] });
    await h.rt.run();
    expect(h.exitOf(bad)).toBe("badarg");
  });
});
