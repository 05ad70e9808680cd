// The .beam reader: readBeamFile() for the chunks, disassemble() for the
// instructions (docs/compiler.md, "Reading .beam files").

export { BeamError } from "./error.js";
export { readBeamFile, type BeamFile } from "./beam_file.js";
export { disassemble, type BeamFunction, type Instruction } from "./disasm.js";
export { OPCODES, MAX_OPCODE, LEGACY_OPCODES, opcodeInfo, opcodeByName, type Opcode } from "./opcodes.js";
export type { Operand, XReg, YReg, AllocKind } from "./operands.js";
export type { CodeChunk, Import, Export, Lambda, LineTable, LineItem, TypeTable } from "./chunks.js";
export type { Literal } from "./literals.js";
export type { Chunk, Container } from "./container.js";
