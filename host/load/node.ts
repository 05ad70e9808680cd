// Loading in Node: the modules from the package's build/ folder, paths and
// file: URLs read from disk, and the WasmFX stack budget the kernel allows.
// Only the Node entry (host/index.ts) imports this file.

import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Backend } from "../backend.js";
import { buildDir } from "./build-dir.js";
import { webPlatform, type Platform } from "./modules.js";

/** Memory mappings to leave to the rest of the process (heaps, code) when counting stacks. */
const MAPPING_HEADROOM = 4096;

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

  /** Each live continuation costs 2 memory mappings: half of what vm.max_map_count leaves (Linux; elsewhere unknown). */
  fxStackCap() {
    try {
      const maxMaps = Number(readFileSync("/proc/sys/vm/max_map_count", "utf8").trim());
      return Number.isFinite(maxMaps) ? Math.max(0, Math.floor((maxMaps - MAPPING_HEADROOM) / 2)) : Infinity;
    } catch {
      return Infinity;
    }
  },
};
