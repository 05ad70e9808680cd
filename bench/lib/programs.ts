// Benchmark kernels written as compiled programs: WAT modules assembled by
// Binaryen's wasm-as and linked with the runtime by the link step's own
// command (`node bin/shoal.mjs link ... --backend B`), exactly as a
// compiler's output is, then run as processes (Runtime.start({ program })).
//
// Linking costs seconds per backend (Binaryen's tools are JS builds, and the
// asyncify build runs Asyncify over the whole program), so the backends are
// linked in parallel child processes and the results are kept in a cache
// under the OS temp dir, keyed by the bytes of everything the link reads:
// the WAT sources, the prepared core, the fiber modules, the link step and
// this file. A run after any change to them links again (a cold link takes
// 10-30 s on a 2-core machine; the cached one nothing).
//
// A link may fail on purpose (a module a backend cannot take): its exit
// status and message are kept as the result, to be printed.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import type { Backend } from "../../host/backend";
import { ROOT, stopwatch } from "./common";

const BINARYEN = path.join(ROOT, "node_modules", "binaryen", "bin");
const SHOAL = path.join(ROOT, "bin", "shoal.mjs");

/** What one child process did: its exit status and output. */
export interface ToolRun { status: number; stdout: string; stderr: string }

/** Run `node <script> args` without blocking this process's event loop. */
export function runNode(script: string, args: string[], cwd = ROOT): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { cwd, maxBuffer: 64 << 20, encoding: "utf8" }, (err, stdout, stderr) => {
      const status = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}

/** Binaryen's `tool` (wasm-as, wasm-opt) with `args`. */
export function binaryen(tool: string, args: string[], cwd = ROOT): Promise<ToolRun> {
  return runNode(path.join(BINARYEN, tool), args, cwd);
}

/** The line of a tool's error output that says what went wrong (Binaryen's JS tools print their whole source when they abort). */
export function errorLine(r: ToolRun): string {
  const lines = `${r.stderr}\n${r.stdout}`.split("\n").map((l) => l.trim()).filter((l) => l && l.length < 400);
  const pick = lines.find((l) => /UNREACHABLE|error|failed|Fatal|shoal link:/i.test(l)) ?? lines[0] ?? `exit status ${r.status}`;
  const i = lines.indexOf(pick);
  // Binaryen's aborts say "why" on the line before the UNREACHABLE
  return /UNREACHABLE/.test(pick) && i > 0 ? `${lines[i - 1]}: ${pick}` : pick;
}

/** One link of some program modules for one backend; `expectFailure`: a probe of what the link step says. */
export interface LinkJob { name: string; modules: string[]; backend: Backend; expectFailure?: boolean }

export interface LinkResult {
  name: string;
  backend: Backend;
  /** The linked module's path (in the cache), when the link succeeded. */
  file: string | null;
  bytes: number | null;
  /** The link step's exit status and, when it failed, its message. */
  status: number;
  message: string;
}

export interface Linked {
  results: LinkResult[];
  /** Seconds spent linking in this run (0 when everything came from the cache). */
  linkSeconds: number;
  cached: boolean;
  dir: string;
}

function hashOf(files: string[]): string {
  const h = createHash("sha256");
  for (const f of files) {
    h.update(f);
    h.update(fs.existsSync(f) ? fs.readFileSync(f) : Buffer.from("missing"));
  }
  return h.digest("hex").slice(0, 20);
}

/**
 * Assemble `sources` (WAT files under `srcDir`, by base name) and run the link `jobs`, in parallel,
 * or take the results from the cache. `extra(dir)` may add results of its own (probes) to the cache
 * entry; it runs only when the cache is cold.
 */
export async function linkPrograms(cacheName: string, srcDir: string, sources: string[], jobs: LinkJob[],
  extra: (dir: string, wasm: (name: string) => string) => Promise<LinkResult[]> = async () => []): Promise<Linked> {
  const src = (n: string) => path.join(srcDir, `${n}.wat`);
  const inputs = [
    ...sources.map(src),
    path.join(ROOT, "build", "shoal.core.wasm"),
    path.join(ROOT, "build", "fiber.fx.wasm"),
    path.join(ROOT, "build", "fiber.asyncify.wasm"),
    path.join(ROOT, "dist", "compiler", "link.js"),
    path.join(ROOT, "dist", "compiler", "cli.js"),
    __filename,   // this file: what it keeps in the cache
  ];
  const dir = path.join(os.tmpdir(), "shoal-bench-programs", `${cacheName}-${hashOf(inputs)}`);
  const index = path.join(dir, "links.json");
  if (fs.existsSync(index)) {
    return { results: JSON.parse(fs.readFileSync(index, "utf8")) as LinkResult[], linkSeconds: 0, cached: true, dir };
  }
  const elapsed = stopwatch();
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const work = fs.mkdtempSync(`${dir}.tmp-`);
  try {
    const wasm = (n: string) => path.join(work, `${n}.wasm`);
    const assembled = await Promise.all(sources.map((n) => binaryen("wasm-as", ["--all-features", src(n), "-o", wasm(n)])));
    assembled.forEach((r, i) => {
      if (r.status !== 0) throw new Error(`wasm-as ${sources[i]}.wat failed: ${errorLine(r)}`);
    });
    const linkOne = async (job: LinkJob): Promise<LinkResult> => {
      const out = path.join(work, job.name);
      const r = await runNode(SHOAL, ["link", ...job.modules.map(wasm), "-o", out, "--backend", job.backend, "--name", job.name]);
      const file = path.join(out, `${job.name}.${job.backend}.wasm`);
      const ok = r.status === 0 && fs.existsSync(file);
      if (!ok && !job.expectFailure) throw new Error(`shoal link ${job.name} (${job.backend}) failed: ${errorLine(r)}`);
      if (ok && job.expectFailure) throw new Error(`shoal link ${job.name} (${job.backend}) was expected to fail, and linked`);
      return {
        name: job.name, backend: job.backend, file: ok ? path.join(dir, job.name, `${job.name}.${job.backend}.wasm`) : null,
        // (the command's line without its temporary path: "N bytes, entries: ...")
        bytes: ok ? fs.statSync(file).size : null, status: r.status, message: ok ? r.stdout.trim().replace(/^.*?\.wasm: /, "") : errorLine(r),
      };
    };
    const results = await Promise.all([...jobs.map(linkOne), extra(work, wasm)]);
    const flat = results.flat();
    fs.writeFileSync(path.join(work, "links.json"), JSON.stringify(flat, null, 2));
    // publish the entry whole (another run may have published it meanwhile: then keep theirs)
    try { fs.renameSync(work, dir); } catch { /* already there */ }
    return { results: flat, linkSeconds: elapsed() / 1e9, cached: false, dir };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
