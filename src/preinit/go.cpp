#include "preinit/go.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/wasm_binary.h"
#include "engine/wasm_instruction.h"
#include "util/files.h"
#include "util/sha256.h"

namespace wws::preinit {
using namespace engine::wasm;

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kWasi = "wasi_snapshot_preview1";
constexpr int kFormatVersion = 1;  // bump when the capture or the snapshot's layout changes
constexpr size_t kCachedSnapshots = 32;

// Decodes the instruction at the cursor; false for SIMD, threads and exception handling as well
// as for what the decoder does not know: Go emits none of them, so a module that has them is not
// the shape the capture was written for and is refused rather than rewritten.
bool decode(Reader& r, Instruction& in) {
  if (!decode_instruction(r, in)) return false;
  const uint8_t op = in.op;
  return op != 0xfd && op != 0xfe && !(op >= 0x06 && op <= 0x09) && op != 0x18 && op != 0x19;
}

// A function body: where its locals start and its code ends.
struct Body {
  size_t begin = 0, end = 0;
};

// Skips the locals of a body; false if they are malformed.
bool skip_locals(Reader& r) {
  uint64_t groups = r.leb(32);
  for (uint64_t i = 0; i < groups && r.ok(); ++i) {
    r.leb(32);
    r.byte();
  }
  return r.ok();
}

// What the Go passes need beyond the generic layout.
struct GoShape {
  Layout layout;
  uint32_t fd_read = 0, fd_read_type = 0;
  uint32_t sp_global = 0;                   // Go's stack pointer
  uint32_t resume_loop = 0;                 // wasm_pc_f_loop: what _start calls once the runtime is set up
  std::vector<Body> bodies;                 // by defined function
  std::map<uint32_t, uint32_t> table_slot;  // function index -> its index in table 0 (its PC_F)
  size_t code_begin = 0, code_end = 0;
};

bool is_fd_read_type(std::span<const uint8_t> wasm, size_t begin, size_t end, uint32_t type) {
  Reader r(wasm, begin, end);
  uint64_t n = r.leb(32);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    if (r.byte() != 0x60) return false;
    std::vector<uint8_t> params, results;
    for (auto* list : {&params, &results}) {
      uint64_t k = r.leb(32);
      for (uint64_t j = 0; j < k && r.ok(); ++j) list->push_back(r.byte());
    }
    if (i == type) return params == std::vector<uint8_t>(4, 0x7f) && results == std::vector<uint8_t>(1, 0x7f);
  }
  return false;
}

bool read_elements(std::span<const uint8_t> wasm, size_t begin, size_t end, std::map<uint32_t, uint32_t>& slots) {
  Reader r(wasm, begin, end);
  uint64_t n = r.leb(32);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    uint64_t flags = r.leb(32);
    if (flags != 0) return false;  // Go writes one active segment of function indexes into table 0
    if (r.byte() != 0x41) return false;
    uint64_t offset = r.leb(32);
    if (r.byte() != 0x0b) return false;
    uint64_t count = r.leb(32);
    for (uint64_t k = 0; k < count && r.ok(); ++k) slots.emplace(static_cast<uint32_t>(r.leb(32)), offset + k);
  }
  return r.ok();
}

// The sections the passes read: fd_read's type, table 0's slots and the function bodies.
bool read_sections(std::span<const uint8_t> wasm, GoShape& g, std::string& error) {
  return for_each_section(wasm, &error, [&](uint8_t id, size_t begin, size_t end, size_t) {
    if (id == kTypeSection) return is_fd_read_type(wasm, begin, end, g.fd_read_type) || (error = "fd_read type", false);
    if (id == kElementSection) return read_elements(wasm, begin, end, g.table_slot) || (error = "its table", false);
    if (id != kCodeSection) return true;
    g.code_begin = begin;
    g.code_end = end;
    Reader r(wasm, begin, end);
    uint64_t n = r.leb(32);
    for (uint64_t i = 0; i < n && r.ok(); ++i) {
      uint64_t size = r.leb(32);
      if (size > r.end() - r.pos()) return false;
      g.bodies.push_back({r.pos(), r.pos() + size});
      r.skip(size);
    }
    return r.ok();
  });
}

// _start sets SP, calls the runtime's entry, then wasm_pc_f_loop (runtime/rt0_wasip1_wasm.s):
// the stack pointer's global and the loop's function are read from it.
std::optional<std::string> read_start(std::span<const uint8_t> wasm, GoShape& g) {
  const Layout& l = g.layout;
  if (!l.start_export || *l.start_export < l.imported_functions) return "it has no _start function";
  const Body& start = g.bodies[*l.start_export - l.imported_functions];
  Reader r(wasm, start.begin, start.end);
  if (!skip_locals(r)) return "a malformed _start";
  std::optional<uint32_t> sp;
  std::vector<uint32_t> calls;
  while (!r.at_end()) {
    Instruction in;
    if (!decode(r, in)) return "an unexpected _start";
    if (in.op == 0x24 && !sp && calls.empty()) sp = static_cast<uint32_t>(in.imm);
    if (in.op == 0x10) calls.push_back(static_cast<uint32_t>(in.imm));
    if (in.op == 0x11) return "an unexpected _start (an indirect call)";
  }
  if (!sp || calls.size() != 2) return "an unexpected _start (not Go's rt0)";
  auto sp_info = std::find_if(l.mutable_globals.begin(), l.mutable_globals.end(),
                              [&](const GlobalInfo& gi) { return gi.index == *sp; });
  if (sp_info == l.mutable_globals.end() || sp_info->type != 0x7f) return "an unexpected stack pointer";
  g.sp_global = *sp;
  g.resume_loop = calls.back();
  return std::nullopt;
}

std::optional<std::string> read_go_shape(std::span<const uint8_t> wasm, GoShape& g) {
  std::string error;
  if (!is_go_command(wasm)) return "it is not a Go command";
  if (!read_layout(wasm, g.layout, &error)) return error;
  if (auto why = why_not_capturable(g.layout)) return why;
  const Layout& l = g.layout;
  auto fd_read = l.imported_function(kWasi, "fd_read");
  if (!fd_read) return "it never reads stdin (no fd_read import)";
  g.fd_read = *fd_read;
  g.fd_read_type = l.function_imports[*fd_read].type;
  if (!read_sections(wasm, g, error))
    return "an unexpected layout (" + (error.empty() ? std::string("malformed") : error) + ")";
  if (g.bodies.size() != l.defined_functions) return "a malformed code section";
  return read_start(wasm, g);
}

// Calls of `target` in the body: the positions of their immediates.
std::optional<std::vector<std::pair<size_t, size_t>>> calls_of(std::span<const uint8_t> wasm, const Body& body,
                                                               uint32_t target) {
  std::vector<std::pair<size_t, size_t>> sites;
  Reader r(wasm, body.begin, body.end);
  if (!skip_locals(r)) return std::nullopt;
  while (!r.at_end()) {
    Instruction in;
    if (!decode(r, in)) return std::nullopt;
    if ((in.op == 0x10 || in.op == 0x12) && in.imm == target) sites.emplace_back(in.imm_at, in.imm_end);
  }
  return sites;
}

// The shim that replaces fd_read in the capture module for the wrapper at `slot` of the table.
std::vector<uint8_t> shim_body(const GoShape& g, uint32_t slot) {
  std::vector<uint8_t> code = {0x01, 0x01, 0x7f};           // one more local (index 4): i32
  code.insert(code.end(), {0x20, 0x00, 0x45, 0x04, 0x40});  // if (fd == 0)
  // The pending call at -8(SP) is the wrapper itself, from its first block: PC_F << 16 | 0.
  code.push_back(0x23);
  write_leb(code, g.sp_global);
  code.insert(code.end(), {0x41, 0x08, 0x6b, 0x42});
  write_sleb(code, static_cast<int64_t>(uint64_t(slot) << 16));
  code.insert(code.end(), {0x37, 0x03, 0x00});  // i64.store align=8 offset=0
  append_capture_tail(code, g.layout, 4);
  code.insert(code.end(), {0x00, 0x0b});  // unreachable; end
  code.insert(code.end(), {0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0x20, 0x03, 0x10});
  write_leb(code, g.fd_read);
  code.push_back(0x0b);
  return code;
}

// The snapshot's name in the cache: everything it was made from.
std::string cache_key(std::span<const uint8_t> wasm, const GoSetup& setup) {
  std::string material = fmt::format("wws-go-preinit-{}\n", kFormatVersion);
  material += util::sha256_hex(std::string_view(reinterpret_cast<const char*>(wasm.data()), wasm.size()));
  for (const auto& a : setup.args) material += fmt::format("\narg {}:{}", a.size(), a);
  for (const auto& [k, v] : setup.env) material += fmt::format("\nenv {}:{}={}:{}", k.size(), k, v.size(), v);
  for (const auto& p : setup.preopens)
    material +=
        fmt::format("\npreopen {}:{}={}:{}", p.host_path.size(), p.host_path, p.guest_path.size(), p.guest_path);
  material += fmt::format("\nmemory {}", setup.max_memory_bytes);
  return util::sha256_hex(material).substr(0, 32);
}

std::optional<std::vector<uint8_t>> read_cached(const fs::path& file) {
  auto text = util::read_file(file);
  if (!text) return std::nullopt;
  std::vector<uint8_t> bytes(text->begin(), text->end());
  if (!is_go_command(bytes)) return std::nullopt;
  std::error_code ec;
  fs::last_write_time(file, fs::file_time_type::clock::now(), ec);  // recently used: kept by prune()
  return bytes;
}

// Keeps the kCachedSnapshots most recently used snapshots (a rebuilt worker leaves its old one).
void prune(const fs::path& dir) {
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> entries;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".wasm") entries.emplace_back(entry.last_write_time(ec), entry.path());
  if (entries.size() <= kCachedSnapshots) return;
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = kCachedSnapshots; i < entries.size(); ++i) fs::remove(entries[i].second, ec);
}

void store_cached(const fs::path& file, const std::vector<uint8_t>& module) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  std::string why;
  if (!util::write_file_atomically(file, std::string_view(reinterpret_cast<const char*>(module.data()), module.size()),
                                   &why)) {
    spdlog::warn("the Go snapshot could not be cached: {}", why);
    return;
  }
  prune(file.parent_path());
}

void put_body(std::vector<uint8_t>& out, const std::vector<uint8_t>& body) {
  write_leb(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
}

}  // namespace

bool is_go_command(std::span<const uint8_t> wasm) {
  bool buildid = false, start = false;
  for_each_section(wasm, nullptr, [&](uint8_t id, size_t begin, size_t end, size_t) {
    Reader r(wasm, begin, end);
    if (id == kCustomSection && r.name() == "go:buildid") buildid = true;
    if (id == kExportSection) {
      uint64_t n = r.leb(32);
      for (uint64_t i = 0; i < n && r.ok(); ++i) {
        std::string name = r.name();
        uint8_t kind = r.byte();
        r.leb(32);
        if (kind == 0 && name == "_start") start = true;
      }
    }
    return true;
  });
  return buildid && start;
}

std::optional<std::vector<uint8_t>> make_go_capture_module(std::span<const uint8_t> wasm, std::string* error) {
  GoShape g;
  if (auto why = read_go_shape(wasm, g)) {
    *error = *why;
    return std::nullopt;
  }
  const Layout& l = g.layout;
  // Every body calling fd_read gets its own shim (each knows its wrapper's PC_F).
  std::vector<uint8_t> code;
  std::vector<std::vector<uint8_t>> shims;
  std::vector<uint8_t> bodies;
  for (size_t i = 0; i < g.bodies.size(); ++i) {
    const Body& body = g.bodies[i];
    auto sites = calls_of(wasm, body, g.fd_read);
    if (!sites) {
      *error = fmt::format("function {} has an instruction wws does not rewrite", l.imported_functions + i);
      return std::nullopt;
    }
    if (sites->empty()) {
      put_body(bodies, std::vector<uint8_t>(wasm.begin() + body.begin, wasm.begin() + body.end));
      continue;
    }
    const uint32_t function = static_cast<uint32_t>(l.imported_functions + i);
    auto slot = g.table_slot.find(function);
    if (slot == g.table_slot.end()) {
      *error = fmt::format("function {} calls fd_read but is not in the table", function);
      return std::nullopt;
    }
    const uint32_t shim = static_cast<uint32_t>(l.imported_functions + l.defined_functions + shims.size());
    shims.push_back(shim_body(g, slot->second));
    std::vector<uint8_t> rewritten;
    size_t at = body.begin;
    for (const auto& [from, to] : *sites) {
      rewritten.insert(rewritten.end(), wasm.begin() + at, wasm.begin() + from);
      write_leb(rewritten, shim);
      at = to;
    }
    rewritten.insert(rewritten.end(), wasm.begin() + at, wasm.begin() + body.end);
    put_body(bodies, rewritten);
  }
  if (shims.empty()) {
    *error = "nothing in it calls fd_read";
    return std::nullopt;
  }
  write_leb(code, g.bodies.size() + shims.size());
  code.insert(code.end(), bodies.begin(), bodies.end());
  for (const auto& s : shims) put_body(code, s);
  std::vector<uint8_t> out(wasm.begin(), wasm.begin() + 8);
  for_each_section(wasm, nullptr, [&](uint8_t id, size_t begin, size_t end, size_t start) {
    if (id == kFunctionSection) {
      Reader r(wasm, begin, end);
      uint64_t n = r.leb(32);
      std::vector<uint8_t> body;
      write_leb(body, n + shims.size());
      body.insert(body.end(), wasm.begin() + r.pos(), wasm.begin() + end);
      for (size_t k = 0; k < shims.size(); ++k) write_leb(body, g.fd_read_type);
      put_section(out, id, body);
    } else if (id == kCodeSection) {
      put_section(out, id, code);
    } else {
      out.insert(out.end(), wasm.begin() + start, wasm.begin() + end);
    }
    return true;
  });
  return out;
}

std::optional<std::vector<uint8_t>> make_go_snapshot_module(std::span<const uint8_t> wasm, const Snapshot& snapshot,
                                                            std::string* error) {
  GoShape g;
  if (auto why = read_go_shape(wasm, g)) {
    *error = *why;
    return std::nullopt;
  }
  // The new _start resumes the goroutine from the pending call the capture left at -8(SP).
  std::vector<uint8_t> start = {0x00, 0x10};
  write_leb(start, g.resume_loop);
  start.push_back(0x0b);
  return bake(wasm, snapshot, {"", start}, error);
}

std::optional<std::vector<uint8_t>> preinitialise_go(engine::Engine& engine, std::span<const uint8_t> wasm,
                                                     const GoSetup& setup, std::string* error) {
  auto capture = make_go_capture_module(wasm, error);
  if (!capture) return std::nullopt;
  Layout l;
  read_layout(wasm, l, error);
  wasi::WasiConfig config;
  config.args = setup.args;
  config.env = setup.env;
  config.preopens = setup.preopens;
  std::string log, printed;
  auto snapshot = run_capture(engine, *capture, std::move(config), l.mutable_globals.size(),
                              std::chrono::milliseconds(60'000), "its first read of stdin", &log, &printed, error);
  if (!snapshot) {
    if (!log.empty()) *error += "; its stderr: " + log.substr(0, 1000);
    return std::nullopt;
  }
  if (!printed.empty()) {
    *error = "it writes to stdout before it reads its request (that output would be lost)";
    return std::nullopt;
  }
  if (setup.max_memory_bytes && snapshot->memory.size() > setup.max_memory_bytes) {
    *error = fmt::format("its memory at that point ({} MiB) is over the worker's memory limit",
                         snapshot->memory.size() >> 20);
    return std::nullopt;
  }
  return make_go_snapshot_module(wasm, *snapshot, error);
}

std::filesystem::path default_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::filesystem::path(xdg) / "wws" / "preinit";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".cache" / "wws" / "preinit";
  return {};
}

std::optional<std::vector<uint8_t>> preinitialised_module(engine::Engine& engine, std::span<const uint8_t> wasm,
                                                          const GoSetup& setup, bool enabled, const std::string& file) {
  if (!is_go_command(wasm)) return std::nullopt;
  const char* env = std::getenv("WWS_PREINIT");
  if (!enabled || (env && std::string_view(env) == "0")) return std::nullopt;
  auto started = std::chrono::steady_clock::now();
  const fs::path cached = setup.cache_dir.empty() ? fs::path() : setup.cache_dir / (cache_key(wasm, setup) + ".wasm");
  if (!cached.empty()) {
    if (auto module = read_cached(cached)) {
      spdlog::info("{}: Go worker pre-initialised at its first read of stdin (snapshot {})", file, cached.string());
      return module;
    }
  }
  std::string error;
  auto module = preinitialise_go(engine, wasm, setup, &error);
  if (!module) {
    spdlog::warn("{}: not pre-initialised, every request runs the Go runtime's start-up: {}", file, error);
    return std::nullopt;
  }
  if (!cached.empty()) store_cached(cached, *module);
  spdlog::info("{}: Go worker pre-initialised at its first read of stdin in {:.0f} ms", file,
               std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
  return module;
}

}  // namespace wws::preinit
