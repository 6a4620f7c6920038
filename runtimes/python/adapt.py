#!/usr/bin/env python3
"""Makes a pre-initialisable wws runtime of a CPython WASI command (python.wasm).

Input: the text (binaryen's wasm-dis) of a CPython command whose _start boots the interpreter
and runs argv's script. Output: the same module, still text, to be run through binaryen's
asyncify pass, with Wizer's two entry points:

  wizer.initialize  boots CPython and runs /src/index.py up to its first read of stdin, where
                    asyncify unwinds the stack into memory and the call returns: the snapshot
                    wws takes then holds the interpreter paused mid-read;
  _start            rewinds that stack and lets the read go on (serving one request); without a
                    snapshot it is the plain _start.

Every call of the fd_read import goes through $wws_fd_read, which starts the unwind the first
time stdin is read during wizer.initialize and ends the rewind the first time after resuming.
Run asyncify with: --asyncify --pass-arg=asyncify-imports@asyncify.start_unwind
--pass-arg=asyncify-removelist@wws_init,wws_start
"""
import re
import sys

ASYNCIFY_PAGES = 16  # the unwound stack's buffer (1 MiB): CPython's frames need a few KiB

src, dst = sys.argv[1], sys.argv[2]
text = open(src).read()
fd_read = re.search(r'\(import "wasi_snapshot_preview1" "fd_read" \(func (\$\S+) ', text).group(1)
start = re.search(r'\(export "_start" \(func (\$\S+)\)\)', text).group(1)

count = text.count(f"call {fd_read}\n") + text.count(f"call {fd_read})")
if count == 0:
    sys.exit("adapt.py: no call of fd_read found")
text = text.replace(f"call {fd_read}\n", "call $wws_fd_read\n").replace(f"call {fd_read})", "call $wws_fd_read)")

imports = """ (import "asyncify" "start_unwind" (func $wws_start_unwind (param i32)))
 (import "asyncify" "stop_unwind" (func $wws_stop_unwind))
 (import "asyncify" "start_rewind" (func $wws_start_rewind (param i32)))
 (import "asyncify" "stop_rewind" (func $wws_stop_rewind))
"""
last_import = text.rfind(" (import ")
eol = text.index("\n", last_import)
text = text[: eol + 1] + imports + text[eol + 1 :]

# $wws_state: 0 running normally, 1 armed (unwind at the next read of stdin), 2 paused,
# 3 resuming (end the rewind at the next read).
code = f"""
 (global $wws_state (mut i32) (i32.const 0))
 (global $wws_buf (mut i32) (i32.const 0))
 (func $wws_fd_read (param $fd i32) (param $iovs i32) (param $len i32) (param $nread i32) (result i32)
  (if (i32.and (i32.eq (global.get $wws_state) (i32.const 1)) (i32.eqz (local.get $fd)))
   (then
    (global.set $wws_state (i32.const 2))
    (i32.store (global.get $wws_buf) (i32.add (global.get $wws_buf) (i32.const 8)))
    (i32.store offset=4 (global.get $wws_buf) (i32.add (global.get $wws_buf) (i32.const {ASYNCIFY_PAGES * 65536})))
    (call $wws_start_unwind (global.get $wws_buf))
    (return (i32.const 0))))
  (if (i32.eq (global.get $wws_state) (i32.const 3))
   (then
    (global.set $wws_state (i32.const 0))
    (call $wws_stop_rewind)))
  (call {fd_read} (local.get $fd) (local.get $iovs) (local.get $len) (local.get $nread)))
 (func $wws_init
  (local $pages i32)
  (local.set $pages (memory.grow (i32.const {ASYNCIFY_PAGES})))
  (if (i32.eq (local.get $pages) (i32.const -1)) (then (unreachable)))
  (global.set $wws_buf (i32.mul (local.get $pages) (i32.const 65536)))
  (global.set $wws_state (i32.const 1))
  (call {start})
  ;; Reaching here without pausing: the script never read stdin (it exited, or failed).
  (if (i32.ne (global.get $wws_state) (i32.const 2)) (then (unreachable)))
  (call $wws_stop_unwind))
 (func $wws_start
  (if (i32.eqz (global.get $wws_buf)) (then (call {start}) (return)))
  (global.set $wws_state (i32.const 3))
  (call $wws_start_rewind (global.get $wws_buf))
  (call {start}))
"""
text = text.replace(
    f'(export "_start" (func {start}))',
    '(export "_start" (func $wws_start))\n (export "wizer.initialize" (func $wws_init))',
)
end = text.rstrip().rfind(")")
text = text[:end] + code + ")\n"
open(dst, "w").write(text)
