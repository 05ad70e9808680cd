// The process dictionary (erlang:put/2, get/1, erase/1): per process, a list
// of {Key, Value} tuples on the process's own heap, held in Process.dict (a
// root). Terms are immutable, so put and erase build a new list (the entries
// other than Key, copied cell by cell) and never write into an old one: an
// old term must never point to a younger one (gc/collector.ts).

import { Term, NIL, head, tail, tupleGet, tupleSet, tupleWords, termPtr } from "../../gc/term/term";
import { consRaw, tupleRaw } from "../../gc/term/build";
import { equalTerms } from "../../gc/term/order";
import { ATOM_UNDEFINED } from "../../gc/term/atoms";
import { current } from "./scheduler";
import { reserve } from "./alloc";
import { frameEnter, frameLeave, slotGet, slotSet } from "./shadowstack";

/** The value stored under `key` in the calling process's dictionary, or the atom undefined. */
export function dictGet(key: Term): Term {
  for (let l = current!.dict; l != NIL; l = tail(l)) {
    const e = head(l);
    if (equalTerms(tupleGet(e, 0), key)) return tupleGet(e, 1);
  }
  return ATOM_UNDEFINED;
}

/** Entries other than `key`'s in list `l`. */
function othersCount(l: Term, key: Term): usize {
  let n: usize = 0;
  for (; l != NIL; l = tail(l)) if (!equalTerms(tupleGet(head(l), 0), key)) n++;
  return n;
}

/** The dictionary without `key`: its other entries in a new list (words reserved by the caller). */
function withoutKey(l: Term, key: Term): Term {
  // front to back, setting each new cell's tail as the next is made (the cells are all new)
  let first: Term = NIL;
  let last: usize = 0;
  for (; l != NIL; l = tail(l)) {
    const e = head(l);
    if (equalTerms(tupleGet(e, 0), key)) continue;
    const c = consRaw(e, NIL);
    if (last) store<u64>(last, c, 8); else first = c;
    last = termPtr(c);
  }
  return first;
}

/** Store `value` under `key` (erlang:put/2); the previous value, or the atom undefined. May collect. */
export function dictPut(key: Term, value: Term): Term {
  frameEnter(2);
  slotSet(0, key);
  slotSet(1, value);
  const n = othersCount(current!.dict, key);
  reserve(2 * (n + 1) + tupleWords(2));          // may collect: reload from roots after
  key = slotGet(0);
  value = slotGet(1);
  frameLeave(2);
  const p = current!;
  const old = dictGet(key);
  const e = tupleRaw(2);
  tupleSet(e, 0, key);
  tupleSet(e, 1, value);
  p.dict = consRaw(e, withoutKey(p.dict, key));
  return old;
}

/** Remove `key` (erlang:erase/1); its value, or the atom undefined. May collect. */
export function dictErase(key: Term): Term {
  frameEnter(1);
  slotSet(0, key);
  const n = othersCount(current!.dict, key);
  reserve(2 * n);
  key = slotGet(0);
  frameLeave(1);
  const p = current!;
  const old = dictGet(key);
  if (old != ATOM_UNDEFINED) p.dict = withoutKey(p.dict, key);
  return old;
}
