// zlib and gzip inflation, the one place the reader decompresses: LitT's
// literal table is a zlib stream (beam_asm: zlib:compress/1), and a .beam
// file written with erlc +compressed is a gzip stream as a whole.
//
// The compiler is to run in a browser one day, so this prefers the web
// platform's DecompressionStream (browsers, Deno, Node 18+) and falls back to
// Node's zlib, looked up through process.getBuiltinModule rather than
// imported, so that no bundler has to resolve "node:zlib". The stream API is
// asynchronous, and so are the callers up to readBeamFile.

export type InflateFormat = "deflate" | "gzip";

/**
 * The inflated bytes of `data` (format "deflate" is zlib's: RFC 1950, with its
 * header and checksum). With `limit`, inflating stops with an error as soon
 * as the output passes it, so a declared size bounds the memory spent.
 * Errors are plain Errors with a short message; callers add the file and chunk.
 */
export async function inflate(data: Uint8Array, format: InflateFormat, limit = Infinity): Promise<Uint8Array> {
  if (typeof DecompressionStream === "function") {
    const ds = new DecompressionStream(format);
    const writer = ds.writable.getWriter();
    const written = writer.write(data as Uint8Array<ArrayBuffer>).then(() => writer.close());
    written.catch(() => undefined);             // a corrupt stream is reported by the reading side
    const reader = ds.readable.getReader();
    const parts: Uint8Array[] = [];
    let total = 0;
    let tooLong = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.length;
        if (total > limit) {
          tooLong = true;
          await reader.cancel().catch(() => undefined);
          break;
        }
        parts.push(value);
      }
      if (!tooLong) await written;
    } catch (e) {
      throw new Error(`corrupt ${format} data: ${String((e as Error).message ?? e).slice(0, 100)}`);
    }
    if (tooLong) throw new Error(`inflates past ${limit} bytes`);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }
  const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const zlib = host?.getBuiltinModule?.("node:zlib") as typeof import("node:zlib") | undefined;
  if (!zlib) throw new Error("no inflate here: neither DecompressionStream nor node:zlib");
  try {
    const opts = Number.isFinite(limit) ? { maxOutputLength: Math.max(1, limit) } : {};
    const out = format === "gzip" ? zlib.gunzipSync(data, opts) : zlib.inflateSync(data, opts);
    return new Uint8Array(out);                 // a copy: out may be a view of a pool
  } catch (e) {
    if ((e as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") throw new Error(`inflates past ${limit} bytes`);
    throw new Error(`corrupt ${format} data: ${String((e as Error).message).slice(0, 100)}`);
  }
}
