// What the runtime imports from its host (host/ provides them), module "env".
// None of these may suspend, and none calls back into the module.

import { Term } from "../../gc/term/term";

/** The host clock, in milliseconds (performance.now()): monotonic, the clock of every timer. */
// @ts-ignore: decorator
@external("env", "now")
export declare function hostNow(): f64;

/** Erlang system time: milliseconds since 1970-01-01 UTC (performance.timeOrigin + performance.now(): the host clock plus an offset fixed at start, so it moves with `now`, as BEAM's default no-time-warp mode has it). */
// @ts-ignore: decorator
@external("env", "system_now")
export declare function hostSystemNow(): f64;

/** A process reports an event to the host: (its pid, a code, a value). */
// @ts-ignore: decorator
@external("env", "proc_trace")
export declare function hostTrace(pid: Term, code: i32, value: i64): void;

/** A process has ended (sent only while the host asks for exits): its reason as External Term Format bytes at ptr..ptr+len, valid during the call (len 0: the reason holds a fun, which cannot cross). */
// @ts-ignore: decorator
@external("env", "exited")
export declare function hostExited(pid: Term, ptr: usize, len: usize): void;

/** A collection finished (sent only while pause reports are on): whose heap (0 for the shared heap), kind (0 minor, 1 major), pause ms, live and heap words. */
// @ts-ignore: decorator
@external("env", "gc_event")
export declare function hostGcEvent(pid: Term, kind: i32, ms: f64, liveWords: u32, heapWords: u32): void;

/** A process sent the host a message: External Term Format bytes at ptr..ptr+len, valid during the call. */
// @ts-ignore: decorator
@external("env", "host_message")
export declare function hostMessage(ptr: usize, len: usize): void;

/**
 * A process calls a host function (Runtime.start({ imports })): {Name, Args} as External Term Format
 * at ptr..ptr+len. The host runs it and keeps the reply encoded; the reply's byte length, or minus
 * the length of {Reason, Trace}, an error to raise (the function is unknown, threw, or returned a
 * value with no term).
 */
// @ts-ignore: decorator
@external("env", "host_call")
export declare function hostCallImport(ptr: usize, len: usize): i32;

/** Copy the reply of the last host_call to ptr (as many bytes as it said). */
// @ts-ignore: decorator
@external("env", "host_reply")
export declare function hostReply(ptr: usize): void;

/** A process writes bytes (UTF-8 text) to standard output (Runtime.start({ stdout })): ptr..ptr+len, valid during the call. */
// @ts-ignore: decorator
@external("env", "stdout_write")
export declare function hostStdout(ptr: usize, len: usize): void;

/**
 * Write the finite double x as ASCII text at out and return its length (the caller's buffer
 * holds FLOAT_TEXT_MAX bytes: modes 0 and 1 are asked only for prec <= 330). The exact decimal
 * expansion of x, rounded half to even, as C's printf rounds it (host/floats.ts):
 *   mode 0  "%.{prec}e" (two exponent digits at least: 1.000e+00)
 *   mode 1  "%.{prec}f"
 *   mode 2  the shortest digits that read back as x, then "e" and the decimal exponent of the
 *           first digit: "12345e-3" for 0.012345, "0e0" for zero (no sign: the caller adds it)
 */
// @ts-ignore: decorator
@external("env", "float_text")
export declare function hostFloatText(x: f64, mode: i32, prec: i32, out: usize): i32;

/** The double nearest the decimal text at p[0..len) (already checked to be Erlang float syntax, ASCII): JS's Number(), correctly rounded; ±Infinity past the range. */
// @ts-ignore: decorator
@external("env", "float_parse")
export declare function hostFloatParse(p: usize, len: usize): f64;
