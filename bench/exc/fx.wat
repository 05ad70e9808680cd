;; (d) WasmFX: a handler as a continuation. The try body runs as a child
;; continuation, resumed with (on $raise $handler); a raise is `suspend
;; $raise`, which lands in the innermost such handler whatever the depth.
;; The body's continuation is then abandoned, and on V8 14.6 a continuation
;; dropped unfinished is never reclaimed (docs/engine-facts.md), so the
;; handler ends it with resume_throw of $unwind: its frames unwind (as Wasm
;; EH unwinds them) and its stack is freed.
;;
;; Two ways to get the body's stack:
;;   exc_fx:fresh(Kind, D, N)   a cont.new per try (V8 maps a stack for it)
;;   exc_fx:pooled(Kind, D, N)  a pooled runner: a continuation that runs
;;                              bodies in a loop and parks (suspend $done)
;;                              after each, reused by the next try; after a
;;                              raise, resume_throw unwinds the body into
;;                              the runner, which parks again
;; Conventions and kinds as in flag.wat (kinds 3 and 4: plain calls). Needs
;; the stack-switching features: fx backend only.
(module
  (import "shoal" "shoal_budget" (global $budget (mut i32)))
  (import "shoal" "yield_now" (func $yield_now))
  (import "shoal" "host_pid" (func $host_pid (result i64)))
  (import "shoal" "send" (func $send (param i64 i64)))
  (import "env" "now" (func $now (result f64)))

  (type $body (func (param i64) (result i64)))   ;; a try body: deep(D), deep_ret(D)
  (type $cbody (cont $body))
  (type $rest (func (result i64)))                ;; a body suspended at a raise; a parked runner
  (type $crest (cont $rest))
  (tag $raise)                 ;; control tag: to the innermost handler (the state is in globals)
  (tag $done (param i64))      ;; control tag: the pooled runner finished a body, with its result
  (tag $unwind)                ;; exception thrown into an abandoned body to end it
  (elem declare func $deep $deep_t $deep_ret $runner)

  (global $class (mut i64) (i64.const 0))
  (global $reason (mut i64) (i64.const 0))
  (global $t_raise (mut f64) (f64.const 0))
  (global $sum (mut f64) (f64.const 0))
  ;; the pooled runner: one parked runner (a process would keep a free list), and what it runs next
  (global $pool (mut (ref null $crest)) (ref.null $crest))
  (global $fn (mut (ref null $body)) (ref.null $body))
  (global $arg (mut i64) (i64.const 0))

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

  ;; raise throw:42: suspend to the innermost handler, never resumed
  (func $raise
    (global.set $class (i64.const 971))
    (global.set $reason (i64.const 0x2AF))
    (suspend $raise)
    (unreachable))

  (func $deep (param $d i64) (result i64)
    (call $reduce)
    (if (i64.eq (local.get $d) (i64.const 0x1F)) (then (call $raise)))
    (i64.add (call $deep (i64.sub (local.get $d) (i64.const 16))) (i64.const 16)))

  (func $deep_t (param $d i64) (result i64)
    (call $reduce)
    (if (i64.eq (local.get $d) (i64.const 0x1F)) (then (global.set $t_raise (call $now)) (call $raise)))
    (i64.add (call $deep_t (i64.sub (local.get $d) (i64.const 16))) (i64.const 16)))

  (func $deep_ret (param $d i64) (result i64)
    (call $reduce)
    (if (i64.eq (local.get $d) (i64.const 0x1F)) (then (return (i64.const 0xF))))
    (i64.add (call $deep_ret (i64.sub (local.get $d) (i64.const 16))) (i64.const 16)))

  (func $is_ours (result i64)
    (i64.extend_i32_u (i32.and (i64.eq (global.get $class) (i64.const 971))
      (i64.eq (global.get $reason) (i64.const 0x2AF)))))

  ;; ---- fresh: a continuation per try

  ;; end a body suspended at a raise: unwind it with $unwind, which comes back out here
  (func $discard (param $k (ref $crest))
    (block $gone
      (try_table (catch $unwind $gone)
        (drop (resume_throw $crest $unwind (local.get $k))))
      (unreachable)))

  ;; try f(x) catch throw:42: 1 if caught (the body ended), 0 if f returned (its result in $arg)
  (func $try_fresh (param $f (ref $body)) (param $x i64) (result i32)
    (block $on_raise (result (ref $crest))
      (global.set $arg (resume $cbody (on $raise $on_raise) (local.get $x) (cont.new $cbody (local.get $f))))
      (return (i32.const 0)))
    (call $discard)
    (i32.const 1))

  ;; ---- pooled: a runner continuation reused across tries

  ;; run $fn($arg), park with its result; after an $unwind (a raise ended the body) park with 0
  (func $runner (result i64)
    (loop $next
      (block $unwound
        (try_table (catch $unwind $unwound)
          (suspend $done (call_ref $body (global.get $arg) (global.get $fn)))
          (br $next)))
      (suspend $done (i64.const 0))
      (br $next))
    (unreachable))

  ;; a parked runner from the pool, or a new one (null: none pooled). (The runner is handed to
  ;; resume as a nullable reference: V8 14.6's optimizing compiler aborts on a ref.as_non_null
  ;; feeding a resume with handlers, "Check failed: !op.Effects().can_write()".)
  (func $take (result (ref null $crest))
    (local $k (ref null $crest))
    (local.set $k (global.get $pool))
    (global.set $pool (ref.null $crest))
    (if (ref.is_null (local.get $k)) (then (local.set $k (cont.new $crest (ref.func $runner)))))
    (local.get $k))

  (func $try_pooled (param $f (ref $body)) (param $x i64) (result i32)
    (local $k (ref null $crest))
    (global.set $fn (local.get $f))
    (global.set $arg (local.get $x))
    (block $on_raise (result (ref $crest))
      (block $on_done (result i64 (ref $crest))
        (drop (resume $crest (on $raise $on_raise) (on $done $on_done) (call $take)))
        (unreachable))
      ;; the body returned: park the runner, its result in $arg
      (global.set $pool)
      (global.set $arg)
      (return (i32.const 0)))
    ;; a raise: unwind the body into the runner, which parks again
    (local.set $k)
    (block $parked (result i64 (ref $crest))
      (drop (resume_throw $crest $unwind (on $done $parked) (local.get $k)))
      (unreachable))
    (global.set $pool)
    (drop)
    (i32.const 1))

  ;; ---- the kernels, over either way of trying

  (func $try (param $pooled i32) (param $f (ref $body)) (param $x i64) (result i32)
    (if (result i32) (local.get $pooled)
      (then (call $try_pooled (local.get $f) (local.get $x)))
      (else (call $try_fresh (local.get $f) (local.get $x)))))

  (func $k_raise (param $pooled i32) (param $d i64) (param $n i64) (result i64)
    (local $i i64) (local $acc i64)
    (loop $l
      (call $reduce)
      (local.set $acc (i64.add (local.get $acc)
        (if (result i64) (call $try (local.get $pooled) (ref.func $deep) (local.get $d))
          (then (call $is_ours)) (else (i64.const 1000000)))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (local.get $acc))

  (func $k_timed (param $pooled i32) (param $d i64) (param $n i64) (param $paired i32) (result i64)
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
      (local.set $acc (i64.add (local.get $acc)
        (if (result i64) (call $try (local.get $pooled) (ref.func $deep_t) (local.get $dd))
          (then
            (global.set $sum (f64.add (global.get $sum) (f64.mul (local.get $sign) (call $since (global.get $t_raise)))))
            (call $is_ours))
          (else (i64.const 1000000)))))
      (br_if $l (i64.lt_s (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (global.set $sum (f64.sub (global.get $sum) (local.get $clk)))
    (local.get $acc))

  (func $k_handler (param $pooled i32) (param $n i64) (result i64)
    (local $i i64) (local $acc i64)
    (loop $l
      (call $reduce)
      (local.set $acc (i64.add (local.get $acc)
        (if (result i64) (call $try (local.get $pooled) (ref.func $deep_ret) (i64.const 0x1F))
          (then (i64.const 1000000))
          (else (i64.extend_i32_u (i64.eq (global.get $arg) (i64.const 0xF)))))))
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

  (func $run (param $pooled i32) (param $kind i64) (param $d i64) (param $nt i64) (result i64)
    (local $n i64) (local $t0 f64) (local $acc i64)
    (local.set $n (i64.shr_s (local.get $nt) (i64.const 4)))
    (global.set $sum (f64.const 0))
    (local.set $t0 (call $now))
    (block $done
      (block $k7 (block $k6 (block $k5 (block $k3 (block $k2 (block $k1 (block $k0
        (br_table $k0 $k1 $k2 $k3 $k3 $k5 $k6 $k7 $done (i32.wrap_i64 (i64.shr_s (local.get $kind) (i64.const 4)))))
        (local.set $acc (call $k_raise (local.get $pooled) (local.get $d) (local.get $n))) (br $done))
        (local.set $acc (call $k_handler (local.get $pooled) (local.get $n))) (br $done))
        (local.set $acc (call $k_call (local.get $n))) (br $done))
        (local.set $acc (call $k_chain (local.get $d) (local.get $n))) (br $done))
        (local.set $acc (call $k_timed (local.get $pooled) (local.get $d) (local.get $n) (i32.const 0))) (br $done))
        (local.set $acc (call $k_clock (local.get $n))) (br $done))
      (local.set $acc (call $k_timed (local.get $pooled) (local.get $d) (local.get $n) (i32.const 1))))
    (call $report (local.get $kind) (local.get $acc) (local.get $t0))
    (i64.const 0x3B))

  (func $fresh (param $kind i64) (param $d i64) (param $nt i64) (result i64)
    (call $run (i32.const 0) (local.get $kind) (local.get $d) (local.get $nt)))
  (func $pooled (param $kind i64) (param $d i64) (param $nt i64) (result i64)
    (call $run (i32.const 1) (local.get $kind) (local.get $d) (local.get $nt)))

  ;; send the checksum and the nanoseconds: since t0, or (kinds 5 and 6) the sum kept in $sum
  (func $report (param $kind i64) (param $acc i64) (param $t0 f64)
    (local $ns i64)
    (local.set $ns (i64.trunc_f64_s (f64.mul (f64.const 1e6)
      (select (global.get $sum) (f64.sub (call $now) (local.get $t0)) (i64.ge_s (local.get $kind) (i64.const 0x5F))))))
    (call $send (call $host_pid) (i64.or (i64.shl (local.get $acc) (i64.const 4)) (i64.const 0xF)))
    (call $send (call $host_pid) (i64.or (i64.shl (local.get $ns) (i64.const 4)) (i64.const 0xF))))

  (export "exc_fx:fresh/3" (func $fresh))
  (export "exc_fx:pooled/3" (func $pooled)))
