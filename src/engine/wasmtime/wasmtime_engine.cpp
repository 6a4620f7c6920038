#include "engine/wasmtime/wasmtime_engine.h"

#include <mutex>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/code_cache.h"
#include "engine/instance_reset.h"
#include "engine/memory_image.h"
#include "engine/module_checks.h"
#include "engine/module_info.h"
#include "engine/wasmtime/component.h"
#include "engine/wasmtime/epoch.h"
#include "engine/wasmtime/wasmtime_internal.h"

namespace wws::engine {
namespace {

using namespace wt;

constexpr const char* kWasmtimeVersion =
    WASMTIME_VERSION;  // from the headers of the crate pinned in adapter/Cargo.lock

struct EngineDeleter {
  void operator()(wasm_engine_t* e) const { wasm_engine_delete(e); }
};

// Wasmtime's "context\n\nCaused by:\n    cause" as one log line.
std::string one_line(const std::string& text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  for (size_t at; (at = out.find(" Caused by: ")) != std::string::npos;) out.replace(at, 12, ": ");
  return out;
}

// What shapes generated code or its loading besides the module's bytes, part of every cache
// key: the settings, and the rewrite of resettable modules (its version, and the memory cap it
// writes into the memory import).
std::string code_settings(bool fuel, uint64_t max_pages) {
  return fmt::format("wasmtime {}; epoch; fuel={}; opt=speed; pooling+cow; rewrite {}, cap {} pages", kWasmtimeVersion,
                     fuel, kRewriteVersion, max_pages);
}

// Whether `module` imports wws.memory: compiled in the rewritten, resettable form.
bool imports_host_memory(const wasmtime_module_t* module) {
  wasm_importtype_vec_t imports;
  wasmtime_module_imports(module, &imports);
  bool found = false;
  for (size_t i = 0; i < imports.size && !found; ++i) {
    const wasm_name_t* m = wasm_importtype_module(imports.data[i]);
    const wasm_name_t* n = wasm_importtype_name(imports.data[i]);
    found = std::string_view(m->data, m->size) == kMemoryImportModule &&
            std::string_view(n->data, n->size) == kMemoryImportName;
  }
  wasm_importtype_vec_delete(&imports);
  return found;
}

wasm_engine_t* new_engine(bool fuel, uint32_t max_instances) {
  wasm_config_t* config = wasm_config_new();
  wasmtime_config_epoch_interruption_set(config, true);
  wasmtime_config_consume_fuel_set(config, fuel);
  wasmtime_config_cranelift_opt_level_set(config, WASMTIME_OPT_LEVEL_SPEED);
  wasmtime_config_parallel_compilation_set(config, true);
  wasmtime_config_memory_init_cow_set(config, true);
  wasmtime_pooling_allocation_config_t* pool = wasmtime_pooling_allocation_config_new();
  // Besides the instances of running requests, each thread keeps up to kKeptInstancesPerThread
  // reset-in-place instances (their memories are made by the host, outside the pool), and
  // there are at most max_instances / 4 threads.
  uint32_t core_instances = max_instances + max_instances / 4 * kKeptInstancesPerThread;
  wasmtime_pooling_allocation_config_total_core_instances_set(pool, core_instances);
  wasmtime_pooling_allocation_config_total_memories_set(pool, max_instances);
  // Up to 4 tables of 100,000 entries per module (an interpreter's function table is large).
  wasmtime_pooling_allocation_config_total_tables_set(pool, 4 * core_instances);
  wasmtime_pooling_allocation_config_max_tables_per_module_set(pool, 4);
  wasmtime_pooling_allocation_config_table_elements_set(pool, 100'000);
  wasmtime_pooling_allocation_config_total_gc_heaps_set(pool, max_instances);
  wasmtime_pooling_allocation_config_max_memory_size_set(pool, size_t(4) << 30);  // wasm32's ceiling
  // A freed slot's first MiB is zeroed with memset and stays mapped; only the rest is given
  // back with madvise. A small worker's request then makes no system call for its memory.
  wasmtime_pooling_allocation_config_linear_memory_keep_resident_set(pool, size_t(1) << 20);
  wasmtime_pooling_allocation_config_table_keep_resident_set(pool, size_t(64) << 10);
  wasmtime_pooling_allocation_strategy_set(config, pool);
  wasmtime_pooling_allocation_config_delete(pool);
  return wasm_engine_new_with_config(config);
}

class WasmtimeEngine final : public Engine {
 public:
  explicit WasmtimeEngine(const WasmtimeSettings& settings)
      : settings_(settings),
        cache_(settings.cache_dir.empty() ? settings.cache_dir
                                          : settings.cache_dir / (std::string("wasmtime-") + kWasmtimeVersion)),
        plain_(new_engine(false, settings.max_instances)),
        ticker_({[e = plain_.get()] { wasmtime_engine_increment_epoch(e); }, [] { wws_component_increment_epoch(); }}) {
    wws_component_engine_init(settings.max_instances);
  }

  const char* name() const override { return "wasmtime"; }

  std::shared_ptr<CompiledModule> compile(std::span<const uint8_t> wasm, const CompileOptions& options,
                                          std::string* error) override {
    if (is_component(wasm)) return compile_component(wasm, cache_, options, error);
    auto checked = check_module(wasm, options, error);
    if (!checked) return nullptr;
    wasm_engine_t* engine = options.count_fuel ? fuel_engine() : plain_.get();
    // Keyed by the module as written: a warm start then neither rewrites it nor scans its code
    // (a large module's slowest step), and the form the cached code was compiled in says which
    // path below was taken when it was compiled.
    std::string key = CodeCache::key(wasm, code_settings(options.count_fuel, checked->max_pages));
    std::optional<ResetPlan> plan;
    wasmtime_module_t* raw = load_cached(engine, key, wasm, &plan);
    if (!raw) {
      raw = compile_fresh(engine, wasm, *checked, key, &plan, error);
      if (!raw) return nullptr;
    }
    std::unique_ptr<wasmtime_module_t, ModuleDeleter> module(raw);
    auto linker = link_host_functions(engine, checked->info, error);
    if (!linker) return nullptr;
    std::unique_ptr<wasmtime_instance_pre_t, InstancePreDeleter> pre;
    if (!plan) {
      pre.reset(pre_instantiate(linker.get(), module.get(), error));
      if (!pre) return nullptr;
    }
    uint64_t initial_bytes = checked->info.memory.min_pages * kWasmPageSize;
    auto compiled = std::make_shared<CoreModule>(engine, std::move(module), std::move(pre), std::move(checked->info),
                                                 checked->max_pages, options.count_fuel, std::move(plan));
    if (compiled->reset && initial_bytes >= MemoryImage::kMinBytes)
      compiled->image = MemoryImage::make(*compiled->reset, initial_bytes);
    return compiled;
  }

  std::unique_ptr<Executor> new_executor() override { return new_core_executor(); }

 private:
  // Compiles `wasm`, which has no usable cached code, and stores the code under `key`. A module
  // whose memory can be imported and whose instance can be reset in place is compiled in that
  // form (and `plan` set): executors then keep one instance per thread instead of making a
  // store and an instance per run. Anything else (no memory, a shared memory, a start
  // function, table writes) runs from a fresh pooled instance every time. Null and why when
  // Wasmtime refuses the module.
  wasmtime_module_t* compile_fresh(wasm_engine_t* engine, std::span<const uint8_t> wasm, const CheckedModule& checked,
                                   const std::string& key, std::optional<ResetPlan>* plan, std::string* error) {
    std::optional<ResettableModule> resettable;
    if (checked.info.memory.defined) {
      std::string why;
      if (auto imported = import_memory(wasm, checked.max_pages, &why)) resettable = make_resettable(*imported, &why);
    }
    std::span<const uint8_t> form = resettable ? std::span<const uint8_t>(resettable->wasm) : wasm;
    wasmtime_module_t* raw = nullptr;
    if (wasmtime_error_t* e = wasmtime_module_new(engine, form.data(), form.size(), &raw)) {
      *error = "invalid WebAssembly: " + take_message(e);
      return nullptr;
    }
    if (cache_.enabled()) store_code(raw, key);
    if (resettable) *plan = std::move(resettable->plan);
    return raw;
  }

  void store_code(wasmtime_module_t* module, const std::string& key) {
    wasm_byte_vec_t code;
    if (wasmtime_error_t* e = wasmtime_module_serialize(module, &code)) {
      spdlog::warn("Code cache: cannot serialize a module: {}", take_message(e));
      return;
    }
    cache_.store(key, {reinterpret_cast<const uint8_t*>(code.data), code.size});
    wasm_byte_vec_delete(&code);
  }

  // The cached code of `wasm` (as written) under `key`, or null. Code in the resettable form
  // sets `plan`, read from `wasm` (its code was checked when it was compiled). An entry Wasmtime
  // refuses is logged and removed.
  wasmtime_module_t* load_cached(wasm_engine_t* engine, const std::string& key, std::span<const uint8_t> wasm,
                                 std::optional<ResetPlan>* plan) {
    auto code = cache_.load(key);
    if (!code) return nullptr;
    wasmtime_module_t* raw = nullptr;
    // Mapped from the file, not copied: code and memory images are paged in as runs use them.
    if (wasmtime_error_t* e = wasmtime_module_deserialize_file(engine, code->file().c_str(), &raw)) {
      cache_.remove(key, one_line(take_message(e)));
      return nullptr;
    }
    if (imports_host_memory(raw)) {
      *plan = known_reset_plan(wasm);
      if (!*plan) {
        wasmtime_module_delete(raw);
        cache_.remove(key, "its module's data cannot be read");
        return nullptr;
      }
    }
    return raw;
  }

  // Fuel counting is compiled into the code, so workers with a fuel budget get their own engine.
  wasm_engine_t* fuel_engine() {
    std::lock_guard lock(mu_);
    if (!fuel_) {
      fuel_.reset(new_engine(true, settings_.max_instances));
      ticker_.add([e = fuel_.get()] { wasmtime_engine_increment_epoch(e); });
    }
    return fuel_.get();
  }

  WasmtimeSettings settings_;
  CodeCache cache_;
  std::unique_ptr<wasm_engine_t, EngineDeleter> plain_;
  std::mutex mu_;
  std::unique_ptr<wasm_engine_t, EngineDeleter> fuel_;
  EpochTicker ticker_;  // last: stops before the engines it advances go
};

}  // namespace

std::unique_ptr<Engine> make_wasmtime_engine(const WasmtimeSettings& settings) {
  return std::make_unique<WasmtimeEngine>(settings);
}

const char* wasmtime_version() { return kWasmtimeVersion; }

}  // namespace wws::engine
