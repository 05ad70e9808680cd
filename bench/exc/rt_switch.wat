;; (e2) The runtime's exceptions (assembly/runtime/exceptions.ts, docs/abi.md
;; "Exceptions") used by code that keeps its frames on the shadow stack: the
;; best candidate of tswitch.wat (exc_tswitch:yielding: continuations as
;; labels of one br_table loop, frames pushed inline, a yield by return) with
;; the handler and the raise taken from the ABI instead of kept by the
;; kernel:
;;
;;   try Body catch ...   try_enter(H), H the handler's label; then the
;;                        body's call frame [the label after the body],
;;                        pushed inline above the handler's frame. The body
;;                        returns there: pop that frame, try_leave().
;;   raise                k := raise(Class, Reason, Trace): the runtime puts
;;                        shoal_sp back where it was before try_enter and
;;                        hands back H; the loop branches to it at once. The
;;                        handler reads exc_class and exc_reason and calls
;;                        exc_clear (what `catch throw:42` compiles to).
;;
;; Frames are pushed inline as docs/abi.md ("Root slots") says, against the
;; exported shoal_sp_limit: while shoal_sp - 8n >= shoal_sp_limit (unsigned),
;; move shoal_sp and write the slots; otherwise call frame_enter(n), which
;; grows (and may move) the region. Frames are left inline (shoal_sp += 8n).
;; The region is not grown beforehand (tswitch.wat grows it so that it never
;; moves, having no limit to check against): each process starts with the
;; region it gets and grows it when the depth asks. The handler lives in the
;; process as a distance from the region's top, so a move cannot stale it;
;; the kernel keeps no handler register of its own.
;;
;; Conventions and kinds as in flag.wat (no kind 4); exc_rt_switch:run(Kind,
;; D, N). The loop's registers are module globals while it is out for a
;; yield, which holds because the suite runs one such process at a time.
(module
  (import "shoal" "memory" (memory 0))
  (import "shoal" "shoal_budget" (global $budget (mut i32)))
  (import "shoal" "shoal_sp" (global $sp (mut i32)))
  (import "shoal" "shoal_sp_limit" (global $sp_limit (mut i32)))
  (import "shoal" "yield_now" (func $yield_now))
  (import "shoal" "frame_enter" (func $frame_enter (param i32)))
  (import "shoal" "host_pid" (func $host_pid (result i64)))
  (import "shoal" "send" (func $send (param i64 i64)))
  (import "shoal" "try_enter" (func $try_enter (param i32)))
  (import "shoal" "try_leave" (func $try_leave))
  (import "shoal" "raise" (func $raise (param i64 i64 i64) (result i32)))
  (import "shoal" "exc_class" (func $exc_class (result i64)))
  (import "shoal" "exc_reason" (func $exc_reason (result i64)))
  (import "shoal" "exc_clear" (func $exc_clear))
  (import "env" "now" (func $now (result f64)))

  ;; kinds 5 and 6: when the raise started (ms), the intervals summed, the back-to-back clock reads summed (ms)
  (global $t_raise (mut f64) (f64.const 0))
  (global $sum (mut f64) (f64.const 0))
  (global $clk (mut f64) (f64.const 0))
  ;; kind 7: raises alternate between depth D (counted +1) and 1 (-1)
  (global $paired (mut i32) (i32.const 0))
  (global $sign (mut f64) (f64.const 1))
  ;; the registers of $exec while it is out for a yield, and where it resumes
  (global $rk (mut i32) (i32.const 0))
  (global $rx0 (mut i64) (i64.const 0))
  (global $ri (mut i64) (i64.const 0))
  (global $racc (mut i64) (i64.const 0))
  ;; exc_rt_switch:byreturn: the ABI call $exec_br asks its caller to make (1 grow the region,
  ;; 2 try_enter($rarg), 3 raise), and its argument
  (global $req (mut i32) (i32.const 0))
  (global $rarg (mut i32) (i32.const 0))

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

  ;; the handler of `catch throw:42`: 1 if the exception is throw:42; the exception forgotten
  (func $caught (result i64)
    (local $ok i32)
    (local.set $ok (i32.and (i64.eq (call $exc_class) (i64.const 971)) (i64.eq (call $exc_reason) (i64.const 0x2AF))))
    (call $exc_clear)
    (i64.extend_i32_u (local.get $ok)))

  ;; run from continuation k until the loop is done: the checksum, or -1 when the slice's budget
  ;; is gone (registers saved in $rk...: its caller yields and enters again with $resume)
  (func $exec (param $k i32) (param $d i64) (param $n i64) (param $resume i32) (result i64)
    (local $x0 i64) (local $i i64) (local $acc i64) (local $t f64) (local $b i32)
    (if (local.get $resume) (then
      (local.set $x0 (global.get $rx0)) (local.set $i (global.get $ri)) (local.set $acc (global.get $racc))))
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
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 0)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -1))))
        (if (i64.eq (local.get $x0) (i64.const 0x1F)) (then
          (local.set $k (call $raise (i64.const 971) (i64.const 0x2AF) (i64.const 0x3B)))
          (br $dispatch)
        ))
        (if (i32.lt_u (i32.sub (global.get $sp) (i32.const 8)) (global.get $sp_limit))
          (then (call $frame_enter (i32.const 1)))
          (else (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))))
        (i64.store (global.get $sp) (i64.const 31))
        (local.set $x0 (i64.sub (local.get $x0) (i64.const 16)))
        (local.set $k (i32.const 0))
        (br $dispatch)
          )
        ;; 1 deep_after: deep's return point: 1 + the result
        (global.set $sp (i32.add (global.get $sp) (i32.const 8)))
        (local.set $x0 (i64.add (local.get $x0) (i64.const 16)))
        (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load (global.get $sp)) (i64.const 4))))
        (br $dispatch)
          )
        ;; 2 ret: deep_ret(1) -> 0; deep_ret(D) -> 1 + deep_ret(D - 1)
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 2)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -1))))
        (if (i64.eq (local.get $x0) (i64.const 0x1F)) (then
          (local.set $x0 (i64.const 0xF))
          (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load (global.get $sp)) (i64.const 4))))
          (br $dispatch)
        ))
        (if (i32.lt_u (i32.sub (global.get $sp) (i32.const 8)) (global.get $sp_limit))
          (then (call $frame_enter (i32.const 1)))
          (else (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))))
        (i64.store (global.get $sp) (i64.const 63))
        (local.set $x0 (i64.sub (local.get $x0) (i64.const 16)))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 3 ret_after: deep_ret's return point
        (global.set $sp (i32.add (global.get $sp) (i32.const 8)))
        (local.set $x0 (i64.add (local.get $x0) (i64.const 16)))
        (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load (global.get $sp)) (i64.const 4))))
        (br $dispatch)
          )
        ;; 4 raise_loop: kind 0: try deep(D) catch throw:42
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 4)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -1))))
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (call $try_enter (i32.const 6))
        (if (i32.lt_u (i32.sub (global.get $sp) (i32.const 8)) (global.get $sp_limit))
          (then (call $frame_enter (i32.const 1)))
          (else (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))))
        (i64.store (global.get $sp) (i64.const 95))
        (local.set $x0 (local.get $d))
        (local.set $k (i32.const 0))
        (br $dispatch)
          )
        ;; 5 raise_missed: deep returned: wrong
        (global.set $sp (i32.add (global.get $sp) (i32.const 8)))
        (call $try_leave)
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))
        (local.set $k (i32.const 4))
        (br $dispatch)
          )
        ;; 6 raise_caught: the handler (the shadow stack as before try_enter)
        (local.set $acc (i64.add (local.get $acc) (call $caught)))
        (local.set $k (i32.const 4))
        (br $dispatch)
          )
        ;; 7 handler_loop: kind 1: try deep_ret(1) catch ...
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 7)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -1))))
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (call $try_enter (i32.const 9))
        (if (i32.lt_u (i32.sub (global.get $sp) (i32.const 8)) (global.get $sp_limit))
          (then (call $frame_enter (i32.const 1)))
          (else (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))))
        (i64.store (global.get $sp) (i64.const 143))
        (local.set $x0 (i64.const 0x1F))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 8 handler_end: the body returned
        (global.set $sp (i32.add (global.get $sp) (i32.const 8)))
        (call $try_leave)
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $x0) (i64.const 0xF)))))
        (local.set $k (i32.const 7))
        (br $dispatch)
          )
        ;; 9 handler_caught: the handler: wrong
        (drop (call $caught))
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))
        (local.set $k (i32.const 7))
        (br $dispatch)
          )
        ;; 10 call_loop: kind 2: deep_ret(1)
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 10)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -1))))
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (if (i32.lt_u (i32.sub (global.get $sp) (i32.const 8)) (global.get $sp_limit))
          (then (call $frame_enter (i32.const 1)))
          (else (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))))
        (i64.store (global.get $sp) (i64.const 191))
        (local.set $x0 (i64.const 0x1F))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 11 call_ret: its return point
        (global.set $sp (i32.add (global.get $sp) (i32.const 8)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $x0) (i64.const 0xF)))))
        (local.set $k (i32.const 10))
        (br $dispatch)
          )
        ;; 12 chain_loop: kind 3: deep_ret(D)
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 12)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -1))))
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (if (i32.lt_u (i32.sub (global.get $sp) (i32.const 8)) (global.get $sp_limit))
          (then (call $frame_enter (i32.const 1)))
          (else (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))))
        (i64.store (global.get $sp) (i64.const 223))
        (local.set $x0 (local.get $d))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 13 chain_ret: its return point
        (global.set $sp (i32.add (global.get $sp) (i32.const 8)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $x0) (i64.sub (local.get $d) (i64.const 16))))))
        (local.set $k (i32.const 12))
        (br $dispatch)
          )
        ;; 14 deep_t: deep with the clock read just before the raise (kind 5); returns through deep_after
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 14)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -1))))
        (if (i64.eq (local.get $x0) (i64.const 0x1F)) (then
          (global.set $t_raise (call $now))
          (local.set $k (call $raise (i64.const 971) (i64.const 0x2AF) (i64.const 0x3B)))
          (br $dispatch)
        ))
        (if (i32.lt_u (i32.sub (global.get $sp) (i32.const 8)) (global.get $sp_limit))
          (then (call $frame_enter (i32.const 1)))
          (else (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))))
        (i64.store (global.get $sp) (i64.const 31))
        (local.set $x0 (i64.sub (local.get $x0) (i64.const 16)))
        (local.set $k (i32.const 14))
        (br $dispatch)
          )
        ;; 15 timed_loop: kind 5: kind 0, timed from the raise to the handler, less two clock reads back to back; kind 7: every other raise from depth 1, counted negative
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 15)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -1))))
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
        (call $try_enter (i32.const 17))
        (if (i32.lt_u (i32.sub (global.get $sp) (i32.const 8)) (global.get $sp_limit))
          (then (call $frame_enter (i32.const 1)))
          (else (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))))
        (i64.store (global.get $sp) (i64.const 271))
        (local.set $k (i32.const 14))
        (br $dispatch)
          )
        ;; 16 timed_missed: deep_t returned: wrong
        (global.set $sp (i32.add (global.get $sp) (i32.const 8)))
        (call $try_leave)
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))
        (local.set $k (i32.const 15))
        (br $dispatch)
          )
        ;; 17 timed_caught: the handler, clock first
        (global.set $sum (f64.add (global.get $sum) (f64.mul (global.get $sign) (call $since (global.get $t_raise)))))
        (local.set $acc (i64.add (local.get $acc) (call $caught)))
        (local.set $k (i32.const 15))
        (br $dispatch)
      ))

    (local.get $acc))

  ;; run $exec from k, yielding whenever it returns for it
  (func $exec_yielding (param $k i32) (param $d i64) (param $n i64) (result i64)
    (local $r i64) (local $resume i32)
    (loop $again
      (local.set $r (call $exec (local.get $k) (local.get $d) (local.get $n) (local.get $resume)))
      (if (i64.lt_s (local.get $r) (i64.const 0))
        (then (call $yield_now) (local.set $k (global.get $rk)) (local.set $resume (i32.const 1)) (br $again))))
    (local.get $r))

  ;; exc_rt_switch:byreturn: $exec with every ABI call that can end the process (and so unwind,
  ;; on asyncify: try_enter and frame_enter through the region's growth, raise with no handler)
  ;; made by return: the loop saves its registers, leaves the request in $req and returns -2;
  ;; its caller makes the call and enters again at $rk (or, for a raise, at the resume id). The
  ;; loop then calls nothing that can unwind, and Asyncify leaves it uninstrumented.
  (func $exec_br (param $k i32) (param $d i64) (param $n i64) (param $resume i32) (result i64)
    (local $x0 i64) (local $i i64) (local $acc i64) (local $t f64) (local $b i32)
    (if (local.get $resume) (then
      (local.set $x0 (global.get $rx0)) (local.set $i (global.get $ri)) (local.set $acc (global.get $racc))))
    (block $halt
      (loop $dispatch
        (block $L20
        (block $L19
        (block $L18
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
          (br_table $L0 $L1 $L2 $L3 $L4 $L5 $L6 $L7 $L8 $L9 $L10 $L11 $L12 $L13 $L14 $L15 $L16 $L17 $L18 $L19 $L20 $halt (local.get $k))
          )
        ;; 0 deep: deep(1) -> throw(42) (the raise by return); deep(D) -> 1 + deep(D - 1)
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 0)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -1))))
        (if (i64.eq (local.get $x0) (i64.const 0x1F)) (then (global.set $req (i32.const 3)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -2))))
        (if (i32.lt_u (i32.sub (global.get $sp) (i32.const 8)) (global.get $sp_limit))
          (then (global.set $rk (i32.const 0)) (global.set $req (i32.const 1)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -2))))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
        (i64.store (global.get $sp) (i64.const 31))
        (local.set $x0 (i64.sub (local.get $x0) (i64.const 16)))
        (local.set $k (i32.const 0))
        (br $dispatch)
          )
        ;; 1 deep_after: deep's return point: 1 + the result
        (global.set $sp (i32.add (global.get $sp) (i32.const 8)))
        (local.set $x0 (i64.add (local.get $x0) (i64.const 16)))
        (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load (global.get $sp)) (i64.const 4))))
        (br $dispatch)
          )
        ;; 2 ret: deep_ret(1) -> 0; deep_ret(D) -> 1 + deep_ret(D - 1)
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 2)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -1))))
        (if (i64.eq (local.get $x0) (i64.const 0x1F)) (then
          (local.set $x0 (i64.const 0xF))
          (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load (global.get $sp)) (i64.const 4))))
          (br $dispatch)
        ))
        (if (i32.lt_u (i32.sub (global.get $sp) (i32.const 8)) (global.get $sp_limit))
          (then (global.set $rk (i32.const 2)) (global.set $req (i32.const 1)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -2))))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
        (i64.store (global.get $sp) (i64.const 63))
        (local.set $x0 (i64.sub (local.get $x0) (i64.const 16)))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 3 ret_after: deep_ret's return point
        (global.set $sp (i32.add (global.get $sp) (i32.const 8)))
        (local.set $x0 (i64.add (local.get $x0) (i64.const 16)))
        (local.set $k (i32.wrap_i64 (i64.shr_u (i64.load (global.get $sp)) (i64.const 4))))
        (br $dispatch)
          )
        ;; 4 raise_loop: kind 0: try deep(D) catch throw:42 (try_enter by return, the body at 18)
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 4)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -1))))
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (global.set $rk (i32.const 18)) (global.set $req (i32.const 2)) (global.set $rarg (i32.const 6)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -2))
          )
        ;; 5 raise_missed: deep returned: wrong
        (global.set $sp (i32.add (global.get $sp) (i32.const 8)))
        (call $try_leave)
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))
        (local.set $k (i32.const 4))
        (br $dispatch)
          )
        ;; 6 raise_caught: the handler (the shadow stack as before try_enter)
        (local.set $acc (i64.add (local.get $acc) (call $caught)))
        (local.set $k (i32.const 4))
        (br $dispatch)
          )
        ;; 7 handler_loop: kind 1: try deep_ret(1) catch ... (try_enter by return, the body at 19)
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 7)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -1))))
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (global.set $rk (i32.const 19)) (global.set $req (i32.const 2)) (global.set $rarg (i32.const 9)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -2))
          )
        ;; 8 handler_end: the body returned
        (global.set $sp (i32.add (global.get $sp) (i32.const 8)))
        (call $try_leave)
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $x0) (i64.const 0xF)))))
        (local.set $k (i32.const 7))
        (br $dispatch)
          )
        ;; 9 handler_caught: the handler: wrong
        (drop (call $caught))
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))
        (local.set $k (i32.const 7))
        (br $dispatch)
          )
        ;; 10 call_loop: kind 2: deep_ret(1) (the push before the count: a growth by return enters here again)
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 10)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -1))))
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (if (i32.lt_u (i32.sub (global.get $sp) (i32.const 8)) (global.get $sp_limit))
          (then (global.set $rk (i32.const 10)) (global.set $req (i32.const 1)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -2))))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
        (i64.store (global.get $sp) (i64.const 191))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (local.set $x0 (i64.const 0x1F))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 11 call_ret: its return point
        (global.set $sp (i32.add (global.get $sp) (i32.const 8)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $x0) (i64.const 0xF)))))
        (local.set $k (i32.const 10))
        (br $dispatch)
          )
        ;; 12 chain_loop: kind 3: deep_ret(D)
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 12)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -1))))
        (br_if $halt (i64.ge_s (local.get $i) (local.get $n)))
        (if (i32.lt_u (i32.sub (global.get $sp) (i32.const 8)) (global.get $sp_limit))
          (then (global.set $rk (i32.const 12)) (global.set $req (i32.const 1)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -2))))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
        (i64.store (global.get $sp) (i64.const 223))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (local.set $x0 (local.get $d))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 13 chain_ret: its return point
        (global.set $sp (i32.add (global.get $sp) (i32.const 8)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $x0) (i64.sub (local.get $d) (i64.const 16))))))
        (local.set $k (i32.const 12))
        (br $dispatch)
          )
        ;; 14 deep_t: deep with the clock read just before the raise (kind 5); returns through deep_after
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 14)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -1))))
        (if (i64.eq (local.get $x0) (i64.const 0x1F)) (then (global.set $t_raise (call $now)) (global.set $req (i32.const 3)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -2))))
        (if (i32.lt_u (i32.sub (global.get $sp) (i32.const 8)) (global.get $sp_limit))
          (then (global.set $rk (i32.const 14)) (global.set $req (i32.const 1)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -2))))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
        (i64.store (global.get $sp) (i64.const 31))
        (local.set $x0 (i64.sub (local.get $x0) (i64.const 16)))
        (local.set $k (i32.const 14))
        (br $dispatch)
          )
        ;; 15 timed_loop: kinds 5 and 7 (try_enter by return, the body at 20)
        (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
        (if (i32.le_s (local.get $b) (i32.const 0)) (then (global.set $rk (i32.const 15)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -1))))
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
        (global.set $rk (i32.const 20)) (global.set $req (i32.const 2)) (global.set $rarg (i32.const 17)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -2))
          )
        ;; 16 timed_missed: deep_t returned: wrong
        (global.set $sp (i32.add (global.get $sp) (i32.const 8)))
        (call $try_leave)
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))
        (local.set $k (i32.const 15))
        (br $dispatch)
          )
        ;; 17 timed_caught: the handler, clock first
        (global.set $sum (f64.add (global.get $sum) (f64.mul (global.get $sign) (call $since (global.get $t_raise)))))
        (local.set $acc (i64.add (local.get $acc) (call $caught)))
        (local.set $k (i32.const 15))
        (br $dispatch)
          )
        ;; 18 raise_body: after try_enter: deep(D), returning to 5
        (if (i32.lt_u (i32.sub (global.get $sp) (i32.const 8)) (global.get $sp_limit))
          (then (global.set $rk (i32.const 18)) (global.set $req (i32.const 1)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -2))))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
        (i64.store (global.get $sp) (i64.const 95))
        (local.set $x0 (local.get $d))
        (local.set $k (i32.const 0))
        (br $dispatch)
          )
        ;; 19 handler_body: after try_enter: deep_ret(1), returning to 8
        (if (i32.lt_u (i32.sub (global.get $sp) (i32.const 8)) (global.get $sp_limit))
          (then (global.set $rk (i32.const 19)) (global.set $req (i32.const 1)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -2))))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
        (i64.store (global.get $sp) (i64.const 143))
        (local.set $x0 (i64.const 0x1F))
        (local.set $k (i32.const 2))
        (br $dispatch)
          )
        ;; 20 timed_body: after try_enter: deep_t(D), returning to 16
        (if (i32.lt_u (i32.sub (global.get $sp) (i32.const 8)) (global.get $sp_limit))
          (then (global.set $rk (i32.const 20)) (global.set $req (i32.const 1)) (global.set $rx0 (local.get $x0)) (global.set $ri (local.get $i)) (global.set $racc (local.get $acc)) (return (i64.const -2))))
        (global.set $sp (i32.sub (global.get $sp) (i32.const 8)))
        (i64.store (global.get $sp) (i64.const 271))
        (local.set $k (i32.const 14))
        (br $dispatch)
      ))

    (local.get $acc))

  ;; run $exec_br from k: yields (-1) and the ABI calls it asks for (-2) made here
  (func $exec_by_return (param $k i32) (param $d i64) (param $n i64) (result i64)
    (local $r i64) (local $resume i32)
    (loop $again
      (local.set $r (call $exec_br (local.get $k) (local.get $d) (local.get $n) (local.get $resume)))
      (local.set $resume (i32.const 1))
      (if (i64.eq (local.get $r) (i64.const -1))
        (then (call $yield_now) (local.set $k (global.get $rk)) (br $again)))
      (if (i64.eq (local.get $r) (i64.const -2)) (then
        (block $made
          (block $r3 (block $r2 (block $r1
            (br_table $made $r1 $r2 $r3 $made (global.get $req)))
            ;; 1: grow the region (frame_enter, then leave the frame): the push is made again at $rk
            (call $frame_enter (i32.const 1))
            (global.set $sp (i32.add (global.get $sp) (i32.const 8)))
            (local.set $k (global.get $rk)) (br $made))
            ;; 2: try_enter, then the body
            (call $try_enter (global.get $rarg))
            (local.set $k (global.get $rk)) (br $made))
          ;; 3: raise throw:42: on at the handler's resume id
          (local.set $k (call $raise (i64.const 971) (i64.const 0x2AF) (i64.const 0x3B))))
        (br $again))))
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

  ;; exc_rt_switch:run and :byreturn (Kind, D, N): send the checksum, then the nanoseconds
  (func $start (param $byret i32) (param $kind i64) (param $d i64) (param $nt i64) (result i64)
    (local $t0 f64) (local $n i64) (local $acc i64) (local $k i32)
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
        (if (result i64) (local.get $byret)
          (then (call $exec_by_return (local.get $k) (local.get $d) (local.get $n)))
          (else (call $exec_yielding (local.get $k) (local.get $d) (local.get $n))))))
    (call $report (local.get $kind) (local.get $acc) (local.get $t0))
    (i64.const 0x3B))

  ;; send the checksum and the nanoseconds: since t0, or (kinds 5 and 6) the sum kept in $sum
  (func $report (param $kind i64) (param $acc i64) (param $t0 f64)
    (local $ns i64)
    (local.set $ns (i64.trunc_f64_s (f64.mul (f64.const 1e6)
      (select (global.get $sum) (f64.sub (call $now) (local.get $t0)) (i64.ge_s (local.get $kind) (i64.const 0x5F))))))
    (call $send (call $host_pid) (i64.or (i64.shl (local.get $acc) (i64.const 4)) (i64.const 0xF)))
    (call $send (call $host_pid) (i64.or (i64.shl (local.get $ns) (i64.const 4)) (i64.const 0xF))))

  (func $run (param $kind i64) (param $d i64) (param $nt i64) (result i64)
    (call $start (i32.const 0) (local.get $kind) (local.get $d) (local.get $nt)))
  (func $byreturn (param $kind i64) (param $d i64) (param $nt i64) (result i64)
    (call $start (i32.const 1) (local.get $kind) (local.get $d) (local.get $nt)))

  (export "exc_rt_switch:run/3" (func $run))
  (export "exc_rt_switch:byreturn/3" (func $byreturn)))
