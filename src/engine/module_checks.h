// What every engine checks before it compiles a core module, so a module that cannot serve is
// refused at start-up with the same words on every engine: it must parse, every import must be
// a host function wws provides (wasi::find_host_function, with the same signature), it must
// export a `_start` function (a WASI command), and its initial memory must fit the worker's
// memory limit. The result also carries the memory cap each engine enforces its own way.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "engine/engine.h"
#include "engine/module_info.h"

namespace wws::engine {

struct CheckedModule {
  ModuleInfo info;
  // The most pages the module's memory may reach: the worker's limit, lowered to the module's
  // own declared maximum. 0 when the module defines no memory.
  uint64_t max_pages = 0;
};

// On failure returns nullopt and a reason a user can act on (one problem per line).
std::optional<CheckedModule> check_module(std::span<const uint8_t> wasm, const CompileOptions& options,
                                          std::string* error);

// The limit of a memory of `max_pages` pages, in MiB, as messages show it.
inline uint64_t pages_to_mib(uint64_t pages) { return pages * kWasmPageSize >> 20; }

}  // namespace wws::engine
