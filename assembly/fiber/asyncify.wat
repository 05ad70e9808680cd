;; Asyncify backend of the fiber interface (see assembly/fiber/fiber.ts).
;;
;; Fibers share the one native stack. To suspend, a fiber unwinds: Binaryen's
;; Asyncify pass (run on the merged module, see scripts/build.mjs) makes every
;; function that can reach fiber_suspend save its locals and return. The saved
;; frames land in one shared scratch area, then are copied into a buffer of the
;; fiber's own, sized to what it really saved, so an idle process costs only
;; the frames it holds (often under 200 bytes). To resume, Asyncify rewinds:
;; fiber_resume calls the entry again and every frame restores itself from
;; the fiber's buffer, popping it back to empty.
;;
;; fiber_resume calls the process's entry itself (call_indirect through the
;; module's table), so a suspended process holds its own frames and nothing
;; of the runtime's: each frame less is one less to unwind and rewind.
;;
;; Ending a process (fiber_exit) is not an unwind: it throws $exit, a Wasm
;; exception (legacy `try`/`catch`, which every engine this backend is for
;; runs) that fiber_resume catches, as the fx backend does. Its frames are
;; dropped, never rewound, so nothing needs to save them; and Asyncify then
;; counts only fiber_suspend as a point that changes its state. A function
;; that can end the process (it allocates, grows the shadow stack, raises)
;; but never suspend stays uninstrumented: compiled code's own functions,
;; whose suspensions all go through their module's `$run`, run at full
;; speed (benchmarks.md 10f). fiber_resume is the bottom of every unwind and
;; is not instrumented itself, so its `try` never meets Asyncify's Flatten
;; (which aborts on a `try` in an instrumented function).
;;
;; Memory (all in the module's linear memory):
;;
;;   scratch (fiber_init: $size bytes + 16, the thread's native stack, at least 1 MiB)
;;   +0  unwind header  { cur, end }   Asyncify writes frames at cur, cur grows
;;   +8  rewind header  { cur, end }   points into the resumed fiber's buffer
;;   +16 data ...                      frames of the fiber being unwound
;;
;;   per-fiber ctx (24 bytes, inside the process block)
;;   +0  buf   saved frames (raw_alloc'd), 0 when none
;;   +4  cap   bytes allocated at buf
;;   +8  len   bytes of frames saved: 0 = not suspended
;;   +12 entry function-table index of the process's entry, (i64) -> (i64)
;;   +16 arg   address of the process's argument (a root the collector may move)
;;
;;   $state   meaning                      set by
;;   ------   --------------------------   ------------------------------
;;   0        normal                       fiber_resume, on return
;;   1        unwinding to fiber_resume    fiber_suspend
;;   2        rewinding into the fiber     fiber_resume, until fiber_suspend
;;
;; Asyncify must run right after the merge and before any inlining, with
;; asyncify-ignore-imports: this file's functions call the asyncify.* imports
;; and are left uninstrumented, which makes fiber_resume the place where every
;; unwind stops.
(module
  (type $proc (func (param i64) (result i64)))  ;; an entry: one term in, one term out (ignored)
  (import "shoal" "table" (table $procs 0 funcref))
  (import "shoal" "memory" (memory 0))
  (import "shoal" "raw_alloc" (func $alloc (param i32) (result i32)))
  (import "shoal" "raw_free" (func $free (param i32)))
  (import "asyncify" "start_unwind" (func $start_unwind (param i32)))
  (import "asyncify" "stop_unwind" (func $stop_unwind))
  (import "asyncify" "start_rewind" (func $start_rewind (param i32)))
  (import "asyncify" "stop_rewind" (func $stop_rewind))

  ;; the unwind area: the deepest set of frames one fiber may hold when it suspends. Asyncify checks
  ;; its end only after an unwind, so it must hold whatever the native stack can: the frames it
  ;; saves are no larger than the native frames they come from (docs/depth.md), so it is as large as
  ;; the thread's native stack (fiber_init's argument), and never under 1 MiB
  (global $SCRATCH (mut i32) (i32.const 1048576))
  (global $scratch (mut i32) (i32.const 0))
  (global $ctx (mut i32) (i32.const 0))
  (global $state (mut i32) (i32.const 0))
  (global $code (mut i32) (i32.const 0))

  ;; thrown by a running process to end at once (fiber_exit): caught in fiber_resume
  (tag $exit)

  (func (export "fiber_ctx_size") (result i32) (i32.const 24))

  ;; backend name, for the host: 2 = Asyncify
  (func (export "fiber_backend") (result i32) (i32.const 2))

  ;; allocate the shared unwind area once
  (func (export "fiber_init") (param $nativeStackBytes i32)
    (local $s i32)
    (if (global.get $scratch) (then (return)))
    (if (i32.gt_u (local.get $nativeStackBytes) (global.get $SCRATCH))
      (then (global.set $SCRATCH (local.get $nativeStackBytes))))
    (local.set $s (call $alloc (i32.add (global.get $SCRATCH) (i32.const 16))))
    (global.set $scratch (local.get $s))
    (call $reset_unwind_header))

  (func $reset_unwind_header
    (i32.store (global.get $scratch) (i32.add (global.get $scratch) (i32.const 16)))
    (i32.store offset=4 (global.get $scratch)
      (i32.add (global.get $scratch) (i32.add (global.get $SCRATCH) (i32.const 16)))))

  ;; a new fiber starts at entry(*arg) on its first resume
  (func (export "fiber_create") (param $slot i32) (param $ctx i32) (param $entry i32) (param $arg i32)
    (i32.store offset=8 (local.get $ctx) (i32.const 0))
    (i32.store offset=12 (local.get $ctx) (local.get $entry))
    (i32.store offset=16 (local.get $ctx) (local.get $arg)))

  ;; run the fiber until it suspends (returns its code, >= 0) or ends (-1)
  (func (export "fiber_resume") (param $slot i32) (param $ctx i32) (result i32)
    (local $len i32) (local $buf i32) (local $rw i32)
    (global.set $ctx (local.get $ctx))
    (local.set $len (i32.load offset=8 (local.get $ctx)))
    (if (local.get $len)
      (then
        (local.set $buf (i32.load (local.get $ctx)))
        (local.set $rw (i32.add (global.get $scratch) (i32.const 8)))
        (i32.store (local.get $rw) (i32.add (local.get $buf) (local.get $len)))
        (i32.store offset=4 (local.get $rw) (i32.add (local.get $buf) (i32.load offset=4 (local.get $ctx))))
        (i32.store offset=8 (local.get $ctx) (i32.const 0))
        (global.set $state (i32.const 2))
        (call $start_rewind (local.get $rw))))
    ;; start the process, or (rewinding) re-enter it: its frames restore themselves
    (try
      (do
        (drop (call_indirect $procs (type $proc)
          (i64.load (i32.load offset=16 (local.get $ctx)))
          (i32.load offset=12 (local.get $ctx)))))
      (catch $exit (return (i32.const -1))))   ;; it ended (fiber_exit)
    (if (i32.ne (global.get $state) (i32.const 1))
      (then (return (i32.const -1))))
    ;; unwound: stop, then keep the frames
    (global.set $state (i32.const 0))
    (call $stop_unwind)
    (local.set $len (i32.sub (i32.load (global.get $scratch))
                             (i32.add (global.get $scratch) (i32.const 16))))
    (call $reset_unwind_header)
    (if (i32.gt_u (local.get $len) (i32.load offset=4 (local.get $ctx)))
      (then
        (if (i32.load (local.get $ctx)) (then (call $free (i32.load (local.get $ctx)))))
        ;; room to spare, so a fiber that goes a little deeper next time keeps its buffer
        (i32.store offset=4 (local.get $ctx)
          (i32.and (i32.add (i32.add (local.get $len) (i32.shr_u (local.get $len) (i32.const 1))) (i32.const 15))
                   (i32.const -16)))
        (i32.store (local.get $ctx) (call $alloc (i32.load offset=4 (local.get $ctx))))))
    (memory.copy (i32.load (local.get $ctx)) (i32.add (global.get $scratch) (i32.const 16)) (local.get $len))
    (i32.store offset=8 (local.get $ctx) (local.get $len))
    (global.get $code))

  ;; inside a fiber: unwind to fiber_resume with `code`; on rewind, carry on
  (func (export "fiber_suspend") (param $code i32)
    (if (i32.eq (global.get $state) (i32.const 2))
      (then
        (global.set $state (i32.const 0))
        (call $stop_rewind)
        (return)))
    (global.set $state (i32.const 1))
    (global.set $code (local.get $code))
    (call $start_unwind (global.get $scratch)))

  ;; inside a fiber: end it now (its frames are dropped, as a throw drops them)
  (func (export "fiber_exit")
    (throw $exit))

  ;; end the slot's process if one is suspended there: drop its frames, keep the buffer
  (func (export "fiber_destroy") (param $slot i32) (param $ctx i32)
    (i32.store offset=8 (local.get $ctx) (i32.const 0)))

  ;; free everything the slot's fiber holds (teardown)
  (func (export "fiber_release") (param $slot i32) (param $ctx i32)
    (if (i32.load (local.get $ctx)) (then (call $free (i32.load (local.get $ctx)))))
    (i32.store (local.get $ctx) (i32.const 0))
    (i32.store offset=4 (local.get $ctx) (i32.const 0))
    (i32.store offset=8 (local.get $ctx) (i32.const 0)))

  ;; linear-memory bytes held for the fiber: its saved-frames buffer
  (func (export "fiber_bytes") (param $slot i32) (param $ctx i32) (result i32)
    (i32.load offset=4 (local.get $ctx)))

  ;; after a trap escaped a running fiber: leave Asyncify's state normal
  (func (export "fiber_recover") (param $slot i32) (param $ctx i32)
    (call $reset_unwind_header)
    (if (i32.eq (global.get $state) (i32.const 1)) (then (call $stop_unwind)))
    (if (i32.eq (global.get $state) (i32.const 2)) (then (call $stop_rewind)))
    (global.set $state (i32.const 0))
    (i32.store offset=8 (local.get $ctx) (i32.const 0)))
)
