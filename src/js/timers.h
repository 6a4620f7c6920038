// setTimeout/setInterval for JS workers: a per-isolate list of pending callbacks that the
// request's event loop fires in due order. Timers belong to the request that set them: whatever
// is still pending once the response (and ctx.waitUntil work) is done is cancelled.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include <v8.h>

namespace wws::js {

class Timers {
 public:
  using Clock = std::chrono::steady_clock;
  struct Timer {
    Clock::time_point due;
    std::chrono::milliseconds interval{0};
    bool repeat = false;
    v8::Global<v8::Function> callback;
    std::vector<v8::Global<v8::Value>> args;
  };

  // Pending timers live outside the V8 heap, so their number is capped.
  static constexpr size_t kMaxPending = 100'000;
  // 0 when kMaxPending timers are already pending.
  uint32_t add(Timer timer);
  void remove(uint32_t id) { pending_.erase(id); }
  void clear() { pending_.clear(); }
  bool empty() const { return pending_.empty(); }
  // The id of the timer due first (ties: the one set first).
  std::optional<uint32_t> next() const;
  Timer* find(uint32_t id);
  // Takes a due timer out, or re-arms it if it repeats; returns what to call.
  Timer take_or_rearm(uint32_t id, v8::Isolate* isolate);

 private:
  uint32_t next_id_ = 1;
  std::map<uint32_t, Timer> pending_;
};

// Adds setTimeout, clearTimeout, setInterval, clearInterval and queueMicrotask to `global`;
// `timers` must outlive every context made from it.
void add_timer_functions(v8::Isolate* isolate, v8::Local<v8::ObjectTemplate> global, Timers* timers);

}  // namespace wws::js
