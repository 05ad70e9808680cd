// Reading big-endian numbers and byte runs out of a .beam file, every read
// bounds-checked: a truncated or lying size field becomes a BeamError that
// names the file, the place (`context()`, e.g. "chunk ImpT") and the byte
// offset, never an out-of-range read that yields undefined.

import { BeamError } from "./error.js";

export class ByteReader {
  /** The next byte to read. */
  pos: number;
  /**
   * Where this reader is, for error messages. A function, so that a reader
   * walking thousands of instructions does not build a string per step.
   */
  context: () => string;

  constructor(readonly bytes: Uint8Array, readonly file: string, context: string | (() => string), pos = 0) {
    this.pos = pos;
    this.context = typeof context === "string" ? () => context : context;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** An error at the current position: "<file>: <context>: <message>". */
  error(message: string): BeamError {
    return new BeamError(this.file, `${this.context()}: ${message}`);
  }

  /** Throw unless `n` more bytes are there; `what` names what they would have held. */
  need(n: number, what: string): void {
    if (n > this.remaining) {
      throw this.error(`${what} runs past the end (needs ${n} bytes at byte ${this.pos}, ${this.remaining} left)`);
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++];
  }

  u16(what: string): number {
    this.need(2, what);
    const b = this.bytes, p = this.pos;
    this.pos += 2;
    return (b[p] << 8) | b[p + 1];
  }

  u32(what: string): number {
    this.need(4, what);
    const b = this.bytes, p = this.pos;
    this.pos += 4;
    return ((b[p] << 24) >>> 0) + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
  }

  /** A signed 32-bit number (erts reads counts as Sint32: AtU8's count is negative in some files). */
  i32(what: string): number {
    return this.u32(what) | 0;
  }

  /** The next `n` bytes, as a view (not a copy) of the file. */
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A 64-bit IEEE float, big-endian. */
  f64(what: string): number {
    const b = this.take(8, what);
    return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false);
  }
}
