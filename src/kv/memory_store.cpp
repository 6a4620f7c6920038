// kv/memory_store.cpp: the in-memory store. Each namespace is a chain of immutable versions:
// readers take the current version (a pointer copy under a short lock) and never block writers;
// a writer copies the map, applies its changes and publishes the copy.
#include <mutex>
#include <shared_mutex>

#include "kv/json.h"
#include "kv/store.h"

namespace wws::kv {
namespace {

struct Version {
  std::shared_ptr<const Map> data;
  // Serialised on the first snapshot that needs it, then shared by every reader of this version.
  std::once_flag json_once;
  std::shared_ptr<const std::string> json;
};

struct Namespace {
  std::mutex mutex;  // guards `current`; held while a writer builds the next version
  std::shared_ptr<Version> current;
};

std::shared_ptr<Version> make_version(Map map) {
  auto version = std::make_shared<Version>();
  version->data = std::make_shared<const Map>(std::move(map));
  return version;
}

class MemoryStore final : public Store {
 public:
  Snapshot snapshot(std::string_view ns) override {
    Namespace& space = find_or_create(ns);
    std::shared_ptr<Version> version;
    {
      std::lock_guard lock(space.mutex);
      version = space.current;
    }
    std::call_once(version->json_once, [&] {
      version->json = std::make_shared<const std::string>(json::serialise(*version->data));
    });
    return Snapshot{version->data, version->json};
  }

  void apply(std::string_view ns, const std::vector<Change>& changes) override {
    if (changes.empty()) return;
    Namespace& space = find_or_create(ns);
    // The copy happens under the namespace lock so that concurrent writers never start from the
    // same old version and drop each other's changes.
    std::lock_guard lock(space.mutex);
    const Map& old_map = *space.current->data;
    if (!changes_anything(old_map, changes)) return;  // keeps the cached JSON of the version
    Map next = old_map;
    for (const Change& change : changes) {
      if (change.value) next.insert_or_assign(change.key, *change.value);
      else if (auto it = next.find(change.key); it != next.end()) next.erase(it);
    }
    space.current = make_version(std::move(next));
  }

 private:
  static bool changes_anything(const Map& map, const std::vector<Change>& changes) {
    for (const Change& change : changes) {
      auto it = map.find(change.key);
      if (change.value ? (it == map.end() || it->second != *change.value) : it != map.end()) return true;
    }
    return false;
  }

  Namespace& find_or_create(std::string_view ns) {
    {
      std::shared_lock lock(namespaces_mutex_);
      if (auto it = namespaces_.find(ns); it != namespaces_.end()) return *it->second;
    }
    std::unique_lock lock(namespaces_mutex_);
    auto [it, inserted] = namespaces_.try_emplace(std::string(ns));
    if (inserted) {
      it->second = std::make_unique<Namespace>();
      it->second->current = make_version({});
    }
    return *it->second;  // namespaces are never removed, so the reference stays valid
  }

  std::shared_mutex namespaces_mutex_;
  std::map<std::string, std::unique_ptr<Namespace>, std::less<>> namespaces_;
};

}  // namespace

std::unique_ptr<Store> make_memory_store() { return std::make_unique<MemoryStore>(); }

}  // namespace wws::kv
