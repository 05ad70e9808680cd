// Per-process heaps and their collectors: random term graphs survive every
// collection intact, roots in suspended processes' frames are found and
// rewritten, limits end one process, and an ended process gives back all.
import fc from "fast-check";
import { buildProgram, setFunEntry, stepArb } from "./termmachine";
import { Trace } from "../assembly/boundary/codes";
import { BACKENDS, start, Harness } from "./helpers";
import { Atom, Pid, Tuple } from "../host";

/** Run term-machine programs, each in its own process; returns the hashes and live counts each reported. */
async function runMachines(h: Harness, programs: Uint8Array[], between?: () => void) {
  const pids = programs.map((p) => h.rt.spawn("term_machine", h.rt.loadMachine(p)));
  if (between) {
    while (pids.some((p) => h.rt.isAlive(p))) { h.rt.runSlice(Infinity, 1); between(); }   // one process slice at a time
  } else {
    await h.rt.run();
  }
  return pids.map((pid) => ({
    exit: h.exitOf(pid),
    hashes: h.traces.filter((t) => t.pid.equals(pid) && t.code === Trace.HASH).map((t) => Number(t.value)),
    live: h.traces.filter((t) => t.pid.equals(pid) && t.code === Trace.LIVE).map((t) => Number(t.value)),
  }));
}

for (const backend of BACKENDS) for (const shared of [false, true]) {
  const label = `${backend}${shared ? ", one shared heap (baseline)" : ""}`;
  describe(`collector on ${label}`, () => {
    test("random term graphs keep their structure and sharing through minor and major collections", async () => {
      const h = await start(backend, { poisonFromSpace: true, sharedHeap: shared, minHeapWords: 64, fullsweepAfter: 3 });
      setFunEntry(h.rt.termMachineEntry());   // before any program is built: funs hash their entry
      await fc.assert(fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 300 }), async (steps) => {
        const { bytes, expect: want } = buildProgram(steps);
        h.traces.length = 0;
        const [got] = await runMachines(h, [bytes]);
        expect(got.exit).toBe("normal");
        expect(got.hashes).toEqual(want.hashes);
        if (!shared) expect(got.live).toEqual(want.live);   // a shared heap also holds the others' terms
      }), { numRuns: 150 });
      h.rt.stop();
    });

    test("collections of processes suspended mid-call find and rewrite the roots in their frames", async () => {
      const h = await start(backend, { poisonFromSpace: true, sharedHeap: shared, minHeapWords: 64 });
      setFunEntry(h.rt.termMachineEntry());
      const programs = fc.sample(fc.array(stepArb, { minLength: 40, maxLength: 200 }), { numRuns: 60, seed: 42 })
        .map((steps) => buildProgram(steps));
      const running = h.rt.stats().spawned;
      let collected = 0;
      const got = await runMachines(h, programs.map((p) => p.bytes), () => {
        // collect a few suspended processes from outside, between slices
        for (let slot = 0; slot < 8; slot++) {
          const pid = h.traces.length ? h.traces[(collected * 7 + slot) % h.traces.length].pid : undefined;
          if (pid && h.rt.isAlive(pid) && h.rt.garbageCollect(pid, collected % 2 === 0)) collected++;
        }
      });
      expect(collected).toBeGreaterThan(20);   // slices are counted, not timed: the same count on any machine (68 when written)
      got.forEach((g, i) => {
        expect(g.exit).toBe("normal");
        expect(g.hashes).toEqual(programs[i].expect.hashes);
      });
      expect(h.rt.stats().spawned - running).toBe(60);
      h.rt.stop();
    });
  });
}

describe.each(BACKENDS)("heap limits and lifetimes on %s", (backend) => {
  test("the term machine refuses an id machine_load did not give (it read past its table before)", async () => {
    const h = await start(backend);
    const bogus = [999, -1, h.rt.loadMachine(new Uint8Array([1, 0, 0, 0])) + 4];
    const pids = bogus.map((id) => h.rt.spawn("term_machine", id));
    await h.rt.run();
    for (const p of pids) expect(h.exitOf(p)).toBe("badarg");
    h.rt.stop();
  });

  test("max_heap_size kills that process only, with a reason that names it", async () => {
    const h = await start(backend);
    const hog = h.rt.spawn("gc_hog");
    h.rt.setHeapPolicy(hog, { maxHeapWords: 200_000 });
    const bystander = h.rt.spawn("gc_worker", 1000);
    await h.rt.run();
    expect(h.exitOf(hog)).toBe("max_heap_size");
    expect(h.exitOf(bystander)).toBe("normal");
    h.rt.stop();
  });

  test("a process whose mailbox outgrows max_heap_size is killed before it runs, with that reason", async () => {
    const h = await start(backend);
    const echo = h.rt.spawn("echo_host");
    await h.rt.run();                                  // it waits in receive
    h.rt.setHeapPolicy(echo, { maxHeapWords: 10_000 });
    h.rt.send(echo, Array.from({ length: 20_000 }, (_, i) => i));   // 40,000 words, in a fragment
    await h.rt.run();
    expect(h.exitOf(echo)).toBe("max_heap_size");
    expect(h.rt.stats().heapBytes).toBe(0);
  });

  test("a process with no heap block yet is not collected for fragments smaller than min_heap_size, and is for bigger ones", async () => {
    // (a spawned closure's copy, or a first small message, waits in a fragment for the heap's first
    // block: collecting it before every such process's first slice cost C10M's compiled closures
    // about 400 ns each, docs/benchmarks.md 10g)
    const h = await start(backend);
    const collected: Pid[] = [];
    h.rt.onGc((e) => { if (e.pid) collected.push(e.pid); });
    const echo = h.rt.spawn("echo_host");
    await h.rt.run();                                  // it waits in receive, having allocated nothing
    h.rt.send(echo, new Tuple([Atom.of("small"), 1]));   // 3 words, in a fragment
    await h.rt.run();
    expect(await h.rt.receive(1000)).toEqual(new Tuple([Atom.of("small"), 1]));
    expect(collected.filter((p) => p.equals(echo))).toEqual([]);
    const big = Array.from({ length: 1000 }, (_, i) => i);   // 2,000 words, past min_heap_size (233)
    h.rt.send(echo, big);
    await h.rt.run();
    expect(await h.rt.receive(1000)).toEqual(big);
    expect(collected.filter((p) => p.equals(echo))).toHaveLength(1);   // before the slice that takes it
    h.rt.stop();
  });

  test("off-heap binaries are freed by a collection that finds them dead, and when their holder exits", async () => {
    const h = await start(backend);
    // three 1000-byte binaries; drop two, full sweep; then hold the last across a yield
    const prog = buildProgram([], {}).bytes;   // header only, replaced below
    const ops = [0x08, 0xe8, 0x03, 0, 0, 7, 0x08, 0xe8, 0x03, 0, 0, 8, 0x08, 0xe8, 0x03, 0, 0, 9,
      0x0f, 0x0c, 0x0c, 0x0e, 0x0f];
    const bytes = Uint8Array.from([...prog.slice(0, 4), ...ops]);
    const pid = h.rt.spawn("term_machine", h.rt.loadMachine(bytes));
    const counts: number[] = [];
    // one slice at a time: to the first yield (3 held), to the second (1 held), to the end
    do { h.rt.runSlice(Infinity, 1); counts.push(h.rt.stats().offHeapBinaries); } while (h.rt.isAlive(pid));
    expect(counts).toEqual([3, 1, 0]);
    h.rt.stop();
  });

  test("an exiting process gives its whole heap back at once", async () => {
    const h = await start(backend);
    const pids = Array.from({ length: 200 }, () => h.rt.spawn("gc_holder", 2000));
    await h.rt.run();                                  // all built their lists and wait
    const held = h.rt.stats().heapBytes;
    expect(held).toBeGreaterThan(200 * 2000 * 16);
    for (const p of pids.slice(0, 100)) h.rt.kill(p);
    expect(h.rt.stats().heapBytes).toBeLessThan(held * 0.6);
    for (const p of pids.slice(100)) h.rt.kill(p);
    expect(h.rt.stats().heapBytes).toBe(0);
    h.rt.stop();
  });
});
