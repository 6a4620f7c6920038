// One JS worker's V8 isolate on one server thread: its own heap (and heap limit), the worker's
// context (reused across requests unless Environment::fresh_context), and the per-request event
// loop that runs microtasks and timers until the response settles.
#pragma once
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <v8.h>

#include "engine/v8/watchdog.h"
#include "js/fetch_native.h"
#include "js/kv_cache.h"
#include "js/natives.h"
#include "js/runtime.h"
#include "js/script.h"
#include "js/timers.h"

namespace wws::js {

class WorkerIsolate {
 public:
  WorkerIsolate(const Script& script, const Environment& env);
  ~WorkerIsolate();
  WorkerIsolate(const WorkerIsolate&) = delete;
  WorkerIsolate& operator=(const WorkerIsolate&) = delete;

  Result run(const Environment& env, const Request& request, engine::v8e::Watchdog& watchdog);
  // True once the isolate hit its heap limit: it must be disposed and made anew.
  bool spent() const { return out_of_memory_; }
  // The isolate's heap size as of a recent run (measured every kHeapSampleRuns runs: reading
  // V8's heap statistics on every request would cost more than a hello request's JSON).
  uint64_t heap_bytes() const { return heap_bytes_; }

  // The worker's context (functions the prelude handed over and the worker's handler).
  struct Context;

 private:
  enum class Settled { Fulfilled, Rejected, Stopped };

  // Makes the worker's context: [vars], the prelude, the worker's code and its handler. Each
  // step below returns false with *error set; those given `tc` report what it caught.
  bool make_context(const Environment& env, std::string* error);
  bool define_vars(v8::Local<v8::Context> context, const Environment& env, Context& c, const v8::TryCatch& tc,
                   std::string* error);
  bool run_prelude(v8::Local<v8::Context> context, const v8::TryCatch& tc, std::string* error);
  // Takes the functions the prelude hands over in __wws_internal, then hides it from the worker.
  bool take_internals(v8::Local<v8::Context> context, Context& c, v8::Global<v8::Function>& has_listener,
                      const v8::TryCatch& tc, std::string* error);
  // A worker without a module handler must have added a fetch listener.
  bool handles_requests(v8::Local<v8::Context> context, const v8::Global<v8::Function>& has_listener,
                        const v8::TryCatch& tc, std::string* error);
  // Runs the worker's code in `context`: a classic script, or its modules (top-level await
  // included), whose default export becomes the handler.
  bool evaluate_worker(v8::Local<v8::Context> context, std::string* error);
  bool run_classic_worker(v8::Local<v8::Context> context, const v8::TryCatch& tc, std::string* error);
  bool compile_modules(std::string* error);
  bool settle_top_level_await(v8::Local<v8::Context> context, v8::Local<v8::Promise> promise, std::string* error);
  bool take_module_handler(v8::Local<v8::Context> context, v8::Local<v8::Module> module, const v8::TryCatch& tc,
                           std::string* error);
  // Ends a failed step with what `tc` caught: "terminated" (the run timed out) when the run was
  // stopped, otherwise `where` followed by the exception. Always false.
  bool caught(const v8::TryCatch& tc, v8::Local<v8::Context> context, std::string_view where, std::string* error);
  void run_request(const Environment& env, const Request& request, Result& result);
  // Runs microtasks and timers until `promise` settles. Stopped: time ran out, execution was
  // terminated, a timer threw (`failure_` says which), or nothing is left that could settle it.
  Settled settle(v8::Local<v8::Promise> promise, bool timer_errors_fail);
  // Runs ctx.waitUntil / event.waitUntil work to completion, within the time limit.
  void finish_wait_until(v8::Local<v8::Context> context);
  bool fire_timer(uint32_t id, bool errors_fail);
  static bool sleep_until(std::chrono::steady_clock::time_point until);
  void fail(engine::Outcome outcome, std::string message);
  v8::Local<v8::Value> make_request_value(v8::Local<v8::Context> context, const Request& request);
  bool read_response(v8::Local<v8::Context> context, v8::Local<v8::Value> value, Result& result);

  static size_t near_heap_limit(void* data, size_t current_limit, size_t initial_limit);
  static void after_gc(v8::Isolate* isolate, v8::GCType type, v8::GCCallbackFlags flags, void* data);
  void stop_for_memory();
  bool heap_over_limit() const;
  // The run has been told to stop (time or memory), whether or not V8 acted on it yet.
  bool stop_requested() const;
  static v8::MaybeLocal<v8::Module> resolve_module(v8::Local<v8::Context> context, v8::Local<v8::String> specifier,
                                                   v8::Local<v8::FixedArray> assertions,
                                                   v8::Local<v8::Module> referrer);

  const Script& script_;
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator_;
  v8::Isolate* isolate_ = nullptr;
  uint64_t heap_limit_ = 0;
  std::atomic<bool> out_of_memory_{false};
  static constexpr uint32_t kHeapSampleRuns = 64;
  uint32_t runs_ = 0;
  uint64_t heap_bytes_ = 0;

  LogTarget log_;
  FetchTarget fetch_;
  KvSlot kv_;
  Timers timers_;
  v8::Global<v8::ObjectTemplate> global_template_;
  std::vector<v8::Global<v8::UnboundScript>> prelude_;  // compiled once per isolate
  v8::Global<v8::UnboundScript> classic_worker_;        // idem, for a classic worker
  std::vector<v8::Global<v8::Module>> modules_;         // parallel to script_.files, per context
  std::unique_ptr<Context> context_;

  // Per request.
  engine::v8e::Watchdog* watchdog_ = nullptr;  // the run's, while it runs
  std::chrono::steady_clock::time_point deadline_;
  bool wait_until_cut_off_ = false;  // the time limit stopped waitUntil work after the response
  bool failed_ = false;
  engine::Outcome failure_ = engine::Outcome::Ok;
  std::string failure_message_;
};

}  // namespace wws::js
