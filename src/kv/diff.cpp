// kv/diff.cpp: what a run changed, so only those keys are written back (two runs that touch
// different keys then both keep their writes, unlike the original's whole-namespace replace).
#include "kv/store.h"

namespace wws::kv {

std::vector<Change> diff(const Map& before, const Map& after) {
  std::vector<Change> changes;
  auto b = before.begin();
  auto a = after.begin();
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && b->first < a->first)) {
      changes.push_back({b->first, std::nullopt});
      ++b;
    } else if (b == before.end() || a->first < b->first) {
      changes.push_back({a->first, a->second});
      ++a;
    } else {
      if (a->second != b->second) changes.push_back({a->first, a->second});
      ++a;
      ++b;
    }
  }
  return changes;
}

void append_changes(const std::vector<Change>& changes, Batch& batch) {
  batch.ops.reserve(batch.ops.size() + changes.size());
  for (const Change& c : changes) batch.ops.push_back(c.value ? Op::set(c.key, *c.value) : Op::erase(c.key));
}

}  // namespace wws::kv
