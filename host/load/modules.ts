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
  /**
   * Bytes of native stack the thread running the module has (Node: --stack-size, or a Worker's
   * resourceLimits.stackSizeMb); undefined where that cannot be known (the runtime assumes 1 MiB,
   * what engines give a page's threads).
   */
  nativeStackBytes(): number | undefined;
  /** Where processes' standard output goes when StartOptions.stdout does not say (Node: process.stdout; a page: the console, a line at a time). */
  stdout(): (bytes: Uint8Array) => void;
}

/** A console-backed stdout: UTF-8 decoded, each whole line logged. */
export function consoleStdout(): (bytes: Uint8Array) => void {
  const text = new TextDecoder();
  let line = "";
  return (bytes) => {
    line += text.decode(bytes, { stream: true });
    const lines = line.split("\n");
    line = lines.pop()!;
    for (const l of lines) console.log(l);
  };
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
  stdout: consoleStdout,
  nativeStackBytes() { return undefined; },
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

/**
 * A linked program as StartOptions.program gives it: the output of `shoal link` by path or URL
 * (`out/app`, or either of `out/app.fx.wasm`, `out/app.asyncify.wasm`: both builds are looked
 * for), one build (bytes, compiled, a Response: the backend it was linked for is read from it),
 * or the builds per backend.
 */
export type ProgramInput = string | URL | BufferSource | WebAssembly.Module | Response | Partial<Record<Backend, ModuleInput>>;

/** The custom section the link step names a module's backend in (compiler/link.ts BACKEND_SECTION). */
const BACKEND_SECTION = "shoal.backend";

/** The backend named in the custom section of a module's bytes, if any (sections walked by hand: the module may not compile here). */
function backendInBytes(bytes: Uint8Array): Backend | undefined {
  const leb = (at: number): [number, number] => {
    let v = 0, shift = 0, b: number;
    do { b = bytes[at++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80 && at < bytes.length);
    return [v, at];
  };
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, body] = leb(at + 1);
    if (id === 0) {
      const [nameLen, nameAt] = leb(body);
      if (new TextDecoder().decode(bytes.subarray(nameAt, nameAt + nameLen)) === BACKEND_SECTION) {
        const name = new TextDecoder().decode(bytes.subarray(nameAt + nameLen, body + size));
        return name === "fx" || name === "asyncify" ? name : undefined;
      }
    }
    at = body + size;
  }
  return undefined;
}

/** The backend a linked build was made for. */
function backendOf(source: Uint8Array | WebAssembly.Module): Backend {
  let name: string | undefined;
  if (isModule(source)) {
    const s = WebAssembly.Module.customSections(source as WebAssembly.Module, BACKEND_SECTION)[0];
    name = s && new TextDecoder().decode(s);
  } else name = backendInBytes(source as Uint8Array);
  if (name !== "fx" && name !== "asyncify") throw new BadargError("program: not a module made by the link step (no shoal.backend section): link it with `npx shoal link`");
  return name;
}

/** The builds `program` names, per backend (only those it has). */
export async function programModules(program: ProgramInput, platform: Platform): Promise<Partial<Record<Backend, ModuleInput>>> {
  if (typeof program === "string" || program instanceof URL) {
    const href = program instanceof URL ? program.href : program;
    const prefix = href.replace(/\.(fx|asyncify)\.wasm$/, "");
    const at = (b: Backend) => (program instanceof URL ? new URL(`${prefix}.${b}.wasm`) : `${prefix}.${b}.wasm`);
    const out: Partial<Record<Backend, ModuleInput>> = {};
    for (const b of ["fx", "asyncify"] as const) {
      try {
        out[b] = await platform.read(at(b));
      } catch { /* that build was not made (shoal link --backend) */ }
    }
    if (!out.fx && !out.asyncify) throw new BadargError(`program: found neither ${String(at("fx"))} nor ${String(at("asyncify"))} (the output of \`npx shoal link\`)`);
    return out;
  }
  const tag = Object.prototype.toString.call(program);
  if (isModule(program) || isResponse(program) || ArrayBuffer.isView(program) || tag === "[object ArrayBuffer]" || tag === "[object SharedArrayBuffer]") {
    const source = await materialize(program as ModuleInput, platform, "program" as Backend);
    return { [backendOf(source)]: source };
  }
  if (typeof program === "object" && program !== null) {
    const builds = program as Partial<Record<Backend, ModuleInput>>;
    for (const k of Object.keys(builds)) if (k !== "fx" && k !== "asyncify") throw new BadargError(`program: unknown backend ${k} (fx or asyncify)`);
    return builds;
  }
  throw new BadargError("program: expected a path or URL (the output of `npx shoal link`), a build's bytes, or { fx, asyncify }");
}
