// Reading the decoded operands of an instruction (compiler/beam/operands.ts)
// as the code generator's emitters need them: a number, a label, a list.

import type { Operand } from "../beam/index.js";
import { CompileError } from "./error.js";
import type { ModuleContext } from "./module.js";

/** A number operand (u or i). */
export const u = (op: Operand): number => {
  if (op.kind !== "u" && op.kind !== "i") throw new CompileError(`expected a number operand, got ${op.kind}`);
  return Number(op.value);
};
/** A label operand; 0 (no label) for anything else, as bs_start_match4's no_fail and resume atoms. */
export const label = (op: Operand): number => (op.kind === "f" ? op.label : op.kind === "u" ? op.value : 0);
/** The items of a list operand ({list, [...]}); none for anything else. */
export const items = (op: Operand): readonly Operand[] => (op.kind === "list" ? op.items : []);

/** Words a test_heap / allocate_heap operand (or bs_create_bin's Alloc) asks for. */
export function heapWords(c: ModuleContext, op: Operand): number {
  if (op.kind === "alloc") {
    let n = 0;
    for (const it of op.items) n += it.kind === "words" ? it.count : it.kind === "floats" ? 2 * it.count : (2 + c.maxFree) * it.count;
    return n;
  }
  return u(op);
}
