#include "engine/module_checks.h"

#include <algorithm>

#include <fmt/format.h>

namespace wws::engine {

std::optional<CheckedModule> check_module(std::span<const uint8_t> wasm, const CompileOptions& options,
                                          std::string* error) {
  auto info = inspect_module(wasm, error);
  if (!info) return std::nullopt;
  std::string problems = check_imports(*info);
  if (!info->exports_start) {
    if (!problems.empty()) problems += "\n";
    problems += "the module exports no _start function (build it as a WASI command)";
  }
  if (!problems.empty()) {
    *error = std::move(problems);
    return std::nullopt;
  }
  CheckedModule checked{std::move(*info)};
  const MemoryInfo& memory = checked.info.memory;
  if (!memory.defined) return checked;
  constexpr uint64_t kMaxPages = 65536;  // 4 GiB, wasm32's ceiling
  uint64_t max_pages =
      options.max_memory_bytes ? std::max<uint64_t>(1, options.max_memory_bytes / kWasmPageSize) : kMaxPages;
  if (memory.min_pages > max_pages) {
    *error = fmt::format(
        "the module needs {} MiB of memory at start, over its limit of {} MiB "
        "(raise [limits] memory_mb or --memory-limit)",
        pages_to_mib(memory.min_pages), pages_to_mib(max_pages));
    return std::nullopt;
  }
  if (memory.max_pages) max_pages = std::min(max_pages, *memory.max_pages);
  checked.max_pages = max_pages;
  return checked;
}

}  // namespace wws::engine
