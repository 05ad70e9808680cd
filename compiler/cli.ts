// `shoal`, the command line: `shoal link` (the link step, compiler/link.ts).
//
//   shoal link app.wasm [more.wasm ...] -o out/ [--name app] [--backend fx|asyncify]
//              [--debug] [--max-memory-pages N]
//
// writes out/<name>.fx.wasm and out/<name>.asyncify.wasm (the name defaults
// to the first module's), which Runtime.start({ program: "out/<name>" }) loads.
// Exit status: 0 linked, 2 a usage error, 3 a link error (the message names
// the module and the import or export at fault).

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { BACKENDS, LinkError, linkProgram, type Backend } from "./link.js";

const USAGE = `usage: shoal link <module.wasm> [more.wasm ...] -o <dir> [--name <name>] [--backend fx|asyncify] [--debug] [--max-memory-pages <n>]`;

class UsageError extends Error {}

function linkCommand(args: string[]): void {
  const inputs: string[] = [];
  let outDir: string | undefined, name: string | undefined, backends: readonly Backend[] = BACKENDS;
  let debug = false, maxMemoryPages: number | undefined;
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
  const linked = linkProgram({ modules, backends, debug, maxMemoryPages });
  mkdirSync(outDir, { recursive: true });
  for (const backend of backends) {
    const out = join(outDir, `${name}.${backend}.wasm`);
    writeFileSync(out, linked[backend]!.bytes);
    console.log(`${out}: ${linked[backend]!.bytes.length} bytes, entries: ${linked[backend]!.entries.join(" ") || "none"}`);
  }
}

export function main(argv: string[]): number {
  const [command, ...args] = argv;
  try {
    if (command === "link") linkCommand(args);
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
    throw e;
  }
}
