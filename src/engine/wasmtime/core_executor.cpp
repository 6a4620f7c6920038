// Runs core modules on Wasmtime: one Store and one fresh instance per run, host functions from
// the engine-independent table, the outcome decided by the rules every engine shares.
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "engine/run_outcome.h"
#include "engine/wasmtime/component.h"
#include "engine/wasmtime/epoch.h"
#include "engine/wasmtime/wasmtime_internal.h"
#include "wasi/context.h"
#include "wasi/host.h"

namespace wws::engine::wt {
namespace {

constexpr std::string_view kStopped = "wws: the host stopped the guest";

// What a run's host calls reach through the store's data.
class RunState final : public wasi::GuestCalls {
 public:
  explicit RunState(wasi::WasiContext& ctx) : ctx(ctx) {}

  wasi::WasiContext& ctx;
  wasmtime_context_t* cx = nullptr;  // the store's context, or the caller's during a host call
  wasmtime_instance_t instance{};
  bool have_instance = false;
  wasmtime_memory_t memory_export{};
  bool have_memory = false;

  wasi::GuestMemory memory() override {
    if (!have_memory) return wasi::GuestMemory(nullptr, 0);
    // Re-read on every call: memory.grow may have moved it.
    return wasi::GuestMemory(wasmtime_memory_data(cx, &memory_export), wasmtime_memory_data_size(cx, &memory_export));
  }

  bool call_i32(std::string_view export_name, std::span<const uint32_t> args, uint32_t* result) override {
    if (!have_instance || args.size() > 8) return false;
    wasmtime_extern_t item;
    if (!wasmtime_instance_export_get(cx, &instance, export_name.data(), export_name.size(), &item) ||
        item.kind != WASMTIME_EXTERN_FUNC)
      return false;
    wasmtime_val_t argv[8];
    for (size_t i = 0; i < args.size(); ++i) {
      argv[i].kind = WASMTIME_I32;
      argv[i].of.i32 = static_cast<int32_t>(args[i]);
    }
    wasmtime_val_t ret[1];
    wasm_trap_t* trap = nullptr;
    wasmtime_error_t* error = wasmtime_func_call(cx, &item.of.func, argv, args.size(), ret, result ? 1 : 0, &trap);
    if (error || trap) {
      // The guest's own trap ends the host call; the run then ends with it.
      if (!ctx.unwinding()) ctx.request_trap(fmt::format("trapped in {} called by the host: {}", export_name,
                                                         error ? take_message(error) : take_message(trap)));
      return false;
    }
    if (result) *result = ret[0].kind == WASMTIME_I32 ? static_cast<uint32_t>(ret[0].of.i32) : 0;
    return true;
  }
};

wasm_trap_t* host_call(void* env, wasmtime_caller_t* caller, wasmtime_val_raw_t* vals, size_t) {
  const auto& fn = *static_cast<const wasi::HostFunction*>(env);
  wasmtime_context_t* cx = wasmtime_caller_context(caller);
  auto* state = static_cast<RunState*>(wasmtime_context_get_data(cx));
  if (!state) return wasmtime_trap_new(kStopped.data(), kStopped.size());
  wasmtime_context_t* outer = state->cx;
  state->cx = cx;
  if (!state->have_memory) {  // a start function calling the host before the run looked up exports
    wasmtime_extern_t item;
    if (wasmtime_caller_export_get(caller, "memory", 6, &item) && item.kind == WASMTIME_EXTERN_MEMORY) {
      state->memory_export = item.of.memory;
      state->have_memory = true;
    }
  }
  uint64_t args[16] = {};
  size_t n = std::min<size_t>(fn.params.size(), 16);
  for (size_t i = 0; i < n; ++i)
    args[i] = fn.params[i] == wasi::ValType::I64 ? static_cast<uint64_t>(vals[i].i64) : static_cast<uint32_t>(vals[i].i32);
  wasi::CallFrame frame{state->ctx, state->memory(), state};
  uint64_t r = fn.fn(frame, args);
  state->cx = outer;
  if (state->ctx.unwinding()) return wasmtime_trap_new(kStopped.data(), kStopped.size());
  if (!fn.results.empty()) {
    if (fn.results[0] == wasi::ValType::I64) vals[0].i64 = static_cast<int64_t>(r);
    else vals[0].i32 = static_cast<int32_t>(static_cast<uint32_t>(r));
  }
  return nullptr;
}

wasm_valtype_vec_t valtypes(const std::vector<wasi::ValType>& types) {
  wasm_valtype_vec_t vec;
  wasm_valtype_vec_new_uninitialized(&vec, types.size());
  for (size_t i = 0; i < types.size(); ++i)
    vec.data[i] = wasm_valtype_new(types[i] == wasi::ValType::I64 ? WASM_I64 : WASM_I32);
  return vec;
}

struct StoreDeleter {
  void operator()(wasmtime_store_t* s) const { wasmtime_store_delete(s); }
};

class CoreExecutor final : public Executor {
 public:
  RunResult run(const CompiledModule& compiled, wasi::WasiContext& ctx, const RunLimits& limits) override {
    stats_.runs++;
    stats_.instantiations++;
    switch (compiled.kind()) {
      case ModuleKind::Core: return run_core(static_cast<const CoreModule&>(compiled), ctx, limits);
      case ModuleKind::CommandComponent:
        return run_command_component(static_cast<const ComponentModule&>(compiled), ctx, limits);
      case ModuleKind::HttpComponent: break;
    }
    return {Outcome::Failed, 0, "a wasi:http component answers HTTP requests; it has no stdin/stdout protocol"};
  }

  RunResult serve_http(const CompiledModule& compiled, wasi::WasiContext& ctx, const HttpExchange& exchange,
                       const RunLimits& limits) override {
    if (compiled.kind() != ModuleKind::HttpComponent) return Executor::serve_http(compiled, ctx, exchange, limits);
    stats_.runs++;
    stats_.instantiations++;
    return serve_http_component(static_cast<const ComponentModule&>(compiled), ctx, exchange, limits);
  }

  ExecutorStats stats() const override { return stats_; }
  // Nothing to drop: Wasmtime executors keep no per-module state between runs (the module's
  // InstancePre and its memory image belong to the compiled module itself).
  void forget(const CompiledModule&) override {}

 private:
  RunResult run_core(const CoreModule& mod, wasi::WasiContext& ctx, const RunLimits& limits) {
    RunState state(ctx);
    std::unique_ptr<wasmtime_store_t, StoreDeleter> store(wasmtime_store_new(mod.engine, &state, nullptr));
    wasmtime_context_t* cx = wasmtime_store_context(store.get());
    state.cx = cx;
    if (mod.max_pages) wasmtime_store_limiter(store.get(), int64_t(mod.max_pages * kWasmPageSize), -1, -1, -1, -1);
    wasmtime_context_set_epoch_deadline(cx, epoch_ticks_for(limits.timeout));
    if (mod.counts_fuel) {
      // A module compiled for fuel needs some to run at all; without a budget it gets the most.
      if (wasmtime_error_t* e = wasmtime_context_set_fuel(cx, limits.fuel ? limits.fuel : UINT64_MAX))
        take_message(e);
    }

    RunEnd end;
    end.max_pages = mod.max_pages;
    wasm_trap_t* trap = nullptr;
    wasmtime_error_t* error = wasmtime_instance_pre_instantiate(mod.pre.get(), cx, &state.instance, &trap);
    if (error) {
      end.error = take_message(error);
    } else {
      end.instantiated = true;
      if (!trap) {
        state.have_instance = true;
        wasmtime_extern_t item;
        if (wasmtime_instance_export_get(cx, &state.instance, "memory", 6, &item) && item.kind == WASMTIME_EXTERN_MEMORY) {
          state.memory_export = item.of.memory;
          state.have_memory = true;
        }
        if (wasmtime_instance_export_get(cx, &state.instance, "_start", 6, &item) && item.kind == WASMTIME_EXTERN_FUNC) {
          error = wasmtime_func_call(cx, &item.of.func, nullptr, 0, nullptr, 0, &trap);
          if (error) end.error = take_message(error);
          else end.completed = !trap;
        } else {
          end.error = "the module exports no _start function";  // check_module refuses such modules
        }
      }
    }
    if (trap) {
      wasmtime_trap_code_t code;
      if (wasmtime_trap_code(trap, &code)) {
        end.timed_out = code == WASMTIME_TRAP_CODE_INTERRUPT;
        end.out_of_fuel = code == WASMTIME_TRAP_CODE_OUT_OF_FUEL;
      }
      end.error = take_message(trap);
    }
    uint64_t pages = state.have_memory ? wasmtime_memory_size(cx, &state.memory_export) : 0;
    end.at_memory_cap = mod.max_pages && pages >= mod.max_pages;
    RunResult result = decide_outcome(end, ctx, limits);
    result.instantiated = true;  // every run has a new instance; nothing stays on the thread
    result.memory_bytes = pages * kWasmPageSize;
    return result;
  }

  ExecutorStats stats_;
};

}  // namespace

std::string take_message(wasmtime_error_t* error) {
  wasm_name_t msg;
  wasmtime_error_message(error, &msg);
  std::string text(msg.data, msg.size);
  wasm_byte_vec_delete(&msg);
  wasmtime_error_delete(error);
  return text;
}

std::string take_message(wasm_trap_t* trap) {
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  std::string text(msg.data, strnlen(msg.data, msg.size));  // the C API counts a trailing NUL
  wasm_byte_vec_delete(&msg);
  wasm_trap_delete(trap);
  return text;
}

wasmtime_instance_pre_t* link_host_functions(wasm_engine_t* engine, const wasmtime_module_t* module,
                                             const ModuleInfo& info, std::string* error) {
  std::unique_ptr<wasmtime_linker_t, LinkerDeleter> linker(wasmtime_linker_new(engine));
  wasmtime_linker_allow_shadowing(linker.get(), true);  // a module may import one function twice
  for (const auto& imp : info.imports) {
    const wasi::HostFunction* fn = wasi::find_host_function(imp.module, imp.name);
    if (!fn) {
      *error = fmt::format("imports {}.{}, which wws does not provide", imp.module, imp.name);
      return nullptr;
    }
    wasm_valtype_vec_t params = valtypes(fn->params), results = valtypes(fn->results);
    wasm_functype_t* type = wasm_functype_new(&params, &results);
    wasmtime_error_t* e = wasmtime_linker_define_func_unchecked(
        linker.get(), imp.module.data(), imp.module.size(), imp.name.data(), imp.name.size(), type, &host_call,
        const_cast<wasi::HostFunction*>(fn), nullptr);
    wasm_functype_delete(type);
    if (e) {
      *error = take_message(e);
      return nullptr;
    }
  }
  wasmtime_instance_pre_t* pre = nullptr;
  if (wasmtime_error_t* e = wasmtime_linker_instantiate_pre(linker.get(), module, &pre)) {
    *error = take_message(e);
    return nullptr;
  }
  return pre;
}

std::unique_ptr<Executor> new_core_executor() { return std::make_unique<CoreExecutor>(); }

}  // namespace wws::engine::wt
