#include "util/fast_hash.h"

#include <cstring>

// Header-only: the implementation is compiled into this file, so the binary gains no library.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace wws::util {

uint64_t fast_hash64(std::span<const uint8_t> bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

std::array<uint8_t, 16> fast_hash128(std::span<const uint8_t> bytes) {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits(bytes.data(), bytes.size()));
  std::array<uint8_t, 16> out{};
  std::memcpy(out.data(), canonical.digest, out.size());
  return out;
}

}  // namespace wws::util
