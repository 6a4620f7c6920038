#include "js/worker_isolate.h"

#include <cstdlib>
#include <cstring>
#include <thread>

#include <fmt/format.h>
#include <libplatform/libplatform.h>
#include <spdlog/spdlog.h>

#include "engine/v8/platform.h"
#include "js/limited_allocator.h"
#include "js/prelude.h"
#include "js/v8_util.h"
#include "util/blocking.h"

namespace wws::js {
namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t kDefaultHeapLimit = 128ull << 20;
constexpr uint64_t kMinimumHeapLimit = 16ull << 20;  // the prelude and a context need a few MiB
// Room given to V8 past the limit so the terminated code can unwind instead of crashing.
constexpr size_t kUnwindHeadroom = 64ull << 20;

v8::Local<v8::String> name(v8::Isolate* isolate, const char* literal) {
  return v8::String::NewFromUtf8(isolate, literal, v8::NewStringType::kInternalized).ToLocalChecked();
}

bool append_bytes(v8::Isolate* isolate, v8::Local<v8::Value> value, std::string* out) {
  if (value->IsArrayBufferView()) {
    auto view = value.As<v8::ArrayBufferView>();
    out->resize(view->ByteLength());
    if (!out->empty()) view->CopyContents(out->data(), out->size());
    return true;
  }
  if (value->IsArrayBuffer()) {
    auto buffer = value.As<v8::ArrayBuffer>();
    out->assign(static_cast<const char*>(buffer->Data()), buffer->ByteLength());
    return true;
  }
  if (value->IsString()) {
    *out = to_std(isolate, value);
    return true;
  }
  return value->IsNullOrUndefined();
}

// The file's V8 code cache, if it has one, wrapped for a Source (which takes ownership of it).
v8::ScriptCompiler::CachedData* cached_code(const ScriptFile& file) {
  if (file.code_cache.empty()) return nullptr;
  return new v8::ScriptCompiler::CachedData(file.code_cache.data(), static_cast<int>(file.code_cache.size()));
}

v8::ScriptCompiler::CompileOptions compile_options(const v8::ScriptCompiler::CachedData* cache) {
  return cache ? v8::ScriptCompiler::kConsumeCodeCache : v8::ScriptCompiler::kNoCompileOptions;
}

}  // namespace

struct WorkerIsolate::Context {
  v8::Global<v8::Context> context;
  v8::Global<v8::Function> make_request, make_context, dispatch_fetch, read_response;
  v8::Global<v8::Function> settle_wait_until;  // optional: then waitUntil promises are the prelude's
  v8::Global<v8::Function> fetch;              // ES module style; empty for service-worker style
  v8::Global<v8::Value> fetch_this;
  v8::Global<v8::Object> env;
};

WorkerIsolate::WorkerIsolate(const Script& script, const Environment& env) : script_(script) {
  engine::v8e::platform();
  heap_limit_ = std::max(env.heap_limit_bytes ? env.heap_limit_bytes : kDefaultHeapLimit, kMinimumHeapLimit);
  allocator_ = make_limited_allocator(heap_limit_);
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = allocator_.get();
  params.constraints.ConfigureDefaultsFromHeapSize(0, heap_limit_);
  isolate_ = v8::Isolate::New(params);
  isolate_->SetData(0, this);
  isolate_->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  isolate_->AddNearHeapLimitCallback(near_heap_limit, this);
  isolate_->AddGCEpilogueCallback(after_gc, this);

  // Templates are made once per isolate; every context (one, or one per request) reuses them.
  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope scope(isolate_);
  auto natives = make_native_template(isolate_, &log_);
  add_fetch_native(isolate_, natives, &fetch_);
  auto global = v8::ObjectTemplate::New(isolate_);
  global->Set(v8_str(isolate_, "__wws_native"), natives);
  add_timer_functions(isolate_, global, &timers_);
  global->Set(v8_str(isolate_, "Cache"), make_cache_template(isolate_, &kv_));
  global_template_.Reset(isolate_, global);
}

WorkerIsolate::~WorkerIsolate() {
  {
    v8::Isolate::Scope isolate_scope(isolate_);
    context_.reset();
    timers_.clear();
    modules_.clear();
    prelude_.clear();
    classic_worker_.Reset();
    global_template_.Reset();
  }
  isolate_->RemoveGCEpilogueCallback(after_gc, this);
  isolate_->RemoveNearHeapLimitCallback(near_heap_limit, 0);
  isolate_->Dispose();
}

// Out of memory: the run is stopped through an interrupt (see stop_requested()), never by a
// termination requested from inside the GC, which could land between V8 setup steps.
void WorkerIsolate::stop_for_memory() {
  if (out_of_memory_.exchange(true)) return;
  isolate_->RequestInterrupt([](v8::Isolate* isolate, void*) { isolate->TerminateExecution(); }, nullptr);
}

// V8 calls this when the heap is about to reach its limit. Returning the same limit makes V8
// abort the process ("Reached heap limit"), so it always grants room to unwind: what the heap
// already holds (it can be past the limit, see after_gc) plus headroom, again on each call.
size_t WorkerIsolate::near_heap_limit(void* data, size_t current_limit, size_t) {
  auto* self = static_cast<WorkerIsolate*>(data);
  self->stop_for_memory();
  v8::HeapStatistics stats;
  self->isolate_->GetHeapStatistics(&stats);
  return std::max(current_limit, stats.total_heap_size()) + kUnwindHeadroom;
}

// V8's heap limit does not bound one large allocation: the first large object of the young
// generation is allocated whatever its size (so flattening a 400 MiB rope succeeds under a
// 128 MiB limit), and an allocation that fits nowhere is made anyway after a last-resort
// collection. So the limit is also checked after every collection and at the end of the run.
void WorkerIsolate::after_gc(v8::Isolate*, v8::GCType, v8::GCCallbackFlags flags, void* data) {
  auto* self = static_cast<WorkerIsolate*>(data);
  if ((flags & v8::kGCCallbackFlagCollectAllAvailableGarbage) || self->heap_over_limit()) self->stop_for_memory();
}

bool WorkerIsolate::heap_over_limit() const {
  v8::HeapStatistics stats;
  isolate_->GetHeapStatistics(&stats);
  return stats.used_heap_size() > heap_limit_;
}

bool WorkerIsolate::stop_requested() const {
  return out_of_memory_ || isolate_->IsExecutionTerminating() || (watchdog_ && watchdog_->termination_requested());
}

void WorkerIsolate::fail(engine::Outcome outcome, std::string message) {
  if (failed_) return;  // the first failure is the cause
  failed_ = true;
  failure_ = outcome;
  failure_message_ = std::move(message);
}

Result WorkerIsolate::run(const Environment& env, const Request& request, engine::v8e::Watchdog& watchdog) {
  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope scope(isolate_);
  Result result;
  log_.worker_name.assign(env.worker_name);
  log_.budget.reset();
  // However the run ends, what console.* was not allowed to log is reported once.
  struct LogSummary {
    LogTarget& log;
    ~LogSummary() {
      if (std::string held = log.budget.held_back("console output"); !held.empty())
        spdlog::warn("[{}] {}", log.worker_name, held);
    }
  } log_summary{log_};
  kv_.view = env.kv;
  // The run's held K/V writes live outside the V8 heap, so its limit does not count them.
  if (env.kv) env.kv->limit_pending_bytes(heap_limit_);
  failed_ = false;
  failure_ = engine::Outcome::Ok;
  failure_message_.clear();
  wait_until_cut_off_ = false;
  deadline_ = Clock::now() + env.timeout;
  fetch_.permissions = env.http_requests;
  fetch_.deadline = deadline_;

  // Interrupt: the deadline stops the run from inside JS code (watchdog.h says why).
  uint64_t token = watchdog.arm(env.timeout, isolate_, engine::v8e::Watchdog::Stop::Interrupt);
  watchdog_ = &watchdog;
  run_request(env, request, result);
  if (!out_of_memory_ && heap_over_limit()) stop_for_memory();  // one allocation can overshoot (after_gc)
  bool fired = watchdog.disarm(token);
  watchdog_ = nullptr;
  bool terminated =
      fired || out_of_memory_ || wait_until_cut_off_ || (failed_ && failure_ == engine::Outcome::TimedOut);
  if (isolate_->IsExecutionTerminating()) isolate_->CancelTerminateExecution();
  timers_.clear();  // pending timers die with the request

  if (out_of_memory_) {
    result.outcome = engine::Outcome::OutOfMemory;
    result.message = fmt::format("ran out of memory: the worker's heap limit is {} MiB", heap_limit_ >> 20);
  } else if (failed_ && (failure_ == engine::Outcome::TimedOut || fired)) {  // fired: stopped at any point
    result.outcome = engine::Outcome::TimedOut;
    result.message = fmt::format("ran longer than its time limit of {} ms", env.timeout.count());
  } else if (failed_) {
    result.outcome = failure_;
    result.message = std::move(failure_message_);
  } else {
    result.outcome = engine::Outcome::Ok;
  }
  kv_.view = nullptr;  // the view dies with the request
  // Code stopped half-way may have left the context inconsistent: start the next request afresh.
  if (terminated || env.fresh_context) context_.reset();
  if (result.outcome != engine::Outcome::Ok) {
    result.status = 500;
    result.headers.clear();
    result.body.clear();
  }
  while (v8::platform::PumpMessageLoop(&engine::v8e::platform(), isolate_,
                                       v8::platform::MessageLoopBehavior::kDoNotWait)) {
  }
  if (runs_++ % kHeapSampleRuns == 0) {
    v8::HeapStatistics heap;
    isolate_->GetHeapStatistics(&heap);
    heap_bytes_ = heap.total_heap_size() + heap.external_memory();
  }
  return result;
}

void WorkerIsolate::run_request(const Environment& env, const Request& request, Result& result) {
  if (!context_) {
    std::string error;
    if (!make_context(env, &error)) {
      fail(engine::Outcome::Trapped, error);
      return;
    }
  }
  Context& c = *context_;
  v8::Local<v8::Context> context = c.context.Get(isolate_);
  v8::Context::Scope context_scope(context);
  v8::TryCatch tc(isolate_);
  auto caught = [&] {
    if (tc.HasTerminated() || isolate_->IsExecutionTerminating()) fail(engine::Outcome::TimedOut, "");
    else fail(engine::Outcome::Trapped, describe_exception(isolate_, context, tc.Exception()));
  };

  v8::Local<v8::Value> req = make_request_value(context, request);
  if (req.IsEmpty()) return caught();
  v8::Local<v8::Value> handled;
  if (!c.fetch.IsEmpty()) {
    v8::Local<v8::Value> ctx_value;
    if (!c.make_context.Get(isolate_)->Call(context, v8::Undefined(isolate_), 0, nullptr).ToLocal(&ctx_value))
      return caught();
    v8::Local<v8::Value> args[] = {req, c.env.Get(isolate_), ctx_value};
    if (!c.fetch.Get(isolate_)->Call(context, c.fetch_this.Get(isolate_), 3, args).ToLocal(&handled)) return caught();
  } else {
    if (!c.dispatch_fetch.Get(isolate_)->Call(context, v8::Undefined(isolate_), 1, &req).ToLocal(&handled))
      return caught();
  }
  if (handled->IsPromise()) {
    auto promise = handled.As<v8::Promise>();
    Settled settled = settle(promise, true);
    if (settled == Settled::Stopped) return;
    if (settled == Settled::Rejected)
      return fail(engine::Outcome::Trapped, describe_exception(isolate_, context, promise->Result()));
    handled = promise->Result();
  }
  if (!read_response(context, handled, result)) {
    if (tc.HasCaught()) caught();
    return;
  }
  finish_wait_until(context);
}

v8::Local<v8::Value> WorkerIsolate::make_request_value(v8::Local<v8::Context> context, const Request& request) {
  v8::EscapableHandleScope scope(isolate_);
  size_t header_count = request.headers ? request.headers->size() : 0;
  v8::Local<v8::Array> headers = v8::Array::New(isolate_, static_cast<int>(header_count));
  for (size_t i = 0; i < header_count; ++i) {
    const auto& [key, value] = (*request.headers)[i];
    v8::Local<v8::Value> pair[] = {v8_str(isolate_, key), v8_str(isolate_, value)};
    if (headers->Set(context, static_cast<uint32_t>(i), v8::Array::New(isolate_, pair, 2)).IsNothing()) return {};
  }
  v8::Local<v8::Value> body = v8::Null(isolate_);
  if (!request.body.empty() && request.method != "GET" && request.method != "HEAD") {
    v8::Local<v8::ArrayBuffer> bytes;
    if (!copy_to_array_buffer(isolate_, request.body).ToLocal(&bytes)) return {};  // over the memory limit
    body = bytes;
  }
  v8::Local<v8::Object> params = v8::Object::New(isolate_);
  if (request.params)
    for (const auto& [key, value] : *request.params)
      if (params->Set(context, v8_str(isolate_, key), v8_str(isolate_, value)).IsNothing()) return {};
  v8::Local<v8::Value> args[] = {v8_str(isolate_, request.url), v8_str(isolate_, request.method), headers, body,
                                 params};
  v8::Local<v8::Value> req;
  if (!context_->make_request.Get(isolate_)->Call(context, v8::Undefined(isolate_), 5, args).ToLocal(&req)) return {};
  return scope.Escape(req);
}

bool WorkerIsolate::read_response(v8::Local<v8::Context> context, v8::Local<v8::Value> value, Result& result) {
  v8::Local<v8::Value> read;
  if (!context_->read_response.Get(isolate_)->Call(context, v8::Undefined(isolate_), 1, &value).ToLocal(&read))
    return false;
  if (read->IsPromise()) {
    auto promise = read.As<v8::Promise>();
    Settled settled = settle(promise, true);
    if (settled == Settled::Stopped) return false;
    if (settled == Settled::Rejected) {
      fail(engine::Outcome::Trapped, describe_exception(isolate_, context, promise->Result()));
      return false;
    }
    read = promise->Result();
  }
  if (!read->IsObject()) {
    fail(engine::Outcome::Trapped, "the prelude's readResponse gave no object");
    return false;
  }
  auto out = read.As<v8::Object>();
  v8::Local<v8::Value> status, headers, body;
  if (!out->Get(context, name(isolate_, "status")).ToLocal(&status) ||
      !out->Get(context, name(isolate_, "headers")).ToLocal(&headers) ||
      !out->Get(context, name(isolate_, "body")).ToLocal(&body))
    return false;
  int code = status->IsNumber() ? status->Int32Value(context).FromMaybe(0) : 0;
  if (code < 200 || code > 599) {
    fail(engine::Outcome::Trapped,
         fmt::format("the response status {} is not a valid HTTP status (200-599)", to_std(isolate_, status)));
    return false;
  }
  result.status = code;
  if (headers->IsArray()) {
    auto list = headers.As<v8::Array>();
    for (uint32_t i = 0; i < list->Length(); ++i) {
      v8::Local<v8::Value> pair, key, val;
      if (!list->Get(context, i).ToLocal(&pair) || !pair->IsArray()) continue;
      if (!pair.As<v8::Array>()->Get(context, 0).ToLocal(&key) || !pair.As<v8::Array>()->Get(context, 1).ToLocal(&val))
        return false;
      result.headers.emplace_back(to_std(isolate_, key), to_std(isolate_, val));
    }
  }
  if (heap_over_limit()) {  // do not copy out what the worker should not have been able to make
    stop_for_memory();
    return false;
  }
  if (!append_bytes(isolate_, body, &result.body)) {
    fail(engine::Outcome::Trapped, "the response body is not bytes");
    return false;
  }
  return true;
}

WorkerIsolate::Settled WorkerIsolate::settle(v8::Local<v8::Promise> promise, bool timer_errors_fail) {
  while (true) {
    isolate_->PerformMicrotaskCheckpoint();
    if (isolate_->IsExecutionTerminating() || out_of_memory_) {
      fail(engine::Outcome::TimedOut, "");
      return Settled::Stopped;
    }
    if (promise->State() == v8::Promise::kFulfilled) return Settled::Fulfilled;
    if (promise->State() == v8::Promise::kRejected) return Settled::Rejected;
    if (failed_) return Settled::Stopped;
    std::optional<uint32_t> next = timers_.next();
    if (!next) {
      if (timer_errors_fail)
        fail(engine::Outcome::Trapped,
             "the response never settled: the Promise it waits on is still pending and no timer is left that could "
             "settle it");
      return Settled::Stopped;
    }
    Clock::time_point due = timers_.find(*next)->due;
    if (due > Clock::now() && !util::begin_blocking_wait()) {  // on an I/O thread: redone on the run pool
      fail(engine::Outcome::TimedOut, "");
      return Settled::Stopped;
    }
    if (due > deadline_) {
      sleep_until(deadline_);
      fail(engine::Outcome::TimedOut, "");
      return Settled::Stopped;
    }
    if (!sleep_until(due)) {
      fail(engine::Outcome::TimedOut, "");
      return Settled::Stopped;
    }
    if (!fire_timer(*next, timer_errors_fail)) return Settled::Stopped;
  }
}

// Sleeps in slices so a run whose client has gone stops waiting at once; false if it has.
bool WorkerIsolate::sleep_until(Clock::time_point until) {
  constexpr auto kSlice = std::chrono::milliseconds(20);
  for (auto now = Clock::now(); now < until; now = Clock::now()) {
    if (util::run_cancelled()) return false;
    std::this_thread::sleep_until(std::min(until, now + kSlice));
  }
  return !util::run_cancelled();
}

bool WorkerIsolate::fire_timer(uint32_t id, bool errors_fail) {
  v8::HandleScope scope(isolate_);
  v8::Local<v8::Context> context = isolate_->GetCurrentContext();
  Timers::Timer timer = timers_.take_or_rearm(id, isolate_);
  std::vector<v8::Local<v8::Value>> args;
  args.reserve(timer.args.size());
  for (auto& arg : timer.args) args.push_back(arg.Get(isolate_));
  v8::TryCatch tc(isolate_);
  if (!timer.callback.Get(isolate_)
           ->Call(context, v8::Undefined(isolate_), static_cast<int>(args.size()), args.data())
           .IsEmpty())
    return true;
  if (tc.HasTerminated() || isolate_->IsExecutionTerminating()) {
    fail(engine::Outcome::TimedOut, "");
    return false;
  }
  std::string error =
      "uncaught exception in a timer callback: " + describe_exception(isolate_, context, tc.Exception());
  if (errors_fail) {
    fail(engine::Outcome::Trapped, error);
    return false;
  }
  spdlog::warn("[{}] {}", log_.worker_name, error);
  return true;
}

void WorkerIsolate::finish_wait_until(v8::Local<v8::Context> context) {
  // The prelude collects waitUntil() promises (FetchEvent and module ctx); settleWaitUntil()
  // resolves once all of them, and any they add, have settled (it logs rejections).
  if (context_->settle_wait_until.IsEmpty()) return;
  v8::TryCatch tc(isolate_);
  v8::Local<v8::Value> all;
  Settled settled = Settled::Stopped;
  if (context_->settle_wait_until.Get(isolate_)->Call(context, v8::Undefined(isolate_), 0, nullptr).ToLocal(&all) &&
      all->IsPromise())
    settled = settle(all.As<v8::Promise>(), false);
  else if (tc.HasTerminated()) fail(engine::Outcome::TimedOut, "");
  else return;
  if (settled != Settled::Stopped || out_of_memory_) return;
  if (failed_ && failure_ == engine::Outcome::TimedOut) {
    // The response is complete: send it; only the background work is cut off.
    failed_ = false;
    wait_until_cut_off_ = true;
    spdlog::warn("[{}] ctx.waitUntil work was still running at the time limit and was stopped", log_.worker_name);
  } else if (!failed_) {
    spdlog::warn("[{}] a ctx.waitUntil promise never settled; it was abandoned", log_.worker_name);
  }
}

bool WorkerIsolate::caught(const v8::TryCatch& tc, v8::Local<v8::Context> context, std::string_view where,
                           std::string* error) {
  if (tc.HasTerminated() || isolate_->IsExecutionTerminating()) {
    fail(engine::Outcome::TimedOut, "");
    *error = "terminated";
  } else {
    *error = fmt::format("{}{}", where, describe_exception(isolate_, context, tc.Exception()));
  }
  return false;
}

bool WorkerIsolate::make_context(const Environment& env, std::string* error) {
  v8::Local<v8::Context> context = v8::Context::New(isolate_, nullptr, global_template_.Get(isolate_));
  if (context.IsEmpty()) {  // stopped (time or memory) while V8 set the context up
    *error = "terminated";
    fail(engine::Outcome::TimedOut, "");
    return false;
  }
  v8::Context::Scope context_scope(context);
  v8::TryCatch tc(isolate_);
  auto c = std::make_unique<Context>();
  v8::Global<v8::Function> has_listener;
  if (!define_vars(context, env, *c, tc, error) || !run_prelude(context, tc, error) ||
      !take_internals(context, *c, has_listener, tc, error))
    return false;

  context_ = std::move(c);  // evaluate_worker fills in the handler
  if (!evaluate_worker(context, error) || !handles_requests(context, has_listener, tc, error)) {
    context_.reset();
    return false;
  }
  context_->context.Reset(isolate_, context);
  return true;
}

bool WorkerIsolate::define_vars(v8::Local<v8::Context> context, const Environment& env, Context& c,
                                const v8::TryCatch& tc, std::string* error) {
  // [vars]: read-only globals (as the original's prepended consts) and the module-style `env`.
  v8::Local<v8::Object> global = context->Global();
  v8::Local<v8::Object> env_object = v8::Object::New(isolate_);
  if (env.vars) {
    for (const auto& [key, value] : *env.vars) {
      v8::Local<v8::String> k = v8_str(isolate_, key), v = v8_str(isolate_, value);
      if (global->DefineOwnProperty(context, k, v, static_cast<v8::PropertyAttribute>(v8::ReadOnly | v8::DontDelete))
              .IsNothing() ||
          env_object->Set(context, k, v).IsNothing())
        return caught(tc, context, "[vars]: ", error);
    }
  }
  c.env.Reset(isolate_, env_object);
  return true;
}

bool WorkerIsolate::run_prelude(v8::Local<v8::Context> context, const v8::TryCatch& tc, std::string* error) {
  if (prelude_.empty()) {  // compiled once per isolate, run in every context
    for (size_t i = 0; i < kPreludeCount; ++i) {
      v8::ScriptOrigin origin(isolate_, v8_str(isolate_, fmt::format("wws:prelude/{}", kPrelude[i].name)));
      v8::ScriptCompiler::Source source(v8_str(isolate_, kPrelude[i].source), origin);
      v8::Local<v8::UnboundScript> unbound;
      if (!v8::ScriptCompiler::CompileUnboundScript(isolate_, &source).ToLocal(&unbound)) {
        prelude_.clear();
        return caught(tc, context, fmt::format("the JS prelude {} does not compile: ", kPrelude[i].name), error);
      }
      prelude_.emplace_back(isolate_, unbound);
    }
  }
  for (size_t i = 0; i < prelude_.size(); ++i) {
    if (prelude_[i].Get(isolate_)->BindToCurrentContext()->Run(context).IsEmpty())
      return caught(tc, context, fmt::format("the JS prelude {} failed: ", kPrelude[i].name), error);
  }
  return true;
}

bool WorkerIsolate::take_internals(v8::Local<v8::Context> context, Context& c, v8::Global<v8::Function>& has_listener,
                                   const v8::TryCatch& tc, std::string* error) {
  v8::Local<v8::Object> global = context->Global();
  v8::Local<v8::Value> internal_value;
  if (!global->Get(context, v8_str(isolate_, "__wws_internal")).ToLocal(&internal_value))
    return caught(tc, context, "", error);
  if (!internal_value->IsObject()) {
    *error = "the JS prelude did not define __wws_internal";
    return false;
  }
  auto internal = internal_value.As<v8::Object>();
  auto take = [&](const char* key, v8::Global<v8::Function>& slot, bool required) {
    v8::Local<v8::Value> fn;
    if (!internal->Get(context, v8_str(isolate_, key)).ToLocal(&fn)) return caught(tc, context, "", error);
    if (fn->IsFunction()) slot.Reset(isolate_, fn.As<v8::Function>());
    if (fn->IsFunction() || !required) return true;
    *error = fmt::format("the JS prelude's __wws_internal has no {} function", key);
    return false;
  };
  if (!take("makeRequest", c.make_request, true) || !take("makeContext", c.make_context, true) ||
      !take("dispatchFetch", c.dispatch_fetch, true) || !take("readResponse", c.read_response, true) ||
      !take("hasFetchListener", has_listener, true) || !take("settleWaitUntil", c.settle_wait_until, false))
    return false;
  // The worker sees neither: they are the prelude's private channel to the host.
  if (global->Delete(context, v8_str(isolate_, "__wws_internal")).IsNothing() ||
      global->Delete(context, v8_str(isolate_, "__wws_native")).IsNothing())
    return caught(tc, context, "", error);
  return true;
}

bool WorkerIsolate::handles_requests(v8::Local<v8::Context> context, const v8::Global<v8::Function>& has_listener,
                                     const v8::TryCatch& tc, std::string* error) {
  if (!context_->fetch.IsEmpty()) return true;  // a module's default export
  v8::Local<v8::Value> has;
  if (!has_listener.Get(isolate_)->Call(context, v8::Undefined(isolate_), 0, nullptr).ToLocal(&has))
    return caught(tc, context, "", error);
  if (has->BooleanValue(isolate_)) return true;
  *error = fmt::format("{}: the worker handles no requests: {}", script_.files[0].path.string(),
                       script_.is_module ? "export default { fetch(request, env, ctx) { ... } }, or call "
                                           "addEventListener(\"fetch\", ...)"
                                         : "call addEventListener(\"fetch\", (event) => event.respondWith(...))");
  return false;
}

bool WorkerIsolate::compile_modules(std::string* error) {
  modules_.clear();
  v8::TryCatch tc(isolate_);
  for (const ScriptFile& file : script_.files) {
    v8::ScriptOrigin origin(isolate_, v8_str(isolate_, file.path.string()), 0, 0, false, -1, {}, false, false, true);
    auto* cache = cached_code(file);
    v8::ScriptCompiler::Source source(v8_str(isolate_, file.source), origin, cache);
    v8::Local<v8::Module> module;
    if (!v8::ScriptCompiler::CompileModule(isolate_, &source, compile_options(cache)).ToLocal(&module)) {
      *error = fmt::format("{}: {}", file.path.string(),
                           describe_exception(isolate_, isolate_->GetCurrentContext(), tc.Exception()));
      modules_.clear();
      return false;
    }
    modules_.emplace_back(isolate_, module);
  }
  return true;
}

v8::MaybeLocal<v8::Module> WorkerIsolate::resolve_module(v8::Local<v8::Context> context,
                                                         v8::Local<v8::String> specifier, v8::Local<v8::FixedArray>,
                                                         v8::Local<v8::Module> referrer) {
  v8::Isolate* isolate = context->GetIsolate();
  auto* self = static_cast<WorkerIsolate*>(isolate->GetData(0));
  std::string spec = to_std(isolate, specifier);
  for (size_t i = 0; i < self->modules_.size(); ++i) {
    if (self->modules_[i] != referrer) continue;
    const auto& imports = self->script_.files[i].imports;
    auto it = imports.find(spec);
    if (it != imports.end()) return self->modules_[it->second].Get(isolate);
  }
  isolate->ThrowException(v8::Exception::Error(v8_str(isolate, "cannot resolve import \"" + spec + "\"")));
  return {};
}

bool WorkerIsolate::evaluate_worker(v8::Local<v8::Context> context, std::string* error) {
  v8::TryCatch tc(isolate_);
  if (!script_.is_module) return run_classic_worker(context, tc, error);

  if (!compile_modules(error)) return false;
  v8::Local<v8::Module> module = modules_[0].Get(isolate_);
  if (module->InstantiateModule(context, resolve_module).IsNothing()) return caught(tc, context, "", error);
  // V8 aborts the process if Evaluate starts with a termination already requested (watchdog.h):
  // a stop requested by now must end the run here.
  if (stop_requested() || module->GetStatus() != v8::Module::kInstantiated) {
    fail(engine::Outcome::TimedOut, "");
    *error = "terminated";
    return false;
  }
  v8::Local<v8::Value> evaluated;
  if (!module->Evaluate(context).ToLocal(&evaluated)) return caught(tc, context, "", error);
  if (evaluated->IsPromise() && !settle_top_level_await(context, evaluated.As<v8::Promise>(), error)) return false;
  if (module->GetStatus() != v8::Module::kEvaluated) {
    if (module->GetStatus() == v8::Module::kErrored)
      *error = describe_exception(isolate_, context, module->GetException());
    else *error = "the module did not finish evaluating";
    return false;
  }
  if (!take_module_handler(context, module, tc, error)) return false;
  modules_.clear();  // the context keeps them alive as long as it needs them
  return true;
}

bool WorkerIsolate::run_classic_worker(v8::Local<v8::Context> context, const v8::TryCatch& tc, std::string* error) {
  if (classic_worker_.IsEmpty()) {
    const ScriptFile& main = script_.files[0];
    v8::ScriptOrigin origin(isolate_, v8_str(isolate_, main.path.string()));
    auto* cache = cached_code(main);
    v8::ScriptCompiler::Source source(v8_str(isolate_, main.source), origin, cache);
    v8::Local<v8::UnboundScript> unbound;
    if (!v8::ScriptCompiler::CompileUnboundScript(isolate_, &source, compile_options(cache)).ToLocal(&unbound))
      return caught(tc, context, "", error);
    classic_worker_.Reset(isolate_, unbound);
  }
  if (classic_worker_.Get(isolate_)->BindToCurrentContext()->Run(context).IsEmpty())
    return caught(tc, context, "", error);
  return true;
}

bool WorkerIsolate::settle_top_level_await(v8::Local<v8::Context> context, v8::Local<v8::Promise> promise,
                                           std::string* error) {
  Settled settled = settle(promise, true);  // top-level await may wait on timers
  if (settled == Settled::Stopped) {
    *error = failed_ ? failure_message_ : "the module's top-level await never finished";
    return false;
  }
  if (settled == Settled::Rejected) {
    *error = describe_exception(isolate_, context, promise->Result());
    return false;
  }
  return true;
}

bool WorkerIsolate::take_module_handler(v8::Local<v8::Context> context, v8::Local<v8::Module> module,
                                        const v8::TryCatch& tc, std::string* error) {
  v8::Local<v8::Value> handler;
  auto ns = module->GetModuleNamespace().As<v8::Object>();
  if (!ns->Get(context, v8_str(isolate_, "default")).ToLocal(&handler)) return caught(tc, context, "", error);
  if (handler->IsFunction()) {
    context_->fetch.Reset(isolate_, handler.As<v8::Function>());
    context_->fetch_this.Reset(isolate_, v8::Undefined(isolate_));
    return true;
  }
  if (!handler->IsObject()) return true;  // then handles_requests looks for a fetch listener
  v8::Local<v8::Value> fetch;
  if (!handler.As<v8::Object>()->Get(context, v8_str(isolate_, "fetch")).ToLocal(&fetch))
    return caught(tc, context, "", error);
  if (fetch->IsFunction()) {
    context_->fetch.Reset(isolate_, fetch.As<v8::Function>());
    context_->fetch_this.Reset(isolate_, handler);
  }
  return true;
}

}  // namespace wws::js
