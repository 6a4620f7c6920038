// Fuzz target: a hostile .wasm file through what wws does to modules before an engine sees
// them: inspect_module (imports, exports, memory), the rewrites cap_memory and import_memory,
// and make_resettable (data segments, the added reset export). A rewritten module must still
// parse, with the cap applied.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "engine/instance_reset.h"
#include "engine/module_info.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> wasm(data, size);
  std::string error;
  auto info = wws::engine::inspect_module(wasm, &error);
  if (!info) return 0;
  constexpr uint64_t kCap = 256;
  if (auto capped = wws::engine::cap_memory(wasm, kCap, &error)) {
    auto again = wws::engine::inspect_module(*capped, &error);
    if (!again) std::abort();  // the rewrite broke a module that parsed
    if (again->memory.defined && (!again->memory.max_pages || *again->memory.max_pages > kCap)) std::abort();
  }
  if (auto imported = wws::engine::import_memory(wasm, kCap, &error)) {
    if (!wws::engine::inspect_module(*imported, &error)) std::abort();
  }
  if (auto resettable = wws::engine::make_resettable(wasm, &error)) {
    if (!wws::engine::inspect_module(resettable->wasm, &error)) std::abort();
  }
  return 0;
}
