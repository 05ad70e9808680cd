// The compiler against the BEAM: every program in tests/erlang/ is compiled by
// the real erlc during this run, run on the BEAM (`erl -noshell -eval
// 'mod:main(), init:stop().'`), and compiled from the same .beam by Shoal's
// compiler, linked with the runtime's debug build and run on both backends
// with from-space poisoned; standard output must be the same bytes.
// Also: an instruction the compiler lacks is refused with its name, the module
// and the function.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compileBeam, CompileError } from "../compiler/compile";
import { linkProgram } from "../compiler/link";
import { Runtime } from "../host";
import { BACKENDS } from "./helpers";

const SOURCES = path.join(__dirname, "erlang");
const PROGRAMS = fs.readdirSync(SOURCES).filter((f) => f.endsWith(".erl")).map((f) => f.replace(/\.erl$/, "")).sort();

let dir: string;
const beamOutput = new Map<string, string>();
const linked: Partial<Record<(typeof BACKENDS)[number], Uint8Array>> = {};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "shoal-erlang-"));
  execFileSync("erlc", ["-o", dir, ...PROGRAMS.map((p) => path.join(SOURCES, `${p}.erl`))]);
  for (const p of PROGRAMS) {
    const r = spawnSync("erl", ["-noshell", "-pa", dir, "-eval", `${p}:main(), init:stop().`], { encoding: "utf8", timeout: 60_000 });
    if (r.status !== 0) throw new Error(`erl ${p}: ${r.stderr}`);
    beamOutput.set(p, r.stdout);
  }
  const modules = [];
  for (const p of PROGRAMS) {
    const c = await compileBeam(new Uint8Array(fs.readFileSync(path.join(dir, `${p}.beam`))), `${p}.beam`);
    modules.push({ name: `${p}.beam`, bytes: c.wasm });
  }
  const out = linkProgram({ modules, debug: true, optimize: 2 });
  for (const b of BACKENDS) linked[b] = out[b]!.bytes;
}, 300_000);

afterAll(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

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

test("an instruction the compiler lacks is refused, naming it, the module and the function", async () => {
  // a binary match: bs_start_match3 is not compiled yet
  const src = path.join(dir, "uses_bits.erl");
  fs.writeFileSync(src, "-module(uses_bits).\n-export([f/1]).\nf(<<X:8, _/binary>>) -> X.\n");
  execFileSync("erlc", ["-o", dir, src]);
  const bytes = new Uint8Array(fs.readFileSync(path.join(dir, "uses_bits.beam")));
  await expect(compileBeam(bytes, "uses_bits.beam")).rejects.toThrow(CompileError);
  await expect(compileBeam(bytes, "uses_bits.beam")).rejects.toThrow(/uses_bits\.beam: function f\/1: opcode \d+ \(bs_start_match3\) is not supported yet/);
});
