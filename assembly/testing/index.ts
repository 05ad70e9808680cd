// The test programs' module: process bodies for the demo, the tests and the
// benchmarks, compiled on their own and linked to the runtime the way a
// compiler's output is (scripts/link.mjs), using only the ABI
// (assembly/testing/shoal.ts). The host finds them by name: program_count,
// program_name, program_entry (host/testing.ts).
//
// Its exports beyond those configure particular programs (the C10M shape,
// fan-in, copy cost), hand the term machine its programs and the etf_echo
// program its input. None of this is in the shipped runtime.

import { Term } from "../../gc/term/term";
import { atom } from "./lib";
import {
  noop, yielder, stepper, spinner, counter, sleeper, parked, exiter, deepNative, deepShadow, trapper, spawner,
  c10mDriver, c10mConfig, frameUnderflow,
} from "./programs/basic";
import { termMachine, gcHolder, gcWorker, gcSingle, gcHog, machineLoad } from "./programs/gc";
import {
  pinger, ringMain, faninMain, copyMain, selector, timeoutProbe, echoHost, forwarder, spawnWithList,
  messageAtomsInit, faninConfig, copyConfig, deepSend, deepToHost,
} from "./programs/messages";
import { etfEcho, etfInput, etfOutputPtr, etfOutputLen } from "./programs/etf_echo";
import { timerAgent } from "./programs/timers";

// @ts-ignore: decorator
@inline const MAX_PROGRAMS: i32 = 32;
const names = memory.data(MAX_PROGRAMS * 8);    // atom term per program
const entries = memory.data(MAX_PROGRAMS * 4);  // function-table index per program
let programs: i32 = 0;

function registerProgram(name: string, entry: u32): void {
  store<u64>(names + (<usize>programs << 3), atom(name));
  store<u32>(entries + (<usize>programs << 2), entry);
  programs++;
}

/** Register the programs (their names are atoms, so this waits until the runtime has started). */
function programsInit(): void {
  if (programs) return;
  registerProgram("noop", noop.index);
  registerProgram("yielder", yielder.index);
  registerProgram("stepper", stepper.index);
  registerProgram("spinner", spinner.index);
  registerProgram("counter", counter.index);
  registerProgram("sleeper", sleeper.index);
  registerProgram("park", parked.index);
  registerProgram("exiter", exiter.index);
  registerProgram("deep_native", deepNative.index);
  registerProgram("deep_shadow", deepShadow.index);
  registerProgram("trapper", trapper.index);
  registerProgram("spawner", spawner.index);
  registerProgram("frame_underflow", frameUnderflow.index);
  registerProgram("c10m_driver", c10mDriver.index);
  registerProgram("term_machine", termMachine.index);
  registerProgram("gc_holder", gcHolder.index);
  registerProgram("gc_worker", gcWorker.index);
  registerProgram("gc_single", gcSingle.index);
  registerProgram("gc_hog", gcHog.index);
  registerProgram("ping", pinger.index);
  registerProgram("ring", ringMain.index);
  registerProgram("fanin", faninMain.index);
  registerProgram("copy", copyMain.index);
  registerProgram("selector", selector.index);
  registerProgram("timeout_probe", timeoutProbe.index);
  registerProgram("echo_host", echoHost.index);
  registerProgram("forwarder", forwarder.index);
  registerProgram("spawn_with_list", spawnWithList.index);
  registerProgram("deep_send", deepSend.index);
  registerProgram("deep_to_host", deepToHost.index);
  registerProgram("etf_echo", etfEcho.index);
  registerProgram("timer_agent", timerAgent.index);
  messageAtomsInit();
}

/** Number of programs (registers them on the first call, after the runtime's init). */
export function program_count(): i32 { programsInit(); return programs; }
/** Name (an atom term) of program i. */
export function program_name(i: i32): Term { return load<u64>(names + (<usize>i << 3)); }
/** Function-table index of program i's entry. */
export function program_entry(i: i32): u32 { return load<u32>(entries + (<usize>i << 2)); }

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
