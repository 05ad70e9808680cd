// The compiler's pipeline: .beam bytes → the reader (compiler/beam/) → the
// code generator (compiler/codegen/) → WAT → Binaryen → a Wasm module that
// imports Shoal's ABI and exports its functions as entries `module:f/a`,
// ready for the link step (compiler/link.ts) like any compiler's output.

import binaryen from "binaryen";
import { readBeamFile, disassemble } from "./beam/index.js";
import { compileModule } from "./codegen/module.js";
import { CompileError } from "./codegen/error.js";

export { CompileError };

/** One compiled module: its name, its Wasm, and its text (for reading and debugging). */
export interface Compiled { module: string; wasm: Uint8Array; wat: string }

/** Compile one .beam file (`file` names it in errors). */
export async function compileBeam(bytes: Uint8Array, file = "<bytes>"): Promise<Compiled> {
  const beam = await readBeamFile(bytes, file);
  const wat = compileModule(beam, disassemble(beam));
  const m = binaryen.parseText(wat);
  try {
    m.setFeatures(binaryen.Features.MVP | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt | binaryen.Features.SignExt | binaryen.Features.MutableGlobals | binaryen.Features.NontrappingFPToInt);
    if (!m.validate()) throw new CompileError(`${file}: internal: the generated module does not validate`);
    return { module: beam.module, wasm: m.emitBinary(), wat };
  } finally {
    m.dispose();
  }
}
