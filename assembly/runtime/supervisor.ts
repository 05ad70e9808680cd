// Supervisors: a process that starts children, links to them, and restarts
// them when they end, as OTP's supervisor does (strategies, restart types,
// intensity, ordered shutdown). It is process code like any other, built into
// the runtime so that compiled code (supervisor_start) and JS
// (Runtime.supervise) get the same one.
//
//   spec      {Strategy, Intensity, Period, [Child, ...]}
//   Strategy  one_for_one | one_for_all | rest_for_one
//   Child     {Id, {Module, Function, Args}, Restart, Shutdown}
//   Restart   permanent (always) | transient (unless normal, shutdown or {shutdown, _}) | temporary (never)
//   Shutdown  brutal_kill | a timeout in ms (exit(Child, shutdown), then kill) | infinity
//
// More than Intensity restarts within Period seconds: the supervisor shuts
// every child down and exits with `shutdown`. Children start in order and are
// shut down in reverse order, each waited for (its 'EXIT'). An exit signal
// from its parent shuts it down with the parent's reason.
//
// Messages it answers: {which_children, From} → {children, [{Id, Pid | undefined}, ...]}.
//
// Its state: the spec, rooted in slot 0 of its one frame (reloaded after every
// call that can collect); the children's pids (immediates) and the times of
// recent restarts in runtime memory, freed when it ends.

import {
  Term, NIL, isBoxed, boxedSubtag, SUB_TUPLE, tupleArity, tupleGet, isList, head, tail, isSmall, smallValue, makeSmall,
  makeAtom, isPid,
} from "../../gc/term/term";
import { tupleRaw, consRaw } from "../../gc/term/build";
import { ATOM_NORMAL, ATOM_KILL, ATOM_UNDEFINED, ATOM_BADARG, atomOf, ATOM_SHUTDOWN, ATOM_INFINITY, ATOM_EXIT_TAG } from "../../gc/term/atoms";
import { PredefinedAtom } from "../boundary/atoms";
import { Priority } from "../boundary/codes";
import { current, processExit, spawn } from "./scheduler";
import { frameEnter, frameLeave, slotGet, slotSet } from "./shadowstack";
import { reserve } from "./alloc";
import { recvPeek, recvNext, recvAccept, recvWait, recvTimeout, send } from "./mailbox";
import { link, exitSignalTo } from "./signals";
import { spawnMfa } from "./apply";
import { hostNow } from "./env";

// @ts-ignore: decorator
@inline const SHUTDOWN: Term = ATOM_SHUTDOWN;
// @ts-ignore: decorator
@inline const INFINITY: Term = ATOM_INFINITY;
// @ts-ignore: decorator
@inline const EXIT_TAG: Term = ATOM_EXIT_TAG;

let ONE_FOR_ONE: Term = 0, ONE_FOR_ALL: Term = 0, REST_FOR_ONE: Term = 0;
let PERMANENT: Term = 0, TRANSIENT: Term = 0, TEMPORARY: Term = 0, BRUTAL_KILL: Term = 0;
let WHICH_CHILDREN: Term = 0, CHILDREN: Term = 0;

function atomsInit(): void {
  if (ONE_FOR_ONE) return;
  ONE_FOR_ONE = atomOf("one_for_one"); ONE_FOR_ALL = atomOf("one_for_all"); REST_FOR_ONE = atomOf("rest_for_one");
  PERMANENT = atomOf("permanent"); TRANSIENT = atomOf("transient"); TEMPORARY = atomOf("temporary");
  BRUTAL_KILL = atomOf("brutal_kill"); WHICH_CHILDREN = atomOf("which_children"); CHILDREN = atomOf("children");
}

function isTuple(t: Term, n: usize): bool { return isBoxed(t) && boxedSubtag(t) == SUB_TUPLE && tupleArity(t) == n; }

/** The spec (slot 0) and its parts. */
// @ts-ignore: decorator
@inline function spec(): Term { return slotGet(0); }
function childSpec(i: i32): Term {
  let l = tupleGet(spec(), 3);
  for (let k = 0; k < i; k++) l = tail(l);
  return head(l);
}

/** One supervisor's bookkeeping, in runtime memory. */
@unmanaged class State {
  /** Pid of child i (u64 each), 0 when it is not running. */
  pids: usize;
  n: i32;
  strategy: Term;
  intensity: i32;
  periodMs: f64;
  /** Times (host ms) of the restarts within the period, oldest first (f64 each, at most intensity + 1). */
  restarts: usize;
  nRestarts: i32;
  parent: Term;
}

// @ts-ignore: decorator
@inline function pidOf(s: State, i: i32): Term { return load<u64>(s.pids + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function setPid(s: State, i: i32, pid: Term): void { store<u64>(s.pids + (<usize>i << 3), pid); }

/** Whether `spec` (anywhere) is well formed; the number of children, or -1. */
function checkSpec(t: Term): i32 {
  if (!isTuple(t, 4)) return -1;
  const st = tupleGet(t, 0);
  if (st != ONE_FOR_ONE && st != ONE_FOR_ALL && st != REST_FOR_ONE) return -1;
  if (!isSmall(tupleGet(t, 1)) || smallValue(tupleGet(t, 1)) < 0 || !isSmall(tupleGet(t, 2)) || smallValue(tupleGet(t, 2)) < 1) return -1;
  let n = 0;
  let l = tupleGet(t, 3);
  for (; isList(l); l = tail(l), n++) {
    const c = head(l);
    if (!isTuple(c, 4) || !isTuple(tupleGet(c, 1), 3)) return -1;
    const r = tupleGet(c, 2), sd = tupleGet(c, 3);
    if (r != PERMANENT && r != TRANSIENT && r != TEMPORARY) return -1;
    if (sd != BRUTAL_KILL && sd != INFINITY && !(isSmall(sd) && smallValue(sd) >= 0)) return -1;
  }
  return l == NIL ? n : -1;
}

/** Start child i; false if it could not be spawned (system_limit). */
function startChild(s: State, i: i32): bool {
  const mfa = tupleGet(childSpec(i), 1);
  const pid = spawnMfa(tupleGet(mfa, 0), tupleGet(mfa, 1), tupleGet(mfa, 2), <u8>Priority.NORMAL);
  if (!isPid(pid)) return false;
  link(current!, pid);
  setPid(s, i, pid);
  return true;
}

/** Take the message {'EXIT', pid, _} from the mailbox, waiting up to ms; whether it came. */
function awaitExit(pid: Term, ms: f64): bool {
  const until = hostNow() + ms;
  let got = false;
  for (;;) {
    const m = recvPeek();
    if (m) {
      if (isTuple(m, 3) && tupleGet(m, 0) == EXIT_TAG && tupleGet(m, 1) == pid) { recvAccept(); got = true; break; }
      recvNext();
      continue;
    }
    const left = ms == Infinity ? Infinity : until - hostNow();
    if (left <= 0 || !recvWait(left)) { recvTimeout(); break; }
  }
  return got;
}

/** Shut child i down as its spec says, and wait for it to end. */
function stopChild(s: State, i: i32): void {
  const pid = pidOf(s, i);
  if (!pid) return;
  setPid(s, i, 0);
  const sd = tupleGet(childSpec(i), 3);
  const self = current!.pid;
  if (sd == BRUTAL_KILL) {
    if (exitSignalTo(pid, self, makeAtom(PredefinedAtom.KILL))) awaitExit(pid, Infinity);
    else awaitExit(pid, 0);
    return;
  }
  if (!exitSignalTo(pid, self, SHUTDOWN)) { awaitExit(pid, 0); return; }
  if (awaitExit(pid, sd == INFINITY ? Infinity : <f64>smallValue(sd))) return;
  exitSignalTo(pid, self, makeAtom(PredefinedAtom.KILL));
  awaitExit(pid, Infinity);
}

/** Stop children from the last down to `from`. */
function stopFrom(s: State, from: i32): void {
  for (let i = s.n - 1; i >= from; i--) stopChild(s, i);
}

/** Give up: every child stopped, then exit with `reason`. */
function giveUp(s: State, reason: Term): void {
  slotSet(1, reason);   // (a term of this heap: rooted while children are stopped)
  stopFrom(s, 0);
  const r = slotGet(1);
  heap.free(s.pids);
  heap.free(s.restarts);
  heap.free(changetype<usize>(s));
  processExit(r);
}

/** Whether a child ending with `reason` is restarted under restart type `r`. */
function restarts(r: Term, reason: Term): bool {
  if (r == PERMANENT) return true;
  if (r == TEMPORARY) return false;
  return !(reason == ATOM_NORMAL || reason == SHUTDOWN || (isTuple(reason, 2) && tupleGet(reason, 0) == SHUTDOWN));
}

/** Count a restart now; false if that makes more than the intensity within the period. */
function countRestart(s: State): bool {
  const now = hostNow();
  let keep = 0;
  for (let k = 0; k < s.nRestarts; k++) {
    const t = load<f64>(s.restarts + (<usize>k << 3));
    if (now - t <= s.periodMs) store<f64>(s.restarts + (<usize>(keep++) << 3), t);
  }
  store<f64>(s.restarts + (<usize>keep << 3), now);
  s.nRestarts = keep + 1;
  return s.nRestarts <= s.intensity;
}

/** {children, [{Id, Pid | undefined}, ...]} to `to`. */
function answerChildren(s: State, to: Term): void {
  reserve(<usize>(3 + s.n * 5));
  let l: Term = NIL;
  for (let i = s.n - 1; i >= 0; i--) {
    const pair = tupleRaw(2);
    store<u64>(<usize>(pair - 2) + 8, tupleGet(childSpec(i), 0));
    const pid = pidOf(s, i);
    store<u64>(<usize>(pair - 2) + 16, pid ? pid : ATOM_UNDEFINED);
    l = consRaw(pair, l);
  }
  const reply = tupleRaw(2);
  store<u64>(<usize>(reply - 2) + 8, CHILDREN);
  store<u64>(<usize>(reply - 2) + 16, l);
  send(to, reply);
}

/** The supervisor's process: arg {Parent, Spec} (Parent the starter it is linked to, or the host's pid). */
export function supervisorEntry(arg: Term): Term {
  atomsInit();
  const p = current!;
  p.trapExit = true;
  frameEnter(2);                                 // 0: the spec, 1: the reason it ends with
  if (!isTuple(arg, 2)) processExit(ATOM_BADARG);
  slotSet(0, tupleGet(arg, 1));
  const n = checkSpec(spec());
  if (n < 0) processExit(ATOM_BADARG);
  const s = changetype<State>(heap.alloc(offsetof<State>()));
  s.parent = tupleGet(arg, 0);
  s.n = n;
  s.strategy = tupleGet(spec(), 0);
  s.intensity = <i32>min<i64>(smallValue(tupleGet(spec(), 1)), 1 << 20);
  s.periodMs = <f64>smallValue(tupleGet(spec(), 2)) * 1000;
  s.pids = heap.alloc(<usize>max(n, 1) << 3);
  memory.fill(s.pids, 0, <usize>max(n, 1) << 3);
  s.restarts = heap.alloc(<usize>(s.intensity + 1) << 3);
  s.nRestarts = 0;
  for (let i = 0; i < n; i++) if (!startChild(s, i)) giveUp(s, makeAtom(PredefinedAtom.SYSTEM_LIMIT));
  for (;;) {
    let m = recvPeek();
    if (!m) { recvWait(Infinity); continue; }
    m = recvAccept();
    if (isTuple(m, 2) && tupleGet(m, 0) == WHICH_CHILDREN) { answerChildren(s, tupleGet(m, 1)); continue; }
    if (!isTuple(m, 3) || tupleGet(m, 0) != EXIT_TAG) continue;   // (anything else is dropped, as OTP logs it)
    const from = tupleGet(m, 1), reason = tupleGet(m, 2);
    let i = 0;
    while (i < s.n && pidOf(s, i) != from) i++;
    if (i == s.n) {
      if (from == s.parent) giveUp(s, reason);
      continue;
    }
    setPid(s, i, 0);
    if (!restarts(tupleGet(childSpec(i), 2), reason)) continue;
    if (!countRestart(s)) giveUp(s, SHUTDOWN);
    if (s.strategy == ONE_FOR_ALL) stopFrom(s, 0);
    else if (s.strategy == REST_FOR_ONE) stopFrom(s, i + 1);
    const first = s.strategy == ONE_FOR_ALL ? 0 : i;
    const last = s.strategy == ONE_FOR_ONE ? i : s.n - 1;
    for (let k = first; k <= last; k++) {
      if (pidOf(s, k)) continue;
      // a temporary child that ended is not brought back by its siblings' restarts either
      if (k != i && tupleGet(childSpec(k), 2) == TEMPORARY) continue;
      if (!startChild(s, k)) giveUp(s, makeAtom(PredefinedAtom.SYSTEM_LIMIT));
    }
  }
  return NIL;
}

/** The supervisor's entry (what the host spawns with {HostPid, Spec}). */
export function supervisorIndex(): u32 { return supervisorEntry.index; }

/** supervisor:start_link(Spec) for the running process: the supervisor's pid, linked to it, or system_limit. */
export function supervisorStart(specTerm: Term): Term {
  frameEnter(1);
  slotSet(0, specTerm);
  reserve(3);
  const arg = tupleRaw(2);
  store<u64>(<usize>(arg - 2) + 8, current!.pid);
  store<u64>(<usize>(arg - 2) + 16, slotGet(0));
  frameLeave(1);
  const pid = spawn(supervisorEntry.index, arg, <u8>Priority.NORMAL);
  if (isPid(pid)) link(current!, pid);
  return pid;
}
