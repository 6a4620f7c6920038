// js/: JavaScript workers on V8 (issue 3): the wws JS API (fetch events and ES module
// handlers, Request/Response/Headers and the other Web APIs, Cache on the worker's K/V).
// The worker layer sees only this header.
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/worker_config.h"
#include "engine/engine.h"
#include "http/message.h"
#include "kv/run_view.h"

namespace wws::js {

// A worker's source (and its local modules), read and syntax-checked once at start-up;
// shared read-only by all threads.
struct Script;

// Reads `file` and, for an ES module, every local module it imports (statically, transitively),
// compiles each once to report syntax errors and to produce V8 code caches that make each
// isolate's own compile cheap. Imports must be relative ("./x.js", "../lib/y.js") and stay inside
// `project_root` (the worker file's folder when empty).
// On failure returns nullptr and "<file>:<line>:<col>: <message>".
std::shared_ptr<const Script> load_script(const std::filesystem::path& file, std::string* error);
std::shared_ptr<const Script> load_script(const std::filesystem::path& file, const std::filesystem::path& project_root,
                                          std::string* error);

struct Request {
  std::string_view url;
  std::string_view method;
  const http::HeaderList* headers = nullptr;  // lower-case names, repeats kept
  std::string_view body;                      // raw bytes
  const std::map<std::string, std::string>* params = nullptr;
};

struct Environment {
  std::string_view worker_name;                                            // for console.* log lines
  const std::vector<std::pair<std::string, std::string>>* vars = nullptr;  // [vars]: globals and `env`
  kv::RunView* kv = nullptr;  // the worker's K/V for this run (js/kv_cache.h); null: Cache throws
  // The time limit of the whole run; fetch() calls get what is left of it, never more.
  std::chrono::milliseconds timeout{30'000};
  // [features.http_requests]: what fetch() may reach. Null: nothing (as the default config).
  const config::HttpRequestsFeature* http_requests = nullptr;
  uint64_t heap_limit_bytes = 128ull << 20;  // 0: 128 MiB
  // false (default): one context per worker per thread, reused across requests, so globals
  // persist between requests on a thread (as on Cloudflare). true: a new context for every
  // request (about 0.3 ms more per request), so nothing carries over.
  bool fresh_context = false;
};

struct Result {
  engine::Outcome outcome = engine::Outcome::Failed;
  std::string message;  // why, for anything but Ok (also logged by the caller)
  int status = 200;
  http::HeaderList headers;
  std::string body;  // bytes
  // For the per-worker figures of the admin API.
  bool isolate_created = false;  // this run made the worker's isolate on this thread
  bool isolate_kept = false;     // the isolate stays for the next request on this thread
  uint64_t heap_bytes = 0;       // the isolate's heap (sampled every few runs; 0 when not kept)
};

// Runs JS workers on the calling server thread; one per thread.
class Runtime {
 public:
  Runtime();
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
  Result run(const Script& script, const Environment& env, const Request& request);
  // Disposes of this thread's isolate for `script`, if any (the worker was reloaded or removed).
  void forget(const Script& script);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wws::js
