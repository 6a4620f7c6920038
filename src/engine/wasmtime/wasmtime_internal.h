// Shared by the files of engine/wasmtime: the compiled core module and owning wrappers for
// the C API's handles.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <wasmtime.h>

#include "engine/engine.h"
#include "engine/instance_reset.h"
#include "engine/memory_image.h"
#include "engine/module_info.h"

namespace wws::engine::wt {

struct ModuleDeleter {
  void operator()(wasmtime_module_t* m) const { wasmtime_module_delete(m); }
};
struct InstancePreDeleter {
  void operator()(wasmtime_instance_pre_t* p) const { wasmtime_instance_pre_delete(p); }
};
struct LinkerDeleter {
  void operator()(wasmtime_linker_t* l) const { wasmtime_linker_delete(l); }
};

// Takes the message out of an error or trap and frees it.
std::string take_message(wasmtime_error_t* error);
std::string take_message(wasm_trap_t* trap);

class CoreModule final : public CompiledModule {
 public:
  CoreModule(wasm_engine_t* engine, std::unique_ptr<wasmtime_module_t, ModuleDeleter> module,
             std::unique_ptr<wasmtime_instance_pre_t, InstancePreDeleter> pre, ModuleInfo info, uint64_t max_pages,
             bool counts_fuel, std::optional<ResetPlan> reset)
      : engine(engine),
        module(std::move(module)),
        pre(std::move(pre)),
        info(std::move(info)),
        max_pages(max_pages),
        counts_fuel(counts_fuel),
        reset(std::move(reset)) {}
  // Executors keep per-module state by this id, never by address: a freed module's address is reused.
  const uint64_t id = next_id.fetch_add(1);
  static inline std::atomic<uint64_t> next_id{1};
  wasm_engine_t* engine;  // the Wasmtime engine it was compiled for (fuel counting or not)
  std::unique_ptr<wasmtime_module_t, ModuleDeleter> module;
  // Every import already resolved; null for a resettable module (its memory import is made
  // per store, so it is linked when an executor makes its kept instance).
  std::unique_ptr<wasmtime_instance_pre_t, InstancePreDeleter> pre;
  ModuleInfo info;     // of the module as written (imports: host functions only)
  uint64_t max_pages;  // the memory cap; 0 = the module defines no memory
  bool counts_fuel;
  // Set when the module was rewritten to import its memory (wws.memory) and an instance can be
  // returned to its initial state (engine/instance_reset): each executor then keeps one
  // instance in a long-lived store and resets it after every run.
  std::optional<ResetPlan> reset;
  // For large resettable memories: the initial memory, mapped copy-on-write at each reset.
  std::unique_ptr<MemoryImage> image;
};

// A linker holding every function import of `info` bound to its host function (checked earlier
// by check_module). On failure returns null and why.
std::unique_ptr<wasmtime_linker_t, LinkerDeleter> link_host_functions(wasm_engine_t* engine, const ModuleInfo& info,
                                                                      std::string* error);

// The InstancePre of `module` from such a linker. On failure returns null and why.
wasmtime_instance_pre_t* pre_instantiate(const wasmtime_linker_t* linker, const wasmtime_module_t* module,
                                         std::string* error);

// An executor keeps at most this many reset-in-place instances (the least recently used go).
constexpr uint32_t kKeptInstancesPerThread = 16;

std::unique_ptr<Executor> new_core_executor();

}  // namespace wws::engine::wt
