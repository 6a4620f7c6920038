// Returning a used instance to the exact state of a fresh one, so an engine can run the next
// request in it instead of instantiating again (instantiation was a third of a hello
// request on V8). An instance's guest-visible state is its memory, its mutable globals, its
// tables and the dropped-ness of its segments. For modules that pass the checks here:
//   - the memory is imported (engine/module_info import_memory) and restored by the engine:
//     zeroed, then the active data segments written again;
//   - the mutable globals are set back to their initial values by a function added to the
//     module and exported as `wws.reset`;
//   - tables and segments are never changed: code that could (table.set/grow/fill/copy/init,
//     elem.drop, data.drop) or a start function makes the module not resettable, and the
//     engine instantiates afresh for every run.
// Engine-independent: the rewritten module is plain wasm.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wws::engine {

struct DataSegment {
  uint32_t offset = 0;
  std::vector<uint8_t> bytes;
};

// What an engine needs to reset an instance of the module.
struct ResetPlan {
  std::vector<DataSegment> data;    // active segments to write over the zeroed memory
  bool has_reset_function = false;  // false when the module has no mutable globals
};

struct ResettableModule {
  std::vector<uint8_t> wasm;  // the module, with the reset export added if needed
  ResetPlan plan;
};

// `wasm` must import its memory (see import_memory). Returns nullopt and why when an instance
// of the module cannot be reset in place.
std::optional<ResettableModule> make_resettable(std::span<const uint8_t> wasm, std::string* why_not);

// The plan make_resettable(import_memory(wasm)) would give, read from `wasm` as written without
// scanning its code again: for a module already known to be resettable (its compiled code,
// cached, imports wws.memory). Far cheaper than make_resettable on a large module; nullopt if
// the module is malformed.
std::optional<ResetPlan> known_reset_plan(std::span<const uint8_t> wasm);

constexpr std::string_view kResetExport = "wws.reset";

// Part of the code-cache key of every module: code is cached by the module as written, so a
// change to what import_memory or make_resettable produce must change this number, or cached
// code of the old rewrite would be loaded.
constexpr int kRewriteVersion = 1;

}  // namespace wws::engine
