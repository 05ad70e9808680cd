// Shoal's public TypeScript API.
export { Runtime, SystemLimitError } from "./runtime";
export type { StartOptions, ExitEvent, TraceEvent, GcEvent, HeapInfo, Stats, RunOutcome, Priority, TermLike, TermValue } from "./runtime";
export { Atom, Pid, Tuple, ImproperList, Float, BitString } from "./terms";
export { encode as encodeTerm, decode as decodeTerm, EtfError } from "./etf";
export type { Backend, BackendChoice, BackendMeasurement } from "./backend";
