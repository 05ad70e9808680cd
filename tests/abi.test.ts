// The ABI's one source, abi/abi.json: the shipped module exports exactly what
// it lists, with the types it gives, on both backends (no test hook, no
// fiber_*, no Asyncify control); docs/abi.md's tables and the headers
// abi/shoal.{wat,ts} are what scripts/abi.mjs makes of it.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { wasmExports } from "./support/wasm-exports";

const root = join(__dirname, "..");
const abi = JSON.parse(readFileSync(join(root, "abi/abi.json"), "utf8"));
const WASM: Record<string, string> = { term: "i64", i64: "i64", u64: "i64", i32: "i32", u32: "i32", usize: "i32", bool: "i32", f64: "f64" };

/** Every export abi.json lists, with its type as wasmExports writes one. */
function listed(): Map<string, string> {
  const out = new Map<string, string>([["memory", "memory"], ["table", "table"]]);
  for (const g of abi.groups) for (const f of g.functions) {
    out.set(f.name, `(${f.params.map(([, t]: [string, string]) => WASM[t]).join(" ")}) → (${f.result ? WASM[f.result] : ""})`);
  }
  for (const g of abi.globals) out.set(g.name, `global ${g.type}${g.mutable ? " mut" : ""}`);
  return out;
}

describe.each(["fx", "asyncify"])("build/shoal.%s.wasm", (backend) => {
  test("exports exactly what abi/abi.json lists, with its types", () => {
    const exported = wasmExports(readFileSync(join(root, "build", `shoal.${backend}.wasm`)));
    const sorted = (m: Map<string, string>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));
    expect(sorted(exported)).toEqual(sorted(listed()));
  });
});

test("docs/abi.md's tables and abi/shoal.{wat,ts} are what abi/abi.json makes", () => {
  const r = spawnSync(process.execPath, [join(root, "scripts", "abi.mjs"), "--check"], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
});

test("every process call is documented with what it may do to its caller", () => {
  for (const g of abi.groups) for (const f of g.functions) {
    expect(f.doc.length).toBeGreaterThan(10);
    if (g.for === "process") expect(["none", "collect", "suspend", "exit", "end", "raise"]).toContain(f.can);
  }
});
