// kv/snapshot_cache.h: the whole-namespace snapshots of the worker protocol ("kv" on stdin), as
// a layer over any Store. A snapshot is rebuilt (read, and serialised to JSON once) only when the
// namespace's version moved or one of its keys expired; otherwise every request shares the same
// immutable copy. With SQLite or Redis the version check is one small query, so a snapshot
// another process or node changed is never served stale.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "kv/store.h"

namespace wws::kv {

// An immutable view of a namespace at one moment, cheap to hand to many readers.
struct Snapshot {
  std::shared_ptr<const Map> data;
  std::shared_ptr<const std::string> json;  // `data` as a compact JSON object
  uint64_t version = 0;
};

class SnapshotCache {
 public:
  explicit SnapshotCache(Store& store) : store_(store) {}
  // Safe from many threads; concurrent callers for one namespace wait for a single rebuild.
  Status take(std::string_view ns, Snapshot* out);

 private:
  struct Entry {
    std::mutex mutex;
    bool filled = false;
    Snapshot snapshot;
    int64_t next_expiry_ms = 0;
  };
  Entry& entry(std::string_view ns);

  Store& store_;
  std::shared_mutex mutex_;
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> entries_;
};

}  // namespace wws::kv
