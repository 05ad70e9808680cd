;; Module `workers`: what a compiler would emit for this Erlang, against
;; docs/abi.md alone (the section each comment names is in that document).
;;
;;   main(N) ->
;;       Pids = [spawn(workers, worker, [K, self()]) || K <- lists:seq(1, N)],  % newest first
;;       host ! {workers, Pids},
;;       Total = lists:foldl(fun(Pid, Acc) -> receive {sum, Pid, Sum} -> Acc + Sum end end, 0, Pids),
;;       host ! {total, Total},
;;       ok.
;;
;;   worker(K, Collector) ->
;;       List = [K, K + 1, ..., K + 9999],
;;       Collector ! {sum, self(), lists:sum(List)},
;;       ok.
;;
;; Terms ("Terms"): a small integer v is (v << 4) | 0xF; atom number i is
;; (i << 6) | 0x0B; [] is 0x3B; a pid's low four bits are 0011; a list is the
;; address of its cons cell (head word, tail word) | 1; a tuple is the address
;; of its header word (arity << 6) | 2, followed by its elements. Small
;; integers, atoms, [] and pids are immediate: they hold no address, so a
;; collection never changes them and they may stay in Wasm locals. Lists and
;; boxed terms are addresses into the process's heap, which a collection
;; moves: across any call that can collect or suspend they live in root slots.
(module
  ;; --- the ABI this module uses (copied from abi/shoal.wat) ---
  (import "shoal" "memory" (memory 0))
  (import "shoal" "__memory_base" (global $__memory_base i32))      ;; where the link step put our data
  (import "shoal" "shoal_htop" (global $shoal_htop (mut i32)))      ;; next free byte of the young generation
  (import "shoal" "shoal_hend" (global $shoal_hend (mut i32)))      ;; its end
  (import "shoal" "reduce" (func $reduce (param i32)))
  (import "shoal" "self" (func $self (result i64)))
  (import "shoal" "exit" (func $exit (param i64)))
  (import "shoal" "spawn_mfa" (func $spawn_mfa (param i64 i64 i64 i32) (result i64)))
  (import "shoal" "frame_enter" (func $frame_enter (param i32)))
  (import "shoal" "frame_leave" (func $frame_leave (param i32)))
  (import "shoal" "slot_get" (func $slot_get (param i32) (result i64)))
  (import "shoal" "slot_set" (func $slot_set (param i32 i64)))
  (import "shoal" "gc_alloc" (func $gc_alloc (param i32) (result i32)))
  (import "shoal" "gc_reserve" (func $gc_reserve (param i32)))
  (import "shoal" "make_cons" (func $make_cons (param i64 i64) (result i64)))
  (import "shoal" "make_tuple" (func $make_tuple (param i32) (result i64)))
  (import "shoal" "make_integer" (func $make_integer (param i64) (result i64)))
  (import "shoal" "integer_words" (func $integer_words (param i64) (result i32)))
  (import "shoal" "send" (func $send (param i64 i64)))
  (import "shoal" "recv_peek" (func $recv_peek (result i64)))
  (import "shoal" "recv_next" (func $recv_next))
  (import "shoal" "recv_accept" (func $recv_accept (result i64)))
  (import "shoal" "recv_wait" (func $recv_wait (param f64) (result i32)))
  (import "shoal" "host_pid" (func $host_pid (result i64)))
  (import "shoal" "atom_intern" (func $atom_intern (param i32 i32) (result i32)))
  ;; --- the other module's entry, imported by name: the link step binds it ---
  (import "lists" "lists:sum/1" (func $lists_sum (param i64) (result i64)))

  ;; Our literals ("Linking, data and literals"): one data segment at
  ;; __memory_base, which the link step sets above the runtime's own data.
  ;; The atom names, at these offsets:
  ;;   0 "workers" (7)   7 "worker" (6)   13 "sum" (3)   16 "total" (5)
  (data (global.get $__memory_base) "workers" "worker" "sum" "total")

  ;; The atom named by `len` bytes at offset `at` of our data. atom_intern
  ;; never collects; an atom is immediate, so the caller may keep it in a
  ;; local for as long as it likes.
  (func $atom (param $at i32) (param $len i32) (result i64)
    (local $i i32)
    (local.set $i (call $atom_intern (i32.add (global.get $__memory_base) (local.get $at)) (local.get $len)))
    (if (i32.lt_s (local.get $i) (i32.const 0))                         ;; -1: the atom table is full
      (then (call $exit (i64.const 0x10B)) (unreachable)))             ;; system_limit (atom 4)
    (i64.or (i64.shl (i64.extend_i32_u (local.get $i)) (i64.const 6)) (i64.const 0x0B)))

  ;; workers:worker(K, Collector)
  (func $worker (param $k i64) (param $collector i64) (result i64)
    (local $first i64)
    (local $i i64)
    (local $p i32)
    (local $next i32)
    (local $sum i64)
    ;; Rule 2: a reduction at entry. It can suspend and collect, but K and
    ;; Collector are immediates (a small integer, a pid): nothing to root.
    (call $reduce (i32.const 1))
    (if (i64.ne (i64.and (local.get $k) (i64.const 0xF)) (i64.const 0xF))  ;; K must be a small integer
      (then (call $exit (i64.const 0x1CB)) (unreachable)))                   ;; badarg (atom 7)
    ;; Rule 3 ("Root slots"): one slot. Slot 0 holds the list built so far,
    ;; later the sum. A fresh slot is 0 (empty); start the list at [].
    (call $frame_enter (i32.const 1))
    (call $slot_set (i32.const 0) (i64.const 0x3B))
    ;; Build [K, ..., K + 9999] from its last cell to its first, as lists are built.
    (local.set $first (i64.shr_s (local.get $k) (i64.const 4)))
    (local.set $i (i64.add (local.get $first) (i64.const 9999)))
    (loop $build
      ;; Rule 2: a reduction at every loop head. It may suspend; while
      ;; suspended the process may be collected, which moves the list: it is
      ;; in slot 0, and is read from there below, never kept in a local.
      (call $reduce (i32.const 1))
      ;; Rule 4 ("Allocation"): the inline bump fast path for one cons cell
      ;; (2 words, 16 bytes) ...
      (local.set $p (global.get $shoal_htop))
      (local.set $next (i32.add (local.get $p) (i32.const 16)))
      (if (i32.le_u (local.get $next) (global.get $shoal_hend))
        (then (global.set $shoal_htop (local.get $next)))
        ;; ... and the slow path when the young generation is full: gc_alloc
        ;; collects, then allocates. It moves every live term on the heap:
        ;; the list so far among them.
        (else (local.set $p (call $gc_alloc (i32.const 2)))))
      ;; Fill in both words before the next call that can collect (the
      ;; collector reads the young generation as well-formed objects). The
      ;; tail comes from the slot only now, after the slow path may have moved it.
      (i64.store (local.get $p) (i64.or (i64.shl (local.get $i) (i64.const 4)) (i64.const 0xF)))
      (i64.store offset=8 (local.get $p) (call $slot_get (i32.const 0)))
      (call $slot_set (i32.const 0) (i64.or (i64.extend_i32_u (local.get $p)) (i64.const 1)))
      (local.set $i (i64.sub (local.get $i) (i64.const 1)))
      (br_if $build (i64.ge_s (local.get $i) (local.get $first))))
    ;; Sum = lists:sum(List): a call into the other module, which can collect
    ;; and suspend, so it is given the list fresh from its slot.
    (local.set $sum (call $lists_sum (call $slot_get (i32.const 0))))
    ;; The list is garbage now. The sum is a small integer here, but
    ;; lists:sum may return a boxed integer (an address): into the slot with
    ;; it across the allocation of the message.
    (call $slot_set (i32.const 0) (local.get $sum))
    ;; The message {sum, self(), Sum}: a tuple of 3 is a header and 3
    ;; elements, 4 words, by the same fast path.
    (local.set $p (global.get $shoal_htop))
    (local.set $next (i32.add (local.get $p) (i32.const 32)))
    (if (i32.le_u (local.get $next) (global.get $shoal_hend))
      (then (global.set $shoal_htop (local.get $next)))
      (else (local.set $p (call $gc_alloc (i32.const 4)))))
    (i64.store (local.get $p) (i64.const 0xC0))                         ;; header: arity 3 << 6, subtag 0 (tuple)
    (i64.store offset=8 (local.get $p) (call $atom (i32.const 13) (i32.const 3)))   ;; sum
    (i64.store offset=16 (local.get $p) (call $self))
    (i64.store offset=24 (local.get $p) (call $slot_get (i32.const 0)))    ;; Sum
    ;; ("Messages") send copies the tuple into the collector's heap; it never
    ;; collects ours.
    (call $send (local.get $collector) (i64.or (i64.extend_i32_u (local.get $p)) (i64.const 2)))
    (call $frame_leave (i32.const 1))
    (i64.const 0x30B))                                                  ;; ok (atom 12)

  ;; Whether message `m` is {sum, Pid, Sum} with this Pid and Sum a small
  ;; integer: the receive clause's pattern, compiled. Reads only; collects nothing.
  (func $is_sum_from (param $m i64) (param $pid i64) (param $sum_atom i64) (result i32)
    (local $a i32)
    (if (i64.ne (i64.and (local.get $m) (i64.const 3)) (i64.const 2))  ;; boxed?
      (then (return (i32.const 0))))
    (local.set $a (i32.wrap_i64 (i64.sub (local.get $m) (i64.const 2))))
    (if (i64.ne (i64.load (local.get $a)) (i64.const 0xC0))            ;; a tuple of 3?
      (then (return (i32.const 0))))
    (if (i64.ne (i64.load offset=8 (local.get $a)) (local.get $sum_atom))
      (then (return (i32.const 0))))
    (if (i64.ne (i64.load offset=16 (local.get $a)) (local.get $pid))  ;; pids are immediate: equal terms are equal words
      (then (return (i32.const 0))))
    (i64.eq (i64.and (i64.load offset=24 (local.get $a)) (i64.const 0xF)) (i64.const 0xF)))

  ;; workers:main(N)
  (func $main (param $n i64) (result i64)
    (local $count i64)
    (local $k i64)
    (local $args i64)
    (local $pid i64)
    (local $pids i64)
    (local $cell i32)
    (local $m i64)
    (local $total i64)
    (local $t i64)
    (local $sum_atom i64)
    (call $reduce (i32.const 1))                                        ;; Rule 2: at entry
    (if (i64.ne (i64.and (local.get $n) (i64.const 0xF)) (i64.const 0xF))  ;; N must be a small integer
      (then (call $exit (i64.const 0x1CB)) (unreachable)))                   ;; badarg
    ;; Rule 3: slot 0 holds Pids, the workers' pids, newest first (a list:
    ;; an address, which collections move).
    (call $frame_enter (i32.const 1))
    (call $slot_set (i32.const 0) (i64.const 0x3B))
    (local.set $count (i64.shr_s (local.get $n) (i64.const 4)))

    ;; 1. Spawn the workers ("Processes"), by name: spawn_mfa(workers, worker, [K, self()]).
    (local.set $k (i64.const 1))
    (block $spawned
      (loop $spawn
        (br_if $spawned (i64.gt_s (local.get $k) (local.get $count)))
        (call $reduce (i32.const 1))                                    ;; Rule 2: loop head
        ;; Args = [K, self()]: two cons cells, 4 words. "Building terms":
        ;; reserve the whole term once, then build it bottom-up with make_*,
        ;; which never collect, so no piece needs a slot meanwhile.
        (call $gc_reserve (i32.const 4))
        (local.set $args
          (call $make_cons (i64.or (i64.shl (local.get $k) (i64.const 4)) (i64.const 0xF))
            (call $make_cons (call $self) (i64.const 0x3B))))
        ;; spawn_mfa copies Args into the child (it roots them itself while it
        ;; may collect our heap). Priority 2: normal. Module and function are
        ;; atoms made from our literals.
        (local.set $pid
          (call $spawn_mfa (call $atom (i32.const 0) (i32.const 7)) (call $atom (i32.const 7) (i32.const 6))
            (local.get $args) (i32.const 2)))
        ;; At the process limit it returns the atom system_limit, not a pid: end with it.
        (if (i64.ne (i64.and (local.get $pid) (i64.const 0xF)) (i64.const 0x3))
          (then (call $exit (local.get $pid)) (unreachable)))
        ;; Pids = [Pid | Pids]: spawn_mfa may have collected, so Pids is read
        ;; from its slot, after the reserve (which may collect too).
        (call $gc_reserve (i32.const 2))
        (call $slot_set (i32.const 0) (call $make_cons (local.get $pid) (call $slot_get (i32.const 0))))
        (local.set $k (i64.add (local.get $k) (i64.const 1)))
        (br $spawn)))

    ;; 2. Tell the host whom we started: {workers, Pids}. A tuple of 2 is 3
    ;; words; make_tuple fills it with [], element i is at its address + 8 + 8i.
    (call $gc_reserve (i32.const 3))
    (local.set $t (call $make_tuple (i32.const 2)))
    (i64.store offset=8 (i32.wrap_i64 (i64.sub (local.get $t) (i64.const 2))) (call $atom (i32.const 0) (i32.const 7)))
    (i64.store offset=16 (i32.wrap_i64 (i64.sub (local.get $t) (i64.const 2))) (call $slot_get (i32.const 0)))
    (call $send (call $host_pid) (local.get $t))

    ;; 3. Collect the sums, newest worker first: for each Pid in Pids,
    ;;    receive {sum, Pid, Sum} -> Total + Sum end.
    ;; The workers finish about in the order they were started, so the
    ;; replies of older workers are usually in the mailbox before the one
    ;; this receive waits for: it skips them (recv_next), and the next
    ;; receive finds them (recv_accept put the save position back at the head).
    (local.set $sum_atom (call $atom (i32.const 13) (i32.const 3)))
    (block $collected
      (loop $each_pid
        (call $reduce (i32.const 1))                                    ;; Rule 2: loop head
        (local.set $pids (call $slot_get (i32.const 0)))                ;; reloaded: reduce may have collected
        (br_if $collected (i64.eq (local.get $pids) (i64.const 0x3B)))
        (local.set $cell (i32.wrap_i64 (i64.sub (local.get $pids) (i64.const 1))))
        (local.set $pid (i64.load (local.get $cell)))                   ;; an immediate: safe in a local
        (call $slot_set (i32.const 0) (i64.load offset=8 (local.get $cell)))   ;; Pids = the tail, before the wait
        ;; The receive loop ("Messages"), as BEAM compiles a receive with no after clause:
        (block $matched
          (loop $scan
            (local.set $m (call $recv_peek))                            ;; the message at the save position, or 0
            (if (i64.eqz (local.get $m))
              (then
                ;; none left to try: wait. recv_wait suspends (and the
                ;; process may be collected meanwhile); Infinity: no after
                ;; clause. Afterwards only messages that came since are tried.
                (drop (call $recv_wait (f64.const inf)))
                (br $scan)))
            (if (call $is_sum_from (local.get $m) (local.get $pid) (local.get $sum_atom))
              (then
                ;; matched: read Sum before anything can collect, then take
                ;; the message out (the save position goes back to the head)
                (local.set $total (i64.add (local.get $total)
                  (i64.shr_s (i64.load offset=24 (i32.wrap_i64 (i64.sub (local.get $m) (i64.const 2)))) (i64.const 4))))
                (drop (call $recv_accept))
                (br $matched)))
            ;; another worker's reply (or anything else): skip it, it stays queued
            (call $recv_next)
            (br $scan)))
        (br $each_pid)))

    ;; 4. The result to the host: {total, Total}. Total is an i64, not a
    ;; term: make_integer makes it one (boxed past 60 bits). One reserve for
    ;; the integer and the tuple, built bottom-up.
    (call $gc_reserve (i32.add (i32.const 3) (call $integer_words (local.get $total))))
    (local.set $m (call $make_integer (local.get $total)))
    (local.set $t (call $make_tuple (i32.const 2)))
    (i64.store offset=8 (i32.wrap_i64 (i64.sub (local.get $t) (i64.const 2))) (call $atom (i32.const 16) (i32.const 5)))
    (i64.store offset=16 (i32.wrap_i64 (i64.sub (local.get $t) (i64.const 2))) (local.get $m))
    (call $send (call $host_pid) (local.get $t))
    (call $frame_leave (i32.const 1))
    (i64.const 0x30B))                                                  ;; ok; returning ends the process (normal)

  ;; The entries, exported as module:function/arity, of type (i64 x arity) -> i64.
  ;; main/1 is what the host spawns; worker/2 is what spawn_mfa finds by name.
  (export "workers:main/1" (func $main))
  (export "workers:worker/2" (func $worker)))
