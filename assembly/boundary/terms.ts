// The term word's tags (the picture is in gc/term/term.ts, the spec in
// docs/abi.md) and the boxed headers' subtags. Shared with the host (see
// README.md here): keep this file portable.

/** Low bits of a term word. */
export enum Tag {
  /** Mask of the primary tag (2 bits). */
  PRIMARY_MASK = 0x3,
  LIST = 0x1,
  BOXED = 0x2,
  /** Mask of the immediate-1 tag (4 bits). */
  IMMED1_MASK = 0xF,
  PID = 0x3,
  SMALL = 0xF,
  /** Mask of the immediate-2 tag (6 bits). */
  IMMED2_MASK = 0x3F,
  ATOM = 0x0B,
  /** The whole word of [] */
  NIL = 0x3B,
  /**
   * A saved return address on a shadow stack (never a term: BEAM's immediate-2 "catch" tag, which
   * Shoal's terms do not use): module id << CP_MODULE_SHIFT | continuation id << TagShift.CP | CP.
   * What stack traces are walked from (assembly/runtime/traces.ts, docs/abi.md "Exceptions").
   */
  CP = 0x1B,
}

/** Bits below an atom's index, a small integer's value and a pid's slot. */
export enum TagShift {
  ATOM = 6,
  SMALL = 4,
  PID = 4,
  CP = 6,
}

/** Bit where a saved return address (Tag.CP) holds its module's id, above its 32-bit continuation id. */
export const CP_MODULE_SHIFT = 38;

/** Bits of a small integer's value (signed). */
export const SMALL_BITS = 60;

/** Subtags of a boxed term's header word (bits 2..5), as BEAM numbers them. */
export enum Subtag {
  TUPLE = 0x0,
  BIG = 0x2,
  REF = 0x4,
  FUN = 0x5,
  FLOAT = 0x6,
  REFC_BIN = 0x8,
  HEAP_BIN = 0x9,
  /** A bitstring whose size is not a whole number of bytes (BEAM's sub-binary subtag). */
  BITS = 0xA,
  MAP = 0xF,
}
