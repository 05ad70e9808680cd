// The link step (scripts/link.mjs) with program modules written as a compiler
// writes them: relocatable data and table entries placed after the runtime's,
// a literal read back intact from a running process on both backends, and
// clear errors for a module the runtime cannot take.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Runtime } from "../host";
import { BACKENDS } from "./helpers";

const ROOT = path.join(__dirname, "..");
const LINK = path.join(ROOT, "tests", "support", "link-program.mjs");
const fixture = (name: string) => path.join(ROOT, "tests", "fixtures", "link", name);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "shoal-link-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.each(BACKENDS)("a linked program on %s", (backend) => {
  test("runs: its literal and its entry are placed after the runtime's and survive its allocations", async () => {
    const out = path.join(tmp, `hello.${backend}.wasm`);
    const placement = JSON.parse(execFileSync(process.execPath, [LINK, backend, out, fixture("hello.wat")], { encoding: "utf8" }));
    const rt = await Runtime.start({ backend, modules: { [backend]: fs.readFileSync(out) } });
    try {
      // its one table entry is the first after the runtime's
      const pids = Array.from({ length: 100 }, () => rt.spawn(placement.tableBase));
      for (let i = 0; i < pids.length; i++) {
        expect(Buffer.from(await rt.receive({ timeoutMs: 10_000 }) as Uint8Array).toString()).toBe("hello, linked world");
      }
      await rt.run();
      expect(rt.stats().alive).toBe(0);
    } finally {
      rt.stop();
    }
  });
});

test("a module importing a name the runtime does not export is refused, naming it", () => {
  const r = spawnSync(process.execPath, [LINK, "asyncify", path.join(tmp, "x.wasm"), fixture("unknown_import.wat")], { encoding: "utf8" });
  expect(r.status).toBe(3);
  expect(r.stdout).toMatch(/LinkError: unknown_import\.wat: imports "shoal" "teleport", which the runtime does not export/);
});

test("a module exporting a name the runtime already exports is refused, naming it", () => {
  const r = spawnSync(process.execPath, [LINK, "asyncify", path.join(tmp, "y.wasm"), fixture("duplicate_export.wat")], { encoding: "utf8" });
  expect(r.status).toBe(3);
  expect(r.stdout).toMatch(/LinkError: duplicate_export\.wat: exports "init", which the runtime already exports/);
});
