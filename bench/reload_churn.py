#!/usr/bin/env python3
"""bench/reload_churn.py: the file side of bench/reload.sh.

While wrk loads a `wws --watch` server, this adds, changes and removes ten workers of the
project (five that stay and get new versions, five that come and go; JS and wasm; written in
place and by rename; one broken write that must keep the last good version), and measures how
long each change takes to be served: from just before the write to the first response showing
it. Prints one line per measurement kind and a JSON summary on the last line.
"""
import http.client
import json
import os
import statistics
import subprocess
import sys
import time

# usage: reload_churn.py init <project>  (writes version 1 of the workers that stay)
#        reload_churn.py run <project> <port> <seconds>
mode, project = sys.argv[1], sys.argv[2]
port, seconds = (int(sys.argv[3]), float(sys.argv[4])) if mode == "run" else (0, 0.0)
CHANGED = [f"c{i}" for i in range(5)]     # always present, new versions keep coming
TRANSIENT = [f"r{i}" for i in range(5)]   # added and removed again and again
WASM = {"c3", "c4", "r3", "r4"}
IN_PLACE = {"c0", "c2", "c3", "r0", "r3"}  # truncate and write; the others are written aside and renamed

WAT = """(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "{json}")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const {length}))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
"""


def source(name, version):
    text = f"{name} v{version}"
    if name in WASM:
        doc = json.dumps({"data": text})
        wat = WAT.format(json=doc.replace("\\", "\\\\").replace('"', '\\"'), length=len(doc.encode()))
        return subprocess.run(["wat2wasm", "-", "--output=-"], input=wat.encode(), capture_output=True,
                              check=True).stdout
    return f'export default {{ fetch() {{ return new Response("{text}"); }} }};\n'.encode()


def path_of(name):
    return os.path.join(project, name + (".wasm" if name in WASM else ".js"))


def write(name, content):
    target = path_of(name)
    if name in IN_PLACE:
        with open(target, "wb") as f:
            f.write(content)
    else:
        aside = os.path.join(project, f".{name}.tmp")  # hidden: not a worker, not watched as one
        with open(aside, "wb") as f:
            f.write(content)
        os.rename(aside, target)


class Probe:
    """One keep-alive connection that polls a route until the answer is what a change made."""

    def __init__(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def get(self, route):
        try:
            self.conn.request("GET", "/" + route)
            r = self.conn.getresponse()
            return r.status, r.read().decode(errors="replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            return 0, ""

    def wait(self, route, accept, started, limit=5.0):
        while True:
            status, body = self.get(route)
            now = time.monotonic()
            if accept(status, body):
                return now - started
            if now - started > limit:
                return None
            time.sleep(0.002)


def main():
    version = {n: 1 for n in CHANGED}
    present = {n: False for n in TRANSIENT}
    probe = Probe()
    latencies = {"change": [], "add": [], "remove": []}
    missed = []
    broken_ok = None
    deadline = time.monotonic() + seconds
    step = 0
    while time.monotonic() < deadline - 1.5:
        step += 1
        name = CHANGED[step % len(CHANGED)]
        if step == 7:
            # A write that does not load: the last good version must keep answering.
            good = f"{name} v{version[name]}"
            broken = b"\0asm garbage" if name in WASM else b"export default { fetch() { return new Response(\n"
            write(name, broken)
            time.sleep(0.6)
            answers = [probe.get(name) for _ in range(20)]
            broken_ok = all(a == (200, good) for a in answers)
        version[name] += 1
        content = source(name, version[name])
        started = time.monotonic()
        write(name, content)
        expected = f"{name} v{version[name]}"
        took = probe.wait(name, lambda s, b: s == 200 and b == expected, started)
        (latencies["change"].append(took) if took is not None else missed.append(f"change {expected}"))

        other = TRANSIENT[step % len(TRANSIENT)]
        started = time.monotonic()
        if present[other]:
            os.remove(path_of(other))
            took = probe.wait(other, lambda s, b: s == 404, started)
            kind = "remove"
        else:
            write(other, source(other, step))
            expected_other = f"{other} v{step}"
            took = probe.wait(other, lambda s, b: s == 200 and b == expected_other, started)
            kind = "add"
        present[other] = not present[other]
        (latencies[kind].append(took) if took is not None else missed.append(f"{kind} {other}"))
        time.sleep(0.25)

    summary = {"steps": step, "missed": missed, "broken_write_kept_last_good": broken_ok}
    for kind, values in latencies.items():
        if not values:
            continue
        values.sort()
        ms = [v * 1000 for v in values]
        summary[kind] = {"n": len(ms), "median_ms": round(statistics.median(ms), 1),
                         "p95_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 1), "max_ms": round(ms[-1], 1)}
        print(f"  {kind:7} n={len(ms):3}  median {summary[kind]['median_ms']:7.1f} ms   "
              f"p95 {summary[kind]['p95_ms']:7.1f} ms   max {summary[kind]['max_ms']:7.1f} ms")
    print(json.dumps(summary))


if __name__ == "__main__":
    if mode == "init":
        for n in CHANGED:
            write(n, source(n, 1))
    else:
        main()
