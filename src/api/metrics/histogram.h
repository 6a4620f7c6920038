// Request-duration buckets. Two views of one duration: the Prometheus histogram's fixed `le`
// buckets (seconds), and a fine log-scale histogram (4 buckets per doubling, ~19% wide) that the
// admin API turns into p50/p99 with a few percent of error.
#pragma once
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace wws::api::metrics {

// Upper bounds, in seconds, of the Prometheus buckets (`+Inf` follows implicitly).
inline constexpr std::array<double, 17> kBucketBounds = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
inline constexpr size_t kBuckets = kBucketBounds.size() + 1;

// The same bounds in nanoseconds, so the request path compares integers. Adding 0.5 rounds them,
// as they are all > 0 (the check warns of negatives; std::llround is not constexpr in C++20).
inline constexpr std::array<uint64_t, kBucketBounds.size()> kBucketBoundsNs = [] {
  std::array<uint64_t, kBucketBounds.size()> ns{};
  for (size_t i = 0; i < ns.size(); ++i)
    ns[i] = static_cast<uint64_t>(kBucketBounds[i] * 1e9 + 0.5);  // NOLINT(bugprone-incorrect-roundings): > 0
  return ns;
}();

inline size_t bucket_index(uint64_t ns) {
  size_t i = 0;
  while (i < kBucketBoundsNs.size() && ns > kBucketBoundsNs[i]) ++i;
  return i;
}

// Fine buckets over microseconds: 0..7 us exactly, then 4 per power of two up to 2^35 us (~9.5 h).
inline constexpr size_t kFineBuckets = 8 + 4 * 32;

inline size_t fine_index(uint64_t us) {
  if (us < 8) return static_cast<size_t>(us);
  const unsigned exponent = static_cast<unsigned>(std::bit_width(us)) - 1;  // >= 3
  const size_t index = 8 + 4 * (exponent - 3) + ((us >> (exponent - 2)) & 3);
  return index < kFineBuckets ? index : kFineBuckets - 1;
}

// [lower, upper) of a fine bucket, in microseconds.
inline double fine_lower_us(size_t index) {
  if (index < 8) return static_cast<double>(index);
  const unsigned exponent = static_cast<unsigned>(3 + (index - 8) / 4);
  const uint64_t base = uint64_t{1} << exponent;
  const uint64_t step = base / 4;  // exact: base is a power of two >= 8
  return static_cast<double>(base + ((index - 8) % 4) * step);
}
inline double fine_upper_us(size_t index) {
  return index + 1 < kFineBuckets ? fine_lower_us(index + 1) : fine_lower_us(index) * 1.19;
}

// The q-quantile (0 < q < 1) of a fine histogram, in milliseconds, interpolated linearly inside
// its bucket; 0 when the histogram is empty.
double fine_quantile_ms(const std::array<uint64_t, kFineBuckets>& counts, double q);

}  // namespace wws::api::metrics
