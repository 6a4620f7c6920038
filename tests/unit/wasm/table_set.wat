;; Changes its table with table.set: wws cannot restore tables, so it never reuses this module's
;; instances. The first run sees entry 0 empty and fills it; a reused instance would trap.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (table $t 1 funcref)
  (data (i32.const 16) "ok")
  (table $src 1 funcref)
  (func $f)
  (elem (table $src) (i32.const 0) func $f)
  (func (export "_start")
    (if (i32.eqz (ref.is_null (table.get $t (i32.const 0)))) (then unreachable))
    (table.set $t (i32.const 0) (table.get $src (i32.const 0)))
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 2))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
