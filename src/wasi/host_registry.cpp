// The lookup engines use to link imports: preview1 first, then tables other modules registered.
#include <algorithm>
#include <mutex>
#include <vector>

#include "wasi/host.h"

namespace wws::wasi {

namespace {

struct Registry {
  std::mutex mutex;
  std::vector<std::span<const HostFunction>> tables;
};

Registry& registry() {
  static Registry r;
  return r;
}

const HostFunction* find_in(std::span<const HostFunction> table, std::string_view module, std::string_view name) {
  for (const HostFunction& fn : table)
    if (fn.module == module && fn.name == name) return &fn;
  return nullptr;
}

}  // namespace

void register_host_functions(std::span<const HostFunction> table) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  bool known = std::any_of(r.tables.begin(), r.tables.end(),
                           [&](const auto& t) { return t.data() == table.data() && t.size() == table.size(); });
  if (!known) r.tables.push_back(table);
}

const HostFunction* find_host_function(std::string_view module, std::string_view name) {
  if (const HostFunction* fn = find_in(preview1_functions(), module, name)) return fn;
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  for (const auto& table : r.tables)
    if (const HostFunction* fn = find_in(table, module, name)) return fn;
  return nullptr;
}

}  // namespace wws::wasi
