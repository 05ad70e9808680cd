;; WasmFX backend of the fiber interface (see assembly/fiber/fiber.ts).
;;
;; One continuation per process slot, kept in a growable table. A continuation
;; runs $trampoline, which runs one process after another: when a process
;; ends (returns, exits, or is killed) the trampoline parks the fiber
;; (suspends with -1) and the next process spawned into that slot runs on the
;; same stack. So a spawn costs a resume, not a cont.new: V8 maps a fresh
;; stack for every cont.new and pools only a few MB of finished ones (the
;; measured costs are in docs/engine-facts.md).
;;
;;   slot state   table entry        ctx.parked   reached by
;;   ----------   ----------------   ----------   ------------------------------
;;   empty        null               0            never created, released, or a
;;                                                trap unwound it
;;   fresh        cont of trampoline 0            fiber_create on an empty slot
;;   suspended    cont of $suspend   0            the process called fiber_suspend
;;   parked       cont of $suspend   1            its process ended; ready for the
;;                                                slot's next process
;;   running      null (consumed)    0            inside fiber_resume
;;
;; Engine facts this file is shaped by (docs/engine-facts.md, V8 14.6):
;; - a continuation dropped unfinished is never reclaimed: fiber_release ends
;;   it with resume_throw of $free, which nothing catches, so its stack unwinds
;;   and the engine frees it;
;; - live continuations are capped (near 32k, by memory mappings): the process
;;   limit (host/backend.ts) bounds the slots, and so the continuations;
;; - `switch` and `resume_throw_ref` do not work on V8: only cont.new, resume,
;;   suspend and resume_throw are used.
;;
;; Merged into the AssemblyScript module by wasm-merge: imports the module's
;; function table (`shoal.table`, where every process's entry is) and exports
;; the `fiber_*` functions the AssemblyScript side imports from module "fiber".
(module
  (type $ft (func))
  (type $ct (cont $ft))
  (type $proc (func (param i64) (result i64)))  ;; an entry: one term in, one term out (ignored)
  (import "shoal" "table" (table $procs 0 funcref))
  (import "shoal" "memory" (memory 0))

  ;; suspend payload: the code handed to the scheduler (-1: process ended)
  (tag $suspend (param i32))
  ;; thrown by a running process to end at once (fiber_exit): caught by the trampoline
  (tag $exit)
  ;; thrown into a suspended process to end it (fiber_destroy): caught by the trampoline
  (tag $kill)
  ;; thrown into a fiber to end the fiber itself (fiber_release): never caught
  (tag $free)

  (table $conts 0 (ref null $ct))
  (elem declare func $trampoline)
  ;; ctx of the fiber being resumed: where the trampoline finds its next process
  (global $ctx (mut i32) (i32.const 0))

  ;; ctx: +0 parked (i32)  +4 entry (function-table index)  +8 address of the argument
  (func (export "fiber_ctx_size") (result i32) (i32.const 12))

  ;; backend name, for the host: 1 = WasmFX
  (func (export "fiber_backend") (result i32) (i32.const 1))

  ;; nothing to set up: the engine allocates each stack in cont.new
  (func (export "fiber_init") (param $nativeStackBytes i32))

  ;; every fiber's body: run a process (entry(*arg), read from the ctx it was resumed with), park, run the next one
  (func $trampoline
    (loop $next
      (block $ended
        (try_table (catch $exit $ended) (catch $kill $ended)
          (drop (call_indirect $procs (type $proc)
            (i64.load (i32.load offset=8 (global.get $ctx)))
            (i32.load offset=4 (global.get $ctx))))))
      (suspend $suspend (i32.const -1))
      (br $next)))

  ;; make `slot` ready to start entry(*arg) (reusing a parked fiber)
  (func (export "fiber_create") (param $slot i32) (param $ctx i32) (param $entry i32) (param $arg i32)
    (local $size i32)
    (i32.store offset=4 (local.get $ctx) (local.get $entry))
    (i32.store offset=8 (local.get $ctx) (local.get $arg))
    (if (i32.load (local.get $ctx))
      (then (i32.store (local.get $ctx) (i32.const 0)) (return)))
    (local.set $size (table.size $conts))
    (if (i32.ge_u (local.get $slot) (local.get $size))
      (then
        (drop (table.grow $conts (ref.null $ct)
          (i32.sub
            (select (i32.shl (local.get $size) (i32.const 1)) (i32.add (local.get $slot) (i32.const 1))
              (i32.gt_u (i32.shl (local.get $size) (i32.const 1)) (local.get $slot)))
            (local.get $size))))))
    (if (ref.is_null (table.get $conts (local.get $slot)))
      (then (table.set $conts (local.get $slot) (cont.new $ct (ref.func $trampoline))))))

  ;; run the slot's process until it suspends (returns its code, >= 0) or ends (-1)
  (func (export "fiber_resume") (param $slot i32) (param $ctx i32) (result i32)
    (local $k (ref null $ct))
    (local $code i32)
    (local.set $k (table.get $conts (local.get $slot)))
    (table.set $conts (local.get $slot) (ref.null $ct))
    (global.set $ctx (local.get $ctx))
    (block $on_suspend (result i32 (ref $ct))
      (resume $ct (on $suspend $on_suspend) (local.get $k))
      (return (i32.const -1)))       ;; the trampoline never returns
    (local.set $k)
    (local.set $code)
    (table.set $conts (local.get $slot) (local.get $k))
    (i32.store (local.get $ctx) (i32.lt_s (local.get $code) (i32.const 0)))
    (local.get $code))

  ;; inside a process: give control back to fiber_resume's caller with `code`
  (func (export "fiber_suspend") (param $code i32)
    (suspend $suspend (local.get $code)))

  ;; inside a process: end it now; its fiber_resume returns -1
  (func (export "fiber_exit")
    (throw $exit))

  ;; end the slot's process if one is suspended there; the fiber stays, parked
  (func (export "fiber_destroy") (param $slot i32) (param $ctx i32)
    (local $k (ref null $ct))
    (if (i32.load (local.get $ctx)) (then (return)))
    (local.set $k (table.get $conts (local.get $slot)))
    (if (ref.is_null (local.get $k)) (then (return)))
    (table.set $conts (local.get $slot) (ref.null $ct))
    (block $done
      (block $on_suspend (result i32 (ref $ct))
        (try_table (catch_all $done)   ;; a fresh fiber dies at once: the slot is empty again
          (resume_throw $ct $kill (on $suspend $on_suspend) (local.get $k)))
        (br $done))
      ;; the trampoline caught $kill and parked
      (local.set $k)
      (drop)
      (table.set $conts (local.get $slot) (local.get $k))
      (i32.store (local.get $ctx) (i32.const 1))))

  ;; free the slot's fiber and its stack, whatever it holds (teardown)
  (func (export "fiber_release") (param $slot i32) (param $ctx i32)
    (local $k (ref null $ct))
    (i32.store (local.get $ctx) (i32.const 0))
    (if (i32.ge_u (local.get $slot) (table.size $conts)) (then (return)))
    (local.set $k (table.get $conts (local.get $slot)))
    (if (ref.is_null (local.get $k)) (then (return)))
    (table.set $conts (local.get $slot) (ref.null $ct))
    (block $done
      (try_table (catch_all $done)
        (resume_throw $ct $free (local.get $k)))))

  ;; linear-memory bytes held for the fiber: none (the engine keeps its stack)
  (func (export "fiber_bytes") (param $slot i32) (param $ctx i32) (result i32) (i32.const 0))

  ;; after a trap escaped a running process: its continuation is gone with it
  (func (export "fiber_recover") (param $slot i32) (param $ctx i32)
    (i32.store (local.get $ctx) (i32.const 0)))
)
