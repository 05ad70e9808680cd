// The link step as a compiler writer uses it: WAT modules (tests/fixtures/
// link) assembled by Binaryen and linked by `shoal link` (bin/shoal.mjs),
// loaded with Runtime.start({ program }) and started by name, on both
// backends: two independently compiled modules calling each other, literals
// placed above the runtime's data, apply by name and through a fun with its
// errors, spawn by name and of funs, host functions and standard output; and clear errors
// for modules the runtime cannot take.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Atom, Pid, Runtime, Tuple, type ExitEvent } from "../host";
import { BACKENDS } from "./helpers";

const ROOT = path.join(__dirname, "..");
const SHOAL = path.join(ROOT, "bin", "shoal.mjs");
const WASM_AS = path.join(ROOT, "node_modules", "binaryen", "bin", "wasm-as");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "shoal-link-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The WAT file `wat` assembled to <tmp>/<name>.wasm (with wasm-as's `flags`), as a compiler's output: its path. */
function assembleFile(wat: string, name: string, flags = ["--enable-bulk-memory"]): string {
  const out = path.join(tmp, `${name}.wasm`);
  execFileSync(process.execPath, [WASM_AS, ...flags, wat, "-o", out]);
  return out;
}

/** tests/fixtures/link/<name>.wat assembled: its path. */
const assemble = (name: string) => assembleFile(path.join(ROOT, "tests", "fixtures", "link", `${name}.wat`), name);

/** WAT written as <tmp>/<name>.wat and assembled: its path. */
function assembleText(name: string, wat: string, flags?: string[]): string {
  fs.writeFileSync(path.join(tmp, `${name}.wat`), wat);
  return assembleFile(path.join(tmp, `${name}.wat`), name, flags);
}

/** `shoal link <modules> -o <tmp>/<out>`: its status and output. */
function shoalLink(modules: string[], out: string, ...flags: string[]) {
  return spawnSync(process.execPath, [SHOAL, "link", ...modules, "-o", path.join(tmp, out), ...flags], { encoding: "utf8" });
}

let program: string;
beforeAll(() => {
  const r = shoalLink([assemble("hello"), assemble("calls")], "app", "--debug");
  if (r.status !== 0) throw new Error(r.stderr);
  expect(r.stdout).toMatch(/hello\.fx\.wasm: \d+ bytes, entries: hello:main\/1 calls:double\/1 /);
  program = path.join(tmp, "app", "hello");
}, 120_000);

describe.each(BACKENDS)("a linked program on %s", (backend) => {
  let rt: Runtime;
  const out: string[] = [];
  const exits: ExitEvent[] = [];
  beforeAll(async () => {
    rt = await Runtime.start({
      backend, program, poisonFromSpace: true, minHeapWords: 64,
      imports: {
        add: (a: number, b: number) => a + b,
        fail: () => { throw new RangeError("no such thing"); },
        nothing: () => undefined,
      },
      stdout: (text) => out.push(text),
    });
    rt.onExit((e) => exits.push(e));
  });
  afterAll(() => rt.stop());

  const reply = () => rt.receive({ timeoutMs: 10_000 });
  const exitOf = async (pid: Pid) => {
    await rt.run();
    return exits.find((e) => e.pid.equals(pid))!;
  };

  test("its entries: a literal placed after the runtime's data, and a call into the other module", async () => {
    expect(rt.backend).toBe(backend);
    expect(rt.entries()).toEqual(expect.arrayContaining(["hello:main/1", "calls:double/1", "calls:apply/3"]));
    const pids = Array.from({ length: 50 }, (_, i) => rt.spawn("hello:main", i));
    const got: unknown[] = [];
    for (let i = 0; i < 2 * pids.length; i++) got.push(await reply());
    expect(got.filter((g) => g instanceof Uint8Array).map((b) => Buffer.from(b as Uint8Array).toString()))
      .toEqual(Array(50).fill("hello, linked world"));
    expect(got.filter((g) => typeof g === "number").sort((a, b) => (a as number) - (b as number)))
      .toEqual(Array.from({ length: 50 }, (_, i) => 2 * i));
    await rt.run();
    expect(rt.stats().alive).toBe(0);
  });

  test("spawn by name takes any terms, and refuses what the program does not export", async () => {
    rt.spawn("calls:apply", Atom.of("calls"), Atom.of("double"), [21]);
    expect(await reply()).toBe(42);
    rt.spawn("calls:apply", Atom.of("erlang"), Atom.of("nope"), [new Tuple([1, [2.5, "x"]])]);
    expect(() => rt.spawn("calls:apply", 1)).toThrow(/no entry calls:apply\/1 \(it has calls:apply\/3\)/);
    expect(() => rt.spawn("nope:main")).toThrow(/no entry nope:main\/0/);
    expect(() => rt.spawn("calls:double/1", 1)).toThrow(/no entry calls:double\/1\/1 \(name it without the arity: "calls:double"/);
    expect(() => rt.spawn("main" as string)).toThrow(/"module:function"/);
  });

  test("apply: by name, through a fun with a free variable, and BEAM's reasons when it fails", async () => {
    rt.spawn("calls:fun", 10, [5]);
    expect(await reply()).toBe(15);
    const undef = rt.spawn("calls:apply", Atom.of("calls"), Atom.of("double"), [1, 2]);
    expect((await exitOf(undef)).text).toBe("{undef,[{calls,double,[1,2],[]}]}");
    const badarity = rt.spawn("calls:fun", 10, [1, 2]);
    // ({badarity, {Fun, [1,2]}}: a reason holding a fun does not cross to the host yet, so only its kind shows)
    expect((await exitOf(badarity)).text).toBe("#Fun<...>");
    const improper = rt.spawn("calls:fun", 10, 7);
    expect((await exitOf(improper)).text).toBe("{badarg,[]}");            // error:badarg, uncaught
  });

  test("spawn_mfa starts an entry by name from process code (a missing one ends the child with undef)", async () => {
    rt.spawn("calls:spawn", Atom.of("calls"), Atom.of("apply"), [Atom.of("calls"), Atom.of("double"), [8]]);
    expect(await reply()).toBeInstanceOf(Pid);
    expect(await reply()).toBe(16);
    rt.spawn("calls:spawn", Atom.of("calls"), Atom.of("missing"), []);
    const child = await reply() as Pid;
    expect((await exitOf(child)).text).toBe("{undef,[{calls,missing,[],[]}]}");
    // an entry of one argument, in the other module (started in it, with no apply trampoline under it)
    rt.spawn("calls:spawn", Atom.of("hello"), Atom.of("main"), [5]);
    expect(await reply()).toBeInstanceOf(Pid);
    expect(Buffer.from(await reply() as Uint8Array).toString()).toBe("hello, linked world");
    expect(await reply()).toBe(10);
  });

  test("spawn_fun starts a fun of no arguments (one of another arity ends the child with badarity)", async () => {
    rt.spawn("calls:spawn_fun", 21, 0);
    expect(await reply()).toBeInstanceOf(Pid);
    expect(await reply()).toBe(21);
    rt.spawn("calls:spawn_fun", 21, 1);
    const child = await reply() as Pid;
    // ({badarity, {Fun, []}}: a reason holding a fun does not cross to the host yet, so only its kind shows)
    expect((await exitOf(child)).text).toBe("#Fun<...>");
  });

  test("host functions: called with terms, their result a term; unknown names and throws raise errors in the caller", async () => {
    rt.spawn("calls:host", Atom.of("add"), [2, 40]);
    expect(await reply()).toBe(42);
    rt.spawn("calls:host", Atom.of("nothing"), []);
    expect(await reply()).toEqual(Atom.of("ok"));
    const unknown = rt.spawn("calls:host", Atom.of("nope"), [1]);
    expect((await exitOf(unknown)).text).toBe("{undef,[{host,nope,[1],[]}]}");   // error:undef, uncaught: {undef, Trace}
    const threw = rt.spawn("calls:host", Atom.of("fail"), []);
    expect((await exitOf(threw)).reason).toEqual(new Tuple([new Tuple([Atom.of("host_error"), new TextEncoder().encode("RangeError: no such thing")]), []]));
  });

  test("standard output reaches StartOptions.stdout as text", async () => {
    out.length = 0;
    rt.spawn("calls:print", new TextEncoder().encode("héllo, "));
    await rt.run();
    rt.spawn("calls:print", new TextEncoder().encode("x".repeat(100) + "\n"));
    await rt.run();
    expect(out.join("")).toBe("héllo, " + "x".repeat(100) + "\n");
  });
});

test("a program linked for one backend runs on it, and says so when asked for the other", async () => {
  const r = shoalLink([assemble("hello"), assemble("calls")], "one", "--backend", "asyncify", "--name", "app");
  expect(r.status).toBe(0);
  const bytes = fs.readFileSync(path.join(tmp, "one", "app.asyncify.wasm"));
  const rt = await Runtime.start({ program: bytes });
  try {
    expect(rt.backend).toBe("asyncify");
    rt.spawn("calls:apply", Atom.of("calls"), Atom.of("double"), [4]);
    expect(await rt.receive({ timeoutMs: 10_000 })).toBe(8);
  } finally {
    rt.stop();
  }
  await expect(Runtime.start({ program: path.join(tmp, "one", "app"), backend: "fx" })).rejects.toThrow(/linked for asyncify only/);
});

test("a program whose data passes the core's initial memory links and runs (the memory starts large enough)", async () => {
  // a relocatable module with 1.5 MiB of data (the core starts with 1 MiB of memory), whose entry
  // sends the host the last byte of it
  const n = 1536 * 1024;
  const wat = `(module
  (import "shoal" "memory" (memory 0))
  (import "shoal" "__memory_base" (global $mb i32))
  (import "shoal" "host_pid" (func $host_pid (result i64)))
  (import "shoal" "send" (func $send (param i64 i64)))
  (data (global.get $mb) "${"a".repeat(n - 1)}z")
  (func $last (param $x i64) (result i64)
    (call $send (call $host_pid) (i64.or (i64.shl (i64.load8_u (i32.add (global.get $mb) (i32.const ${n - 1}))) (i64.const 4)) (i64.const 15)))
    (i64.const 0x3B))
  (export "big_data:last/1" (func $last)))`;
  const r = shoalLink([assembleText("big_data", wat)], "big", "--backend", "asyncify");
  expect(r.stderr).toBe("");
  const rt = await Runtime.start({ program: fs.readFileSync(path.join(tmp, "big", "big_data.asyncify.wasm")) });
  try {
    rt.spawn("big_data:last", 0);
    expect(await rt.receive({ timeoutMs: 10_000 })).toBe("z".charCodeAt(0));
  } finally {
    rt.stop();
  }
}, 120_000);

/**
 * A module whose memory import is `(memory <limits>)`, with an entry mem:pages/1 that sends the host
 * memory.size, then what memory.grow answers when asked to grow to 4097 pages (-1: past the maximum).
 */
const memoryModule = (limits: string) => `(module
  (import "shoal" "memory" (memory ${limits}))
  (import "shoal" "host_pid" (func $host_pid (result i64)))
  (import "shoal" "send" (func $send (param i64 i64)))
  (func $small (param $v i32) (result i64) (i64.or (i64.shl (i64.extend_i32_s (local.get $v)) (i64.const 4)) (i64.const 15)))
  (func $pages (param $x i64) (result i64)
    (call $send (call $host_pid) (call $small (memory.size)))
    (call $send (call $host_pid) (call $small (memory.grow (i32.sub (i32.const 4097) (memory.size)))))
    (i64.const 0x3B))
  (export "mem:pages/1" (func $pages)))`;

test("a memory import's limits hold for the program: its minimum as the memory's start, its maximum as the memory's", async () => {
  const r = shoalLink([assembleText("mem", memoryModule("300 4096"))], "mem", "--backend", "asyncify");
  expect(r.stderr).toBe("");
  const rt = await Runtime.start({ program: fs.readFileSync(path.join(tmp, "mem", "mem.asyncify.wasm")) });
  try {
    rt.spawn("mem:pages", 0);
    expect(await rt.receive({ timeoutMs: 10_000 })).toBeGreaterThanOrEqual(300);
    expect(await rt.receive({ timeoutMs: 10_000 })).toBe(-1);   // 4097 pages: past the maximum
  } finally {
    rt.stop();
  }
}, 120_000);

describe("link errors name the module and the import or export at fault", () => {
  const refused = (modules: string[], message: RegExp) => {
    const r = shoalLink(modules.map(assemble), "bad");
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(message);
  };
  test("an ABI name the runtime does not export", () =>
    refused(["unknown_import"], /unknown_import\.wasm: imports "shoal" "teleport", which the runtime does not export/));
  test("a name the runtime already exports", () =>
    refused(["duplicate_export"], /duplicate_export\.wasm: exports "init", which the runtime already exports/));
  test("an entry of the wrong type", () =>
    refused(["bad_entry"], /bad_entry\.wasm: entry "bad:main\/1" must be of type \(i64\) -> \(i64\)/));
  test("an entry no module exports", () =>
    refused(["missing_entry"], /missing_entry\.wasm: imports the entry "lists:seq\/2", which no linked module exports/));
  test("two modules exporting one entry", () =>
    refused(["hello", "hello"], /exports "hello:main\/1", which another module already exports/));
  test("Wasm exception handling, on asyncify (Binaryen's Asyncify cannot instrument a try)", () => {
    const eh = assembleText("eh", `(module
  (import "shoal" "self" (func $self (result i64)))
  (tag $oops)
  (func $main (param $arg i64) (result i64)
    (try (result i64) (do (throw $oops)) (catch $oops (call $self))))
  (export "eh:main/1" (func $main)))`, ["--enable-exception-handling", "-g"]);
    const r = shoalLink([eh], "bad", "--backend", "asyncify");
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/eh\.wasm: function \$main uses Wasm exception handling \(try\), which the asyncify backend cannot run in a program/);
  });
  test("a function exported with a colon that is not an entry's name (module:function/arity)", () => {
    const r = shoalLink([assembleText("colon", memoryModule("0").replace('"mem:pages/1"', '"mem:pages"'))], "bad", "--backend", "asyncify");
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/colon\.wasm: exports "mem:pages", which is not an entry's name: an entry is exported as module:function\/arity/);
  });
  test("a memory import whose maximum is below what the program needs to start", () => {
    const r = shoalLink([assembleText("tiny", memoryModule("0 2"))], "bad", "--backend", "asyncify");
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/tiny\.wasm: imports a memory of at most 2 pages, but the program needs \d+ to start/);
  });
  test("usage", () => {
    const r = spawnSync(process.execPath, [SHOAL, "link"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no module to link/);
  });
});
