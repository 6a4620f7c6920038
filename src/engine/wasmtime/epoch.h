// Time limits on Wasmtime: generated code checks the engine's epoch at function entries and
// loop back-edges, and a run's store calls back once the epoch passes its deadline (the core
// executor then extends it or ends the run). One ticker thread advances the epoch of every
// Wasmtime engine of the process by one per kEpochTick of wall-clock time, so a deadline of N
// ticks fires between N-1 and N ticks after the run started. The ticker counts the ticks that
// have passed, not the times it woke: on a loaded machine it wakes late, and counting wake-ups
// stretched a 300 s limit past 15 minutes.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace wws::engine::wt {

constexpr std::chrono::milliseconds kEpochTick{2};

// Ticks to allow for a run of `timeout` (at least 2, so a run never stops at once).
inline uint64_t epoch_ticks_for(std::chrono::milliseconds timeout) {
  return static_cast<uint64_t>((timeout + kEpochTick - std::chrono::milliseconds(1)) / kEpochTick) + 1;
}

class EpochTicker {
 public:
  explicit EpochTicker(std::vector<std::function<void()>> advance);
  ~EpochTicker();
  EpochTicker(const EpochTicker&) = delete;
  EpochTicker& operator=(const EpochTicker&) = delete;
  // Adds one more engine to advance (e.g. a fuel-counting engine made on demand).
  void add(std::function<void()> advance);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::vector<std::function<void()>> advance_;
  std::thread thread_;
};

}  // namespace wws::engine::wt
