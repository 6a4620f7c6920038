#include "runtimes/preinit.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/module_info.h"
#include "engine/wasm_binary.h"
#include "preinit/snapshot.h"
#include "util/files.h"
#include "util/sha256.h"
#include "wasi/context.h"

namespace wws::runtimes {
namespace fs = std::filesystem;
using namespace engine::wasm;

namespace {

constexpr int kFormatVersion = 1;  // bump when the snapshot's layout or the capture changes

std::optional<std::string> why_not(const preinit::Layout& l) {
  if (!l.exported_function(kInitExport)) return "it does not export wizer.initialize";
  return preinit::why_not_capturable(l);
}

// The body of the capture function (see the header comment): wizer.initialize, then the capture tail.
std::vector<uint8_t> capture_body(const preinit::Layout& l) {
  std::vector<uint8_t> code = {0x01, 0x01, 0x7f};  // one local: i32
  code.push_back(0x10);
  write_leb(code, *l.exported_function(kInitExport));
  preinit::append_capture_tail(code, l, 0);
  code.push_back(0x0b);
  std::vector<uint8_t> entry;
  write_leb(entry, code.size());
  entry.insert(entry.end(), code.begin(), code.end());
  return entry;
}

std::string cache_key(std::span<const uint8_t> binary, const InstalledRuntime& runtime) {
  std::string material = fmt::format("wws-preinit-{}\n", kFormatVersion);
  material += util::sha256_hex(std::string_view(reinterpret_cast<const char*>(binary.data()), binary.size()));
  for (const auto* f : {&runtime.meta.wrapper, &runtime.meta.polyfill})
    if (*f) material += fmt::format("\n{} {}", (*f)->filename, (*f)->sha256);
  for (const auto& a : runtime.meta.args) material += fmt::format("\narg {}", a);
  for (const auto& [k, v] : runtime.meta.envs) material += fmt::format("\nenv {}={}", k, v);
  return util::sha256_hex(material).substr(0, 24);
}

}  // namespace

bool can_preinitialise(std::span<const uint8_t> wasm) {
  std::string ignored;
  auto info = engine::inspect_module(wasm, &ignored);
  return info && std::find(info->exports.begin(), info->exports.end(), kInitExport) != info->exports.end();
}

std::optional<std::vector<uint8_t>> make_capture_module(std::span<const uint8_t> wasm, std::string* error) {
  preinit::Layout l;
  if (!preinit::read_layout(wasm, l, error)) return std::nullopt;
  if (auto why = why_not(l)) {
    *error = *why;
    return std::nullopt;
  }
  uint32_t capture = l.imported_functions + l.defined_functions;
  std::vector<uint8_t> type_entry = {0x60, 0x00, 0x00}, func_entry;
  write_leb(func_entry, l.types);
  std::vector<uint8_t> code_entry = capture_body(l);
  std::vector<uint8_t> out(wasm.begin(), wasm.begin() + 8);
  for_each_section(wasm, nullptr, [&](uint8_t id, size_t begin, size_t end, size_t start) {
    switch (id) {
      case kTypeSection: put_section(out, id, append_entry(wasm, begin, end, type_entry)); break;
      case kFunctionSection: put_section(out, id, append_entry(wasm, begin, end, func_entry)); break;
      case kExportSection: put_section(out, id, preinit::rewrite_exports(wasm, begin, end, capture, "")); break;
      case kCodeSection: put_section(out, id, append_entry(wasm, begin, end, code_entry)); break;
      default: out.insert(out.end(), wasm.begin() + start, wasm.begin() + end);
    }
    return true;
  });
  return out;
}

std::optional<std::vector<uint8_t>> make_snapshot_module(std::span<const uint8_t> wasm, const Snapshot& snapshot,
                                                         std::string* error) {
  preinit::Layout l;
  if (!preinit::read_layout(wasm, l, error)) return std::nullopt;
  if (auto why = why_not(l)) {
    *error = *why;
    return std::nullopt;
  }
  return preinit::bake(wasm, snapshot, {kInitExport, std::nullopt}, error);
}

std::optional<Snapshot> take_snapshot(engine::Engine& engine, std::span<const uint8_t> wasm, const WorkerLayout& layout,
                                      std::string* log, std::string* error) {
  auto capture = make_capture_module(wasm, error);
  if (!capture) return std::nullopt;
  preinit::Layout l;
  preinit::read_layout(wasm, l, error);
  wasi::WasiConfig config;
  config.args = layout.args;
  config.env = layout.env;
  config.root = layout.root;
  auto snapshot =
      preinit::run_capture(engine, *capture, std::move(config), l.mutable_globals.size(),
                           std::chrono::milliseconds(120'000), "wizer.initialize returned", log, nullptr, error);
  if (!snapshot) *error = "booting: " + *error;
  return snapshot;
}

std::optional<std::vector<uint8_t>> interpreter_module(engine::Engine& engine, const InstalledRuntime& runtime,
                                                       bool* preinitialised, std::string* error) {
  *preinitialised = false;
  std::vector<uint8_t> binary;
  if (!util::read_file(runtime.binary(), binary)) {
    *error = fmt::format("cannot read {}", runtime.binary().string());
    return std::nullopt;
  }
  // WWS_PREINIT=0 boots the interpreter on every request instead (to measure what the
  // snapshot saves, or to rule it out when debugging a runtime).
  const char* preinit = std::getenv("WWS_PREINIT");
  if (!can_preinitialise(binary) || (preinit && std::string_view(preinit) == "0")) return binary;

  fs::path cache = runtime.dir / ".preinit" / (cache_key(binary, runtime) + ".wasm");
  std::vector<uint8_t> cached;
  if (util::read_file(cache, cached) && !cached.empty()) {
    *preinitialised = true;
    return cached;
  }
  auto started = std::chrono::steady_clock::now();
  auto layout = prepare_preinit_layout(runtime, runtime.dir / ".preinit" / "work", error);
  if (!layout) return std::nullopt;
  std::string log;
  auto snapshot = take_snapshot(engine, binary, *layout, &log, error);
  if (!snapshot) {
    if (!log.empty()) *error += "; its output: " + log.substr(0, 4000);
    *error = fmt::format("pre-initialising {} failed: {}", runtime.label(), *error);
    return std::nullopt;
  }
  auto module = make_snapshot_module(binary, *snapshot, error);
  if (!module) return std::nullopt;
  std::string why;
  std::error_code ec;
  fs::create_directories(cache.parent_path(), ec);
  // Older snapshots of this runtime (other keys) are stale.
  for (const auto& entry : fs::directory_iterator(cache.parent_path(), ec))
    if (entry.path().extension() == ".wasm") fs::remove(entry.path(), ec);
  if (!util::write_file_atomically(
          cache, std::string_view(reinterpret_cast<const char*>(module->data()), module->size()), &why))
    spdlog::warn("the snapshot of {} could not be cached: {}", runtime.label(), why);
  spdlog::info("Pre-initialised {} in {:.0f} ms ({} MiB snapshot)", runtime.label(),
               std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count(),
               snapshot->memory.size() >> 20);
  *preinitialised = true;
  return module;
}

}  // namespace wws::runtimes
