;; Tail calls as Wasm's tail-call instructions, for bench/depth.ts: WasmFX only
;; (Binaryen's Asyncify cannot instrument return_call: the link step refuses
;; the module for asyncify, naming the function). Entries as depth.wat's
;; (`tail:<name>/1`, (i64) -> (i64), n in the argument, sends n, returns []);
;; the table (from __table_base) holds the two steps return_call_indirect
;; calls: 0 ri_even, 1 ri_odd.
;;
;;   entry       shape                                             sends
;;   ----------  ------------------------------------------------  -----
;;   rc_direct   even/odd tail calls between two functions,        n
;;               return_call
;;   rc_indirect the same through return_call_indirect (a call     n
;;               to a fun, or a function not known statically)
(module
  (type $step (func (param i32 i32) (result i32)))
  (import "shoal" "table" (table 0 funcref))
  (import "shoal" "__table_base" (global $tb i32))
  (import "shoal" "shoal_budget" (global $budget (mut i32)))
  (import "shoal" "yield_now" (func $yield_now))
  (import "shoal" "host_pid" (func $host_pid (result i64)))
  (import "shoal" "send" (func $send (param i64 i64)))

  (elem (global.get $tb) $ri_even $ri_odd)

  (func $reduce
    (local $b i32)
    (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
    (if (i32.le_s (local.get $b) (i32.const 0)) (then (call $yield_now))))

  (func $answer (param $v i32)
    (call $send (call $host_pid)
      (i64.or (i64.shl (i64.extend_i32_u (local.get $v)) (i64.const 4)) (i64.const 0xF))))

  (func $n_of (param $arg i64) (result i32)
    (i32.and (i32.wrap_i64 (i64.shr_u (local.get $arg) (i64.const 4))) (i32.const 0x0FFFFFFF)))

  ;; even(0, Acc) -> Acc; even(N, Acc) -> odd(N - 1, Acc + 1); odd likewise
  (func $even (param $n i32) (param $acc i32) (result i32)
    (call $reduce)
    (if (i32.eqz (local.get $n)) (then (return (local.get $acc))))
    (return_call $odd (i32.sub (local.get $n) (i32.const 1)) (i32.add (local.get $acc) (i32.const 1))))
  (func $odd (param $n i32) (param $acc i32) (result i32)
    (call $reduce)
    (if (i32.eqz (local.get $n)) (then (return (local.get $acc))))
    (return_call $even (i32.sub (local.get $n) (i32.const 1)) (i32.add (local.get $acc) (i32.const 1))))

  ;; (starting at odd for an odd n: with two callers each, neither is inlined into the other)
  (func $rc_direct (param $arg i64) (result i64)
    (local $n i32)
    (local.set $n (call $n_of (local.get $arg)))
    (call $answer (if (result i32) (i32.and (local.get $n) (i32.const 1))
      (then (call $odd (local.get $n) (i32.const 0)))
      (else (call $even (local.get $n) (i32.const 0)))))
    (i64.const 0x3B))

  (func $ri_even (type $step)
    (call $reduce)
    (if (i32.eqz (local.get 0)) (then (return (local.get 1))))
    (return_call_indirect (type $step) (i32.sub (local.get 0) (i32.const 1)) (i32.add (local.get 1) (i32.const 1))
      (i32.add (global.get $tb) (i32.const 1))))
  (func $ri_odd (type $step)
    (call $reduce)
    (if (i32.eqz (local.get 0)) (then (return (local.get 1))))
    (return_call_indirect (type $step) (i32.sub (local.get 0) (i32.const 1)) (i32.add (local.get 1) (i32.const 1))
      (i32.add (global.get $tb) (i32.const 0))))

  (func $rc_indirect (param $arg i64) (result i64)
    (call $answer (call_indirect (type $step) (call $n_of (local.get $arg)) (i32.const 0)
      (i32.add (global.get $tb) (i32.const 0))))
    (i64.const 0x3B))

  (export "tail:rc_direct/1" (func $rc_direct))
  (export "tail:rc_indirect/1" (func $rc_indirect))
)
