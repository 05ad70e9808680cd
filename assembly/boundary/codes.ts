// Codes that cross the Wasm boundary as plain numbers: what the module's
// control exports return, what the host passes in as selectors, and what the
// built-in test programs report. Shared with the host (see README.md here):
// keep this file portable.

/** What schedule() returns: why the slices stopped. */
export enum Status {
  /** No process is alive, and no timer is armed. */
  IDLE = 0,
  /** A process can still run (the slice count or the deadline ended the call). */
  RUNNABLE = 1,
  /** None can run now; a timer is armed (a process's, or a message timer's): next_deadline(). */
  TIMERS = 2,
  /** Every live process waits for a message, and no timer is armed. */
  WAITING = 3,
}

/** Which fiber backend a module was built with (backend()). */
export enum BackendId {
  FX = 1,
  ASYNCIFY = 2,
}

/** Process priorities, BEAM's four (spawn's `priority`). */
export enum Priority {
  MAX = 0,
  HIGH = 1,
  NORMAL = 2,
  LOW = 3,
}

/** process_heap(pid, what): which figure of a process's heap. */
export enum HeapFigure {
  /** Words the heap holds (young + old generation + fragments). */
  WORDS = 0,
  /** Words in use by live and not yet collected terms. */
  USED_WORDS = 1,
  /** Minor collections so far. */
  MINORS = 2,
  /** Major (full-sweep) collections so far. */
  MAJORS = 3,
  /** Bytes of off-heap binaries the process holds (its virtual heap). */
  OFFHEAP_BYTES = 4,
  /** Its heap policy: min_heap_size (words). */
  MIN_WORDS = 5,
  /** Its heap policy: max_heap_size (words; 0 = none). */
  MAX_WORDS = 6,
  /** Its heap policy: fullsweep_after. */
  FULLSWEEP_AFTER = 7,
}

/** What host_send / spawn_encoded / kill_encoded report about ETF input. */
export enum HostResult {
  /** Done. */
  OK = 0,
  /** No live process has that pid (the message is dropped, as on BEAM). */
  NO_PROCESS = 1,
  /** The bytes are not a term this runtime can hold (badarg). */
  MALFORMED = -1,
  /** The atom table is full (system_limit). */
  LIMIT = -2,
}

/** What atom_intern returns instead of an atom index. */
export enum AtomResult {
  /** The atom table is full (system_limit). */
  TABLE_FULL = -1,
  /** The name is not UTF-8, or longer than MAX_ATOM_CHARS characters (badarg). */
  BAD_NAME = -2,
}

/** Trace codes the built-in test programs report with env.proc_trace(pid, code, value). */
export enum Trace {
  /** value: step number */
  STEP = 1,
  /** value: the program's result */
  DONE = 2,
  /** value: iterations so far */
  PROGRESS = 3,
  /** value: microseconds actually slept */
  SLEPT = 4,
  /** value: live words after a full sweep */
  LIVE = 5,
  /** value: structural hash of a term */
  HASH = 6,
  /** value: heap words */
  READY = 7,
  /** value: ns an explicit full sweep took */
  PAUSE = 8,
  /** value: ns spent setting a benchmark up */
  SETUP_NS = 10,
  /** value: ns spent running a benchmark */
  RUN_NS = 11,
  /** value: errors a benchmark program counted */
  ERRORS = 12,
  /** value: 1 if a term sent to the host and back is =:= to the original, else 0 */
  ROUNDTRIP = 13,
}
