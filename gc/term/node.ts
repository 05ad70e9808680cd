// This runtime as an Erlang node: the name and creation its pids and
// references carry in the External Term Format (etf.ts) and that references
// hold on the heap (term.ts).
//
// A runtime is one node that is not distributed, so its name is always
// 'nonode@nohost', as a BEAM node started without a name. Its creation is
// what tells it from other runtimes in the same host (and from other
// incarnations of a node): the host picks one per runtime, nonzero, at start
// (set_pid_creation), as a BEAM node picks one when it starts. A pid or
// reference of another creation is never one of this runtime's.

/** 'nonode@nohost' in UTF-8: the node of every pid and reference. */
export const NODE_NAME = memory.data<u8>([110, 111, 110, 111, 100, 101, 64, 110, 111, 104, 111, 115, 116]);
/** Bytes of NODE_NAME. */
// @ts-ignore: decorator
@inline export const NODE_NAME_LEN: usize = 13;

let creation: u32 = 0;

/** This runtime's creation. */
// @ts-ignore: decorator
@inline export function nodeCreation(): u32 { return creation; }

/** Set this runtime's creation (the host does, once, at start). */
export function nodeSetCreation(c: u32): void { creation = c; }
