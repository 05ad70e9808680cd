// The puppet: a process the host drives by messages, to test links, exit
// signals and trap_exit from both ends. It obeys
//
//   {link, Pid}  {unlink, Pid}  {trap_exit, true|false}  {exit, Pid, Reason}
//   {die, Reason}  {send, Pid, Msg}  {spawn_link}  {chain, N}
//   {monitor, Pid} (answers the host {monitored, Ref})  {demonitor, Ref, Flush}
//   {kill, Pid, Reason} (the ABI's kill: Pid ends at once; then tells the host {killed, Self})
//
// ({spawn_link} answers the host {child, Pid}; {chain, N} spawns a linked
// puppet and hands it {chain, N - 1}, so N more puppets in a line), and sends
// every other message to the host as {got, Self, Msg}: the {'EXIT', ...}
// messages a trapping puppet receives come out that way.

import { Term, NIL, makeAtom, isBoxed, boxedSubtag, SUB_TUPLE, tupleGet, tupleArity, tupleSet, makeSmall, smallValue } from "../../../gc/term/term";
import {
  self, spawn, send, exit, kill, frameEnter, slotGet, slotSet, gcReserve, makeTuple, hostPid, link, unlink, exitSignal, trapExit, monitor, demonitor,
} from "../shoal";
import { atom, pair, receive } from "../lib";
import { PredefinedAtom } from "../../boundary/atoms";
import { Priority } from "../../boundary/codes";

let LINK: Term = 0, UNLINK: Term = 0, TRAP_EXIT: Term = 0, EXIT: Term = 0, DIE: Term = 0, SEND: Term = 0;
let KILL: Term = 0, KILLED: Term = 0, SPAWN_LINK: Term = 0, CHAIN: Term = 0, CHILD: Term = 0, GOT: Term = 0, MONITOR: Term = 0, MONITORED: Term = 0, DEMONITOR: Term = 0;

function atomsInit(): void {
  if (LINK) return;
  LINK = atom("link"); UNLINK = atom("unlink"); TRAP_EXIT = atom("trap_exit"); EXIT = atom("exit"); DIE = atom("die");
  SEND = atom("send"); SPAWN_LINK = atom("spawn_link"); MONITOR = atom("monitor"); MONITORED = atom("monitored"); DEMONITOR = atom("demonitor"); CHAIN = atom("chain"); CHILD = atom("child"); GOT = atom("got");
  KILL = atom("kill"); KILLED = atom("killed");
}

function anything(t: Term): bool { return true; }

/** `m`'s first element if it is a tuple of `n` elements, else 0. */
function command(m: Term, n: usize): Term {
  return isBoxed(m) && boxedSubtag(m) == SUB_TUPLE && tupleArity(m) == n ? tupleGet(m, 0) : 0;
}

export function puppet(arg: Term): Term {
  atomsInit();
  frameEnter(1);
  for (;;) {
    const m = receive(anything, Infinity);
    const c1 = command(m, 1), c2 = command(m, 2), c3 = command(m, 3);
    if (c2 == LINK) link(tupleGet(m, 1));
    else if (c2 == UNLINK) unlink(tupleGet(m, 1));
    else if (c2 == TRAP_EXIT) trapExit(tupleGet(m, 1) == makeAtom(PredefinedAtom.TRUE));
    else if (c3 == EXIT) exitSignal(tupleGet(m, 1), tupleGet(m, 2));
    else if (c3 == KILL) {
      kill(tupleGet(m, 1), tupleGet(m, 2));
      send(hostPid(), pair(KILLED, self()));       // (a pid and an atom: nothing to root)
    }
    else if (c2 == DIE) exit(tupleGet(m, 1));
    else if (c2 == MONITOR) {
      slotSet(0, monitor(tupleGet(m, 1)));
      gcReserve(3);                                   // (may collect: the ref is read from its slot after)
      const t = makeTuple(2);
      tupleSet(t, 0, MONITORED);
      tupleSet(t, 1, slotGet(0));
      send(hostPid(), t);
    }
    else if (c3 == DEMONITOR) demonitor(tupleGet(m, 1), tupleGet(m, 2) == makeAtom(PredefinedAtom.TRUE));
    else if (c3 == SEND) send(tupleGet(m, 1), tupleGet(m, 2));
    else if (c1 == SPAWN_LINK) {
      const child = spawn(puppet.index, NIL, Priority.NORMAL);
      link(child);
      send(hostPid(), pair(CHILD, child));
    } else if (c2 == CHAIN) {
      const n = smallValue(tupleGet(m, 1));
      if (n > 0) {
        const child = spawn(puppet.index, NIL, Priority.NORMAL);
        link(child);
        send(child, pair(CHAIN, makeSmall(n - 1)));   // (a pid is immediate: no root needed across pair's allocation)
      }
    } else {
      slotSet(0, m);
      gcReserve(4);
      const t = makeTuple(3);
      tupleSet(t, 0, GOT);
      tupleSet(t, 1, self());
      tupleSet(t, 2, slotGet(0));
      send(hostPid(), t);
    }
    slotSet(0, NIL);
  }
  return NIL;
}
