// engine/wasmtime: WebAssembly on Wasmtime (the original wws's engine), through its C API
// (wasmtime.h) and, for components, the few functions of our adapter crate (adapter/, which
// also links the C API, so the process holds one Wasmtime). The default engine for .wasm.
//   - A module whose instance can be reset in place (engine/instance_reset: its memory is
//     rewritten into an import, its mutable globals reset by an added export) runs on one
//     instance per thread in a long-lived Store: after each run its memory gets its initial
//     content back (zeros and data segments written where they changed, or for large memories
//     one mmap of engine/memory_image) and its globals are reset. A trap, a timeout or grown
//     memory drops that instance; the next run makes a new one.
//   - Any other module (no memory, a start function, table writes) and every component gets a
//     fresh instance per run: a new Store, instantiated from an InstancePre (imports resolved
//     once at start-up) out of the pooling allocator, whose memory slots keep the module's
//     copy-on-write image mapped and are reset in place.
//   - Imports come from the same host-function table as every engine (wasi::find_host_function):
//     WASI preview1 of src/wasi, the `http` binding, and any table registered later.
//   - Time limits by epoch interruption (a ticker thread advances the epoch; a run whose client
//     went away stops at its next check, within ~10 ms), an optional CPU
//     budget by fuel (modules of workers with [limits] fuel are compiled with fuel counting),
//     memory limits by the store's limiter.
//   - Compiled code is cached on disk (engine/code_cache.h), keyed by the module, the Wasmtime
//     version and the settings that shape code.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>

#include "engine/engine.h"

namespace wws::engine {

struct WasmtimeSettings {
  std::filesystem::path cache_dir;  // compiled-code cache (entries go to wasmtime-<version>/); empty = none
  // Instances that may be alive at once (one per running request): the pooling allocator
  // reserves this many slots of address space up front. Runs past it fail with a clear error.
  uint32_t max_instances = 64;
};

std::unique_ptr<Engine> make_wasmtime_engine(const WasmtimeSettings& settings);

// The Wasmtime release linked in, e.g. "48.0.8".
const char* wasmtime_version();

}  // namespace wws::engine
