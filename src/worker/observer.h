// The one per-request hook: after the Dispatcher has answered a request (a worker run, a static
// file or a 404), it hands every RequestObserver a Served record, on the thread that answered,
// before the response is written. Metrics (src/api/metrics) and request logs are observers.
// Observers run on every request of every I/O and run-pool thread: they must be cheap and
// thread-safe, and must not block.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "http/message.h"

namespace wws::worker {

struct Worker;

// What one worker run did, beyond its response (returned by Runner::run).
struct RunReport {
  engine::Outcome outcome = engine::Outcome::Ok;
  std::string message;         // why, when outcome is not Ok, or why the worker is unavailable
  bool unavailable = false;    // the worker could not load and answered 503 without running
  bool instantiated = false;   // a new instance (wasm) or isolate (JS) was made for this run
  bool instance_kept = false;  // an instance stays on this thread for the next request
  uint64_t memory_bytes = 0;   // that instance's memory (wasm linear memory, JS heap)
  uint32_t kv_reads = 0;       // K/V snapshots handed to the worker
  uint32_t kv_writes = 0;      // keys set or deleted by the run, as committed
  // An inline run (on an I/O thread) that went past its budget or wanted to wait: it was
  // stopped, nothing of it counts, and the request is redone on the run pool.
  bool yielded = false;
};

struct Served {
  const http::Request& request;
  const http::Response& response;
  std::string_view path;                        // the normalised request path that was routed
  const Worker* worker;                         // null: a static file or a 404
  const RunReport* run;                         // null unless a worker was chosen
  std::chrono::steady_clock::duration elapsed;  // since the server read the request's head
};

class RequestObserver {
 public:
  virtual ~RequestObserver() = default;
  virtual void served(const Served& served) = 0;
};

using Observers = std::vector<RequestObserver*>;

}  // namespace wws::worker
