// The fiber interface: the one place the runtime touches stack switching.
//
// A fiber is a first-class stack that runs a process's entry function and
// can suspend back to whoever resumed it. Two backends implement it, each in
// one file, built from the same AssemblyScript into two modules
// (scripts/build.mjs merges one of them in with wasm-merge):
//
//   fx.wat         WasmFX: cont.new / resume / suspend, resume_throw to end
//   asyncify.wat   Binaryen Asyncify: unwind to the scheduler, rewind back
//
// Nothing above this file knows which backend runs. The calls, with `slot`
// the fiber's process slot and `ctx` a per-fiber area of fiber_ctx_size()
// bytes that the caller keeps for the backend:
//
//   call             from        effect
//   --------------   ---------   ---------------------------------------------
//   fiber_init       scheduler   once, before any fiber (with the thread's native stack size)
//   fiber_create     scheduler   make the slot ready to start a new process,
//                                entry(*arg): entry is a function-table index,
//                                arg the address of its argument's root (read
//                                when it starts: a collection may move it); a
//                                backend may reuse the stack of the slot's last
//                                process
//   fiber_resume     scheduler   run it until it suspends (returns code >= 0)
//                                or its process ends (returns -1)
//   fiber_suspend    the fiber   back to fiber_resume's caller, returning code;
//                                returns when the fiber is resumed again
//   fiber_exit       the fiber   end the process now: fiber_resume returns -1
//   fiber_destroy    scheduler   end the slot's process if one is suspended or
//                                not yet started; the slot may keep its stack
//   fiber_release    scheduler   free all the slot holds (WasmFX: resume_throw,
//                                so the engine frees the stack; a continuation
//                                dropped unfinished is never reclaimed)
//   fiber_recover    scheduler   after a trap escaped the running fiber
//   fiber_bytes      anyone      linear memory the backend holds for a fiber
//
// A fiber must not suspend across a host (JS) frame: WasmFX throws, and
// Asyncify would corrupt the host's stack. Runtime code called from a fiber
// never calls back into the host on a path that suspends.

/** Bytes of backend context per fiber. */
// @ts-ignore: decorator
@external("fiber", "fiber_ctx_size")
export declare function fiber_ctx_size(): i32;
/** Which backend this module was built with: 1 WasmFX, 2 Asyncify. */
// @ts-ignore: decorator
@external("fiber", "fiber_backend")
export declare function fiber_backend(): i32;
/**
 * Set the backend up; once, before any other call. `nativeStackBytes`: the native stack of the
 * thread the module runs on, which bounds how deep a fiber's frames can be (Asyncify saves them
 * all when it suspends: its unwind area must hold them; WasmFX ignores it).
 */
// @ts-ignore: decorator
@external("fiber", "fiber_init")
export declare function fiber_init(nativeStackBytes: u32): void;
/** Make `slot` ready to start entry(*arg) (a function-table index; the address of the argument) on its next resume. */
// @ts-ignore: decorator
@external("fiber", "fiber_create")
export declare function fiber_create(slot: u32, ctx: usize, entry: u32, arg: usize): void;
/** Run `slot`'s fiber until it suspends (its code, >= 0) or ends (-1). */
// @ts-ignore: decorator
@external("fiber", "fiber_resume")
export declare function fiber_resume(slot: u32, ctx: usize): i32;
/** Inside a fiber: suspend to the scheduler with `code`. */
// @ts-ignore: decorator
@external("fiber", "fiber_suspend")
export declare function fiber_suspend(code: i32): void;
/** Inside a fiber: end it at once. */
// @ts-ignore: decorator
@external("fiber", "fiber_exit")
export declare function fiber_exit(): void;
/** End the slot's process if it is suspended or not yet started (not while running). */
// @ts-ignore: decorator
@external("fiber", "fiber_destroy")
export declare function fiber_destroy(slot: u32, ctx: usize): void;
/** Free everything the slot's fiber holds, its stack included. */
// @ts-ignore: decorator
@external("fiber", "fiber_release")
export declare function fiber_release(slot: u32, ctx: usize): void;
/** Linear-memory bytes the backend holds for the fiber (engine-side stacks not counted). */
// @ts-ignore: decorator
@external("fiber", "fiber_bytes")
export declare function fiber_bytes(slot: u32, ctx: usize): i32;
/** Bring the backend back to normal after a trap left the running fiber. */
// @ts-ignore: decorator
@external("fiber", "fiber_recover")
export declare function fiber_recover(slot: u32, ctx: usize): void;

// Backends that keep per-fiber memory (Asyncify's saved frames) take it from
// the module's raw_alloc/raw_free exports (assembly/abi.ts).
