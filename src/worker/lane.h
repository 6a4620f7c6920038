// How many requests of one worker may run at once and wait for a run, server-wide: its lane of
// the run pool (http/run_pool.h). [limits] max_concurrency and max_queue set them; by default a
// worker may use half the pool's threads, so a looping or waiting worker always leaves threads
// to the others, and 128 requests may wait (past that: 503 with Retry-After).
#pragma once
#include <cstdint>

#include "worker/worker.h"

namespace wws::worker {

struct LaneDefaults {
  uint32_t max_concurrency = 2;
  uint32_t max_queue = 128;
  static LaneDefaults for_pool(unsigned pool_threads) { return {pool_threads > 2 ? pool_threads / 2 : 1, 128}; }
};

// Sets worker.lane and worker.pool_only from its config and the defaults.
inline void assign_lane(Worker& worker, const LaneDefaults& defaults) {
  const auto& limits = worker.config.limits;
  worker.pool_only = limits.max_concurrency.has_value();
  worker.lane = std::make_shared<http::RunLane>(limits.max_concurrency.value_or(defaults.max_concurrency),
                                                limits.max_queue.value_or(defaults.max_queue));
}

}  // namespace wws::worker
