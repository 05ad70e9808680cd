// docs/compiler.md's table of OTP 25's instructions, by what the compiler does with each, made
// from the compiler itself (compiler/codegen/opcode_support.ts, as built in dist/):
//
//   node scripts/opcodes.mjs           write it between <!-- opcodes --> and <!-- /opcodes -->
//   node scripts/opcodes.mjs --check   exit 1 if the table there is not what the compiler makes
//                                      (tests/beam.test.ts)
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { opcodeSupportTable } = await import(join(root, "dist", "compiler", "codegen", "opcode_support.js"));
const file = join(root, "docs", "compiler.md");
const text = readFileSync(file, "utf8");
const region = /<!-- opcodes -->\n[\s\S]*?<!-- \/opcodes -->/;
if (!region.test(text)) { console.error("docs/compiler.md: no <!-- opcodes --> ... <!-- /opcodes --> region"); process.exit(1); }
const made = text.replace(region, `<!-- opcodes -->\n${opcodeSupportTable()}\n<!-- /opcodes -->`);
if (process.argv.includes("--check")) {
  if (made !== text) { console.error("docs/compiler.md: the table of instructions is not what the compiler makes: run node scripts/opcodes.mjs"); process.exit(1); }
} else if (made !== text) writeFileSync(file, made);
