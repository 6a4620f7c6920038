#!/usr/bin/env python3
"""make soak: SOAK_REQUESTS (default 1,000,000) mixed requests against the real wws binary,
successes and every kind of failure, over kept-alive and fresh connections; at every 100,000
it prints the server's RSS, open descriptors and threads. Fails when the server dies, when
descriptors or threads keep growing, or when RSS grows by more than half after the first
sample (a leak, not warm-up).

usage: tests/soak/soak.py path/to/wws"""
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

WWS = os.path.abspath(sys.argv[1])
TOTAL = int(os.environ.get("SOAK_REQUESTS", "1000000"))
EVERY = int(os.environ.get("SOAK_EVERY", "100000"))
CLIENTS = 8

WORKERS = {
    "hello.js": 'export default { fetch() { return new Response("hello"); } };\n',
    "count.js": 'export default { fetch() { return new Response(String(Cache.increment("n"))); } };\n',
    "count.toml": '[data.kv]\nnamespace = "soak"\n',
    "throws.js": 'export default { fetch() { throw new Error("soak"); } };\n',
    "badstatus.js": 'export default { fetch() { return { status: 42 }; } };\n',
    "echo.js": 'export default { async fetch(r) { return new Response(await r.arrayBuffer()); } };\n',
    "slow.js": "export default { fetch() { while (true) {} } };\n",
    "slow.toml": "[limits]\ntimeout_ms = 20\n",
    "broken.js": "export default {\n",
    "public/page.html": "<p>static</p>\n",
}

# (weight, request bytes, expected status): successes and every failure kind.
MIX = [
    (40, b"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", 200),
    (10, b"GET /count HTTP/1.1\r\nHost: x\r\n\r\n", 200),
    (10, b"GET /page HTTP/1.1\r\nHost: x\r\n\r\n", 200),
    (10, b"GET /nothing/here HTTP/1.1\r\nHost: x\r\n\r\n", 404),
    (8, b"GET /throws HTTP/1.1\r\nHost: x\r\n\r\n", 500),
    (5, b"GET /badstatus HTTP/1.1\r\nHost: x\r\n\r\n", 500),
    (5, b"GET /broken HTTP/1.1\r\nHost: x\r\n\r\n", 503),
    (8, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2048\r\n\r\n" + b"e" * 2048, 200),
    (1, b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n", 504),
    (2, b"GET /hello HTTP/1.1\r\n\r\n", 400),  # no Host: answered, then closed
    (1, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n", 413),
]
CHOICES = [m for m in MIX for _ in range(m[0])]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_response(sock, buf):
    """One response from a kept-alive socket: (status, closes, rest of the buffer)."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length, closes = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and b"close" in value.lower():
            closes = True
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed in body")
        rest += chunk
    return status, closes, rest[length:]


class Totals:
    def __init__(self):
        self.lock = threading.Lock()
        self.sent = 0
        self.wrong = {}
        self.errors = 0


def client(port, totals, stop):
    rng = random.Random()
    sock, buf = None, b""
    while not stop.is_set():
        with totals.lock:
            if totals.sent >= TOTAL:
                return
            totals.sent += 1
        _, request, expected = rng.choice(CHOICES)
        try:
            if sock is None or rng.random() < 0.02:  # some fresh connections too
                if sock:
                    sock.close()
                sock = socket.create_connection(("127.0.0.1", port), timeout=30)
                buf = b""
            sock.sendall(request)
            status, closes, buf = read_response(sock, buf)
            if status != expected:
                with totals.lock:
                    totals.wrong[(request.split(b"\r\n")[0], status)] = totals.wrong.get((request.split(b"\r\n")[0], status), 0) + 1
            if closes:
                sock.close()
                sock = None
        except (OSError, ConnectionError, ValueError, IndexError):
            with totals.lock:
                totals.errors += 1
            if sock:
                sock.close()
            sock = None


def sample(pid):
    status = open(f"/proc/{pid}/status").read()
    rss = int(status.split("VmRSS:")[1].split()[0]) // 1024
    threads = int(status.split("Threads:")[1].split()[0])
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return rss, fds, threads


def main():
    root = tempfile.mkdtemp(prefix="wws-soak-")
    for rel, text in WORKERS.items():
        os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
        with open(os.path.join(root, rel), "w") as f:
            f.write(text)
    port = free_port()
    proc = subprocess.Popen([WWS, root, "--host", "127.0.0.1", "--port", str(port), "--kv", "memory",
                             "--log-level", "error"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    failures = []
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        totals, stop = Totals(), threading.Event()
        threads = [threading.Thread(target=client, args=(port, totals, stop)) for _ in range(CLIENTS)]
        start = time.time()
        for t in threads:
            t.start()
        samples, next_mark = [], EVERY
        print(f"soak: {TOTAL} requests, {CLIENTS} clients; mix: " +
              ", ".join(f"{w}% {r.split(b' ')[1].decode()}->{e}" for w, r, e in MIX), flush=True)
        print(f"{'requests':>10} {'seconds':>8} {'RSS MiB':>8} {'fds':>5} {'threads':>8} {'errors':>7}", flush=True)
        while any(t.is_alive() for t in threads):
            time.sleep(0.2)
            if proc.poll() is not None:
                failures.append(f"wws exited with {proc.returncode}")
                stop.set()
                break
            with totals.lock:
                sent = totals.sent
            if sent >= next_mark:
                rss, fds, nthreads = sample(proc.pid)
                samples.append((next_mark, rss, fds, nthreads))
                print(f"{next_mark:>10} {time.time() - start:>8.0f} {rss:>8} {fds:>5} {nthreads:>8} {totals.errors:>7}",
                      flush=True)
                next_mark += EVERY
        for t in threads:
            t.join()
        if totals.wrong:
            failures.append(f"unexpected statuses: {totals.wrong}")
        if totals.errors > TOTAL // 10000:
            failures.append(f"{totals.errors} requests got no answer")
        if len(samples) >= 2:
            first, last = samples[0], samples[-1]
            if last[2] > first[2] + 16:
                failures.append(f"descriptors grew {first[2]} -> {last[2]}")
            if last[3] > first[3] + 8:
                failures.append(f"threads grew {first[3]} -> {last[3]}")
            if last[1] > first[1] * 1.5:
                failures.append(f"RSS grew {first[1]} -> {last[1]} MiB")
        print(f"soak: {TOTAL} requests in {time.time() - start:.0f} s, {totals.errors} without an answer", flush=True)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(root, ignore_errors=True)
    if failures:
        print("soak: FAILED: " + "; ".join(failures), flush=True)
        sys.exit(1)
    print("soak: ok", flush=True)


if __name__ == "__main__":
    main()
