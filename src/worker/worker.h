// A loaded worker: its file, route, configuration and compiled code, shared read-only by all
// server threads. A worker that failed to load keeps its reason and answers 503 with it; one
// whose files changed into something that does not load keeps serving its last good version,
// and `reload_error` says why the new one was refused.
#pragma once
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config/worker_config.h"
#include "engine/engine.h"
#include "http/run_pool.h"
#include "wasi/context.h"
#include "worker/pace.h"

namespace wws::worker {

enum class WorkerKind { Wasm, JavaScript };

// A worker whose file a language runtime claims (runtimes/): the interpreter module runs with
// this WASI setup instead of the worker's own [vars] and [[folders]] (which it already holds).
struct RuntimeSetup {
  std::string runtime;  // "python 3.12.0", for messages
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;  // the runtime's envs, then [vars]
  wasi::MountedRoot root;                                // /src and the [[folders]]
  // Sent before the request JSON: a pre-initialised interpreter read its environment when the
  // snapshot was made, so its wrapper takes the worker's from this line (a JSON object + "\n").
  std::string stdin_preamble;
};

struct Worker {
  std::string id;                  // SHA-256 (hex) of the absolute file path, as the original's API
  uint32_t slot = 0;               // worker::slot_for(id): index in per-worker tables (metrics)
  std::string name;                // config name, or the route
  std::filesystem::path file;      // absolute
  std::filesystem::path relative;  // to the project root
  std::string route;
  WorkerKind kind = WorkerKind::Wasm;
  config::WorkerConfig config;
  engine::Engine* engine = nullptr;                // the engine that compiled `module`
  std::shared_ptr<engine::CompiledModule> module;  // wasm workers
  std::shared_ptr<const void> script;              // JS workers (owned by src/js)
  std::shared_ptr<const RuntimeSetup> runtime;     // workers run by a language runtime
  // The module imports the `wws_kv` host functions (worker/kv_binding.h): it reads K/V key by
  // key, so it is not sent its whole namespace on stdin. JS workers always read key by key.
  bool kv_by_key = false;
  std::string unavailable;                   // non-empty: why this worker cannot serve
  std::vector<std::string> config_warnings;  // from its TOML: unknown keys, unset "$NAME"s
  std::string reload_error;  // non-empty: the changed files failed to load; this is the previous version
  std::chrono::milliseconds timeout{30'000};
  uint64_t memory_limit_bytes = 0;
  uint64_t fuel = 0;                                      // [limits] fuel; 0 = no CPU budget
  std::shared_ptr<Pace> pace = std::make_shared<Pace>();  // shared by every thread
  // Set by the first run that wrote K/V data without a namespace: that warning is given once.
  std::shared_ptr<std::atomic<bool>> warned_kv_without_namespace = std::make_shared<std::atomic<bool>>(false);
  // Where its requests wait for a run-pool thread, with its limits (lane.h); shared by every
  // thread. Null: the pool's shared lane.
  std::shared_ptr<http::RunLane> lane;
  bool pool_only = false;  // [limits] max_concurrency is set: never run inline, so the limit is exact

  // The compiled code, whichever kind: what per-thread caches are kept for.
  const void* code() const { return module ? static_cast<const void*>(module.get()) : script.get(); }
};

}  // namespace wws::worker
