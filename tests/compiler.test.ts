// The compiler against the BEAM: every program in tests/erlang/ is compiled by
// the real erlc during this run, run on the BEAM (`erl -noshell -eval
// 'mod:main(), init:stop().'`, its logger off: ERL_LOGGER_OFF), and compiled
// from the same .beam by Shoal's compiler, linked with OTP's own modules (the installed .beam files,
// unmodified: lists, maps, proplists, string, unicode, unicode_util, sets,
// ordsets, orddict, dict, queue, gb_trees, gb_sets, array), Shoal's io
// (compiler/lib, compiled by erlc here too) and the runtime's debug build,
// and run on both backends with from-space poisoned; standard output must be
// the same bytes.
// Everything goes through the `shoal` command as a user's
// would (`shoal compile`, `shoal link`; `shoal run` for one program). Also:
// an instruction the compiler lacks is refused with its name, the module and
// the function. (The -on_load programs, tests/erlang/on_load/, are linked on
// their own in tests/on_load.test.ts: an on_load function runs at every
// Runtime.start, so it would print into every program's output here.)
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Runtime } from "../host";
import { BACKENDS } from "./helpers";

const SOURCES = path.join(__dirname, "erlang");
/**
 * erl's logger is switched off for the programs: it writes a report of each process that ends with
 * an uncaught error on standard output, with the time, whenever it gets to it before init:stop()
 * (so not every run), and when init:stop() ends it mid-report it also prints
 * `{removed_failing_handler,default}` (seen in CI on traces_natives). Neither is the program's
 * output: the reason is what the program itself prints (traces_natives's show_exit), and Shoal
 * writes its reports on standard error (`shoal run`) or to the exit handlers.
 */
const ERL_LOGGER_OFF = ["-kernel", "logger_level", "none"];
const PROGRAMS = fs.readdirSync(SOURCES).filter((f) => f.endsWith(".erl")).map((f) => f.replace(/\.erl$/, "")).sort();
/** Shoal's own io (compiler/lib/*.erl) and OTP's modules the programs use, linked with them. */
const LIB = path.join(__dirname, "..", "compiler", "lib");
const IO_OTP_MODULES = ["lists", "maps", "proplists"];
const OTP_MODULES = [...IO_OTP_MODULES, "string", "unicode", "unicode_util", "sets", "ordsets", "orddict", "dict", "queue", "gb_trees", "gb_sets", "array"];
const BIN = path.join(__dirname, "..", "bin", "shoal.mjs");

let dir: string;
const beamOutput = new Map<string, string>();
const linked: Partial<Record<(typeof BACKENDS)[number], Uint8Array>> = {};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "shoal-erlang-"));
  // the programs in dir (what the BEAM runs, with OTP's own io); Shoal's io and OTP's modules in lib
  const lib = path.join(dir, "lib");
  fs.mkdirSync(lib);
  execFileSync("erlc", ["-o", dir, ...PROGRAMS.map((p) => path.join(SOURCES, `${p}.erl`))]);
  execFileSync("erlc", ["-o", lib, ...fs.readdirSync(LIB).filter((f) => f.endsWith(".erl")).map((f) => path.join(LIB, f))]);
  const stdlib = execFileSync("erl", ["-noshell", "-eval", 'io:format("~s", [code:lib_dir(stdlib, ebin)]), init:stop().'], { encoding: "utf8" }).trim();
  for (const m of OTP_MODULES) fs.copyFileSync(path.join(stdlib, `${m}.beam`), path.join(lib, `${m}.beam`));
  for (const p of PROGRAMS) {
    const r = spawnSync("erl", ["-noshell", ...ERL_LOGGER_OFF, "-pa", dir, "-eval", `${p}:main(), init:stop().`], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    if (r.status !== 0) throw new Error(`erl ${p}: ${r.stderr}`);
    beamOutput.set(p, r.stdout);
  }
  const beams = [dir, lib].flatMap((d) => fs.readdirSync(d).filter((x) => x.endsWith(".beam")).sort().map((f) => path.join(d, f)));
  shoal(["compile", ...beams, "-o", path.join(dir, "wasm")]);
  const wasm = fs.readdirSync(path.join(dir, "wasm")).map((f) => path.join(dir, "wasm", f));
  shoal(["link", ...wasm, "-o", path.join(dir, "linked"), "--name", "programs", "--debug", "--optimize", "2"]);
  for (const b of BACKENDS) linked[b] = new Uint8Array(fs.readFileSync(path.join(dir, "linked", `programs.${b}.wasm`)));
}, 1_200_000);

afterAll(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

/** Run the shoal command (bin/shoal.mjs) with this Node and its WasmFX flag: its output; a failure throws with stderr unless `mayFail`. */
function shoal(args: string[], mayFail = false, timeout = 600_000): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [...process.execArgv.filter((a) => a.startsWith("--experimental-wasm")), BIN, ...args],
    { encoding: "utf8", timeout, maxBuffer: 64 << 20 });
  if (r.status !== 0 && !mayFail) throw new Error(`shoal ${args[0]} failed (${r.status}): ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe.each(BACKENDS)("compiled Erlang on %s", (backend) => {
  test.each(PROGRAMS)("%s prints what the BEAM prints", async (program) => {
    let stdout = "";
    // BEAM-deep recursion: frames on the shadow stack, which may grow to 256 MiB (allocated as it grows)
    const rt = await Runtime.start({ program: { [backend]: linked[backend]! }, backend, poisonFromSpace: true, shadowStackBytes: 256 << 20, stdout: (t) => { stdout += t; } });
    try {
      const exits: string[] = [];
      const pid = rt.spawn(`${program}:main`);
      rt.onExit((e) => { if (e.pid.equals(pid)) exits.push(e.text); });
      await rt.run();
      expect(exits).toEqual(["normal"]);
      expect(stdout).toBe(beamOutput.get(program));
    } finally {
      rt.stop();
    }
  }, 60_000);
});

test("shoal run prints what erl prints", () => {
  // formatting.beam alone with Shoal's io and the OTP modules io uses (not unicode_util: `shoal run` links what it is given)
  const run = path.join(dir, "run"), runLib = path.join(run, "lib");
  fs.mkdirSync(runLib, { recursive: true });
  fs.copyFileSync(path.join(dir, "formatting.beam"), path.join(run, "formatting.beam"));
  const ioLib = fs.readdirSync(LIB).filter((f) => f.endsWith(".erl")).map((f) => f.replace(/\.erl$/, ""));
  for (const m of [...ioLib, ...IO_OTP_MODULES]) fs.copyFileSync(path.join(dir, "lib", `${m}.beam`), path.join(runLib, `${m}.beam`));
  const r = shoal(["run", run, runLib, "--entry", "formatting:main"], true);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(beamOutput.get("formatting"));
}, 1_200_000);

test("shoal run passes the words after the entry as erl -run does: one list of strings", () => {
  const run = path.join(dir, "run_args");
  fs.mkdirSync(run, { recursive: true });
  fs.writeFileSync(path.join(run, "run_args.erl"), "-module(run_args).\n-export([main/1]).\nmain(Args) -> erlang:display({length(Args), Args}).\n");
  execFileSync("erlc", ["-o", run, path.join(run, "run_args.erl")]);
  const words = ["a", "two words", "3"];
  const erl = spawnSync("erl", ["-noshell", ...ERL_LOGGER_OFF, "-pa", run, "-run", "run_args", "main", ...words, "-s", "init", "stop"], { encoding: "utf8" });
  expect(erl.stdout).toBe('{3,["a","two words","3"]}\r\n');   // (erlang:display ends its line with \r\n)
  const r = shoal(["run", path.join(run, "run_args.beam"), "--entry", "run_args:main", ...words], true);
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe(erl.stdout);
}, 600_000);

test("an instruction the compiler lacks is refused, naming it, the module and the function", () => {
  // erlc +no_bs_create_bin (OTP 25's way to write binaries as OTP 24 did) emits bs_add and the
  // bs_put_* family, which the compiler does not take (OTP 25's erlc writes bs_create_bin)
  const src = path.join(dir, "old_binaries.erl");
  fs.writeFileSync(src, "-module(old_binaries).\n-export([f/1]).\nf(X) -> <<X:8, 1:8>>.\n");
  execFileSync("erlc", ["+no_bs_create_bin", "-o", dir, src]);
  const r = shoal(["compile", path.join(dir, "old_binaries.beam"), "-o", path.join(dir, "refused")], true);
  expect(r.status).toBe(3);
  expect(r.stderr.trim()).toBe("shoal compile: old_binaries.beam: function f/1: bs_add: opcode 111 (bs_add) is not supported yet");
});
