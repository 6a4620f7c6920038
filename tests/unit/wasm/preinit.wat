;; A module following Wizer's convention, for runtimes/preinit: wizer.initialize "boots" (writes
;; a message into fresh memory it grows, bumps counters in a mutable i32 and i64 global, and
;; reads argv's count); _start prints the message, the counters and a marker telling whether it
;; ran from a snapshot, then changes everything (a later run from the snapshot must not see it).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $booted (mut i32) (i32.const 0))
  (global $big (mut i64) (i64.const 1))
  (global $msg (mut i32) (i32.const 0))
  (data (i32.const 64) "data")
  (func $init (export "wizer.initialize")
    (local $page i32)
    (local.set $page (memory.grow (i32.const 1)))
    (global.set $msg (i32.mul (local.get $page) (i32.const 65536)))
    ;; "booted:" at the new page
    (i32.store (global.get $msg) (i32.const 0x746f6f62))
    (i32.store offset=4 (global.get $msg) (i32.const 0x3a6465))
    (drop (call $args_sizes_get (i32.const 200) (i32.const 204)))
    (global.set $booted (i32.add (global.get $booted) (i32.load (i32.const 200))))
    (global.set $big (i64.add (global.get $big) (i64.const 0x100000000))))
  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start")
    (if (i32.eqz (global.get $msg)) (then (call $init)))
    (call $print (global.get $msg) (i32.const 7))
    ;; booted count as one digit, the i64's high word as one digit, then the data segment
    (i32.store8 (i32.const 100) (i32.add (i32.const 48) (global.get $booted)))
    (i32.store8 (i32.const 101) (i32.add (i32.const 48) (i32.wrap_i64 (i64.shr_u (global.get $big) (i64.const 32)))))
    (call $print (i32.const 100) (i32.const 2))
    (call $print (i32.const 64) (i32.const 4))
    (global.set $booted (i32.const 7))
    (global.set $big (i64.const 0x700000000))
    (i32.store (global.get $msg) (i32.const 0x58585858))
    (i32.store (i32.const 64) (i32.const 0x58585858))))
