// The one error the .beam reader raises: what is wrong, prefixed by the file
// it was read from, so that a compiler fed many .beam files says which one
// (and, from the chunk parsers and the disassembler on, where in it).

/** A .beam file the reader cannot take: malformed, truncated, or using what OTP 25 does not have. */
export class BeamError extends Error {
  /** The file name given to the reader ("<bytes>" when none was). */
  readonly file: string;
  /** What is wrong, without the file name. */
  readonly detail: string;
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = "BeamError";
    this.file = file;
    this.detail = detail;
  }
}
