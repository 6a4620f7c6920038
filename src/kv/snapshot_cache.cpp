#include "kv/snapshot_cache.h"

#include "kv/json.h"

namespace wws::kv {

SnapshotCache::Entry& SnapshotCache::entry(std::string_view ns) {
  {
    std::shared_lock lock(mutex_);
    if (auto it = entries_.find(ns); it != entries_.end()) return *it->second;
  }
  std::unique_lock lock(mutex_);
  auto [it, inserted] = entries_.try_emplace(std::string(ns));
  if (inserted) it->second = std::make_unique<Entry>();
  return *it->second;
}

Status SnapshotCache::take(std::string_view ns, Snapshot* out) {
  Entry& e = entry(ns);
  std::lock_guard lock(e.mutex);
  const bool expired = e.next_expiry_ms != 0 && now_ms() >= e.next_expiry_ms;
  std::optional<uint64_t> known;
  if (e.filled && !expired) known = e.snapshot.version;
  NamespaceRead read;
  if (Status s = store_.read(ns, known, &read); !s) return s;
  if (!read.unchanged || !e.filled) {
    auto data = std::make_shared<const Map>(std::move(read.data));
    e.snapshot = Snapshot{data, std::make_shared<const std::string>(json::serialise(*data)), read.version};
    e.next_expiry_ms = read.next_expiry_ms;
    e.filled = true;
  }
  *out = e.snapshot;
  return Status::ok();
}

}  // namespace wws::kv
