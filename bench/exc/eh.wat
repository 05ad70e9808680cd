;; (a) Wasm exception handling: a raise is `throw $erl` (the exception state
;; in globals, the tag carries nothing), a handler is a `try_table` with
;; `catch $erl`. Calls cost nothing extra; the engine unwinds the frames
;; between the throw and the handler.
;;
;; Conventions, entry and kinds as in flag.wat (exc_eh:run(Kind, D, N));
;; kinds 3 and 4 are the same here: a chain of plain calls.
;; Links for the fx backend only: the asyncify build has no exception
;; handling, and Binaryen's Asyncify cannot instrument a function holding a
;; try whose body can suspend (the suite prints both messages; see
;; docs/exceptions.md).
(module
  (import "shoal" "shoal_budget" (global $budget (mut i32)))
  (import "shoal" "yield_now" (func $yield_now))
  (import "shoal" "host_pid" (func $host_pid (result i64)))
  (import "shoal" "send" (func $send (param i64 i64)))
  (import "env" "now" (func $now (result f64)))

  (tag $erl)
  (global $class (mut i64) (i64.const 0))
  (global $reason (mut i64) (i64.const 0))
  (global $t_raise (mut f64) (f64.const 0))
  (global $sum (mut f64) (f64.const 0))

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

  ;; raise throw:42
  (func $raise
    (global.set $class (i64.const 971))
    (global.set $reason (i64.const 0x2AF))
    (throw $erl))

  ;; deep(1) -> throw(42); deep(D) -> 1 + deep(D - 1)
  (func $deep (param $d i64) (result i64)
    (call $reduce)
    (if (i64.eq (local.get $d) (i64.const 0x1F)) (then (call $raise)))
    (i64.add (call $deep (i64.sub (local.get $d) (i64.const 16))) (i64.const 16)))

  ;; deep with the clock read just before the raise (kind 5)
  (func $deep_t (param $d i64) (result i64)
    (call $reduce)
    (if (i64.eq (local.get $d) (i64.const 0x1F)) (then (global.set $t_raise (call $now)) (call $raise)))
    (i64.add (call $deep_t (i64.sub (local.get $d) (i64.const 16))) (i64.const 16)))

  ;; deep_ret(1) -> 0; deep_ret(D) -> 1 + deep_ret(D - 1)
  (func $deep_ret (param $d i64) (result i64)
    (call $reduce)
    (if (i64.eq (local.get $d) (i64.const 0x1F)) (then (return (i64.const 0xF))))
    (i64.add (call $deep_ret (i64.sub (local.get $d) (i64.const 16))) (i64.const 16)))

  (func $is_ours (result i64)
    (i64.extend_i32_u (i32.and (i64.eq (global.get $class) (i64.const 971))
      (i64.eq (global.get $reason) (i64.const 0x2AF)))))

  (func $k_raise (param $d i64) (param $n i64) (result i64)
    (local $i i64) (local $acc i64)
    (loop $l
      (call $reduce)
      (block $next
        (block $caught
          (try_table (catch $erl $caught) (drop (call $deep (local.get $d))))
          (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))
          (br $next))
        (local.set $acc (i64.add (local.get $acc) (call $is_ours))))
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
      (block $next
        (block $caught
          (try_table (catch $erl $caught) (drop (call $deep_t (local.get $dd))))
          (local.set $acc (i64.add (local.get $acc) (i64.const 1000000)))
          (br $next))
        (global.set $sum (f64.add (global.get $sum) (f64.mul (local.get $sign) (call $since (global.get $t_raise)))))
        (local.set $acc (i64.add (local.get $acc) (call $is_ours))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (global.set $sum (f64.sub (global.get $sum) (local.get $clk)))
    (local.get $acc))

  (func $k_handler (param $n i64) (result i64)
    (local $i i64) (local $acc i64)
    (loop $l
      (call $reduce)
      (block $next
        (block $caught
          (try_table (catch $erl $caught)
            (local.set $acc (i64.add (local.get $acc)
              (i64.extend_i32_u (i64.eq (call $deep_ret (i64.const 0x1F)) (i64.const 0xF))))))
          (br $next))
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000000))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (local.get $acc))

  (func $k_call (param $n i64) (result i64)
    (local $i i64) (local $acc i64)
    (loop $l
      (call $reduce)
      (local.set $acc (i64.add (local.get $acc)
        (i64.extend_i32_u (i64.eq (call $deep_ret (i64.const 0x1F)) (i64.const 0xF)))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (local.get $acc))

  (func $k_chain (param $d i64) (param $n i64) (result i64)
    (local $i i64) (local $acc i64)
    (loop $l
      (call $reduce)
      (local.set $acc (i64.add (local.get $acc)
        (i64.extend_i32_u (i64.eq (call $deep_ret (local.get $d)) (i64.sub (local.get $d) (i64.const 16))))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (local.get $acc))

  (func $k_clock (param $n i64) (result i64)
    (local $i i64) (local $t f64)
    (loop $l
      (call $reduce)
      (local.set $t (call $now))
      (global.set $sum (f64.add (global.get $sum) (call $since (local.get $t))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (local.get $n))

  (func $run (param $kind i64) (param $d i64) (param $nt i64) (result i64)
    (local $n i64) (local $t0 f64) (local $acc i64)
    (local.set $n (i64.shr_s (local.get $nt) (i64.const 4)))
    (global.set $sum (f64.const 0))
    (local.set $t0 (call $now))
    (block $done
      (block $k7 (block $k6 (block $k5 (block $k3 (block $k2 (block $k1 (block $k0
        (br_table $k0 $k1 $k2 $k3 $k3 $k5 $k6 $k7 $done (i32.wrap_i64 (i64.shr_s (local.get $kind) (i64.const 4)))))
        (local.set $acc (call $k_raise (local.get $d) (local.get $n))) (br $done))
        (local.set $acc (call $k_handler (local.get $n))) (br $done))
        (local.set $acc (call $k_call (local.get $n))) (br $done))
        (local.set $acc (call $k_chain (local.get $d) (local.get $n))) (br $done))
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

  (export "exc_eh:run/3" (func $run)))
