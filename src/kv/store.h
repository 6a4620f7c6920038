// kv/: key/value namespaces that workers share. store.h is the contract every backend
// (memory, SQLite, Redis) implements and tests/unit/kv_conformance_test.cpp holds them to; the
// worker layer reaches it through kv::Service (service.h), which adds the protocol's cached
// snapshots (snapshot_cache.h) on top of whichever backend is configured.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kv/batch.h"
#include "kv/status.h"

namespace wws::kv {

using Map = std::map<std::string, std::string, std::less<>>;

// A whole namespace as Store::read returns it.
struct NamespaceRead {
  uint64_t version = 0;        // 0: the namespace was never written
  bool unchanged = false;      // the version equals the caller's known one: `data` was not filled
  Map data;                    // live entries only (expired keys are left out)
  int64_t next_expiry_ms = 0;  // the earliest expiry among `data`'s keys, 0 = none: a copy of
                               // `data` is stale from then on even if the version stays
};

// The contract:
// - Every method is safe to call from many threads at once, and for the SQLite and Redis
//   backends from many processes (and machines, for Redis) sharing the same data.
// - Every method may fail (Status) and, when may_block(), wait on a disk or network; the caller
//   must then never call it on a thread that serves other connections.
// - A namespace exists from its first write. Keys and values are byte strings; keys sort
//   bytewise (as std::string and memcmp do).
// - A key whose expiry has passed is absent for every read, and counts towards no quota.
// - commit() applies a whole batch (batch.h) atomically, and durably as far as the backend
//   promises, before it returns Ok; on any error nothing of the batch is applied.
// - A namespace's version changes with every commit that changes it, and only goes up.
class Store {
 public:
  virtual ~Store() = default;

  // How the backend is named in logs ("memory", "sqlite /path/kv.sqlite3", "redis://host:6379/0").
  virtual std::string describe() const = 0;
  // True if calls may wait on a disk or a network.
  virtual bool may_block() const = 0;

  // The whole namespace, unless its version is `known_version` (then out->unchanged).
  virtual Status read(std::string_view ns, std::optional<uint64_t> known_version, NamespaceRead* out) = 0;
  virtual Status get(std::string_view ns, std::string_view key, std::optional<std::string>* value) = 0;
  // Up to `limit` keys starting with `prefix` and sorting after `after` (all if `after` is
  // empty), in order.
  virtual Status list(std::string_view ns, std::string_view prefix, std::string_view after, size_t limit,
                      std::vector<std::string>* keys) = 0;
  virtual Status commit(std::string_view ns, const Batch& batch, const Limits& limits, CommitResult* out) = 0;
  // Names of the namespaces that hold at least one key, sorted (for `wws kv`).
  virtual Status namespaces(std::vector<std::string>* out) = 0;
};

// In memory, lost on exit (like the original wws).
std::unique_ptr<Store> make_memory_store();

// One change a run made to the snapshot it was given: a value to set, or nullopt to delete.
struct Change {
  std::string key;
  std::optional<std::string> value;
};

// What a run changed relative to the snapshot it was given (both maps sorted: one merge walk).
std::vector<Change> diff(const Map& before, const Map& after);

// The changes as Set/Delete ops, appended to `batch`.
void append_changes(const std::vector<Change>& changes, Batch& batch);

}  // namespace wws::kv
