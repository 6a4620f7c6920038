// How fast a worker has been, to decide where its next request runs. A worker runs on the I/O
// thread that read the request (no hand-off: the fastest path) once it has proven quick, several
// runs in a row under kQuick; until then, and after any run over kSlow, its requests go to the
// run pool, so a worker that loops or waits cannot hold up the other connections of an I/O
// thread. The gap between the two thresholds keeps a CPU-heavy but steady worker (a few ms,
// sometimes stretched by preemption on a busy machine) from flapping between the two.
// Shared by all threads of the server; relaxed atomics are enough for a heuristic.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>

namespace wws::worker {

class Pace {
 public:
  static constexpr uint32_t kQuickRunsToTrust = 16;
  static constexpr std::chrono::milliseconds kQuick{5};
  static constexpr std::chrono::milliseconds kSlow{50};
  // How long a run on an I/O thread may take before it is stopped and redone on the run pool.
  static constexpr std::chrono::milliseconds kInlineBudget{10};

  bool run_inline() const { return quick_streak_.load(std::memory_order_relaxed) >= kQuickRunsToTrust; }

  // `waited`: the run waited on the network or a timer (util/blocking.h); such a worker is
  // never trusted, since what it waits for may need the I/O thread it would block.
  void record(std::chrono::steady_clock::duration took, bool waited = false) {
    uint32_t streak = quick_streak_.load(std::memory_order_relaxed);
    if (waited || took > kSlow || (took > kQuick && streak < kQuickRunsToTrust)) {
      quick_streak_.store(0, std::memory_order_relaxed);
    } else if (took <= kQuick && streak < kQuickRunsToTrust) {
      quick_streak_.fetch_add(1, std::memory_order_relaxed);
    }
  }

 private:
  std::atomic<uint32_t> quick_streak_{0};
};

}  // namespace wws::worker
