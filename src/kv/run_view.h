// kv/run_view.h: one run's key-by-key view of its namespace, behind the wasm host functions
// (worker/kv_binding.h) and JS's Cache. Reads go to the store, key by key, after this run's own
// pending writes. Set and delete are held until the run succeeds and then commit in one
// transaction with everything else the run wrote, so a failed run writes nothing, as with the
// snapshot protocol. Increment, compare-and-swap and expire must return a result the store
// decided, so they commit at once (together with this run's pending write of the same key).
// Without a store (a worker with no [data.kv]) everything stays local to the run.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kv/store.h"

namespace wws::kv {

class RunView {
 public:
  RunView(Store* store, std::string ns, Limits limits) : store_(store), ns_(std::move(ns)), limits_(limits) {}

  Status get(const std::string& key, std::optional<std::string>* value);
  Status list(std::string_view prefix, std::string_view after, size_t limit, std::vector<std::string>* keys);
  Status set(std::string key, std::string value, int64_t ttl_ms);
  Status erase(std::string key);
  Status increment(const std::string& key, int64_t delta, int64_t ttl_ms, int64_t* result);
  // *swapped is false (and the status Ok) when the current value is not `expected`.
  Status compare_and_swap(const std::string& key, std::optional<std::string> expected, std::optional<std::string> value,
                          int64_t ttl_ms, bool* swapped);
  Status expire(const std::string& key, int64_t ttl_ms, bool* existed);

  // Bounds the bytes of held writes (keys and values): they live outside the guest's memory, so
  // its limit does not count them. A set past it fails with Quota. 0: no bound.
  void limit_pending_bytes(uint64_t bytes) { pending_limit_ = bytes; }
  // The held sets and deletes, in key order, for the run's final commit.
  std::vector<Op> take_pending();
  size_t pending() const { return pending_.size(); }
  // For the per-worker figures: reads (get, list) and atomic operations committed so far.
  uint32_t reads() const { return reads_; }
  uint32_t writes() const { return writes_; }
  // The first Unavailable error of the run, if any: the run's answer cannot be trusted then.
  const Status& failure() const { return failure_; }
  const Limits& limits() const { return limits_; }
  const std::string& ns() const { return ns_; }

 private:
  Status note(Status s);
  // Commits `op` together with the pending write of the same key, if any.
  Status commit_now(Op op, OpResult* result);
  // For a view without a store: applies `op` to the pending writes.
  Status apply_locally(const Op& op, OpResult* result);
  // Holds `op` (a Set or Delete) as the key's pending write, within the byte bound.
  Status hold(std::string key, Op op);

  Store* store_;
  std::string ns_;
  Limits limits_;
  std::map<std::string, Op, std::less<>> pending_;  // Set or Delete ops by key
  uint64_t pending_bytes_ = 0;
  uint64_t pending_limit_ = 0;
  uint32_t reads_ = 0;
  uint32_t writes_ = 0;
  Status failure_;
};

}  // namespace wws::kv
