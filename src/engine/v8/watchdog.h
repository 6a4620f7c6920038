// Stops runaway code: a run arms a deadline, a background thread polls it and calls
// TerminateExecution when it passes. One watchdog serves one thread, whose runs are sequential,
// so it can guard a different isolate on each run (JS workers have one isolate each). Polling
// (every few ms) keeps the request path free of system calls: arming and disarming are a lock
// and two stores.
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
  explicit Watchdog(v8::Isolate* isolate);
  ~Watchdog();

  // Arms for one run of the constructor's isolate, or of `target` if given. Returns a token
  // for disarm().
  uint64_t arm(std::chrono::milliseconds timeout, v8::Isolate* target = nullptr);
  // Disarms; returns true if the deadline fired for this run. Clears the isolate's termination.
  bool disarm(uint64_t token);

 private:
  void loop();

  v8::Isolate* isolate_;
  v8::Isolate* target_ = nullptr;  // the isolate of the armed run
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t armed_ = 0;  // token of the armed run, 0 if none
  uint64_t next_token_ = 1;
  bool fired_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point deadline_;
  std::thread thread_;
};

}  // namespace wws::engine::v8e
