// The IFF container of a .beam file (erts/emulator/beam/beam_file.c,
// iff_init and read_beam_chunks; written by beam_asm:build_form/2):
//
//   "FOR1" <u32 form size> "BEAM"            form size counts from "BEAM" on
//   <4-byte id> <u32 size> <size bytes> <0..3 bytes of padding to 4>   per chunk
//
// Bytes past the form (8 + form size) are ignored, as erts ignores them. Each
// chunk's padding must be inside the form, as erts requires. A chunk id that
// appears twice is refused (beam_asm never writes one; erts would silently
// take the last), so a reader never has to guess which one was meant.

import { BeamError } from "./error.js";
import { ByteReader } from "./bytes.js";

/** One chunk: its four-character id and its bytes (a view of the file, padding excluded). */
export interface Chunk {
  readonly id: string;
  /** Where its data starts in the file. */
  readonly offset: number;
  readonly data: Uint8Array;
}

export interface Container {
  readonly file: string;
  /** The chunks in file order. */
  readonly chunks: readonly Chunk[];
  /** The chunk with this id, if the file has one. */
  chunk(id: string): Chunk | undefined;
}

const latin1 = (b: Uint8Array): string => String.fromCharCode(...b);

/** The chunk table of a .beam file's bytes; `file` names it in errors. */
export function readContainer(bytes: Uint8Array, file: string): Container {
  const r = new ByteReader(bytes, file, "IFF header");
  if (bytes.length < 12) throw new BeamError(file, `not a .beam file: ${bytes.length} bytes, shorter than the 12-byte IFF header`);
  const magic = latin1(r.take(4, "IFF id"));
  if (magic !== "FOR1") throw new BeamError(file, `not a .beam file: it starts with ${JSON.stringify(magic)}, not "FOR1"`);
  const formSize = r.u32("form size");
  if (formSize < 4 || formSize > bytes.length - 8) {
    throw new BeamError(file, `truncated: the IFF header declares ${formSize} bytes of form, the file has ${bytes.length - 8} after the header`);
  }
  const form = latin1(r.take(4, "form type"));
  if (form !== "BEAM") throw new BeamError(file, `not a .beam file: IFF form type ${JSON.stringify(form)}, not "BEAM"`);

  const end = 8 + formSize;
  const chunks: Chunk[] = [];
  const byId = new Map<string, Chunk>();
  const cr: ByteReader = new ByteReader(bytes.subarray(0, end), file, (): string => `chunk table at byte ${cr.pos}`, 12);
  while (cr.pos < end) {
    const at = cr.pos;
    const id = latin1(cr.take(4, "chunk id"));
    const size = cr.u32(`size of chunk ${id}`);
    const storage = size + ((4 - (size % 4)) % 4);
    if (storage > cr.remaining) {
      throw new BeamError(file, `chunk ${id} at byte ${at} declares ${size} bytes${storage !== size ? ` (${storage} padded)` : ""}, only ${cr.remaining} are left in the form`);
    }
    const chunk: Chunk = { id, offset: cr.pos, data: bytes.subarray(cr.pos, cr.pos + size) };
    cr.pos += storage;
    if (byId.has(id)) throw new BeamError(file, `chunk ${id} appears twice (at bytes ${byId.get(id)!.offset - 8} and ${at})`);
    byId.set(id, chunk);
    chunks.push(chunk);
  }
  return { file, chunks, chunk: (id) => byId.get(id) };
}
