// Defaults and limits the module and the host both use. Shared with the host
// (see README.md here): keep this file portable.

/** Words a new process heap starts with (BEAM's min_heap_size default). */
export const DEFAULT_MIN_HEAP_WORDS = 233;
/** Minor collections between full sweeps (BEAM's fullsweep_after default). */
export const DEFAULT_FULLSWEEP_AFTER = 65535;
/** Heap words a process may hold before it is killed; 0 = no limit (BEAM's max_heap_size default). */
export const DEFAULT_MAX_HEAP_WORDS = 0;
/** Reductions a process may spend in one slice before it is preempted (BEAM's 4000). */
export const DEFAULT_SLICE_REDUCTIONS = 4000;
/** Bytes a process's shadow stack may grow to before the process ends with shadow_stack_overflow. */
export const DEFAULT_SHADOW_STACK_BYTES = 1048576;
/** Bits of a pid that name its process-table slot (the rest is the slot's serial). */
export const PID_SLOT_BITS = 28;
/** Most atoms a runtime holds; interning past it is a system_limit. */
export const MAX_ATOMS = 1048576;
/** Longest atom name, in characters (as on BEAM). */
export const MAX_ATOM_CHARS = 255;
/** Largest binary kept on the process heap; larger ones are off-heap and reference-counted. */
export const HEAP_BIN_MAX = 64;
/** Most message timers (erlang:send_after/3) armed at once in a runtime; past it send_after gives system_limit. */
export const DEFAULT_MAX_TIMERS = 1048576;
/** Longest time a message timer takes, ms (2^53 - 1: every integer up to it is an exact f64). */
export const MAX_TIMER_MS = 9007199254740991;
