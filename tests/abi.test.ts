// The shipped module exports exactly the documented ABI and host control
// (docs/abi.md, "Every export"), on both backends: no test hook, no fiber_*,
// no Asyncify control.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..");

function documented(): string[] {
  const doc = readFileSync(join(root, "docs/abi.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Every export"));
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]).sort();
}

describe.each(["fx", "asyncify"])("build/shoal.%s.wasm", (backend) => {
  test("exports exactly what docs/abi.md documents", () => {
    const mod = new WebAssembly.Module(readFileSync(join(root, "build", `shoal.${backend}.wasm`)));
    const exported = WebAssembly.Module.exports(mod).map((e) => e.name).sort();
    expect(exported).toEqual(documented());
  });
});
