// kv/batch.h: a run's writes as one atomic batch, and the one definition of what each operation
// means. Backends that can hold a namespace's state in C++ (memory, SQLite) evaluate a batch with
// plan_batch() and then store its writes; the Redis backend runs the same rules in a Lua script.
// The conformance suite (tests/unit/kv_conformance_test.cpp) holds every backend to them.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kv/status.h"

namespace wws::kv {

// Keys are byte strings of at most this many bytes ("" is a key); values are byte strings.
inline constexpr size_t kMaxKeyBytes = 4096;

enum class OpKind : uint8_t {
  Set,             // value, with expiry now + ttl_ms (0: none, and any earlier expiry is cleared)
  Delete,          // absent keys are fine
  Increment,       // value (absent = 0) + delta as a decimal int64; a key it creates gets ttl_ms
                   // (0: none), an existing key keeps its expiry. Not an integer, or overflow: NotANumber
  CompareAndSwap,  // if the value is `expected` (nullopt: absent) it becomes `value` (nullopt: deleted,
                   // else with ttl_ms as for Set); otherwise the whole batch fails with Conflict
  Expire,          // ttl_ms > 0: expires ttl_ms from now; 0: never expires. Absent key: no change
};

struct Op {
  OpKind kind = OpKind::Set;
  std::string key;
  std::optional<std::string> value;     // Set (always set), CompareAndSwap (new value)
  std::optional<std::string> expected;  // CompareAndSwap
  int64_t delta = 0;                    // Increment
  int64_t ttl_ms = 0;

  static Op set(std::string key, std::string value, int64_t ttl_ms = 0) {
    return {OpKind::Set, std::move(key), std::move(value), std::nullopt, 0, ttl_ms};
  }
  static Op erase(std::string key) { return {OpKind::Delete, std::move(key), std::nullopt, std::nullopt, 0, 0}; }
  static Op increment(std::string key, int64_t delta, int64_t ttl_ms = 0) {
    return {OpKind::Increment, std::move(key), std::nullopt, std::nullopt, delta, ttl_ms};
  }
  static Op compare_and_swap(std::string key, std::optional<std::string> expected, std::optional<std::string> value,
                             int64_t ttl_ms = 0) {
    return {OpKind::CompareAndSwap, std::move(key), std::move(value), std::move(expected), 0, ttl_ms};
  }
  static Op expire(std::string key, int64_t ttl_ms) {
    return {OpKind::Expire, std::move(key), std::nullopt, std::nullopt, 0, ttl_ms};
  }
};

// Ops apply in order, each seeing the ones before it; the batch applies entirely or not at all.
struct Batch {
  std::vector<Op> ops;
  // Optimistic concurrency over a whole namespace: when set, the batch fails with Conflict unless
  // the namespace's version (see Store::read) is still this one.
  std::optional<uint64_t> if_version;
};

// Per-namespace quotas, checked by the backend inside the transaction. A batch that does not
// grow the namespace always passes, so lowering a limit never blocks deletes.
struct Limits {
  uint64_t max_keys = 1'000'000;
  uint64_t max_value_bytes = 16ull << 20;
  uint64_t max_namespace_bytes = 1ull << 30;  // sum of key and value lengths
};

struct OpResult {
  bool applied = true;  // Expire: false when the key was absent
  int64_t number = 0;   // Increment: the new value
};

struct CommitResult {
  uint64_t version = 0;           // the namespace's version after the batch
  std::vector<OpResult> results;  // one per op
};

// ---- shared evaluation (memory and SQLite backends) ----

struct Entry {
  std::string value;
  int64_t expires_at_ms = 0;  // Unix time in ms; 0 = never
};

struct NamespaceStats {
  uint64_t keys = 0;
  uint64_t bytes = 0;  // sum of key and value lengths of the live entries
};

// The state a batch leaves a key in: nullopt = deleted.
struct Write {
  std::string key;
  std::optional<Entry> entry;
  bool existed = false;  // the key had a live entry before the batch
};

struct Plan {
  std::vector<Write> writes;  // only keys whose entry changes, in key order
  std::vector<OpResult> results;
  NamespaceStats stats_after;
};

// The live entry of a key (expired entries must be reported as absent).
using Lookup = std::function<Status(const std::string& key, std::optional<Entry>* out)>;

// Checks one op's arguments against the limits (key length, value size, TTL sign).
Status validate(const Op& op, const Limits& limits);

// Evaluates `batch` on the namespace described by `stats` and `lookup` (called once per distinct
// key) at time `now_ms`. Returns the writes to store, or the reason the batch must not apply.
Status plan_batch(const Batch& batch, const Limits& limits, const NamespaceStats& stats, int64_t now_ms,
                  const Lookup& lookup, Plan* out);

// A decimal int64 as Increment reads it: optional '-', digits (leading zeros allowed), nothing else.
std::optional<int64_t> parse_integer(std::string_view text);

// For Store::list: the first key to consider (inclusive): the prefix itself, or just above
// `after` (after + "\0") when that is later; and the smallest byte string above every string
// starting with `prefix` (nullopt if none exists: the prefix is empty or all 0xff).
std::string list_start(std::string_view prefix, std::string_view after);
std::optional<std::string> prefix_end(std::string prefix);

// Milliseconds since the Unix epoch on this machine's clock.
int64_t now_ms();

}  // namespace wws::kv
