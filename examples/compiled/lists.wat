;; Module `lists`, compiled on its own: lists:sum/1. workers.wat calls it by
;; importing the entry by name; `shoal link` binds the two (docs/abi.md,
;; "Calls by name, funs and apply").
;;
;; Terms (docs/abi.md, "Terms"): a small integer v is (v << 4) | 0xF, [] is
;; 0x3B, a list is the address of its cons cell (head word, tail word) | 1.
(module
  ;; --- the ABI this module uses (copied from abi/shoal.wat) ---
  (import "shoal" "memory" (memory 0))
  (import "shoal" "shoal_budget" (global $shoal_budget (mut i32)))  ;; reductions left in the slice
  (import "shoal" "yield_now" (func $yield_now))
  (import "shoal" "exit" (func $exit (param i64)))
  (import "shoal" "frame_enter" (func $frame_enter (param i32)))
  (import "shoal" "frame_leave" (func $frame_leave (param i32)))
  (import "shoal" "slot_get" (func $slot_get (param i32) (result i64)))
  (import "shoal" "slot_set" (func $slot_set (param i32 i64)))
  (import "shoal" "gc_reserve" (func $gc_reserve (param i32)))
  (import "shoal" "integer_words" (func $integer_words (param i64) (result i32)))
  (import "shoal" "make_integer" (func $make_integer (param i64) (result i64)))

  ;; lists:sum(List) -> the sum of a proper list of small integers.
  ;; (Ends the process with badarg for an improper list and badarith for an
  ;; element that is not a small integer: until exceptions exist, an error
  ;; ends the process. A sum past 64 bits wraps: a real compiler goes to
  ;; bignums before that.)
  (func $sum (param $list i64) (result i64)
    (local $l i64)
    (local $head i64)
    (local $cell i32)
    (local $budget i32)
    (local $acc i64)
    ;; Rule 3 (docs/abi.md, "Root slots"): the list is a pointer into our
    ;; heap, and the loop below can suspend, and a suspended process can be
    ;; collected, which moves the list. So it lives in a root slot, put there
    ;; before anything that can collect. The sum so far is a plain i64, not a
    ;; term: it needs no slot.
    (call $frame_enter (i32.const 1))
    (call $slot_set (i32.const 0) (local.get $list))
    (block $done
      (loop $walk
        ;; Rule 2 ("Reductions and yield points"): a reduction at every loop
        ;; head (it also covers the function's entry), here in its inline
        ;; form: spend one from shoal_budget, yield when it is gone.
        (local.set $budget (i32.sub (global.get $shoal_budget) (i32.const 1)))
        (global.set $shoal_budget (local.get $budget))
        (if (i32.le_s (local.get $budget) (i32.const 0))
          (then (call $yield_now)))
        ;; yield_now suspends, and the process may be collected meanwhile:
        ;; the rest of the list is read from its slot only now
        (local.set $l (call $slot_get (i32.const 0)))
        (br_if $done (i64.eq (local.get $l) (i64.const 0x3B)))          ;; []: done
        (if (i64.ne (i64.and (local.get $l) (i64.const 3)) (i64.const 1)) ;; not a cons cell
          (then (call $exit (i64.const 0x1CB)) (unreachable)))            ;; badarg (atom 7)
        (local.set $cell (i32.wrap_i64 (i64.sub (local.get $l) (i64.const 1))))
        (local.set $head (i64.load (local.get $cell)))
        (if (i64.ne (i64.and (local.get $head) (i64.const 0xF)) (i64.const 0xF))
          (then (call $exit (i64.const 0x64B)) (unreachable)))            ;; badarith (atom 25)
        (local.set $acc (i64.add (local.get $acc) (i64.shr_s (local.get $head) (i64.const 4))))
        ;; the tail goes back into the slot before the next loop head
        (call $slot_set (i32.const 0) (i64.load offset=8 (local.get $cell)))
        (br $walk)))
    (call $frame_leave (i32.const 1))
    ;; The result: a small integer, or a boxed one past 60 bits, which takes
    ;; heap words. Reserve them, then build: make_integer never collects
    ;; ("Building terms"). Nothing is held in a local across the reserve but
    ;; the i64 $acc, which is not a term.
    (call $gc_reserve (call $integer_words (local.get $acc)))
    (call $make_integer (local.get $acc)))

  ;; An entry: exported as module:function/arity, of type (i64 x arity) -> i64.
  (export "lists:sum/1" (func $sum)))
