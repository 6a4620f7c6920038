// js::Runtime: the per-server-thread entry point. It keeps one WorkerIsolate per JS worker, made
// on the worker's first request on this thread, and one watchdog thread serving all of them
// (runs on a thread are sequential).
#include <unordered_map>

#include "engine/v8/watchdog.h"
#include "js/runtime.h"
#include "js/worker_isolate.h"

namespace wws::js {

struct Runtime::Impl {
  Impl() : watchdog(nullptr) {}  // each run names its isolate
  engine::v8e::Watchdog watchdog;
  // Keyed by Script::id, not address: a reloaded worker must not inherit an old isolate.
  std::unordered_map<uint64_t, std::unique_ptr<WorkerIsolate>> isolates;
};

Runtime::Runtime() : impl_(std::make_unique<Impl>()) {}
Runtime::~Runtime() = default;

Result Runtime::run(const Script& script, const Environment& env, const Request& request) {
  auto& slot = impl_->isolates[script.id];
  const bool created = !slot;
  if (created) slot = std::make_unique<WorkerIsolate>(script, env);
  Result result = slot->run(env, request, impl_->watchdog);
  result.isolate_created = created;
  if (slot->spent()) slot.reset();  // it hit its heap limit: the next request gets a new isolate
  result.isolate_kept = slot != nullptr;
  result.heap_bytes = slot ? slot->heap_bytes() : 0;
  return result;
}

void Runtime::forget(const Script& script) { impl_->isolates.erase(script.id); }

}  // namespace wws::js
