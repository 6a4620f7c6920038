#include "preinit/snapshot.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "engine/wasm_binary.h"

namespace wws::preinit {
using namespace engine::wasm;

namespace {

constexpr size_t kSegmentGranule = 4096;  // snapshot data is cut at zero 4 KiB blocks

std::optional<uint8_t> store_opcode(uint8_t type) {
  switch (type) {
    case 0x7f: return 0x36;  // i32.store
    case 0x7e: return 0x37;  // i64.store
    case 0x7d: return 0x38;  // f32.store
    case 0x7c: return 0x39;  // f64.store
    default: return std::nullopt;
  }
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

void put_ranges(std::vector<uint8_t>& body, const std::vector<std::pair<size_t, size_t>>& ranges,
                const std::vector<uint8_t>& memory) {
  for (const auto& [from, to] : ranges) {
    body.insert(body.end(), {0x00, 0x41});
    write_sleb(body, static_cast<int32_t>(static_cast<uint32_t>(from)));
    body.push_back(0x0b);
    write_leb(body, to - from);
    body.insert(body.end(), memory.begin() + from, memory.begin() + to);
  }
}

std::vector<uint8_t> global_init(uint8_t type, uint64_t raw) {
  std::vector<uint8_t> out;
  switch (type) {
    case 0x7f:
      out.push_back(0x41);
      write_sleb(out, static_cast<int32_t>(static_cast<uint32_t>(raw)));
      break;
    case 0x7e:
      out.push_back(0x42);
      write_sleb(out, static_cast<int64_t>(raw));
      break;
    case 0x7d:
      out.push_back(0x43);
      for (int i = 0; i < 4; ++i) out.push_back(uint8_t(raw >> (8 * i)));
      break;
    default:
      out.push_back(0x44);
      for (int i = 0; i < 8; ++i) out.push_back(uint8_t(raw >> (8 * i)));
      break;
  }
  out.push_back(0x0b);
  return out;
}

}  // namespace

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
    if (!drop.empty() && name == drop) continue;
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

bool skip_const_expr(Reader& r) {
  while (r.ok()) {
    uint8_t op = r.byte();
    switch (op) {
      case 0x0b: return true;
      case 0x41:
      case 0x42: r.leb(64); break;  // i32/i64.const (sign bits are irrelevant to skipping)
      case 0x43: r.skip(4); break;
      case 0x44: r.skip(8); break;
      case 0x23:
      case 0xd2: r.leb(32); break;  // global.get, ref.func
      case 0xd0: r.byte(); break;   // ref.null
      default: return false;
    }
  }
  return false;
}

std::optional<uint32_t> Layout::exported_function(std::string_view name) const {
  for (const auto& [n, index] : function_exports)
    if (n == name) return index;
  return std::nullopt;
}

std::optional<uint32_t> Layout::imported_function(std::string_view module, std::string_view name) const {
  for (size_t i = 0; i < function_imports.size(); ++i)
    if (function_imports[i].module == module && function_imports[i].name == name) return static_cast<uint32_t>(i);
  return std::nullopt;
}

namespace {

// One import's description (after its module and name): functions are recorded, memories,
// tables and tags skipped, globals counted. False for an unknown kind.
bool read_import(Reader& r, std::string module, std::string name, Layout& l) {
  switch (r.byte()) {
    case 0: {
      uint32_t type = static_cast<uint32_t>(r.leb(32));
      if (module == "wasi_snapshot_preview1" && name == "proc_exit") l.proc_exit = l.imported_functions;
      l.function_imports.push_back({std::move(module), std::move(name), type});
      l.imported_functions++;
      return true;
    }
    case 1:  // a table: its element type and limits
      r.byte();
      if (r.byte() & 1) r.leb(64);
      r.leb(64);
      return true;
    case 2: {  // a memory: its limits
      uint8_t flags = r.byte();
      r.leb(64);
      if (flags & 1) r.leb(64);
      return true;
    }
    case 3:  // a global: its type and mutability
      r.byte();
      if (r.byte() == 1) l.imports_mutable_global = true;
      l.imported_globals++;
      return true;
    case 4:  // a tag
      r.byte();
      r.leb(32);
      return true;
    default: return false;
  }
}

bool read_imports(Reader& r, Layout& l) {
  uint64_t n = r.leb(32);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    std::string module = r.name(), name = r.name();
    if (!read_import(r, std::move(module), std::move(name), l)) return false;
  }
  return r.ok();
}

bool read_globals(Reader& r, Layout& l) {
  uint64_t n = r.leb(32);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    uint8_t type = r.byte();
    bool is_mutable = r.byte() == 1;
    if (!skip_const_expr(r)) return false;
    if (is_mutable) l.mutable_globals.push_back({static_cast<uint32_t>(l.imported_globals + i), type});
  }
  return r.ok();
}

bool read_exports(Reader& r, Layout& l) {
  uint64_t n = r.leb(32);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    std::string name = r.name();
    uint8_t kind = r.byte();
    uint32_t index = static_cast<uint32_t>(r.leb(32));
    if (kind == 0 && name == "_start") l.start_export = index;
    if (kind == 0) l.function_exports.emplace_back(std::move(name), index);
  }
  return r.ok();
}

}  // namespace

bool read_layout(std::span<const uint8_t> wasm, Layout& l, std::string* error) {
  bool ok = for_each_section(wasm, error, [&](uint8_t id, size_t begin, size_t end, size_t) {
    Reader r(wasm, begin, end);
    switch (id) {
      case kTypeSection: l.types = static_cast<uint32_t>(r.leb(32)); return r.ok();
      case kImportSection: return read_imports(r, l);
      case kFunctionSection: l.defined_functions = static_cast<uint32_t>(r.leb(32)); return r.ok();
      case kMemorySection: l.defined_memory = r.leb(32) == 1; return r.ok();
      case kGlobalSection: return read_globals(r, l);
      case kExportSection: return read_exports(r, l);
      case kStartSection: l.has_start = true; return true;
      case kCodeSection: l.has_code = true; return true;
      default: return true;
    }
  });
  if (!ok && error && error->empty()) *error = "malformed module";
  return ok;
}

std::optional<std::string> why_not_capturable(const Layout& l) {
  if (!l.proc_exit) return "it does not import wasi_snapshot_preview1.proc_exit";
  if (l.has_start) return "it has a start function";
  if (!l.defined_memory) return "it does not define exactly one memory";
  if (l.imports_mutable_global) return "it imports a mutable global";
  if (!l.types || !l.has_code) return "it has no code";
  for (const auto& g : l.mutable_globals)
    if (!store_opcode(g.type)) return "it has a mutable global of a reference or vector type";
  return std::nullopt;
}

void append_capture_tail(std::vector<uint8_t>& code, const Layout& l, uint32_t scratch) {
  // scratch = memory.grow(1), or trap; scratch *= 65536
  code.insert(code.end(), {0x41, 0x01, 0x40, 0x00, 0x22});
  write_leb(code, scratch);
  code.insert(code.end(), {0x41, 0x7f, 0x46, 0x04, 0x40, 0x00, 0x0b, 0x20});
  write_leb(code, scratch);
  code.insert(code.end(), {0x41, 0x10, 0x74, 0x21});
  write_leb(code, scratch);
  for (size_t k = 0; k < l.mutable_globals.size(); ++k) {
    const auto& g = l.mutable_globals[k];
    code.push_back(0x20);
    write_leb(code, scratch);
    code.push_back(0x23);
    write_leb(code, g.index);
    code.push_back(*store_opcode(g.type));
    code.push_back(g.type == 0x7e || g.type == 0x7c ? 3 : 2);  // alignment
    write_leb(code, 8 * k);
  }
  code.push_back(0x41);
  write_sleb(code, kCaptureExitCode);
  code.push_back(0x10);
  write_leb(code, *l.proc_exit);
}

namespace {

using Ranges = std::vector<std::pair<size_t, size_t>>;

// The memory section, its minimum raised to hold `memory_bytes`. False for a shared or 64-bit
// memory.
bool rewrite_memory(Reader& r, size_t memory_bytes, std::vector<uint8_t>& body) {
  r.leb(32);
  uint8_t flags = r.byte();
  if (flags & ~1u) return false;  // shared or 64-bit
  uint64_t min = r.leb(64);
  write_leb(body, 1);
  body.push_back(flags);
  write_leb(body, std::max<uint64_t>(min, memory_bytes / kPage));
  if (flags & 1) write_leb(body, r.leb(64));
  return true;
}

// The global section, every mutable global initialised to its captured value (`globals`, in
// their order).
bool rewrite_globals(std::span<const uint8_t> wasm, Reader& r, const std::vector<uint64_t>& globals,
                     std::vector<uint8_t>& body) {
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
    auto init = global_init(type, globals[k++]);
    body.insert(body.end(), init.begin(), init.end());
  }
  return true;
}

// The data section: active segments become empty ones, so passive segments keep their indexes
// (memory.init and data.drop name them); the captured memory's `ranges` follow.
bool rewrite_data(std::span<const uint8_t> wasm, Reader& r, const Ranges& ranges, const std::vector<uint8_t>& memory,
                  std::vector<uint8_t>& body) {
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
  put_ranges(body, ranges, memory);
  return true;
}

std::optional<std::string> why_not_bakeable(const Layout& l, const Snapshot& snapshot) {
  if (auto why = why_not_capturable(l)) return why;
  if (snapshot.globals.size() != l.mutable_globals.size() || snapshot.memory.size() % kPage)
    return "the snapshot does not match the module";
  return std::nullopt;
}

// How many segments the module's data section has; nullopt when it has none.
std::optional<uint64_t> data_segment_count(std::span<const uint8_t> wasm) {
  std::optional<uint64_t> segments;
  for_each_section(wasm, nullptr, [&](uint8_t id, size_t begin, size_t end, size_t) {
    if (id == kDataSection) segments = Reader(wasm, begin, end).leb(32);
    return true;
  });
  return segments;
}

}  // namespace

std::optional<std::vector<uint8_t>> bake(std::span<const uint8_t> wasm, const Snapshot& snapshot,
                                         const BakeEdits& edits, std::string* error) {
  Layout l;
  if (!read_layout(wasm, l, error)) return std::nullopt;
  if (auto why = why_not_bakeable(l, snapshot)) {
    *error = *why;
    return std::nullopt;
  }
  std::optional<uint32_t> start_index;
  if (edits.new_start) start_index = l.imported_functions + l.defined_functions;
  auto ranges = data_ranges(snapshot.memory);
  const std::optional<uint64_t> data_segments = data_segment_count(wasm);
  const bool has_data = data_segments.has_value();
  const uint64_t segments = data_segments.value_or(0);
  std::vector<uint8_t> out(wasm.begin(), wasm.begin() + 8);
  bool ok = for_each_section(wasm, error, [&](uint8_t id, size_t begin, size_t end, size_t start) {
    const bool adds_start = id == kTypeSection || id == kFunctionSection || id == kCodeSection;
    if (adds_start && !edits.new_start) {
      out.insert(out.end(), wasm.begin() + start, wasm.begin() + end);
      return true;
    }
    Reader r(wasm, begin, end);
    std::vector<uint8_t> body;
    switch (id) {
      case kTypeSection: body = append_entry(wasm, begin, end, {0x60, 0x00, 0x00}); break;
      case kFunctionSection: {
        std::vector<uint8_t> entry;
        write_leb(entry, l.types);
        body = append_entry(wasm, begin, end, entry);
        break;
      }
      case kCodeSection: {
        std::vector<uint8_t> entry;
        write_leb(entry, edits.new_start->size());
        entry.insert(entry.end(), edits.new_start->begin(), edits.new_start->end());
        body = append_entry(wasm, begin, end, entry);
        break;
      }
      case kMemorySection:
        if (!rewrite_memory(r, snapshot.memory.size(), body)) return false;
        break;
      case kGlobalSection:
        if (!rewrite_globals(wasm, r, snapshot.globals, body)) return false;
        break;
      case kExportSection: body = rewrite_exports(wasm, begin, end, start_index, edits.drop_export); break;
      case kDataCountSection: write_leb(body, segments + ranges.size()); break;
      case kDataSection:
        if (!rewrite_data(wasm, r, ranges, snapshot.memory, body)) return false;
        break;
      default: out.insert(out.end(), wasm.begin() + start, wasm.begin() + end); return true;
    }
    put_section(out, id, body);
    return r.ok();
  });
  if (!ok) {
    if (error->empty()) *error = "malformed module";
    return std::nullopt;
  }
  if (!has_data && !ranges.empty()) {  // a module without a data section: add one at the end
    std::vector<uint8_t> body;
    write_leb(body, ranges.size());
    put_ranges(body, ranges, snapshot.memory);
    put_section(out, kDataSection, body);
  }
  return out;
}

std::optional<Snapshot> run_capture(engine::Engine& engine, std::span<const uint8_t> capture, wasi::WasiConfig config,
                                    size_t mutable_globals, std::chrono::milliseconds time_limit,
                                    std::string_view point, std::string* log, std::string* stdout_out,
                                    std::string* error) {
  engine::CompileOptions options{uint64_t{4} << 30};
  auto module = engine.compile(capture, options, error);
  if (!module) return std::nullopt;
  Snapshot snapshot;
  std::optional<uint32_t> exit_code;
  config.stdin_data = "";
  config.stderr_sink = [&](std::string_view text) { log->append(text); };
  config.on_exit = [&](const wasi::GuestMemory& memory, uint32_t code) {
    exit_code = code;
    if (code != kCaptureExitCode || memory.size() < kPage) return;
    size_t size = memory.size() - kPage;  // the last page holds the globals
    const uint8_t* base = memory.range(0, memory.size());
    snapshot.memory.assign(base, base + size);
    for (size_t k = 0; k < mutable_globals; ++k) {
      uint64_t v = 0;
      std::memcpy(&v, base + size + 8 * k, 8);
      snapshot.globals.push_back(v);
    }
  };
  wasi::WasiContext ctx(std::move(config));
  auto executor = engine.new_executor();
  auto result = executor->run(*module, ctx, engine::RunLimits{time_limit});
  if (stdout_out) *stdout_out = ctx.stdout_buffer();
  if (exit_code != kCaptureExitCode || snapshot.memory.empty()) {
    *error = exit_code ? fmt::format("it exited with code {} before {}", *exit_code, point)
             : result.outcome == engine::Outcome::Ok ? fmt::format("it finished before {}", point)
                                                     : fmt::format("it failed before {}: {}", point, result.message);
    if (!ctx.stdout_buffer().empty()) *error += "; it printed: " + ctx.stdout_buffer().substr(0, 2000);
    return std::nullopt;
  }
  return snapshot;
}

}  // namespace wws::preinit
