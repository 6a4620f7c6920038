// preinit: snapshots of a module's state, made by running it once with wws's own engine and
// WASI host, that become the module's initial state. This file owns what every kind of
// pre-initialisation shares: reading a module's layout, the capture code that hands memory and
// mutable globals to the host (it grows one page, stores every mutable global there and calls
// proc_exit with kCaptureExitCode; the host's proc_exit hook copies memory out), running a
// capture module, and baking a capture into a plain module (memory as active data segments,
// globals as initialisers) that every engine runs unchanged.
//
// Who decides *where* to capture: runtimes/preinit (interpreters following Wizer's convention,
// captured after `wizer.initialize`) and preinit/go (Go commands, captured at their first read of
// stdin, in the middle of `_start`).
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/wasm_binary.h"
#include "wasi/context.h"

namespace wws::preinit {

// The captured state: memory contents (a whole number of pages) and the values of the
// module's mutable defined globals, in index order, as raw 64-bit patterns.
struct Snapshot {
  std::vector<uint8_t> memory;
  std::vector<uint64_t> globals;
};

struct GlobalInfo {
  uint32_t index;  // in the global index space
  uint8_t type;
};

struct ImportedFunction {
  std::string module, name;
  uint32_t type;
};

// What the passes need to know about a module.
struct Layout {
  uint32_t types = 0;
  uint32_t imported_functions = 0, defined_functions = 0, imported_globals = 0;
  std::vector<ImportedFunction> function_imports;  // in index order
  std::optional<uint32_t> proc_exit, start_export;
  std::vector<std::pair<std::string, uint32_t>> function_exports;
  std::vector<GlobalInfo> mutable_globals;
  bool has_start = false, imports_mutable_global = false, defined_memory = false, has_code = false;

  std::optional<uint32_t> exported_function(std::string_view name) const;
  std::optional<uint32_t> imported_function(std::string_view module, std::string_view name) const;
};

bool read_layout(std::span<const uint8_t> wasm, Layout& layout, std::string* error);

// Why a module with this layout cannot be captured and baked (nullopt: it can): a start
// function, no single defined memory, an imported mutable global, no proc_exit import...
std::optional<std::string> why_not_capturable(const Layout& layout);

// Appends the capture tail: grow a page (trap if it cannot), store every mutable global there,
// proc_exit(kCaptureExitCode). `scratch` is an i32 local of the function it goes into.
void append_capture_tail(std::vector<uint8_t>& code, const Layout& layout, uint32_t scratch);

// How the baked module differs from the original besides its state.
struct BakeEdits {
  std::string drop_export;  // an export to remove ("" for none)
  // When set: the body (locals and code, without the size) of a new function of type () -> ()
  // that becomes the `_start` export.
  std::optional<std::vector<uint8_t>> new_start;
};

// The original module with the snapshot as its initial state.
std::optional<std::vector<uint8_t>> bake(std::span<const uint8_t> wasm, const Snapshot& snapshot,
                                         const BakeEdits& edits, std::string* error);

// Runs a capture module (made from a module with `mutable_globals` mutable globals) with
// `config` and returns what it handed over. `log` gets its stderr; `stdout_out` (if not null)
// what it printed before the capture; `point` names the capture point in errors.
std::optional<Snapshot> run_capture(engine::Engine& engine, std::span<const uint8_t> capture, wasi::WasiConfig config,
                                    size_t mutable_globals, std::chrono::milliseconds time_limit,
                                    std::string_view point, std::string* log, std::string* stdout_out,
                                    std::string* error);

constexpr uint32_t kCaptureExitCode = 0x5757;  // "WW": the capture code's proc_exit code
constexpr uint64_t kPage = 64 * 1024;

// Small encoders the passes share.
void write_sleb(std::vector<uint8_t>& out, int64_t v);
void put_name(std::vector<uint8_t>& out, std::string_view name);
// The body of the export section [begin, end) without `drop` and with `_start` pointing at
// `start` (added if absent).
std::vector<uint8_t> rewrite_exports(std::span<const uint8_t> wasm, size_t begin, size_t end,
                                     std::optional<uint32_t> start, std::string_view drop);
// Skips a constant expression (MVP + reference types); false if it is something else.
bool skip_const_expr(engine::wasm::Reader& r);

}  // namespace wws::preinit
