// Process bodies for the scheduler's tests and benchmarks: yielding,
// spinning, sleeping, exiting, trapping, deep recursion and spawning. Each is
// an entry function (arg: Term) => void; as compiled code must, they spend a
// reduction at each loop head and call. Events go to the host through
// hostTrace(self(), Trace.*, value).

import { Term, NIL, smallValue, makeSmall, isPid } from "../../../gc/term/term";
import {
  hostTrace, hostNow, reduce, yieldNow, sleep, self, exit, spawn, frameEnter, frameLeave, slotGet, slotSet, statLive,
} from "../shoal";
import { park } from "../lib";
import { Trace, Priority } from "../../boundary/codes";

/** Returns at once: the cheapest process (spawn + exit benchmark). */
export function noop(arg: Term): Term { return NIL; }

/** Yields smallValue(arg) times. */
export function yielder(arg: Term): Term {
  for (let i = smallValue(arg); i > 0; i--) {
    reduce(1);
    yieldNow();
  }
  return NIL;
}

/** Traces each step, then yields, smallValue(arg) times: shows the order processes run in. */
export function stepper(arg: Term): Term {
  const n = smallValue(arg);
  for (let i: i64 = 0; i < n; i++) {
    hostTrace(self(), Trace.STEP, i);
    yieldNow();
  }
  hostTrace(self(), Trace.DONE, n);
  return NIL;
}

/** Loops smallValue(arg) times (forever if negative), a reduction per iteration, never yielding by itself. */
export function spinner(arg: Term): Term {
  const n = smallValue(arg);
  let acc: i64 = 0;
  for (let i: i64 = 0; n < 0 || i < n; i++) {
    reduce(1);
    acc = acc * 31 + i;
  }
  hostTrace(self(), Trace.DONE, acc);
  return NIL;
}

/** Counts to smallValue(arg) with a reduction per step, reporting every 25,000: the demo's busy process. */
export function counter(arg: Term): Term {
  const n = smallValue(arg);
  for (let i: i64 = 1; i <= n; i++) {
    reduce(1);
    if (i % 25000 == 0) hostTrace(self(), Trace.PROGRESS, i);
  }
  hostTrace(self(), Trace.DONE, n);
  return NIL;
}

/** Sleeps smallValue(arg) ms, then reports how long it really slept (us). */
export function sleeper(arg: Term): Term {
  const t0 = hostNow();
  sleep(<f64>smallValue(arg));
  hostTrace(self(), Trace.SLEPT, <i64>((hostNow() - t0) * 1000));
  return NIL;
}

/** Waits until the host wakes it (or it is killed), ignoring messages: an idle process. */
export function parked(arg: Term): Term { park(); return NIL; }

/** Three calls deep, exits with reason `arg`. */
export function exiter(arg: Term): Term { exitFrom(3, arg); return NIL; }
function exitFrom(depth: i32, reason: Term): void {
  reduce(1);
  if (depth == 0) exit(reason);
  else exitFrom(depth - 1, reason);
  hostTrace(self(), Trace.STEP, -1);   // never reached
}

/** Plain recursion smallValue(arg) deep on the native (fiber) stack; reports the sum. */
export function deepNative(arg: Term): Term {
  hostTrace(self(), Trace.DONE, sumDown(smallValue(arg)));
  return NIL;
}
function sumDown(n: i64): i64 {
  reduce(1);
  return n <= 0 ? 0 : n + sumDown(n - 1);
}

/** Recursion smallValue(arg) deep with a two-slot frame per level on the shadow stack. */
export function deepShadow(arg: Term): Term {
  hostTrace(self(), Trace.DONE, framesDown(smallValue(arg)));
  return NIL;
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
export function trapper(arg: Term): Term {
  reduce(1);
  unreachable();
  return NIL;
}

/** Leaves a frame it never entered: a broken invariant, which the debug build's assertion catches (the process ends with `abort`). */
export function frameUnderflow(arg: Term): Term {
  reduce(1);
  frameLeave(1);
  hostTrace(self(), Trace.DONE, 0);   // reached only without the check
  return NIL;
}

/** Spawns smallValue(arg) noop children, then reports how many it got. */
export function spawner(arg: Term): Term {
  const n = smallValue(arg);
  let ok: i64 = 0;
  for (let i: i64 = 0; i < n; i++) {
    reduce(1);
    if (isPid(spawn(noop.index, NIL, Priority.NORMAL))) ok++;
  }
  hostTrace(self(), Trace.DONE, ok);
  return NIL;
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
function c10mChild(arg: Term): Term {
  yieldNow();
  c10mFinished++;
  return NIL;
}
/**
 * Keeps the window full until the total is spawned, then reports how many finished. Filling the
 * window spends no reductions (else the driver is preempted every 4000 spawns and the window never
 * fills); it yields whenever the window is full, so it cannot starve the others.
 */
export function c10mDriver(arg: Term): Term {
  let spawned: i64 = 0;
  while (spawned < c10mTotal) {
    if (statLive() <= c10mWindow) {
      spawn(c10mChild.index, NIL, Priority.NORMAL);
      spawned++;
    } else yieldNow();
  }
  while (statLive() > 1) yieldNow();
  hostTrace(self(), Trace.DONE, c10mFinished);
  return NIL;
}
