// Which of OTP 25's generic instructions the compiler compiles, and the table
// of them in docs/compiler.md ("Supported instructions and built-ins"):
// scripts/opcodes.mjs writes it there, tests/beam.test.ts checks it is current.
//
// An instruction is compiled when module.ts makes code of it: `label` (where
// a segment starts, module.ts itself) or the emitter emitterOf finds in
// instructions.ts's or binaries.ts's table, which module.ts calls. Any other
// is a CompileError naming the opcode, the module and the function
// (module.ts); an obsolete one the reader refuses first.

import { OPCODES, LEGACY_OPCODES, type Opcode } from "../beam/opcodes.js";
import { EMITTERS, type Emit } from "./instructions.js";
import { BINARY_EMITTERS } from "./binaries.js";

/** The code maker of instruction `name`, or undefined if the compiler has none. */
export function emitterOf(name: string): Emit | undefined {
  if (Object.hasOwn(EMITTERS, name)) return EMITTERS[name];
  return Object.hasOwn(BINARY_EMITTERS, name) ? BINARY_EMITTERS[name] : undefined;
}

/** Whether the compiler makes code of the instruction `name`. */
export function compiles(name: string): boolean {
  return name === "label" || emitterOf(name) !== undefined;
}

/** docs/compiler.md's table: every OTP 25 instruction in one row by what Shoal and OTP 25 do with it. */
export function opcodeSupportTable(): string {
  const otp = (op: Opcode) => op.obsolete ? "obsolete: OTP 25's loader refuses it too"
    : LEGACY_OPCODES.has(op.name) ? "loaded, never written by OTP 25's compiler (older files, `+no_bs_create_bin`)"
    : "written by OTP 25's compiler";
  const shoal = (op: Opcode) => compiles(op.name) ? "compiled" : op.obsolete ? "refused by the reader, naming it" : "refused, naming it";
  const rows = new Map<string, Opcode[]>();
  for (const op of OPCODES) {
    const key = `| ${shoal(op)} | ${otp(op)} |`;
    rows.set(key, [...(rows.get(key) ?? []), op]);
  }
  const lines = [...rows].map(([key, ops]) => `${key} ${ops.length} | ${ops.map((op) => `\`${op.name}\``).join(" ")} |`);
  return ["| Shoal | OTP 25 | count | instructions (by opcode) |", "|---|---|---|---|", ...lines].join("\n");
}
