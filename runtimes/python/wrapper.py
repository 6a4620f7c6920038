# wws Python runtime: /src/index.py. It runs when the interpreter boots, which wws does once,
# ahead of every request (the snapshot pauses at serve()'s first read of stdin); serve() then
# answers one request with the worker in /src/worker.py. See poly.py.
import poly

poly.serve()
