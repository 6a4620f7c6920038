#include "api/metrics/registry.h"

#include <algorithm>
#include <map>

#include "worker/worker.h"

namespace wws::api::metrics {
namespace {

// A counter with one writer (the shard's thread) and any number of readers: a relaxed load and
// store instead of an atomic read-modify-write, so counting costs what a plain increment does.
struct Counter {
  std::atomic<uint64_t> value{0};
  void add(uint64_t n) { value.store(value.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  void set(uint64_t n) { value.store(n, std::memory_order_relaxed); }
  uint64_t get() const { return value.load(std::memory_order_relaxed); }
};

struct Cell {
  std::atomic<uint32_t> status_codes[kStatusSlots] = {};  // 0 = unused; the last slot is "other"
  Counter status_counts[kStatusSlots];
  Counter buckets[kBuckets];
  Counter fine[kFineBuckets];
  Counter requests, errors, failed_runs, timeouts, instantiations, kv_reads, kv_writes, duration_sum_ns;
  Counter instance_kept, memory_bytes;  // gauges: this thread's state after its last run

  void count_status(uint32_t code) {
    for (size_t i = 0; i + 1 < kStatusSlots; ++i) {
      const uint32_t seen = status_codes[i].load(std::memory_order_relaxed);
      if (seen == code) return status_counts[i].add(1);
      if (seen == 0) {
        status_codes[i].store(code, std::memory_order_release);
        return status_counts[i].add(1);
      }
    }
    status_counts[kStatusSlots - 1].add(1);
  }
};

constexpr size_t kChunkCells = 32;
constexpr size_t kMaxChunks = 2048;  // 65536 cells: workers beyond that are not counted

std::atomic<uint64_t> next_registry_id{1};

// What a request that ran its worker adds to the worker's cell.
void count_run(Cell& cell, const worker::RunReport& run) {
  if (run.outcome != engine::Outcome::Ok) cell.failed_runs.add(1);
  if (run.outcome == engine::Outcome::TimedOut) cell.timeouts.add(1);
  if (run.instantiated) cell.instantiations.add(1);
  if (run.kv_reads) cell.kv_reads.add(run.kv_reads);
  if (run.kv_writes) cell.kv_writes.add(run.kv_writes);
  if (!run.unavailable) {
    cell.instance_kept.set(run.instance_kept ? 1 : 0);
    cell.memory_bytes.set(run.instance_kept ? run.memory_bytes : 0);
  }
}

}  // namespace

// One thread's cells, in chunks allocated by that thread when it first needs them.
struct Registry::Shard {
  std::atomic<Cell*> chunks[kMaxChunks] = {};
  ~Shard() {
    for (auto& c : chunks) delete[] c.load();
  }
  Cell* cell(uint32_t index) {
    const size_t chunk = index / kChunkCells;
    if (chunk >= kMaxChunks) return nullptr;
    Cell* cells = chunks[chunk].load(std::memory_order_acquire);
    if (!cells) {
      cells = new Cell[kChunkCells];
      chunks[chunk].store(cells, std::memory_order_release);
    }
    return &cells[index % kChunkCells];
  }
  const Cell* find(uint32_t index) const {
    const size_t chunk = index / kChunkCells;
    if (chunk >= kMaxChunks) return nullptr;
    const Cell* cells = chunks[chunk].load(std::memory_order_acquire);
    return cells ? &cells[index % kChunkCells] : nullptr;
  }
};

Registry::Registry() : id_(next_registry_id.fetch_add(1)) {}
Registry::~Registry() = default;

Registry::Shard& Registry::shard() {
  struct Cache {
    uint64_t registry = 0;
    Shard* shard = nullptr;
  };
  thread_local Cache cache;
  if (cache.registry == id_) return *cache.shard;
  std::lock_guard lock(mu_);
  shards_.push_back(std::make_unique<Shard>());
  cache = {id_, shards_.back().get()};
  return *cache.shard;
}

void Registry::served(const worker::Served& served) {
  const uint32_t index = served.worker                   ? served.worker->slot + kFirstWorkerCell
                         : served.response.status == 404 ? kUnmatchedCell
                                                         : kStaticCell;
  Cell* cell = shard().cell(index);
  if (!cell) return;
  if (index >= cells_in_use_.load(std::memory_order_relaxed)) {
    uint32_t seen = cells_in_use_.load(std::memory_order_relaxed);
    while (seen <= index && !cells_in_use_.compare_exchange_weak(seen, index + 1, std::memory_order_relaxed)) {
    }
  }
  const uint64_t ns = static_cast<uint64_t>(
      std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::nanoseconds>(served.elapsed).count()));
  const int status = served.response.status;
  cell->requests.add(1);
  cell->count_status(static_cast<uint32_t>(status));
  cell->buckets[bucket_index(ns)].add(1);
  cell->fine[fine_index(ns / 1000)].add(1);
  cell->duration_sum_ns.add(ns);
  if (status >= 500) cell->errors.add(1);
  if (served.run) count_run(*cell, *served.run);
}

Totals Registry::totals(uint32_t index) const {
  Totals t;
  std::map<int, uint64_t> statuses;
  std::lock_guard lock(mu_);
  for (const auto& shard : shards_) {
    const Cell* cell = shard->find(index);
    if (!cell) continue;
    t.requests += cell->requests.get();
    t.errors += cell->errors.get();
    t.failed_runs += cell->failed_runs.get();
    t.timeouts += cell->timeouts.get();
    t.instantiations += cell->instantiations.get();
    t.kv_reads += cell->kv_reads.get();
    t.kv_writes += cell->kv_writes.get();
    t.instances += cell->instance_kept.get();
    t.memory_bytes += cell->memory_bytes.get();
    t.duration_sum_ns += cell->duration_sum_ns.get();
    for (size_t i = 0; i < kBuckets; ++i) t.buckets[i] += cell->buckets[i].get();
    for (size_t i = 0; i < kFineBuckets; ++i) t.fine[i] += cell->fine[i].get();
    for (size_t i = 0; i < kStatusSlots; ++i) {
      // The code first: its writer stored it before the slot's first count.
      const uint32_t code = i + 1 < kStatusSlots ? cell->status_codes[i].load(std::memory_order_acquire) : 0;
      if (code == 0 && i + 1 < kStatusSlots) continue;
      if (const uint64_t n = cell->status_counts[i].get()) statuses[static_cast<int>(code)] += n;
    }
  }
  t.statuses.assign(statuses.begin(), statuses.end());
  return t;
}

double fine_quantile_ms(const std::array<uint64_t, kFineBuckets>& counts, double q) {
  uint64_t total = 0;
  for (uint64_t c : counts) total += c;
  if (!total) return 0;
  const double rank = q * static_cast<double>(total);
  uint64_t below = 0;
  for (size_t i = 0; i < kFineBuckets; ++i) {
    if (!counts[i]) continue;
    if (static_cast<double>(below + counts[i]) >= rank) {
      const double within = (rank - static_cast<double>(below)) / static_cast<double>(counts[i]);
      const double lower = fine_lower_us(i), upper = fine_upper_us(i);
      return (lower + within * (upper - lower)) / 1000.0;
    }
    below += counts[i];
  }
  return fine_upper_us(kFineBuckets - 1) / 1000.0;
}

}  // namespace wws::api::metrics
