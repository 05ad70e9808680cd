// module_info/0,1 of a compiled module. erlc makes every module's
// module_info() call erlang:get_module_info(M) and module_info(X) call
// erlang:get_module_info(M, X); erts answers from the loaded code. Shoal
// keeps no object code at run time, so the compiler answers instead, from the
// .beam, with literals (made once, in the module's data segment):
//
//   module            the module's atom
//   exports           [{F, A}] of the exported functions, in code order (erts
//                     walks its function table, which is in code order, and
//                     keeps the exported ones; ExpT's own order differs)
//   functions         [{F, A}] of every function in code order, funs' too
//   attributes        the Attr chunk's term (ETF), [] without one
//   compile           the CInf chunk's term (ETF), [] without one
//   md5               beam_lib:md5/1's binary (compiler/beam/md5.ts)
//   nifs, native_addresses   []   (Shoal loads no NIF library, has no native code)
//   native            false
//
// and get_module_info(M) is [{module, M}, {exports, ...}, {attributes, ...},
// {compile, ...}, {md5, ...}], erts's order. Any other item is badarg, as in
// erts. A call naming another module (erlang:get_module_info(Other, X)
// written by hand) goes to the runtime's native (assembly/natives), which
// knows only what the export table holds.

import type { BeamFile } from "../beam/beam_file.js";
import type { BeamFunction } from "../beam/disasm.js";
import { beamMd5 } from "../beam/md5.js";
import { DataBuilder, NIL, small, type Word } from "./literals.js";

/** The answers of one module's module_info/1, by item, and of module_info/0. */
export interface ModuleInfo {
  /** Item atom name → the literal answering it (module is not here: it is the module's atom). */
  readonly items: ReadonlyMap<string, Word>;
  readonly all: Word;
}

const ETF_VERSION = 131, ETF_BINARY = 109;

/** The module_info literals of `beam` (functions: its code, disassembled) in `data`. */
export function moduleInfo(beam: BeamFile, functions: readonly BeamFunction[], data: DataBuilder): ModuleInfo {
  const atom = (name: string): Word => ({ kind: "atom", atom: data.atom(name) });
  const nil: Word = { kind: "imm", value: NIL };
  const fa = (f: { name: string; arity: number }) => data.tupleOf([atom(f.name), { kind: "imm", value: small(BigInt(f.arity)) }]);
  const exported = new Set(beam.exports.map((e) => `${e.function}/${e.arity}`));
  const exports = data.listOf(functions.filter((f) => exported.has(`${f.name}/${f.arity}`)).map(fa));
  const fromChunk = (id: string): Word => {
    const chunk = beam.container.chunk(id);
    return chunk ? data.literal(chunk.data, `${beam.module}.beam: chunk ${id}`) : nil;
  };
  const attributes = fromChunk("Attr"), compile = fromChunk("CInf");
  const digest = beamMd5(beam.container);
  const etf = new Uint8Array(6 + digest.length);
  etf[0] = ETF_VERSION;
  etf[1] = ETF_BINARY;
  new DataView(etf.buffer).setUint32(2, digest.length);
  etf.set(digest, 6);
  const md5 = data.literal(etf, `${beam.module}.beam: md5`);
  const items = new Map<string, Word>([
    ["exports", exports], ["functions", data.listOf(functions.map(fa))], ["attributes", attributes],
    ["compile", compile], ["md5", md5], ["nifs", nil], ["native_addresses", nil], ["native", atom("false")],
  ]);
  const pair = (k: string, v: Word) => data.tupleOf([atom(k), v]);
  const all = data.listOf([pair("module", atom(beam.module)), pair("exports", exports), pair("attributes", attributes),
    pair("compile", compile), pair("md5", md5)]);
  return { items, all };
}
