// api/metrics: what every request costs, counted on the request path without locks, and read by
// the admin API and the Prometheus endpoint. Each thread that answers requests writes only its
// own shard (plain relaxed loads and stores: no lock, no shared cache line); a reader sums the
// shards. Cells are indexed by worker slot (worker/slots.h), plus two for requests that no
// worker answered (static files, and requests that matched nothing).
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "api/metrics/histogram.h"
#include "worker/observer.h"

namespace wws::api::metrics {

// Cell numbers of the requests that no worker answered; worker slot s is cell s + kFirstWorkerCell.
inline constexpr uint32_t kStaticCell = 0;
inline constexpr uint32_t kUnmatchedCell = 1;
inline constexpr uint32_t kFirstWorkerCell = 2;
// Distinct status codes counted per cell and thread; later ones count as status "other" (code 0).
inline constexpr size_t kStatusSlots = 8;

// A cell's figures summed over every thread.
struct Totals {
  uint64_t requests = 0;
  uint64_t errors = 0;       // answered with a status >= 500
  uint64_t failed_runs = 0;  // the run trapped, exited, timed out, ran out of memory or could not run
  uint64_t timeouts = 0;
  uint64_t instantiations = 0;
  uint64_t kv_reads = 0;
  uint64_t kv_writes = 0;
  uint64_t instances = 0;     // threads that keep an instance of the worker now
  uint64_t memory_bytes = 0;  // memory of those instances, as of each thread's last run
  uint64_t duration_sum_ns = 0;
  std::array<uint64_t, kBuckets> buckets{};  // not cumulative
  std::array<uint64_t, kFineBuckets> fine{};
  std::vector<std::pair<int, uint64_t>> statuses;  // (code, count) sorted by code; code 0 = other
};

class Registry final : public worker::RequestObserver {
 public:
  Registry();
  ~Registry() override;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The request path: one shard write per figure, on the calling thread's shard.
  void served(const worker::Served& served) override;
  // Sums a cell over all shards. Safe while requests are being recorded.
  Totals totals(uint32_t cell) const;
  // Cells any thread has recorded into (one past the highest), for listing workers seen before a reload.
  uint32_t cells_in_use() const { return cells_in_use_.load(std::memory_order_relaxed); }

 private:
  struct Shard;
  Shard& shard();

  const uint64_t id_;      // tells the thread-local shard cache which registry it belongs to
  mutable std::mutex mu_;  // guards shards_ (a thread's first record, and readers)
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<uint32_t> cells_in_use_{kFirstWorkerCell};
};

}  // namespace wws::api::metrics
