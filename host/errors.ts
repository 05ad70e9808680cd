// The errors the host raises. Each is a ShoalError carrying the Erlang reason
// it stands for (an Atom), as BEAM would raise error:Reason: badarg for an
// argument no process could take, system_limit where the runtime is full,
// timeout when a wait ran out.

import { Atom } from "./terms.js";

/** Every error the runtime raises; `reason` is the Erlang reason (Atom.of("badarg"), ...). */
export class ShoalError extends Error {
  /** The Erlang reason. */
  readonly reason: Atom;
  constructor(reason: Atom | string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = typeof reason === "string" ? Atom.of(reason) : reason;
    this.name = "ShoalError";
  }
}

/** An argument no process can take (BEAM's badarg): an unknown name, a value with no term, a bad option. */
export class BadargError extends ShoalError {
  constructor(message: string, options?: ErrorOptions) {
    super("badarg", `badarg: ${message}`, options);
    this.name = "BadargError";
  }
}

/** The runtime hit a limit (BEAM's system_limit): the process limit, the WasmFX stack budget, the atom table. */
export class SystemLimitError extends ShoalError {
  constructor(what: string, options?: ErrorOptions) {
    super("system_limit", `system_limit: ${what}`, options);
    this.name = "SystemLimitError";
  }
}

/** A wait ran out of time (receive({ timeoutMs })). */
export class TimeoutError extends ShoalError {
  constructor(message: string, options?: ErrorOptions) {
    super("timeout", `timeout: ${message}`, options);
    this.name = "TimeoutError";
  }
}

/** A wait was abandoned through its AbortSignal; `cause` is the signal's reason. Named "AbortError", as the DOM's. */
export class AbortError extends ShoalError {
  constructor(message: string, options?: ErrorOptions) {
    super("abort", `abort: ${message}`, options);
    this.name = "AbortError";
  }
}

/** The runtime has been stopped (Runtime.stop()): it runs nothing more. */
export class StoppedError extends ShoalError {
  constructor(message = "this runtime has been stopped", options?: ErrorOptions) {
    super("stopped", message, options);
    this.name = "StoppedError";
  }
}

/** The engine cannot run what was asked for (backend "fx" where WasmFX does not validate). */
export class NotSupportedError extends ShoalError {
  constructor(message: string, options?: ErrorOptions) {
    super("notsup", message, options);
    this.name = "NotSupportedError";
  }
}
