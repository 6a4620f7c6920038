// kv/: key/value namespaces that workers read as a snapshot and update with the changes a run made.
// The store interface is the seam for durable and shared backends.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wws::kv {

using Map = std::map<std::string, std::string, std::less<>>;

// An immutable view of a namespace at one moment, cheap to take and to hand to many readers.
struct Snapshot {
  std::shared_ptr<const Map> data;
  std::shared_ptr<const std::string> json;  // `data` as a compact JSON object, serialised once per version
};

// One change a run made: a value to set, or nullopt to delete the key.
struct Change {
  std::string key;
  std::optional<std::string> value;
};

// What a run changed relative to the snapshot it was given.
std::vector<Change> diff(const Map& before, const Map& after);

// All methods are safe to call from many threads at once. A namespace exists from its first use
// (snapshot or apply), empty.
//
// How a request uses it: take snapshot(ns) before the run and send snapshot.json as "kv"; if the
// run succeeded and returned a "kv" object, apply(ns, diff(*snapshot.data, returned)). A failed
// run (trap, bad output) must call nothing: it writes nothing. Two concurrent runs that change
// different keys both keep their changes; for the same key the last apply wins.
class Store {
 public:
  virtual ~Store() = default;
  // O(1) for the in-memory store: a pointer to the current immutable version, whose JSON is
  // serialised at most once.
  virtual Snapshot snapshot(std::string_view ns) = 0;
  // Applies only the given changes, so concurrent runs touching different keys lose nothing.
  // Changes that change nothing publish no new version.
  virtual void apply(std::string_view ns, const std::vector<Change>& changes) = 0;
};

// In memory, lost on exit (like the original). A durable store (SQLite) can implement the same
// interface.
std::unique_ptr<Store> make_memory_store();

}  // namespace wws::kv
