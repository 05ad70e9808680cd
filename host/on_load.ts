// -on_load for a linked program: a module compiled from a .beam with
// -on_load(F/0) exports the entry `module:$on_load/0` (compiler/codegen/
// module.ts ON_LOAD_ENTRY), which runs exit(F()), as BEAM's code_server runs
// F: the process ends with F's result as its reason, ok included.
//
// BEAM runs F in a process of its own when the module is loaded, before any
// other code can call the module; if F does not return ok, the module is not
// loaded (calls to it raise undef) and a warning is logged. Shoal has every
// module of a program at once, so at Runtime.start, before the runtime is
// handed back (so before any process of the program can be spawned), each
// such entry runs in a process of its own, one at a time, each to its end:
//
//   order: by module name (code point order). BEAM's order is the load
//   order, which under erl's lazy loading is the order of first calls; a
//   program may not depend on it between modules that both have -on_load.
//
//   ok:    the module stays as linked. Processes F spawned live on (those it
//          linked to itself get the exit signal ok, as on BEAM).
//   else:  the module's entries are withdrawn from the export table (the core's
//          unload_module), so every call by name to it raises undef, as on
//          BEAM; the failure is kept in Runtime.onLoadFailures (`shoal run`
//          prints BEAM's warning from it on stderr, unless the result is an
//          atom, for which BEAM logs nothing). F ends with an
//          exception, or returns anything else than ok, or never ends (waits
//          with nothing to wake it: BEAM would hang; here the process is
//          killed and that is the failure). F returning normal, or
//          exiting with reason normal, is a failure too, as on BEAM.

/** A module whose on_load function did not return ok. */
export interface OnLoadFailure {
  module: string;
  /** What it returned, or its exit reason, as Erlang prints it (BEAM's report prints the same). */
  text: string;
  /**
   * Whether BEAM logs the warning (onLoadReport) for it: not when the result is an atom (OTP 25
   * code_server's finish_on_load_report: "No error reports for atoms"), `normal` and `error` among them.
   */
  logged: boolean;
}

/** The entry name of module m's on_load function's runner. */
export const ON_LOAD_ENTRY = /^(.+):\$on_load\/0$/su;

/** The modules of the program with an on_load entry (`entries`: the program's entry names), in the order they run. */
export function onLoadModules(entries: readonly string[]): string[] {
  const mods = entries.map((e) => ON_LOAD_ENTRY.exec(e)?.[1]).filter((m): m is string => m !== undefined);
  // code point order, not the locale's (localeCompare): the same on every machine
  return mods.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** BEAM's warning for a failed on_load function (its report's body, without the header's time). */
export function onLoadReport(f: OnLoadFailure): string {
  return `=WARNING REPORT====\nThe on_load function for module ${f.module} returned:\n${f.text}\n`;
}
