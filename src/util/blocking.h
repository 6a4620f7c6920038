// util/blocking.h: what the code running a guest on this thread may do besides using the CPU.
//
// - A per-thread count of waits (an outbound HTTP request, a timer a guest sleeps on). The
//   dispatcher compares it around a run: a worker whose runs wait is never run on an I/O
//   thread, however quick it was, because the thing it waits for may be that very thread (a
//   worker fetching its own server).
// - RunScope: set by the server around each request it hands to a handler. On an I/O thread a
//   run must not wait at all: begin_blocking_wait() then refuses, the host code stops the guest
//   instead of waiting, and the dispatcher redoes the request on the run pool. `cancel` is set
//   when the client has gone (or the server stops past its grace): the watchdog stops the run
//   and waits end early.
#pragma once
#include <atomic>
#include <cstdint>

namespace wws::util {

inline thread_local uint64_t blocking_waits = 0;

struct RunScope {
  bool may_wait = true;
  bool wanted_to_wait = false;                // a wait was refused during this run
  const std::atomic<bool>* cancel = nullptr;  // stop the run as soon as possible when true
};
inline thread_local RunScope run_scope;

// Called by host code before it waits for something other than the CPU. False: the run may not
// wait here; stop the guest without waiting (its request is redone where waiting is fine).
inline bool begin_blocking_wait() {
  ++blocking_waits;
  if (run_scope.may_wait) return true;
  run_scope.wanted_to_wait = true;
  return false;
}

inline bool run_cancelled() { return run_scope.cancel && run_scope.cancel->load(std::memory_order_relaxed); }

// Sets the thread's run scope for one request and restores the previous one.
class ScopedRun {
 public:
  ScopedRun(bool may_wait, const std::atomic<bool>* cancel) : saved_(run_scope) {
    run_scope = RunScope{may_wait, false, cancel};
  }
  ~ScopedRun() { run_scope = saved_; }
  ScopedRun(const ScopedRun&) = delete;
  ScopedRun& operator=(const ScopedRun&) = delete;

 private:
  RunScope saved_;
};

}  // namespace wws::util
