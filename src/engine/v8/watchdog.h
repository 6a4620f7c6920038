// Stops runaway code: a run arms a deadline, a background thread polls it and stops the run
// when it passes. One watchdog serves one thread, whose runs are sequential, so it can guard a
// different isolate on each run (JS workers have one isolate each). Polling (every few ms) keeps
// the request path free of system calls: arming and disarming are a lock and two stores.
//
// Two ways to stop a run. Terminate calls TerminateExecution from the watchdog thread (wasm
// runs). Interrupt asks the isolate to interrupt itself (RequestInterrupt) and requests the
// termination from that callback, on the isolate's own thread, at a point where JS was running.
// V8 10.2 aborts the process if a termination request is already pending when Module::Evaluate
// starts (it terminates before the module is marked as evaluating, then CHECK-fails), so JS runs
// use Interrupt and check termination_requested() before module evaluation: a termination can
// then only be requested while JS code runs, never in the gap before Evaluate.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include <v8.h>

namespace wws::engine::v8e {

class Watchdog {
 public:
  enum class Stop { Terminate, Interrupt };

  explicit Watchdog(v8::Isolate* isolate);
  ~Watchdog();

  // Arms for one run of the constructor's isolate, or of `target` if given. Returns a token
  // for disarm(). The run is also stopped when the calling thread's util::run_scope.cancel is
  // set (its client went away), as if its time had run out.
  uint64_t arm(std::chrono::milliseconds timeout, v8::Isolate* target = nullptr, Stop stop = Stop::Terminate);
  // Disarms; returns true if the deadline fired for this run. Clears the isolate's termination.
  bool disarm(uint64_t token);
  // On the run's thread: true once this run's termination has been requested (Interrupt mode:
  // the interrupt callback ran; Terminate mode: the deadline fired).
  bool termination_requested();

 private:
  void loop();
  static void on_interrupt(v8::Isolate* isolate, void* data);

  v8::Isolate* isolate_;
  v8::Isolate* target_ = nullptr;  // the isolate of the armed run
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t armed_ = 0;  // token of the armed run, 0 if none
  uint64_t next_token_ = 1;
  Stop stop_ = Stop::Terminate;
  bool fired_ = false;
  bool requested_ = false;  // TerminateExecution was called for the armed run
  bool stopping_ = false;
  std::chrono::steady_clock::time_point deadline_;
  const std::atomic<bool>* cancel_ = nullptr;  // the armed run's util::run_scope.cancel
  bool short_run_ = false;
  std::thread thread_;
};

}  // namespace wws::engine::v8e
