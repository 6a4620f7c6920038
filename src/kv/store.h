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

class Store {
 public:
  virtual ~Store() = default;
  virtual Snapshot snapshot(std::string_view ns) = 0;
  // Applies only the given changes, so concurrent runs touching different keys lose nothing.
  virtual void apply(std::string_view ns, const std::vector<Change>& changes) = 0;
};

std::unique_ptr<Store> make_memory_store();

}  // namespace wws::kv
