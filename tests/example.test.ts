// The example for compiler writers (examples/compiled/): its two WAT modules
// assembled by Binaryen and linked by `shoal link` as its README says, then
// run on both backends with every collection poisoning the space it left
// and every live process collected from outside between process slices, so
// a term the code kept in a local across a collection point, instead of a
// root slot, traps at once. The total it sends the host is checked against
// the sum computed here; run.mjs, the README's runner, runs it too.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Atom, Pid, Runtime, Tuple, type ExitEvent } from "../host";
import { Status } from "../assembly/boundary/codes";
import { BACKENDS } from "./helpers";

const ROOT = path.join(__dirname, "..");
const EXAMPLE = path.join(ROOT, "examples", "compiled");
const WASM_AS = path.join(ROOT, "node_modules", "binaryen", "bin", "wasm-as");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "shoal-example-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** What workers:main(n) must send as its total: worker K sums K .. K + 9999. */
function expectedTotal(n: number): number {
  let total = 0;
  for (let k = 1; k <= n; k++) for (let i = k; i < k + 10_000; i++) total += i;
  return total;
}

let program: string;
beforeAll(() => {
  const modules = ["workers", "lists"].map((name) => {
    const out = path.join(tmp, `${name}.wasm`);
    execFileSync(process.execPath, [WASM_AS, path.join(EXAMPLE, `${name}.wat`), "-o", out]);
    return out;
  });
  // the checked core (--debug): its invariants are asserted as the example runs
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "shoal.mjs"), "link", ...modules, "-o", path.join(tmp, "out"), "--debug"],
    { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  expect(r.stdout).toMatch(/workers\.fx\.wasm: \d+ bytes, entries: workers:main\/1 workers:worker\/2 lists:sum\/1\n/);
  program = path.join(tmp, "out", "workers");
}, 120_000);

describe.each(BACKENDS)("the compiled example on %s", (backend) => {
  test("workers:main(32) sends the right total with every process collected between slices and from-space poisoned", async () => {
    const rt = await Runtime.start({ backend, program, poisonFromSpace: true, minHeapWords: 64 });
    try {
      const messages: unknown[] = [];
      const exits: ExitEvent[] = [];
      rt.onMessage((m) => messages.push(m));
      rt.onExit((e) => exits.push(e));
      const n = 32;   // enough that main's own heap fills while it spawns: a collection inside its loop, Pids live
      const main = rt.spawn("workers:main", n);
      let collections = 0, slices = 0, mostQueued = 0;
      // one process slice at a time, until main has ended (or waits for a reply that will never come:
      // a worker ended early, and the exits below say why)
      while (rt.isAlive(main)) {
        slices++;
        if (rt.runSlice(Infinity, 1) === Status.WAITING) break;
        // collect every live process, minor and major in turn
        for (const pid of rt.processes()) {
          if (rt.garbageCollect(pid, slices % 2 === 0)) collections++;
        }
        if (rt.isAlive(main)) mostQueued = Math.max(mostQueued, rt.mailboxLength(main));
      }
      await rt.run();

      const workers = messages.length ? (messages[0] as Tuple).elements[1] as Pid[] : [];   // main's first message names them
      expect(exits.map((e) => e.text)).toEqual(Array(n + 1).fill("normal"));
      expect(messages).toEqual([new Tuple([Atom.of("workers"), workers]), new Tuple([Atom.of("total"), expectedTotal(n)])]);
      expect(workers).toHaveLength(n);
      expect(rt.stats().alive).toBe(0);
      // each worker spends 20,000 reductions (a slice is 4,000): several slices, each followed by collections
      expect(collections).toBeGreaterThan(5 * n);
      // main takes the newest worker's reply first: the older ones wait in its mailbox, skipped, meanwhile
      expect(mostQueued).toBeGreaterThan(1);
    } finally {
      rt.stop();
    }
  }, 60_000);

  test("run.mjs, the README's runner, prints the total", () => {
    const r = spawnSync(process.execPath, ["--experimental-wasm-wasmfx", path.join(EXAMPLE, "run.mjs"), program, "3", "--backend", backend],
      { encoding: "utf8" });
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n").filter(Boolean);
    expect(lines[0]).toBe(`backend: ${backend}`);
    expect(lines[1]).toBe("entries: workers:main/1 workers:worker/2 lists:sum/1");
    expect(lines[2]).toMatch(/^<0\.0\.\d+> started 3 workers: <0\.3\.\d+> <0\.2\.\d+> <0\.1\.\d+>$/);
    expect(lines.slice(3)).toEqual([`total: ${expectedTotal(3)} (expected ${expectedTotal(3)})`, "4 spawned, 0 alive"]);
  }, 30_000);
});
