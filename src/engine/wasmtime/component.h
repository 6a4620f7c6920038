// Components on Wasmtime, through the adapter's C functions (adapter/include/wws_wasmtime.h):
// the compiled component and the two ways to run one.
#pragma once
#include <memory>
#include <span>
#include <string>

#include <wws_wasmtime.h>

#include "engine/code_cache.h"
#include "engine/engine.h"

namespace wws::engine::wt {

class ComponentModule final : public CompiledModule {
 public:
  ComponentModule(wws_component_t* component, ModuleKind kind, uint64_t max_memory_bytes)
      : component(component), max_memory_bytes(max_memory_bytes), kind_(kind) {}
  ~ComponentModule() override { wws_component_delete(component); }
  ModuleKind kind() const override { return kind_; }
  wws_component_t* const component;
  const uint64_t max_memory_bytes;  // the worker's memory limit, enforced by the store's limiter

 private:
  ModuleKind kind_;
};

// Compiles (or loads from the cache) a component; refuses one that exports neither world.
std::shared_ptr<CompiledModule> compile_component(std::span<const uint8_t> wasm, const CodeCache& cache,
                                                  const CompileOptions& options, std::string* error);

RunResult run_command_component(const ComponentModule& module, wasi::WasiContext& ctx, const RunLimits& limits);
RunResult serve_http_component(const ComponentModule& module, wasi::WasiContext& ctx, const HttpExchange& exchange,
                               const RunLimits& limits);

}  // namespace wws::engine::wt
