// The entry directory: how the link step (compiler/link.ts) tells the runtime
// which functions a linked program exports by name, and the calling
// convention of those functions and of funs. Read by asc (assembly/runtime/
// exports.ts, apply.ts) and tsc (the link step writes the records).
//
// A program module exports an entry as a Wasm function named
// `module:function/arity`, of type (i64 x arity) -> i64: the arguments are
// terms, the result a term. The link step puts every such function in the
// table and writes one record per entry into the linked module's data; the
// runtime's globals __shoal_entries (address of the first record) and
// __shoal_entry_count are set to them at link time.
//
//   record (ENTRY_RECORD_BYTES, 4-byte fields)
//   ┌───────┬───────┬────────────┬────────────┬──────────────┬──────────────┐
//   │ index │ arity │ module ptr │ module len │ function ptr │ function len │
//   └───────┴───────┴────────────┴────────────┴──────────────┴──────────────┘
//     index: function-table index; names: UTF-8 bytes, in the same data
//
// A fun's code is a table entry of type (i64 x arity, i64 fun) -> i64: the
// arguments, then the fun itself, through which the code reads its free
// variables (docs/abi.md, "Funs and apply").

export enum EntryField {
  INDEX = 0,
  ARITY = 4,
  MODULE = 8,
  MODULE_LEN = 12,
  FUNCTION = 16,
  FUNCTION_LEN = 20,
}

/** Bytes of one entry record. */
export const ENTRY_RECORD_BYTES = 24;

/**
 * The most arguments apply (and spawn by name) passes: each arity is a
 * call_indirect of its own type, so the dispatch is a switch with a case per
 * arity. A compiler calls an entry of more arguments directly.
 */
export const MAX_APPLY_ARITY = 32;
