// The one error the code generator raises: a .beam file it cannot compile
// (an instruction or a literal it does not support yet), naming the module,
// the function and the instruction, so that a compiler fed many files says
// which one and what to add.

/** A module the code generator cannot compile as it is. */
export class CompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CompileError";
  }
}
