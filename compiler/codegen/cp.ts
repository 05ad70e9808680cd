// CP words: a return address as compiled code saves it on the shadow stack,
// where the runtime walks stack traces from (assembly/runtime/traces.ts; the
// layout: Tag.CP in assembly/boundary/terms.ts). Slot 0 of every function's
// frame holds its return address as one, and a call to another module (or
// through a fun or apply) pushes its own place as one around the call.

import { TagShift } from "../../assembly/boundary/terms.js";

/**
 * The ids of calls to other modules in CP words (a frame table's Ks): above every segment id
 * (group << 16 | pos, the group < 2^15), so the two never meet.
 */
export const EXTERNAL_SITE = 0x80000000;

/**
 * The CP word of continuation id `k` (an i32 expression) of this module: $cpBase holds the module
 * id the runtime gave at init (trace_module) and the tag, so this is one shift and one or.
 */
export const cpWord = (k: string): string =>
  `(i64.or (global.get $cpBase) (i64.shl (i64.extend_i32_u ${k}) (i64.const ${TagShift.CP})))`;
