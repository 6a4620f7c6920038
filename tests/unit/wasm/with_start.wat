;; A module with a start function: its instances cannot be reset (the start function would
;; have to run again), so every run instantiates afresh. Prints "ok".
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $ran (mut i32) (i32.const 0))
  (data (i32.const 16) "ok")
  (func $init (global.set $ran (i32.add (global.get $ran) (i32.const 1))))
  (start $init)
  (func (export "_start")
    (if (i32.ne (global.get $ran) (i32.const 1)) (then unreachable))
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 2))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
