;; Copies a passive data segment with memory.init and then drops it: a fresh instance can do that
;; once per run, a reused one could not, so wws does not reuse its instances. Prints "ok".
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data $text "ok")
  (func (export "_start")
    (memory.init $text (i32.const 16) (i32.const 0) (i32.const 2))
    (data.drop $text)
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 2))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
