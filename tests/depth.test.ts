// Stack depth and tail calls (docs/depth.md), with program modules written as
// a compiler writes them (tests/fixtures/link/recursion.wat, tail_call.wat)
// and linked by scripts/link.mjs: a body recursion 1,000,000 deep (lists:map
// over a 1,000,000-element list recurses as deep) overflows the native stack
// on both backends and runs with its frames on the shadow stack; tail calls
// as return_call run in constant stack on fx, and an asyncify link refuses
// them by name.
import { execFile, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Runtime, type StartOptions } from "../host";
import type { Backend } from "../host";
import { BACKENDS } from "./helpers";

const ROOT = path.join(__dirname, "..");
const LINK = path.join(ROOT, "tests", "support", "link-program.mjs");
const fixture = (name: string) => path.join(ROOT, "tests", "fixtures", "link", name);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "shoal-depth-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const DEEP = 1_000_000;

// recursion.wat's two entries, then (fx) tail_call.wat's one
const linked: Partial<Record<Backend, Promise<{ file: string; tableBase: number }>>> = {};
function linkFor(backend: Backend): Promise<{ file: string; tableBase: number }> {
  return linked[backend] ??= new Promise((resolve, reject) => {
    const file = path.join(tmp, `depth.${backend}.wasm`);
    const wats = backend === "fx" ? [fixture("recursion.wat"), fixture("tail_call.wat")] : [fixture("recursion.wat")];
    execFile(process.execPath, [LINK, backend, file, ...wats], { encoding: "utf8" }, (err, stdout, stderr) =>
      (err ? reject(new Error(`${stdout}${stderr}`)) : resolve({ file, tableBase: JSON.parse(stdout).tableBase })));
  });
}
// (both links at once: each takes a few seconds)
beforeAll(() => Promise.all(BACKENDS.map(linkFor)), 120_000);

/** Run entry `k` of the linked module with the small integer `n`: its exit, and what it sent if it ended normally. */
async function runEntry(backend: Backend, k: number, n: number, opts: StartOptions = {}): Promise<{ exit: string; sent?: unknown }> {
  const { file, tableBase } = await linkFor(backend);
  const rt = await Runtime.start({ ...opts, backend, modules: { [backend]: fs.readFileSync(file) } });
  try {
    const exits: string[] = [];
    rt.onExit((e) => { exits.push(e.text); });
    rt.spawn(tableBase + k, n);
    await rt.run();
    expect(exits).toHaveLength(1);
    return { exit: exits[0], sent: exits[0] === "normal" ? await rt.receive({ timeoutMs: 0 }) : undefined };
  } finally {
    rt.stop();
  }
}

describe.each(BACKENDS)("a body recursion on %s", (backend) => {
  test(`with native calls: ${DEEP.toLocaleString("en-US")} levels end the process with stack_overflow, 1,000 return`, async () => {
    expect((await runEntry(backend, 0, DEEP)).exit).toMatch(/^stack_overflow/);
    expect(await runEntry(backend, 0, 1000)).toEqual({ exit: "normal", sent: 1000 });
  });

  test(`with its frames on the shadow stack: ${DEEP.toLocaleString("en-US")} levels return, given a shadow stack that holds them`, async () => {
    // 16 bytes a level: 16 MB; the default limit (1 MiB) holds 65,536 levels
    expect(await runEntry(backend, 1, DEEP, { shadowStackBytes: 32 << 20 })).toEqual({ exit: "normal", sent: DEEP });
    expect((await runEntry(backend, 1, DEEP)).exit).toBe("shadow_stack_overflow");
  });
});

test(`fx: tail calls as return_call run ${DEEP.toLocaleString("en-US")} deep in constant stack`, async () => {
  expect(await runEntry("fx", 2, DEEP)).toEqual({ exit: "normal", sent: DEEP });
  expect(await runEntry("fx", 2, DEEP + 1)).toEqual({ exit: "normal", sent: DEEP + 1 });
});

test("asyncify: the link refuses a module with tail calls, naming the function", () => {
  const r = spawnSync(process.execPath, [LINK, "asyncify", path.join(tmp, "t.wasm"), fixture("tail_call.wat")], { encoding: "utf8" });
  expect(r.status).toBe(3);
  expect(r.stdout).toMatch(/LinkError: tail_call\.wat: function \$(even|odd) makes a tail call \(return_call\), which the asyncify backend cannot run/);
});
