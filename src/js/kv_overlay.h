// The global Cache of a JS worker: reads see the K/V snapshot taken for the request plus this
// run's own writes; the writes become Result::kv_changes. Without a K/V namespace the snapshot
// is empty and the writes are dropped after the run.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <v8.h>

#include "kv/store.h"

namespace wws::js {

class KvOverlay {
 public:
  void begin(const kv::Snapshot* snapshot) {
    snapshot_ = snapshot;
    writes_.clear();
  }
  std::optional<std::string> get(const std::string& key) const;
  void set(std::string key, std::string value) { writes_[std::move(key)] = std::move(value); }
  void erase(std::string key) { writes_[std::move(key)] = std::nullopt; }
  std::vector<kv::Change> changes() const;

 private:
  const kv::Snapshot* snapshot_ = nullptr;
  std::map<std::string, std::optional<std::string>> writes_;  // nullopt: deleted
};

// The template of the `Cache` object (get, set, delete) bound to `overlay`, which must outlive
// every context made from it.
v8::Local<v8::ObjectTemplate> make_cache_template(v8::Isolate* isolate, KvOverlay* overlay);

}  // namespace wws::js
