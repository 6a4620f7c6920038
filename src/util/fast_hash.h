// util/fast_hash: XXH3, a non-cryptographic hash that runs at memory speed (tens of GB/s), for
// telling damaged or changed bytes from intact ones where nobody chooses the bytes to collide:
// the code cache's entry checksums, the loader's change detection. Keys that name content an
// attacker could supply (the code cache's keys) stay SHA-256.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace wws::util {

uint64_t fast_hash64(std::span<const uint8_t> bytes);
inline uint64_t fast_hash64(std::string_view bytes) {
  return fast_hash64({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
}
// The 128-bit variant, in its canonical (big-endian) byte order.
std::array<uint8_t, 16> fast_hash128(std::span<const uint8_t> bytes);

}  // namespace wws::util
