// Loading in Node: the modules from the package's build/ folder, paths and
// file: URLs read from disk, and the WasmFX stack budget the kernel allows.
// Only the Node entry (host/index.ts) imports this file.

import { readFileSync } from "node:fs";
import { isMainThread, resourceLimits } from "node:worker_threads";
import { readFile } from "node:fs/promises";
import type { Backend } from "../backend.js";
import { buildDir } from "./build-dir.js";
import { webPlatform, type Platform } from "./modules.js";

/** Memory mappings to leave to the rest of the process (JS heap growth, memories, code) when counting stacks. */
const MAPPING_MARGIN = 4096;
/** Memory mappings one WasmFX stack takes (docs/engine-facts.md). */
const MAPPINGS_PER_STACK = 2;

/** Lines in `text` (newline-terminated). */
function countLines(text: Uint8Array): number {
  let n = 0;
  for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, i + 1)) n++;
  return n;
}

export const nodePlatform: Platform = {
  name: "node",

  async builtModule(backend: Backend) {
    try {
      return new Uint8Array(await readFile(new URL(`shoal.${backend}.wasm`, buildDir)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  },

  async read(url: URL | string) {
    // a file: URL or a path (anything without a scheme) is a file; http(s) is fetched
    const file = url instanceof URL ? (url.protocol === "file:" ? url : undefined)
      : /^file:/i.test(url) ? new URL(url) : /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? undefined : url;
    return file === undefined ? webPlatform.read(url) : new Uint8Array(await readFile(file));
  },

  /**
   * Each continuation maps 2 regions; V8 aborts when the kernel refuses a mapping (Linux:
   * vm.max_map_count). Counted now: the limit, less the mappings in use (/proc/self/maps, one a
   * line), less a margin for what the process maps later (JS heap pages, memories, code). Elsewhere
   * unknown (Infinity).
   */
  /**
   * A Worker's stack is resourceLimits.stackSizeMb (4 by default); the main thread's is V8's
   * --stack-size (KB, from the command line or NODE_OPTIONS; 984 by default).
   */
  nativeStackBytes() {
    if (!isMainThread && resourceLimits.stackSizeMb) return Math.ceil(resourceLimits.stackSizeMb * 1024 * 1024);
    const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
    const kb = flags.map((f) => /^--stack[-_]size=(\d+)$/.exec(f)?.[1]).filter(Boolean).map(Number).pop();
    return (kb ?? 984) * 1024;
  },

  stdout() {
    return (bytes) => { process.stdout.write(bytes.slice()); };
  },

  fxStackHeadroom() {
    try {
      const maxMaps = Number(readFileSync("/proc/sys/vm/max_map_count", "utf8").trim());
      if (!Number.isFinite(maxMaps)) return Infinity;
      return Math.max(0, Math.floor((maxMaps - countLines(readFileSync("/proc/self/maps")) - MAPPING_MARGIN) / MAPPINGS_PER_STACK));
    } catch {
      return Infinity;
    }
  },
};
