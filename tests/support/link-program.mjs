// Links WAT program modules (as a compiler would emit them) with the runtime's
// linkable core and a fiber backend, through scripts/link.mjs; for
// tests/link.test.ts, which runs it as a child (the link step is ESM, the
// tests CommonJS). Prints the module's placement as JSON, or "LinkError: ..."
// (exit 3).
//
//   node tests/support/link-program.mjs <backend> <out.wasm> <a.wat> [b.wat ...]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FEATURES, link, placementOf, LinkError } from "../../scripts/link.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const [backend, out, ...wats] = process.argv.slice(2);
const tmp = mkdtempSync(join(tmpdir(), "shoal-wat-"));
const modules = wats.map((file, i) => {
  const wasm = join(tmp, `${i}.wasm`);
  // (-g: keep the function names, which the link step's errors quote)
  execFileSync(process.execPath, [join(root, "node_modules", "binaryen", "bin", "wasm-as"), ...FEATURES.fx, "-g", file, "-o", wasm]);
  return { name: file.split("/").pop(), bytes: readFileSync(wasm) };
});
rmSync(tmp, { recursive: true, force: true });
const core = readFileSync(join(root, "build", "shoal.core.wasm"));
try {
  writeFileSync(out, link({ core, fiber: readFileSync(join(root, "build", `fiber.${backend}.wasm`)), backend, modules }));
  console.log(JSON.stringify(placementOf(core)));
} catch (e) {
  if (!(e instanceof LinkError)) throw e;
  console.log(`LinkError: ${e.message}`);
  process.exit(3);
}
