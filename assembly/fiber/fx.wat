;; WasmFX backend of the fiber interface (see assembly/fiber/fiber.ts).
;;
;; One continuation per fiber, kept in a growable table indexed by the fiber's
;; slot. Merged into the AssemblyScript module by wasm-merge: this core imports
;; `shoal.__fiber_entry` (where every fiber starts) and exports the `fiber_*`
;; functions the AssemblyScript side imports from module "fiber".
;;
;;   slot state   table entry       how it got there
;;   ----------   ---------------   ---------------------------------------
;;   free         null              never created, finished, or destroyed
;;   ready        fresh cont        fiber_create (cont.new: the engine maps a
;;                                  stack at once, so live fibers are capped
;;                                  above this layer, see scheduler.ts)
;;   suspended    cont of $suspend  the fiber called fiber_suspend
;;   running      null (consumed)   inside fiber_resume
;;
;; Engine facts this file is shaped by (../shared/FACTS.md, V8 14.6):
;; - a continuation dropped unfinished is never reclaimed: fiber_destroy ends
;;   it with resume_throw, which unwinds its stack and frees it;
;; - `switch` and `resume_throw_ref` do not work on V8: only cont.new, resume,
;;   suspend and resume_throw are used.
(module
  (type $ft (func))
  (type $ct (cont $ft))
  (import "shoal" "__fiber_entry" (func $entry))

  ;; suspend payload: the code handed to the scheduler
  (tag $suspend (param i32))
  ;; thrown into a suspended fiber to end it; never caught inside a fiber
  (tag $kill)
  ;; thrown by a running fiber to leave at once (fiber_exit)
  (tag $exit)

  (table $conts 0 (ref null $ct))
  (elem declare func $entry)

  ;; bytes of per-fiber context this backend keeps in the process block
  (func (export "fiber_ctx_size") (result i32) (i32.const 0))

  ;; backend name, for the host: 1 = WasmFX
  (func (export "fiber_backend") (result i32) (i32.const 1))

  ;; nothing to set up: the engine allocates each stack in cont.new
  (func (export "fiber_init"))

  ;; make a fresh fiber for `slot`, starting at __fiber_entry
  (func (export "fiber_create") (param $slot i32) (param $ctx i32)
    (local $size i32)
    (local.set $size (table.size $conts))
    (if (i32.ge_u (local.get $slot) (local.get $size))
      (then
        (drop (table.grow $conts (ref.null $ct)
          (i32.sub
            (select (i32.shl (local.get $size) (i32.const 1)) (i32.add (local.get $slot) (i32.const 1))
              (i32.gt_u (i32.shl (local.get $size) (i32.const 1)) (local.get $slot)))
            (local.get $size))))))
    (table.set $conts (local.get $slot) (cont.new $ct (ref.func $entry))))

  ;; run `slot` until it suspends (returns its code, >= 0) or ends (returns -1)
  (func (export "fiber_resume") (param $slot i32) (param $ctx i32) (result i32)
    (local $k (ref null $ct))
    (local.set $k (table.get $conts (local.get $slot)))
    (table.set $conts (local.get $slot) (ref.null $ct))
    (block $exited
      (block $on_suspend (result i32 (ref $ct))
        (try_table (catch $exit $exited)
          (resume $ct (on $suspend $on_suspend) (local.get $k)))
        (return (i32.const -1)))
      ;; suspended: keep the continuation, hand the code to the scheduler
      local.set $k
      (table.set $conts (local.get $slot) (local.get $k))
      return)
    (i32.const -1))

  ;; inside a fiber: give control back to fiber_resume's caller with `code`
  (func (export "fiber_suspend") (param $code i32)
    (suspend $suspend (local.get $code)))

  ;; inside a fiber: end it now; its fiber_resume returns -1
  (func (export "fiber_exit")
    (throw $exit))

  ;; end a fiber that is ready or suspended, returning its stack to the engine
  (func (export "fiber_destroy") (param $slot i32) (param $ctx i32)
    (local $k (ref null $ct))
    (local.set $k (table.get $conts (local.get $slot)))
    (table.set $conts (local.get $slot) (ref.null $ct))
    (if (ref.is_null (local.get $k)) (then (return)))
    (block $done
      (try_table (catch_all $done)
        (resume_throw $ct $kill (local.get $k)))))

  ;; linear-memory bytes held for the fiber: none (the engine keeps its stack)
  (func (export "fiber_bytes") (param $slot i32) (param $ctx i32) (result i32) (i32.const 0))

  ;; after a trap escaped a running fiber: its continuation is gone with it
  (func (export "fiber_recover") (param $slot i32) (param $ctx i32)
    (table.set $conts (local.get $slot) (ref.null $ct)))
)
