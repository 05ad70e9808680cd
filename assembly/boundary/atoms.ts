// The predefined atoms: interned at start in this order, so atom i of the
// table is PredefinedAtom member i, in every runtime. Shared with the host
// (see README.md here): keep this file portable. tests/layers.test.ts checks
// that each member's name is its atom (lower case; EXIT_TAG and DOWN_TAG are
// 'EXIT' and 'DOWN'), and the debug build asserts the indices at start.

/** The names, space-separated, in index order. */
// (one literal, not a concatenation: a module that imports this file keeps it
// as static data; a `+` would build it at start, allocating, and a program
// module has no allocator of its own)
export const PREDEFINED_ATOM_NAMES = "normal kill killed noproc system_limit stack_overflow shadow_stack_overflow badarg trap undefined true false ok error exit throw max high low timeout infinity abort shutdown EXIT DOWN badarith nocatch max_heap_size badarity badfun undef";

export enum PredefinedAtom {
  NORMAL, KILL, KILLED, NOPROC, SYSTEM_LIMIT, STACK_OVERFLOW, SHADOW_STACK_OVERFLOW,
  BADARG, TRAP, UNDEFINED, TRUE, FALSE, OK, ERROR, EXIT, THROW, MAX, HIGH, LOW, TIMEOUT, INFINITY, ABORT,
  SHUTDOWN, EXIT_TAG, DOWN_TAG, BADARITH, NOCATCH, MAX_HEAP_SIZE, BADARITY, BADFUN, UNDEF,
  /** How many there are (not an atom). */
  COUNT,
}
