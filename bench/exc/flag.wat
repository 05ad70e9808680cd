;; (b) Flag-checked return: a raise sets the exception state and a flag, then
;; returns; every call that can raise is followed by a check of the flag,
;; which propagates (returns at once) or, at a handler, catches. Unwinding is
;; frame by frame: one return per frame between the raise and the handler.
;;
;; Written as a compiler would write it (docs/abi.md): terms are i64 (small
;; integer v is v << 4 | 0xF), reduce(1) at every function entry and loop head
;; (the inline fast path), linked by compiler/link.ts and run as a process on
;; both backends. The exception state (flag, class, reason) lives in globals:
;; nothing between a raise and its handler can suspend, so no other process
;; sees it (the runtime would keep class and reason in the process, as BEAM's
;; freason/fvalue, a root of its collector).
;;
;; exc_flag:run(Kind, D, N) runs N iterations of one kernel, then sends the
;; host two small integers: a checksum (N when every iteration did what it
;; should) and the nanoseconds the loop took (host clock, env.now).
;;   Kind 0  raise at depth D, caught at the top        (try deep(D) catch throw:42)
;;   Kind 1  a handler around a call that returns        (try deep_ret(1) catch ...)
;;   Kind 2  the same call without a handler             (deep_ret(1))
;;   Kind 3  a D-deep chain returning, checked calls     (deep_ret(D))
;;   Kind 4  the same chain with plain calls, no check   (the baseline: no mechanism)
;;   Kind 5  kind 0 with the clock read at the raise and in the handler, and
;;           two clock reads back to back before each raise: sends the sum of
;;           the raise-to-handler intervals less the sum of the back-to-back
;;           ones (the raise alone, the calls that reached it left out, what
;;           the clock adds taken out within the same process and moment)
;;   Kind 6  two clock reads back to back: sends the sum of their intervals
;;           (what the clock itself costs)
;;   Kind 7  kind 5 with every other raise from depth 1 instead of D, its
;;           figure counted negative: sends alone(D) - alone(1) summed over
;;           the pairs (how much the raise grows with the depth, both depths
;;           measured in the same process at the same moments)
(module
  (import "shoal" "shoal_budget" (global $budget (mut i32)))
  (import "shoal" "yield_now" (func $yield_now))
  (import "shoal" "host_pid" (func $host_pid (result i64)))
  (import "shoal" "send" (func $send (param i64 i64)))
  (import "env" "now" (func $now (result f64)))

  ;; the exception state
  (global $raised (mut i32) (i32.const 0))
  (global $class (mut i64) (i64.const 0))
  (global $reason (mut i64) (i64.const 0))
  ;; kinds 5 and 6: when the raise started (ms), and the intervals summed (ms)
  (global $t_raise (mut f64) (f64.const 0))
  (global $sum (mut f64) (f64.const 0))

  ;; reduce(1), the inline fast path
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

  ;; raise throw:42 (class the atom throw, 15 << 6 | 0x0B; reason the small integer 42)
  (func $raise
    (global.set $class (i64.const 971))
    (global.set $reason (i64.const 0x2AF))
    (global.set $raised (i32.const 1)))

  ;; deep(1) -> throw(42); deep(D) -> 1 + deep(D - 1)
  (func $deep (param $d i64) (result i64)
    (local $r i64)
    (call $reduce)
    (if (i64.eq (local.get $d) (i64.const 0x1F)) (then (call $raise) (return (i64.const 0))))
    (local.set $r (call $deep (i64.sub (local.get $d) (i64.const 16))))
    (if (global.get $raised) (then (return (i64.const 0))))
    (i64.add (local.get $r) (i64.const 16)))

  ;; deep with the clock read just before the raise (kind 5)
  (func $deep_t (param $d i64) (result i64)
    (local $r i64)
    (call $reduce)
    (if (i64.eq (local.get $d) (i64.const 0x1F))
      (then (global.set $t_raise (call $now)) (call $raise) (return (i64.const 0))))
    (local.set $r (call $deep_t (i64.sub (local.get $d) (i64.const 16))))
    (if (global.get $raised) (then (return (i64.const 0))))
    (i64.add (local.get $r) (i64.const 16)))

  ;; deep_ret(1) -> 0; deep_ret(D) -> 1 + deep_ret(D - 1), every call checked
  (func $deep_ret (param $d i64) (result i64)
    (local $r i64)
    (call $reduce)
    (if (i64.eq (local.get $d) (i64.const 0x1F)) (then (return (i64.const 0xF))))
    (local.set $r (call $deep_ret (i64.sub (local.get $d) (i64.const 16))))
    (if (global.get $raised) (then (return (i64.const 0))))
    (i64.add (local.get $r) (i64.const 16)))

  ;; the same with plain calls (code that cannot raise)
  (func $plain (param $d i64) (result i64)
    (call $reduce)
    (if (i64.eq (local.get $d) (i64.const 0x1F)) (then (return (i64.const 0xF))))
    (i64.add (call $plain (i64.sub (local.get $d) (i64.const 16))) (i64.const 16)))

  ;; 1 if the caught exception is throw:42
  (func $is_ours (result i64)
    (i64.extend_i32_u (i32.and (i64.eq (global.get $class) (i64.const 971))
      (i64.eq (global.get $reason) (i64.const 0x2AF)))))

  (func $k_raise (param $d i64) (param $n i64) (result i64)
    (local $i i64) (local $acc i64)
    (loop $l
      (call $reduce)
      (drop (call $deep (local.get $d)))
      (if (global.get $raised)
        (then (global.set $raised (i32.const 0)) (local.set $acc (i64.add (local.get $acc) (call $is_ours))))
        (else (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))))
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
      (drop (call $deep_t (local.get $dd)))
      (if (global.get $raised)
        (then
          (global.set $sum (f64.add (global.get $sum) (f64.mul (local.get $sign) (call $since (global.get $t_raise)))))
          (global.set $raised (i32.const 0))
          (local.set $acc (i64.add (local.get $acc) (call $is_ours))))
        (else (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))))
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

  ;; the handler: the check after the call branches to it instead of returning
  (func $k_handler (param $n i64) (result i64)
    (local $i i64) (local $acc i64) (local $r i64)
    (loop $l
      (call $reduce)
      (local.set $r (call $deep_ret (i64.const 0x1F)))
      (if (global.get $raised)
        (then (global.set $raised (i32.const 0)) (local.set $acc (i64.add (local.get $acc) (i64.const 1000000))))
        (else (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $r) (i64.const 0xF)))))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (local.get $acc))

  ;; no handler: the check after the call propagates (returns)
  (func $k_call (param $n i64) (result i64)
    (local $i i64) (local $acc i64) (local $r i64)
    (loop $l
      (call $reduce)
      (local.set $r (call $deep_ret (i64.const 0x1F)))
      (if (global.get $raised) (then (return (i64.const 0))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i64.eq (local.get $r) (i64.const 0xF)))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (local.get $acc))

  (func $k_chain (param $d i64) (param $n i64) (result i64)
    (local $i i64) (local $acc i64) (local $r i64)
    (loop $l
      (call $reduce)
      (local.set $r (call $deep_ret (local.get $d)))
      (if (global.get $raised) (then (return (i64.const 0))))
      (local.set $acc (i64.add (local.get $acc)
        (i64.extend_i32_u (i64.eq (local.get $r) (i64.sub (local.get $d) (i64.const 16))))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (local.get $acc))

  (func $k_plain (param $d i64) (param $n i64) (result i64)
    (local $i i64) (local $acc i64)
    (loop $l
      (call $reduce)
      (local.set $acc (i64.add (local.get $acc)
        (i64.extend_i32_u (i64.eq (call $plain (local.get $d)) (i64.sub (local.get $d) (i64.const 16))))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (local.get $acc))

  ;; exc_flag:run(Kind, D, N): sends the checksum, then the nanoseconds
  (func $run (param $kind i64) (param $d i64) (param $nt i64) (result i64)
    (local $n i64) (local $t0 f64) (local $acc i64)
    (local.set $n (i64.shr_s (local.get $nt) (i64.const 4)))
    (global.set $sum (f64.const 0))
    (local.set $t0 (call $now))
    (block $done
      (block $k7 (block $k6 (block $k5 (block $k4 (block $k3 (block $k2 (block $k1 (block $k0
        (br_table $k0 $k1 $k2 $k3 $k4 $k5 $k6 $k7 $done (i32.wrap_i64 (i64.shr_s (local.get $kind) (i64.const 4)))))
        (local.set $acc (call $k_raise (local.get $d) (local.get $n))) (br $done))
        (local.set $acc (call $k_handler (local.get $n))) (br $done))
        (local.set $acc (call $k_call (local.get $n))) (br $done))
        (local.set $acc (call $k_chain (local.get $d) (local.get $n))) (br $done))
        (local.set $acc (call $k_plain (local.get $d) (local.get $n))) (br $done))
        (local.set $acc (call $k_timed (local.get $d) (local.get $n) (i32.const 0))) (br $done))
        (local.set $acc (call $k_clock (local.get $n))) (br $done))
      (local.set $acc (call $k_timed (local.get $d) (local.get $n) (i32.const 1))))
    (call $report (local.get $kind) (local.get $acc) (local.get $t0))
    (i64.const 0x3B))

  ;; send the checksum and the nanoseconds: since t0, or (kinds 5 and 6) the sum kept in $sum
  (func $report (param $kind i64) (param $acc i64) (param $t0 f64)
    (local $ns i64)
    (local.set $ns (i64.trunc_f64_s (f64.mul (f64.const 1e6)
      (select (global.get $sum) (f64.sub (call $now) (local.get $t0)) (i64.ge_s (local.get $kind) (i64.const 0x5F))))))
    (call $send (call $host_pid) (i64.or (i64.shl (local.get $acc) (i64.const 4)) (i64.const 0xF)))
    (call $send (call $host_pid) (i64.or (i64.shl (local.get $ns) (i64.const 4)) (i64.const 0xF))))

  (export "exc_flag:run/3" (func $run)))
