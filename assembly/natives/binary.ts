// The binary module's BIFs OTP's string calls, as natives (registry.ts):
// compile_pattern/1 and match/2. As BEAM 25 (erl_bif_binary.c): a pattern
// is a non-empty binary or a non-empty list of them (else badarg); match/2
// answers {Pos, Len} of the first match
// (an empty subject: nomatch, whatever the pattern) (at the lowest position; of the
// patterns starting there, the longest) or nomatch.
//
// A compiled pattern is BEAM's opaque {bm | ac, Ref}; here it is the tuple
// {'$shoal_cp', [Binary]}, which match/2 takes as it takes the pattern.
// Matching is a plain scan (each position against each pattern): the
// patterns string gives are its separators, a few bytes long.

import { Term, NIL, isList, head, tail, isBinary, binarySize, tupleWords, tupleGet, termPtr, makeSmall } from "../../gc/term/term";
import { consRaw, tupleRaw, binaryData } from "../../gc/term/build";
import { atomOf } from "../../gc/term/atoms";
import { badarg, isTupleOf, listLength, reserveKeeping, kept0 } from "./common";

let A_CP: Term = 0, A_NOMATCH: Term = 0;
/** Intern the atoms this file answers with (once, at init, by registry.ts). */
export function binaryAtomsInit(): void {
  A_CP = atomOf("$shoal_cp");
  A_NOMATCH = atomOf("nomatch");
}

/** Whether p is a pattern: a non-empty binary, or a non-empty proper list of them. */
function isPattern(p: Term): bool {
  if (isBinary(p)) return binarySize(p) > 0;
  if (!isList(p) || listLength(p) < 0) return false;
  for (let l = p; l != NIL; l = tail(l)) if (!isBinary(head(l)) || binarySize(head(l)) == 0) return false;
  return true;
}

/** The pattern's binaries as a list, from a pattern or a compiled one; 0 if neither. */
function patternList(p: Term): Term {
  if (isTupleOf(p, 2) && tupleGet(p, 0) == A_CP) return tupleGet(p, 1);
  return isPattern(p) ? p : 0;
}

/** binary:compile_pattern/1. */
export function binary_compile_pattern_1(p: Term): Term {
  if (!isPattern(p)) return badarg();
  reserveKeeping(2 + tupleWords(2), p);
  const l = isBinary(kept0) ? consRaw(kept0, NIL) : kept0;
  const t = tupleRaw(2);
  store<u64>(termPtr(t) + 8, A_CP);
  store<u64>(termPtr(t) + 16, l);
  return t;
}

/** Whether binary b's bytes match at s + i. */
function matchesAt(s: usize, n: usize, i: usize, b: Term): bool {
  const k = <usize>binarySize(b);
  if (i + k > n) return false;
  return memory.compare(s + i, binaryData(b), k) == 0;
}

/** binary:match/2. */
export function binary_match_2(subject: Term, pattern: Term): Term {
  if (!isBinary(subject)) return badarg();
  if (binarySize(subject) == 0) return A_NOMATCH;   // as BEAM: before the pattern is looked at
  const ps = patternList(pattern);
  if (!ps) return badarg();
  const s = binaryData(subject), n = <usize>binarySize(subject);
  for (let i: usize = 0; i < n; i++) {
    let best: usize = 0;
    if (isBinary(ps)) { if (matchesAt(s, n, i, ps)) best = <usize>binarySize(ps); }
    else for (let l = ps; l != NIL; l = tail(l)) {
      const b = head(l);
      if (<usize>binarySize(b) > best && matchesAt(s, n, i, b)) best = <usize>binarySize(b);
    }
    if (best) {
      reserveKeeping(tupleWords(2), NIL);
      const t = tupleRaw(2);
      store<u64>(termPtr(t) + 8, makeSmall(<i64>i));
      store<u64>(termPtr(t) + 16, makeSmall(<i64>best));
      return t;
    }
  }
  return A_NOMATCH;
}
