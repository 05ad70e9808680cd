// Calling the host: a process calls a JS function given at
// Runtime.start({ imports }), synchronously, with terms in and a term out.
//
//   process                         runtime                      host (host/runtime.ts)
//   host_call(Name, Args) ──► {Name, Args} as ETF ──► env.host_call ──► imports[Name](...args)
//                                                   ◄── reply length (or -length: an exit reason)
//                           buffer of that size ──► env.host_reply(buf) (the host copies the reply)
//   ◄── the reply decoded on the caller's heap (or error:Reason raised, the result 0)
//
// Nothing here suspends: the JS function runs to completion inside the call
// (it may not re-enter the runtime: the host refuses that). Two imports, not
// one, so the host never calls back into the module for memory.

import { Term, makeAtom, tupleGet } from "../../gc/term/term";
import { tupleRaw } from "../../gc/term/build";
import { etfEncodedSize, etfEncode } from "../../gc/term/etf";
import { active, bump } from "../../gc/mem/heap";
import { Vec, vecStatic, vecReserve } from "../../gc/mem/vec";
import { PredefinedAtom } from "../boundary/atoms";
import { frameEnter, slotGet, slotSet, frameLeave } from "./shadowstack";
import { reserve } from "./alloc";
import { raise, raiseError } from "./exceptions";
import { encodedWords, decodeAt } from "./transfer";
import { hostCallImport, hostReply } from "./env";

/** Where calls and replies are encoded (runtime memory, outside every heap). */
const buffer: Vec = vecStatic();

/** Name(Args...) of the host's imports: the reply, decoded on the caller's heap; on failure, error:Reason (the host's) is raised and the result is the non-value 0. */
export function hostCall(name: Term, args: Term): Term {
  // {Name, Args}, built on the heap only to encode it
  frameEnter(2);
  slotSet(0, name);
  slotSet(1, args);
  reserve(3);
  const call = tupleRaw(2);
  store<u64>(<usize>(call - 2) + 8, slotGet(0));
  store<u64>(<usize>(call - 2) + 16, slotGet(1));
  frameLeave(2);
  const size = etfEncodedSize(call);
  if (size < 0) { raiseError(makeAtom(PredefinedAtom.BADARG)); return 0; }   // a fun cannot leave the module
  vecReserve(buffer, <u32>size, 0);
  const n = hostCallImport(buffer.data, etfEncode(call, buffer.data));
  const len = <usize>(n < 0 ? -n : n);
  vecReserve(buffer, <u32>len, 0);
  hostReply(buffer.data);
  const words = encodedWords(buffer.data, len);
  assert(words >= 0, "the host's reply is not a term");   // (host/etf.ts encodes it)
  reserve(<usize>words);
  const t = decodeAt(active!, bump(<usize>words), buffer.data, len, words);
  if (t == 0) { raiseError(makeAtom(PredefinedAtom.SYSTEM_LIMIT)); return 0; }   // the atom table is full
  if (n < 0) { raise(makeAtom(PredefinedAtom.ERROR), tupleGet(t, 0), tupleGet(t, 1)); return 0; }   // {Reason, Trace}
  return t;
}
