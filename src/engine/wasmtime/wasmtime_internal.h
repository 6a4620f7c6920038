// Shared by the files of engine/wasmtime: the compiled core module and owning wrappers for
// the C API's handles.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include <wasmtime.h>

#include "engine/engine.h"
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
             bool counts_fuel)
      : engine(engine),
        module(std::move(module)),
        pre(std::move(pre)),
        info(std::move(info)),
        max_pages(max_pages),
        counts_fuel(counts_fuel) {}
  wasm_engine_t* engine;  // the Wasmtime engine it was compiled for (fuel counting or not)
  std::unique_ptr<wasmtime_module_t, ModuleDeleter> module;
  std::unique_ptr<wasmtime_instance_pre_t, InstancePreDeleter> pre;  // every import already resolved
  ModuleInfo info;
  uint64_t max_pages;  // the store limiter's memory cap; 0 = the module defines no memory
  bool counts_fuel;
};

// Builds the InstancePre of `module`: every import linked to its host function (checked earlier
// by check_module). On failure returns null and why.
wasmtime_instance_pre_t* link_host_functions(wasm_engine_t* engine, const wasmtime_module_t* module,
                                             const ModuleInfo& info, std::string* error);

std::unique_ptr<Executor> new_core_executor();

}  // namespace wws::engine::wt
