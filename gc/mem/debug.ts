// The debug build's switch. `scripts/build.mjs --debug` compiles with
// `--use SHOAL_DEBUG=1`, and every invariant the comments state is checked
// where it is written, as AssemblyScript's own runtime does (rt/tlsf.ts):
//
//   if (DEBUG) assert(p.state == STATE_RUNNABLE);   // only runnable processes are queued
//
// In the release build DEBUG is the constant false and the checks compile
// to nothing. The test suite runs the debug build.

// @ts-ignore: decorator
@inline export const DEBUG: bool = isDefined(SHOAL_DEBUG);
