// The HTTP/1.1 server: one io_context and one Handler per thread, SO_REUSEPORT listeners,
// keep-alive, pipelining, graceful stop, and a run pool (run_pool.h) for requests a handler defers.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/message.h"

namespace wws::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  unsigned threads = 1;                        // I/O threads (each runs the requests it is not deferring)
  unsigned max_pool_threads = 0;               // run-pool threads for deferred requests; 0 = no pool
  uint64_t max_body_bytes = 16 * 1024 * 1024;  // larger bodies get 413 before any worker runs
  uint64_t max_header_bytes = 64 * 1024;       // larger heads get 431
  std::chrono::seconds idle_timeout{60};       // idle keep-alive connections are closed after this
  std::chrono::seconds shutdown_grace{30};     // how long stop() waits for in-flight requests
};

using HandlerFactory = std::function<std::unique_ptr<Handler>()>;

// Figures for metrics (src/api/metrics); reading them takes the run pool's lock briefly.
struct ServerStats {
  int64_t open_connections = 0;
  uint64_t connections_total = 0;  // accepted since start
  uint64_t rejected_400 = 0;       // malformed requests answered by the server itself
  uint64_t rejected_413 = 0;       // bodies over --max-body-size
  uint64_t rejected_431 = 0;       // heads over the header limit
  uint64_t abandoned = 0;          // deferred requests whose client left before the answer (run cancelled or skipped)
  unsigned pool_threads = 0;       // run-pool threads started
  unsigned pool_busy = 0;          // of which running a request
  size_t pool_queued = 0;          // requests waiting for a run-pool thread
  bool stopping = false;           // stop() was called: draining
};

class Server {
 public:
  Server(ServerOptions options, HandlerFactory factory);
  ~Server();

  // Binds the listening socket(s); throws std::runtime_error with a readable message on failure.
  void listen();
  // The port actually bound (useful with port 0).
  uint16_t port() const;
  // Serves on `threads` threads (the calling thread is one of them) until stop() completes.
  // Each thread calls the factory once, on that thread. If the factory throws, the server stops
  // and run() rethrows that exception.
  void run();
  // Graceful: stop accepting, answer what has arrived, finish in-flight requests, close idle
  // connections; past `grace` (default ServerOptions::shutdown_grace) running requests are
  // stopped. Thread-safe, async-signal-unsafe (call it from a thread, not a signal handler).
  void stop(std::optional<std::chrono::seconds> grace = std::nullopt);
  ServerStats stats() const;  // thread-safe

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wws::http
