// The Wasmtime epoch ticker: time limits follow the wall clock even when the ticker thread
// runs late (a loaded machine wakes it late; counting wake-ups stretched limits many times).
#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "engine/wasmtime/epoch.h"

namespace wws::engine::wt {
namespace {

using namespace std::chrono_literals;

TEST(EpochTicker, CatchesUpWithTheClockAfterWakingLate) {
  std::atomic<uint64_t> ticks{0};
  constexpr auto kLate = 300ms;
  const auto started = std::chrono::steady_clock::now();
  {
    EpochTicker ticker({[&] {
      // The first advance holds the ticker thread as a busy machine would.
      if (ticks.fetch_add(1) == 0) std::this_thread::sleep_for(kLate);
    }});
    const auto give_up = std::chrono::steady_clock::now() + 30s;
    while (ticks.load() < 2 && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(1ms);
    ASSERT_GE(ticks.load(), 2u) << "the ticker never advanced after its late wake-up";
    // Its first wake-up after the delay accounts for all of it at once: one tick per kEpochTick
    // of the delay (a ticker that counts wake-ups would need the whole delay again to get there).
    const uint64_t expected = static_cast<uint64_t>(kLate / kEpochTick);
    const auto until = std::chrono::steady_clock::now() + kLate / 3;
    while (ticks.load() < expected && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
    EXPECT_GE(ticks.load(), expected);
  }
  // And never ahead of the clock: at most one tick per kEpochTick since it started.
  EXPECT_LE(ticks.load(), static_cast<uint64_t>((std::chrono::steady_clock::now() - started) / kEpochTick) + 1);
}

TEST(EpochTicker, DeadlineTicksCoverTheTimeout) {
  EXPECT_GE(epoch_ticks_for(1ms) * kEpochTick, 1ms + kEpochTick);
  EXPECT_GE(epoch_ticks_for(300'000ms) * kEpochTick, 300'000ms);
}

}  // namespace
}  // namespace wws::engine::wt
