// Pids carry their runtime and node: a pid of another runtime (or of a BEAM
// node, read from the External Term Format) never names a local process, even
// when its slot and serial are a live local pid's. Before, such a pid was
// equal to the local one and send delivered to it.
import { Atom, Pid, Tuple, decodeTerm, encodeTerm } from "../host";
import { BACKENDS, start } from "./helpers";

describe.each(BACKENDS)("pids on %s", (backend) => {
  test("another runtime's pid with a live local pid's slot and serial reaches nobody here", async () => {
    const a = await start(backend);
    const b = await start(backend);
    const pa = a.rt.spawn("echo_host");
    const pb = b.rt.spawn("echo_host");
    expect(pa.term).toBe(pb.term);                  // the same slot and serial in each runtime...
    expect(pa.equals(pb)).toBe(false);              // ...but not the same pid
    expect(a.rt.isAlive(pb)).toBe(false);
    expect(a.rt.send(pb, 1)).toBe(false);           // dropped, as a send to a process that is not there
    expect(a.rt.kill(pb)).toBe(false);
    expect(a.rt.mailboxLength(pa)).toBe(0);
    expect(a.rt.isAlive(pa)).toBe(true);
    // a local pid crosses to a process and back as itself; a foreign one cannot go in at all
    expect(a.rt.send(pa, new Tuple([Atom.of("me"), pa]))).toBe(true);
    const back = await a.rt.receive({ timeoutMs: 10_000 }) as Tuple;
    expect((back.elements[1] as Pid).equals(pa)).toBe(true);
    expect(() => a.rt.send(pa, pb)).toThrow(/cannot hold this value/);
    a.rt.stop();
    b.rt.stop();
  });

  test("a pid of another node read from the External Term Format is that node's", async () => {
    const h = await start(backend);
    const local = h.rt.spawn("park");
    const remote = decodeTerm(encodeTerm(new Pid(local.term, h.rt.creation, Atom.of("beam@elsewhere")))) as Pid;
    expect(remote.node).toBe(Atom.of("beam@elsewhere"));
    expect(remote.equals(local)).toBe(false);
    expect(h.rt.isAlive(remote)).toBe(false);
    expect(h.rt.send(remote, 1)).toBe(false);
    expect(h.rt.mailboxLength(local)).toBe(0);
    const same = decodeTerm(encodeTerm(local)) as Pid;   // and our own comes back as ours
    expect(same.equals(local)).toBe(true);
    expect(h.rt.isAlive(same)).toBe(true);
    h.rt.stop();
  });
});
