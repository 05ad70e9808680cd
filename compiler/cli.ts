// `shoal`, the command line: `shoal link` (the link step, compiler/link.ts),
// `shoal compile` and `shoal run` (the .beam compiler, compiler/compile.ts).
//
//   shoal compile a.beam [b.beam ...] -o out/
//              writes out/<module>.wasm for each, ready for `shoal link`
//   shoal run a.beam [more.beam or folders of them] --entry mod:fun [args ...] [--backend fx|asyncify]
//              compiles, links and runs mod:fun() on Shoal, printing to stdout what
//              the program prints; an uncaught error prints a report on stderr and
//              exits 1, as `erl -noshell -eval 'mod:fun(), init:stop().'` fails. With
//              args (the words after the entry), mod:fun(["arg", ...]), as
//              `erl -noshell -run mod fun arg ...` calls it: one list of strings
//
//   shoal link app.wasm [more.wasm ...] -o out/ [--name app] [--backend fx|asyncify]
//              [--debug] [--max-memory-pages N] [--optimize 2|3]
//
// writes out/<name>.fx.wasm and out/<name>.asyncify.wasm (the name defaults
// to the first module's), which Runtime.start({ program: "out/<name>" }) loads;
// the two are linked at the same time (linkProgramInParallel).
// Exit status: 0 linked, 2 a usage error, 3 a link error (the message names
// the module and the import or export at fault).

import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { BACKENDS, LinkError, linkProgram, linkProgramInParallel, type Backend } from "./link.js";
import { compileBeam, CompileError } from "./compile.js";
import { BeamError } from "./beam/index.js";
import { Runtime, onLoadReport } from "../host/index.js";

const USAGE = `usage: shoal link <module.wasm> [more.wasm ...] -o <dir> [--name <name>] [--backend fx|asyncify] [--debug] [--max-memory-pages <n>] [--optimize 2|3]
       shoal compile <a.beam> [more.beam ...] -o <dir>
       shoal run <a.beam> [more.beam or folders ...] --entry <module:function> [args ...] [--backend fx|asyncify]`;

class UsageError extends Error {}

async function linkCommand(args: string[]): Promise<void> {
  const inputs: string[] = [];
  let outDir: string | undefined, name: string | undefined, backends: readonly Backend[] = BACKENDS;
  let debug = false, maxMemoryPages: number | undefined, optimize: 2 | 3 = 3;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      if (i + 1 >= args.length) throw new UsageError(`${a} needs a value`);
      return args[++i];
    };
    if (a === "-o" || a === "--out") outDir = value();
    else if (a === "--name") name = value();
    else if (a === "--backend") {
      const b = value();
      if (!(BACKENDS as readonly string[]).includes(b)) throw new UsageError(`unknown backend ${b} (fx or asyncify)`);
      backends = [b as Backend];
    } else if (a === "--debug") debug = true;
    else if (a === "--optimize") {
      const o = value();
      if (o !== "2" && o !== "3") throw new UsageError("--optimize takes 2 or 3");
      optimize = Number(o) as 2 | 3;
    }
    else if (a === "--max-memory-pages") {
      maxMemoryPages = Number(value());
      if (!Number.isInteger(maxMemoryPages) || maxMemoryPages < 1 || maxMemoryPages > 65536) throw new UsageError("--max-memory-pages takes 1..65536");
    } else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
    else inputs.push(a);
  }
  if (!inputs.length) throw new UsageError("no module to link");
  if (!outDir) throw new UsageError("no output folder (-o)");
  name ??= basename(inputs[0]).replace(/\.wasm$/, "");
  const modules = inputs.map((path) => ({ name: basename(path), bytes: new Uint8Array(readFileSync(path)) }));
  const linked = await linkProgramInParallel({ modules, backends, debug, maxMemoryPages, optimize });
  mkdirSync(outDir, { recursive: true });
  for (const backend of backends) {
    const out = join(outDir, `${name}.${backend}.wasm`);
    writeFileSync(out, linked[backend]!.bytes);
    console.log(`${out}: ${linked[backend]!.bytes.length} bytes, entries: ${linked[backend]!.entries.join(" ") || "none"}`);
  }
}

/** The .beam files named: files, and the .beam files in folders. */
function beamFiles(paths: string[]): string[] {
  return paths.flatMap((p) => (statSync(p).isDirectory()
    ? readdirSync(p).filter((f) => f.endsWith(".beam")).sort().map((f) => join(p, f))
    : [p]));
}

async function compileCommand(args: string[]): Promise<void> {
  const inputs: string[] = [];
  let outDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "-o" || args[i] === "--out") outDir = args[++i];
    else if (args[i].startsWith("-")) throw new UsageError(`unknown option ${args[i]}`);
    else inputs.push(args[i]);
  }
  if (!inputs.length) throw new UsageError("no .beam file to compile");
  if (!outDir) throw new UsageError("no output folder (-o)");
  mkdirSync(outDir, { recursive: true });
  for (const file of beamFiles(inputs)) {
    const c = await compileBeam(new Uint8Array(readFileSync(file)), file);
    const out = join(outDir, `${c.module}.wasm`);
    writeFileSync(out, c.wasm);
    console.log(`${out}: ${c.wasm.length} bytes`);
  }
}

async function runCommand(args: string[]): Promise<number> {
  const inputs: string[] = [], entryArgs: string[] = [];
  let entry: string | undefined, backend: Backend | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--entry") {
      if (entry !== undefined) throw new UsageError("--entry given twice");
      entry = args[++i];
    }
    else if (a === "--backend") {
      const b = args[++i];
      if (!(BACKENDS as readonly string[]).includes(b)) throw new UsageError(`unknown backend ${b} (fx or asyncify)`);
      backend = b as Backend;
    } else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
    else (entry === undefined ? inputs : entryArgs).push(a);
  }
  if (!inputs.length) throw new UsageError("no .beam file to run");
  if (!entry || !/^[^:]+:[^:]+$/.test(entry)) throw new UsageError("--entry module:function is needed");
  backend ??= process.execArgv.includes("--experimental-wasm-wasmfx") ? "fx" : "asyncify";
  const modules = [];
  for (const file of beamFiles(inputs)) {
    const c = await compileBeam(new Uint8Array(readFileSync(file)), file);
    modules.push({ name: `${c.module}.beam`, bytes: c.wasm });
  }
  const linked = linkProgram({ modules, backends: [backend], optimize: 2 });
  // BEAM-deep recursion: the shadow stack may grow to 256 MiB (it is allocated as it grows)
  const rt = await Runtime.start({ program: { [backend]: linked[backend]!.bytes }, backend, shadowStackBytes: 256 << 20, stdout: (text) => process.stdout.write(text) });
  try {
    for (const f of rt.onLoadFailures) if (f.logged) process.stderr.write(onLoadReport(f));   // as BEAM logs it (erl: on stdout, with the time)
    // erl -run's arguments: strings, that is lists of character codes
    const pid = entryArgs.length ? rt.spawn(entry, entryArgs.map((w) => Array.from(w, (ch) => ch.codePointAt(0)!))) : rt.spawn(entry);
    let failure: string | undefined;
    rt.onExit((e) => { if (e.pid.equals(pid) && e.text !== "normal") failure = e.text; });
    await rt.run();
    if (failure !== undefined) {
      process.stderr.write(`shoal run: ${entry}(${entryArgs.length ? JSON.stringify(entryArgs) : ""}) failed: ${failure}\n`);
      return 1;
    }
    return 0;
  } finally {
    rt.stop();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === "link") await linkCommand(args);
    else if (command === "compile") await compileCommand(args);
    else if (command === "run") return await runCommand(args);
    else throw new UsageError(command ? `unknown command ${command}` : "no command");
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`shoal: ${e.message}\n${USAGE}`);
      return 2;
    }
    if (e instanceof LinkError) {
      console.error(`shoal link: ${e.message}`);
      return 3;
    }
    if (e instanceof CompileError || e instanceof BeamError) {
      console.error(`shoal ${command}: ${e.message}`);
      return 3;
    }
    throw e;
  }
}
