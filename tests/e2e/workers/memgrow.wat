;; Test worker: grows linear memory by 16 MiB at a time, far past any sane limit (up to 4 GiB).
;; It traps only when memory.grow fails, so whatever happens the request must not succeed; what
;; the test checks is that the server stops it fast and stays up.
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (local $i i32)
    (loop $grow
      (if (i32.eq (memory.grow (i32.const 256)) (i32.const -1)) (then unreachable))
      (i32.store (i32.mul (i32.sub (memory.size) (i32.const 1)) (i32.const 65536)) (i32.const 1))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $grow (i32.lt_u (local.get $i) (i32.const 256))))
    unreachable))
