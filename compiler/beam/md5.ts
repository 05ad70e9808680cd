// The MD5 of a module as beam_lib:md5/1 computes it, which is also what a
// module loaded by erts answers to module_info(md5): the MD5 of the chunks
// that make the code, in this order (those present; padding excluded, LitT
// as stored, compressed):
//
//   Atom, AtU8, Code, StrT, ImpT, ExpT, FunT, LitT, Meta
//
// with FunT's entries' OldUniq word (the sixth of each 24-byte entry) zeroed.
// So debug info, attributes, compile info, LocT and line tables do not change
// the MD5, as in OTP. (Checked against OTP 25's beam_lib:md5/1 and
// module_info(md5), by tests/erlang/module_info.erl.)

import { createHash } from "node:crypto";
import type { Container } from "./container.js";

const MD5_CHUNKS = ["Atom", "AtU8", "Code", "StrT", "ImpT", "ExpT", "FunT", "LitT", "Meta"];
const FUN_ENTRY = 24;

/** beam_lib:md5/1's 16 bytes for the module in `container`. */
export function beamMd5(container: Container): Uint8Array {
  const h = createHash("md5");
  for (const id of MD5_CHUNKS) {
    const chunk = container.chunk(id);
    if (!chunk) continue;
    h.update(id === "FunT" ? filterFunTable(chunk.data) : chunk.data);
  }
  return new Uint8Array(h.digest());
}

/** FunT as beam_lib hashes it: each 24-byte entry's OldUniq (bytes 20..23) zeroed, in place order. */
function filterFunTable(d: Uint8Array): Uint8Array {
  const out = new Uint8Array(d);
  for (let at = 4; at + FUN_ENTRY <= out.length; at += FUN_ENTRY) out.fill(0, at + 20, at + FUN_ENTRY);
  return out;
}
