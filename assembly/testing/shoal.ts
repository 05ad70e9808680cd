// The ABI as the test programs import it: module "shoal" (assembly/abi.ts and
// assembly/control.ts, documented in docs/abi.md) and the host's "env". This
// module is compiled on its own and linked to the runtime like any
// compiler's output (scripts/link.mjs); it shares no code or state with the
// runtime but these imports and the term layout (gc/term/term.ts, a
// header-only description of the term word).
//
// The module has no allocator of its own (asc's stub runtime would bump into
// the runtime's memory): no managed objects, no string concatenation, no
// arrays, at start or later. Raw memory comes from raw_alloc, terms from the
// process's heap.

import { Term } from "../../gc/term/term";

// ── scheduling
// @ts-ignore: decorator
@external("shoal", "reduce") export declare function reduce(n: i32): void;
// @ts-ignore: decorator
@external("shoal", "yield_now") export declare function yieldNow(): void;
// @ts-ignore: decorator
@external("shoal", "sleep") export declare function sleep(ms: f64): void;
// @ts-ignore: decorator
@external("shoal", "self") export declare function self(): Term;
// @ts-ignore: decorator
@external("shoal", "exit") export declare function exit(reason: Term): void;
// @ts-ignore: decorator
@external("shoal", "spawn") export declare function spawn(entry: u32, arg: Term, priority: i32): Term;

// ── roots
// @ts-ignore: decorator
@external("shoal", "frame_enter") export declare function frameEnter(n: i32): void;
// @ts-ignore: decorator
@external("shoal", "frame_leave") export declare function frameLeave(n: i32): void;
// @ts-ignore: decorator
@external("shoal", "slot_get") export declare function slotGet(i: i32): Term;
// @ts-ignore: decorator
@external("shoal", "slot_set") export declare function slotSet(i: i32, t: Term): void;

// ── allocation and building
// @ts-ignore: decorator
@external("shoal", "gc_alloc") export declare function gcAlloc(words: usize): usize;
// @ts-ignore: decorator
@external("shoal", "gc_reserve") export declare function gcReserve(words: usize): void;
// @ts-ignore: decorator
@external("shoal", "gc_collect") export declare function gcCollect(major: bool): void;
// @ts-ignore: decorator
@external("shoal", "make_tuple") export declare function makeTuple(n: usize): Term;
// @ts-ignore: decorator
@external("shoal", "make_cons") export declare function makeCons(head: Term, tail: Term): Term;
// @ts-ignore: decorator
@external("shoal", "make_integer") export declare function makeInteger(v: i64): Term;
// @ts-ignore: decorator
@external("shoal", "make_float") export declare function makeFloat(v: f64): Term;
// @ts-ignore: decorator
@external("shoal", "make_binary") export declare function makeBinary(size: u32): Term;
// @ts-ignore: decorator
@external("shoal", "binary_data") export declare function binaryData(t: Term): usize;
// @ts-ignore: decorator
@external("shoal", "make_map") export declare function makeMap(n: usize): Term;
// @ts-ignore: decorator
@external("shoal", "make_fun") export declare function makeFun(entry: u32, arity: u32, nfree: usize): Term;

// ── messages
// @ts-ignore: decorator
@external("shoal", "send") export declare function send(pid: Term, msg: Term): void;
// @ts-ignore: decorator
@external("shoal", "recv_peek") export declare function recvPeek(): Term;
// @ts-ignore: decorator
@external("shoal", "recv_next") export declare function recvNext(): void;
// @ts-ignore: decorator
@external("shoal", "recv_accept") export declare function recvAccept(): Term;
// @ts-ignore: decorator
@external("shoal", "recv_wait") export declare function recvWait(ms: f64): bool;
// @ts-ignore: decorator
@external("shoal", "recv_timeout") export declare function recvTimeout(): void;

// ── dictionary, terms, raw memory
// @ts-ignore: decorator
@external("shoal", "term_compare") export declare function termCompare(a: Term, b: Term): i32;
// @ts-ignore: decorator
@external("shoal", "term_equal") export declare function termEqual(a: Term, b: Term): bool;
// @ts-ignore: decorator
@external("shoal", "dict_get") export declare function dictGet(key: Term): Term;
// @ts-ignore: decorator
@external("shoal", "dict_put") export declare function dictPut(key: Term, value: Term): Term;
// @ts-ignore: decorator
@external("shoal", "atom_intern") export declare function atomIntern(ptr: usize, len: i32): i32;
// @ts-ignore: decorator
@external("shoal", "etf_decoded_words") export declare function etfDecodedWords(ptr: usize, len: usize): i64;
// @ts-ignore: decorator
@external("shoal", "etf_decode") export declare function etfDecode(ptr: usize, len: usize): Term;
// @ts-ignore: decorator
@external("shoal", "etf_encode_size") export declare function etfEncodeSize(t: Term): i64;
// @ts-ignore: decorator
@external("shoal", "etf_encode") export declare function etfEncode(t: Term, out: usize): usize;
// @ts-ignore: decorator
@external("shoal", "raw_alloc") export declare function rawAlloc(size: usize): usize;
// @ts-ignore: decorator
@external("shoal", "raw_free") export declare function rawFree(ptr: usize): void;

// ── control calls safe from a process
// @ts-ignore: decorator
@external("shoal", "stat_live") export declare function statLive(): u32;
// @ts-ignore: decorator
@external("shoal", "process_heap") export declare function processHeap(pid: Term, what: i32): i64;
// @ts-ignore: decorator
@external("shoal", "host_pid") export declare function hostPid(): Term;

// ── the host ("env")
// @ts-ignore: decorator
@external("env", "now") export declare function hostNow(): f64;
// @ts-ignore: decorator
@external("env", "proc_trace") export declare function hostTrace(pid: Term, code: i32, value: i64): void;
