// Shoal's public TypeScript API.
export { Runtime, SystemLimitError } from "./runtime";
export type { StartOptions, ExitEvent, TraceEvent, GcEvent, HeapInfo, Stats, RunOutcome, Priority, TermLike, TermValue } from "./runtime";
export { Atom, Pid } from "./terms";
export type { Backend, BackendChoice, BackendMeasurement } from "./backend";
