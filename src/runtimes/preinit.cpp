#include "runtimes/preinit.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/module_info.h"
#include "engine/wasm_binary.h"
#include "runtimes/files.h"
#include "wasi/context.h"

namespace wws::runtimes {
namespace fs = std::filesystem;
using namespace engine::wasm;

namespace {

constexpr int kFormatVersion = 1;  // bump when the snapshot's layout or the capture changes
constexpr uint64_t kPage = 64 * 1024;
constexpr size_t kSegmentGranule = 4096;  // snapshot data is cut at zero 4 KiB blocks

void write_sleb(std::vector<uint8_t>& out, int64_t v) {
  bool more = true;
  while (more) {
    uint8_t b = v & 0x7f;
    v >>= 7;
    more = !((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40)));
    out.push_back(b | (more ? 0x80 : 0));
  }
}

void put_name(std::vector<uint8_t>& out, std::string_view name) {
  write_leb(out, name.size());
  out.insert(out.end(), name.begin(), name.end());
}

// Skips a constant expression (MVP + reference types); false if it is something else.
bool skip_const_expr(Reader& r) {
  while (r.ok()) {
    uint8_t op = r.byte();
    switch (op) {
      case 0x0b: return true;
      case 0x41: case 0x42: r.leb(64); break;  // i32/i64.const (sign bits are irrelevant to skipping)
      case 0x43: r.skip(4); break;
      case 0x44: r.skip(8); break;
      case 0x23: case 0xd2: r.leb(32); break;  // global.get, ref.func
      case 0xd0: r.byte(); break;              // ref.null
      default: return false;
    }
  }
  return false;
}

struct GlobalInfo {
  uint32_t index;  // in the global index space
  uint8_t type;
};

struct Layout {
  uint32_t types = 0;
  uint32_t imported_functions = 0, defined_functions = 0, imported_globals = 0;
  std::optional<uint32_t> proc_exit, init, start_export;
  std::vector<GlobalInfo> mutable_globals;
  bool has_start = false, imports_mutable_global = false, defined_memory = false, has_code = false;
};

bool read_layout(std::span<const uint8_t> wasm, Layout& l, std::string* error) {
  return for_each_section(wasm, error, [&](uint8_t id, size_t begin, size_t end, size_t) {
    Reader r(wasm, begin, end);
    switch (id) {
      case kTypeSection: l.types = static_cast<uint32_t>(r.leb(32)); return r.ok();
      case kImportSection: {
        uint64_t n = r.leb(32);
        for (uint64_t i = 0; i < n && r.ok(); ++i) {
          std::string module = r.name(), name = r.name();
          switch (r.byte()) {
            case 0:
              r.leb(32);
              if (module == "wasi_snapshot_preview1" && name == "proc_exit") l.proc_exit = l.imported_functions;
              l.imported_functions++;
              break;
            case 1: r.byte(); if (r.byte() & 1) { r.leb(64); r.leb(64); } else r.leb(64); break;
            case 2: { uint8_t flags = r.byte(); r.leb(64); if (flags & 1) r.leb(64); break; }
            case 3: r.byte(); if (r.byte() == 1) l.imports_mutable_global = true; l.imported_globals++; break;
            case 4: r.byte(); r.leb(32); break;
            default: return false;
          }
        }
        return r.ok();
      }
      case kFunctionSection: l.defined_functions = static_cast<uint32_t>(r.leb(32)); return r.ok();
      case kMemorySection: l.defined_memory = r.leb(32) == 1; return r.ok();
      case kGlobalSection: {
        uint64_t n = r.leb(32);
        for (uint64_t i = 0; i < n && r.ok(); ++i) {
          uint8_t type = r.byte();
          bool is_mutable = r.byte() == 1;
          if (!skip_const_expr(r)) return false;
          if (is_mutable) l.mutable_globals.push_back({static_cast<uint32_t>(l.imported_globals + i), type});
        }
        return r.ok();
      }
      case kExportSection: {
        uint64_t n = r.leb(32);
        for (uint64_t i = 0; i < n && r.ok(); ++i) {
          std::string name = r.name();
          uint8_t kind = r.byte();
          uint32_t index = static_cast<uint32_t>(r.leb(32));
          if (kind == 0 && name == kInitExport) l.init = index;
          if (kind == 0 && name == "_start") l.start_export = index;
        }
        return r.ok();
      }
      case kStartSection: l.has_start = true; return true;
      case kCodeSection: l.has_code = true; return true;
      default: return true;
    }
  });
}

std::optional<uint8_t> store_opcode(uint8_t type) {
  switch (type) {
    case 0x7f: return 0x36;  // i32.store
    case 0x7e: return 0x37;  // i64.store
    case 0x7d: return 0x38;  // f32.store
    case 0x7c: return 0x39;  // f64.store
    default: return std::nullopt;
  }
}

bool check_layout(const Layout& l, std::string* error) {
  auto fail = [&](const char* why) {
    *error = why;
    return false;
  };
  if (!l.init) return fail("it does not export wizer.initialize");
  if (!l.proc_exit) return fail("it does not import wasi_snapshot_preview1.proc_exit");
  if (l.has_start) return fail("it has a start function");
  if (!l.defined_memory) return fail("it does not define exactly one memory");
  if (l.imports_mutable_global) return fail("it imports a mutable global");
  if (!l.types || !l.has_code) return fail("it has no code");
  for (const auto& g : l.mutable_globals)
    if (!store_opcode(g.type)) return fail("it has a mutable global of a reference or vector type");
  return true;
}

// The body of the capture function (see the header comment).
std::vector<uint8_t> capture_body(const Layout& l) {
  std::vector<uint8_t> code = {0x01, 0x01, 0x7f};  // one local: i32
  code.push_back(0x10);
  write_leb(code, *l.init);
  // local0 = memory.grow(1) * 65536, or trap
  code.insert(code.end(), {0x41, 0x01, 0x40, 0x00, 0x22, 0x00, 0x41, 0x7f, 0x46, 0x04, 0x40, 0x00, 0x0b});
  code.insert(code.end(), {0x20, 0x00, 0x41, 0x10, 0x74, 0x21, 0x00});
  for (size_t k = 0; k < l.mutable_globals.size(); ++k) {
    const auto& g = l.mutable_globals[k];
    code.insert(code.end(), {0x20, 0x00, 0x23});
    write_leb(code, g.index);
    code.push_back(*store_opcode(g.type));
    code.push_back(g.type == 0x7e || g.type == 0x7c ? 3 : 2);  // alignment
    write_leb(code, 8 * k);
  }
  code.push_back(0x41);
  write_sleb(code, kCaptureExitCode);
  code.push_back(0x10);
  write_leb(code, *l.proc_exit);
  code.push_back(0x0b);
  std::vector<uint8_t> entry;
  write_leb(entry, code.size());
  entry.insert(entry.end(), code.begin(), code.end());
  return entry;
}

// The export section without `drop` and with `_start` pointing at `start` (added if absent).
std::vector<uint8_t> rewrite_exports(std::span<const uint8_t> wasm, size_t begin, size_t end,
                                     std::optional<uint32_t> start, std::string_view drop) {
  Reader r(wasm, begin, end);
  uint64_t n = r.leb(32);
  std::vector<uint8_t> entries;
  uint64_t count = 0;
  bool start_written = false;
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    std::string name = r.name();
    uint8_t kind = r.byte();
    uint32_t index = static_cast<uint32_t>(r.leb(32));
    if (name == drop) continue;
    if (kind == 0 && name == "_start" && start) {
      index = *start;
      start_written = true;
    }
    put_name(entries, name);
    entries.push_back(kind);
    write_leb(entries, index);
    count++;
  }
  if (start && !start_written) {
    put_name(entries, "_start");
    entries.push_back(0);
    write_leb(entries, *start);
    count++;
  }
  std::vector<uint8_t> body;
  write_leb(body, count);
  body.insert(body.end(), entries.begin(), entries.end());
  return body;
}

// Non-zero stretches of memory, cut at zero blocks.
std::vector<std::pair<size_t, size_t>> data_ranges(const std::vector<uint8_t>& memory) {
  std::vector<std::pair<size_t, size_t>> ranges;
  for (size_t at = 0; at < memory.size(); at += kSegmentGranule) {
    size_t end = std::min(memory.size(), at + kSegmentGranule);
    bool zero = std::all_of(memory.begin() + at, memory.begin() + end, [](uint8_t b) { return b == 0; });
    if (zero) continue;
    if (!ranges.empty() && ranges.back().second == at) ranges.back().second = end;
    else ranges.push_back({at, end});
  }
  return ranges;
}

std::vector<uint8_t> global_init(uint8_t type, uint64_t raw) {
  std::vector<uint8_t> out;
  switch (type) {
    case 0x7f: out.push_back(0x41); write_sleb(out, static_cast<int32_t>(static_cast<uint32_t>(raw))); break;
    case 0x7e: out.push_back(0x42); write_sleb(out, static_cast<int64_t>(raw)); break;
    case 0x7d: out.push_back(0x43); for (int i = 0; i < 4; ++i) out.push_back(uint8_t(raw >> (8 * i))); break;
    default: out.push_back(0x44); for (int i = 0; i < 8; ++i) out.push_back(uint8_t(raw >> (8 * i))); break;
  }
  out.push_back(0x0b);
  return out;
}

std::string cache_key(std::span<const uint8_t> binary, const InstalledRuntime& runtime) {
  std::string material = fmt::format("wws-preinit-{}\n", kFormatVersion);
  material += sha256_hex(std::string_view(reinterpret_cast<const char*>(binary.data()), binary.size()));
  for (const auto* f : {&runtime.meta.wrapper, &runtime.meta.polyfill})
    if (*f) material += "\n" + (*f)->filename + " " + (*f)->sha256;
  for (const auto& a : runtime.meta.args) material += "\narg " + a;
  for (const auto& [k, v] : runtime.meta.envs) material += "\nenv " + k + "=" + v;
  return sha256_hex(material).substr(0, 24);
}

}  // namespace

bool can_preinitialise(std::span<const uint8_t> wasm) {
  std::string ignored;
  auto info = engine::inspect_module(wasm, &ignored);
  return info && std::find(info->exports.begin(), info->exports.end(), kInitExport) != info->exports.end();
}

std::optional<std::vector<uint8_t>> make_capture_module(std::span<const uint8_t> wasm, std::string* error) {
  Layout l;
  if (!read_layout(wasm, l, error)) {
    if (error->empty()) *error = "malformed module";
    return std::nullopt;
  }
  if (!check_layout(l, error)) return std::nullopt;
  uint32_t capture = l.imported_functions + l.defined_functions;
  std::vector<uint8_t> type_entry = {0x60, 0x00, 0x00}, func_entry;
  write_leb(func_entry, l.types);
  std::vector<uint8_t> code_entry = capture_body(l);
  std::vector<uint8_t> out(wasm.begin(), wasm.begin() + 8);
  for_each_section(wasm, nullptr, [&](uint8_t id, size_t begin, size_t end, size_t start) {
    switch (id) {
      case kTypeSection: put_section(out, id, append_entry(wasm, begin, end, type_entry)); break;
      case kFunctionSection: put_section(out, id, append_entry(wasm, begin, end, func_entry)); break;
      case kExportSection: put_section(out, id, rewrite_exports(wasm, begin, end, capture, "")); break;
      case kCodeSection: put_section(out, id, append_entry(wasm, begin, end, code_entry)); break;
      default: out.insert(out.end(), wasm.begin() + start, wasm.begin() + end);
    }
    return true;
  });
  return out;
}

std::optional<std::vector<uint8_t>> make_snapshot_module(std::span<const uint8_t> wasm, const Snapshot& snapshot,
                                                         std::string* error) {
  Layout l;
  if (!read_layout(wasm, l, error) || !check_layout(l, error)) return std::nullopt;
  if (snapshot.globals.size() != l.mutable_globals.size() || snapshot.memory.size() % kPage) {
    *error = "the snapshot does not match the module";
    return std::nullopt;
  }
  auto ranges = data_ranges(snapshot.memory);
  uint64_t segments = 0;
  for_each_section(wasm, nullptr, [&](uint8_t id, size_t begin, size_t end, size_t) {
    if (id == kDataSection) segments = Reader(wasm, begin, end).leb(32);
    return true;
  });
  std::vector<uint8_t> out(wasm.begin(), wasm.begin() + 8);
  bool ok = for_each_section(wasm, error, [&](uint8_t id, size_t begin, size_t end, size_t start) {
    Reader r(wasm, begin, end);
    std::vector<uint8_t> body;
    switch (id) {
      case kMemorySection: {
        r.leb(32);
        uint8_t flags = r.byte();
        if (flags & ~1u) return false;  // shared or 64-bit
        uint64_t min = r.leb(64);
        write_leb(body, 1);
        body.push_back(flags);
        write_leb(body, std::max<uint64_t>(min, snapshot.memory.size() / kPage));
        if (flags & 1) write_leb(body, r.leb(64));
        break;
      }
      case kGlobalSection: {
        uint64_t n = r.leb(32);
        write_leb(body, n);
        size_t k = 0;
        for (uint64_t i = 0; i < n && r.ok(); ++i) {
          size_t at = r.pos();
          uint8_t type = r.byte();
          bool is_mutable = r.byte() == 1;
          if (!skip_const_expr(r)) return false;
          if (!is_mutable) {
            body.insert(body.end(), wasm.begin() + at, wasm.begin() + r.pos());
            continue;
          }
          body.push_back(type);
          body.push_back(1);
          auto init = global_init(type, snapshot.globals[k++]);
          body.insert(body.end(), init.begin(), init.end());
        }
        break;
      }
      case kExportSection: body = rewrite_exports(wasm, begin, end, std::nullopt, kInitExport); break;
      case kDataCountSection: write_leb(body, segments + ranges.size()); break;
      case kDataSection: {
        // Active segments become empty ones, so passive segments keep their indexes (memory.init
        // and data.drop name them); the snapshot's data follows.
        uint64_t n = r.leb(32);
        write_leb(body, n + ranges.size());
        for (uint64_t i = 0; i < n && r.ok(); ++i) {
          uint64_t flags = r.leb(32);
          if (flags == 1) {
            uint64_t size = r.leb(32);
            if (!r.ok() || size > r.end() - r.pos()) return false;
            body.push_back(1);
            write_leb(body, size);
            body.insert(body.end(), wasm.begin() + r.pos(), wasm.begin() + r.pos() + size);
            r.skip(size);
            continue;
          }
          if (flags == 2) r.leb(32);
          if (flags > 2 || !skip_const_expr(r)) return false;
          r.skip(r.leb(32));
          body.insert(body.end(), {0x00, 0x41, 0x00, 0x0b, 0x00});
        }
        for (const auto& [from, to] : ranges) {
          body.insert(body.end(), {0x00, 0x41});
          write_sleb(body, static_cast<int32_t>(static_cast<uint32_t>(from)));
          body.push_back(0x0b);
          write_leb(body, to - from);
          body.insert(body.end(), snapshot.memory.begin() + from, snapshot.memory.begin() + to);
        }
        break;
      }
      default: out.insert(out.end(), wasm.begin() + start, wasm.begin() + end); return true;
    }
    put_section(out, id, body);
    return r.ok();
  });
  if (!ok) {
    if (error->empty()) *error = "malformed module";
    return std::nullopt;
  }
  if (!segments && !ranges.empty()) {  // a module without a data section: add one at the end
    std::vector<uint8_t> body;
    write_leb(body, ranges.size());
    for (const auto& [from, to] : ranges) {
      body.insert(body.end(), {0x00, 0x41});
      write_sleb(body, static_cast<int32_t>(static_cast<uint32_t>(from)));
      body.push_back(0x0b);
      write_leb(body, to - from);
      body.insert(body.end(), snapshot.memory.begin() + from, snapshot.memory.begin() + to);
    }
    bool has_data = false;
    for_each_section(wasm, nullptr, [&](uint8_t id, size_t, size_t, size_t) { has_data |= id == kDataSection; return true; });
    if (!has_data) put_section(out, kDataSection, body);
  }
  return out;
}

std::optional<Snapshot> take_snapshot(engine::Engine& engine, std::span<const uint8_t> wasm, const WorkerLayout& layout,
                                      std::string* log, std::string* error) {
  auto capture = make_capture_module(wasm, error);
  if (!capture) return std::nullopt;
  engine::CompileOptions options{uint64_t{4} << 30};
  auto module = engine.compile(*capture, options, error);
  if (!module) return std::nullopt;
  Snapshot snapshot;
  std::optional<uint32_t> exit_code;
  size_t globals = 0;
  {
    Layout l;
    std::string ignored;
    read_layout(wasm, l, &ignored);
    globals = l.mutable_globals.size();
  }
  wasi::WasiConfig config;
  config.args = layout.args;
  config.env = layout.env;
  config.root = layout.root;
  config.stdin_data = "";
  config.stderr_sink = [&](std::string_view text) { log->append(text); };
  config.on_exit = [&](const wasi::GuestMemory& memory, uint32_t code) {
    exit_code = code;
    if (code != kCaptureExitCode || memory.size() < kPage) return;
    size_t size = memory.size() - kPage;  // the last page holds the globals
    const uint8_t* base = memory.range(0, memory.size());
    snapshot.memory.assign(base, base + size);
    for (size_t k = 0; k < globals; ++k) {
      uint64_t v = 0;
      std::memcpy(&v, base + size + 8 * k, 8);
      snapshot.globals.push_back(v);
    }
  };
  wasi::WasiContext ctx(std::move(config));
  auto executor = engine.new_executor();
  auto result = executor->run(*module, ctx, engine::RunLimits{std::chrono::milliseconds(120'000)});
  if (exit_code != kCaptureExitCode || snapshot.memory.empty()) {
    *error = exit_code ? fmt::format("booting it stopped with exit code {}", *exit_code)
                       : fmt::format("booting it failed: {}", result.message);
    if (!ctx.stdout_buffer().empty()) *error += "; it printed: " + ctx.stdout_buffer().substr(0, 2000);
    return std::nullopt;
  }
  return snapshot;
}

std::optional<std::vector<uint8_t>> interpreter_module(engine::Engine& engine, const InstalledRuntime& runtime,
                                                       bool* preinitialised, std::string* error) {
  *preinitialised = false;
  std::string text;
  if (!read_text_file(runtime.binary(), text)) {
    *error = fmt::format("cannot read {}", runtime.binary().string());
    return std::nullopt;
  }
  std::vector<uint8_t> binary(text.begin(), text.end());
  std::string().swap(text);
  // WWS_PREINIT=0 boots the interpreter on every request instead (to measure what the
  // snapshot saves, or to rule it out when debugging a runtime).
  const char* preinit = std::getenv("WWS_PREINIT");
  if (!can_preinitialise(binary) || (preinit && std::string_view(preinit) == "0")) return binary;

  fs::path cache = runtime.dir / ".preinit" / (cache_key(binary, runtime) + ".wasm");
  std::string cached;
  if (read_text_file(cache, cached) && !cached.empty()) {
    *preinitialised = true;
    return std::vector<uint8_t>(cached.begin(), cached.end());
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
  if (!write_file_atomically(cache, std::string_view(reinterpret_cast<const char*>(module->data()), module->size()), &why))
    spdlog::warn("the snapshot of {} could not be cached: {}", runtime.label(), why);
  spdlog::info("Pre-initialised {} in {:.0f} ms ({} MiB snapshot)", runtime.label(),
               std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count(),
               snapshot->memory.size() >> 20);
  *preinitialised = true;
  return module;
}

}  // namespace wws::runtimes
