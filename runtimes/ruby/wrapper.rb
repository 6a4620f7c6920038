# wws Ruby runtime: /src/index.rb. It runs when the interpreter boots, which wws does once,
# ahead of every request; each request then calls wws_serve (poly.rb), which answers it with
# the worker in /src/worker.rb.
require_relative "./poly"
