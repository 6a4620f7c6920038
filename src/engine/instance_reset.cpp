#include "engine/instance_reset.h"

#include <fmt/format.h>

#include "engine/wasm_binary.h"
#include "engine/wasm_instruction.h"

namespace wws::engine {
namespace {

using namespace wasm;

// The instructions that change instance state a reset cannot restore (tables, dropped
// segments); nullptr for every other one.
const char* unrestorable(const Instruction& in) {
  if (in.op == 0x26) return "table.set";
  if (in.op != 0xfc) return nullptr;
  switch (in.sub) {
    case 9: return "data.drop";
    case 12: return "table.init";
    case 13: return "elem.drop";
    case 14: return "table.copy";
    case 15: return "table.grow";
    case 17: return "table.fill";
    default: return nullptr;
  }
}

// Decodes one function body's instructions. Returns the name of the first instruction that
// changes instance state a reset cannot restore, "" if there is none, or nullopt when an
// opcode is unknown (then the module is treated as not resettable: unknown means unchecked).
std::optional<std::string> state_changing_instruction(Reader& r) {
  Instruction in;
  while (!r.at_end() && r.ok()) {
    if (!decode_instruction(r, in)) return std::nullopt;
    if (const char* name = unrestorable(in)) return name;
  }
  if (!r.ok()) return std::nullopt;
  return "";
}

struct MutableGlobal {
  uint32_t index;
  std::span<const uint8_t> init;  // the constant expression, without its final `end`
};

// Reads a constant expression up to its `end`; returns its bytes without the `end`.
std::optional<std::span<const uint8_t>> const_expr(std::span<const uint8_t> wasm, Reader& r) {
  size_t begin = r.pos();
  Reader scan(wasm, begin, r.end());
  // Constant expressions use the same encoding as code; decode until the matching end.
  while (scan.ok() && !scan.at_end()) {
    size_t at = scan.pos();
    uint8_t op = scan.byte();
    if (op == 0x0b) {
      r.skip(scan.pos() - begin);
      return wasm.subspan(begin, at - begin);
    }
    switch (op) {
      case 0x41:
      case 0x42: scan.leb(64); break;
      case 0x43: scan.skip(4); break;
      case 0x44: scan.skip(8); break;
      case 0x23:
      case 0xd2: scan.leb(32); break;
      case 0xd0: scan.byte(); break;
      case 0x6a:
      case 0x6b:
      case 0x6c:
      case 0x7c:
      case 0x7d:
      case 0x7e: break;  // extended-const
      case 0xfd:
        if (scan.leb(32) != 12) return std::nullopt;
        scan.skip(16);
        break;
      default: return std::nullopt;
    }
  }
  return std::nullopt;
}

struct Layout {
  uint32_t imported_functions = 0;
  uint32_t imported_globals = 0;
  uint32_t imported_memories = 0;
  uint32_t types = 0;
  uint32_t defined_functions = 0;
  bool has_start = false;
  bool has_exports = false;
  bool reset_name_taken = false;
  std::vector<MutableGlobal> mutable_globals;
  std::vector<DataSegment> data;
};

// Records the first reason the module is not resettable; false, for `return refuse(...)`.
bool refuse(std::string* why, std::string reason) {
  if (why->empty()) *why = std::move(reason);
  return false;
}

bool read_imports(Reader& r, Layout& l, std::string* why) {
  uint64_t n = r.leb(32);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    r.skip(r.leb(32));
    r.skip(r.leb(32));
    switch (r.byte()) {
      case 0:
        l.imported_functions++;
        r.leb(32);
        break;
      case 2: {
        l.imported_memories++;
        uint8_t flags = r.byte();
        r.leb(64);
        if (flags & 1) r.leb(64);
        break;
      }
      case 3:
        l.imported_globals++;
        r.byte();
        r.byte();
        break;
      default: return refuse(why, "it imports a table or tag");
    }
  }
  return r.ok();
}

bool read_globals(std::span<const uint8_t> wasm, Reader& r, Layout& l, std::string* why) {
  uint64_t n = r.leb(32);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    r.byte();  // value type
    bool is_mutable = r.byte() == 1;
    auto init = const_expr(wasm, r);
    if (!init) return refuse(why, fmt::format("global {} has an initialiser wws cannot replay", i));
    if (is_mutable) l.mutable_globals.push_back({static_cast<uint32_t>(l.imported_globals + i), *init});
  }
  return r.ok();
}

bool read_exports(Reader& r, Layout& l) {
  l.has_exports = true;
  uint64_t n = r.leb(32);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    if (r.name() == kResetExport) l.reset_name_taken = true;
    r.byte();
    r.leb(32);
  }
  return r.ok();
}

// Every function body must be free of instructions a reset cannot undo.
bool check_code(std::span<const uint8_t> wasm, Reader& r, size_t end, std::string* why) {
  uint64_t n = r.leb(32);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    uint64_t size = r.leb(32);
    size_t body_end = r.pos() + size;
    if (!r.ok() || body_end > end) return refuse(why, "truncated code section");
    Reader body(wasm, r.pos(), body_end);
    uint64_t locals = body.leb(32);
    for (uint64_t j = 0; j < locals && body.ok(); ++j) body.leb(32), body.byte();
    auto found = state_changing_instruction(body);
    if (!found) return refuse(why, fmt::format("function {} uses an instruction wws does not check", i));
    if (!found->empty()) return refuse(why, fmt::format("it uses {}", *found));
    r.skip(size);
  }
  return r.ok();
}

bool read_data(std::span<const uint8_t> wasm, Reader& r, Layout& l, std::string* why) {
  uint64_t n = r.leb(32);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    uint64_t flags = r.leb(32);
    if (flags == 1) {  // passive: written only by memory.init
      r.skip(r.leb(32));
      continue;
    }
    if (flags == 2 && r.leb(32) != 0) return refuse(why, "data for a second memory");
    if (flags > 2) return refuse(why, "unknown data segment kind");
    if (r.byte() != 0x41) return refuse(why, "a data segment whose offset is not a constant");
    uint64_t raw = r.leb(64);
    if (r.byte() != 0x0b) return refuse(why, "a data segment whose offset is not a constant");
    uint64_t size = r.leb(32);
    if (!r.ok() || size > r.end() - r.pos()) return false;
    DataSegment seg;
    seg.offset = static_cast<uint32_t>(raw);  // i32.const: the low 32 bits are the address
    seg.bytes.assign(wasm.begin() + r.pos(), wasm.begin() + r.pos() + size);
    r.skip(size);
    l.data.push_back(std::move(seg));
  }
  return r.ok();
}

// `as_written`: `wasm` is the module before import_memory (its memory defined, not imported)
// and is already known resettable, so its code is not scanned again.
bool read_layout(std::span<const uint8_t> wasm, Layout& l, std::string* why, bool as_written = false) {
  return for_each_section(wasm, why, [&](uint8_t id, size_t begin, size_t end, size_t) {
    Reader r(wasm, begin, end);
    switch (id) {
      case kTypeSection: l.types = static_cast<uint32_t>(r.leb(32)); return r.ok();
      case kImportSection: return read_imports(r, l, why);
      case kFunctionSection: l.defined_functions = static_cast<uint32_t>(r.leb(32)); return r.ok();
      case kMemorySection: return as_written || refuse(why, "it defines its own memory");
      case kGlobalSection: return read_globals(wasm, r, l, why);
      case kExportSection: return read_exports(r, l);
      case kStartSection: l.has_start = true; return true;
      case kCodeSection: return as_written || check_code(wasm, r, end, why);
      case kDataSection: return read_data(wasm, r, l, why);
      default: return true;
    }
  });
}

// Adds `func wws.reset () -> ()` that sets every mutable global to its initial value.
std::vector<uint8_t> add_reset_function(std::span<const uint8_t> wasm, const Layout& l) {
  std::vector<uint8_t> type_entry = {0x60, 0x00, 0x00};
  std::vector<uint8_t> func_entry;
  write_leb(func_entry, l.types);
  std::vector<uint8_t> export_entry;
  export_entry.reserve(kResetExport.size() + 8);
  write_leb(export_entry, kResetExport.size());
  export_entry.insert(export_entry.end(), kResetExport.begin(), kResetExport.end());
  export_entry.push_back(0);
  write_leb(export_entry, l.imported_functions + l.defined_functions);
  std::vector<uint8_t> code = {0x00};  // no locals
  for (const auto& g : l.mutable_globals) {
    code.insert(code.end(), g.init.begin(), g.init.end());
    code.push_back(0x24);  // global.set
    write_leb(code, g.index);
  }
  code.push_back(0x0b);
  std::vector<uint8_t> code_entry;
  write_leb(code_entry, code.size());
  code_entry.insert(code_entry.end(), code.begin(), code.end());

  std::vector<uint8_t> out(wasm.begin(), wasm.begin() + 8);
  out.reserve(wasm.size() + code_entry.size() + 32);
  for_each_section(wasm, nullptr, [&](uint8_t id, size_t begin, size_t end, size_t start) {
    switch (id) {
      case kTypeSection: put_section(out, id, append_entry(wasm, begin, end, type_entry)); break;
      case kFunctionSection: put_section(out, id, append_entry(wasm, begin, end, func_entry)); break;
      case kExportSection: put_section(out, id, append_entry(wasm, begin, end, export_entry)); break;
      case kCodeSection: put_section(out, id, append_entry(wasm, begin, end, code_entry)); break;
      default: out.insert(out.end(), wasm.begin() + start, wasm.begin() + end);
    }
    return true;
  });
  return out;
}

}  // namespace

std::optional<ResettableModule> make_resettable(std::span<const uint8_t> wasm, std::string* why_not) {
  std::string why;
  Layout l;
  auto fail = [&](std::string reason) -> std::optional<ResettableModule> {
    if (why_not) *why_not = std::move(reason);
    return std::nullopt;
  };
  if (!read_layout(wasm, l, &why)) return fail(why.empty() ? "malformed module" : why);
  if (l.has_start) return fail("it has a start function");
  if (l.imported_memories != 1) return fail("its memory is not imported");
  if (l.imported_globals) return fail("it imports globals");
  if (l.reset_name_taken) return fail(fmt::format("it already exports {}", kResetExport));
  ResettableModule out;
  out.plan.data = std::move(l.data);
  if (l.mutable_globals.empty()) {
    out.wasm.assign(wasm.begin(), wasm.end());
    return out;
  }
  if (!l.types || !l.defined_functions || !l.has_exports) return fail("it has no exported functions");
  out.wasm = add_reset_function(wasm, l);
  out.plan.has_reset_function = true;
  return out;
}

std::optional<ResetPlan> known_reset_plan(std::span<const uint8_t> wasm) {
  Layout l;
  std::string why;
  if (!read_layout(wasm, l, &why, true)) return std::nullopt;
  ResetPlan plan;
  plan.data = std::move(l.data);
  plan.has_reset_function = !l.mutable_globals.empty();
  return plan;
}

}  // namespace wws::engine
