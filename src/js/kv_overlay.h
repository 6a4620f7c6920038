// The global Cache of a JS worker: reads see the K/V snapshot taken for the request plus this
// run's own writes; the writes become Result::kv_changes. Without a K/V namespace the snapshot
// is empty and the writes are dropped after the run.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <v8.h>

#include "kv/store.h"

namespace wws::js {

class KvOverlay {
 public:
  // `byte_limit` bounds the keys and values a run may write: they live outside the V8 heap, so
  // its limit does not count them.
  void begin(const kv::Snapshot* snapshot, uint64_t byte_limit) {
    snapshot_ = snapshot;
    writes_.clear();
    bytes_ = 0;
    byte_limit_ = byte_limit;
  }
  std::optional<std::string> get(const std::string& key) const;
  // False (and no change) when the run's writes would go past the byte limit.
  bool set(std::string key, std::optional<std::string> value);
  bool erase(std::string key) { return set(std::move(key), std::nullopt); }
  std::vector<kv::Change> changes() const;

 private:
  const kv::Snapshot* snapshot_ = nullptr;
  std::map<std::string, std::optional<std::string>> writes_;  // nullopt: deleted
  uint64_t bytes_ = 0;
  uint64_t byte_limit_ = 0;
};

// The template of the `Cache` object (get, set, delete) bound to `overlay`, which must outlive
// every context made from it.
v8::Local<v8::ObjectTemplate> make_cache_template(v8::Isolate* isolate, KvOverlay* overlay);

}  // namespace wws::js
