// Built-in programs: process bodies written in AssemblyScript against the
// same calls a compiler targets (reduce, yield, sleep, exit, frames), used by
// the demo, the tests and the benchmarks. The host spawns them by name.
//
// Each is an entry function (arg: Term) => void. As compiled code must, they
// spend a reduction at each loop head and call (scheduler.ts, reduce).
// Events go to the host through hostTrace(self(), TRACE_*, value).

import { Term, NIL, smallValue, makeSmall } from "../gc/term";
import { atomOf } from "../gc/atoms";
import { hostTrace, hostNow } from "./host";
import { reduce, yieldNow, sleep, self, processExit, spawn, waitForever } from "./scheduler";
import { frameEnter, frameLeave, slotGet, slotSet } from "./shadowstack";
import { PRIO_NORMAL, liveProcesses } from "./process";
import { etfEcho } from "./programs_etf";
import { termMachine, gcHolder, gcWorker, gcSingle, gcHog } from "./programs_gc";
import {
  pinger, ringMain, faninMain, copyMain, selector, timeoutProbe, echoHost, forwarder, spawnWithList, programsMsgInit,
} from "./programs_msg";

// Trace codes (host/programs.ts names them).
// @ts-ignore: decorator
@inline export const TRACE_STEP: i32 = 1;      // value: step number
// @ts-ignore: decorator
@inline export const TRACE_DONE: i32 = 2;      // value: the program's result
// @ts-ignore: decorator
@inline export const TRACE_PROGRESS: i32 = 3;  // value: iterations so far
// @ts-ignore: decorator
@inline export const TRACE_SLEPT: i32 = 4;     // value: microseconds actually slept

/** Returns at once: the cheapest process (spawn + exit benchmark). */
function noop(arg: Term): void {}

/** Yields smallValue(arg) times. */
function yielder(arg: Term): void {
  for (let i = smallValue(arg); i > 0; i--) {
    reduce(1);
    yieldNow();
  }
}

/** Traces each step, then yields, smallValue(arg) times: shows the order processes run in. */
function stepper(arg: Term): void {
  const n = smallValue(arg);
  for (let i: i64 = 0; i < n; i++) {
    hostTrace(self(), TRACE_STEP, i);
    yieldNow();
  }
  hostTrace(self(), TRACE_DONE, n);
}

/** Loops smallValue(arg) times (forever if negative), a reduction per iteration, never yielding by itself. */
function spinner(arg: Term): void {
  const n = smallValue(arg);
  let acc: i64 = 0;
  for (let i: i64 = 0; n < 0 || i < n; i++) {
    reduce(1);
    acc = acc * 31 + i;
  }
  hostTrace(self(), TRACE_DONE, acc);
}

/** Counts to smallValue(arg) with a reduction per step, reporting every 25,000: the demo's busy process. */
function counter(arg: Term): void {
  const n = smallValue(arg);
  for (let i: i64 = 1; i <= n; i++) {
    reduce(1);
    if (i % 25000 == 0) hostTrace(self(), TRACE_PROGRESS, i);
  }
  hostTrace(self(), TRACE_DONE, n);
}

/** Sleeps smallValue(arg) ms, then reports how long it really slept (us). */
function sleeper(arg: Term): void {
  const t0 = hostNow();
  sleep(<f64>smallValue(arg));
  hostTrace(self(), TRACE_SLEPT, <i64>((hostNow() - t0) * 1000));
}

/** Waits forever (until killed): an idle process. */
function park(arg: Term): void {
  waitForever();
}

/** Three calls deep, exits with reason `arg`. */
function exiter(arg: Term): void { exitFrom(3, arg); }
function exitFrom(depth: i32, reason: Term): void {
  reduce(1);
  if (depth == 0) processExit(reason);
  else exitFrom(depth - 1, reason);
  hostTrace(self(), TRACE_STEP, -1);   // never reached
}

/** Plain recursion smallValue(arg) deep on the native (fiber) stack; reports the sum. */
function deepNative(arg: Term): void {
  hostTrace(self(), TRACE_DONE, sumDown(smallValue(arg)));
}
function sumDown(n: i64): i64 {
  reduce(1);
  return n <= 0 ? 0 : n + sumDown(n - 1);
}

/** Recursion smallValue(arg) deep with a two-slot frame per level on the shadow stack. */
function deepShadow(arg: Term): void {
  hostTrace(self(), TRACE_DONE, framesDown(smallValue(arg)));
}
function framesDown(n: i64): i64 {
  reduce(1);
  if (n <= 0) return 0;
  frameEnter(2);
  slotSet(0, makeSmall(n));
  slotSet(1, NIL);
  const below = framesDown(n - 1);
  const mine = smallValue(slotGet(0));   // reloaded from its slot after the call
  frameLeave(2);
  return below + mine;
}

/** Executes `unreachable`: a trap inside a process. */
function trapper(arg: Term): void {
  reduce(1);
  unreachable();
}

/** Spawns smallValue(arg) noop children, then reports how many it got. */
function spawner(arg: Term): void {
  const n = smallValue(arg);
  let ok: i64 = 0;
  for (let i: i64 = 0; i < n; i++) {
    reduce(1);
    if ((spawn(noop.index, NIL, PRIO_NORMAL) & 0xF) == 0x3) ok++;
  }
  hostTrace(self(), TRACE_DONE, ok);
}

// ---- C10M (the WasmFX talk's shape): N processes in all, at most W alive, each yields once.
let c10mTotal: i64 = 0;
let c10mWindow: u32 = 0;
let c10mFinished: i64 = 0;

/** Set the next C10M run's total and window. */
export function c10mConfig(total: i64, window: u32): void {
  c10mTotal = total;
  c10mWindow = window;
  c10mFinished = 0;
}
function c10mChild(arg: Term): void {
  yieldNow();
  c10mFinished++;
}
/**
 * Keeps the window full until the total is spawned, then reports how many finished. Filling the
 * window spends no reductions (else the driver is preempted every 4000 spawns and the window never
 * fills); it yields whenever the window is full, so it cannot starve the others.
 */
function c10mDriver(arg: Term): void {
  let spawned: i64 = 0;
  while (spawned < c10mTotal) {
    if (liveProcesses <= c10mWindow) {
      spawn(c10mChild.index, NIL, PRIO_NORMAL);
      spawned++;
    } else yieldNow();
  }
  while (liveProcesses > 1) yieldNow();
  hostTrace(self(), TRACE_DONE, c10mFinished);
}

// ---- the registry the host reads
// @ts-ignore: decorator
@inline const MAX_PROGRAMS: i32 = 32;
const names = memory.data(MAX_PROGRAMS * 8);    // atom term per program
const entries = memory.data(MAX_PROGRAMS * 4);  // function-table index per program
let programs: i32 = 0;

function register(name: string, entry: u32): void {
  store<u64>(names + (<usize>programs << 3), atomOf(name));
  store<u32>(entries + (<usize>programs << 2), entry);
  programs++;
}

/** Register the built-in programs; runs once at start. */
export function programsInit(): void {
  if (programs) return;
  register("noop", noop.index);
  register("yielder", yielder.index);
  register("stepper", stepper.index);
  register("spinner", spinner.index);
  register("counter", counter.index);
  register("sleeper", sleeper.index);
  register("park", park.index);
  register("exiter", exiter.index);
  register("deep_native", deepNative.index);
  register("deep_shadow", deepShadow.index);
  register("trapper", trapper.index);
  register("spawner", spawner.index);
  register("c10m_driver", c10mDriver.index);
  register("term_machine", termMachine.index);
  register("gc_holder", gcHolder.index);
  register("gc_worker", gcWorker.index);
  register("gc_single", gcSingle.index);
  register("gc_hog", gcHog.index);
  register("ping", pinger.index);
  register("ring", ringMain.index);
  register("fanin", faninMain.index);
  register("copy", copyMain.index);
  register("selector", selector.index);
  register("timeout_probe", timeoutProbe.index);
  register("echo_host", echoHost.index);
  register("forwarder", forwarder.index);
  register("spawn_with_list", spawnWithList.index);
  programsMsgInit();
  register("etf_echo", etfEcho.index);
}

/** Number of built-in programs. */
export function programCount(): i32 { return programs; }
/** Name (an atom term) of program i. */
export function programName(i: i32): Term { return load<u64>(names + (<usize>i << 3)); }
/** Function-table index of program i's entry. */
export function programEntry(i: i32): u32 { return load<u32>(entries + (<usize>i << 2)); }
