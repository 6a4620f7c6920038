// wasi/: the WASI preview1 host, independent of any wasm engine.
// GuestMemory is the view of a guest's linear memory that a host call gets. Engines build
// a fresh one for every call, because memory.grow may move or resize the buffer.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace wws::wasi {

class GuestMemory {
 public:
  GuestMemory(uint8_t* base, size_t size) : base_(base), size_(size) {}

  size_t size() const { return size_; }

  // Returns nullptr when [offset, offset+len) is not inside the memory.
  uint8_t* range(uint64_t offset, uint64_t len) const {
    if (offset > size_ || len > size_ - offset) return nullptr;
    return base_ + offset;
  }
  bool load_u32(uint64_t offset, uint32_t& out) const { return load(offset, out); }
  bool load_u64(uint64_t offset, uint64_t& out) const { return load(offset, out); }
  bool store_u8(uint64_t offset, uint8_t v) const { return store(offset, v); }
  bool store_u16(uint64_t offset, uint16_t v) const { return store(offset, v); }
  bool store_u32(uint64_t offset, uint32_t v) const { return store(offset, v); }
  bool store_u64(uint64_t offset, uint64_t v) const { return store(offset, v); }
  bool store_bytes(uint64_t offset, const void* data, size_t len) const {
    uint8_t* p = range(offset, len);
    if (!p) return false;
    if (len) std::memcpy(p, data, len);
    return true;
  }
  // A guest string (ptr, len) as a view; false when out of bounds.
  bool string(uint64_t offset, uint64_t len, std::string_view& out) const {
    uint8_t* p = range(offset, len);
    if (!p) return false;
    out = std::string_view(reinterpret_cast<const char*>(p), len);
    return true;
  }

 private:
  // wasm is little-endian, like every host we build for; memcpy handles misalignment.
  template <typename T>
  bool load(uint64_t offset, T& out) const {
    uint8_t* p = range(offset, sizeof(T));
    if (!p) return false;
    std::memcpy(&out, p, sizeof(T));
    return true;
  }
  template <typename T>
  bool store(uint64_t offset, T v) const {
    uint8_t* p = range(offset, sizeof(T));
    if (!p) return false;
    std::memcpy(p, &v, sizeof(T));
    return true;
  }

  uint8_t* base_;
  size_t size_;
};

}  // namespace wws::wasi
