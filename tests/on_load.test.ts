// -on_load against the BEAM: the programs in tests/erlang/on_load/ are
// compiled by the real erlc during this run, run on erl (on_load_main:main()),
// and compiled from the same .beam and linked by Shoal on their own (no io:
// they print with erlang:display/1), then run on both backends. An on_load
// function runs at Runtime.start here, before the program (host/on_load.ts),
// and at the module's first call on erl; on_load_main calls both modules it
// uses before printing anything, so standard output must be the same bytes,
// but for the warning erl logs (on stdout, with the time) for the module
// whose on_load function failed: it is taken out of erl's output and its
// body compared with Runtime.onLoadFailures and with what `shoal run` prints
// on stderr (erl logs nothing for on_load_normal, whose function returns an
// atom, normal, so not ok: its module is not loaded either). Two more modules (a crashing on_load function, one that never
// returns) are not called by the program: erl never loads them; Shoal's
// failures for them are checked, and that calls to them raise undef.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Runtime, onLoadReport } from "../host";
import { BACKENDS } from "./helpers";

const SOURCES = path.join(__dirname, "erlang", "on_load");
const BIN = path.join(__dirname, "..", "bin", "shoal.mjs");
/** erl's warning for a failed on_load function (logger's format: a header with the time, the body, an empty line). */
const WARNING = /=WARNING REPORT==== [^\n]* ===\n(The on_load function for module (\S+) returned:\n[\s\S]*?)\n\n/g;

let dir: string;
let erlStdout = "";
const erlWarnings: { module: string; body: string }[] = [];
const linked: Partial<Record<(typeof BACKENDS)[number], Uint8Array>> = {};

function shoal(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [...process.execArgv.filter((a) => a.startsWith("--experimental-wasm")), BIN, ...args],
    { encoding: "utf8", timeout: 600_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "shoal-on-load-"));
  const sources = fs.readdirSync(SOURCES).filter((f) => f.endsWith(".erl")).sort();
  execFileSync("erlc", ["-o", dir, ...sources.map((f) => path.join(SOURCES, f))]);
  // (the warning is logged after main has returned: the sleep lets the logger write it before init:stop)
  const r = spawnSync("erl", ["-noshell", "-pa", dir, "-eval", "on_load_main:main(), timer:sleep(200), init:stop()."], { cwd: dir, encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`erl: ${r.stderr}`);
  erlStdout = r.stdout.replace(WARNING, (_all, body: string, module: string) => { erlWarnings.push({ module, body }); return ""; });
  const beams = sources.map((f) => path.join(dir, f.replace(/\.erl$/, ".beam")));
  const c = shoal(["compile", ...beams, "-o", path.join(dir, "wasm")]);
  if (c.status !== 0) throw new Error(`shoal compile: ${c.stderr}`);
  const wasm = fs.readdirSync(path.join(dir, "wasm")).map((f) => path.join(dir, "wasm", f));
  const l = shoal(["link", ...wasm, "-o", path.join(dir, "linked"), "--name", "on_load", "--debug", "--optimize", "2"]);
  if (l.status !== 0) throw new Error(`shoal link: ${l.stderr}`);
  for (const b of BACKENDS) linked[b] = new Uint8Array(fs.readFileSync(path.join(dir, "linked", `on_load.${b}.wasm`)));
}, 600_000);

afterAll(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

test("erl logs one failed on_load function, on_load_bad's", () => {
  expect(erlWarnings).toEqual([{ module: "on_load_bad", body: "The on_load function for module on_load_bad returned:\n{error,not_today}" }]);
});

describe.each(BACKENDS)("on %s", (backend) => {
  test("the on_load functions run before the program, a failed one's module is not loaded, and the program prints what erl prints", async () => {
    let stdout = "";
    const rt = await Runtime.start({ program: { [backend]: linked[backend]! }, backend, poisonFromSpace: true, stdout: (t) => { stdout += t; } });
    try {
      // by module name; each ran to its end before start returned: their prints are there already
      expect(rt.onLoadFailures.map((f) => f.module)).toEqual(["on_load_bad", "on_load_crash", "on_load_normal", "on_load_waits"]);
      // (erlang:display/1 ends a line with \r\n, on erl as here)
      expect(stdout).toBe("{on_load_bad,init}\r\n{on_load_ok,init}\r\n");
      expect(erlStdout.startsWith(stdout)).toBe(true);
      const [bad, crash, normal, waits] = rt.onLoadFailures;
      expect(onLoadReport(bad)).toBe(`=WARNING REPORT====\n${erlWarnings[0].body}\n`);
      // init() -> normal: not loaded (the result is not ok), and, an atom, not logged (erl logs only bad's)
      expect(normal).toEqual({ module: "on_load_normal", text: "normal", logged: false });
      expect([bad, crash, waits].every((f) => f.logged)).toBe(true);
      expect(crash.text).toMatch(/^\{boom,\[\{on_load_crash,init,0,/);
      expect(waits.text).toBe("it never returned (it waits for a message nothing sends)");
      // what init registered outlives it
      expect(rt.whereis("on_load_keeper")).toBeDefined();
      expect(rt.whereis("on_load_init_process")).toBeUndefined();

      const exits = new Map<string, string>();
      const main = rt.spawn("on_load_main:main");
      const calls = ["on_load_crash:f", "on_load_waits:f", "on_load_bad:f"].map((e) => [e, rt.spawn(e)] as const);
      rt.onExit((e) => { for (const [name, pid] of [["main", main] as const, ...calls]) if (e.pid.equals(pid)) exits.set(name, e.text); });
      await rt.run();
      expect(exits.get("main")).toBe("normal");
      expect(stdout).toBe(erlStdout);
      for (const [name] of calls) expect(exits.get(name)).toMatch(new RegExp(`^\\{undef,\\[\\{${name.split(":")[0]},f,\\[\\],\\[\\]\\}`));
    } finally {
      rt.stop();
    }
  }, 120_000);
});

test("shoal run prints what erl prints, and erl's warning for the failed module on stderr", () => {
  const run = path.join(dir, "run");
  fs.mkdirSync(run);
  for (const m of ["on_load_main", "on_load_ok", "on_load_bad", "on_load_normal"]) fs.copyFileSync(path.join(dir, `${m}.beam`), path.join(run, `${m}.beam`));
  const r = shoal(["run", run, "--entry", "on_load_main:main"]);
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(erlStdout);
  expect(r.stderr).toBe(`=WARNING REPORT====\n${erlWarnings[0].body}\n`);
}, 600_000);
