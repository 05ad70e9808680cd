// Shoal's public API: what both entry points export (host/index.ts for Node,
// host/browser.ts for everything else). They differ only in where the
// modules come from by default.
export { Runtime } from "./runtime.js";
export type {
  StartOptions, SpawnOptions, SupervisorSpec, ReceiveOptions, HeapPolicy, ExitEvent, TraceEvent, GcEvent, HeapInfo, Stats, RunOutcome, Priority,
} from "./runtime.js";
export { ShoalError, BadargError, SystemLimitError, TimeoutError, AbortError, StoppedError, NotSupportedError } from "./errors.js";
export { Atom, Pid, Ref, Tuple, ImproperList, Float, BitString, ExportFun, formatTerm } from "./terms.js";
export { encode as encodeTerm, decode as decodeTerm, EtfError } from "./etf.js";
export { ENGINES } from "./backend.js";
export { onLoadReport, type OnLoadFailure } from "./on_load.js";
export type { Backend, BackendChoice, BackendMeasurement, EngineFacts } from "./backend.js";
export type { ModuleInput, ProgramInput } from "./load/modules.js";
