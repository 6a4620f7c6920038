;; Test worker: never finishes (a tight loop), to exercise the per-request time limit.
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $forever (br $forever))))
