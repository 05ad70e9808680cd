// Shoal's ABI for process code, as AssemblyScript declarations (generated from abi/abi.json by scripts/abi.mjs: do not edit).
// Terms are u64 (gc/term/term.ts's Term). docs/abi.md says what each does.

/** reductions left in the running slice */
// @ts-ignore: decorator
@external("shoal", "shoal_budget") export declare let shoalBudget: i32;
/** address of the newest frame's slot 0 */
// @ts-ignore: decorator
@external("shoal", "shoal_sp") export declare let shoalSp: i32;
/** lowest address the running process's shadow-stack region allows: a frame of n slots may be pushed inline (shoal_sp -= 8n, slots zeroed) while shoal_sp - 8n >= shoal_sp_limit; else call frame_enter(n), which grows the region (read only) */
// @ts-ignore: decorator
@external("shoal", "shoal_sp_limit") export declare let shoalSpLimit: i32;
/** next free byte of the running process's young generation */
// @ts-ignore: decorator
@external("shoal", "shoal_htop") export declare let shoalHtop: i32;
/** end of the running process's young generation */
// @ts-ignore: decorator
@external("shoal", "shoal_hend") export declare let shoalHend: i32;

// ── Reductions, scheduling and processes
/** Spend n reductions; preempted when the slice's budget is gone. May suspend. */
// @ts-ignore: decorator
@external("shoal", "reduce") export declare function reduce(n: i32): void;
/** Give up the rest of the slice. Suspends. */
// @ts-ignore: decorator
@external("shoal", "yield_now") export declare function yieldNow(): void;
/** Sleep ms milliseconds of host time. Suspends. */
// @ts-ignore: decorator
@external("shoal", "sleep") export declare function sleep(ms: f64): void;
/** Pid of the calling process. */
// @ts-ignore: decorator
@external("shoal", "self") export declare function self(): u64;
/** End the calling process with `reason`. Never returns (no frame_leave needed). */
// @ts-ignore: decorator
@external("shoal", "exit") export declare function exit(reason: u64): void;
/** Spawn entry(arg) (a function-table index of type (i64) -> (i64)) at `priority` (BEAM's four: 0 max, 1 high, 2 normal, 3 low); arg is copied into the child. The pid, or the atom system_limit. */
// @ts-ignore: decorator
@external("shoal", "spawn") export declare function spawn(entry: u32, arg: u64, priority: i32): u64;
/** Spawn module:function(args...) (erlang:spawn/3) at `priority`: the pid, or system_limit. A missing export ends the child with {undef, ...}. */
// @ts-ignore: decorator
@external("shoal", "spawn_mfa") export declare function spawnMfa(module: u64, fn: u64, args: u64, priority: i32): u64;
/** Spawn fun() (erlang:spawn/1) at `priority`: the pid, or system_limit. */
// @ts-ignore: decorator
@external("shoal", "spawn_fun") export declare function spawnFun(fun: u64, priority: i32): u64;
/** End process `pid` with `reason` (copied into it); false if it is not alive. Killing itself never returns. */
// @ts-ignore: decorator
@external("shoal", "kill") export declare function kill(pid: u64, reason: u64): bool;

// ── Root slots
/** Enter a frame of n zeroed root slots. */
// @ts-ignore: decorator
@external("shoal", "frame_enter") export declare function frameEnter(n: i32): void;
/** Leave the newest frame of n slots. */
// @ts-ignore: decorator
@external("shoal", "frame_leave") export declare function frameLeave(n: i32): void;
/** Root slot i of the newest frame. */
// @ts-ignore: decorator
@external("shoal", "slot_get") export declare function slotGet(i: i32): u64;
/** Set root slot i of the newest frame. */
// @ts-ignore: decorator
@external("shoal", "slot_set") export declare function slotSet(i: i32, t: u64): void;

// ── Allocation
/** The allocation slow path: collect, then allocate `words` words on the caller's heap (its address). May collect. */
// @ts-ignore: decorator
@external("shoal", "gc_alloc") export declare function gcAlloc(words: usize): usize;
/** Make `words` words free on the caller's heap, so that many can then be bumped from shoal_htop (or built with make_*) without a check. May collect. */
// @ts-ignore: decorator
@external("shoal", "gc_reserve") export declare function gcReserve(words: usize): void;
/** Collect the caller's heap now (major: a full sweep). Collects. */
// @ts-ignore: decorator
@external("shoal", "gc_collect") export declare function gcCollect(major: bool): void;

// ── Building terms
/** A tuple of n elements, each [] (fill them in: element i is the word at its address + 8 + 8i). 1 + n words. */
// @ts-ignore: decorator
@external("shoal", "make_tuple") export declare function makeTuple(n: usize): u64;
/** [head | tail]. 2 words. */
// @ts-ignore: decorator
@external("shoal", "make_cons") export declare function makeCons(head: u64, tail: u64): u64;
/** An integer: small if it fits 60 bits (0 words), else a big of one limb (3 words: integer_words); larger integers come from the arith_* calls or etf_decode. */
// @ts-ignore: decorator
@external("shoal", "make_integer") export declare function makeInteger(v: i64): u64;
/** Words make_integer(v) takes: 0 or 3. */
// @ts-ignore: decorator
@external("shoal", "integer_words") export declare function integerWords(v: i64): usize;
/** A float. 2 words. */
// @ts-ignore: decorator
@external("shoal", "make_float") export declare function makeFloat(v: f64): u64;
/** A binary of `size` bytes, uninitialised (write them at binary_data). binary_words(size) words; over 64 bytes the bytes are off-heap. */
// @ts-ignore: decorator
@external("shoal", "make_binary") export declare function makeBinary(size: u32): u64;
/** Words make_binary(size) takes. */
// @ts-ignore: decorator
@external("shoal", "binary_words") export declare function binaryWords(size: u32): usize;
/** Address of a binary's bytes. */
// @ts-ignore: decorator
@external("shoal", "binary_data") export declare function binaryData(t: u64): usize;
/** The integer field of `bits` bits at bit offset `off` from byte address `data` (flags: 2 little-endian, 4 signed, as BEAM's bit syntax): a small integer, or a big. Reserve 2 + ceil(bits / 64) words first. For fields over 64 bits (narrower ones compiled code reads itself). */
// @ts-ignore: decorator
@external("shoal", "bits_integer_get") export declare function bitsIntegerGet(data: usize, off: u64, bits: u32, flags: u32): u64;
/** Write integer v's low `bits` bits (two's complement) as a field at bit offset `off` from byte address `data` (flags: 2 little-endian). Takes no heap. */
// @ts-ignore: decorator
@external("shoal", "bits_integer_put") export declare function bitsIntegerPut(data: usize, off: u64, bits: u32, flags: u32, v: u64): void;
/** A map of n pairs, keys and values [] (fill them in: keys ascending in map-key order, docs/abi.md "Terms", no two =:=). 2 + 2n words. */
// @ts-ignore: decorator
@external("shoal", "make_map") export declare function makeMap(n: usize): u64;
/** A fun of function-table entry `entry` and `arity`, its nfree free variables [] (fill them in). 2 + nfree words. */
// @ts-ignore: decorator
@external("shoal", "make_fun") export declare function makeFun(entry: u32, arity: u32, nfree: usize): u64;

// ── Arithmetic
/** A + B (erlang:'+'/2): integers of any size; a float if either is a float. Raises error:badarith on a bad operand (the result is then the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "arith_add") export declare function arithAdd(a: u64, b: u64): u64;
/** A - B (erlang:'-'/2): as arith_add. Raises error:badarith on a bad operand (the result is then the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "arith_sub") export declare function arithSub(a: u64, b: u64): u64;
/** A * B (erlang:'*'/2): as arith_add. Raises error:badarith on a bad operand (the result is then the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "arith_mul") export declare function arithMul(a: u64, b: u64): u64;
/** A div B: integers only, truncated toward zero; badarith if B is 0. Raises error:badarith on a bad operand (the result is then the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "arith_div") export declare function arithDiv(a: u64, b: u64): u64;
/** A rem B: integers only, the sign of A; badarith if B is 0. Raises error:badarith on a bad operand (the result is then the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "arith_rem") export declare function arithRem(a: u64, b: u64): u64;
/** A / B (erlang:'/'/2): numbers, always a float; badarith if B is 0 or 0.0. Raises error:badarith on a bad operand (the result is then the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "arith_fdiv") export declare function arithFdiv(a: u64, b: u64): u64;
/** -A (unary minus): an integer of any size or a float (-0.0 for 0.0). Raises error:badarith on a bad operand (the result is then the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "arith_neg") export declare function arithNeg(a: u64): u64;
/** A band B: integers of any size, in two's complement. Raises error:badarith on a bad operand (the result is then the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "arith_band") export declare function arithBand(a: u64, b: u64): u64;
/** A bor B: as arith_band. Raises error:badarith on a bad operand (the result is then the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "arith_bor") export declare function arithBor(a: u64, b: u64): u64;
/** A bxor B: as arith_band. Raises error:badarith on a bad operand (the result is then the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "arith_bxor") export declare function arithBxor(a: u64, b: u64): u64;
/** bnot A (-A - 1): an integer of any size. Raises error:badarith on a bad operand (the result is then the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "arith_bnot") export declare function arithBnot(a: u64): u64;
/** A bsl B: A * 2^B for integers (B < 0 shifts right); error:system_limit past the largest integer (2^21 32-bit digits). Raises error:badarith on a bad operand (the result is then the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "arith_bsl") export declare function arithBsl(a: u64, b: u64): u64;
/** A bsr B: floor(A / 2^B) for integers (B < 0 shifts left, as arith_bsl). Raises error:badarith on a bad operand (the result is then the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "arith_bsr") export declare function arithBsr(a: u64, b: u64): u64;

// ── Numeric conversions (natives of the erlang module)
/** erlang:integer_to_list(I): its decimal digits as a list. Raises error:badarg on a bad argument (the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "erlang_integer_to_list_1") export declare function erlangIntegerToList_1(a: u64): u64;
/** erlang:integer_to_list(I, Base): digits in Base 2..36, letters upper case. Raises error:badarg on a bad argument (the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "erlang_integer_to_list_2") export declare function erlangIntegerToList_2(a: u64, b: u64): u64;
/** erlang:integer_to_binary(I). Raises error:badarg on a bad argument (the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "erlang_integer_to_binary_1") export declare function erlangIntegerToBinary_1(a: u64): u64;
/** erlang:integer_to_binary(I, Base). Raises error:badarg on a bad argument (the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "erlang_integer_to_binary_2") export declare function erlangIntegerToBinary_2(a: u64, b: u64): u64;
/** erlang:list_to_integer(L): [+-]digits, nothing else. Raises error:badarg on a bad argument (the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "erlang_list_to_integer_1") export declare function erlangListToInteger_1(a: u64): u64;
/** erlang:list_to_integer(L, Base): digits of Base 2..36, either case. Raises error:badarg on a bad argument (the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "erlang_list_to_integer_2") export declare function erlangListToInteger_2(a: u64, b: u64): u64;
/** erlang:binary_to_integer(B). Raises error:badarg on a bad argument (the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "erlang_binary_to_integer_1") export declare function erlangBinaryToInteger_1(a: u64): u64;
/** erlang:binary_to_integer(B, Base). Raises error:badarg on a bad argument (the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "erlang_binary_to_integer_2") export declare function erlangBinaryToInteger_2(a: u64, b: u64): u64;
/** erlang:abs(N). Raises error:badarg on a bad argument (the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "erlang_abs_1") export declare function erlangAbs_1(a: u64): u64;
/** erlang:trunc(N): a float toward zero, as an integer of any size. Raises error:badarg on a bad argument (the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "erlang_trunc_1") export declare function erlangTrunc_1(a: u64): u64;
/** erlang:round(N): halves away from zero. Raises error:badarg on a bad argument (the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "erlang_round_1") export declare function erlangRound_1(a: u64): u64;
/** erlang:float(N): badarg past the largest double. Raises error:badarg on a bad argument (the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "erlang_float_1") export declare function erlangFloat_1(a: u64): u64;
/** erlang:float_to_list(F): "%.20e". Raises error:badarg on a bad argument (the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "erlang_float_to_list_1") export declare function erlangFloatToList_1(a: u64): u64;
/** erlang:float_to_list(F, Options): {decimals, N}, {scientific, N}, short, compact. Raises error:badarg on a bad argument (the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "erlang_float_to_list_2") export declare function erlangFloatToList_2(a: u64, b: u64): u64;
/** erlang:list_to_float(L): Erlang float syntax, correctly rounded. Raises error:badarg on a bad argument (the non-value 0). */
// @ts-ignore: decorator
@external("shoal", "erlang_list_to_float_1") export declare function erlangListToFloat_1(a: u64): u64;

// ── Exceptions
/** Install a handler that resumes at `resume` (an id of the compiled code's choosing): a frame of 2 slots on the shadow stack, recording the previous handler and the depth to restore. */
// @ts-ignore: decorator
@external("shoal", "try_enter") export declare function tryEnter(resume: i32): void;
/** Remove the newest handler (its body returned normally); its frame must be the newest. */
// @ts-ignore: decorator
@external("shoal", "try_leave") export declare function tryLeave(): void;
/** Raise (class, reason, trace), class throw, error or exit (any other: error:badarg): the newest handler's resume id, with the shadow stack back at that handler's depth and the handler removed; with no handler the process ends (throw: {{nocatch, Value}, Trace}; error: {Reason, Trace}; exit: Reason, as on BEAM). */
// @ts-ignore: decorator
@external("shoal", "raise") export declare function raise(cls: u64, reason: u64, trace: u64): i32;
/** Raise (class, reason) as raise does, with BEAM's stack trace: [frame | one frame per CP word on the shadow stack, newest first, a word equal to the previous counted once], 8 frames at most. `frame` is the raising place's {M, F, ArityOrArgs, Location}; `cp` the raising function's return address (a CP word) when it has no frame of its own on the shadow stack, else 0. May collect (reason and frame are kept meanwhile). */
// @ts-ignore: decorator
@external("shoal", "raise_trace") export declare function raiseTrace(cls: u64, reason: u64, frame: u64, cp: u64): i32;
/** Raise error:reason (an immediate) from a BIF compiled inline (element/2, hd/1, ...) with BEAM's trace for an error inside a BIF: [{m, f, Args, [{error_info, #{module => erl_erts_errors}}]} (erl_stdlib_errors for a module other than erlang), frame, the frame of cp | the callers' frames], Args the n terms in the newest n root slots (left by the raise). frame and cp as raise_trace's. May collect. */
// @ts-ignore: decorator
@external("shoal", "bif_raise") export declare function bifRaise(reason: u64, m: u64, f: u64, n: i32, frame: u64, cp: u64): i32;
/** After a call that returned the non-value 0: if the raise was a native's (a BIF's), complete its trace as BEAM's: [{m, f, Args, ErrorInfo} (none when m is 0), frame (none when 0), the frame of cp (a CP word, or 0) | the callers' frames walked at the raise]; a raise in compiled code keeps its own. Args: the n terms in the newest n root slots, which this leaves. A native's error in a process with no handler ends the process here, its trace whole. May collect. */
// @ts-ignore: decorator
@external("shoal", "bif_trace") export declare function bifTrace(m: u64, f: u64, n: i32, frame: u64, cp: u64): void;
/** After apply returned the non-value 0 for a fun call (call_fun of a non-fun, or of the wrong arity): BEAM's trace for {badfun, F} and {badarity, ...}: [frame, frame, the frame of cp | the callers' frames]. A raise in compiled code keeps its own. May collect. */
// @ts-ignore: decorator
@external("shoal", "fun_trace") export declare function funTrace(frame: u64, cp: u64): void;
/** Register a compiled module's frame table, a literal tuple {Bases, Frames, Sites}: continuation id K = Group << 16 | Pos has the frame Frames[Bases[Group] + Pos] (Pos below Bases[Group + 1] - Bases[Group]), call site id K = 2^31 | N the frame Sites[N]; each frame {M, F, Arity, Location} with the line of the call that continues at K, or [] for none. The module id (>= 1) its CP words carry (module id << 38 | K << 6 | 0x1B); -1 for a table of another shape. */
// @ts-ignore: decorator
@external("shoal", "trace_module") export declare function traceModule(table: u64): i32;
/** The exception being handled: its class (throw, error or exit; 0 if none). Collects only to settle a native's raise that its caller did not complete with bif_trace (its {Tag, Value} reason is made then). */
// @ts-ignore: decorator
@external("shoal", "exc_class") export declare function excClass(): u64;
/** The exception's reason. */
// @ts-ignore: decorator
@external("shoal", "exc_reason") export declare function excReason(): u64;
/** The exception's stack trace (what raise was given; a native's error: BEAM's once its caller completed it with bif_trace, else the callers' frames; apply's undef: [{M, F, Args, []} | the callers' frames]). */
// @ts-ignore: decorator
@external("shoal", "exc_trace") export declare function excTrace(): u64;
/** Forget the exception (after the catch clause has read it), so it keeps its terms alive no longer. */
// @ts-ignore: decorator
@external("shoal", "exc_clear") export declare function excClear(): void;
/** The resume id the last raise went to. A raise inside a call (an ABI call that may raise, or a callee compiled with native calls) gives its id to that call's code only, which returns the non-value 0; a dispatch loop that runs several functions' handlers reads the id here. */
// @ts-ignore: decorator
@external("shoal", "exc_resume") export declare function excResume(): i32;
/** Bytes of the running process's shadow stack in use (its top minus shoal_sp): a depth that survives the region moving when it grows. Code that nests dispatch loops natively compares it, after a raise, with its own bottom frame's to tell whether the handler is its own. */
// @ts-ignore: decorator
@external("shoal", "stack_depth") export declare function stackDepth(): i32;

// ── Calls by name, funs and apply
/** fun(args...) (erlang:apply/2): the fun's result. Raises error:{badfun, F} or error:{badarity, {F, Args}} (the result is then the non-value 0). May collect and suspend. */
// @ts-ignore: decorator
@external("shoal", "apply") export declare function apply(fun: u64, args: u64): u64;
/** module:function(args...) (erlang:apply/3): its result. Raises error:undef (trace [{M, F, Args, []}]) if no such export (the result is then 0). May collect and suspend. */
// @ts-ignore: decorator
@external("shoal", "apply_mfa") export declare function applyMfa(module: u64, fn: u64, args: u64): u64;
/** Function-table index of the linked entry module:function/arity, or -1: for a compiler's calls to other modules resolved at run time. */
// @ts-ignore: decorator
@external("shoal", "export_lookup") export declare function exportLookup(module: u64, fn: u64, arity: u32): i32;

// ── The host
/** Call the host function `name` (an atom: a key of Runtime.start({ imports })) with the terms in the list `args`; its result. An unknown function, a throw, or a result with no term raises error:Reason (the result is then the non-value 0). May collect; never suspends. */
// @ts-ignore: decorator
@external("shoal", "host_call") export declare function hostCall(name: u64, args: u64): u64;
/** Write `len` bytes at `ptr` (UTF-8 text) to standard output (Runtime.start({ stdout }); Node: process.stdout). */
// @ts-ignore: decorator
@external("shoal", "stdout_write") export declare function stdoutWrite(ptr: usize, len: usize): void;

// ── Messages
/** Send `msg` to `pid`, copying it into the receiver; a dead or stale pid drops it silently. */
// @ts-ignore: decorator
@external("shoal", "send") export declare function send(pid: u64, msg: u64): void;
/** Send `msg` to the process registered as `name`; false (badarg) if no process has that name. */
// @ts-ignore: decorator
@external("shoal", "send_named") export declare function sendNamed(name: u64, msg: u64): bool;
/** Receive, step 1: the message at the save position, or 0 when none is left. */
// @ts-ignore: decorator
@external("shoal", "recv_peek") export declare function recvPeek(): u64;
/** Receive: that message did not match; move past it. */
// @ts-ignore: decorator
@external("shoal", "recv_next") export declare function recvNext(): void;
/** Receive: that message matched; take it out of the mailbox (returns it). */
// @ts-ignore: decorator
@external("shoal", "recv_accept") export declare function recvAccept(): u64;
/** Receive: nothing matched; wait for a new message (true) or the timeout in ms (false; 0 polls, Infinity waits forever). Suspends. */
// @ts-ignore: decorator
@external("shoal", "recv_wait") export declare function recvWait(ms: f64): bool;
/** Receive: after a timeout, reset the save position. */
// @ts-ignore: decorator
@external("shoal", "recv_timeout") export declare function recvTimeout(): void;

// ── Links, monitors and exit signals
/** link(Pid): link the caller and `pid`; true. A dead pid: a caller trapping exits gets {'EXIT', Pid, noproc}; one that does not raises error:noproc (the result is then the non-value 0), as BEAM. Linking again, or to itself, does nothing. */
// @ts-ignore: decorator
@external("shoal", "link") export declare function link(pid: u64): u64;
/** unlink(Pid): remove the link from both ends, if there is one. */
// @ts-ignore: decorator
@external("shoal", "unlink") export declare function unlink(pid: u64): void;
/** exit(Pid, Reason) (erlang:exit/2): send `pid` an exit signal: `kill` ends it with `killed` (untrappable); a process trapping exits gets {'EXIT', Self, Reason}; `normal` is ignored by one that does not; any other reason ends it. False if `pid` is not alive. Ends the caller if it signals itself. */
// @ts-ignore: decorator
@external("shoal", "exit_signal") export declare function exitSignal(pid: u64, reason: u64): bool;
/** process_flag(trap_exit, On): exit signals become {'EXIT', From, Reason} messages; returns the old value. */
// @ts-ignore: decorator
@external("shoal", "trap_exit") export declare function trapExit(on: bool): bool;
/** erlang:monitor(process, Pid): a new reference; {'DOWN', Ref, process, Pid, Reason} comes when `pid` ends (at once, with noproc, if it is not alive). spawn_mfa then monitor is spawn_monitor. */
// @ts-ignore: decorator
@external("shoal", "monitor") export declare function monitor(pid: u64): u64;
/** erlang:demonitor(Ref) (flush: demonitor(Ref, [flush]), which also removes its 'DOWN' message if one came): whether the monitor was still active. */
// @ts-ignore: decorator
@external("shoal", "demonitor") export declare function demonitor(ref: u64, flush: bool): bool;

// ── Supervisors
/** supervisor:start_link(Spec): start a supervisor (assembly/runtime/supervisor.ts) linked to the caller; its pid, or system_limit. Spec is {Strategy, Intensity, Period, [{Id, {M, F, Args}, Restart, Shutdown}, ...]}; a bad spec ends the supervisor with badarg. */
// @ts-ignore: decorator
@external("shoal", "supervisor_start") export declare function supervisorStart(spec: u64): u64;

// ── Timers and clocks
/** erlang:send_after/3: after `ms` (0 to 2^53 - 1) ms of host time, send a copy of `msg` to `dest`, a pid or an atom (a registered name, looked up then); a new reference naming the timer, or the atom badarg (`ms` out of range, `dest` neither pid nor atom) or system_limit. The message is copied when the timer is set. */
// @ts-ignore: decorator
@external("shoal", "send_after") export declare function sendAfter(ms: f64, dest: u64, msg: u64): u64;
/** erlang:cancel_timer/1: the ms it had left, an integer rounded up (0 once due), or false if `ref` names no timer (fired, cancelled, another runtime's); badarg if `ref` is not a reference. */
// @ts-ignore: decorator
@external("shoal", "cancel_timer") export declare function cancelTimer(ref: u64): u64;
/** erlang:read_timer/1: the same as cancel_timer, without cancelling. */
// @ts-ignore: decorator
@external("shoal", "read_timer") export declare function readTimer(ref: u64): u64;
/** erlang:monotonic_time(): nanoseconds of the host's monotonic clock (performance.now()); it never goes back; its zero is arbitrary. */
// @ts-ignore: decorator
@external("shoal", "monotonic_time") export declare function monotonicTime(): i64;
/** erlang:system_time(): nanoseconds since 1970-01-01 UTC: the monotonic clock plus an offset fixed at start (performance.timeOrigin), as BEAM's default no_time_warp mode. */
// @ts-ignore: decorator
@external("shoal", "system_time") export declare function systemTime(): i64;

// ── The process dictionary
/** The value under `key` in the caller's dictionary, or the atom undefined (erlang:get/1). */
// @ts-ignore: decorator
@external("shoal", "dict_get") export declare function dictGet(key: u64): u64;
/** Store `value` under `key`; the old value or undefined (erlang:put/2). May collect. */
// @ts-ignore: decorator
@external("shoal", "dict_put") export declare function dictPut(key: u64, value: u64): u64;
/** Remove `key`; its value or undefined (erlang:erase/1). May collect. */
// @ts-ignore: decorator
@external("shoal", "dict_erase") export declare function dictErase(key: u64): u64;

// ── Terms, atoms, the External Term Format, raw memory
/** -1, 0 or 1 in Erlang's term order, as BEAM compares (maps: by size, keys in map-key order, then values); 0 only when `a =:= b`: terms BEAM finds equal (==) but not =:= (1 and 1.0, {a, 1} and {a, 1.0}) are ordered in map-key order. */
// @ts-ignore: decorator
@external("shoal", "term_compare") export declare function termCompare(a: u64, b: u64): i32;
/** -1, 0 or 1 in Erlang's term order itself, as BEAM's ==, /=, <, >=, =<, > see it: 0 when `a == b` (1 and 1.0, {a, 1} and {a, 1.0}, #{k => 1} and #{k => 1.0} are equal). What compiled comparisons call; term_compare is the total order made of it, for sorting. */
// @ts-ignore: decorator
@external("shoal", "term_order") export declare function termOrder(a: u64, b: u64): i32;
/** Whether `a` =:= `b` (exact: 1 and 1.0 differ). */
// @ts-ignore: decorator
@external("shoal", "term_equal") export declare function termEqual(a: u64, b: u64): bool;
/** `erlang:phash2(t)` for `range` 0, `erlang:phash2(t, range)` for `range` 1..2^32, with OTP 25's numbers (gc/term/hash.ts; funs hash by their entry and free variables, not as on BEAM); -1 for any other `range` (badarg). `range` is an i64 because phash2/2 takes 2^32. Charges no reductions: a caller hashing a huge term charges them itself. */
// @ts-ignore: decorator
@external("shoal", "term_hash") export declare function termHash(t: u64, range: i64): i64;
/** erlang:make_ref(): a new reference (3 words on the caller's heap), unique in this runtime; it carries the runtime's creation, so no other runtime's reference is equal to it. */
// @ts-ignore: decorator
@external("shoal", "make_ref") export declare function makeRef(): u64;
/** Intern the UTF-8 name at ptr..ptr+len; its atom index (the atom term is index << 6 | 0x0B), or an AtomResult: -1 the table is full (system_limit), -2 not UTF-8 or over 255 characters (badarg). */
// @ts-ignore: decorator
@external("shoal", "atom_intern") export declare function atomIntern(ptr: usize, len: i32): i32;
/** Heap words binary_to_term of the External Term Format bytes at ptr..ptr+len takes, or -1 if they are malformed or unsupported. */
// @ts-ignore: decorator
@external("shoal", "etf_decoded_words") export declare function etfDecodedWords(ptr: usize, len: usize): i64;
/** binary_to_term of the External Term Format bytes at ptr..ptr+len, built on the caller's heap; 0 if they are malformed or unsupported. May collect. */
// @ts-ignore: decorator
@external("shoal", "etf_decode") export declare function etfDecode(ptr: usize, len: usize): u64;
/** Bytes term_to_binary(t) takes, or -1 if t holds a fun. */
// @ts-ignore: decorator
@external("shoal", "etf_encode_size") export declare function etfEncodeSize(t: u64): i64;
/** Write term_to_binary(t) at out (etf_encode_size(t) bytes); returns the bytes written. */
// @ts-ignore: decorator
@external("shoal", "etf_encode") export declare function etfEncode(t: u64, out: usize): usize;
/** `size` bytes outside every heap (never moved, never collected): buffers, tables. 0 never. */
// @ts-ignore: decorator
@external("shoal", "raw_alloc") export declare function rawAlloc(size: usize): usize;
/** Free what raw_alloc returned. */
// @ts-ignore: decorator
@external("shoal", "raw_free") export declare function rawFree(ptr: usize): void;

// ── Control calls process code may make
/** The pid registered as `name`, or the atom undefined. */
// @ts-ignore: decorator
@external("shoal", "whereis") export declare function whereis(name: u64): u64;
/** Register `pid` as atom `name`; false (badarg) if taken, dead, or already named. */
// @ts-ignore: decorator
@external("shoal", "register") export declare function register(name: u64, pid: u64): bool;
/** Remove a registered name; false if it was not registered. */
// @ts-ignore: decorator
@external("shoal", "unregister") export declare function unregister(name: u64): bool;
/** The pid processes send to reach the host (env.host_message). */
// @ts-ignore: decorator
@external("shoal", "host_pid") export declare function hostPid(): u64;
/** Whether `pid` names a live process. */
// @ts-ignore: decorator
@external("shoal", "is_alive") export declare function isAlive(pid: u64): bool;
/** The pid of the live process in process slot `slot` (0 .. stat_slots() - 1), or 0 if the slot is free: the host's Runtime.processes() walks the slots in order, as the native erlang:processes/0 does. */
// @ts-ignore: decorator
@external("shoal", "process_at") export declare function processAt(slot: u32): u64;
/** A figure of a live process's heap (HeapFigure); -1 if dead. */
// @ts-ignore: decorator
@external("shoal", "process_heap") export declare function processHeap(pid: u64, what: i32): i64;
/** The index of the atom named by the UTF-8 bytes at ptr..ptr+len, or -1 if no such atom exists (nothing is interned: for lookups). */
// @ts-ignore: decorator
@external("shoal", "atom_find") export declare function atomFind(ptr: usize, len: i32): i32;
/** Address of atom i's UTF-8 name. */
// @ts-ignore: decorator
@external("shoal", "atom_name_ptr") export declare function atomNamePtr(i: i32): usize;
/** Bytes of atom i's name. */
// @ts-ignore: decorator
@external("shoal", "atom_name_len") export declare function atomNameLen(i: i32): i32;
/** Atoms interned so far. */
// @ts-ignore: decorator
@external("shoal", "atom_count") export declare function atomCount(): i32;
/** Processes alive now. */
// @ts-ignore: decorator
@external("shoal", "stat_live") export declare function statLive(): u32;
/** Processes spawned since start. */
// @ts-ignore: decorator
@external("shoal", "stat_spawned") export declare function statSpawned(): u64;
/** Stack switches since start. */
// @ts-ignore: decorator
@external("shoal", "stat_switches") export declare function statSwitches(): u64;
/** Reductions spent since start. */
// @ts-ignore: decorator
@external("shoal", "stat_reductions") export declare function statReductions(): u64;
/** Process slots made (on WasmFX, each holds a stack). */
// @ts-ignore: decorator
@external("shoal", "stat_slots") export declare function statSlots(): u32;
/** The most processes that may be alive at once now. */
// @ts-ignore: decorator
@external("shoal", "stat_max_processes") export declare function statMaxProcesses(): u32;
/** Bytes of heap blocks held by all processes. */
// @ts-ignore: decorator
@external("shoal", "stat_heap_bytes") export declare function statHeapBytes(): u64;
/** Off-heap binaries alive. */
// @ts-ignore: decorator
@external("shoal", "stat_offheap_count") export declare function statOffheapCount(): u32;
/** Bytes of off-heap binaries alive. */
// @ts-ignore: decorator
@external("shoal", "stat_offheap_bytes") export declare function statOffheapBytes(): u64;
/** Messages sent since start. */
// @ts-ignore: decorator
@external("shoal", "stat_messages_sent") export declare function statMessagesSent(): u64;
/** Messages waiting in mailboxes now. */
// @ts-ignore: decorator
@external("shoal", "stat_messages_queued") export declare function statMessagesQueued(): u64;
/** Mailbox length of a live process, -1 if dead. */
// @ts-ignore: decorator
@external("shoal", "mailbox_length") export declare function mailboxLength(pid: u64): i32;
/** Message timers armed now (send_after). */
// @ts-ignore: decorator
@external("shoal", "stat_timers") export declare function statTimers(): u32;
/** Bytes the armed message timers hold (their message copies). */
// @ts-ignore: decorator
@external("shoal", "stat_timer_bytes") export declare function statTimerBytes(): u64;
