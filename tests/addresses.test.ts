// Addresses the module hands the host are wasm32 addresses: unsigned. Past
// 2 GiB of linear memory they arrive in JS as negative i32s, and the host
// must still read messages, exit reasons, atom names and buffers there.
//
// The test grows the module's memory past 2 GiB itself (only address space:
// the pages are never touched) and then makes the module's allocator place
// its buffers above it, checking each time that the address really is there.
import { Atom, Tuple } from "../host";
import type { CoreExports } from "../host/testing";
import { BACKENDS, start } from "./helpers";

const TWO_GIB = 2 ** 31;
const PAGE = 65536;

/** The module's raw exports (what the host's wrappers see, before any conversion). */
function rawExports(rt: object): CoreExports & { etf_output_ptr(): number } {
  return (rt as unknown as { ex: CoreExports & { etf_output_ptr(): number } }).ex;
}

describe.each(BACKENDS)("addresses above 2 GiB on %s", (backend) => {
  test("messages, exits, atom names and the I/O buffer still work", async () => {
    const h = await start(backend);
    const { rt } = h;
    const ex = rawExports(rt);
    ex.memory.grow(TWO_GIB / PAGE + 16 - ex.memory.buffer.byteLength / PAGE);
    expect(ex.memory.buffer.byteLength).toBeGreaterThan(TWO_GIB);

    // a buffer bigger than anything free below 2 GiB: the allocator grows the memory and places it above
    const io = ex.io_buffer(16 << 20) >>> 0;
    expect(io).toBeGreaterThanOrEqual(TWO_GIB);

    // host → process (through the I/O buffer) and back (through the module's encoding buffer, grown above 2 GiB)
    const big = new Uint8Array(4 << 20).map((_, i) => i * 7);
    const echo = rt.spawn("echo_host");
    expect(rt.send(echo, new Tuple([Atom.of("big"), big]))).toBe(true);
    rt.send(echo, 42);
    const got = await rt.receive({ timeoutMs: 20_000 }) as Tuple;
    expect(got.elements[0]).toBe(Atom.of("big"));
    expect(Buffer.compare(got.elements[1] as Uint8Array, big)).toBe(0);
    expect(await rt.receive({ timeoutMs: 20_000 })).toBe(42);
    rt.send(echo, Atom.of("stop"));
    await rt.run();
    expect(h.exitOf(echo)).toBe("normal");

    // an exit reason reported from above 2 GiB
    const ex1 = rt.spawn("exiter", new Tuple([Atom.of("bye"), 7]));
    await rt.run();
    expect(h.exitOf(ex1)).toBe("{bye,7}");

    // atom names the table keeps above 2 GiB
    let name = "", term = 0n;
    for (let i = 0; i < 100_000; i++) {
      name = `a_high_atom_${"x".repeat(200)}_${i}`;
      term = rt.atomTerm(name);
      if ((ex.atom_name_ptr(Number(term >> 6n)) >>> 0) >= TWO_GIB) break;
    }
    expect(ex.atom_name_ptr(Number(term >> 6n)) >>> 0).toBeGreaterThanOrEqual(TWO_GIB);
    expect(rt.atomName(term)).toBe(name);
    expect(rt.register(name, rt.spawn("park"))).toBe(true);
    expect(rt.whereis(name)).toBeDefined();

    // the test programs' own output buffer (etf_echo), placed above 2 GiB
    const input = new Uint8Array([131, 109, 0, 0x40, 0, 0, ...new Uint8Array(4 << 20)]);   // a 4 MiB binary
    rt.etfInput(input);
    rt.spawn("etf_echo");
    await rt.run();
    expect(ex.etf_output_ptr() >>> 0).toBeGreaterThanOrEqual(TWO_GIB);
    expect(Buffer.compare(rt.etfOutput(), input)).toBe(0);

    expect(h.exits.filter((e) => /trap|abort/.test(e.text))).toEqual([]);
  });
});
