;; Recursion and call shapes as a compiler would emit them, for bench/depth.ts.
;; Linked with the runtime like any program module (`shoal link`, through
;; bench/lib/programs.ts): everything from "shoal", the step functions the
;; driver loops call_indirect placed in the table through the imported
;; __table_base. Runs on both backends.
;;
;; Every entry is an export `depth:<name>/1` of type (i64) -> (i64), spawned by
;; name (rt.spawn("depth:<name>", arg)); it sends one small integer to the host
;; when it is done and returns []. Its argument is a small integer v:
;; n = v & (2^28 - 1) (a depth or a count), reps = (v >> 28) & 0xFFFF (how many
;; times a body recursion runs, 0 = once) and y = v >> 44 (yields to make at
;; the deepest point, each time). Every function spends a reduction on entry
;; (docs/abi.md's inline form), so every shape is preemptible, as compiled
;; code must be; on Asyncify every function that can reach yield_now is
;; instrumented, as compiled code would be.
;;
;;   entry          shape                                         sends
;;   -------------  --------------------------------------------  --------------
;;   body_plain     body recursion, native calls, no root slots   n (each rep)
;;                  (and, with yields, 0 and 1 around them)
;;   body_frame     body recursion, native calls, a frame of 2    n (each rep)
;;                  root slots per level (frame_enter/leave)
;;   probe_plain    body_plain that records its depth in          (dies, or n)
;;                  $deepest at every level
;;   probe_frame    the same for body_frame                       (dies, or n)
;;   report         $deepest                                      $deepest
;;   tail_loop      a self tail call compiled to a loop           n
;;   tramp          tail calls through a trampoline: each         n
;;                  function returns the next one's table index,
;;                  a driver loop call_indirects it
;;   frames_tramp   body recursion with its frames on the         n (each rep)
;;                  shadow stack: each call pushes a frame
;;                  {continuation, saved term}, each function
;;                  returns the table index to run next to a
;;                  driver loop (call_indirect)
;;   frames_switch  the same body recursion, every block of the   n (each rep)
;;                  recursion one br_table case of one function
;;   park           waits for a message forever (a suspended       -
;;                  process, for the memory a stack holds)
;;   park_plain     body_plain once, parked at the deepest level    -
;;                  (waits for a message forever): on Asyncify its
;;                  saved frames are what the process holds
;;   park_frame     the same for body_frame                         -
;;
;; The table (from __table_base): 0..4 the trampolines' steps (tr_even,
;; tr_odd, fr_call, fr_ret, fr_halt), 5..8 the recursions `repeat` runs once
;; per rep (rec_plain, rec_frame_once, frames_tramp_once, frames_switch_once).
(module
  (type $step (func (result i32)))
  (import "shoal" "memory" (memory 0))
  (import "shoal" "table" (table 0 funcref))
  (import "shoal" "__table_base" (global $tb i32))
  (import "shoal" "shoal_budget" (global $budget (mut i32)))
  (import "shoal" "yield_now" (func $yield_now))
  (import "shoal" "host_pid" (func $host_pid (result i64)))
  (import "shoal" "send" (func $send (param i64 i64)))
  (import "shoal" "frame_enter" (func $frame_enter (param i32)))
  (import "shoal" "frame_leave" (func $frame_leave (param i32)))
  (import "shoal" "slot_get" (func $slot_get (param i32) (result i64)))
  (import "shoal" "slot_set" (func $slot_set (param i32 i64)))
  (import "shoal" "recv_wait" (func $recv_wait (param f64) (result i32)))

  (elem (global.get $tb)
    $tr_even $tr_odd $fr_call $fr_ret $fr_halt
    $rec_plain $rec_frame_once $frames_tramp_once $frames_switch_once)

  ;; yields to make at the deepest point (set by the entry), or (1) park there
  (global $yields (mut i32) (i32.const 0))
  (global $leaf_park (mut i32) (i32.const 0))
  ;; deepest level a probe reached (read by `report` after the probe died)
  (global $deepest (mut i32) (i32.const 0))
  ;; "registers" of the trampolined shapes: the argument / return value, and an accumulator
  (global $r0 (mut i64) (i64.const 0))
  (global $r1 (mut i64) (i64.const 0))

  ;; ── helpers

  ;; docs/abi.md's inline reduce(1)
  (func $reduce
    (local $b i32)
    (global.set $budget (local.tee $b (i32.sub (global.get $budget) (i32.const 1))))
    (if (i32.le_s (local.get $b) (i32.const 0)) (then (call $yield_now))))

  (func $n_of (param $arg i64) (result i32)
    (i32.and (i32.wrap_i64 (i64.shr_u (local.get $arg) (i64.const 4))) (i32.const 0x0FFFFFFF)))
  (func $reps_of (param $arg i64) (result i32)
    (local $r i32)
    (local.set $r (i32.and (i32.wrap_i64 (i64.shr_u (local.get $arg) (i64.const 32))) (i32.const 0xFFFF)))
    (select (local.get $r) (i32.const 1) (local.get $r)))
  (func $y_of (param $arg i64) (result i32)
    (i32.wrap_i64 (i64.shr_u (local.get $arg) (i64.const 48))))
  (func $small (param $v i64) (result i64)
    (i64.or (i64.shl (local.get $v) (i64.const 4)) (i64.const 0xF)))
  (func $answer (param $v i32)
    (call $send (call $host_pid) (call $small (i64.extend_i32_u (local.get $v)))))

  ;; run a body recursion (its table index) reps times to depth n; n if every run returned n, else 2^32 - 1
  (type $once (func (param i32) (result i32)))
  (func $repeat (param $arg i64) (param $f i32)
    (local $n i32) (local $i i32) (local $ok i32)
    (global.set $yields (call $y_of (local.get $arg)))
    (global.set $leaf_park (i32.const 0))
    (local.set $n (call $n_of (local.get $arg)))
    (local.set $i (call $reps_of (local.get $arg)))
    (local.set $ok (i32.const 1))
    (loop $rep
      (local.set $ok (i32.and (local.get $ok)
        (i32.eq (call_indirect (type $once) (local.get $n) (local.get $f)) (local.get $n))))
      (br_if $rep (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
    (call $answer (select (local.get $n) (i32.const -1) (local.get $ok))))

  ;; the deepest point: yield $yields times between two messages to the host (0, then 1),
  ;; so that the host can time the yields alone; or park
  (func $leaf
    (local $i i32)
    (if (global.get $leaf_park)
      (then (loop $forever (drop (call $recv_wait (f64.const inf))) (br $forever))))
    (local.set $i (global.get $yields))
    (if (i32.eqz (local.get $i)) (then (return)))
    (call $send (call $host_pid) (call $small (i64.const 0)))
    (loop $more
      (call $yield_now)
      (br_if $more (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
    (call $send (call $host_pid) (call $small (i64.const 1))))

  ;; ── body_plain, probe_plain: body recursion, native calls, no root slots: f(0) = 0, f(d) = f(d - 1) + 1

  (func $rec_plain (param $d i32) (result i32)
    (call $reduce)
    (if (i32.eqz (local.get $d)) (then (call $leaf) (return (i32.const 0))))
    (i32.add (call $rec_plain (i32.sub (local.get $d) (i32.const 1))) (i32.const 1)))

  (func $body_plain (param $arg i64) (result i64)
    (call $repeat (local.get $arg) (i32.add (global.get $tb) (i32.const 5)))
    (i64.const 0x3B))

  (func $rec_probe_plain (param $d i32) (param $limit i32) (result i32)
    (global.set $deepest (local.get $d))
    (call $reduce)
    (if (i32.eq (local.get $d) (local.get $limit)) (then (return (i32.const 0))))
    (i32.add (call $rec_probe_plain (i32.add (local.get $d) (i32.const 1)) (local.get $limit)) (i32.const 1)))

  (func $probe_plain (param $arg i64) (result i64)
    (global.set $deepest (i32.const 0))
    (call $answer (call $rec_probe_plain (i32.const 0) (call $n_of (local.get $arg))))
    (i64.const 0x3B))

  ;; ── body_frame, probe_frame: the same with a frame of 2 root slots per level, as a compiler keeps the
  ;; terms it needs after the call: slot 0 a term passed down, slot 1 the level

  (func $rec_frame_once (type $once) (call $rec_frame (local.get 0) (i64.const 0x3B)))

  (func $rec_frame (param $d i32) (param $t i64) (result i32)
    (local $r i32)
    (call $frame_enter (i32.const 2))
    (call $slot_set (i32.const 0) (local.get $t))
    (call $slot_set (i32.const 1) (call $small (i64.extend_i32_u (local.get $d))))
    (call $reduce)
    (if (i32.eqz (local.get $d))
      (then (call $leaf))
      (else (local.set $r (call $rec_frame (i32.sub (local.get $d) (i32.const 1)) (call $slot_get (i32.const 0))))))
    ;; reload after the call (it may have collected): the level must come back intact
    (local.set $r (i32.add (local.get $r)
      (i32.ne (i32.wrap_i64 (i64.shr_u (call $slot_get (i32.const 1)) (i64.const 4))) (i32.const 0))))
    (call $frame_leave (i32.const 2))
    (local.get $r))

  (func $body_frame (param $arg i64) (result i64)
    (call $repeat (local.get $arg) (i32.add (global.get $tb) (i32.const 6)))
    (i64.const 0x3B))

  (func $rec_probe_frame (param $d i32) (param $limit i32) (param $t i64) (result i32)
    (local $r i32)
    (global.set $deepest (local.get $d))
    (call $frame_enter (i32.const 2))
    (call $slot_set (i32.const 0) (local.get $t))
    (call $slot_set (i32.const 1) (call $small (i64.extend_i32_u (local.get $d))))
    (call $reduce)
    (if (i32.ne (local.get $d) (local.get $limit))
      (then (local.set $r (i32.add (i32.const 1)
        (call $rec_probe_frame (i32.add (local.get $d) (i32.const 1)) (local.get $limit) (call $slot_get (i32.const 0)))))))
    (local.set $r (i32.add (local.get $r)
      (i32.wrap_i64 (i64.and (i64.shr_u (call $slot_get (i32.const 1)) (i64.const 63)) (i64.const 1)))))
    (call $frame_leave (i32.const 2))
    (local.get $r))

  (func $probe_frame (param $arg i64) (result i64)
    (global.set $deepest (i32.const 0))
    (call $answer (call $rec_probe_frame (i32.const 0) (call $n_of (local.get $arg)) (local.get $arg)))
    (i64.const 0x3B))

  ;; ── report

  (func $report (param $arg i64) (result i64)
    (call $answer (global.get $deepest))
    (i64.const 0x3B))

  ;; ── tail_loop: loop(0, Acc) -> Acc; loop(N, Acc) -> loop(N - 1, Acc + 1), the self tail call a loop

  (func $tail_loop (param $arg i64) (result i64)
    (local $n i32) (local $acc i32)
    (local.set $n (call $n_of (local.get $arg)))
    (loop $again
      (call $reduce)
      (if (local.get $n)
        (then
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
          (br $again))))
    (call $answer (local.get $acc))
    (i64.const 0x3B))

  ;; ── tramp: even(0, Acc) -> Acc; even(N, Acc) -> odd(N - 1, Acc + 1); odd likewise -> even:
  ;; tail calls between functions, through a trampoline (a step returns the table
  ;; index of the next step, or -1 to stop; arguments in the registers)

  (func $tramp (param $arg i64) (result i64)
    (local $k i32)
    (global.set $r0 (i64.extend_i32_u (call $n_of (local.get $arg))))
    (global.set $r1 (i64.const 0))
    (local.set $k (i32.add (global.get $tb) (i32.const 0)))
    (loop $run
      (local.set $k (call_indirect (type $step) (local.get $k)))
      (br_if $run (i32.ge_s (local.get $k) (i32.const 0))))
    (call $answer (i32.wrap_i64 (global.get $r1)))
    (i64.const 0x3B))

  (func $tr_even (type $step)
    (call $reduce)
    (if (i64.eqz (global.get $r0)) (then (return (i32.const -1))))
    (global.set $r0 (i64.sub (global.get $r0) (i64.const 1)))
    (global.set $r1 (i64.add (global.get $r1) (i64.const 1)))
    (i32.add (global.get $tb) (i32.const 1)))

  (func $tr_odd (type $step)
    (call $reduce)
    (if (i64.eqz (global.get $r0)) (then (return (i32.const -1))))
    (global.set $r0 (i64.sub (global.get $r0) (i64.const 1)))
    (global.set $r1 (i64.add (global.get $r1) (i64.const 1)))
    (i32.add (global.get $tb) (i32.const 0)))

  ;; ── frames_tramp: f(0) = 0, f(d) = f(d - 1) + 1 with its frames on the shadow stack.
  ;; A call pushes a frame of 2 slots {continuation, saved d} (a continuation is
  ;; a table index as a small integer, so the collector sees a term) and
  ;; continues at the callee; a return pops the newest frame and continues at
  ;; its continuation, the value in $r0. Native depth stays 2 (driver, step),
  ;; whatever the recursion's depth: only the shadow stack grows.

  (func $frames_tramp (param $arg i64) (result i64)
    (call $repeat (local.get $arg) (i32.add (global.get $tb) (i32.const 7)))
    (i64.const 0x3B))

  (func $frames_tramp_once (type $once)
    (local $k i32)
    ;; the bottom frame: returning to it stops the driver
    (call $frame_enter (i32.const 2))
    (call $slot_set (i32.const 0) (call $small (i64.extend_i32_u (i32.add (global.get $tb) (i32.const 4)))))
    (global.set $r0 (i64.extend_i32_u (local.get 0)))
    (local.set $k (i32.add (global.get $tb) (i32.const 2)))
    (loop $run
      (local.set $k (call_indirect (type $step) (local.get $k)))
      (br_if $run (i32.ge_s (local.get $k) (i32.const 0))))
    (call $frame_leave (i32.const 2))
    (i32.wrap_i64 (global.get $r0)))

  ;; pop the newest frame, continue at its continuation (it reads its saved slots first)
  (func $return_to (result i32)
    (i32.wrap_i64 (i64.shr_u (call $slot_get (i32.const 0)) (i64.const 4))))

  ;; f's entry: d in $r0
  (func $fr_call (type $step)
    (call $reduce)
    (if (i64.eqz (global.get $r0))
      (then
        (call $leaf)
        (return (call $return_to))))
    (call $frame_enter (i32.const 2))
    (call $slot_set (i32.const 0) (call $small (i64.extend_i32_u (i32.add (global.get $tb) (i32.const 3)))))
    (call $slot_set (i32.const 1) (call $small (global.get $r0)))
    (global.set $r0 (i64.sub (global.get $r0) (i64.const 1)))
    (i32.add (global.get $tb) (i32.const 2)))

  ;; f's continuation after the call: f(d - 1) in $r0, d in slot 1
  (func $fr_ret (type $step)
    (global.set $r0 (i64.add (global.get $r0)
      (i64.extend_i32_u (i64.ne (call $slot_get (i32.const 1)) (i64.const 0)))))
    (call $frame_leave (i32.const 2))
    (call $return_to))

  (func $fr_halt (type $step) (i32.const -1))

  ;; ── frames_switch: the same recursion and frames, the blocks as cases of one loop's
  ;; br_table (what a compiler can do within one module): continuation 0 = f's
  ;; entry, 1 = f's continuation after the call, 2 = halt

  (func $frames_switch (param $arg i64) (result i64)
    (call $repeat (local.get $arg) (i32.add (global.get $tb) (i32.const 8)))
    (i64.const 0x3B))

  (func $frames_switch_once (type $once)
    (local $k i32) (local $v i64)
    (call $frame_enter (i32.const 2))
    (call $slot_set (i32.const 0) (call $small (i64.const 2)))
    (local.set $v (i64.extend_i32_u (local.get 0)))
    (local.set $k (i32.const 0))
    (block $halt
      (loop $run
        (block $ret
          (block $call
            (br_table $call $ret $halt (local.get $k)))
          ;; f's entry: d in $v
          (call $reduce)
          (if (i64.eqz (local.get $v))
            (then
              (call $leaf)
              (local.set $k (i32.wrap_i64 (i64.shr_u (call $slot_get (i32.const 0)) (i64.const 4))))
              (br $run)))
          (call $frame_enter (i32.const 2))
          (call $slot_set (i32.const 0) (call $small (i64.const 1)))
          (call $slot_set (i32.const 1) (call $small (local.get $v)))
          (local.set $v (i64.sub (local.get $v) (i64.const 1)))
          (local.set $k (i32.const 0))
          (br $run))
        ;; f's continuation: f(d - 1) in $v, d in slot 1
        (local.set $v (i64.add (local.get $v)
          (i64.extend_i32_u (i64.ne (call $slot_get (i32.const 1)) (i64.const 0)))))
        (call $frame_leave (i32.const 2))
        (local.set $k (i32.wrap_i64 (i64.shr_u (call $slot_get (i32.const 0)) (i64.const 4))))
        (br $run)))
    (call $frame_leave (i32.const 2))
    (i32.wrap_i64 (local.get $v)))

  ;; ── park

  (func $park (param $arg i64) (result i64)
    (drop (call $recv_wait (f64.const inf)))
    (i64.const 0x3B))

  ;; ── park_plain, park_frame

  (func $park_plain (param $arg i64) (result i64)
    (global.set $leaf_park (i32.const 1))
    (drop (call $rec_plain (call $n_of (local.get $arg))))
    (i64.const 0x3B))

  (func $park_frame (param $arg i64) (result i64)
    (global.set $leaf_park (i32.const 1))
    (drop (call $rec_frame_once (call $n_of (local.get $arg))))
    (i64.const 0x3B))

  (export "depth:body_plain/1" (func $body_plain))
  (export "depth:body_frame/1" (func $body_frame))
  (export "depth:probe_plain/1" (func $probe_plain))
  (export "depth:probe_frame/1" (func $probe_frame))
  (export "depth:report/1" (func $report))
  (export "depth:tail_loop/1" (func $tail_loop))
  (export "depth:tramp/1" (func $tramp))
  (export "depth:frames_tramp/1" (func $frames_tramp))
  (export "depth:frames_switch/1" (func $frames_switch))
  (export "depth:park/1" (func $park))
  (export "depth:park_plain/1" (func $park_plain))
  (export "depth:park_frame/1" (func $park_frame))
)
