;; (c) Frames on the shadow stack, with a trampoline: setjmp for Erlang.
;;
;; Compiled code keeps its frames on the process's shadow stack (docs/abi.md,
;; "Root slots"), not on the Wasm stack. Every function is cut at its calls
;; into continuations: Wasm functions of type () -> i32 that return the
;; function-table index of the next one to a dispatch loop. A call pushes a
;; frame whose slot 0 holds the caller's return continuation (a small
;; integer, so the collector skips it); a return jumps to the continuation in
;; the newest frame's slot 0, which pops its frame. Arguments and results go
;; in a register ($x0).
;;
;; A handler is a frame of three slots: [continuation after the try body,
;; the handler's continuation, the previous handler], and $handler points at
;; the innermost one. A raise sets the exception state, puts shoal_sp back to
;; $handler and jumps to the handler's continuation: constant time, whatever
;; the depth (setjmp/longjmp). Removing a handler pops its frame and restores
;; the previous one.
;;
;; $handler is an address in the shadow-stack region, and frame_enter can
;; move the region when it grows (it doubles, keeping each frame's distance
;; from the top). The kernel grows the region once before timing so that it
;; never moves; a runtime would keep the handler as a distance from the
;; region's top (or rebase it when the region moves): one subtraction more
;; at install and raise.
;;
;; Conventions and kinds as in flag.wat: exc_tramp:run(Kind, D, N) enters
;; frames with the ABI's frame_enter, exc_tramp:inline(Kind, D, N) inline
;; (tswitch.wat says how, and why the ABI would need to change for it);
;; there is no kind 4 (no plain calls here: every call goes through the
;; trampoline).
;;
;; The registers, $handler and the exception state are module globals here
;; because the suite runs one such process at a time; a runtime would save
;; them with the process at a switch (as it does shoal_sp).
(module
  (import "shoal" "memory" (memory 0))
  (import "shoal" "table" (table 0 funcref))
  (import "shoal" "__table_base" (global $tb i32))
  (import "shoal" "shoal_budget" (global $budget (mut i32)))
  (import "shoal" "shoal_sp" (global $sp (mut i32)))
  (import "shoal" "yield_now" (func $yield_now))
  (import "shoal" "frame_enter" (func $frame_enter (param i32)))
  (import "shoal" "frame_leave" (func $frame_leave (param i32)))
  (import "shoal" "host_pid" (func $host_pid (result i64)))
  (import "shoal" "send" (func $send (param i64 i64)))
  (import "env" "now" (func $now (result f64)))

  (type $k (func (result i32)))
  ;; the continuations, by their index from __table_base
  (elem (global.get $tb) func
    $deep $deep_after $ret $ret_after                      ;; 0 1 2 3
    $raise_loop $raise_missed $raise_caught                ;; 4 5 6
    $handler_loop $handler_end $handler_caught             ;; 7 8 9
    $call_loop $call_ret                                   ;; 10 11
    $chain_loop $chain_ret                                 ;; 12 13
    $deep_t $timed_loop $timed_missed $timed_caught)       ;; 14 15 16 17

  ;; registers: the argument/result, the loop's count, limit and checksum, the depth
  (global $x0 (mut i64) (i64.const 0))
  (global $i (mut i64) (i64.const 0))
  (global $n (mut i64) (i64.const 0))
  (global $acc (mut i64) (i64.const 0))
  (global $d (mut i64) (i64.const 0))
  ;; the innermost handler's frame (shoal_sp when it was installed), 0 for none
  (global $handler (mut i32) (i32.const 0))
  (global $class (mut i64) (i64.const 0))
  (global $reason (mut i64) (i64.const 0))
  ;; kinds 5 and 6: when the raise started (ms), the intervals summed, the back-to-back clock reads summed (ms)
  (global $t_raise (mut f64) (f64.const 0))
  (global $sum (mut f64) (f64.const 0))
  (global $clk (mut f64) (f64.const 0))
  ;; kind 7: raises alternate between depth D (counted +1) and 1 (-1)
  (global $paired (mut i32) (i32.const 0))
  (global $sign (mut f64) (f64.const 1))
  ;; exc_tramp:inline: frames entered inline, and the lowest address one may take
  (global $inline (mut i32) (i32.const 0))
  (global $limit (mut i32) (i32.const 0))

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

  ;; continuation k as a term (a small integer) and back
  (func $term (param $k i32) (result i64)
    (i64.or (i64.shl (i64.extend_i32_u (i32.add (global.get $tb) (local.get $k))) (i64.const 4)) (i64.const 0xF)))
  (func $untag (param $t i64) (result i32) (i32.wrap_i64 (i64.shr_u (local.get $t) (i64.const 4))))
  (func $K (param $k i32) (result i32) (i32.add (global.get $tb) (local.get $k)))

  ;; enter a frame of n slots: with the ABI's frame_enter, or (exc_tramp:inline) inline, as
  ;; tswitch.wat's inline entry does: shoal_sp moved and checked against $limit
  (func $enter (param $n i32)
    (if (global.get $inline)
      (then
        (global.set $sp (i32.sub (global.get $sp) (i32.shl (local.get $n) (i32.const 3))))
        (if (i32.lt_u (global.get $sp) (global.get $limit)) (then (unreachable))))
      (else (call $frame_enter (local.get $n)))))

  ;; a call: push a frame whose slot 0 is the return continuation `ret`
  (func $push (param $ret i32)
    (call $enter (i32.const 1))
    (i64.store (global.get $sp) (call $term (local.get $ret))))
  ;; a return: to the continuation in the newest frame's slot 0
  (func $return (result i32) (call $untag (i64.load (global.get $sp))))

  ;; raise throw:42: back to the innermost handler's frame, on to its continuation (slot 1)
  (func $raise (result i32)
    (global.set $class (i64.const 971))
    (global.set $reason (i64.const 0x2AF))
    (global.set $sp (global.get $handler))
    (call $untag (i64.load offset=8 (global.get $sp))))

  ;; try: a handler frame [after the body, the handler, the previous handler]
  (func $install (param $after i32) (param $catch i32)
    (call $enter (i32.const 3))
    (i64.store (global.get $sp) (call $term (local.get $after)))
    (i64.store offset=8 (global.get $sp) (call $term (local.get $catch)))
    (i64.store offset=16 (global.get $sp)
      (i64.or (i64.shl (i64.extend_i32_u (global.get $handler)) (i64.const 4)) (i64.const 0xF)))
    (global.set $handler (global.get $sp)))
  ;; leave the handler frame (after the body returned, or in the handler): the previous handler is back
  (func $uninstall
    (global.set $handler (call $untag (i64.load offset=16 (global.get $sp))))
    (call $frame_leave (i32.const 3)))

  ;; deep(1) -> throw(42); deep(D) -> 1 + deep(D - 1)
  (func $deep (type $k)
    (call $reduce)
    (if (i64.eq (global.get $x0) (i64.const 0x1F)) (then (return (call $raise))))
    (call $push (i32.const 1))
    (global.set $x0 (i64.sub (global.get $x0) (i64.const 16)))
    (call $K (i32.const 0)))
  (func $deep_after (type $k)
    (call $frame_leave (i32.const 1))
    (global.set $x0 (i64.add (global.get $x0) (i64.const 16)))
    (call $return))

  ;; deep with the clock read just before the raise (kind 5); returns through deep_after
  (func $deep_t (type $k)
    (call $reduce)
    (if (i64.eq (global.get $x0) (i64.const 0x1F))
      (then (global.set $t_raise (call $now)) (return (call $raise))))
    (call $push (i32.const 1))
    (global.set $x0 (i64.sub (global.get $x0) (i64.const 16)))
    (call $K (i32.const 14)))

  ;; deep_ret(1) -> 0; deep_ret(D) -> 1 + deep_ret(D - 1)
  (func $ret (type $k)
    (call $reduce)
    (if (i64.eq (global.get $x0) (i64.const 0x1F))
      (then (global.set $x0 (i64.const 0xF)) (return (call $return))))
    (call $push (i32.const 3))
    (global.set $x0 (i64.sub (global.get $x0) (i64.const 16)))
    (call $K (i32.const 2)))
  (func $ret_after (type $k)
    (call $frame_leave (i32.const 1))
    (global.set $x0 (i64.add (global.get $x0) (i64.const 16)))
    (call $return))

  ;; the loops: -1 ends the dispatch
  (func $more (result i32)
    (if (i64.ge_s (global.get $i) (global.get $n)) (then (return (i32.const 0))))
    (global.set $i (i64.add (global.get $i) (i64.const 1)))
    (i32.const 1))

  ;; kind 0: try deep(D) catch throw:42
  (func $raise_loop (type $k)
    (call $reduce)
    (if (i32.eqz (call $more)) (then (return (i32.const -1))))
    (call $install (i32.const 5) (i32.const 6))
    (global.set $x0 (global.get $d))
    (call $K (i32.const 0)))
  (func $raise_missed (type $k)
    (call $uninstall)
    (global.set $acc (i64.add (global.get $acc) (i64.const 1000000)))
    (call $K (i32.const 4)))
  (func $raise_caught (type $k)
    (call $uninstall)
    (global.set $acc (i64.add (global.get $acc) (i64.extend_i32_u
      (i32.and (i64.eq (global.get $class) (i64.const 971)) (i64.eq (global.get $reason) (i64.const 0x2AF))))))
    (call $K (i32.const 4)))

  ;; kind 5: kind 0, timed from the raise to the handler; kind 7: every other raise from depth
  ;; 1, its interval counted negative
  (func $timed_loop (type $k)
    (local $t f64)
    (call $reduce)
    (if (i32.eqz (call $more))
      (then (global.set $sum (f64.sub (global.get $sum) (global.get $clk))) (return (i32.const -1))))
    (global.set $sign (f64.const 1))
    (global.set $x0 (global.get $d))
    (if (i32.and (global.get $paired) (i32.wrap_i64 (i64.and (global.get $i) (i64.const 1))))
      (then (global.set $sign (f64.const -1)) (global.set $x0 (i64.const 0x1F))))
    (local.set $t (call $now))
    (global.set $clk (f64.add (global.get $clk) (f64.mul (global.get $sign) (call $since (local.get $t)))))
    (call $install (i32.const 16) (i32.const 17))
    (call $K (i32.const 14)))
  (func $timed_missed (type $k)
    (call $uninstall)
    (global.set $acc (i64.add (global.get $acc) (i64.const 1000000)))
    (call $K (i32.const 15)))
  (func $timed_caught (type $k)
    (global.set $sum (f64.add (global.get $sum) (f64.mul (global.get $sign) (call $since (global.get $t_raise)))))
    (call $uninstall)
    (global.set $acc (i64.add (global.get $acc) (i64.extend_i32_u
      (i32.and (i64.eq (global.get $class) (i64.const 971)) (i64.eq (global.get $reason) (i64.const 0x2AF))))))
    (call $K (i32.const 15)))

  ;; kind 1: try deep_ret(1) catch ...
  (func $handler_loop (type $k)
    (call $reduce)
    (if (i32.eqz (call $more)) (then (return (i32.const -1))))
    (call $install (i32.const 8) (i32.const 9))
    (global.set $x0 (i64.const 0x1F))
    (call $K (i32.const 2)))
  (func $handler_end (type $k)
    (call $uninstall)
    (global.set $acc (i64.add (global.get $acc) (i64.extend_i32_u (i64.eq (global.get $x0) (i64.const 0xF)))))
    (call $K (i32.const 7)))
  (func $handler_caught (type $k)
    (call $uninstall)
    (global.set $acc (i64.add (global.get $acc) (i64.const 1000000)))
    (call $K (i32.const 7)))

  ;; kind 2: deep_ret(1)
  (func $call_loop (type $k)
    (call $reduce)
    (if (i32.eqz (call $more)) (then (return (i32.const -1))))
    (call $push (i32.const 11))
    (global.set $x0 (i64.const 0x1F))
    (call $K (i32.const 2)))
  (func $call_ret (type $k)
    (call $frame_leave (i32.const 1))
    (global.set $acc (i64.add (global.get $acc) (i64.extend_i32_u (i64.eq (global.get $x0) (i64.const 0xF)))))
    (call $K (i32.const 10)))

  ;; kind 3: deep_ret(D)
  (func $chain_loop (type $k)
    (call $reduce)
    (if (i32.eqz (call $more)) (then (return (i32.const -1))))
    (call $push (i32.const 13))
    (global.set $x0 (global.get $d))
    (call $K (i32.const 2)))
  (func $chain_ret (type $k)
    (call $frame_leave (i32.const 1))
    (global.set $acc (i64.add (global.get $acc) (i64.extend_i32_u
      (i64.eq (global.get $x0) (i64.sub (global.get $d) (i64.const 16))))))
    (call $K (i32.const 12)))

  ;; the trampoline: run continuations until one returns -1
  (func $dispatch (param $k i32)
    (loop $next
      (local.set $k (call_indirect (type $k) (local.get $k)))
      (br_if $next (i32.ge_s (local.get $k) (i32.const 0)))))

  ;; kind 6: two clock reads back to back (no trampoline needed)
  (func $clock (result i64)
    (local $t f64)
    (block $end
      (loop $l
        (call $reduce)
        (br_if $end (i32.eqz (call $more)))
        (local.set $t (call $now))
        (global.set $sum (f64.add (global.get $sum) (call $since (local.get $t))))
        (br $l)))
    (global.get $n))

  (func $start (param $inline i32) (param $kind i64) (param $d i64) (param $nt i64) (result i64)
    (local $t0 f64) (local $start i32)
    ;; grow the region once (4096 slots, 32 KiB) so it never moves while timed, and so that
    ;; 32 KiB below the frame we are in is the region's: the inline pushes' limit
    (call $frame_enter (i32.const 4096))
    (call $frame_leave (i32.const 4096))
    (global.set $limit (i32.sub (global.get $sp) (i32.const 32768)))
    (global.set $inline (local.get $inline))
    (global.set $d (local.get $d))
    (global.set $n (i64.shr_s (local.get $nt) (i64.const 4)))
    (global.set $i (i64.const 0))
    (global.set $acc (i64.const 0))
    (global.set $sum (f64.const 0))
    (global.set $clk (f64.const 0))
    (global.set $paired (i32.const 0))
    (global.set $handler (i32.const 0))
    (local.set $t0 (call $now))
    ;; each kind's loop: its first continuation (-1: none)
    (local.set $start (i32.const -1))
    (block $go
      (block $k7 (block $k6 (block $k5 (block $k3 (block $k2 (block $k1 (block $k0
        (br_table $k0 $k1 $k2 $k3 $go $k5 $k6 $k7 $go (i32.wrap_i64 (i64.shr_s (local.get $kind) (i64.const 4)))))
        (local.set $start (i32.const 4)) (br $go))
        (local.set $start (i32.const 7)) (br $go))
        (local.set $start (i32.const 10)) (br $go))
        (local.set $start (i32.const 12)) (br $go))
        (local.set $start (i32.const 15)) (br $go))
        (global.set $acc (call $clock)) (br $go))
      (global.set $paired (i32.const 1))
      (local.set $start (i32.const 15)))
    (if (i32.ge_s (local.get $start) (i32.const 0)) (then (call $dispatch (call $K (local.get $start)))))
    (call $report (local.get $kind) (global.get $acc) (local.get $t0))
    (i64.const 0x3B))

  (func $run (param $kind i64) (param $d i64) (param $nt i64) (result i64)
    (call $start (i32.const 0) (local.get $kind) (local.get $d) (local.get $nt)))
  (func $inline_run (param $kind i64) (param $d i64) (param $nt i64) (result i64)
    (call $start (i32.const 1) (local.get $kind) (local.get $d) (local.get $nt)))

  ;; send the checksum and the nanoseconds: since t0, or (kinds 5 and 6) the sum kept in $sum
  (func $report (param $kind i64) (param $acc i64) (param $t0 f64)
    (local $ns i64)
    (local.set $ns (i64.trunc_f64_s (f64.mul (f64.const 1e6)
      (select (global.get $sum) (f64.sub (call $now) (local.get $t0)) (i64.ge_s (local.get $kind) (i64.const 0x5F))))))
    (call $send (call $host_pid) (i64.or (i64.shl (local.get $acc) (i64.const 4)) (i64.const 0xF)))
    (call $send (call $host_pid) (i64.or (i64.shl (local.get $ns) (i64.const 4)) (i64.const 0xF))))

  (export "exc_tramp:run/3" (func $run))
  (export "exc_tramp:inline/3" (func $inline_run)))
