;; Asks for 200 MiB up front: over a 128 MiB cap.
(module (memory (export "memory") 3200) (func (export "_start")))
