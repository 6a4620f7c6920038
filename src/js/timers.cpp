#include "js/timers.h"

#include <cmath>

#include "js/v8_util.h"

namespace wws::js {
namespace {

constexpr double kMaxDelayMs = 2147483647.0;  // the largest delay browsers honour

Timers& timers_of(const v8::FunctionCallbackInfo<v8::Value>& info) {
  return *static_cast<Timers*>(info.Data().As<v8::External>()->Value());
}

void schedule(const v8::FunctionCallbackInfo<v8::Value>& info, bool repeat) {
  v8::Isolate* isolate = info.GetIsolate();
  if (!info[0]->IsFunction())
    return throw_type_error(isolate, repeat ? "setInterval: the callback must be a function"
                                            : "setTimeout: the callback must be a function");
  double delay = info.Length() > 1 ? info[1]->NumberValue(isolate->GetCurrentContext()).FromMaybe(0) : 0;
  if (!std::isfinite(delay) || delay < 0) delay = 0;
  if (delay > kMaxDelayMs) delay = kMaxDelayMs;
  Timers::Timer timer;
  timer.interval = std::chrono::milliseconds(static_cast<int64_t>(delay));
  timer.due = Timers::Clock::now() + timer.interval;
  timer.repeat = repeat;
  timer.callback.Reset(isolate, info[0].As<v8::Function>());
  for (int i = 2; i < info.Length(); ++i) timer.args.emplace_back(isolate, info[i]);
  uint32_t id = timers_of(info).add(std::move(timer));
  if (id == 0) {
    isolate->ThrowException(v8::Exception::RangeError(
        v8_str(isolate, "setTimeout: " + std::to_string(Timers::kMaxPending) + " timers are already pending")));
    return;
  }
  info.GetReturnValue().Set(id);
}

void set_timeout(const v8::FunctionCallbackInfo<v8::Value>& info) { schedule(info, false); }
void set_interval(const v8::FunctionCallbackInfo<v8::Value>& info) { schedule(info, true); }

void clear_timer(const v8::FunctionCallbackInfo<v8::Value>& info) {
  if (!info[0]->IsNumber()) return;  // clearTimeout(undefined) is a no-op on the Web too
  double id = info[0].As<v8::Number>()->Value();
  if (id >= 1 && id <= 4294967295.0) timers_of(info).remove(static_cast<uint32_t>(id));
}

void queue_microtask(const v8::FunctionCallbackInfo<v8::Value>& info) {
  if (!info[0]->IsFunction())
    return throw_type_error(info.GetIsolate(), "queueMicrotask: the callback must be a function");
  info.GetIsolate()->EnqueueMicrotask(info[0].As<v8::Function>());
}

}  // namespace

uint32_t Timers::add(Timer timer) {
  if (pending_.size() >= kMaxPending) return 0;
  uint32_t id = next_id_++;
  if (next_id_ == 0) next_id_ = 1;
  pending_[id] = std::move(timer);
  return id;
}

std::optional<uint32_t> Timers::next() const {
  std::optional<uint32_t> best;
  Clock::time_point best_due;
  for (const auto& [id, timer] : pending_) {
    if (!best || timer.due < best_due) {
      best = id;
      best_due = timer.due;
    }
  }
  return best;
}

Timers::Timer* Timers::find(uint32_t id) {
  auto it = pending_.find(id);
  return it == pending_.end() ? nullptr : &it->second;
}

Timers::Timer Timers::take_or_rearm(uint32_t id, v8::Isolate* isolate) {
  auto it = pending_.find(id);
  Timer& timer = it->second;
  if (!timer.repeat) {
    Timer taken = std::move(timer);
    pending_.erase(it);
    return taken;
  }
  // A repeating timer stays registered (clearInterval inside its callback must find it); the
  // caller gets its own handles for this call.
  Timer call;
  call.callback.Reset(isolate, timer.callback);
  for (auto& arg : timer.args) call.args.emplace_back(isolate, arg);
  timer.due = Clock::now() + std::max(timer.interval, std::chrono::milliseconds(1));
  return call;
}

void add_timer_functions(v8::Isolate* isolate, v8::Local<v8::ObjectTemplate> global, Timers* timers) {
  v8::Local<v8::External> data = v8::External::New(isolate, timers);
  auto add = [&](const char* name, v8::FunctionCallback fn, int length) {
    global->Set(v8_str(isolate, name),
                v8::FunctionTemplate::New(isolate, fn, data, {}, length, v8::ConstructorBehavior::kThrow));
  };
  add("setTimeout", set_timeout, 1);
  add("setInterval", set_interval, 1);
  add("clearTimeout", clear_timer, 1);
  add("clearInterval", clear_timer, 1);
  add("queueMicrotask", queue_microtask, 1);
}

}  // namespace wws::js
