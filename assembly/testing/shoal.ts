// The ABI as the test programs import it: module "shoal" from the generated
// header abi/shoal.ts (what any compiler writing AssemblyScript would
// include; abi/abi.json is its source), and the host's "env". This module is
// compiled on its own and linked to the runtime like any compiler's output
// (compiler/link.ts); it shares no code or state with the runtime but these
// imports and the term layout (gc/term/term.ts, a header-only description of
// the term word).
//
// The module has no allocator of its own (asc's stub runtime would bump into
// the runtime's memory): no managed objects, no string concatenation, no
// arrays, at start or later. Raw memory comes from raw_alloc, terms from the
// process's heap.

import { Term } from "../../gc/term/term";

export * from "../../abi/shoal";

// ── the host ("env")
// @ts-ignore: decorator
@external("env", "now") export declare function hostNow(): f64;
// @ts-ignore: decorator
@external("env", "proc_trace") export declare function hostTrace(pid: Term, code: i32, value: i64): void;
