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

#include "engine/engine.h"
#include "http/message.h"
#include "kv/store.h"

namespace wws::js {

// A worker's source (and its local modules), read and syntax-checked once at start-up;
// shared read-only by all threads.
struct Script;

// On failure returns nullptr and "<file>:<line>:<col>: <message>".
std::shared_ptr<const Script> load_script(const std::filesystem::path& file, std::string* error);

struct Request {
  std::string_view url;
  std::string_view method;
  const http::HeaderList* headers = nullptr;  // lower-case names, repeats kept
  std::string_view body;                      // raw bytes
  const std::map<std::string, std::string>* params = nullptr;
};

struct Environment {
  std::string_view worker_name;                                   // for console.* log lines
  const std::vector<std::pair<std::string, std::string>>* vars = nullptr;  // [vars]: globals and `env`
  const kv::Snapshot* kv = nullptr;                               // null: the worker has no K/V namespace
  std::chrono::milliseconds timeout{30'000};
  uint64_t heap_limit_bytes = 128ull << 20;
};

struct Result {
  engine::Outcome outcome = engine::Outcome::Failed;
  std::string message;        // why, for anything but Ok (also logged by the caller)
  int status = 200;
  http::HeaderList headers;
  std::string body;           // bytes
  std::vector<kv::Change> kv_changes;  // only what Cache.set/delete did during this run
};

// Runs JS workers on the calling server thread; one per thread.
class Runtime {
 public:
  Runtime();
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
  Result run(const Script& script, const Environment& env, const Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wws::js
