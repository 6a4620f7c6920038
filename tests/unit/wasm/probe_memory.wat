;; Hands its memory to the test's host function wws_test.probe, which records how much address
;; space follows the memory's base. Resettable: it runs on a kept instance whose memory
;; the host made and the module imports (after wws's rewrite).
(module
  (import "wws_test" "probe" (func $probe))
  (memory (export "memory") 1 100)
  (func (export "_start") (call $probe)))
