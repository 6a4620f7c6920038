// Runs core modules on Wasmtime, host functions from the engine-independent table, the outcome
// decided by the rules every engine shares. A resettable module (engine/instance_reset) runs on
// an instance this thread keeps in a long-lived Store and resets after each run; any other
// module gets one Store and one fresh pooled instance per run.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "engine/memory_restore.h"
#include "engine/run_outcome.h"
#include "engine/wasmtime/component.h"
#include "engine/wasmtime/epoch.h"
#include "engine/wasmtime/wasmtime_internal.h"
#include "util/blocking.h"
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
  // The time limit in epoch ticks not yet handed to the store; the deadline callback hands out
  // at most kTicksPerCheck at a time, so a run whose client left is seen within that many.
  uint64_t ticks_left = 0;
  const std::atomic<bool>* cancel = util::run_scope.cancel;
  bool stopped = false;              // the callback ended the run: out of time, or its client went away
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
      if (!ctx.unwinding())
        ctx.request_trap(fmt::format("trapped in {} called by the host: {}", export_name,
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
    args[i] =
        fn.params[i] == wasi::ValType::I64 ? static_cast<uint64_t>(vals[i].i64) : static_cast<uint32_t>(vals[i].i32);
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
using Store = std::unique_ptr<wasmtime_store_t, StoreDeleter>;

// A kept store could gather host-side bookkeeping from its runs; it is replaced after this many.
constexpr uint64_t kRunsPerStore = 100'000;

// How often, in epoch ticks, a running guest checks whether its client is still there.
constexpr uint64_t kTicksPerCheck = 5;

constexpr std::string_view kOutOfTime = "wws: the run's time is up or its client went away";

// Called by Wasmtime when a store's epoch deadline passes: more ticks while the run has time
// left and a client, else the run ends (reported as a timeout, as on every engine).
wasmtime_error_t* on_deadline(wasmtime_context_t* cx, void*, uint64_t* delta, wasmtime_update_deadline_kind_t* kind) {
  auto* state = static_cast<RunState*>(wasmtime_context_get_data(cx));
  if (state && state->ticks_left > 0 && !(state->cancel && state->cancel->load(std::memory_order_relaxed))) {
    *delta = std::min(state->ticks_left, kTicksPerCheck);
    state->ticks_left -= *delta;
    *kind = WASMTIME_UPDATE_DEADLINE_CONTINUE;
    return nullptr;
  }
  if (state) state->stopped = true;
  return wasmtime_error_new(kOutOfTime.data());
}

// Arms a run's limits in its store: the epoch deadline and, for fuel-counting modules, fuel.
void arm_limits(wasmtime_context_t* cx, RunState* state, const CoreModule& mod, std::chrono::milliseconds timeout,
                uint64_t fuel) {
  // Without a run (instantiating, resetting) there is no client to watch: all ticks at once.
  uint64_t ticks = epoch_ticks_for(timeout);
  uint64_t first = state ? std::min(ticks, kTicksPerCheck) : ticks;
  if (state) state->ticks_left = ticks - first;
  wasmtime_context_set_epoch_deadline(cx, first);
  // A module compiled for fuel needs some to run at all; without a budget it gets the most.
  if (mod.counts_fuel)
    if (wasmtime_error_t* e = wasmtime_context_set_fuel(cx, fuel ? fuel : UINT64_MAX)) take_message(e);
}

Store new_store(const CoreModule& mod) {
  Store store(wasmtime_store_new(mod.engine, nullptr, nullptr));
  if (mod.max_pages) wasmtime_store_limiter(store.get(), int64_t(mod.max_pages * kWasmPageSize), -1, -1, -1, -1);
  wasmtime_store_epoch_deadline_callback(store.get(), &on_deadline, nullptr, nullptr);
  return store;
}

bool export_func(wasmtime_context_t* cx, wasmtime_instance_t* instance, std::string_view name, wasmtime_func_t* out) {
  wasmtime_extern_t item;
  if (!wasmtime_instance_export_get(cx, instance, name.data(), name.size(), &item) || item.kind != WASMTIME_EXTERN_FUNC)
    return false;
  *out = item.of.func;
  return true;
}

// Records why a trap ended the run (its code tells timeouts and fuel) and frees it.
void record_trap(wasm_trap_t* trap, RunEnd& end) {
  wasmtime_trap_code_t code;
  if (wasmtime_trap_code(trap, &code)) {
    end.timed_out = code == WASMTIME_TRAP_CODE_INTERRUPT;
    end.out_of_fuel = code == WASMTIME_TRAP_CODE_OUT_OF_FUEL;
  }
  end.error = take_message(trap);
}

// True if `func` takes and returns nothing, as _start must.
bool is_nullary(wasmtime_context_t* cx, const wasmtime_func_t& func) {
  wasm_functype_t* type = wasmtime_func_type(cx, &func);
  bool nullary = wasm_functype_params(type)->size == 0 && wasm_functype_results(type)->size == 0;
  wasm_functype_delete(type);
  return nullary;
}

// Calls a function of type [] -> [] (checked by is_nullary, or wws.reset). `checked` = false
// skips Wasmtime's own check, which looks up and reference-counts the function's type on
// every call: measurable on a hello request, so a kept instance checks once instead.
wasmtime_error_t* call_nullary(wasmtime_context_t* cx, const wasmtime_func_t& func, wasm_trap_t** trap, bool checked) {
  if (checked) return wasmtime_func_call(cx, &func, nullptr, 0, nullptr, 0, trap);
  wasmtime_val_raw_t none[1];
  return wasmtime_func_call_unchecked(cx, &func, none, 0, trap);
}

// Calls _start and records how the call ended in `end` (trap codes for timeouts and fuel).
void call_start(wasmtime_context_t* cx, const wasmtime_func_t& start, RunEnd& end, bool checked) {
  wasm_trap_t* trap = nullptr;
  if (wasmtime_error_t* error = call_nullary(cx, start, &trap, checked)) end.error = take_message(error);
  else end.completed = !trap;
  if (trap) record_trap(trap, end);
}

// An instance of a resettable module kept by one executor, with the store that owns it and
// the memory it imports (made by the host, so it stays with the store across runs).
struct KeptInstance {
  Store store;
  wasmtime_context_t* cx = nullptr;
  wasmtime_instance_t instance{};
  wasmtime_memory_t memory{};
  wasmtime_func_t start{};
  wasmtime_func_t reset{};
  bool has_reset = false;
  MemoryImage::State image_state;  // how the memory stands against the module's image, if any
  uint64_t runs = 0;
  uint64_t last_used = 0;
};

class CoreExecutor final : public Executor {
 public:
  RunResult run(const CompiledModule& compiled, wasi::WasiContext& ctx, const RunLimits& limits) override {
    stats_.runs++;
    switch (compiled.kind()) {
      case ModuleKind::Core: {
        const auto& mod = static_cast<const CoreModule&>(compiled);
        return mod.reset ? run_kept(mod, ctx, limits) : run_fresh(mod, ctx, limits);
      }
      case ModuleKind::CommandComponent:
        stats_.instantiations++;
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

  // Drops the kept instance of a resettable module (fresh-instance modules keep nothing here:
  // their InstancePre and memory image belong to the compiled module itself).
  void forget(const CompiledModule& module) override {
    if (module.kind() == ModuleKind::Core) kept_.erase(static_cast<const CoreModule&>(module).id);
  }

 private:
  // A fresh Store and a fresh instance from the pooling allocator for this run alone.
  RunResult run_fresh(const CoreModule& mod, wasi::WasiContext& ctx, const RunLimits& limits) {
    stats_.instantiations++;
    RunState state(ctx);
    Store store = new_store(mod);
    wasmtime_context_t* cx = wasmtime_store_context(store.get());
    wasmtime_context_set_data(cx, &state);
    state.cx = cx;
    arm_limits(cx, &state, mod, limits.timeout, limits.fuel);

    RunEnd end;
    end.max_pages = mod.max_pages;
    wasm_trap_t* trap = nullptr;
    wasmtime_error_t* error = wasmtime_instance_pre_instantiate(mod.pre.get(), cx, &state.instance, &trap);
    if (error) {
      end.error = take_message(error);
    } else if (trap) {  // the start function trapped, or ran out of time
      end.instantiated = true;
      record_trap(trap, end);
    } else {
      end.instantiated = true;
      state.have_instance = true;
      wasmtime_extern_t item;
      if (wasmtime_instance_export_get(cx, &state.instance, "memory", 6, &item) &&
          item.kind == WASMTIME_EXTERN_MEMORY) {
        state.memory_export = item.of.memory;
        state.have_memory = true;
      }
      wasmtime_func_t start;
      if (export_func(cx, &state.instance, "_start", &start)) call_start(cx, start, end, true);
      else end.error = "the module exports no _start function";  // check_module refuses such modules
    }
    end.timed_out = end.timed_out || state.stopped;
    uint64_t pages = state.have_memory ? wasmtime_memory_size(cx, &state.memory_export) : 0;
    end.at_memory_cap = mod.max_pages && pages >= mod.max_pages;
    RunResult result = decide_outcome(end, ctx, limits);
    result.instantiated = true;  // every run has a new instance; nothing stays on the thread
    result.memory_bytes = pages * kWasmPageSize;
    return result;
  }

  // The run on this thread's kept instance of the module, made on first use; afterwards the
  // instance is reset to its initial state, or dropped if the run did not end cleanly.
  RunResult run_kept(const CoreModule& mod, wasi::WasiContext& ctx, const RunLimits& limits) {
    RunResult failed{Outcome::Failed, 0, ""};
    bool made = false;
    KeptInstance* kept = kept_instance(mod, &made, &failed.message);
    if (!kept) {
      failed.instantiated = true;
      return failed;
    }
    RunState state(ctx);
    state.cx = kept->cx;
    state.instance = kept->instance;
    state.have_instance = true;
    state.memory_export = kept->memory;
    state.have_memory = true;
    wasmtime_context_set_data(kept->cx, &state);
    arm_limits(kept->cx, &state, mod, limits.timeout, limits.fuel);

    RunEnd end;
    end.instantiated = true;
    end.max_pages = mod.max_pages;
    call_start(kept->cx, kept->start, end, false);
    wasmtime_context_set_data(kept->cx, nullptr);
    end.timed_out = end.timed_out || state.stopped;
    uint64_t pages = wasmtime_memory_size(kept->cx, &kept->memory);
    end.at_memory_cap = mod.max_pages && pages >= mod.max_pages;
    RunResult result = decide_outcome(end, ctx, limits);
    result.instantiated = made;
    result.memory_bytes = pages * kWasmPageSize;
    // Only a run that returned or exited leaves an instance worth keeping: after a trap, a
    // timeout or running out of fuel it is dropped, as it is when its memory grew (memories
    // cannot shrink) or the reset fails.
    bool clean = result.outcome == Outcome::Ok || result.outcome == Outcome::Exited;
    if (clean && ++kept->runs < kRunsPerStore && reset(mod, *kept)) result.instance_kept = true;
    else kept_.erase(mod.id);
    return result;
  }

  // Puts the kept instance back to a fresh instance's state: its memory's initial content (the
  // image's pages copied or mapped back, or zeros and data segments written where they
  // differ), then its mutable globals through wws.reset.
  bool reset(const CoreModule& mod, KeptInstance& kept) {
    size_t bytes = wasmtime_memory_data_size(kept.cx, &kept.memory);
    if (bytes != mod.info.memory.min_pages * kWasmPageSize) return false;
    uint8_t* base = wasmtime_memory_data(kept.cx, &kept.memory);
    bool mapped = mod.image && mod.image->restore(base, kept.image_state) != MemoryImage::Restored::Failed;
    if (!mapped && !restore_initial_memory({base, bytes}, mod.reset->data)) return false;
    if (!kept.has_reset) return true;
    arm_limits(kept.cx, nullptr, mod, std::chrono::seconds(1), 0);
    wasm_trap_t* trap = nullptr;
    if (wasmtime_error_t* error = call_nullary(kept.cx, kept.reset, &trap, false)) {
      take_message(error);
      return false;
    }
    if (trap) {
      take_message(trap);
      return false;
    }
    return true;
  }

  KeptInstance* kept_instance(const CoreModule& mod, bool* made, std::string* error) {
    uint64_t now = ++clock_;
    auto it = kept_.find(mod.id);
    if (it != kept_.end()) {
      it->second.last_used = now;
      return &it->second;
    }
    if (kept_.size() >= kKeptInstancesPerThread) {
      auto oldest = std::min_element(kept_.begin(), kept_.end(), [](const auto& a, const auto& b) {
        return a.second.last_used < b.second.last_used;
      });
      kept_.erase(oldest);
    }
    KeptInstance kept;
    if (!make_instance(mod, kept, error)) return nullptr;
    stats_.instantiations++;
    *made = true;
    kept.last_used = now;
    return &kept_.emplace(mod.id, std::move(kept)).first->second;
  }

  // A store holding the module's memory (made by the host, at the module's initial size and
  // cap) and an instance importing it with every host function.
  static bool make_instance(const CoreModule& mod, KeptInstance& kept, std::string* error) {
    kept.store = new_store(mod);
    kept.cx = wasmtime_store_context(kept.store.get());
    wasm_memorytype_t* type = nullptr;
    if (wasmtime_error_t* e =
            wasmtime_memorytype_new(mod.info.memory.min_pages, true, mod.max_pages, false, false, 16, &type)) {
      *error = "could not describe the module's memory: " + take_message(e);
      return false;
    }
    wasmtime_error_t* e = wasmtime_memory_new(kept.cx, type, &kept.memory);
    wasm_memorytype_delete(type);
    if (e) {
      *error = "could not allocate the module's memory: " + take_message(e);
      return false;
    }
    auto linker = link_host_functions(mod.engine, mod.info, error);
    if (!linker) return false;
    wasmtime_extern_t memory;
    memory.kind = WASMTIME_EXTERN_MEMORY;
    memory.of.memory = kept.memory;
    if ((e = wasmtime_linker_define(linker.get(), kept.cx, kMemoryImportModule.data(), kMemoryImportModule.size(),
                                    kMemoryImportName.data(), kMemoryImportName.size(), &memory))) {
      *error = take_message(e);
      return false;
    }
    // No start function (make_resettable refuses those), but Wasmtime checks the epoch while
    // it instantiates: a new store's deadline has passed already.
    arm_limits(kept.cx, nullptr, mod, std::chrono::seconds(10), 0);
    wasm_trap_t* trap = nullptr;
    e = wasmtime_linker_instantiate(linker.get(), kept.cx, mod.module.get(), &kept.instance, &trap);
    if (e || trap) {
      *error = e ? take_message(e) : take_message(trap);
      return false;
    }
    if (!export_func(kept.cx, &kept.instance, "_start", &kept.start) || !is_nullary(kept.cx, kept.start)) {
      *error = "the module exports no _start function without parameters or results";
      return false;
    }
    kept.has_reset = mod.reset->has_reset_function;
    if (kept.has_reset && !export_func(kept.cx, &kept.instance, kResetExport, &kept.reset)) {
      *error = "the module lost its reset function";
      return false;
    }
    return true;
  }

  ExecutorStats stats_;
  std::unordered_map<uint64_t, KeptInstance> kept_;  // by CoreModule::id
  uint64_t clock_ = 0;                               // orders kept instances by last use
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

std::unique_ptr<wasmtime_linker_t, LinkerDeleter> link_host_functions(wasm_engine_t* engine, const ModuleInfo& info,
                                                                      std::string* error) {
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
    wasmtime_error_t* e = wasmtime_linker_define_func_unchecked(linker.get(), imp.module.data(), imp.module.size(),
                                                                imp.name.data(), imp.name.size(), type, &host_call,
                                                                const_cast<wasi::HostFunction*>(fn), nullptr);
    wasm_functype_delete(type);
    if (e) {
      *error = take_message(e);
      return nullptr;
    }
  }
  return linker;
}

wasmtime_instance_pre_t* pre_instantiate(const wasmtime_linker_t* linker, const wasmtime_module_t* module,
                                         std::string* error) {
  wasmtime_instance_pre_t* pre = nullptr;
  if (wasmtime_error_t* e = wasmtime_linker_instantiate_pre(linker, module, &pre)) {
    *error = take_message(e);
    return nullptr;
  }
  return pre;
}

std::unique_ptr<Executor> new_core_executor() { return std::make_unique<CoreExecutor>(); }

}  // namespace wws::engine::wt
