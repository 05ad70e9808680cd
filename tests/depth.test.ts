// Stack depth and tail calls (docs/depth.md), with program modules written as
// a compiler writes them (tests/fixtures/link/recursion.wat, tail_call.wat),
// assembled by Binaryen's wasm-as and linked by `shoal link`: a body
// recursion 1,000,000 deep (lists:map over a 1,000,000-element list recurses
// as deep) overflows the native stack on both backends and runs with its
// frames on the shadow stack; tail calls as return_call run in constant stack
// on fx, and an asyncify link refuses them, naming the function.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Runtime, type StartOptions } from "../host";
import type { Backend } from "../host";
import { BACKENDS } from "./helpers";

const ROOT = path.join(__dirname, "..");
const SHOAL = path.join(ROOT, "bin", "shoal.mjs");
const WASM_AS = path.join(ROOT, "node_modules", "binaryen", "bin", "wasm-as");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "shoal-depth-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const DEEP = 1_000_000;

/** tests/fixtures/link/<name>.wat assembled (-g: the function names, which the link step's errors quote): its path. */
function assemble(name: string): string {
  const out = path.join(tmp, `${name}.wasm`);
  execFileSync(process.execPath, [WASM_AS, "--enable-tail-call", "-g", path.join(ROOT, "tests", "fixtures", "link", `${name}.wat`), "-o", out]);
  return out;
}

/** `shoal link <modules> -o <tmp>/<out> --backend <backend> --name depth`, not blocking (the backends link at once): the program's path. */
function shoalLink(modules: string[], out: string, backend: Backend): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SHOAL, "link", ...modules, "-o", path.join(tmp, out), "--backend", backend, "--name", "depth"],
      { encoding: "utf8" }, (err, stdout, stderr) => (err ? reject(new Error(`${stdout}${stderr}`)) : resolve(path.join(tmp, out, "depth"))));
  });
}

// recursion.wat's two entries on both backends; tail_call.wat's too on fx
let program: string;
beforeAll(async () => {
  const recursion = assemble("recursion"), tail = assemble("tail_call");
  const linked = await Promise.all(BACKENDS.map((b) => shoalLink(b === "fx" ? [recursion, tail] : [recursion], "app", b)));
  program = linked[0];
}, 120_000);

/** Run `entry` with the small integer `n` in a runtime of its own: its exit, and what it sent if it ended normally. */
async function runEntry(backend: Backend, entry: string, n: number, opts: StartOptions = {}): Promise<{ exit: string; sent?: unknown }> {
  const rt = await Runtime.start({ ...opts, backend, program });
  try {
    const exits: string[] = [];
    rt.onExit((e) => { exits.push(e.text); });
    rt.spawn(entry, n);
    await rt.run();
    expect(exits).toHaveLength(1);
    return { exit: exits[0], sent: exits[0] === "normal" ? await rt.receive({ timeoutMs: 0 }) : undefined };
  } finally {
    rt.stop();
  }
}

describe.each(BACKENDS)("a body recursion on %s", (backend) => {
  test(`with native calls: ${DEEP.toLocaleString("en-US")} levels end the process with stack_overflow, 1,000 return`, async () => {
    expect((await runEntry(backend, "recursion:native", DEEP)).exit).toMatch(/^stack_overflow/);
    expect(await runEntry(backend, "recursion:native", 1000)).toEqual({ exit: "normal", sent: 1000 });
  });

  test(`with its frames on the shadow stack: ${DEEP.toLocaleString("en-US")} levels return, given a shadow stack that holds them`, async () => {
    // 16 bytes a level: 16 MB; the default limit (1 MiB) holds 65,536 levels
    expect(await runEntry(backend, "recursion:frames", DEEP, { shadowStackBytes: 32 << 20 })).toEqual({ exit: "normal", sent: DEEP });
    expect((await runEntry(backend, "recursion:frames", DEEP)).exit).toBe("shadow_stack_overflow");
  });
});

test(`fx: tail calls as return_call run ${DEEP.toLocaleString("en-US")} deep in constant stack`, async () => {
  expect(await runEntry("fx", "tail_call:main", DEEP)).toEqual({ exit: "normal", sent: DEEP });
  expect(await runEntry("fx", "tail_call:main", DEEP + 1)).toEqual({ exit: "normal", sent: DEEP + 1 });
});

test("asyncify: the link refuses a module with tail calls, naming the function", () => {
  const r = spawnSync(process.execPath, [SHOAL, "link", path.join(tmp, "tail_call.wasm"), "-o", path.join(tmp, "refused"), "--backend", "asyncify"], { encoding: "utf8" });
  expect(r.status).toBe(3);
  expect(r.stderr + r.stdout).toMatch(/tail_call\.wasm: function \$(even|odd) makes a tail call \(return_call\), which the asyncify backend cannot run/);
  expect(fs.existsSync(path.join(tmp, "refused"))).toBe(false);
});
