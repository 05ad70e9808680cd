// Layer check: folders are layers, and imports run one way (down).
//
//   layer  folder              what it holds                                   may import
//   0      assembly/boundary/    numbers both compilers read                     assembly/boundary/ only
//   0      abi/                the ABI's generated headers (abi/abi.json)      nothing
//   1      gc/mem/             raw memory: heaps, blocks, fragments,           layers 0-1
//                              off-heap binaries, vectors
//   2      gc/term/            the term model: terms, atoms, builders,         layers 0-2
//                              order, External Term Format
//   3      gc/                 the collector and message copying               layers 0-3
//   3      assembly/fiber/     the fiber interface                             assembly/boundary/ (and itself)
//   4      assembly/runtime/   processes, scheduler, mailboxes, timers,        layers 0-4
//                              shadow stacks, roots, host imports
//   5      assembly/           index.ts, abi.ts, control.ts (the exports)      layers 0-5
//   6      assembly/testing/   test/demo/benchmark programs, a separate        assembly/boundary/, assembly/testing/,
//                              Wasm module (reaches the runtime by the ABI)    abi/, gc/term/term.ts (the term
//                                                                              layout, header-only: no state)
//   TypeScript side:
//          host/               the host                                        assembly/boundary/, host/
//          compiler/           the compiler                                    assembly/boundary/, host/, compiler/
//          bench/              benchmarks                                      everything above, bench/
//          tests/              tests                                           everything above, tests/, bench/lib/, scripts/ (the tools they test),
//                                                                              dist/ (the built host, for Workers, which ts-jest does not run)
//          examples/           examples                                        everything above, examples/
//
// A file belongs to the longest folder prefix that matches its path; files in
// no folder of the table (scripts/, the root) are not constrained. Among the
// AssemblyScript files of layers 1-5, import cycles are errors, except a cycle
// entirely inside assembly/runtime/ (printed as a note). Any code file that
// reads outside the repository fails: a string (not an import) naming
// ../shared, or an import or a path.join/resolve from __dirname or ROOT that
// climbs above the root. Comment lines are not read.
//
//   node scripts/check-layers.mjs [--root DIR]
//
// Prints one line per violation and exits 1, else a one-line summary.
import { readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import { join, dirname, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const AS = ["assembly/boundary/", "gc/mem/", "gc/term/", "gc/", "assembly/fiber/", "assembly/runtime/", "assembly/"];
const ABOVE = [...AS, "host/", "compiler/"];
/** [folder, layer, may import (folder prefixes); without a list, its own layer or lower] */
const LAYERS = [
  ["assembly/boundary/", 0, ["assembly/boundary/"]],
  ["abi/", 0, []],
  ["gc/mem/", 1],
  ["gc/term/", 2],
  ["gc/", 3],
  ["assembly/fiber/", 3, ["assembly/boundary/", "assembly/fiber/"]],
  ["assembly/runtime/", 4],
  ["assembly/", 5],
  ["assembly/testing/", 6, ["assembly/boundary/", "assembly/testing/", "abi/", "gc/term/term.ts"]],
  ["host/", "host", ["assembly/boundary/", "host/"]],
  ["compiler/", "compiler", ["assembly/boundary/", "host/", "compiler/"]],
  ["bench/", "bench", [...ABOVE, "bench/"]],
  ["tests/", "tests", [...ABOVE, "tests/", "bench/lib/", "scripts/", "dist/"]],
  ["examples/", "examples", [...ABOVE, "examples/"]],
];
const say = (allowed) => ABOVE.every((p) => allowed.includes(p))
  ? ["assembly/, gc/, host/, compiler/", ...allowed.filter((p) => !ABOVE.includes(p))].join(", ") : allowed.join(", ");
const SKIP = new Set(["node_modules", "build", "dist"]);
const CODE = /\.(ts|mjs|js|cjs)$/;

/** The layer row of a repo-relative path (longest prefix), or undefined. */
function layerOf(rel) {
  let best;
  for (const row of LAYERS) if (rel.startsWith(row[0]) && (!best || row[0].length > best[0].length)) best = row;
  return best;
}
const inCycleScope = (row) => row && typeof row[1] === "number" && row[1] >= 1 && row[1] <= 5;

function walk(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith(".") || SKIP.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (CODE.test(e.name)) out.push(p);
  }
  return out;
}

/** The text with comment lines (// ..., and /* ... *\/ blocks) emptied; line numbers are kept. */
function code(text) {
  let inBlock = false;
  return text.split("\n").map((line) => {
    const t = line.trim();
    if (inBlock) { inBlock = !t.includes("*/"); return ""; }
    if (t.startsWith("/*")) { inBlock = !t.includes("*/"); return ""; }
    return t.startsWith("//") || t.startsWith("*") ? "" : line;
  }).join("\n");
}

/** `./a` from a file: a.ts, a/index.ts (or the file itself, or a .js spelling of a .ts file). */
function resolveSpec(fromAbs, spec) {
  const base = join(dirname(fromAbs), spec);
  const stem = base.replace(/\.(m|c)?js$/, "");
  for (const c of [base, base + ".ts", join(base, "index.ts"), stem + ".ts", base + ".js", base + ".mjs", join(base, "index.js")])
    if (CODE.test(c) && existsSync(c) && statSync(c).isFile()) return c;
  return undefined;
}

const lineAt = (text, index) => text.slice(0, index).split("\n").length;
const IMPORT = /\bfrom\s*(["'])([^"'\n]+)\1|^\s*import\s*(["'])([^"'\n]+)\3|\b(?:import|require)\(\s*(["'])([^"'\n]+)\5\s*\)/gm;
const STRING = /(["'`])((?:\\.|(?!\1)[^\\\n])*)\1/g;
const PATH_CALL = /\b(?:join|resolve)\(/g;
const FILE_DIR = /^(__dirname|import\.meta\.dirname|dirname\(fileURLToPath\(import\.meta\.url\)\))$/;
const ROOT_NAME = /^(ROOT|REPO_ROOT|repoRoot)$/;

/** The top-level arguments of the call whose "(" is at text[open - 1]. */
function callArgs(text, open) {
  const args = [];
  let depth = 0, start = open;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if ((ch === ")" || ch === "]" || ch === "}") && depth-- === 0) { args.push(text.slice(start, i).trim()); return args; }
    else if (ch === "," && depth === 0) { args.push(text.slice(start, i).trim()); start = i + 1; }
  }
  return args;
}

/** Lines of `text` (a file at `abs`) that reach outside `root`. */
function outsideLines(root, abs, text) {
  const lines = new Set();
  const above = (p) => relative(root, p).split(sep)[0] === "..";
  for (const m of text.matchAll(STRING)) {
    const isImport = /(\bfrom|\bimport|\bimport\(|\brequire\()\s*$/.test(text.slice(Math.max(0, m.index - 20), m.index));
    if (!isImport && /\.\.\/shared/.test(m[2])) lines.add(lineAt(text, m.index)); // imports are resolved below
  }
  for (const m of text.matchAll(PATH_CALL)) {
    const [base, ...rest] = callArgs(text, m.index + m[0].length);
    let p = FILE_DIR.test(base) ? dirname(abs) : ROOT_NAME.test(base) ? root : undefined;
    for (const a of rest) {
      const lit = p && /^(["'])([^"'\\]*)\1$/.exec(a);
      if (!lit) break;
      p = join(p, lit[2]);
      if (above(p)) { lines.add(lineAt(text, m.index)); break; }
    }
  }
  return lines;
}

/** Checks the tree at `root`. */
export function checkLayers(root) {
  const violations = [], notes = [];
  const files = walk(root);
  const rel = (p) => relative(root, p).split(sep).join("/");
  const graph = new Map(files.map((f) => [rel(f), new Set()]));
  let edges = 0;
  for (const abs of files) {
    const from = rel(abs), row = layerOf(from), text = code(readFileSync(abs, "utf8"));
    const outside = outsideLines(root, abs, text);
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[2] ?? m[4] ?? m[6];
      if (!spec.startsWith(".")) continue; // packages are not layered
      if (relative(root, join(dirname(abs), spec)).split(sep)[0] === "..") { outside.add(lineAt(text, m.index)); continue; }
      const target = resolveSpec(abs, spec);
      if (!target) { notes.push(`unresolved: ${from}:${lineAt(text, m.index)} ${spec}`); continue; }
      const to = rel(target);
      if (to === from || graph.get(from).has(to)) continue;
      graph.get(from).add(to);
      edges++;
      if (!row) continue;
      const [folder, layer, allowed] = row, trow = layerOf(to);
      if (allowed) {
        if (!allowed.some((p) => to.startsWith(p))) violations.push(`forbidden: ${from} -> ${to} (${folder} may import only ${say(allowed)})`);
      } else if (typeof trow?.[1] !== "number") {
        violations.push(`forbidden: ${from} -> ${to} (layer ${layer} may import only AssemblyScript layers 0-${layer})`);
      } else if (trow[1] > layer) {
        violations.push(`back edge: ${from} -> ${to} (layer ${layer} imports layer ${trow[1]})`);
      }
    }
    for (const line of [...outside].sort((a, b) => a - b)) violations.push(`outside: ${from}:${line}`);
  }
  for (const scc of components(graph, (f) => inCycleScope(layerOf(f)))) {
    const msg = `cycle: ${shortestCycle(graph, scc).join(" -> ")}` + (scc.length > 2 ? ` (component of ${scc.length} files: ${scc.join(", ")})` : "");
    if (scc.every((f) => f.startsWith("assembly/runtime/"))) notes.push(msg);
    else violations.push(msg);
  }
  return { violations, notes, files: files.length, edges };
}

/** Strongly connected components of more than one file, among files that pass `keep` (Tarjan). */
function components(graph, keep) {
  const index = new Map(), low = new Map(), stack = [], on = new Set(), out = [];
  let n = 0;
  const visit = (v) => {
    index.set(v, n); low.set(v, n++); stack.push(v); on.add(v);
    for (const w of graph.get(v)) {
      if (!keep(w)) continue;
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc = [];
    let w;
    do { w = stack.pop(); on.delete(w); scc.push(w); } while (w !== v);
    if (scc.length > 1) out.push(scc.sort());
  };
  for (const v of [...graph.keys()].sort()) if (keep(v) && !index.has(v)) visit(v);
  return out;
}

/** A shortest cycle through the first file of a component (breadth first, inside it). */
function shortestCycle(graph, scc) {
  const inside = new Set(scc), start = scc[0], prev = new Map([[start, null]]), queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of [...graph.get(v)].sort()) {
      if (!inside.has(w)) continue;
      if (w === start) { const path = [start]; for (let u = v; u !== start; u = prev.get(u)) path.splice(1, 0, u); return [...path, start]; }
      if (!prev.has(w)) { prev.set(w, v); queue.push(w); }
    }
  }
  return scc;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf("--root");
  const root = i > 0 ? process.argv[i + 1] : fileURLToPath(new URL("..", import.meta.url));
  const { violations, notes, files, edges } = checkLayers(root);
  for (const n of notes) console.log(`note: ${n}`);
  for (const v of violations) console.log(v);
  if (violations.length) process.exit(1);
  const layers = new Set(LAYERS.map((r) => r[1])).size;
  console.log(`layers ok: ${files} files checked, ${edges} import edges, ${layers} layers`);
}
