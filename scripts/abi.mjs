// The ABI's one source, abi/abi.json, turned into what people read and what
// compilers include:
//
//   abi/abi.json ──► docs/abi.md   the tables between <!-- abi:... --> markers
//                ├─► abi/shoal.wat  (import ...) lines for every export process code may call
//                └─► abi/shoal.ts   the same as AssemblyScript declarations (the test programs use it)
//
//   node scripts/abi.mjs           write them
//   node scripts/abi.mjs --check   exit 1 if any is not what abi.json makes (tests/abi.test.ts)
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const at = (p) => join(root, p);
const abi = JSON.parse(readFileSync(at("abi/abi.json"), "utf8"));

/** Wasm's type for an ABI type, and AssemblyScript's. */
const WASM = { term: "i64", i64: "i64", u64: "i64", i32: "i32", u32: "i32", usize: "i32", bool: "i32", f64: "f64" };
const AS = { term: "u64", i64: "i64", u64: "u64", i32: "i32", u32: "u32", usize: "usize", bool: "bool", f64: "f64" };
const CAN = { none: "no", collect: "collects", suspend: "collects, suspends", exit: "never returns", end: "may end the caller", raise: "may raise" };

const wasmType = (f) => `(${f.params.map(([, t]) => WASM[t]).join(" ")}) → (${f.result ? WASM[f.result] : ""})`;
const camel = (name) => name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
const cell = (s) => s.replace(/\|/g, "\\|");

function groupTable(g) {
  const rows = g.functions.map((f) => {
    const call = `${f.name}(${f.params.map(([n]) => n).join(", ")})${f.result ? ` → ${f.result}` : ""}`;
    return `| \`${call}\` | ${wasmType(f)} | ${cell(f.doc)} |${g.for === "process" ? ` ${CAN[f.can]} |` : ""}`;
  });
  const head = g.for === "process" ? "| export | type | what it does | can collect |\n|---|---|---|---|" : "| export | type | what it does |\n|---|---|---|";
  return `${head}\n${rows.join("\n")}`;
}

function exportsTable(which) {
  const fns = abi.groups.filter((g) => g.for === which).flatMap((g) => g.functions);
  const rows = fns.map((f) => `| \`${f.name}\` | ${wasmType(f)} |`);
  if (which === "process") rows.push(...abi.globals.filter((g) => g.mutable).map((g) => `| \`${g.name}\` | global ${g.type} mut |`));
  else rows.push("| `memory` | memory |", "| `table` | table |",
    ...abi.globals.filter((g) => !g.mutable).map((g) => `| \`${g.name}\` | global ${g.type} |`));
  return `| export | type |\n|---|---|\n${rows.join("\n")}`;
}

function globalsTable() {
  const rows = [...abi.globals.map((g) => `| \`${g.name}\` | ${g.type}${g.mutable ? " mut" : ""} | exported | ${g.doc} |`),
    ...abi.link.map((g) => `| \`${g.name}\` | ${g.type} | imported by a module, set by the link step | ${g.doc} |`)];
  return `| global | type | | meaning |\n|---|---|---|---|\n${rows.join("\n")}`;
}

/** docs/abi.md with every marked region made from abi.json. */
function docs(text) {
  const groups = new Map(abi.groups.map((g) => [g.id, g]));
  const seen = new Set();
  const out = text.replace(/<!-- abi:(\w+) (\w+) -->\n[\s\S]*?<!-- \/abi -->/g, (_all, kind, id) => {
    seen.add(`${kind} ${id}`);
    let body;
    if (kind === "group") {
      if (!groups.has(id)) throw new Error(`docs/abi.md: no group ${id} in abi/abi.json`);
      body = groupTable(groups.get(id));
    } else if (kind === "exports") body = exportsTable(id);
    else if (kind === "globals") body = globalsTable();
    else throw new Error(`docs/abi.md: unknown region abi:${kind}`);
    return `<!-- abi:${kind} ${id} -->\n${body}\n<!-- /abi -->`;
  });
  const missing = abi.groups.filter((g) => !seen.has(`group ${g.id}`)).map((g) => g.id);
  if (missing.length) throw new Error(`docs/abi.md has no table for the group(s) ${missing.join(", ")}`);
  return out;
}

const NOTICE = "generated from abi/abi.json by scripts/abi.mjs: do not edit";

function wat() {
  const lines = [`;; Shoal's ABI for process code, as WAT imports (${NOTICE}).`,
    ";; Paste what you use into a module; docs/abi.md says what each does. Terms are i64.",
    '(import "shoal" "memory" (memory 1))',
    '(import "shoal" "table" (table 0 funcref))',
    ";; a relocatable module's data and table entries (set by the link step)",
    ...abi.link.map((g) => `(import "shoal" "${g.name}" (global $${g.name} ${g.type}))`),
    ...abi.globals.filter((g) => g.mutable).map((g) => `(import "shoal" "${g.name}" (global $${g.name} (mut ${g.type})))  ;; ${g.doc}`)];
  for (const g of abi.groups.filter((x) => x.for === "process")) {
    lines.push(`;; ${g.title}`);
    for (const f of g.functions) {
      const params = f.params.length ? ` (param ${f.params.map(([, t]) => WASM[t]).join(" ")})` : "";
      const result = f.result ? ` (result ${WASM[f.result]})` : "";
      lines.push(`(import "shoal" "${f.name}" (func $${f.name}${params}${result}))`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function assemblyScript() {
  const lines = [`// Shoal's ABI for process code, as AssemblyScript declarations (${NOTICE}).`,
    "// Terms are u64 (gc/term/term.ts's Term). docs/abi.md says what each does.", "",
    ...abi.globals.filter((g) => g.mutable).flatMap((g) => [
      `/** ${g.doc} */`, "// @ts-ignore: decorator", `@external("shoal", "${g.name}") export declare let ${camel(g.name)}: ${AS[g.type]};`])];
  for (const g of abi.groups.filter((x) => x.for === "process")) {
    lines.push("", `// ── ${g.title}`);
    for (const f of g.functions) {
      lines.push(`/** ${f.doc.replace(/\*\//g, "* /")} */`, "// @ts-ignore: decorator",
        `@external("shoal", "${f.name}") export declare function ${camel(f.name)}(${f.params.map(([n, t]) => `${n}: ${AS[t]}`).join(", ")}): ${f.result ? AS[f.result] : "void"};`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The process-code imports' Wasm signatures, for the .beam compiler's generated modules (compiler/codegen/module.ts). */
function compilerSignatures() {
  const rows = abi.groups.filter((x) => x.for === "process").flatMap((g) => g.functions.map((f) => {
    const params = f.params.length ? `(param ${f.params.map(([, t]) => WASM[t]).join(" ")})` : "";
    const result = f.result ? `(result ${WASM[f.result]})` : "";
    return `  ${f.name}: "${[params, result].filter(Boolean).join(" ")}",`;
  }));
  return [`// The ABI's process-code functions, each's Wasm signature in WAT (${NOTICE}).`,
    "// The compiler's modules import them from \"shoal\" with these types (compiler/codegen/module.ts).",
    "export const ABI_SIGNATURES: Readonly<Record<string, string>> = {", ...rows, "};", ""].join("\n");
}

const outputs = [
  ["docs/abi.md", docs(readFileSync(at("docs/abi.md"), "utf8"))],
  ["abi/shoal.wat", wat()],
  ["abi/shoal.ts", assemblyScript()],
  ["compiler/codegen/abi_signatures.ts", compilerSignatures()],
];
if (process.argv.includes("--check")) {
  const stale = outputs.filter(([file, text]) => { try { return readFileSync(at(file), "utf8") !== text; } catch { return true; } }).map(([f]) => f);
  if (stale.length) {
    console.error(`not what abi/abi.json makes: ${stale.join(", ")} (run node scripts/abi.mjs)`);
    process.exit(1);
  }
} else {
  for (const [file, text] of outputs) writeFileSync(at(file), text);
}
