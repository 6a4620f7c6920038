// Reading what a wasm binary needs before handing it to an engine: its imports (checked
// against wws's host functions at start-up, so a missing import is a start-up error rather
// than a per-request failure) and its memory, which wws caps to the worker's memory limit by
// rewriting the module's declared maximum. Engine-independent.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wasi/host.h"

namespace wws::engine {

struct FunctionType {
  std::vector<wasi::ValType> params;
  std::vector<wasi::ValType> results;
  bool representable = true;  // false if it uses f32/f64/v128/reference types
};

struct ImportInfo {
  std::string module;
  std::string name;
  uint8_t kind = 0;   // 0 func, 1 table, 2 memory, 3 global, 4 tag
  FunctionType type;  // for functions
};

struct MemoryInfo {
  bool defined = false;  // the module defines (not imports) a memory
  uint64_t min_pages = 0;
  std::optional<uint64_t> max_pages;
};

struct ModuleInfo {
  std::vector<ImportInfo> imports;
  std::vector<std::string> exports;
  bool exports_start = false;  // exports a function named _start (a WASI command)
  MemoryInfo memory;
};

constexpr uint64_t kWasmPageSize = 64 * 1024;

// A component (the component model's binary: version 0x0d, layer 1), not a core module.
bool is_component(std::span<const uint8_t> wasm);

// Parses the sections wws needs. On malformed input returns nullopt and a reason.
std::optional<ModuleInfo> inspect_module(std::span<const uint8_t> wasm, std::string* error);

// Every import must be a function wws provides, with the same signature. Returns the problems,
// one per line ("imports env.foo (i32) -> i32, which wws does not provide"), empty if none.
std::string check_imports(const ModuleInfo& info);

// Returns a copy of the module whose defined memory has maximum = min(declared max, max_pages).
// Fails (nullopt + reason) if the memory's initial size is already above the cap.
std::optional<std::vector<uint8_t>> cap_memory(std::span<const uint8_t> wasm, uint64_t max_pages, std::string* error);

// Returns a copy of the module whose single defined memory is instead imported as
// `wws.memory`, with limits (initial, min(declared max, max_pages)). The engine then supplies
// the memory and can reuse it across runs instead of mapping a new one per instance. Fails
// (nullopt + reason) for shared or 64-bit memories, several memories, or an initial size above
// the cap.
std::optional<std::vector<uint8_t>> import_memory(std::span<const uint8_t> wasm, uint64_t max_pages,
                                                  std::string* error);

constexpr std::string_view kMemoryImportModule = "wws";
constexpr std::string_view kMemoryImportName = "memory";

}  // namespace wws::engine
