// runtimes/preinit: pre-initialised interpreters. Booting CPython or CRuby from nothing takes
// tens of milliseconds; a runtime whose binary follows Wizer's convention (it exports
// `wizer.initialize`, which boots the interpreter and loads the runtime's wrapper, and `_start`,
// which serves one request, booting first if it was not pre-initialised) is booted once and
// snapshotted, and every request starts from that snapshot instead.
//
// wws makes the snapshot itself, with its own engine and WASI host, so the interpreter boots
// with exactly the layout its workers see: the runtime's args and envs and one preopen "/"
// whose /src holds the wrapper and polyfill (workers add their script and [[folders]] under the
// same "/", wasi MountedRoot). How: a copy of the binary gets a `_start` that calls
// `wizer.initialize`, stores every mutable global into a page it grows, and calls proc_exit;
// the host's proc_exit hook copies memory and globals out. The snapshot is the original binary
// with that memory as its data segments, those values as its globals' initialisers, and no
// `wizer.initialize` export: a plain module every engine runs, whose initial state is the
// booted interpreter. Isolation is unchanged: each request still starts from the module's
// initial state, which is now the snapshot (nothing one request does is seen by the next).
//
// WWS_PREINIT=0 in the environment turns this off: every request then boots the interpreter.
//
// Snapshots are cached in <runtime dir>/.preinit/<key>.wasm, keyed by the binary, wrapper,
// polyfill, args, envs and this format's version; `wws runtimes install` makes it, and start-up
// makes it when missing.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "preinit/snapshot.h"
#include "runtimes/project_runtimes.h"

namespace wws::runtimes {

// The module to compile for the runtime: its snapshot (made and cached if needed) when the
// binary can be pre-initialised, else the binary itself.
std::optional<std::vector<uint8_t>> interpreter_module(engine::Engine& engine, const InstalledRuntime& runtime,
                                                       bool* preinitialised, std::string* error);

// Whether the binary exports `wizer.initialize`.
bool can_preinitialise(std::span<const uint8_t> wasm);

using Snapshot = preinit::Snapshot;  // memory and mutable globals (preinit/snapshot.h)

// The steps, exposed for tests: the capture module, and the snapshot module built from a capture.
std::optional<std::vector<uint8_t>> make_capture_module(std::span<const uint8_t> wasm, std::string* error);
std::optional<std::vector<uint8_t>> make_snapshot_module(std::span<const uint8_t> wasm, const Snapshot& snapshot,
                                                         std::string* error);

// Runs `wizer.initialize` with the layout on the engine and returns the snapshot.
std::optional<Snapshot> take_snapshot(engine::Engine& engine, std::span<const uint8_t> wasm, const WorkerLayout& layout,
                                      std::string* log, std::string* error);

constexpr const char* kInitExport = "wizer.initialize";
using preinit::kCaptureExitCode;

}  // namespace wws::runtimes
