// Test support for the WASI host: a guest memory over a byte vector, temp folders as preopens,
// and calls through find_host_function with the table's own signature check.
#pragma once
#include <stdlib.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "wasi/abi.h"
#include "wasi/context.h"
#include "wasi/errno.h"
#include "wasi/fd_table.h"
#include "wasi/host.h"

namespace wws::wasi::test {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "wws-wasi-XXXXXX").string();
    char* made = mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  void write(const std::string& rel, const std::string& content) const {
    fs::create_directories((path_ / rel).parent_path());
    std::ofstream(path_ / rel, std::ios::binary) << content;
  }
  std::string read(const std::string& rel) const {
    std::ifstream in(path_ / rel, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }

 private:
  fs::path path_;
};

// A guest: memory plus a WASI context; scratch space is handed out from a bump allocator.
class Guest {
 public:
  static constexpr size_t kMemorySize = 1 << 16;

  explicit Guest(WasiConfig config) : memory_(kMemorySize, 0), ctx_(std::make_unique<WasiContext>(std::move(config))) {}

  WasiContext& ctx() { return *ctx_; }
  void destroy_context() { ctx_.reset(); }
  GuestMemory mem() { return GuestMemory(memory_.data(), memory_.size()); }
  uint8_t* raw() { return memory_.data(); }

  // Calls a preview1 function; the number of arguments must match its declared parameters.
  uint64_t call(std::string_view name, std::initializer_list<uint64_t> args) {
    const HostFunction* fn = find_host_function("wasi_snapshot_preview1", name);
    EXPECT_NE(fn, nullptr) << name;
    if (!fn) return ~0ull;
    EXPECT_EQ(fn->params.size(), args.size()) << name;
    std::vector<uint64_t> a(args);
    CallFrame frame{*ctx_, mem()};
    return fn->fn(frame, a.data());
  }
  Errno err(std::string_view name, std::initializer_list<uint64_t> args) {
    return static_cast<Errno>(call(name, args));
  }

  uint32_t alloc(uint32_t size, uint32_t align = 8) {
    next_ = (next_ + align - 1) / align * align;
    uint32_t at = next_;
    next_ += size;
    EXPECT_LE(next_, kMemorySize);
    return at;
  }
  uint32_t put(std::string_view bytes) {
    uint32_t at = alloc(static_cast<uint32_t>(bytes.size()) + 1, 1);
    std::memcpy(memory_.data() + at, bytes.data(), bytes.size());
    return at;
  }
  // An iovec array with one buffer per size; returns the array's address.
  uint32_t iovecs(const std::vector<std::pair<uint32_t, uint32_t>>& bufs) {
    uint32_t at = alloc(static_cast<uint32_t>(bufs.size() * 8));
    for (size_t i = 0; i < bufs.size(); ++i) {
      u32_at(at + i * 8) = bufs[i].first;
      u32_at(at + i * 8 + 4) = bufs[i].second;
    }
    return at;
  }
  std::string str(uint32_t at, size_t len) { return std::string(reinterpret_cast<char*>(memory_.data() + at), len); }
  // Guest memory is unaligned for the host (UBSan's alignment check): read and write through memcpy.
  class U32Ref {
   public:
    explicit U32Ref(uint8_t* p) : p_(p) {}
    operator uint32_t() const {  // NOLINT(google-explicit-constructor): reads like the uint32_t it refers to
      uint32_t v;
      std::memcpy(&v, p_, 4);
      return v;
    }
    U32Ref& operator=(uint32_t v) {
      std::memcpy(p_, &v, 4);
      return *this;
    }

   private:
    uint8_t* p_;
  };
  U32Ref u32_at(uint64_t at) { return U32Ref(memory_.data() + at); }
  uint64_t u64(uint64_t at) {
    uint64_t v;
    std::memcpy(&v, memory_.data() + at, 8);
    return v;
  }
  uint16_t u16(uint64_t at) {
    uint16_t v;
    std::memcpy(&v, memory_.data() + at, 2);
    return v;
  }
  uint8_t u8(uint64_t at) { return memory_[at]; }

  // Convenience wrappers over the most used calls.
  Errno open(uint32_t dirfd, std::string_view path, uint32_t& fd, uint32_t oflags = 0,
             uint64_t rights = abi::kRightFdRead | abi::kRightFdSeek | abi::kRightFdTell, uint32_t fdflags = 0,
             uint32_t lookup = abi::kLookupSymlinkFollow) {
    uint32_t p = put(path), out = alloc(4);
    Errno e = err("path_open", {dirfd, lookup, p, path.size(), oflags, rights, abi::kRightsAll, fdflags, out});
    fd = u32_at(out);
    return e;
  }
  Errno write(uint32_t fd, std::string_view data, uint32_t* written = nullptr) {
    uint32_t buf = put(data);
    uint32_t iov = iovecs({{buf, static_cast<uint32_t>(data.size())}});
    uint32_t out = alloc(4);
    Errno e = err("fd_write", {fd, iov, 1, out});
    if (written) *written = u32_at(out);
    return e;
  }
  Errno read(uint32_t fd, uint32_t len, std::string& data) {
    uint32_t buf = alloc(len + 1);
    uint32_t iov = iovecs({{buf, len}});
    uint32_t out = alloc(4);
    Errno e = err("fd_read", {fd, iov, 1, out});
    data = str(buf, e == Errno::Success ? u32_at(out) : 0);
    return e;
  }
  Errno path_call(std::string_view fn, uint32_t dirfd, std::string_view path) {
    uint32_t p = put(path);
    return err(fn, {dirfd, p, path.size()});
  }
  // Resets the bump allocator (memory keeps its contents).
  void reset_scratch() { next_ = 1024; }

 private:
  std::vector<uint8_t> memory_;
  std::unique_ptr<WasiContext> ctx_;
  uint32_t next_ = 1024;
};

inline WasiConfig config_with(std::vector<Preopen> preopens) {
  WasiConfig c;
  c.preopens = std::move(preopens);
  return c;
}

}  // namespace wws::wasi::test
