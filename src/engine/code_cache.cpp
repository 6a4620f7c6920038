#include "engine/code_cache.h"

#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

namespace wws::engine {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[8] = {'W', 'W', 'S', 'C', 'O', 'D', 'E', '1'};
constexpr size_t kDigestSize = 32;
constexpr size_t kHeaderSize = sizeof(kMagic) + kDigestSize + 8;

using Digest = std::array<uint8_t, kDigestSize>;

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

std::span<const uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

std::string CodeCache::key(std::span<const uint8_t> input, std::string_view settings) {
  uint64_t size = input.size();
  Digest d = sha256({bytes_of(settings), {reinterpret_cast<const uint8_t*>(&size), sizeof size}, input});
  std::string hex;
  hex.reserve(2 * d.size());
  for (uint8_t b : d) hex += fmt::format("{:02x}", b);
  return hex;
}

fs::path CodeCache::path_for(const std::string& key) const { return dir_ / (key + ".code"); }

std::optional<std::vector<uint8_t>> CodeCache::load(const std::string& key) const {
  if (!enabled()) return std::nullopt;
  fs::path path = path_for(key);
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)), {});
  auto damaged = [&](std::string_view why) -> std::optional<std::vector<uint8_t>> {
    remove(key, why);
    return std::nullopt;
  };
  if (file.size() < kHeaderSize || std::memcmp(file.data(), kMagic, sizeof kMagic) != 0)
    return damaged("not a wws code-cache entry");
  uint64_t size = 0;
  std::memcpy(&size, file.data() + sizeof kMagic + kDigestSize, sizeof size);
  if (size != file.size() - kHeaderSize) return damaged("truncated");
  std::span<const uint8_t> payload(file.data() + kHeaderSize, size);
  Digest d = sha256({payload});
  if (std::memcmp(d.data(), file.data() + sizeof kMagic, kDigestSize) != 0) return damaged("checksum mismatch");
  return std::vector<uint8_t>(payload.begin(), payload.end());
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
    Digest d = sha256({payload});
    uint64_t size = payload.size();
    out.write(kMagic, sizeof kMagic);
    out.write(reinterpret_cast<const char*>(d.data()), d.size());
    out.write(reinterpret_cast<const char*>(&size), sizeof size);
    out.write(reinterpret_cast<const char*>(payload.data()), static_cast<std::streamsize>(payload.size()));
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
