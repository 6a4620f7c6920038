;; Checks that memory starts zeroed at its declared size, then dirties it and grows it by a page:
;; prints "clean" when the start state was fresh, "dirty" otherwise.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 16) "cleandirty")
  (func (export "_start")
    (local $fresh i32)
    (local.set $fresh (i32.and
      (i32.eqz (i32.load (i32.const 70000)))
      (i32.eq (memory.size) (i32.const 2))))
    (i32.store (i32.const 70000) (i32.const 0xdeadbeef))
    (i32.store (i32.const 0) (select (i32.const 16) (i32.const 21) (local.get $fresh)))
    (i32.store (i32.const 4) (i32.const 5))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (drop (memory.grow (i32.const 1)))))
