#include "engine/v8/v8_engine.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <span>
#include <unordered_map>

#include <fmt/format.h>

#include "engine/instance_reset.h"
#include "engine/memory_image.h"
#include "engine/memory_restore.h"
#include "engine/module_checks.h"
#include "engine/run_outcome.h"
#include "engine/v8/thread_isolate.h"
#include "wasi/host.h"

namespace wws::engine {
namespace {

using v8e::ThreadIsolate;

class V8CompiledModule final : public CompiledModule {
 public:
  V8CompiledModule(v8::CompiledWasmModule compiled, ModuleInfo info, uint64_t max_pages, bool memory_imported,
                   std::optional<ResetPlan> reset)
      : compiled(std::move(compiled)),
        info(std::move(info)),
        max_pages(max_pages),
        memory_imported(memory_imported),
        reset(std::move(reset)) {}
  // Threads cache per-module state by this id, never by address: a freed module's address is reused.
  const uint64_t id = next_id.fetch_add(1);
  static inline std::atomic<uint64_t> next_id{1};
  v8::CompiledWasmModule compiled;
  ModuleInfo info;
  uint64_t max_pages;  // 0 = uncapped
  // The module's memory was rewritten into the import wws.memory: executors supply it and
  // reuse it across runs (zeroed), instead of V8 mapping and unmapping one per instance.
  bool memory_imported;
  // Set when an instance can be returned to its initial state (engine/instance_reset): each
  // thread then keeps one instance and resets it after every run instead of instantiating
  // per request.
  std::optional<ResetPlan> reset;
  // For large resettable memories: the initial memory, mapped copy-on-write at each reset.
  std::unique_ptr<MemoryImage> image;
};

std::string exception_text(v8::Isolate* isolate, v8::TryCatch& tc) {
  if (tc.HasTerminated()) return "execution terminated";
  v8::Local<v8::Value> ex = tc.Exception();
  if (ex.IsEmpty()) return "unknown error";
  v8::String::Utf8Value text(isolate, ex);
  return *text ? std::string(*text) : std::string("unknown error");
}

v8::Local<v8::String> str(v8::Isolate* isolate, std::string_view s) {
  return v8::String::NewFromUtf8(isolate, s.data(), v8::NewStringType::kNormal, static_cast<int>(s.size()))
      .ToLocalChecked();
}

class V8Executor final : public Executor, private wasi::GuestCalls {
 public:
  V8Executor() : owner_(ThreadIsolate::current_shared()), ti_(*owner_), isolate_(ti_.isolate()) {
    v8::HandleScope scope(isolate_);
    const char* names[] = {"exports", "memory", "_start"};
    for (int i = 0; i < kNameCount; ++i)
      names_[i].Reset(isolate_,
                      v8::String::NewFromUtf8(isolate_, names[i], v8::NewStringType::kInternalized).ToLocalChecked());
  }
  ~V8Executor() override {
    // V8 handles must go before the isolate; owner_ is destroyed last (declared first).
    modules_.clear();
    instance_ctor_.Reset();
    memory_ctor_.Reset();
    for (auto& n : names_) n.Reset();
  }

  RunResult run(const CompiledModule& module, wasi::WasiContext& ctx, const RunLimits& limits) override {
    const auto& mod = static_cast<const V8CompiledModule&>(module);
    RunResult result = run_instance(mod, ctx, limits);
    ti_.pump();
    stats_.runs++;
    return result;
  }

  ExecutorStats stats() const override { return stats_; }

  void forget(const CompiledModule& module) override {
    modules_.erase(static_cast<const V8CompiledModule&>(module).id);
  }

 private:
  struct Binding {
    const wasi::HostFunction* fn;
    V8Executor* executor;
  };
  struct CachedModule {
    v8::Global<v8::WasmModuleObject> module;
    v8::Global<v8::Object> imports;
    v8::Global<v8::Object> memory_ns;         // imports.wws, when the memory is imported
    v8::Global<v8::WasmMemoryObject> memory;  // this thread's reusable memory for the module
    MemoryImage::State image_state;           // that memory against the module's image, if any
    // A resettable module's instance, kept between runs (its exports, _start and wws.reset).
    v8::Global<v8::Object> exports;
    v8::Global<v8::Function> start;
    v8::Global<v8::Function> reset;
  };

  RunResult run_instance(const V8CompiledModule& mod, wasi::WasiContext& ctx, const RunLimits& limits) {
    v8::HandleScope scope(isolate_);
    v8::Local<v8::Context> context = ti_.wasm_context();
    v8::Context::Scope context_scope(context);
    RunResult result;

    CachedModule* cached = module_for(mod, context, &result.message);
    if (!cached) {
      result.outcome = Outcome::Failed;
      return result;
    }

    ctx_ = &ctx;
    memory_.Clear();
    exports_.Clear();
    if (mod.memory_imported) memory_ = cached->memory.Get(isolate_);
    v8::TryCatch tc(isolate_);
    uint64_t token = ti_.watchdog().arm(limits.timeout);
    bool completed = false;
    bool instantiated = false;
    v8::Local<v8::Function> start;
    if (!cached->start.IsEmpty()) {
      instantiated = true;
      exports_ = cached->exports.Get(isolate_);
      start = cached->start.Get(isolate_);
    } else {
      instantiated = instantiate(mod, *cached, context, result, start);
    }
    if (!start.IsEmpty()) completed = !start->Call(context, v8::Undefined(isolate_), 0, nullptr).IsEmpty();
    std::string error = (completed || !tc.HasCaught()) && !tc.HasTerminated() ? "" : exception_text(isolate_, tc);
    bool timed_out = ti_.watchdog().disarm(token);
    // A termination requested inside a host call may still be pending if the guest trapped
    // before V8 acted on it (wasi-libc puts `unreachable` right after proc_exit).
    if (ctx.unwinding()) isolate_->CancelTerminateExecution();
    result.memory_bytes = memory_.IsEmpty() ? 0 : memory_->Buffer()->ByteLength();
    bool at_memory_cap = mod.max_pages && result.memory_bytes / kWasmPageSize >= mod.max_pages;
    if (mod.memory_imported) recycle_memory(mod, *cached, context);
    result.instance_kept = !cached->start.IsEmpty();
    memory_.Clear();
    exports_.Clear();
    ctx_ = nullptr;

    if (!result.message.empty()) return result;  // no _start
    RunEnd end{instantiated, completed, timed_out, false, at_memory_cap, mod.max_pages, error};
    RunResult decided = decide_outcome(end, ctx, limits);
    decided.instantiated = result.instantiated;
    decided.instance_kept = result.instance_kept;
    decided.memory_bytes = result.memory_bytes;
    return decided;
  }

  // A new instance of the module for this run: its exports (and its memory, unless imported)
  // become the run's, and `start` its _start (left empty, with result.message saying why, when
  // there is none). False when instantiation threw (the exception is in the caller's TryCatch).
  bool instantiate(const V8CompiledModule& mod, CachedModule& cached, v8::Local<v8::Context> context, RunResult& result,
                   v8::Local<v8::Function>& start) {
    v8::Local<v8::Value> args[] = {cached.module.Get(isolate_), cached.imports.Get(isolate_)};
    v8::Local<v8::Object> instance;
    stats_.instantiations++;
    result.instantiated = true;
    if (!instance_ctor(context)->NewInstance(context, 2, args).ToLocal(&instance)) return false;
    v8::Local<v8::Value> exports_v, memory_v, start_v;
    if (!instance->Get(context, name(kExports)).ToLocal(&exports_v) || !exports_v->IsObject()) return true;
    auto exports = exports_v.As<v8::Object>();
    exports_ = exports;
    if (memory_.IsEmpty() && exports->Get(context, name(kMemory)).ToLocal(&memory_v) && memory_v->IsWasmMemoryObject())
      memory_ = memory_v.As<v8::WasmMemoryObject>();
    if (exports->Get(context, name(kStart)).ToLocal(&start_v) && start_v->IsFunction()) {
      start = start_v.As<v8::Function>();
      if (mod.reset) keep_instance(mod, cached, context, exports, start);
    } else {
      result.outcome = Outcome::Failed;
      result.message = "the module exports no _start function (build it as a WASI command)";
    }
    return true;
  }

  void keep_instance(const V8CompiledModule& mod, CachedModule& cached, v8::Local<v8::Context> context,
                     v8::Local<v8::Object> exports, v8::Local<v8::Function> start) {
    v8::Local<v8::Value> reset;
    if (mod.reset->has_reset_function &&
        !(exports->Get(context, str(isolate_, kResetExport)).ToLocal(&reset) && reset->IsFunction()))
      return;
    cached.exports.Reset(isolate_, exports);
    cached.start.Reset(isolate_, start);
    if (mod.reset->has_reset_function) cached.reset.Reset(isolate_, reset.As<v8::Function>());
  }

  void drop_instance(CachedModule& cached) {
    cached.exports.Reset();
    cached.start.Reset();
    cached.reset.Reset();
  }

  // Puts the memory back to its initial content (zeros and data segments) and runs wws.reset.
  // False if either fails (neither can for a module that instantiated: a guard, not a path).
  bool reset_instance(const ResetPlan& plan, CachedModule& cached, v8::Local<v8::Context> context,
                      std::span<uint8_t> memory, bool data_in_place = false) {
    // data_in_place: the memory already holds its initial content (a MemoryImage was mapped).
    if (!data_in_place && !restore_initial_memory(memory, plan.data)) return false;
    if (cached.reset.IsEmpty()) return true;
    v8::TryCatch tc(isolate_);
    if (!cached.reset.Get(isolate_)->Call(context, v8::Undefined(isolate_), 0, nullptr).IsEmpty()) return true;
    if (tc.HasTerminated()) isolate_->CancelTerminateExecution();
    return false;
  }

  // Makes the memory (and a kept instance) ready for the next run. Memory that kept its
  // initial size is zeroed, and a kept instance gets its data segments and mutable globals
  // back, so the next guest starts exactly as in a fresh instance. Memory the run grew is
  // replaced (memories cannot shrink), leaving the old one and its instance to the GC.
  void recycle_memory(const V8CompiledModule& mod, CachedModule& cached, v8::Local<v8::Context> context) {
    v8::Local<v8::WasmMemoryObject> memory = cached.memory.Get(isolate_);
    v8::Local<v8::ArrayBuffer> buffer = memory->Buffer();
    if (buffer->ByteLength() == mod.info.memory.min_pages * kWasmPageSize) {
      std::span<uint8_t> bytes(static_cast<uint8_t*>(buffer->Data()), buffer->ByteLength());
      // A large memory with an image gets the image's pages back, copied or mapped
      // (engine/memory_image.h): a cost proportional to what the run wrote.
      if (mod.image && !cached.start.IsEmpty() &&
          mod.image->restore(bytes.data(), cached.image_state) != MemoryImage::Restored::Failed) {
        if (!reset_instance(*mod.reset, cached, context, bytes, true)) drop_instance(cached);
        return;
      }
      // Both cost what the run touched, not the memory's size. A new instance writes its own
      // data segments; a kept one that cannot be reset is dropped.
      if (cached.start.IsEmpty()) {
        zero_guest_memory(bytes);
      } else if (!reset_instance(*mod.reset, cached, context, bytes)) {
        drop_instance(cached);
        zero_guest_memory(bytes);
      }
      return;
    }
    drop_instance(cached);
    v8::Local<v8::WasmMemoryObject> fresh;
    if (new_memory(mod, context).ToLocal(&fresh)) {
      cached.memory.Reset(isolate_, fresh);
      cached.image_state = {};
      cached.memory_ns.Get(isolate_)->Set(context, str(isolate_, kMemoryImportName), fresh).Check();
    }
  }

  v8::MaybeLocal<v8::WasmMemoryObject> new_memory(const V8CompiledModule& mod, v8::Local<v8::Context> context) {
    if (memory_ctor_.IsEmpty()) memory_ctor_.Reset(isolate_, wasm_constructor(context, "Memory"));
    v8::Local<v8::Object> descriptor = v8::Object::New(isolate_);
    descriptor->Set(context, str(isolate_, "initial"), v8::Number::New(isolate_, double(mod.info.memory.min_pages)))
        .Check();
    descriptor->Set(context, str(isolate_, "maximum"), v8::Number::New(isolate_, double(mod.max_pages))).Check();
    v8::Local<v8::Value> argv[] = {descriptor};
    v8::Local<v8::Object> memory;
    if (!memory_ctor_.Get(isolate_)->NewInstance(context, 1, argv).ToLocal(&memory) || !memory->IsWasmMemoryObject())
      return {};
    return memory.As<v8::WasmMemoryObject>();
  }

  v8::Local<v8::Function> instance_ctor(v8::Local<v8::Context> context) {
    if (instance_ctor_.IsEmpty()) instance_ctor_.Reset(isolate_, wasm_constructor(context, "Instance"));
    return instance_ctor_.Get(isolate_);
  }

  // WebAssembly.<name> of the wasm context (always present: wws never disables wasm).
  v8::Local<v8::Function> wasm_constructor(v8::Local<v8::Context> context, std::string_view name) {
    auto wasm = context->Global()->Get(context, str(isolate_, "WebAssembly")).ToLocalChecked().As<v8::Object>();
    return wasm->Get(context, str(isolate_, name)).ToLocalChecked().As<v8::Function>();
  }

  // The module object and import object for this thread, made on first use.
  CachedModule* module_for(const V8CompiledModule& mod, v8::Local<v8::Context> context, std::string* error) {
    auto it = modules_.find(mod.id);
    if (it != modules_.end()) return &it->second;
    v8::Local<v8::WasmModuleObject> module;
    if (!v8::WasmModuleObject::FromCompiledModule(isolate_, mod.compiled).ToLocal(&module)) {
      *error = "could not load the compiled module on this thread";
      return nullptr;
    }
    v8::Local<v8::Object> imports = v8::Object::New(isolate_);
    for (const auto& imp : mod.info.imports) {
      const wasi::HostFunction* fn = wasi::find_host_function(imp.module, imp.name);
      if (!fn) continue;  // checked at compile time
      v8::Local<v8::Object> ns;
      v8::Local<v8::Value> existing;
      auto ns_key = str(isolate_, imp.module);
      if (imports->Get(context, ns_key).ToLocal(&existing) && existing->IsObject()) {
        ns = existing.As<v8::Object>();
      } else {
        ns = v8::Object::New(isolate_);
        imports->Set(context, ns_key, ns).Check();
      }
      bindings_.push_back({fn, this});
      auto data = v8::External::New(isolate_, &bindings_.back());
      auto f = v8::Function::New(context, &V8Executor::host_call, data, static_cast<int>(fn->params.size()),
                                 v8::ConstructorBehavior::kThrow)
                   .ToLocalChecked();
      ns->Set(context, str(isolate_, imp.name), f).Check();
    }
    CachedModule& entry = modules_[mod.id];
    if (mod.memory_imported) {
      v8::TryCatch tc(isolate_);
      v8::Local<v8::WasmMemoryObject> memory;
      if (!new_memory(mod, context).ToLocal(&memory)) {
        modules_.erase(mod.id);
        *error = "could not allocate the module's memory: " + exception_text(isolate_, tc);
        return nullptr;
      }
      v8::Local<v8::Object> ns = v8::Object::New(isolate_);
      ns->Set(context, str(isolate_, kMemoryImportName), memory).Check();
      imports->Set(context, str(isolate_, kMemoryImportModule), ns).Check();
      entry.memory.Reset(isolate_, memory);
      entry.image_state = {};
      entry.memory_ns.Reset(isolate_, ns);
    }
    entry.module.Reset(isolate_, module);
    entry.imports.Reset(isolate_, imports);
    return &entry;
  }

  wasi::GuestMemory memory() override {
    if (memory_.IsEmpty()) return wasi::GuestMemory(nullptr, 0);
    v8::Local<v8::ArrayBuffer> buffer = memory_->Buffer();  // re-read: memory.grow replaces it
    return wasi::GuestMemory(static_cast<uint8_t*>(buffer->Data()), buffer->ByteLength());
  }

  bool call_i32(std::string_view export_name, std::span<const uint32_t> args, uint32_t* result) override {
    if (exports_.IsEmpty()) return false;
    v8::Local<v8::Context> context = isolate_->GetCurrentContext();
    v8::Local<v8::Value> fn;
    if (!exports_->Get(context, str(isolate_, export_name)).ToLocal(&fn) || !fn->IsFunction()) return false;
    v8::Local<v8::Value> argv[8];
    if (args.size() > 8) return false;
    for (size_t i = 0; i < args.size(); ++i) argv[i] = v8::Integer::NewFromUnsigned(isolate_, args[i]);
    v8::Local<v8::Value> ret;
    if (!fn.As<v8::Function>()
             ->Call(context, v8::Undefined(isolate_), static_cast<int>(args.size()), argv)
             .ToLocal(&ret))
      return false;
    if (result)
      *result =
          ret->IsInt32() ? static_cast<uint32_t>(ret.As<v8::Int32>()->Value()) : ret->Uint32Value(context).FromMaybe(0);
    return true;
  }

  static void host_call(const v8::FunctionCallbackInfo<v8::Value>& info) {
    auto* binding = static_cast<Binding*>(info.Data().As<v8::External>()->Value());
    V8Executor* self = binding->executor;
    const wasi::HostFunction& fn = *binding->fn;
    if (!self->ctx_) return;  // called outside a run (e.g. retained by a start function): ignore
    uint64_t args[16] = {};
    size_t n = std::min<size_t>(fn.params.size(), 16);
    for (size_t i = 0; i < n; ++i) {
      v8::Local<v8::Value> v = info[static_cast<int>(i)];
      if (fn.params[i] == wasi::ValType::I64) {
        args[i] = v->IsBigInt() ? v.As<v8::BigInt>()->Uint64Value() : 0;
      } else if (v->IsInt32()) {
        args[i] = static_cast<uint32_t>(v.As<v8::Int32>()->Value());
      } else {
        args[i] = static_cast<uint32_t>(
            static_cast<int64_t>(v->NumberValue(self->isolate_->GetCurrentContext()).FromMaybe(0)));
      }
    }
    wasi::CallFrame frame{*self->ctx_, self->memory(), self};
    uint64_t r = fn.fn(frame, args);
    if (self->ctx_->unwinding()) {
      // Uncatchable, unlike a thrown exception that wasm exception handling could intercept.
      self->isolate_->TerminateExecution();
      return;
    }
    if (!fn.results.empty()) {
      if (fn.results[0] == wasi::ValType::I64)
        info.GetReturnValue().Set(v8::BigInt::NewFromUnsigned(self->isolate_, r));
      else info.GetReturnValue().Set(static_cast<int32_t>(static_cast<uint32_t>(r)));
    }
  }

  // Property names looked up on every run, internalized once rather than per request.
  enum NameId { kExports, kMemory, kStart, kNameCount };
  v8::Local<v8::String> name(NameId id) { return names_[id].Get(isolate_); }

  std::shared_ptr<ThreadIsolate> owner_;
  ThreadIsolate& ti_;
  v8::Global<v8::String> names_[kNameCount];
  v8::Isolate* isolate_;
  wasi::WasiContext* ctx_ = nullptr;
  v8::Local<v8::WasmMemoryObject> memory_;  // valid only during a run, inside its HandleScope
  v8::Local<v8::Object> exports_;           // likewise
  v8::Global<v8::Function> instance_ctor_;
  v8::Global<v8::Function> memory_ctor_;
  std::unordered_map<uint64_t, CachedModule> modules_;
  std::deque<Binding> bindings_;  // stable addresses for v8::External
  ExecutorStats stats_;
};

class V8Engine final : public Engine {
 public:
  const char* name() const override { return "v8"; }

  std::shared_ptr<CompiledModule> compile(std::span<const uint8_t> wasm, const CompileOptions& options,
                                          std::string* error) override {
    auto checked = check_module(wasm, options, error);
    if (!checked) return nullptr;
    std::vector<uint8_t> rewritten;
    uint64_t max_pages = 0;
    bool memory_imported = false;
    std::optional<ResetPlan> reset;
    if (checked->info.memory.defined) {
      max_pages = checked->max_pages;
      std::string why;
      if (auto imported = import_memory(wasm, max_pages, &why)) {
        rewritten = std::move(*imported);
        memory_imported = true;
        if (auto resettable = make_resettable(rewritten, &why)) {
          rewritten = std::move(resettable->wasm);
          reset = std::move(resettable->plan);
        }
      } else if (auto capped = cap_memory(wasm, max_pages, error)) {
        rewritten = std::move(*capped);  // e.g. a shared memory: V8 maps one per instance
      } else {
        return nullptr;
      }
      wasm = rewritten;
    }

    ThreadIsolate& ti = ThreadIsolate::current();
    v8::Isolate* isolate = ti.isolate();
    v8::HandleScope scope(isolate);
    v8::Context::Scope context_scope(ti.wasm_context());
    v8::TryCatch tc(isolate);
    v8::Local<v8::WasmModuleObject> module;
    if (!v8::WasmModuleObject::Compile(isolate, v8::MemorySpan<const uint8_t>(wasm.data(), wasm.size()))
             .ToLocal(&module)) {
      *error = "invalid WebAssembly: " + exception_text(isolate, tc);
      return nullptr;
    }
    size_t initial_bytes = checked->info.memory.min_pages * kWasmPageSize;
    auto compiled = std::make_shared<V8CompiledModule>(module->GetCompiledModule(), std::move(checked->info), max_pages,
                                                       memory_imported, std::move(reset));
    if (compiled->reset && initial_bytes >= MemoryImage::kMinBytes)
      compiled->image = MemoryImage::make(*compiled->reset, initial_bytes);
    return compiled;
  }

  std::unique_ptr<Executor> new_executor() override { return std::make_unique<V8Executor>(); }
};

}  // namespace

std::unique_ptr<Engine> make_v8_engine() { return std::make_unique<V8Engine>(); }

}  // namespace wws::engine
