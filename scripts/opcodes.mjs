// docs/compiler.md's table of OTP 25's instructions, by what the compiler does with each, made
// from the compiler itself (compiler/codegen/opcode_support.ts, as built in dist/):
//
//   node scripts/opcodes.mjs   write it between <!-- opcodes --> and <!-- /opcodes -->
//
// (tests/beam.test.ts fails when the table there is not what the compiler makes.)
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
if (made !== text) writeFileSync(file, made);
