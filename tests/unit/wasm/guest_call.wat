;; A host function calling back into the guest (as the http binding calls canonical_abi_realloc):
;; _start calls test.call_back(21); the host calls the export "grow_and_double", which grows the
;; memory by a page and stores its answer at the start of the new page. _start writes "ok"
;; if the host returned 42 and the value is there, otherwise traps.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "test" "call_back" (func $call_back (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "ok")
  (func (export "grow_and_double") (param $x i32) (result i32)
    (drop (memory.grow (i32.const 1)))
    (i32.store (i32.const 65536) (i32.mul (local.get $x) (i32.const 2)))
    (i32.mul (local.get $x) (i32.const 2)))
  (func (export "_start")
    (if (i32.ne (call $call_back (i32.const 21)) (i32.const 42)) (then unreachable))
    (if (i32.ne (i32.load (i32.const 65536)) (i32.const 42)) (then unreachable))
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 2))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
