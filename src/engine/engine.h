// engine/: the seam between wws and a WebAssembly engine. An Engine compiles modules once
// (shared by all threads); each server thread owns an Executor that runs them.
// Implementations: engine/v8 (V8 from libnode), later engine/aot (wasm2c).
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "wasi/context.h"

namespace wws::engine {

// A validated, compiled module, safe to share across threads.
class CompiledModule {
 public:
  virtual ~CompiledModule() = default;
};

struct CompileOptions {
  uint64_t max_memory_bytes = 0;  // caps the module's linear memory; 0 = the module's own limit
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

// Runs guests on the thread that created it; never shared between threads. Every run starts
// from the module's initial state: a new instance, or a used one reset to exactly that state.
class Executor {
 public:
  virtual ~Executor() = default;
  virtual RunResult run(const CompiledModule& module, wasi::WasiContext& ctx, const RunLimits& limits) = 0;
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
