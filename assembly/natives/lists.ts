// The lists module's BIFs, as natives (registry.ts): reverse/2, keyfind/3,
// keymember/3, keysearch/3, member/2. OTP's lists.beam defines stubs of them
// that call erlang:nif_error; when it is linked, these replace them
// (exports.ts exportsPut). As BEAM: keyfind, keymember and keysearch compare
// keys with == (1 matches 1.0), member with =:=; a list that is not proper
// where it is walked, or a position below 1, is badarg.

import { Term, NIL, isSmall, smallValue, isList, head, tail, termPtr, tupleArity, tupleGet, tupleWords } from "../../gc/term/term";
import { consRaw, tupleRaw } from "../../gc/term/build";
import { equalTerms, compareOrder } from "../../gc/term/order";
import { TRUE, FALSE, badarg, isTuple, listLength, reserveKeeping, kept0, kept1, A_VALUE } from "./common";

/** lists:reverse/2: the elements of L reversed, in front of Tail. */
export function lists_reverse_2(l: Term, t: Term): Term {
  const n = listLength(l);
  if (n < 0) return badarg();
  if (n == 0) return t;
  reserveKeeping(2 * <usize>n, l, t);
  let r = kept1;
  for (let c = kept0; c != NIL; c = tail(c)) r = consRaw(head(c), r);
  return r;
}

/** The first tuple of list l whose element n (1-based) is == key; 0 if none, 1 after raising badarg. */
function keyFind(key: Term, n: Term, l: Term): Term {
  if (!isSmall(n) || smallValue(n) < 1) { badarg(); return 1; }
  const i = <usize>smallValue(n);
  for (; isList(l); l = tail(l)) {
    const e = head(l);
    if (isTuple(e) && tupleArity(e) >= i && compareOrder(tupleGet(e, i - 1), key) == 0) return e;
  }
  if (l != NIL) { badarg(); return 1; }
  return 0;
}

/** lists:keyfind/3. */
export function lists_keyfind_3(key: Term, n: Term, l: Term): Term {
  const e = keyFind(key, n, l);
  return e == 1 ? 0 : e == 0 ? FALSE : e;
}
/** lists:keymember/3. */
export function lists_keymember_3(key: Term, n: Term, l: Term): Term {
  const e = keyFind(key, n, l);
  return e == 1 ? 0 : e == 0 ? FALSE : TRUE;
}
/** lists:keysearch/3: {value, Tuple} or false. */
export function lists_keysearch_3(key: Term, n: Term, l: Term): Term {
  const e = keyFind(key, n, l);
  if (e == 1) return 0;
  if (e == 0) return FALSE;
  reserveKeeping(tupleWords(2), e);
  const t = tupleRaw(2);
  store<u64>(termPtr(t) + 8, A_VALUE);
  store<u64>(termPtr(t) + 16, kept0);
  return t;
}

/** lists:member/2: whether an element is =:= Elem (badarg for an improper list walked to its end). */
export function lists_member_2(x: Term, l: Term): Term {
  for (; isList(l); l = tail(l)) if (equalTerms(head(l), x)) return TRUE;
  return l == NIL ? FALSE : badarg();
}
