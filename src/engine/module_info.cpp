#include "engine/module_info.h"

#include <fmt/format.h>

#include "engine/wasm_binary.h"

namespace wws::engine {
namespace {

using namespace wasm;

struct Limits {
  uint8_t flags = 0;
  uint64_t min = 0;
  std::optional<uint64_t> max;
};

Limits read_limits(Reader& r) {
  Limits l;
  l.flags = r.byte();
  bool is64 = l.flags & 4;
  l.min = r.leb(is64 ? 64 : 32);
  if (l.flags & 1) l.max = r.leb(is64 ? 64 : 32);
  return l;
}

std::optional<wasi::ValType> val_type(uint8_t t, bool& representable) {
  if (t == 0x7f) return wasi::ValType::I32;
  if (t == 0x7e) return wasi::ValType::I64;
  representable = false;
  return std::nullopt;
}

bool read_types(Reader& r, std::vector<FunctionType>& types) {
  uint64_t count = r.leb(32);
  for (uint64_t i = 0; i < count && r.ok(); ++i) {
    if (r.byte() != 0x60) return false;
    FunctionType ft;
    for (int part = 0; part < 2; ++part) {
      uint64_t n = r.leb(32);
      for (uint64_t j = 0; j < n && r.ok(); ++j) {
        auto t = val_type(r.byte(), ft.representable);
        if (t) (part == 0 ? ft.params : ft.results).push_back(*t);
      }
    }
    types.push_back(std::move(ft));
  }
  return r.ok();
}

void skip_table_type(Reader& r) {
  r.byte();  // reftype
  read_limits(r);
}

bool read_imports(Reader& r, const std::vector<FunctionType>& types, ModuleInfo& info) {
  uint64_t count = r.leb(32);
  for (uint64_t i = 0; i < count && r.ok(); ++i) {
    ImportInfo imp;
    imp.module = r.name();
    imp.name = r.name();
    imp.kind = r.byte();
    switch (imp.kind) {
      case 0: {
        uint64_t idx = r.leb(32);
        if (idx >= types.size()) return false;
        imp.type = types[idx];
        break;
      }
      case 1: skip_table_type(r); break;
      case 2: read_limits(r); break;
      case 3:
        r.byte();
        r.byte();
        break;
      case 4:
        r.byte();
        r.leb(32);
        break;
      default: return false;
    }
    info.imports.push_back(std::move(imp));
  }
  return r.ok();
}

const char* type_name(wasi::ValType t) { return t == wasi::ValType::I32 ? "i32" : "i64"; }

std::string signature(const FunctionType& t) {
  if (!t.representable) return "(uses float or reference types)";
  std::string s = "(";
  for (size_t i = 0; i < t.params.size(); ++i) s += fmt::format("{}{}", i ? ", " : "", type_name(t.params[i]));
  s += ")";
  if (!t.results.empty()) s += fmt::format(" -> {}", type_name(t.results[0]));
  return s;
}

}  // namespace

bool is_component(std::span<const uint8_t> wasm) {
  static const uint8_t header[8] = {0, 'a', 's', 'm', 0x0d, 0, 1, 0};
  return wasm.size() >= 8 && std::equal(header, header + 8, wasm.begin());
}

std::optional<ModuleInfo> inspect_module(std::span<const uint8_t> wasm, std::string* error) {
  ModuleInfo info;
  std::vector<FunctionType> types;
  bool ok = for_each_section(wasm, error, [&](uint8_t id, size_t begin, size_t end, size_t) {
    Reader r(wasm, begin, end);
    switch (id) {
      case kTypeSection: return read_types(r, types);
      // Bytes left over after the declared entries make the module invalid; they must be refused
      // here, or import_memory's appended entry would follow them and be read as garbage.
      case kImportSection: {
        return read_imports(r, types, info) && r.at_end();
      }
      case kMemorySection: {
        uint64_t n = r.leb(32);
        if (n >= 1) {
          Limits l = read_limits(r);
          info.memory = {true, l.min, l.max};
        }
        return r.ok();
      }
      case kExportSection: {
        uint64_t n = r.leb(32);
        for (uint64_t i = 0; i < n && r.ok(); ++i) {
          info.exports.push_back(r.name());
          if (r.byte() == 0 && info.exports.back() == "_start") info.exports_start = true;
          r.leb(32);
        }
        return r.ok() && r.at_end();
      }
      default: return true;
    }
  });
  if (!ok) return std::nullopt;
  return info;
}

std::string check_imports(const ModuleInfo& info) {
  std::string problems;
  auto add = [&](const std::string& line) {
    if (!problems.empty()) problems += "\n";
    problems += line;
  };
  for (const auto& imp : info.imports) {
    if (imp.kind != 0) {
      add(fmt::format("imports {}.{} as a {}; wws only provides functions", imp.module, imp.name,
                      imp.kind == 1   ? "table"
                      : imp.kind == 2 ? "memory"
                      : imp.kind == 3 ? "global"
                                      : "tag"));
      continue;
    }
    const wasi::HostFunction* host = wasi::find_host_function(imp.module, imp.name);
    if (!host) {
      add(fmt::format("imports {}.{}, which wws does not provide", imp.module, imp.name));
      continue;
    }
    FunctionType expected{host->params, host->results};
    if (!imp.type.representable || imp.type.params != host->params || imp.type.results != host->results)
      add(fmt::format("imports {}.{} with signature {}, but wws provides {}", imp.module, imp.name, signature(imp.type),
                      signature(expected)));
  }
  return problems;
}

namespace {

// The error for a module whose memory at start is over its limit.
std::string over_limit(uint64_t min_pages, uint64_t max_pages) {
  return fmt::format(
      "the module needs {} MiB of memory at start, over its limit of {} MiB "
      "(raise [limits] memory_mb or --memory-limit)",
      min_pages * kWasmPageSize >> 20, max_pages * kWasmPageSize >> 20);
}

}  // namespace

std::optional<std::vector<uint8_t>> cap_memory(std::span<const uint8_t> wasm, uint64_t max_pages, std::string* error) {
  std::vector<uint8_t> out;
  out.reserve(wasm.size() + 8);
  out.insert(out.end(), wasm.begin(), wasm.begin() + std::min<size_t>(8, wasm.size()));
  bool ok = for_each_section(wasm, error, [&](uint8_t id, size_t begin, size_t end, size_t start) {
    if (id != kMemorySection) {
      out.insert(out.end(), wasm.begin() + start, wasm.begin() + end);
      return true;
    }
    Reader r(wasm, begin, end);
    uint64_t n = r.leb(32);
    std::vector<uint8_t> body;
    write_leb(body, n);
    for (uint64_t i = 0; i < n && r.ok(); ++i) {
      Limits l = read_limits(r);
      if (!r.ok()) return false;
      if (l.min > max_pages) {
        if (error) *error = over_limit(l.min, max_pages);
        return false;
      }
      uint64_t cap = l.max ? std::min(*l.max, max_pages) : max_pages;
      body.push_back(l.flags | 1);
      write_leb(body, l.min);
      write_leb(body, cap);
    }
    if (!r.ok()) return false;
    out.push_back(kMemorySection);
    write_leb(out, body.size());
    out.insert(out.end(), body.begin(), body.end());
    return true;
  });
  if (!ok) return std::nullopt;
  return out;
}

namespace {

// The one memory the module defines, and whether it has an import section; nullopt (why in
// *error) when it defines none or several, or is malformed.
std::optional<Limits> defined_memory(std::span<const uint8_t> wasm, bool& has_imports, std::string* error) {
  std::optional<Limits> memory;
  bool ok = for_each_section(wasm, error, [&](uint8_t id, size_t begin, size_t end, size_t) {
    if (id == kImportSection) has_imports = true;
    if (id != kMemorySection) return true;
    Reader r(wasm, begin, end);
    uint64_t n = r.leb(32);
    if (n != 1) {
      if (error) *error = "modules with several memories are not supported";
      return false;
    }
    memory = read_limits(r);
    return r.ok();
  });
  if (!ok) return std::nullopt;
  if (!memory && error) *error = "the module defines no memory";
  return memory;
}

// One import entry: "wws" "memory" memory(limits).
std::vector<uint8_t> memory_import_entry(uint64_t min_pages, uint64_t max_pages) {
  std::vector<uint8_t> entry;
  auto put_name = [&](std::string_view name) {
    write_leb(entry, name.size());
    entry.insert(entry.end(), name.begin(), name.end());
  };
  put_name(kMemoryImportModule);
  put_name(kMemoryImportName);
  entry.push_back(2);
  entry.push_back(1);
  write_leb(entry, min_pages);
  write_leb(entry, max_pages);
  return entry;
}

}  // namespace

std::optional<std::vector<uint8_t>> import_memory(std::span<const uint8_t> wasm, uint64_t max_pages,
                                                  std::string* error) {
  bool has_imports = false;
  std::optional<Limits> memory = defined_memory(wasm, has_imports, error);
  if (!memory) return std::nullopt;
  if (memory->flags & ~1u) {
    if (error) *error = "shared and 64-bit memories are not supported";
    return std::nullopt;
  }
  if (memory->min > max_pages) {
    if (error) *error = over_limit(memory->min, max_pages);
    return std::nullopt;
  }
  uint64_t cap = memory->max ? std::min(*memory->max, max_pages) : max_pages;
  const std::vector<uint8_t> entry = memory_import_entry(memory->min, cap);

  std::vector<uint8_t> out(wasm.begin(), wasm.begin() + 8);
  out.reserve(wasm.size() + 32);
  bool import_written = false;
  bool ok = for_each_section(wasm, error, [&](uint8_t id, size_t begin, size_t end, size_t start) {
    // Sections are ordered; a new import section goes before the first known section past imports.
    if (!has_imports && !import_written && id != 0 && id > kImportSection) {
      std::vector<uint8_t> body;
      write_leb(body, 1);
      body.insert(body.end(), entry.begin(), entry.end());
      put_section(out, kImportSection, body);
      import_written = true;
    }
    if (id == kImportSection) {
      put_section(out, kImportSection, append_entry(wasm, begin, end, entry));
      import_written = true;
      return true;
    }
    if (id == kMemorySection) return true;  // now imported
    out.insert(out.end(), wasm.begin() + start, wasm.begin() + end);
    return true;
  });
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace wws::engine
