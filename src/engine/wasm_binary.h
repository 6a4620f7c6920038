// Reading and writing the WebAssembly binary format: a bounds-checked cursor, LEB128 and the
// section walk shared by the module inspection and rewriting passes of engine/.
#pragma once
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace wws::engine::wasm {

constexpr uint8_t kCustomSection = 0, kTypeSection = 1, kImportSection = 2, kFunctionSection = 3, kTableSection = 4,
                  kMemorySection = 5, kGlobalSection = 6, kExportSection = 7, kStartSection = 8, kElementSection = 9,
                  kCodeSection = 10, kDataSection = 11, kDataCountSection = 12;

// A bounds-checked cursor over the binary; every read fails softly.
class Reader {
 public:
  Reader(std::span<const uint8_t> bytes, size_t pos = 0, size_t end = SIZE_MAX)
      : b_(bytes), pos_(pos), end_(std::min(end, bytes.size())) {}
  bool ok() const { return ok_; }
  size_t pos() const { return pos_; }
  size_t end() const { return end_; }
  bool at_end() const { return pos_ >= end_; }

  uint8_t byte() {
    if (pos_ >= end_) return fail();
    return b_[pos_++];
  }
  // An unsigned (or skipped signed) LEB128 of at most max_bits: ceil(max_bits / 7) bytes, so
  // every shift stays below 64 (an 11th byte used to shift by 70, which is undefined).
  uint64_t leb(unsigned max_bits = 64) {
    uint64_t result = 0;
    for (unsigned shift = 0; shift < max_bits; shift += 7) {
      uint8_t v = byte();
      if (!ok_) return 0;
      result |= uint64_t(v & 0x7f) << shift;
      if (!(v & 0x80)) return result;
    }
    return fail();
  }
  std::string name() {
    uint64_t n = leb(32);
    if (!ok_ || n > end_ - pos_) return fail(), std::string();
    std::string s(reinterpret_cast<const char*>(b_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  void skip(uint64_t n) {
    if (n > end_ - pos_) fail();
    else pos_ += n;
  }
  uint8_t fail() {
    ok_ = false;
    pos_ = end_;
    return 0;
  }

 private:
  std::span<const uint8_t> b_;
  size_t pos_, end_;
  bool ok_ = true;
};

inline void write_leb(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(b | (v ? 0x80 : 0));
  } while (v);
}

// Visits sections: fn(id, content_start, content_end, section_start). Returns false on a malformed layout.
template <typename Fn>
bool for_each_section(std::span<const uint8_t> wasm, std::string* error, Fn&& fn) {
  static const uint8_t magic[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  if (wasm.size() < 8 || !std::equal(magic, magic + 8, wasm.begin())) {
    if (error) {
      if (wasm.size() >= 8 && std::equal(magic, magic + 4, wasm.begin()))
        *error = "not a core WebAssembly module (a component: components run on the wasmtime engine)";
      else *error = "not a WebAssembly module (bad magic number or version)";
    }
    return false;
  }
  Reader r(wasm, 8);
  while (!r.at_end()) {
    size_t start = r.pos();
    uint8_t id = r.byte();
    uint64_t len = r.leb(32);
    if (!r.ok() || len > wasm.size() - r.pos()) {
      if (error) *error = fmt::format("truncated section at byte {}", start);
      return false;
    }
    size_t content = r.pos();
    if (!fn(id, content, content + len, start)) {
      if (error && error->empty()) *error = fmt::format("malformed section {} at byte {}", id, start);
      return false;
    }
    r.skip(len);
  }
  return true;
}

// Appends a section: id, size, body.
inline void put_section(std::vector<uint8_t>& out, uint8_t id, const std::vector<uint8_t>& body) {
  out.push_back(id);
  write_leb(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
}

// The body of a vector section [begin, end) with one more entry: count + 1, the old entries,
// then `entry`.
inline std::vector<uint8_t> append_entry(std::span<const uint8_t> wasm, size_t begin, size_t end,
                                         const std::vector<uint8_t>& entry) {
  Reader r(wasm, begin, end);
  uint64_t n = r.leb(32);
  std::vector<uint8_t> body;
  write_leb(body, n + 1);
  body.insert(body.end(), wasm.begin() + r.pos(), wasm.begin() + end);
  body.insert(body.end(), entry.begin(), entry.end());
  return body;
}

}  // namespace wws::engine::wasm
