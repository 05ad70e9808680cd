// After the build: mark dist/bench/ as CommonJS. The package is ESM
// ("type": "module"), but the benchmarks are compiled as CommonJS
// (bench/package.json says so to tsc) and Node needs the same word next to
// the compiled files. (scripts/build.mjs could do this itself.)
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "bench");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "package.json"), '{\n  "type": "commonjs"\n}\n');
