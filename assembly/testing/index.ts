// The test programs' module: process bodies for the demo, the tests and the
// benchmarks, compiled on their own and linked to the runtime exactly as a
// compiler's output is (compiler/link.ts), using only the ABI
// (assembly/testing/shoal.ts). Each program is an entry: a function of one
// term returning a term, exported here as `entry_<name>`; the build renames
// those exports to `testing:<name>/1`, the name the link step's entry
// directory and `Runtime.spawn("testing:<name>", arg)` know it by.
//
// Its exports beyond those configure particular programs (the C10M shape,
// fan-in, copy cost), hand the term machine its programs and the etf_echo
// program its input. None of this is in the shipped runtime.

import {
  noop, yielder, stepper, spinner, counter, sleeper, parked, exiter, deepNative, deepShadow, trapper, spawner,
  c10mDriver, c10mConfig, frameUnderflow,
} from "./programs/basic";
import { termMachine, gcHolder, gcWorker, gcSingle, gcHog, machineLoad } from "./programs/gc";
import {
  pinger, ringMain, c10mPinger, faninMain, copyMain, selector, timeoutProbe, echoHost, forwarder, spawnWithList,
  faninConfig, copyConfig, deepSend, deepToHost,
} from "./programs/messages";
import { etfEcho, etfInput, etfOutputPtr, etfOutputLen } from "./programs/etf_echo";
import { hasher } from "./programs/hash";
import { puppet } from "./programs/signals";
import { timerAgent } from "./programs/timers";
import { excProbe } from "./programs/exceptions";
import { calculator } from "./programs/numbers";
import { nativeCaller, nativeNoHandler } from "./programs/natives";

// the programs (entries): testing:<name>/1
export {
  noop as entry_noop,
  yielder as entry_yielder,
  stepper as entry_stepper,
  spinner as entry_spinner,
  counter as entry_counter,
  sleeper as entry_sleeper,
  parked as entry_park,
  exiter as entry_exiter,
  deepNative as entry_deep_native,
  deepShadow as entry_deep_shadow,
  trapper as entry_trapper,
  spawner as entry_spawner,
  frameUnderflow as entry_frame_underflow,
  c10mDriver as entry_c10m_driver,
  termMachine as entry_term_machine,
  gcHolder as entry_gc_holder,
  gcWorker as entry_gc_worker,
  gcSingle as entry_gc_single,
  gcHog as entry_gc_hog,
  pinger as entry_ping,
  ringMain as entry_ring,
  c10mPinger as entry_c10m_pinger,
  faninMain as entry_fanin,
  copyMain as entry_copy,
  selector as entry_selector,
  timeoutProbe as entry_timeout_probe,
  echoHost as entry_echo_host,
  forwarder as entry_forwarder,
  spawnWithList as entry_spawn_with_list,
  deepSend as entry_deep_send,
  deepToHost as entry_deep_to_host,
  etfEcho as entry_etf_echo,
  hasher as entry_hasher,
  puppet as entry_puppet,
  timerAgent as entry_timer_agent,
  excProbe as entry_exc_probe,
  calculator as entry_calculator,
  nativeCaller as entry_native_caller,
  nativeNoHandler as entry_native_no_handler,
};

/** Function-table index of the term machine's code: what the funs it makes record as their entry. */
export function term_machine_entry(): u32 { return termMachine.index; }
/** Set the next C10M run's total and window. */
export function c10m_config(total: i64, window: u32): void { c10mConfig(total, window); }
/** Set the fan-in benchmark's messages per sender. */
export function fanin_config(m: i64): void { faninConfig(m); }
/** Set the copy benchmark's repetitions. */
export function copy_config(reps: i64): void { copyConfig(reps); }
/** Copy a term-machine program (programs/gc.ts) into the module; its id, the term machine's argument. */
export function machine_load(ptr: usize, len: usize): i32 { return machineLoad(ptr, len); }
/** Copy len bytes at ptr as the input of the next etf_echo process. */
export function etf_input(ptr: usize, len: usize): void { etfInput(ptr, len); }
/** Address of the last etf_echo's output bytes. */
export function etf_output_ptr(): usize { return etfOutputPtr(); }
/** Bytes of the last etf_echo's output. */
export function etf_output_len(): usize { return etfOutputLen(); }
