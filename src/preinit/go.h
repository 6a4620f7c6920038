// preinit/go: Go commands (GOOS=wasip1, the standard toolchain) start from a snapshot taken at
// their first read of stdin. A Go worker spends milliseconds of CPU in the runtime's and its
// packages' initialisation (net/http's is heavy) before main reads the request; wws runs that
// once per worker and server start, and every request starts where it ended.
//
// Why no Asyncify: Go's wasm port keeps a goroutine's whole state in linear memory and globals.
// Every Go function saves what it needs on the Go stack (in memory) before each call, since any
// call may unwind the wasm stack to wasm_pc_f_loop when goroutines switch; that loop resumes the
// goroutine from the return address stored at -8(SP). So the state at the call of the fd_read
// import is complete in memory and globals, except for the wasmimport wrapper making the call,
// which has no frame of its own and can simply run again from its start.
//
// Capture module: the original with each `call fd_read` of a wrapper redirected to a shim that,
// for fd 0, stores the wrapper's own entry as the pending call at -8(SP) and hands memory and
// globals to the host (preinit/snapshot.h); other fds go to the real import. Snapshot module: the
// original with that state baked in and a `_start` that just calls wasm_pc_f_loop, which runs the
// wrapper again (now reading the real request) and carries on. Both are plain modules: every
// engine runs them unchanged.
//
// What the snapshot fixes per worker: its [vars] (the environment), its [[folders]] (preopens),
// argv, and whatever the runtime and packages computed in init, including the runtime's random
// seeds (map hash seeds, math/rand's global source): every request of one snapshot sees the same
// ones (crypto/rand still asks the host each time). The capture may run on another engine than
// the worker's: the site loader takes it on V8, whose baseline compiler starts a Go module in a
// fraction of a second, while Wasmtime's optimising compiler spends seconds on it, and then once
// more on the snapshot. Snapshots are cached on disk by everything they are made from, so a
// restart reuses the snapshot and its compiled code; hot reload makes a new one when the module
// or its TOML changes. `[wasm] preinit = false` or WWS_PREINIT=0 turns it off.
// Anything the capture cannot handle (no stdin read, output before it, an unknown instruction,
// ...) is logged once and the module is served as it is.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "preinit/snapshot.h"
#include "wasi/context.h"

namespace wws::preinit {

// Whether the module is a Go command: Go's "go:buildid" section and a `_start` export.
bool is_go_command(std::span<const uint8_t> wasm);

// The steps, exposed for tests.
std::optional<std::vector<uint8_t>> make_go_capture_module(std::span<const uint8_t> wasm, std::string* error);
std::optional<std::vector<uint8_t>> make_go_snapshot_module(std::span<const uint8_t> wasm, const Snapshot& snapshot,
                                                            std::string* error);

// What a worker's requests see, so the snapshot is taken in the same setting.
struct GoSetup {
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<wasi::Preopen> preopens;
  uint64_t max_memory_bytes = 0;    // the worker's memory limit: a bigger snapshot is refused
  std::filesystem::path cache_dir;  // where snapshots are kept between starts; empty: not kept
};

// $XDG_CACHE_HOME/wws/preinit, else ~/.cache/wws/preinit, else empty.
std::filesystem::path default_cache_dir();

// Runs the capture and returns the snapshot module, or nullopt with the reason in `error`.
std::optional<std::vector<uint8_t>> preinitialise_go(engine::Engine& engine, std::span<const uint8_t> wasm,
                                                     const GoSetup& setup, std::string* error);

// What the site loader calls for every wasm worker: the module to compile instead of `wasm`
// when it is a Go command and pre-initialisation is on (`enabled`: its TOML's [wasm] preinit,
// and WWS_PREINIT is not "0"); logs what it did or why not, naming `file`. `engine` runs the
// capture only; the caller compiles the result on the worker's own engine.
std::optional<std::vector<uint8_t>> preinitialised_module(engine::Engine& engine, std::span<const uint8_t> wasm,
                                                          const GoSetup& setup, bool enabled, const std::string& file);

}  // namespace wws::preinit
