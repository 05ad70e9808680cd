// The Code chunk decoded into functions and instructions: each instruction
// its generic opcode (opcodes.ts) and as many operands as the opcode's arity
// (operands.ts), a list operand counting as one.
//
// Functions are cut the way beam_disasm:file/1 cuts them: a function starts
// at the labels (and line instructions) just before its func_info and runs
// to the labels before the next one, so
//
//   {label,1} {line,1} {func_info,M,F,A} {label,2} ...body...   | {label,3} {func_info,...
//
// is one function whose entry is label 2, the label right after func_info
// (ExpT and LocT name that label; label 1 is where a function_clause error is
// raised from). int_code_end ends the code and is in no function.
//
// Refused, with an error that names the module, the function and the code
// byte: an opcode past OTP 25's table or obsolete in it, an opcode above the
// Code header's highest opcode, an operand that does not decode or refers past
// a table, instructions before the first func_info, a func_info that is not
// followed by a label, a code stream that does not end with int_code_end or
// has bytes after it, and a function count other than the header's.

import type { BeamFile } from "./beam_file.js";
import { ByteReader } from "./bytes.js";
import { MAX_OPCODE, opcodeInfo } from "./opcodes.js";
import { readOperand, type Operand, type OperandTables } from "./operands.js";

export interface Instruction {
  readonly opcode: number;
  /** genop.tab's name: "move", "call_ext", "catch", ... */
  readonly name: string;
  readonly args: readonly Operand[];
  /** Where it starts in the Code chunk's instruction stream. */
  readonly offset: number;
}

export interface BeamFunction {
  readonly name: string;
  readonly arity: number;
  /** The label right after func_info: where calls enter. */
  readonly entry: number;
  /** Its labels and lines before func_info, func_info, and the body. */
  readonly code: readonly Instruction[];
}

const LABEL = 1, FUNC_INFO = 2, INT_CODE_END = 3, LINE = 153;

/** The module's functions, in code order. */
export function disassemble(beam: BeamFile): BeamFunction[] {
  const { code } = beam;
  const tables: OperandTables = {
    atoms: beam.atoms, labelCount: code.labelCount, literalCount: beam.literals.length,
    typeCount: beam.types?.entries?.length,
  };
  let where = "before the first function";
  let at = 0, name = "";
  const r = new ByteReader(code.code, beam.file, () => `module ${beam.module}, ${where}: code byte ${at}${name ? ` (${name})` : ""}`);

  const functions: { name: string; arity: number; entry: number; code: Instruction[] }[] = [];
  let current: Instruction[] = [];                // the function being read (before the first: labels and lines only)
  let ended = false;
  while (r.remaining > 0) {
    at = r.pos;
    name = "";
    const opcode = r.u8("opcode");
    const op = opcodeInfo(opcode);
    if (!op) throw r.error(`opcode ${opcode} is not an OTP 25 instruction (1..${MAX_OPCODE}): compiled by a later OTP?`);
    name = op.name;
    if (op.obsolete) throw r.error(`opcode ${opcode} (${op.name}/${op.arity}) is obsolete: no OTP 25 loader takes it`);
    if (opcode > code.maxOpcode) throw r.error(`opcode ${opcode} is above the highest the Code header declares (${code.maxOpcode})`);
    const args: Operand[] = new Array(op.arity);
    for (let i = 0; i < op.arity; i++) args[i] = readOperand(r, tables);
    const ins: Instruction = { opcode, name: op.name, args, offset: at };

    if (opcode === INT_CODE_END) {
      ended = true;
      break;
    }
    if (opcode === FUNC_INFO) {
      const [m, f, a] = args;
      if (m.kind !== "atom" || f.kind !== "atom" || a.kind !== "u") throw r.error("func_info's operands are not module, function, arity");
      if (m.name !== beam.module) throw r.error(`func_info names module ${m.name}, not ${beam.module}`);
      where = `function ${f.name}/${a.value}`;
      // the labels and lines at the end of what came before belong to this function
      let k = current.length;
      while (k > 0 && (current[k - 1].opcode === LABEL || current[k - 1].opcode === LINE)) k--;
      const lead = current.splice(k);
      current = [...lead, ins];
      functions.push({ name: f.name, arity: a.value, entry: -1, code: current });
      continue;
    }
    if (functions.length === 0 && opcode !== LABEL && opcode !== LINE) throw r.error("an instruction before the first func_info");
    if (opcode === LABEL) {
      const l = args[0];
      if (l.kind !== "u" || l.value < 1 || l.value >= code.labelCount) {
        throw r.error(`label ${l.kind === "u" ? l.value : l.kind} is not one of the Code header's labels (1..${code.labelCount - 1})`);
      }
    }
    const fn = functions[functions.length - 1];
    if (fn && fn.entry < 0) {
      if (opcode !== LABEL) throw r.error("func_info is not followed by the function's entry label");
      fn.entry = (args[0] as { value: number }).value;
    }
    current.push(ins);
  }
  at = r.pos;
  name = "";
  if (!ended) throw r.error("the code does not end with int_code_end");
  if (r.remaining) throw r.error(`${r.remaining} bytes after int_code_end`);
  const last = functions[functions.length - 1];
  if (last && last.entry < 0) throw r.error("the last func_info is not followed by the function's entry label");
  if (functions.length !== code.functionCount) {
    throw r.error(`${functions.length} functions, the Code header declares ${code.functionCount}`);
  }
  return functions;
}
