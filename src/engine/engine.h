// engine/: the seam between wws and a WebAssembly engine. An Engine compiles modules once
// (shared by all threads); each server thread owns an Executor that runs them.
// Implementations: engine/wasmtime (the default for .wasm), engine/v8 (V8 from libnode).
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wasi/context.h"

namespace wws::engine {

enum class ModuleKind {
  Core,              // a core module: a WASI preview1 command, run with the wws protocol
  CommandComponent,  // a component exporting wasi:cli/run: the same protocol over WASI 0.2
  HttpComponent,     // a component exporting wasi:http/incoming-handler: served HTTP directly
};

// A validated, compiled module, safe to share across threads.
class CompiledModule {
 public:
  virtual ~CompiledModule() = default;
  virtual ModuleKind kind() const { return ModuleKind::Core; }
};

struct CompileOptions {
  uint64_t max_memory_bytes = 0;  // caps the module's linear memory; 0 = the module's own limit
  bool count_fuel = false;        // runs will set RunLimits::fuel (engines without fuel refuse the module)
};

struct RunLimits {
  std::chrono::milliseconds timeout{30'000};  // wall-clock time for one run
  uint64_t fuel = 0;                          // CPU budget in fuel units; 0 = none (engines without fuel ignore it)
};

enum class Outcome {
  Ok,           // _start returned, or proc_exit(0)
  Exited,       // proc_exit with a non-zero code
  Trapped,      // wasm trap, or a host function stopped the guest
  TimedOut,     // the time limit ran out
  OutOfMemory,  // the guest hit its memory limit
  Failed,       // could not instantiate
};

struct RunResult {
  Outcome outcome = Outcome::Failed;
  uint32_t exit_code = 0;
  std::string message;  // why, for anything but Ok
  // What the run cost, for the per-worker figures of the admin API (src/api/metrics).
  bool instantiated = false;   // this run made a new instance (not a reset one)
  bool instance_kept = false;  // an instance of the module stays on this thread after the run
  uint64_t memory_bytes = 0;   // linear memory of that instance (or of this run's) at the end
};

struct ExecutorStats {
  uint64_t runs = 0;
  uint64_t instantiations = 0;  // below runs when instances are reset and reused
};

// One request handed to a wasi:http component, and where its response goes as it is produced.
struct HttpExchange {
  std::string_view method;
  std::string_view scheme = "http";
  std::string_view authority;        // host[:port]
  std::string_view path_with_query;  // "/a?b=c"
  const std::vector<std::pair<std::string, std::string>>* headers = nullptr;
  std::string_view body;
  std::function<void(int status, std::vector<std::pair<std::string, std::string>> headers)> on_head;
  std::function<void(std::string_view chunk)> on_body;
};

// Runs guests on the thread that created it; never shared between threads. Every run starts
// from the module's initial state: a new instance, or a used one reset to exactly that state.
class Executor {
 public:
  virtual ~Executor() = default;
  // Core modules and wasi:cli/run components: stdin/stdout/env/folders from `ctx`.
  virtual RunResult run(const CompiledModule& module, wasi::WasiContext& ctx, const RunLimits& limits) = 0;
  // wasi:http components: env, folders, stderr and outbound HTTP permission from `ctx`.
  virtual RunResult serve_http(const CompiledModule& module, wasi::WasiContext& ctx, const HttpExchange& exchange,
                               const RunLimits& limits) {
    return {Outcome::Failed, 0, "this engine does not serve wasi:http components"};
  }
  virtual ExecutorStats stats() const = 0;
  // Drops whatever this executor keeps for `module` (a reusable instance, its memory). Called on
  // the executor's thread when a hot reload replaced or removed the worker; the module may be
  // run again afterwards (then it is set up anew).
  virtual void forget(const CompiledModule& module) = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual const char* name() const = 0;
  // Validates, checks every import against the host functions wws provides, and compiles.
  // On failure returns nullptr and a reason a user can act on.
  virtual std::shared_ptr<CompiledModule> compile(std::span<const uint8_t> wasm, const CompileOptions& options,
                                                  std::string* error) = 0;
  // Must be called on the thread that will use the executor.
  virtual std::unique_ptr<Executor> new_executor() = 0;
};

}  // namespace wws::engine
