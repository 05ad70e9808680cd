// Shoal's io and io_lib (compiler/lib/*.erl), against OTP 25's on the BEAM, in the same run.
//  - The modules are compiled with erlc under other names (io -> shoal_io, io_lib -> shoal_io_lib, and every
//    call io:/io_lib: in them renamed to match) with -DBEAM_STDOUT, which routes their one output primitive to
//    standard_io as raw bytes (OTP 25's erlang:display_string/1 writes to standard error: compiler/lib/README.md).
//  - io_lib: tests/fixtures/io_lib/io_check.erl runs every case through OTP's io_lib and through shoal_io_lib in
//    one process and compares the results, flattened, or the error class and reason: a table of format strings,
//    every directive with every field width, precision, padding and modifier, a fixed set of terms and random
//    ones under ~p ~w ~P ~W at several widths and columns, floats (fixed and random bit patterns) under
//    ~p ~w ~f ~e ~g, Unicode strings and binaries under ~ts ~tp ~tc, chars_limit, and the other io_lib functions.
//  - io: the same sequence of io calls (format/1,2,3, fwrite, put_chars, nl, write, and errors) through OTP's io
//    and through shoal_io, each in its own `erl -noshell`; standard output must be the same bytes.
//  - in place: the modules under their own names (io, io_lib, with -DBEAM_STDOUT), loaded over OTP's io and
//    io_lib in a BEAM, print that sequence with the same bytes again.
//  - the natives: the modules, compiled as they are (io, io_lib), may call only what Shoal provides.
// The random terms and floats depend on a seed, printed with any failure (SHOAL_SEED=n runs one again).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const SEED = process.env.SHOAL_SEED ? Number(process.env.SHOAL_SEED) : 1 + (Date.now() % 100_000);
const LIB = path.join(__dirname, "..", "compiler", "lib");
const CHECK = path.join(__dirname, "fixtures", "io_lib", "io_check.erl");
const MODULES = ["io", "io_lib", "shoal_io_format", "shoal_io_pretty", "shoal_io_unicode"];

/** What the modules may call outside themselves: Shoal's natives, and lists and maps (compiled from OTP). */
const NATIVES = new Set([
  // operators and guard BIFs the compiler emits as calls
  "'+'/2", "'-'/1", "'-'/2", "'*'/2", "'div'/2", "'rem'/2", "'band'/2", "'bor'/2", "'bsl'/2", "'bsr'/2",
  "'=:='/2", "'=<'/2", "'>'/2", "'and'/2", "'not'/1", "'++'/2", "abs/1", "length/1", "element/2", "tuple_size/1",
  "byte_size/1", "bit_size/1", "map_size/1", "is_atom/1", "self/0",
  "atom_to_list/1", "binary_to_list/1", "list_to_binary/1", "list_to_tuple/1", "list_to_integer/1",
  "integer_to_list/1", "integer_to_list/2", "float_to_list/1", "float_to_list/2", "iolist_size/1",
  "pid_to_list/1", "ref_to_list/1", "fun_to_list/1", "error/1", "error/2", "throw/1", "display_string/1",
  // emitted by the compiler: a try whose catch does not take every exception re-raises it; module_info/0,1
  "raise/3", "get_module_info/1", "get_module_info/2",
]);

const run = (cmd: string, args: string[], cwd: string) => {
  const r = spawnSync(cmd, args, { cwd, timeout: 120_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ").slice(0, 200)} failed (${r.error ?? r.status}): ${r.stdout}${r.stderr}`.slice(0, 3000));
  return r.stdout as Buffer;
};

/** The module's source under its test name: io -> shoal_io, io_lib -> shoal_io_lib, calls renamed alike. */
const renamed = (src: string): string =>
  src.replace(/^-module\(io\)\./m, "-module(shoal_io).").replace(/^-module\(io_lib\)\./m, "-module(shoal_io_lib).")
    .replace(/\bio_lib:/g, "shoal_io_lib:").replace(/\bio:/g, "shoal_io:");
const testName = (m: string): string => (m === "io" || m === "io_lib" ? `shoal_${m}` : m);

let tmp: string;
let libOut: string;
let ioOtp: Buffer, ioOurs: Buffer, ioInPlace: Buffer;
let imports: string[];

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "shoal-io-test-"));
  const beamDir = path.join(tmp, "beam"), plainDir = path.join(tmp, "plain"), inPlaceDir = path.join(tmp, "inplace");
  for (const d of [beamDir, plainDir, inPlaceDir]) fs.mkdirSync(d);
  for (const m of MODULES) fs.writeFileSync(path.join(beamDir, `${testName(m)}.erl`), renamed(fs.readFileSync(path.join(LIB, `${m}.erl`), "utf8")));
  fs.copyFileSync(CHECK, path.join(beamDir, "io_check.erl"));
  run("erlc", ["-DBEAM_STDOUT", ...MODULES.map((m) => `${testName(m)}.erl`), "io_check.erl"], beamDir);
  // as they are, for the natives they call
  run("erlc", ["-o", plainDir, ...MODULES.map((m) => path.join(LIB, `${m}.erl`))], tmp);
  // under their own names, to be loaded over OTP's
  run("erlc", ["-DBEAM_STDOUT", "-o", inPlaceDir, ...MODULES.map((m) => path.join(LIB, `${m}.erl`))], tmp);
  fs.copyFileSync(path.join(beamDir, "io_check.beam"), path.join(inPlaceDir, "io_check.beam"));
  const erl = (code: string) => run("erl", ["-noshell", "-pa", beamDir, "-eval", `${code}, init:stop().`], tmp);
  libOut = erl(`io_check:lib(${SEED})`).toString("latin1");
  ioOtp = erl(`io_check:io(io, ${SEED})`);
  ioOurs = erl(`io_check:io(shoal_io, ${SEED})`);
  const load = "[begin code:purge(M), code:delete(M), code:purge(M), {module, M} = code:load_file(M) end || M <- [io, io_lib]]";
  ioInPlace = run("erl", ["-noshell", "-nostick", "-pa", inPlaceDir, "-eval",
    `${load}, "${inPlaceDir}/io.beam" = code:which(io), io_check:io(io, ${SEED}), init:stop().`], tmp);
  const mods = MODULES.map((m) => `"${path.join(plainDir, m)}"`).join(",");
  imports = erl(`[io:format("~w:~w/~w~n", [M, F, A]) || File <- [${mods}], {ok, {_, [{imports, I}]}} <- [beam_lib:chunks(File, [imports])], {M, F, A} <- I]`)
    .toString("latin1").trim().split("\n");
}, 120_000);

afterAll(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

describe(`Shoal's io_lib against OTP's (seed ${SEED})`, () => {
  test("every case gives the same characters, or the same error", () => {
    const total = /TOTAL (\d+) MATCH (\d+)/.exec(libOut);
    expect(total).not.toBeNull();
    const [cases, matching] = [Number(total![1]), Number(total![2])];
    const mismatches = libOut.split("\n").filter((l) => l.startsWith("MISMATCH")).length;
    if (matching !== cases) console.log(`seed ${SEED}: ${cases - matching} of ${cases} differ\n${libOut.slice(0, 6000)}`);
    else console.log(`io_lib: ${matching} of ${cases} cases match OTP 25 (seed ${SEED}); ${/CATEGORIES (.*)/.exec(libOut)?.[1]}`);
    expect(cases).toBeGreaterThan(10_000);
    expect(mismatches).toBe(0);
    expect(matching).toBe(cases);
  });
});

describe("Shoal's io against OTP's", () => {
  test("the same io calls write the same bytes to standard output", () => {
    if (!ioOtp.equals(ioOurs)) console.log(`OTP:\n${ioOtp.toString("latin1")}\nShoal:\n${ioOurs.toString("latin1")}`);
    expect(ioOtp.length).toBeGreaterThan(500);
    expect(ioOurs.toString("latin1")).toBe(ioOtp.toString("latin1"));
    expect(ioOurs.equals(ioOtp)).toBe(true);
  });
});

describe("in place of OTP's io and io_lib", () => {
  test("loaded over OTP's, under their own names, they write the same bytes", () => {
    if (!ioOtp.equals(ioInPlace)) console.log(`OTP:\n${ioOtp.toString("latin1")}\nShoal's in place:\n${ioInPlace.toString("latin1")}`);
    expect(ioInPlace.toString("latin1")).toBe(ioOtp.toString("latin1"));
    expect(ioInPlace.equals(ioOtp)).toBe(true);
  });
});

describe("the natives", () => {
  test("the modules call only lists, maps and the natives Shoal provides", () => {
    const outside = imports.filter((i) => !MODULES.some((m) => i.startsWith(`${m}:`)));
    const bad = outside.filter((i) => {
      const [mod, fa] = [i.slice(0, i.indexOf(":")), i.slice(i.indexOf(":") + 1)];
      if (mod === "lists" || mod === "maps") return false;
      return !(mod === "erlang" && NATIVES.has(fa));
    });
    expect(bad).toEqual([]);
    expect(outside).toContain("erlang:display_string/1");
  });
});
