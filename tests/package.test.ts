// The package as a user gets it: `npm pack` (of what `npm test` just built),
// installed from the tarball into an empty project, no registry needed (its
// one dependency, Binaryen, for the link step, is in npm's cache since `npm ci`). The README's first example runs there as
// written; its types check; the browser entry loads from bytes alone and
// imports nothing of Node's.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync, SpawnSyncReturns } from "node:child_process";

const ROOT = path.resolve(__dirname, "..");
const NODE = [process.execPath, "--experimental-wasm-wasmfx"];

/** npm, as the one running `npm test` if there is one (npm_execpath), else from PATH. */
function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  const cli = process.env.npm_execpath;
  const [cmd, pre] = cli && /\.c?js$/.test(cli) ? [process.execPath, [cli]] : ["npm", []];
  const env = { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
  return spawnSync(cmd, [...pre, ...args], { cwd, env, encoding: "utf8" });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The first fenced code block of the README's "Using it" section. */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Using it"));
  const m = /```(?:ts|js)\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error("README.md has no code block under \"## Using it\"");
  return m[1];
}

let tmp: string, app: string, files: string[];

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "shoal-package-"));
  const packed = JSON.parse(ok(npm(["pack", "--json", "--pack-destination", tmp], ROOT), "npm pack"));
  files = packed[0].files.map((f: { path: string }) => f.path);
  app = path.join(tmp, "app");
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "shoal-user", version: "1.0.0", private: true, type: "module" }));
  ok(npm(["install", "--offline", "--no-package-lock", path.join(tmp, packed[0].filename)], app), "npm install");
}, 120_000);

afterAll(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

test("the tarball holds the library, its types and the modules, and nothing of bench/ or tests/", () => {
  for (const f of [
    "package.json", "README.md", "dist/host/index.js", "dist/host/index.d.ts", "dist/host/browser.js",
    "dist/host/testing.js", "dist/host/load/core.js", "dist/assembly/boundary/codes.js",
    "build/shoal.asyncify.wasm", "build/shoal.fx.wasm", "build/testing.asyncify.wasm", "build/testing.fx.wasm",
    // what the link step links a compiler's output with, and the command
    "build/shoal.core.wasm", "build/shoal.core.debug.wasm", "build/fiber.fx.wasm", "build/fiber.asyncify.wasm",
    "dist/compiler/link.js", "dist/compiler/link-worker.js", "dist/compiler/cli.js", "bin/shoal.mjs",
    // the .beam compiler, and Shoal's io and io_lib in Erlang for programs to link with
    "dist/compiler/compile.js", "dist/compiler/codegen/module.js", "compiler/lib/io.erl", "compiler/lib/io_lib.erl",
  ]) expect(files).toContain(f);
  const stray = files.filter((f) =>
    /^(bench|tests|examples|scripts|host|gc|assembly|docs)\//.test(f) || /^dist\/(bench|examples)\//.test(f) ||
    /\.map$/.test(f) || /^build\/(?!((shoal|testing)\.(fx|asyncify)|shoal\.core(\.debug)?|fiber\.(fx|asyncify))\.wasm$)/.test(f));
  expect(stray).toEqual([]);
});

test("the README's first example runs as written against the installed package", () => {
  fs.writeFileSync(path.join(app, "example.mjs"), readmeExample());
  const out = ok(spawnSync(NODE[0], [...NODE.slice(1), "example.mjs"], { cwd: app, encoding: "utf8" }), "the example");
  expect(out.split("\n").filter(Boolean)).toEqual([
    "backend: asyncify",
    "<0.0.0> exited: normal",
    "echoed {hello,42}",
    "<0.0.1> exited: normal",
    "2 spawned, 0 alive",
  ]);
});

test("a compiler's output links with `npx shoal link` and runs by name from the installed package, on both backends", () => {
  // WAT as a compiler emits it (tests/fixtures/link), assembled with the package's own Binaryen
  const wasmAs = path.join(app, "node_modules", "binaryen", "bin", "wasm-as");
  for (const name of ["hello", "calls"]) {
    ok(spawnSync(process.execPath, [wasmAs, "--enable-bulk-memory", path.join(ROOT, "tests", "fixtures", "link", `${name}.wat`),
      "-o", path.join(app, `${name}.wasm`)], { encoding: "utf8" }), "wasm-as");
  }
  const linked = ok(npm(["exec", "--offline", "--", "shoal", "link", "hello.wasm", "calls.wasm", "-o", "out"], app), "npx shoal link");
  expect(linked).toMatch(/out\/hello\.asyncify\.wasm: \d+ bytes, entries: hello:main\/1 calls:double\/1/);
  fs.writeFileSync(path.join(app, "run.mjs"), `
    import { Runtime, Atom, Tuple } from "shoal";
    for (const backend of ["asyncify", "fx"]) {
      const rt = await Runtime.start({ program: "out/hello", backend, imports: { add: (a, b) => a + b } });
      rt.spawn("calls:apply", Atom.of("calls"), Atom.of("double"), [21]);
      rt.spawn("calls:host", Atom.of("add"), [1, 2]);
      console.log(backend, await rt.receive(), await rt.receive());
      rt.stop();
    }
  `);
  const out = ok(spawnSync(NODE[0], [...NODE.slice(1), "run.mjs"], { cwd: app, encoding: "utf8" }), "the linked program");
  expect(out.split("\n").filter(Boolean)).toEqual(["asyncify 42 3", "fx 42 3"]);
});

test("its types check from the package's exports (types condition), strict, with the library's .d.ts checked too", () => {
  fs.writeFileSync(path.join(app, "example.ts"), readmeExample());
  fs.writeFileSync(path.join(app, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      module: "nodenext", moduleResolution: "nodenext", target: "es2023", lib: ["es2023", "dom"], types: [],
      strict: true, noEmit: true, skipLibCheck: false,
    },
    files: ["example.ts"],
  }));
  const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  ok(spawnSync(process.execPath, [tsc, "-p", app], { cwd: app, encoding: "utf8" }), "tsc");
});

test("the browser entry runs from bytes it is given, never reads build/, and imports nothing of Node's", () => {
  fs.writeFileSync(path.join(app, "browser.mjs"), `
    import { readFileSync } from "node:fs";
    import { Runtime, ShoalError } from "shoal";
    const err = await Runtime.start().catch((e) => e);
    console.log(err instanceof ShoalError ? err.message : "started without modules");
    const asyncify = readFileSync(new URL(import.meta.resolve("shoal/build/shoal.asyncify.wasm")));
    const rt = await Runtime.start({ modules: { asyncify } });
    console.log(rt.backend, await rt.run(), rt.stats().alive);
    rt.stop();
  `);
  const out = ok(spawnSync(NODE[0], [...NODE.slice(1), "--conditions=browser", "browser.mjs"], { cwd: app, encoding: "utf8" }), "the browser entry");
  expect(out.split("\n").filter(Boolean)).toEqual([
    "no asyncify module: pass StartOptions.modules.asyncify (the bytes or URL of shoal.asyncify.wasm)",
    "asyncify idle 0",
  ]);
  // every module browser.js reaches, by its static imports
  const dist = path.join(app, "node_modules", "shoal", "dist");
  const seen = new Set<string>(), outside: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = fs.readFileSync(file, "utf8");
    const specs = /^\s*(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']/gm;
    for (const m of text.matchAll(specs)) {
      m[1] ??= m[2];
      if (m[1].startsWith(".")) visit(path.resolve(path.dirname(file), m[1]));
      else outside.push(`${path.relative(dist, file)}: ${m[1]}`);
    }
  };
  visit(path.join(dist, "host", "browser.js"));
  expect(outside).toEqual([]);
  expect(seen.size).toBeGreaterThan(8);
  expect([...seen].map((f) => path.relative(dist, f)).filter((f) => /load[\\/]node|build-dir/.test(f))).toEqual([]);
  // the same walk from the Node entry does meet node:fs (in host/load/node.js only)
  visit(path.join(dist, "host", "index.js"));
  expect(outside.map((o) => o.replace(/\\/g, "/"))).toEqual(expect.arrayContaining(["host/load/node.js: node:fs"]));
  expect(outside.every((o) => o.replace(/\\/g, "/").startsWith("host/load/node.js: "))).toBe(true);
});
