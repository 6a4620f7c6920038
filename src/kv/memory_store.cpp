// kv/memory_store.cpp: the in-memory backend, lost on exit. Each namespace is a sorted map
// under its own mutex, with an index of expiry times so expired keys can be dropped in order.
// Never blocks for long: the dispatcher may call it on an I/O thread.
#include <mutex>
#include <set>
#include <shared_mutex>

#include "kv/store.h"

namespace wws::kv {
namespace {

struct Namespace {
  std::mutex mutex;
  std::map<std::string, Entry, std::less<>> entries;
  std::set<std::pair<int64_t, std::string>> expiries;  // (expires_at_ms, key) of entries that expire
  NamespaceStats stats;
  uint64_t version = 0;

  bool live(const Entry& e, int64_t now) const { return e.expires_at_ms == 0 || e.expires_at_ms > now; }

  // Drops entries whose expiry has passed; true if any was dropped.
  bool purge(int64_t now) {
    bool any = false;
    while (!expiries.empty() && expiries.begin()->first <= now) {
      auto it = entries.find(expiries.begin()->second);
      stats.keys--;
      stats.bytes -= it->first.size() + it->second.value.size();
      entries.erase(it);
      expiries.erase(expiries.begin());
      any = true;
    }
    return any;
  }

  void store(Write& w) {
    auto it = entries.find(w.key);
    if (it != entries.end() && it->second.expires_at_ms) expiries.erase({it->second.expires_at_ms, w.key});
    if (!w.entry) {
      if (it != entries.end()) entries.erase(it);
      return;
    }
    if (w.entry->expires_at_ms) expiries.emplace(w.entry->expires_at_ms, w.key);
    if (it != entries.end()) it->second = std::move(*w.entry);
    else entries.emplace(std::move(w.key), std::move(*w.entry));
  }
};

class MemoryStore final : public Store {
 public:
  std::string describe() const override { return "memory"; }
  bool may_block() const override { return false; }

  Status read(std::string_view ns, std::optional<uint64_t> known_version, NamespaceRead* out) override {
    Namespace* space = find(ns);
    *out = NamespaceRead{};
    if (!space) {
      out->unchanged = known_version == 0u;
      return Status::ok();
    }
    std::lock_guard lock(space->mutex);
    const int64_t now = now_ms();
    space->purge(now);  // expired keys were already invisible: the version stays
    out->version = space->version;
    if (known_version && *known_version == space->version) {
      out->unchanged = true;
      return Status::ok();
    }
    for (const auto& [key, entry] : space->entries) out->data.emplace_hint(out->data.end(), key, entry.value);
    if (!space->expiries.empty()) out->next_expiry_ms = space->expiries.begin()->first;
    return Status::ok();
  }

  Status get(std::string_view ns, std::string_view key, std::optional<std::string>* value) override {
    value->reset();
    Namespace* space = find(ns);
    if (!space) return Status::ok();
    std::lock_guard lock(space->mutex);
    auto it = space->entries.find(key);
    if (it != space->entries.end() && space->live(it->second, now_ms())) *value = it->second.value;
    return Status::ok();
  }

  Status list(std::string_view ns, std::string_view prefix, std::string_view after, size_t limit,
              std::vector<std::string>* keys) override {
    keys->clear();
    Namespace* space = find(ns);
    if (!space || limit == 0) return Status::ok();
    std::lock_guard lock(space->mutex);
    const int64_t now = now_ms();
    auto it = after.empty() || after < prefix ? space->entries.lower_bound(prefix) : space->entries.upper_bound(after);
    for (; it != space->entries.end() && keys->size() < limit; ++it) {
      if (std::string_view(it->first).substr(0, prefix.size()) != prefix) break;
      if (space->live(it->second, now)) keys->push_back(it->first);
    }
    return Status::ok();
  }

  Status commit(std::string_view ns, const Batch& batch, const Limits& limits, CommitResult* out) override {
    Namespace& space = find_or_create(ns);
    std::lock_guard lock(space.mutex);
    const int64_t now = now_ms();
    space.purge(now);
    if (batch.if_version && *batch.if_version != space.version)
      return {Code::Conflict, "the namespace changed since it was read"};
    Plan plan;
    auto lookup = [&](const std::string& key, std::optional<Entry>* entry) {
      auto it = space.entries.find(key);
      if (it == space.entries.end()) entry->reset();
      else *entry = it->second;
      return Status::ok();
    };
    if (Status s = plan_batch(batch, limits, space.stats, now, lookup, &plan); !s) return s;
    for (Write& w : plan.writes) space.store(w);
    space.stats = plan.stats_after;
    if (!plan.writes.empty()) space.version++;
    out->version = space.version;
    out->results = std::move(plan.results);
    return Status::ok();
  }

  Status namespaces(std::vector<std::string>* out) override {
    out->clear();
    std::shared_lock lock(namespaces_mutex_);
    for (const auto& [name, space] : namespaces_) {
      std::lock_guard ns_lock(space->mutex);
      space->purge(now_ms());
      if (!space->entries.empty()) out->push_back(name);
    }
    return Status::ok();
  }

 private:
  Namespace* find(std::string_view ns) {
    std::shared_lock lock(namespaces_mutex_);
    auto it = namespaces_.find(ns);
    return it == namespaces_.end() ? nullptr : it->second.get();
  }

  Namespace& find_or_create(std::string_view ns) {
    if (Namespace* space = find(ns)) return *space;
    std::unique_lock lock(namespaces_mutex_);
    auto [it, inserted] = namespaces_.try_emplace(std::string(ns));
    if (inserted) it->second = std::make_unique<Namespace>();
    return *it->second;  // namespaces are never removed, so the reference stays valid
  }

  std::shared_mutex namespaces_mutex_;
  std::map<std::string, std::unique_ptr<Namespace>, std::less<>> namespaces_;
};

}  // namespace

std::unique_ptr<Store> make_memory_store() { return std::make_unique<MemoryStore>(); }

}  // namespace wws::kv
