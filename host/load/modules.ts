// Where the core modules come from: StartOptions.modules (bytes, a compiled
// module, a Response, or a URL to fetch), else the platform's own copy (Node:
// the package's build/; a page: none, so the page must pass them).
//
// The platform is what differs between Node and a browser. This file, and
// everything a page loads, uses only what every engine has (WebAssembly,
// fetch); the Node entry (host/index.ts) installs host/load/node.ts, which
// reads files.

import type { Backend } from "../backend.js";
import { BadargError } from "../errors.js";

/** A core module as StartOptions.modules may give it: its bytes, compiled, a fetch Response, or a URL (a path too, in Node). */
export type ModuleInput = BufferSource | WebAssembly.Module | Response | URL | string;

/** What differs between hosts. */
export interface Platform {
  /** Which one (for messages). */
  readonly name: string;
  /** The built module for `backend` when StartOptions.modules gives none; undefined if this host has none. */
  builtModule(backend: Backend): Promise<Uint8Array | undefined>;
  /** The bytes at `url` (a URL given in StartOptions.modules). */
  read(url: URL | string): Promise<Uint8Array>;
  /**
   * WasmFX stacks this JS process can still map now, on top of what it has mapped, with a margin
   * left for the rest of the process (Infinity: this host cannot tell; the engine table's budget applies).
   */
  fxStackHeadroom(): number;
}

/** Any engine with fetch: modules come from StartOptions.modules only. */
export const webPlatform: Platform = {
  name: "web",
  async builtModule() { return undefined; },
  async read(url) {
    const r = await fetch(url);
    if (!r.ok) throw new BadargError(`fetching ${String(url)}: HTTP ${r.status} ${r.statusText}`);
    return new Uint8Array(await r.arrayBuffer());
  },
  fxStackHeadroom() { return Infinity; },   // nothing to count here: the engine table's budget applies
};

let installed: Platform = webPlatform;

/** Make `p` the platform every runtime started from now on loads through (the Node entry installs Node's). */
export function installPlatform(p: Platform): void { installed = p; }

/** The platform runtimes load through. */
export function currentPlatform(): Platform { return installed; }

// (plain booleans, not type guards: WebAssembly.Module is an empty interface, which every object matches)
const isModule = (x: unknown): boolean => x instanceof WebAssembly.Module;
const isResponse = (x: unknown): boolean => typeof Response !== "undefined" && x instanceof Response;

/** The bytes of `input`, or the compiled module it is. */
async function materialize(input: ModuleInput, platform: Platform, backend: Backend): Promise<Uint8Array | WebAssembly.Module> {
  if (isModule(input)) return input as WebAssembly.Module;
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const tag = Object.prototype.toString.call(input);   // (realm-proof, unlike instanceof)
  if (tag === "[object ArrayBuffer]" || tag === "[object SharedArrayBuffer]") return new Uint8Array(input as ArrayBuffer);
  if (isResponse(input)) {
    const r = input as Response;
    if (!r.ok) throw new BadargError(`modules.${backend}: HTTP ${r.status} ${r.statusText}`);
    return new Uint8Array(await r.arrayBuffer());
  }
  if (typeof input === "string" || input instanceof URL) return platform.read(input);
  throw new BadargError(`modules.${backend}: expected bytes, a WebAssembly.Module, a Response or a URL`);
}

/** The module for `backend`: `input` if given (bytes or compiled), else the platform's build; undefined if there is none. */
export async function moduleSource(backend: Backend, input: ModuleInput | undefined,
  platform: Platform): Promise<Uint8Array | WebAssembly.Module | undefined> {
  return input === undefined ? platform.builtModule(backend) : materialize(input, platform, backend);
}

/** `source` compiled; with `validate`, undefined if this engine does not validate it (WasmFX without the flag). */
export async function compileModule(source: Uint8Array | WebAssembly.Module, validate: boolean): Promise<WebAssembly.Module | undefined> {
  if (isModule(source)) return source as WebAssembly.Module;
  const bytes = source as Uint8Array<ArrayBuffer>;
  if (validate && !WebAssembly.validate(bytes)) return undefined;
  return WebAssembly.compile(bytes);
}
