#include "engine/code_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include "util/fast_hash.h"

namespace wws::engine {
namespace {

namespace fs = std::filesystem;

// The trailer after the engine's bytes: their XXH3-128 checksum, their length (little-endian), a
// magic. The checksum finds damage (a torn or truncated write, a flipped bit), not tampering:
// whoever can write an entry can write its checksum too, which is why the folder must be trusted
// (code_cache.h). XXH3 checks a 30 MB entry in about a millisecond where SHA-256 took ~20 ms,
// most of a warm start's load of a large module. Magic "WWSCODE2" entries had a SHA-256 there;
// they are not recognised, so they are compiled again and replaced.
constexpr char kMagic[8] = {'W', 'W', 'S', 'C', 'O', 'D', 'E', '3'};
constexpr size_t kChecksumSize = 16;
constexpr size_t kTrailerSize = kChecksumSize + 8 + sizeof(kMagic);

using Digest = std::array<uint8_t, 32>;

Digest sha256(std::initializer_list<std::span<const uint8_t>> parts) {
  Digest out{};
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
  for (auto part : parts) EVP_DigestUpdate(md, part.data(), part.size());
  unsigned len = 0;
  EVP_DigestFinal_ex(md, out.data(), &len);
  EVP_MD_CTX_free(md);
  return out;
}

std::span<const uint8_t> bytes_of(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

}  // namespace

CodeCache::Entry::Entry(Entry&& other) noexcept
    : fd_(other.fd_),
      map_(other.map_),
      map_size_(other.map_size_),
      payload_size_(other.payload_size_),
      file_(std::move(other.file_)) {
  other.fd_ = -1;
  other.map_ = nullptr;
}

CodeCache::Entry::~Entry() {
  if (map_) munmap(map_, map_size_);
  if (fd_ >= 0) close(fd_);
}

std::string CodeCache::key(std::span<const uint8_t> input, std::string_view settings) {
  uint64_t size = input.size();
  Digest d = sha256({bytes_of(settings), {reinterpret_cast<const uint8_t*>(&size), sizeof size}, input});
  std::string hex;
  hex.reserve(2 * d.size());
  for (uint8_t b : d) hex += fmt::format("{:02x}", b);
  return hex;
}

fs::path CodeCache::path_for(const std::string& key) const { return dir_ / (key + ".code"); }

std::optional<CodeCache::Entry> CodeCache::load(const std::string& key) const {
  if (!enabled()) return std::nullopt;
  fs::path path = path_for(key);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  auto damaged = [&](std::string_view why) -> std::optional<Entry> {
    close(fd);
    remove(key, why);
    return std::nullopt;
  };
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return damaged("not a regular file");
  size_t size = static_cast<size_t>(st.st_size);
  if (size < kTrailerSize) return damaged("not a wws code-cache entry");
  void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) {
    close(fd);
    spdlog::warn("Code cache: cannot map {}: {}", path.string(), std::strerror(errno));
    return std::nullopt;
  }
  Entry entry(fd, map, size, 0, fmt::format("/proc/self/fd/{}", fd));
  const auto* bytes = static_cast<const uint8_t*>(map);
  const uint8_t* trailer = bytes + size - kTrailerSize;
  auto refuse = [&](std::string_view why) -> std::optional<Entry> {
    remove(key, why);
    return std::nullopt;  // `entry` unmaps and closes
  };
  if (std::memcmp(trailer + kChecksumSize + 8, kMagic, sizeof kMagic) != 0) return refuse("not a wws code-cache entry");
  uint64_t payload_size = 0;
  std::memcpy(&payload_size, trailer + kChecksumSize, sizeof payload_size);
  if (payload_size != size - kTrailerSize) return refuse("truncated");
  auto checksum = util::fast_hash128({bytes, payload_size});
  if (std::memcmp(checksum.data(), trailer, kChecksumSize) != 0) return refuse("checksum mismatch");
  entry.payload_size_ = payload_size;
  if (access(entry.file_.c_str(), R_OK) != 0) entry.file_ = path.string();  // no /proc
  return entry;
}

bool CodeCache::store(const std::string& key, std::span<const uint8_t> payload) const {
  if (!enabled()) return false;
  std::error_code ec;
  fs::create_directories(dir_, ec);
  fs::path path = path_for(key);
  fs::path tmp = path;
  tmp += fmt::format(".tmp{}", std::random_device{}());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    auto checksum = util::fast_hash128(payload);
    uint64_t size = payload.size();
    out.write(reinterpret_cast<const char*>(payload.data()), static_cast<std::streamsize>(payload.size()));
    out.write(reinterpret_cast<const char*>(checksum.data()), checksum.size());
    out.write(reinterpret_cast<const char*>(&size), sizeof size);
    out.write(kMagic, sizeof kMagic);
    out.close();
    if (!out) {
      fs::remove(tmp, ec);
      spdlog::warn("Code cache: cannot write {} (compiled code is not cached)", path.string());
      return false;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    spdlog::warn("Code cache: cannot write {}: {}", path.string(), ec.message());
    return false;
  }
  return true;
}

void CodeCache::remove(const std::string& key, std::string_view why) const {
  fs::path path = path_for(key);
  spdlog::warn("Code cache: {} is unusable ({}); removing it and compiling again", path.string(), why);
  std::error_code ec;
  fs::remove(path, ec);
}

fs::path default_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/') return fs::path(xdg) / "wws" / "code";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "wws" / "code";
  return {};
}

}  // namespace wws::engine
