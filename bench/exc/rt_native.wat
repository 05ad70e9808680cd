;; (e1) The runtime's exceptions (assembly/runtime/exceptions.ts, docs/abi.md
;; "Exceptions") used by code whose calls are native Wasm calls, the shape of
;; assembly/testing/programs/exceptions.ts: a handler is installed with the
;; ABI's try_enter and removed with try_leave; a raise is the ABI's raise,
;; which stores the exception in the process, puts the shadow stack back at
;; the handler's depth and removes the handler; every function between the
;; raise and the handler's function then returns the non-value 0 (never a
;; term), and each caller checks the result of a call that can raise: 0 is
;; passed on, or, in the function that installed the handler, taken to the
;; handler, which reads exc_class and exc_reason and calls exc_clear (what a
;; `catch throw:42` compiles to). The resume id raise returns is not needed:
;; the 0 goes back by returns, frame by frame, as flag.wat's flag does.
;;
;; deep and deep_ret hold no term across their call (1 + deep(D - 1) needs
;; only the result), so they enter no frame, as flag.wat's do; with a frame
;; per function (the test program's deep) a raise also leaves them behind
;; without frame_leave.
;;
;; Conventions and kinds as in flag.wat (no kind 4: flag.wat's plain chain is
;; the baseline); exc_rt_native:run(Kind, D, N). Unlike the candidate
;; kernels, nothing here is module state but the clock sums: the handler and
;; the exception live in the process, where the runtime keeps them. Two kinds
;; more take try_enter's cost apart (each less kind 2):
;;   Kind 8  frame_enter(2) ... frame_leave(2) around deep_ret(1): the frame
;;           try_enter enters, by the ABI's call (which zeroes it)
;;   Kind 9  the same two slots pushed inline against shoal_sp_limit (docs/abi.md
;;           "Root slots"), written at once and left inline: a handler pushed
;;           inline, less the update of the handler's register
(module
  (import "shoal" "memory" (memory 0))
  (import "shoal" "shoal_sp" (global $sp (mut i32)))
  (import "shoal" "shoal_sp_limit" (global $sp_limit (mut i32)))
  (import "shoal" "frame_enter" (func $frame_enter (param i32)))
  (import "shoal" "frame_leave" (func $frame_leave (param i32)))
  (import "shoal" "shoal_budget" (global $budget (mut i32)))
  (import "shoal" "yield_now" (func $yield_now))
  (import "shoal" "host_pid" (func $host_pid (result i64)))
  (import "shoal" "send" (func $send (param i64 i64)))
  (import "shoal" "try_enter" (func $try_enter (param i32)))
  (import "shoal" "try_leave" (func $try_leave))
  (import "shoal" "raise" (func $raise (param i64 i64 i64) (result i32)))
  (import "shoal" "exc_class" (func $exc_class (result i64)))
  (import "shoal" "exc_reason" (func $exc_reason (result i64)))
  (import "shoal" "exc_clear" (func $exc_clear))
  (import "env" "now" (func $now (result f64)))

  ;; kinds 5 and 6: when the raise started (ms), and the intervals summed (ms)
  (global $t_raise (mut f64) (f64.const 0))
  (global $sum (mut f64) (f64.const 0))

  ;; the clock's interval since t (ms), or 0 past 50 us: the thread was paused (the OS, the
  ;; engine), which is no part of what is timed (kinds 5 and 6)
  (func $since (param $t f64) (result f64)
    (local $dt f64)
    (local.set $dt (f64.sub (call $now) (local.get $t)))
    (select (local.get $dt) (f64.const 0) (f64.lt (local.get $dt) (f64.const 0.05))))

  ;; reduce(1), the inline fast path
  (func $reduce
    (local $b i32)
    (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
    (if (i32.le_s (local.get $b) (i32.const 0)) (then (call $yield_now))))

  ;; deep(1) -> throw(42); deep(D) -> 1 + deep(D - 1)
  ;; (throw is the atom 15 << 6 | 0x0B = 971, 42 the small integer 0x2AF, [] 0x3B)
  (func $deep (param $d i64) (result i64)
    (local $r i64)
    (call $reduce)
    (if (i64.eq (local.get $d) (i64.const 0x1F)) (then
      (drop (call $raise (i64.const 971) (i64.const 0x2AF) (i64.const 0x3B)))
      (return (i64.const 0))))
    (local.set $r (call $deep (i64.sub (local.get $d) (i64.const 16))))
    (if (i64.eqz (local.get $r)) (then (return (i64.const 0))))   ;; the non-value: pass it on
    (i64.add (local.get $r) (i64.const 16)))

  ;; deep with the clock read just before the raise (kind 5)
  (func $deep_t (param $d i64) (result i64)
    (local $r i64)
    (call $reduce)
    (if (i64.eq (local.get $d) (i64.const 0x1F)) (then
      (global.set $t_raise (call $now))
      (drop (call $raise (i64.const 971) (i64.const 0x2AF) (i64.const 0x3B)))
      (return (i64.const 0))))
    (local.set $r (call $deep_t (i64.sub (local.get $d) (i64.const 16))))
    (if (i64.eqz (local.get $r)) (then (return (i64.const 0))))
    (i64.add (local.get $r) (i64.const 16)))

  ;; deep_ret(1) -> 0; deep_ret(D) -> 1 + deep_ret(D - 1), every call checked
  (func $deep_ret (param $d i64) (result i64)
    (local $r i64)
    (call $reduce)
    (if (i64.eq (local.get $d) (i64.const 0x1F)) (then (return (i64.const 0xF))))
    (local.set $r (call $deep_ret (i64.sub (local.get $d) (i64.const 16))))
    (if (i64.eqz (local.get $r)) (then (return (i64.const 0))))
    (i64.add (local.get $r) (i64.const 16)))

  ;; the handler of `catch throw:42`: 1 if the exception is throw:42; the exception forgotten
  (func $caught (result i64)
    (local $ok i32)
    (local.set $ok (i32.and (i64.eq (call $exc_class) (i64.const 971)) (i64.eq (call $exc_reason) (i64.const 0x2AF))))
    (call $exc_clear)
    (i64.extend_i32_u (local.get $ok)))

  (func $k_raise (param $d i64) (param $n i64) (result i64)
    (local $i i64) (local $acc i64)
    (loop $l
      (call $reduce)
      (call $try_enter (i32.const 1))
      (if (i64.eqz (call $deep (local.get $d)))
        (then (local.set $acc (i64.add (local.get $acc) (call $caught))))
        (else (call $try_leave) (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (local.get $acc))

  (func $k_timed (param $d i64) (param $n i64) (param $paired i32) (result i64)
    (local $i i64) (local $acc i64) (local $t f64) (local $clk f64) (local $sign f64) (local $dd i64)
    (loop $l
      (call $reduce)
      (local.set $sign (f64.const 1))
      (local.set $dd (local.get $d))
      ;; kind 7: every other raise from depth 1, its interval counted negative
      (if (i32.and (local.get $paired) (i32.wrap_i64 (i64.and (local.get $i) (i64.const 1))))
        (then (local.set $sign (f64.const -1)) (local.set $dd (i64.const 0x1F))))
      (local.set $t (call $now))
      (local.set $clk (f64.add (local.get $clk) (f64.mul (local.get $sign) (call $since (local.get $t)))))
      (call $try_enter (i32.const 1))
      (if (i64.eqz (call $deep_t (local.get $dd)))
        (then
          (global.set $sum (f64.add (global.get $sum) (f64.mul (local.get $sign) (call $since (global.get $t_raise)))))
          (local.set $acc (i64.add (local.get $acc) (call $caught))))
        (else (call $try_leave) (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (global.set $sum (f64.sub (global.get $sum) (local.get $clk)))
    (local.get $acc))

  (func $k_clock (param $n i64) (result i64)
    (local $i i64) (local $t f64)
    (loop $l
      (call $reduce)
      (local.set $t (call $now))
      (global.set $sum (f64.add (global.get $sum) (call $since (local.get $t))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (local.get $n))

  ;; try deep_ret(1) catch ... end: a handler installed and removed, never raised to
  (func $k_handler (param $n i64) (result i64)
    (local $i i64) (local $acc i64) (local $r i64)
    (loop $l
      (call $reduce)
      (call $try_enter (i32.const 1))
      (local.set $r (call $deep_ret (i64.const 0x1F)))
      (if (i64.eqz (local.get $r))
        (then (drop (call $caught)) (local.set $acc (i64.add (local.get $acc) (i64.const 1000000))))
        (else (call $try_leave) (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $r) (i64.const 0xF)))))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (local.get $acc))

  ;; kind 8: a 2-slot frame by the ABI around the call; kind 9: pushed inline (i32.const 1)
  (func $k_frame (param $n i64) (param $inline i32) (result i64)
    (local $i i64) (local $acc i64) (local $r i64)
    (loop $l
      (call $reduce)
      (if (local.get $inline)
        (then
          (if (i32.lt_u (i32.sub (global.get $sp) (i32.const 16)) (global.get $sp_limit))
            (then (call $frame_enter (i32.const 2)))
            (else (global.set $sp (i32.sub (global.get $sp) (i32.const 16)))))
          (i64.store (global.get $sp) (i64.const 0xF))
          (i64.store offset=8 (global.get $sp) (i64.const 0x1F)))
        (else (call $frame_enter (i32.const 2))))
      (local.set $r (call $deep_ret (i64.const 0x1F)))
      (if (i64.eqz (local.get $r)) (then (return (i64.const 0))))
      (if (local.get $inline)
        (then (global.set $sp (i32.add (global.get $sp) (i32.const 16))))
        (else (call $frame_leave (i32.const 2))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $r) (i64.const 0xF)))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (local.get $acc))

  ;; no handler: the check after the call propagates (returns)
  (func $k_call (param $n i64) (result i64)
    (local $i i64) (local $acc i64) (local $r i64)
    (loop $l
      (call $reduce)
      (local.set $r (call $deep_ret (i64.const 0x1F)))
      (if (i64.eqz (local.get $r)) (then (return (i64.const 0))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $r) (i64.const 0xF)))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (local.get $acc))

  (func $k_chain (param $d i64) (param $n i64) (result i64)
    (local $i i64) (local $acc i64) (local $r i64)
    (loop $l
      (call $reduce)
      (local.set $r (call $deep_ret (local.get $d)))
      (if (i64.eqz (local.get $r)) (then (return (i64.const 0))))
      (local.set $acc (i64.add (local.get $acc)
        (i64.extend_i32_u (i64.eq (local.get $r) (i64.sub (local.get $d) (i64.const 16))))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (local.get $acc))

  ;; exc_rt_native:run(Kind, D, N): sends the checksum, then the nanoseconds
  (func $run (param $kind i64) (param $d i64) (param $nt i64) (result i64)
    (local $n i64) (local $t0 f64) (local $acc i64)
    (local.set $n (i64.shr_s (local.get $nt) (i64.const 4)))
    (global.set $sum (f64.const 0))
    (local.set $t0 (call $now))
    (block $done
      (block $k9 (block $k8 (block $k7 (block $k6 (block $k5 (block $k3 (block $k2 (block $k1 (block $k0
        (br_table $k0 $k1 $k2 $k3 $done $k5 $k6 $k7 $k8 $k9 $done (i32.wrap_i64 (i64.shr_s (local.get $kind) (i64.const 4)))))
        (local.set $acc (call $k_raise (local.get $d) (local.get $n))) (br $done))
        (local.set $acc (call $k_handler (local.get $n))) (br $done))
        (local.set $acc (call $k_call (local.get $n))) (br $done))
        (local.set $acc (call $k_chain (local.get $d) (local.get $n))) (br $done))
        (local.set $acc (call $k_timed (local.get $d) (local.get $n) (i32.const 0))) (br $done))
        (local.set $acc (call $k_clock (local.get $n))) (br $done))
        (local.set $acc (call $k_timed (local.get $d) (local.get $n) (i32.const 1))) (br $done))
        (local.set $acc (call $k_frame (local.get $n) (i32.const 0))) (br $done))
      (local.set $acc (call $k_frame (local.get $n) (i32.const 1))))
    (call $report (local.get $kind) (local.get $acc) (local.get $t0))
    (i64.const 0x3B))

  ;; send the checksum and the nanoseconds: since t0, or (kinds 5 to 7) the sum kept in $sum
  (func $report (param $kind i64) (param $acc i64) (param $t0 f64)
    (local $ns i64)
    (local.set $ns (i64.trunc_f64_s (f64.mul (f64.const 1e6)
      (select (global.get $sum) (f64.sub (call $now) (local.get $t0))
        (i32.and (i64.ge_s (local.get $kind) (i64.const 0x5F)) (i64.le_s (local.get $kind) (i64.const 0x7F)))))))
    (call $send (call $host_pid) (i64.or (i64.shl (local.get $acc) (i64.const 4)) (i64.const 0xF)))
    (call $send (call $host_pid) (i64.or (i64.shl (local.get $ns) (i64.const 4)) (i64.const 0xF))))

  (export "exc_rt_native:run/3" (func $run)))
