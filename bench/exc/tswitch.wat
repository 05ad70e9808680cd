;; (c') The trampoline of tramp.wat with the dispatch inside one function:
;; every continuation of the module is a label of one loop, entered through
;; a br_table on the continuation's number, so a call or a return within
;; the module is a branch and not a call_indirect through a dispatcher
;; (BEAM's threaded code, or a compiler's label-dispatch loop). A call to
;; another module would return to the scheduler-level dispatcher as in
;; tramp.wat; these kernels make none. The registers ($x0, the handler, the
;; loop's count) are locals of that function, so the engine keeps them in
;; machine registers.
;;
;; Frames, handlers and raise are tramp.wat's: a frame's slot 0 holds the
;; return continuation (its label number, a small integer), a handler frame
;; [after the body, the handler, the previous handler]; a raise sets shoal_sp
;; back to the innermost handler's frame and branches to its continuation.
;; The region is grown once before timing so that it never moves (tramp.wat
;; says why).
;;
;; Three entries, differing in how a frame is entered and how a process
;; yields:
;;   exc_tswitch:run(Kind, D, N)     frame_enter(n), the ABI's call (it checks
;;                                   the region, zeroes the slots); reduce's
;;                                   yield_now called in place
;;   exc_tswitch:inline(Kind, D, N)  frames entered inline: shoal_sp -= 8n,
;;                                   checked against a limit, the slots
;;                                   written at once (no zeroing: nothing can
;;                                   collect before they are written). The ABI
;;                                   exports no limit (only frame_enter knows
;;                                   the region), so the kernel takes the
;;                                   bound its growing of the region
;;                                   guarantees; a runtime would export the
;;                                   limit as it does shoal_sp, and call
;;                                   frame_enter past it. This is what the
;;                                   push would cost with that ABI.
;;   exc_tswitch:yielding(Kind, D, N)  inline frames, and a yield by return:
;;                                   when the slice's budget is gone the loop
;;                                   saves its registers and returns, its
;;                                   caller calls yield_now and enters the
;;                                   loop again at the same label. No Wasm
;;                                   frame of the loop is live across a
;;                                   suspension, so Binaryen's Asyncify
;;                                   leaves it uninstrumented (it calls
;;                                   nothing that can unwind) and unwinds
;;                                   only the caller.
;; Conventions and kinds as in flag.wat; no kind 4. (The label blocks were
;; generated once by a script, for their nesting; edit them as WAT.)
(module
  (import "shoal" "memory" (memory 0))
  (import "shoal" "shoal_budget" (global $budget (mut i32)))
  (import "shoal" "shoal_sp" (global $sp (mut i32)))
  (import "shoal" "yield_now" (func $yield_now))
  (import "shoal" "frame_enter" (func $frame_enter (param i32)))
  (import "shoal" "frame_leave" (func $frame_leave (param i32)))
  (import "shoal" "host_pid" (func $host_pid (result i64)))
  (import "shoal" "send" (func $send (param i64 i64)))
  (import "env" "now" (func $now (result f64)))

  (global $class (mut i64) (i64.const 0))
  (global $reason (mut i64) (i64.const 0))
  ;; kinds 5 and 6: when the raise started (ms), the intervals summed, the back-to-back clock reads summed (ms)
  (global $t_raise (mut f64) (f64.const 0))
  (global $sum (mut f64) (f64.const 0))
  (global $clk (mut f64) (f64.const 0))
  ;; kind 7: raises alternate between depth D (counted +1) and 1 (-1)
  (global $paired (mut i32) (i32.const 0))
  (global $sign (mut f64) (f64.const 1))
  ;; exc_tswitch:inline: the lowest address a frame may take (see above)
  (global $limit (mut i32) (i32.const 0))
  ;; exc_tswitch:yielding: the registers of $exec_ret while it is out for a yield, and where it resumes
  (global $rk (mut i32) (i32.const 0))
  (global $rx0 (mut i64) (i64.const 0))
  (global $ri (mut i64) (i64.const 0))
  (global $racc (mut i64) (i64.const 0))
  (global $rh (mut i32) (i32.const 0))

  ;; the clock's interval since t (ms), or 0 past 50 us: the thread was paused (the OS, the
  ;; engine), which is no part of what is timed (kinds 5 and 6)
  (func $since (param $t f64) (result f64)
    (local $dt f64)
    (local.set $dt (f64.sub (call $now) (local.get $t)))
    (select (local.get $dt) (f64.const 0) (f64.lt (local.get $dt) (f64.const 0.05))))

  (func $reduce
    (local $b i32)
    (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
    (if (i32.le_s (local.get $b) (i32.const 0)) (then (call $yield_now))))

  ;; run from continuation k until the loop is done (frames entered with frame_enter); the checksum
  (func $exec (param $k i32) (param $d i64) (param $n i64) (result i64)
    (local $x0 i64) (local $i i64) (local $acc i64) (local $handler i32) (local $t f64)
    (block $halt
      (loop $dispatch
        (block $L17
        (block $L16
        (block $L15
        (block $L14
        (block $L13
        (block $L12
        (block $L11
        (block $L10
        (block $L9
        (block $L8
        (block $L7
        (block $L6
        (block $L5
        (block $L4
        (block $L3
        (block $L2
        (block $L1
        (block $L0
          (br_table $L0 $L1 $L2 $L3 $L4 $L5 $L6 $L7 $L8 $L9 $L10 $L11 $L12 $L13 $L14 $L15 $L16 $L17 $halt (local.get $k))
          )
        ;; 0 deep: deep(1) -> throw(42); deep(D) -> 1 + deep(D - 1)
        (call $reduce)
        (if (i64.eq (local.get $x0) (i64.const 0x1F)) (then
          (global.set $class (i64.const 971))
          (global.set $reason (i64.const 0x2AF))
          (global.set $sp (local.get $handler))
          (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load offset=8 (global.get $sp)) (i64.const 4))))
          (br $dispatch)
        ))
        (call $frame_enter (i32.const 1))
        (i64.store (global.get $sp) (i64.const 31))
        (local.set $x0 (i64.sub (local.get $x0) (i64.const 16)))
        (local.set $k (i32.const 0))
        (br $dispatch)
          )
        ;; 1 deep_after: deep's return point: 1 + the result
        (call $frame_leave (i32.const 1))
        (local.set $x0 (i64.add (local.get $x0) (i64.const 16)))
        (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load (global.get $sp)) (i64.const 4))))
        (br $dispatch)
          )
        ;; 2 ret: deep_ret(1) -> 0; deep_ret(D) -> 1 + deep_ret(D - 1)
        (call $reduce)
        (if (i64.eq (local.get $x0) (i64.const 0x1F)) (then
          (local.set $x0 (i64.const 0xF))
          (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load (global.get $sp)) (i64.const 4))))
          (br $dispatch)
        ))
        (call $frame_enter (i32.const 1))
        (i64.store (global.get $sp) (i64.const 63))
        (local.set $x0 (i64.sub (local.get $x0) (i64.const 16)))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 3 ret_after: deep_ret's return point
        (call $frame_leave (i32.const 1))
        (local.set $x0 (i64.add (local.get $x0) (i64.const 16)))
        (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load (global.get $sp)) (i64.const 4))))
        (br $dispatch)
          )
        ;; 4 raise_loop: kind 0: try deep(D) catch throw:42
        (call $reduce)
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (call $frame_enter (i32.const 3))
        (i64.store (global.get $sp) (i64.const 95))
        (i64.store offset=8 (global.get $sp) (i64.const 111))
        (i64.store offset=16 (global.get $sp) (i64.or (i64.shl (i64.extend_i32_u (local.get $handler)) (i64.const 4)) (i64.const 0xF)))
        (local.set $handler (global.get $sp))
        (local.set $x0 (local.get $d))
        (local.set $k (i32.const 0))
        (br $dispatch)
          )
        ;; 5 raise_missed: deep returned: wrong
        (local.set $handler (i32.wrap_i64 (i64.shr_u (i64.load offset=16 (global.get $sp)) (i64.const 4))))
        (call $frame_leave (i32.const 3))
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))
        (local.set $k (i32.const 4))
        (br $dispatch)
          )
        ;; 6 raise_caught: the handler
        (local.set $handler (i32.wrap_i64 (i64.shr_u (i64.load offset=16 (global.get $sp)) (i64.const 4))))
        (call $frame_leave (i32.const 3))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.and (i64.eq (global.get $class) (i64.const 971)) (i64.eq (global.get $reason) (i64.const 0x2AF))))))
        (local.set $k (i32.const 4))
        (br $dispatch)
          )
        ;; 7 handler_loop: kind 1: try deep_ret(1) catch ...
        (call $reduce)
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (call $frame_enter (i32.const 3))
        (i64.store (global.get $sp) (i64.const 143))
        (i64.store offset=8 (global.get $sp) (i64.const 159))
        (i64.store offset=16 (global.get $sp) (i64.or (i64.shl (i64.extend_i32_u (local.get $handler)) (i64.const 4)) (i64.const 0xF)))
        (local.set $handler (global.get $sp))
        (local.set $x0 (i64.const 0x1F))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 8 handler_end: the body returned
        (local.set $handler (i32.wrap_i64 (i64.shr_u (i64.load offset=16 (global.get $sp)) (i64.const 4))))
        (call $frame_leave (i32.const 3))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $x0) (i64.const 0xF)))))
        (local.set $k (i32.const 7))
        (br $dispatch)
          )
        ;; 9 handler_caught: the handler: wrong
        (local.set $handler (i32.wrap_i64 (i64.shr_u (i64.load offset=16 (global.get $sp)) (i64.const 4))))
        (call $frame_leave (i32.const 3))
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))
        (local.set $k (i32.const 7))
        (br $dispatch)
          )
        ;; 10 call_loop: kind 2: deep_ret(1)
        (call $reduce)
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (call $frame_enter (i32.const 1))
        (i64.store (global.get $sp) (i64.const 191))
        (local.set $x0 (i64.const 0x1F))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 11 call_ret: its return point
        (call $frame_leave (i32.const 1))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $x0) (i64.const 0xF)))))
        (local.set $k (i32.const 10))
        (br $dispatch)
          )
        ;; 12 chain_loop: kind 3: deep_ret(D)
        (call $reduce)
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (call $frame_enter (i32.const 1))
        (i64.store (global.get $sp) (i64.const 223))
        (local.set $x0 (local.get $d))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 13 chain_ret: its return point
        (call $frame_leave (i32.const 1))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $x0) (i64.sub (local.get $d) (i64.const 16))))))
        (local.set $k (i32.const 12))
        (br $dispatch)
          )
        ;; 14 deep_t: deep with the clock read just before the raise (kind 5); returns through deep_after
        (call $reduce)
        (if (i64.eq (local.get $x0) (i64.const 0x1F)) (then
          (global.set $t_raise (call $now))
          (global.set $class (i64.const 971))
          (global.set $reason (i64.const 0x2AF))
          (global.set $sp (local.get $handler))
          (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load offset=8 (global.get $sp)) (i64.const 4))))
          (br $dispatch)
        ))
        (call $frame_enter (i32.const 1))
        (i64.store (global.get $sp) (i64.const 31))
        (local.set $x0 (i64.sub (local.get $x0) (i64.const 16)))
        (local.set $k (i32.const 14))
        (br $dispatch)
          )
        ;; 15 timed_loop: kind 5: kind 0, timed from the raise to the handler, less two clock reads back to back; kind 7: every other raise from depth 1, counted negative
        (call $reduce)
        (if (i64.ge_s (local.get $i) (local.get $n)) (then
          (global.set $sum (f64.sub (global.get $sum) (global.get $clk)))
          (br $halt)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (global.set $sign (f64.const 1))
        (local.set $x0 (local.get $d))
        (if (i32.and (global.get $paired) (i32.wrap_i64 (i64.and (local.get $i) (i64.const 1))))
          (then (global.set $sign (f64.const -1)) (local.set $x0 (i64.const 0x1F))))
        (local.set $t (call $now))
        (global.set $clk (f64.add (global.get $clk) (f64.mul (global.get $sign) (call $since (local.get $t)))))
        (call $frame_enter (i32.const 3))
        (i64.store (global.get $sp) (i64.const 271))
        (i64.store offset=8 (global.get $sp) (i64.const 287))
        (i64.store offset=16 (global.get $sp) (i64.or (i64.shl (i64.extend_i32_u (local.get $handler)) (i64.const 4)) (i64.const 0xF)))
        (local.set $handler (global.get $sp))
        (local.set $k (i32.const 14))
        (br $dispatch)
          )
        ;; 16 timed_missed: deep_t returned: wrong
        (local.set $handler (i32.wrap_i64 (i64.shr_u (i64.load offset=16 (global.get $sp)) (i64.const 4))))
        (call $frame_leave (i32.const 3))
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))
        (local.set $k (i32.const 15))
        (br $dispatch)
          )
        ;; 17 timed_caught: the handler, clock first
        (global.set $sum (f64.add (global.get $sum) (f64.mul (global.get $sign) (call $since (global.get $t_raise)))))
        (local.set $handler (i32.wrap_i64 (i64.shr_u (i64.load offset=16 (global.get $sp)) (i64.const 4))))
        (call $frame_leave (i32.const 3))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.and (i64.eq (global.get $class) (i64.const 971)) (i64.eq (global.get $reason) (i64.const 0x2AF))))))
        (local.set $k (i32.const 15))
        (br $dispatch)
      ))

    (local.get $acc))

  ;; the same with frames entered inline: shoal_sp moved and checked against $limit
  (func $exec_inline (param $k i32) (param $d i64) (param $n i64) (result i64)
    (local $x0 i64) (local $i i64) (local $acc i64) (local $handler i32) (local $t f64)
    (block $halt
      (loop $dispatch
        (block $L17
        (block $L16
        (block $L15
        (block $L14
        (block $L13
        (block $L12
        (block $L11
        (block $L10
        (block $L9
        (block $L8
        (block $L7
        (block $L6
        (block $L5
        (block $L4
        (block $L3
        (block $L2
        (block $L1
        (block $L0
          (br_table $L0 $L1 $L2 $L3 $L4 $L5 $L6 $L7 $L8 $L9 $L10 $L11 $L12 $L13 $L14 $L15 $L16 $L17 $halt (local.get $k))
          )
        ;; 0 deep: deep(1) -> throw(42); deep(D) -> 1 + deep(D - 1)
        (call $reduce)
        (if (i64.eq (local.get $x0) (i64.const 0x1F)) (then
          (global.set $class (i64.const 971))
          (global.set $reason (i64.const 0x2AF))
          (global.set $sp (local.get $handler))
          (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load offset=8 (global.get $sp)) (i64.const 4))))
          (br $dispatch)
        ))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
        (if (i32.lt_u (global.get $sp) (global.get $limit)) (then (unreachable)))
        (i64.store (global.get $sp) (i64.const 31))
        (local.set $x0 (i64.sub (local.get $x0) (i64.const 16)))
        (local.set $k (i32.const 0))
        (br $dispatch)
          )
        ;; 1 deep_after: deep's return point: 1 + the result
        (call $frame_leave (i32.const 1))
        (local.set $x0 (i64.add (local.get $x0) (i64.const 16)))
        (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load (global.get $sp)) (i64.const 4))))
        (br $dispatch)
          )
        ;; 2 ret: deep_ret(1) -> 0; deep_ret(D) -> 1 + deep_ret(D - 1)
        (call $reduce)
        (if (i64.eq (local.get $x0) (i64.const 0x1F)) (then
          (local.set $x0 (i64.const 0xF))
          (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load (global.get $sp)) (i64.const 4))))
          (br $dispatch)
        ))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
        (if (i32.lt_u (global.get $sp) (global.get $limit)) (then (unreachable)))
        (i64.store (global.get $sp) (i64.const 63))
        (local.set $x0 (i64.sub (local.get $x0) (i64.const 16)))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 3 ret_after: deep_ret's return point
        (call $frame_leave (i32.const 1))
        (local.set $x0 (i64.add (local.get $x0) (i64.const 16)))
        (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load (global.get $sp)) (i64.const 4))))
        (br $dispatch)
          )
        ;; 4 raise_loop: kind 0: try deep(D) catch throw:42
        (call $reduce)
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 24)))
        (if (i32.lt_u (global.get $sp) (global.get $limit)) (then (unreachable)))
        (i64.store (global.get $sp) (i64.const 95))
        (i64.store offset=8 (global.get $sp) (i64.const 111))
        (i64.store offset=16 (global.get $sp) (i64.or (i64.shl (i64.extend_i32_u (local.get $handler)) (i64.const 4)) (i64.const 0xF)))
        (local.set $handler (global.get $sp))
        (local.set $x0 (local.get $d))
        (local.set $k (i32.const 0))
        (br $dispatch)
          )
        ;; 5 raise_missed: deep returned: wrong
        (local.set $handler (i32.wrap_i64 (i64.shr_u (i64.load offset=16 (global.get $sp)) (i64.const 4))))
        (call $frame_leave (i32.const 3))
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))
        (local.set $k (i32.const 4))
        (br $dispatch)
          )
        ;; 6 raise_caught: the handler
        (local.set $handler (i32.wrap_i64 (i64.shr_u (i64.load offset=16 (global.get $sp)) (i64.const 4))))
        (call $frame_leave (i32.const 3))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.and (i64.eq (global.get $class) (i64.const 971)) (i64.eq (global.get $reason) (i64.const 0x2AF))))))
        (local.set $k (i32.const 4))
        (br $dispatch)
          )
        ;; 7 handler_loop: kind 1: try deep_ret(1) catch ...
        (call $reduce)
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 24)))
        (if (i32.lt_u (global.get $sp) (global.get $limit)) (then (unreachable)))
        (i64.store (global.get $sp) (i64.const 143))
        (i64.store offset=8 (global.get $sp) (i64.const 159))
        (i64.store offset=16 (global.get $sp) (i64.or (i64.shl (i64.extend_i32_u (local.get $handler)) (i64.const 4)) (i64.const 0xF)))
        (local.set $handler (global.get $sp))
        (local.set $x0 (i64.const 0x1F))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 8 handler_end: the body returned
        (local.set $handler (i32.wrap_i64 (i64.shr_u (i64.load offset=16 (global.get $sp)) (i64.const 4))))
        (call $frame_leave (i32.const 3))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $x0) (i64.const 0xF)))))
        (local.set $k (i32.const 7))
        (br $dispatch)
          )
        ;; 9 handler_caught: the handler: wrong
        (local.set $handler (i32.wrap_i64 (i64.shr_u (i64.load offset=16 (global.get $sp)) (i64.const 4))))
        (call $frame_leave (i32.const 3))
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))
        (local.set $k (i32.const 7))
        (br $dispatch)
          )
        ;; 10 call_loop: kind 2: deep_ret(1)
        (call $reduce)
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
        (if (i32.lt_u (global.get $sp) (global.get $limit)) (then (unreachable)))
        (i64.store (global.get $sp) (i64.const 191))
        (local.set $x0 (i64.const 0x1F))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 11 call_ret: its return point
        (call $frame_leave (i32.const 1))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $x0) (i64.const 0xF)))))
        (local.set $k (i32.const 10))
        (br $dispatch)
          )
        ;; 12 chain_loop: kind 3: deep_ret(D)
        (call $reduce)
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
        (if (i32.lt_u (global.get $sp) (global.get $limit)) (then (unreachable)))
        (i64.store (global.get $sp) (i64.const 223))
        (local.set $x0 (local.get $d))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 13 chain_ret: its return point
        (call $frame_leave (i32.const 1))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $x0) (i64.sub (local.get $d) (i64.const 16))))))
        (local.set $k (i32.const 12))
        (br $dispatch)
          )
        ;; 14 deep_t: deep with the clock read just before the raise (kind 5); returns through deep_after
        (call $reduce)
        (if (i64.eq (local.get $x0) (i64.const 0x1F)) (then
          (global.set $t_raise (call $now))
          (global.set $class (i64.const 971))
          (global.set $reason (i64.const 0x2AF))
          (global.set $sp (local.get $handler))
          (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load offset=8 (global.get $sp)) (i64.const 4))))
          (br $dispatch)
        ))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
        (if (i32.lt_u (global.get $sp) (global.get $limit)) (then (unreachable)))
        (i64.store (global.get $sp) (i64.const 31))
        (local.set $x0 (i64.sub (local.get $x0) (i64.const 16)))
        (local.set $k (i32.const 14))
        (br $dispatch)
          )
        ;; 15 timed_loop: kind 5: kind 0, timed from the raise to the handler, less two clock reads back to back; kind 7: every other raise from depth 1, counted negative
        (call $reduce)
        (if (i64.ge_s (local.get $i) (local.get $n)) (then
          (global.set $sum (f64.sub (global.get $sum) (global.get $clk)))
          (br $halt)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (global.set $sign (f64.const 1))
        (local.set $x0 (local.get $d))
        (if (i32.and (global.get $paired) (i32.wrap_i64 (i64.and (local.get $i) (i64.const 1))))
          (then (global.set $sign (f64.const -1)) (local.set $x0 (i64.const 0x1F))))
        (local.set $t (call $now))
        (global.set $clk (f64.add (global.get $clk) (f64.mul (global.get $sign) (call $since (local.get $t)))))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 24)))
        (if (i32.lt_u (global.get $sp) (global.get $limit)) (then (unreachable)))
        (i64.store (global.get $sp) (i64.const 271))
        (i64.store offset=8 (global.get $sp) (i64.const 287))
        (i64.store offset=16 (global.get $sp) (i64.or (i64.shl (i64.extend_i32_u (local.get $handler)) (i64.const 4)) (i64.const 0xF)))
        (local.set $handler (global.get $sp))
        (local.set $k (i32.const 14))
        (br $dispatch)
          )
        ;; 16 timed_missed: deep_t returned: wrong
        (local.set $handler (i32.wrap_i64 (i64.shr_u (i64.load offset=16 (global.get $sp)) (i64.const 4))))
        (call $frame_leave (i32.const 3))
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))
        (local.set $k (i32.const 15))
        (br $dispatch)
          )
        ;; 17 timed_caught: the handler, clock first
        (global.set $sum (f64.add (global.get $sum) (f64.mul (global.get $sign) (call $since (global.get $t_raise)))))
        (local.set $handler (i32.wrap_i64 (i64.shr_u (i64.load offset=16 (global.get $sp)) (i64.const 4))))
        (call $frame_leave (i32.const 3))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.and (i64.eq (global.get $class) (i64.const 971)) (i64.eq (global.get $reason) (i64.const 0x2AF))))))
        (local.set $k (i32.const 15))
        (br $dispatch)
      ))

    (local.get $acc))

  ;; the same with frames entered inline and yields by return: when the slice's budget is gone
  ;; it saves its registers and returns -1; its caller yields and calls it again at the label
  (func $exec_ret (param $k i32) (param $d i64) (param $n i64) (param $resume i32) (result i64)
    (local $x0 i64) (local $i i64) (local $acc i64) (local $handler i32) (local $t f64) (local $b i32)
    (if (local.get $resume) (then
      (local.set $x0 (global.get $rx0)) (local.set $i (global.get $ri))
      (local.set $acc (global.get $racc)) (local.set $handler (global.get $rh))))
    (block $halt
      (loop $dispatch
        (block $L17
        (block $L16
        (block $L15
        (block $L14
        (block $L13
        (block $L12
        (block $L11
        (block $L10
        (block $L9
        (block $L8
        (block $L7
        (block $L6
        (block $L5
        (block $L4
        (block $L3
        (block $L2
        (block $L1
        (block $L0
          (br_table $L0 $L1 $L2 $L3 $L4 $L5 $L6 $L7 $L8 $L9 $L10 $L11 $L12 $L13 $L14 $L15 $L16 $L17 $halt (local.get $k))
          )
        ;; 0 deep: deep(1) -> throw(42); deep(D) -> 1 + deep(D - 1)
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 0)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (global.set $rh (local.get $handler)) (return (i64.const -1))))
        (if (i64.eq (local.get $x0) (i64.const 0x1F)) (then
          (global.set $class (i64.const 971))
          (global.set $reason (i64.const 0x2AF))
          (global.set $sp (local.get $handler))
          (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load offset=8 (global.get $sp)) (i64.const 4))))
          (br $dispatch)
        ))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
        (if (i32.lt_u (global.get $sp) (global.get $limit)) (then (unreachable)))
        (i64.store (global.get $sp) (i64.const 31))
        (local.set $x0 (i64.sub (local.get $x0) (i64.const 16)))
        (local.set $k (i32.const 0))
        (br $dispatch)
          )
        ;; 1 deep_after: deep's return point: 1 + the result
        (call $frame_leave (i32.const 1))
        (local.set $x0 (i64.add (local.get $x0) (i64.const 16)))
        (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load (global.get $sp)) (i64.const 4))))
        (br $dispatch)
          )
        ;; 2 ret: deep_ret(1) -> 0; deep_ret(D) -> 1 + deep_ret(D - 1)
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 2)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (global.set $rh (local.get $handler)) (return (i64.const -1))))
        (if (i64.eq (local.get $x0) (i64.const 0x1F)) (then
          (local.set $x0 (i64.const 0xF))
          (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load (global.get $sp)) (i64.const 4))))
          (br $dispatch)
        ))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
        (if (i32.lt_u (global.get $sp) (global.get $limit)) (then (unreachable)))
        (i64.store (global.get $sp) (i64.const 63))
        (local.set $x0 (i64.sub (local.get $x0) (i64.const 16)))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 3 ret_after: deep_ret's return point
        (call $frame_leave (i32.const 1))
        (local.set $x0 (i64.add (local.get $x0) (i64.const 16)))
        (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load (global.get $sp)) (i64.const 4))))
        (br $dispatch)
          )
        ;; 4 raise_loop: kind 0: try deep(D) catch throw:42
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 4)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (global.set $rh (local.get $handler)) (return (i64.const -1))))
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 24)))
        (if (i32.lt_u (global.get $sp) (global.get $limit)) (then (unreachable)))
        (i64.store (global.get $sp) (i64.const 95))
        (i64.store offset=8 (global.get $sp) (i64.const 111))
        (i64.store offset=16 (global.get $sp) (i64.or (i64.shl (i64.extend_i32_u (local.get $handler)) (i64.const 4)) (i64.const 0xF)))
        (local.set $handler (global.get $sp))
        (local.set $x0 (local.get $d))
        (local.set $k (i32.const 0))
        (br $dispatch)
          )
        ;; 5 raise_missed: deep returned: wrong
        (local.set $handler (i32.wrap_i64 (i64.shr_u (i64.load offset=16 (global.get $sp)) (i64.const 4))))
        (call $frame_leave (i32.const 3))
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))
        (local.set $k (i32.const 4))
        (br $dispatch)
          )
        ;; 6 raise_caught: the handler
        (local.set $handler (i32.wrap_i64 (i64.shr_u (i64.load offset=16 (global.get $sp)) (i64.const 4))))
        (call $frame_leave (i32.const 3))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.and (i64.eq (global.get $class) (i64.const 971)) (i64.eq (global.get $reason) (i64.const 0x2AF))))))
        (local.set $k (i32.const 4))
        (br $dispatch)
          )
        ;; 7 handler_loop: kind 1: try deep_ret(1) catch ...
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 7)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (global.set $rh (local.get $handler)) (return (i64.const -1))))
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 24)))
        (if (i32.lt_u (global.get $sp) (global.get $limit)) (then (unreachable)))
        (i64.store (global.get $sp) (i64.const 143))
        (i64.store offset=8 (global.get $sp) (i64.const 159))
        (i64.store offset=16 (global.get $sp) (i64.or (i64.shl (i64.extend_i32_u (local.get $handler)) (i64.const 4)) (i64.const 0xF)))
        (local.set $handler (global.get $sp))
        (local.set $x0 (i64.const 0x1F))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 8 handler_end: the body returned
        (local.set $handler (i32.wrap_i64 (i64.shr_u (i64.load offset=16 (global.get $sp)) (i64.const 4))))
        (call $frame_leave (i32.const 3))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $x0) (i64.const 0xF)))))
        (local.set $k (i32.const 7))
        (br $dispatch)
          )
        ;; 9 handler_caught: the handler: wrong
        (local.set $handler (i32.wrap_i64 (i64.shr_u (i64.load offset=16 (global.get $sp)) (i64.const 4))))
        (call $frame_leave (i32.const 3))
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))
        (local.set $k (i32.const 7))
        (br $dispatch)
          )
        ;; 10 call_loop: kind 2: deep_ret(1)
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 10)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (global.set $rh (local.get $handler)) (return (i64.const -1))))
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
        (if (i32.lt_u (global.get $sp) (global.get $limit)) (then (unreachable)))
        (i64.store (global.get $sp) (i64.const 191))
        (local.set $x0 (i64.const 0x1F))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 11 call_ret: its return point
        (call $frame_leave (i32.const 1))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $x0) (i64.const 0xF)))))
        (local.set $k (i32.const 10))
        (br $dispatch)
          )
        ;; 12 chain_loop: kind 3: deep_ret(D)
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 12)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (global.set $rh (local.get $handler)) (return (i64.const -1))))
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
        (if (i32.lt_u (global.get $sp) (global.get $limit)) (then (unreachable)))
        (i64.store (global.get $sp) (i64.const 223))
        (local.set $x0 (local.get $d))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 13 chain_ret: its return point
        (call $frame_leave (i32.const 1))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $x0) (i64.sub (local.get $d) (i64.const 16))))))
        (local.set $k (i32.const 12))
        (br $dispatch)
          )
        ;; 14 deep_t: deep with the clock read just before the raise (kind 5); returns through deep_after
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 14)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (global.set $rh (local.get $handler)) (return (i64.const -1))))
        (if (i64.eq (local.get $x0) (i64.const 0x1F)) (then
          (global.set $t_raise (call $now))
          (global.set $class (i64.const 971))
          (global.set $reason (i64.const 0x2AF))
          (global.set $sp (local.get $handler))
          (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load offset=8 (global.get $sp)) (i64.const 4))))
          (br $dispatch)
        ))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
        (if (i32.lt_u (global.get $sp) (global.get $limit)) (then (unreachable)))
        (i64.store (global.get $sp) (i64.const 31))
        (local.set $x0 (i64.sub (local.get $x0) (i64.const 16)))
        (local.set $k (i32.const 14))
        (br $dispatch)
          )
        ;; 15 timed_loop: kind 5: kind 0, timed from the raise to the handler, less two clock reads back to back; kind 7: every other raise from depth 1, counted negative
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 15)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (global.set $rh (local.get $handler)) (return (i64.const -1))))
        (if (i64.ge_s (local.get $i) (local.get $n)) (then
          (global.set $sum (f64.sub (global.get $sum) (global.get $clk)))
          (br $halt)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (global.set $sign (f64.const 1))
        (local.set $x0 (local.get $d))
        (if (i32.and (global.get $paired) (i32.wrap_i64 (i64.and (local.get $i) (i64.const 1))))
          (then (global.set $sign (f64.const -1)) (local.set $x0 (i64.const 0x1F))))
        (local.set $t (call $now))
        (global.set $clk (f64.add (global.get $clk) (f64.mul (global.get $sign) (call $since (local.get $t)))))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 24)))
        (if (i32.lt_u (global.get $sp) (global.get $limit)) (then (unreachable)))
        (i64.store (global.get $sp) (i64.const 271))
        (i64.store offset=8 (global.get $sp) (i64.const 287))
        (i64.store offset=16 (global.get $sp) (i64.or (i64.shl (i64.extend_i32_u (local.get $handler)) (i64.const 4)) (i64.const 0xF)))
        (local.set $handler (global.get $sp))
        (local.set $k (i32.const 14))
        (br $dispatch)
          )
        ;; 16 timed_missed: deep_t returned: wrong
        (local.set $handler (i32.wrap_i64 (i64.shr_u (i64.load offset=16 (global.get $sp)) (i64.const 4))))
        (call $frame_leave (i32.const 3))
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))
        (local.set $k (i32.const 15))
        (br $dispatch)
          )
        ;; 17 timed_caught: the handler, clock first
        (global.set $sum (f64.add (global.get $sum) (f64.mul (global.get $sign) (call $since (global.get $t_raise)))))
        (local.set $handler (i32.wrap_i64 (i64.shr_u (i64.load offset=16 (global.get $sp)) (i64.const 4))))
        (call $frame_leave (i32.const 3))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.and (i64.eq (global.get $class) (i64.const 971)) (i64.eq (global.get $reason) (i64.const 0x2AF))))))
        (local.set $k (i32.const 15))
        (br $dispatch)
      ))

    (local.get $acc))

  ;; run $exec_ret from k, yielding whenever it returns for it
  (func $exec_yielding (param $k i32) (param $d i64) (param $n i64) (result i64)
    (local $r i64) (local $resume i32)
    (loop $again
      (local.set $r (call $exec_ret (local.get $k) (local.get $d) (local.get $n) (local.get $resume)))
      (if (i64.lt_s (local.get $r) (i64.const 0))
        (then (call $yield_now) (local.set $k (global.get $rk)) (local.set $resume (i32.const 1)) (br $again))))
    (local.get $r))

  ;; kind 6: two clock reads back to back
  (func $clock (param $n i64) (result i64)
    (local $i i64) (local $t f64)
    (loop $l
      (call $reduce)
      (local.set $t (call $now))
      (global.set $sum (f64.add (global.get $sum) (call $since (local.get $t))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (local.get $n))

  (func $start (param $inline i32) (param $kind i64) (param $d i64) (param $nt i64) (result i64)
    (local $t0 f64) (local $n i64) (local $acc i64) (local $k i32)
    ;; grow the region once (4096 slots, 32 KiB) so it never moves while timed, and so that
    ;; 32 KiB below the frame we are in is the region's: the inline pushes' limit
    (call $frame_enter (i32.const 4096))
    (call $frame_leave (i32.const 4096))
    (global.set $limit (i32.sub (global.get $sp) (i32.const 32768)))
    (local.set $n (i64.shr_s (local.get $nt) (i64.const 4)))
    (global.set $sum (f64.const 0))
    (global.set $clk (f64.const 0))
    (global.set $paired (i32.const 0))
    (local.set $t0 (call $now))
    ;; each kind's loop: its first continuation
    (block $done
      (block $go
        (block $k7 (block $k6 (block $k5 (block $k3 (block $k2 (block $k1 (block $k0
          (br_table $k0 $k1 $k2 $k3 $done $k5 $k6 $k7 $done (i32.wrap_i64 (i64.shr_s (local.get $kind) (i64.const 4)))))
          (local.set $k (i32.const 4)) (br $go))
          (local.set $k (i32.const 7)) (br $go))
          (local.set $k (i32.const 10)) (br $go))
          (local.set $k (i32.const 12)) (br $go))
          (local.set $k (i32.const 15)) (br $go))
          (local.set $acc (call $clock (local.get $n)))
          (br $done))
        (global.set $paired (i32.const 1))
        (local.set $k (i32.const 15)))
      (local.set $acc
        (if (result i64) (i32.eq (local.get $inline) (i32.const 2))
          (then (call $exec_yielding (local.get $k) (local.get $d) (local.get $n)))
          (else
            (if (result i64) (local.get $inline)
              (then (call $exec_inline (local.get $k) (local.get $d) (local.get $n)))
              (else (call $exec (local.get $k) (local.get $d) (local.get $n))))))))
    (call $report (local.get $kind) (local.get $acc) (local.get $t0))
    (i64.const 0x3B))

  (func $run (param $kind i64) (param $d i64) (param $nt i64) (result i64)
    (call $start (i32.const 0) (local.get $kind) (local.get $d) (local.get $nt)))
  (func $inline (param $kind i64) (param $d i64) (param $nt i64) (result i64)
    (call $start (i32.const 1) (local.get $kind) (local.get $d) (local.get $nt)))
  (func $yielding (param $kind i64) (param $d i64) (param $nt i64) (result i64)
    (call $start (i32.const 2) (local.get $kind) (local.get $d) (local.get $nt)))

  ;; send the checksum and the nanoseconds: since t0, or (kinds 5 and 6) the sum kept in $sum
  (func $report (param $kind i64) (param $acc i64) (param $t0 f64)
    (local $ns i64)
    (local.set $ns (i64.trunc_f64_s (f64.mul (f64.const 1e6)
      (select (global.get $sum) (f64.sub (call $now) (local.get $t0)) (i64.ge_s (local.get $kind) (i64.const 0x5F))))))
    (call $send (call $host_pid) (i64.or (i64.shl (local.get $acc) (i64.const 4)) (i64.const 0xF)))
    (call $send (call $host_pid) (i64.or (i64.shl (local.get $ns) (i64.const 4)) (i64.const 0xF))))

  (export "exc_tswitch:run/3" (func $run))
  (export "exc_tswitch:inline/3" (func $inline))
  (export "exc_tswitch:yielding/3" (func $yielding)))
