// Where a worker's requests run: on the I/O thread only after a streak of quick runs, back to
// the run pool after one slow run; runs between the thresholds keep a trusted worker inline.
#include <gtest/gtest.h>

#include "worker/pace.h"

namespace wws::worker {
namespace {
using namespace std::chrono_literals;

void trust(Pace& p) {
  for (uint32_t i = 0; i < Pace::kQuickRunsToTrust; ++i) p.record(100us);
}

TEST(Pace, NewWorkersRunOnThePoolUntilAStreakOfQuickRuns) {
  Pace p;
  EXPECT_FALSE(p.run_inline());
  for (uint32_t i = 0; i + 1 < Pace::kQuickRunsToTrust; ++i) p.record(100us);
  EXPECT_FALSE(p.run_inline());
  p.record(100us);
  EXPECT_TRUE(p.run_inline());
}

TEST(Pace, AMediumRunRestartsTheStreakOfAnUntrustedWorker) {
  Pace p;
  for (uint32_t i = 0; i + 1 < Pace::kQuickRunsToTrust; ++i) p.record(100us);
  p.record(20ms);
  p.record(100us);
  EXPECT_FALSE(p.run_inline());
}

TEST(Pace, ATrustedWorkerStaysInlineThroughMediumRunsAndLeavesAfterASlowOne) {
  Pace p;
  trust(p);
  p.record(20ms);  // e.g. preempted on a busy machine
  EXPECT_TRUE(p.run_inline());
  p.record(2s);
  EXPECT_FALSE(p.run_inline());
  trust(p);
  EXPECT_TRUE(p.run_inline());
}

TEST(Pace, WorkersThatWaitOnTheNetworkOrTimersAreNeverTrusted) {
  Pace p;
  trust(p);
  p.record(100us, /*waited=*/true);
  EXPECT_FALSE(p.run_inline());
  for (uint32_t i = 0; i < 2 * Pace::kQuickRunsToTrust; ++i) p.record(100us, true);
  EXPECT_FALSE(p.run_inline());
}

}  // namespace
}  // namespace wws::worker
