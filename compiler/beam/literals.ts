// The literal table (LitT): the terms that do not fit an operand (tuples,
// lists, binaries, maps, floats, integers of 2^128 or more, funs of
// fun M:F/A), which z4 operands refer to by index.
//
//   u32 size of the table inflated, then a zlib stream of:
//     u32 count, count × (u32 size, size bytes of External Term Format)
//
// beam_dict writes each term with term_to_binary(T, [{minor_version, 2},
// deterministic]). A literal keeps those bytes (`etf`: the runtime's own
// decoder, gc/term/etf.ts, can take them as they are) and their value as
// host/etf.ts's decode() gives it, with that decoder's mapping of terms to JS
// values: integers as numbers or bigints, the atoms true and false as
// booleans, [] as an empty array, a binary as a Uint8Array, an integral float
// as a Float.

import type { Chunk } from "./container.js";
import { ByteReader } from "./bytes.js";
import { BeamError } from "./error.js";
import { inflate } from "./inflate.js";
import { decode } from "../../host/etf.js";

export interface Literal {
  /** Its External Term Format, version byte (131) included. */
  readonly etf: Uint8Array;
  /** decode(etf) */
  readonly value: unknown;
}

/** The most a literal table may declare inflated (erts takes up to 1 GiB of entries). */
const MAX_TABLE_BYTES = 1 << 30;

export async function readLiterals(chunk: Chunk, file: string): Promise<Literal[]> {
  const head = new ByteReader(chunk.data, file, "chunk LitT");
  const size = head.u32("inflated size");
  if (size > MAX_TABLE_BYTES) throw head.error(`declares ${size} bytes inflated, more than the ${MAX_TABLE_BYTES} taken`);
  let table: Uint8Array;
  try {
    table = await inflate(chunk.data.subarray(4), "deflate", size);
  } catch (e) {
    throw new BeamError(file, `chunk LitT: ${(e as Error).message}`);
  }
  if (table.length !== size) throw new BeamError(file, `chunk LitT: inflates to ${table.length} bytes, not the ${size} it declares`);
  const r = new ByteReader(table, file, "chunk LitT (inflated)");
  const n = r.u32("literal count");
  if (n * 4 > r.remaining) throw r.error(`${n} literals need ${n * 4} bytes at least, the table has ${r.remaining} left`);
  const out: Literal[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const etf = r.take(r.u32(`literal ${i}'s size`), `literal ${i}`);
    let value: unknown;
    try {
      value = decode(etf);
    } catch (e) {
      throw r.error(`literal ${i}: ${(e as Error).message}`);
    }
    out[i] = { etf, value };
  }
  if (r.remaining) throw r.error(`${r.remaining} bytes after the ${n} literals`);
  return out;
}
