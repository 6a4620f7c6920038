#!/usr/bin/env python3
"""Writes a large WASI command module (about SIZE_MB MiB of code) for the start-up benchmark: many
functions of integer arithmetic, all reachable from _start through a table, so no engine can skip
compiling them, and an answer that prints the wws response JSON. usage: big_module.py OUT [SIZE_MB]"""
import struct, sys

def leb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)

def sleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        done = (n == 0 and not b & 0x40) or (n == -1 and b & 0x40)
        out.append(b | (0 if done else 0x80))
        if done:
            return bytes(out)

def vec(items):
    return leb(len(items)) + b"".join(items)

def name(s):
    return leb(len(s)) + s.encode()

def section(id_, body):
    return bytes([id_]) + leb(len(body)) + body

out, size_mb = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20
# Each function: (param i32) (result i32) with a chain of i32 ops on its argument.
body_ops = bytearray()
for k in range(160):
    body_ops += b"\x20\x00" + b"\x41" + sleb(k * 7 + 3) + b"\x6a"  # local.get 0; i32.const; i32.add
    body_ops += b"\x41" + sleb(k | 1) + b"\x6c" + b"\x21\x00"       # i32.const; i32.mul; local.set 0
body_ops += b"\x20\x00\x0b"
func_body = leb(0) + bytes(body_ops)
n = max(1, size_mb * 1024 * 1024 // (len(func_body) + 2))

json = b'{"data":"big module","status":200,"headers":{},"kv":{}}'
types = vec([b"\x60" + vec([b"\x7f"]) + vec([b"\x7f"]),                      # 0: (i32) -> i32
             b"\x60" + vec([b"\x7f"] * 4) + vec([b"\x7f"]),                   # 1: fd_write
             b"\x60" + vec([]) + vec([])])                                    # 2: _start
imports = vec([name("wasi_snapshot_preview1") + name("fd_write") + b"\x00" + leb(1)])
funcs = vec([leb(0)] * n + [leb(2)])
table = vec([b"\x70\x00" + leb(n)])
memory = vec([b"\x00\x01"])
start_index = 1 + n
exports = vec([name("_start") + b"\x00" + leb(start_index), name("memory") + b"\x02\x00"])
elems = vec([b"\x00" + b"\x41\x00\x0b" + vec([leb(1 + i) for i in range(n)])])
# _start: acc = 0; for i in 0..n: acc = table[i](acc) (call_indirect); then fd_write the JSON.
start = leb(1) + leb(2) + b"\x7f"              # locals: 2 x i32 (acc, i)
start += b"\x02\x40\x03\x40"                   # block loop
start += b"\x20\x01" + b"\x41" + sleb(n) + b"\x4e\x0d\x01"   # i >= n -> br 1 (i32.ge_s)
start += b"\x20\x00\x20\x01\x11\x00\x00\x21\x00"             # acc = call_indirect(acc, i)
start += b"\x20\x01\x41\x01\x6a\x21\x01\x0c\x00\x0b\x0b"     # i++; br 0; end; end
start += b"\x41\x00\x41\x10\x36\x02\x00"                     # iov.base = 16
start += b"\x41\x04\x41" + sleb(len(json)) + b"\x36\x02\x00"  # iov.len
start += b"\x41\x01\x41\x00\x41\x01\x41\x08\x10\x00\x1a\x0b"  # fd_write(1, iov, 1, 8); drop
codes = vec([leb(len(func_body)) + func_body] * n + [leb(len(start)) + bytes(start)])
data = vec([b"\x00\x41\x10\x0b" + leb(len(json)) + json])
module = (b"\x00asm\x01\x00\x00\x00" + section(1, types) + section(2, imports) + section(3, funcs) +
          section(4, table) + section(5, memory) + section(7, exports) + section(9, elems) +
          section(10, codes) + section(11, data))
open(out, "wb").write(module)
print(f"{out}: {len(module) / 1048576:.1f} MiB, {n} functions")
