// The Erlang clocks, in the native time unit: nanoseconds, as BEAM's on
// Linux (erlang:convert_time_unit(1, second, native) is 1,000,000,000).
//
//   clock            from                       BEAM functions it gives
//   --------------   ------------------------   ---------------------------------
//   monotonic time   env.now (host ms,          erlang:monotonic_time/0,1; never
//                    performance.now())         goes back; its zero is arbitrary
//                                               (the host's time origin)
//   system time      env.system_now (ms since   erlang:system_time/0,1,
//                    the Unix epoch)            os:system_time/0,1, os:timestamp/0,
//                                               erlang:time_offset/0 (system time
//                                               less monotonic time)
//
// Both come from host milliseconds as f64: their resolution is the host's
// (performance.now() is microseconds or finer in Node, coarser in browsers),
// and system time's, near 2^41 ms, about a quarter of a microsecond.

import { hostNow, hostSystemNow } from "./env";

/** Monotonic time, ns. */
export function monotonicTime(): i64 { return <i64>(hostNow() * 1e6); }

/** Erlang system time, ns since 1970-01-01 UTC. */
export function systemTime(): i64 { return <i64>(hostSystemNow() * 1e6); }
