// Out of memory in a host call: the module's memory cannot grow for a large
// send, and the runtime says so (SystemLimitError) and goes on as before.
// Before, the first send threw a raw RuntimeError (unreachable) with the
// allocator's state half-changed, and later sends corrupted the runtime (a
// live process read as dead). The 256 MiB build makes this fast.
import { SystemLimitError, Atom, Tuple } from "../host";
import { BACKENDS, start } from "./helpers";

describe.each(BACKENDS)("out of memory on %s", (backend) => {
  test("a send the memory cannot hold is a SystemLimitError and changes nothing", async () => {
    const h = await start(backend, { smallMemory: true });
    const echo = h.rt.spawn("echo_host");
    const bystander = h.rt.spawn("park");
    for (let i = 0; i < 3; i++) {
      // 150 MiB fits the I/O buffer, but not again as the receiver's off-heap binary
      expect(() => h.rt.send(echo, new Uint8Array(150 << 20))).toThrow(SystemLimitError);
      expect(h.rt.isAlive(echo)).toBe(true);
      expect(h.rt.mailboxLength(echo)).toBe(0);
      expect(h.rt.isAlive(bystander)).toBe(true);
    }
    // the runtime works as before: a message goes through and back
    h.rt.send(echo, new Tuple([Atom.of("still"), new Uint8Array(1 << 20)]));
    const back = await h.rt.receive({ timeoutMs: 10_000 }) as Tuple;
    expect(back.elements[0]).toBe(Atom.of("still"));
    expect((back.elements[1] as Uint8Array).length).toBe(1 << 20);
    h.rt.send(echo, Atom.of("stop"));
    await h.rt.run({ until: () => !h.rt.isAlive(echo) });
    expect(h.exitOf(echo)).toBe("normal");
    h.rt.stop();
  });
});
