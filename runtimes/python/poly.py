"""The API of Python workers on wws, and the loop that serves one request.

A worker defines ``worker(request)`` and returns a ``Response``::

    def worker(request):
        count = int(Cache.get("count") or 0) + 1
        Cache.set("count", count)
        return Response(f"Hello {request.params.get('id')}, visit {count}",
                        status=200, headers={"content-type": "text/plain"})

``Request``, ``Response`` and ``Cache`` (and ``json``, ``os``, ``sys``) are there without an
import, as in the original wws. What ``print`` writes goes to the server log: stdout carries
only the response. An exception or a syntax error answers 500 and its traceback is logged.
"""
import base64
import gc
import json
import os
import sys
import traceback

WORKER = "/src/worker.py"


class Cache:
    """The worker's K/V namespace ([data.kv] in its TOML). Values are strings."""

    state = {}

    @staticmethod
    def init(state):
        Cache.state = dict(state or {})

    @staticmethod
    def get(key):
        return Cache.state.get(str(key))

    @staticmethod
    def set(key, value):
        Cache.state[str(key)] = value if isinstance(value, str) else str(value)

    @staticmethod
    def delete(key):
        Cache.state.pop(str(key), None)


class Request:
    """method, url, headers (dict, lower-case names), params (route parameters) and body:
    a str, or bytes when the client sent bytes that are not UTF-8."""

    def __init__(self, data):
        self.method = data.get("method", "GET")
        self.url = data.get("url", "")
        self.headers = dict(data.get("headers") or {})
        self.params = dict(data.get("params") or {})
        body = data.get("body") or ""
        self.body = base64.b64decode(body) if data.get("base64") else body
        Cache.init(data.get("kv"))

    def json(self):
        return json.loads(self.body)


class Response:
    """Response(body, status=200, headers=None). body: str, bytes (sent as is), or a dict or
    list (sent as JSON). status_code is accepted as another name for status."""

    def __init__(self, body="", status=200, headers=None, status_code=None):
        self.body = body
        self.status = status if status_code is None else status_code
        self.headers = dict(headers or {})

    @property
    def status_code(self):
        return self.status

    @status_code.setter
    def status_code(self, value):
        self.status = value

    def to_json(self):
        body, headers, binary = self.body, dict(self.headers), False
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            if not any(k.lower() == "content-type" for k in headers):
                headers["content-type"] = "application/json"
        elif isinstance(body, (bytes, bytearray, memoryview)):
            body, binary = base64.b64encode(bytes(body)).decode("ascii"), True
        elif body is None:
            body = ""
        elif not isinstance(body, str):
            body = str(body)
        return json.dumps({"data": body, "status": int(self.status), "headers": {str(k): str(v) for k, v in headers.items()},
                           "kv": Cache.state, "base64": binary})


def _apply_env(env):
    """The worker's environment, which the interpreter could not read when it was snapshotted."""
    for key in [k for k in os.environ if k not in env]:
        del os.environ[key]
    for key, value in env.items():
        if os.environ.get(key) != value:
            os.environ[key] = value
    for entry in reversed([p for p in env.get("PYTHONPATH", "").split(":") if p]):
        if entry not in sys.path:
            sys.path.insert(0, entry)


def _run(source, filename, request):
    namespace = {"__name__": "__main__", "__file__": filename, "__builtins__": __builtins__, "Request": Request,
                 "Response": Response, "Cache": Cache, "json": json, "os": os, "sys": sys}
    exec(compile(source, filename, "exec"), namespace)
    handler = namespace.get("worker")
    if not callable(handler):
        raise RuntimeError(filename + " must define worker(request)")
    response = handler(request)
    return (response if isinstance(response, Response) else Response(response)).to_json()


def _warm_up():
    """Runs the request path once at boot, so what CPython sets up on first use (the compiler's
    AST types cost 14 ms alone) is in the snapshot instead of being redone by every request."""
    with open(__file__, encoding="utf-8") as own:
        own.read(1)
    source = "def worker(request):\n    return Response(f'{request.method} {request.body}', headers={'x': 'y'})\n"
    request = Request(json.loads('{"url":"http://localhost/","method":"GET","headers":{},"body":"","kv":{},"params":{}}'))
    _run(source, "<warm-up>", request)
    Cache.init({})


def serve():
    _warm_up()
    # Everything alive now is in the snapshot: keep the collector from walking it on every
    # request (which would also copy every page of the snapshot it touches).
    gc.collect()
    gc.freeze()
    data = sys.stdin.buffer.read()
    if data.startswith(b'{"env":'):
        line, _, data = data.partition(b"\n")
        _apply_env(json.loads(line)["env"])
    stdout = sys.stdout
    sys.stdout = sys.stderr  # print() in a worker goes to the log
    try:
        request = Request(json.loads(data))
        with open(WORKER, encoding="utf-8") as source:
            output = _run(source.read(), WORKER, request)
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)
    finally:
        sys.stdout = stdout
    stdout.write(output)
    stdout.flush()
    # The response is out: skip tearing the interpreter down (20 ms of module and GC cleanup
    # that the next request, starting from the snapshot, would never see anyway).
    os._exit(0)
