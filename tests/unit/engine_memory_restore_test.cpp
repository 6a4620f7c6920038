// Tests for engine/memory_restore: a guest memory comes back all zero (or zeros plus the data
// segments), and pages no run touched stay untouched (not resident) so later resets stay cheap.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "engine/memory_restore.h"

namespace wws::engine {
namespace {

const std::size_t kPage = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));

struct Mapping {
  explicit Mapping(std::size_t pages) : size(pages * kPage) {
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_NE(p, MAP_FAILED);
    bytes = static_cast<uint8_t*>(p);
  }
  ~Mapping() { munmap(bytes, size); }
  std::span<uint8_t> span() const { return {bytes, size}; }
  bool all_zero() const {
    return std::all_of(bytes, bytes + size, [](uint8_t b) { return b == 0; });
  }
  std::size_t resident_pages() const {
    std::vector<unsigned char> v(size / kPage);
    EXPECT_EQ(mincore(bytes, size, v.data()), 0);
    return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [](unsigned char r) { return r & 1; }));
  }
  uint8_t* bytes = nullptr;
  std::size_t size;
};

TEST(MemoryZeroing, ClearsWhatARunWroteAndLeavesTheRestUntouched) {
  Mapping m(272);  // a Rust module's initial memory: 17 wasm pages
  for (std::size_t page : {0u, 1u, 100u, 255u, 271u}) m.bytes[page * kPage + 17] = 0xAB;
  m.bytes[m.size - 1] = 1;
  zero_guest_memory(m.span());
  EXPECT_TRUE(m.all_zero());
  // The check above read every page; what counts is that the reset itself did not fault them in.
  Mapping fresh(272);
  fresh.bytes[5 * kPage] = 1;
  zero_guest_memory(fresh.span());
  EXPECT_LE(fresh.resident_pages(), 1u);
  EXPECT_EQ(fresh.bytes[5 * kPage], 0);
}

TEST(MemoryZeroing, MostlyWrittenMemoryIsHandedBackAndReadsAsZero) {
  Mapping m(128);
  std::fill(m.bytes, m.bytes + m.size, 0x5A);
  zero_guest_memory(m.span());
  EXPECT_TRUE(m.all_zero());
}

TEST(MemoryZeroing, UnalignedSpansAreFilled) {
  Mapping m(4);
  std::fill(m.bytes, m.bytes + m.size, 0x11);
  zero_guest_memory(m.span().subspan(3, 2 * kPage));
  EXPECT_EQ(m.bytes[2], 0x11);
  EXPECT_TRUE(std::all_of(m.bytes + 3, m.bytes + 3 + 2 * kPage, [](uint8_t b) { return b == 0; }));
  EXPECT_EQ(m.bytes[3 + 2 * kPage], 0x11);
}

TEST(MemoryRestore, SegmentsOverZerosExactlyAsAtInstantiation) {
  Mapping m(64);
  std::vector<DataSegment> data = {{100, std::vector<uint8_t>(10000, 7)},  // spans pages 0-2
                                   {5000, std::vector<uint8_t>{1, 2, 3}},  // overlaps the first: wins
                                   {static_cast<uint32_t>(40 * kPage - 2), std::vector<uint8_t>{9, 9, 9, 9}}};
  auto expected = [&] {
    std::vector<uint8_t> e(m.size, 0);
    for (const auto& seg : data) std::copy(seg.bytes.begin(), seg.bytes.end(), e.begin() + seg.offset);
    return e;
  }();
  ASSERT_TRUE(restore_initial_memory(m.span(), data));
  EXPECT_TRUE(std::equal(m.bytes, m.bytes + m.size, expected.begin()));
  // A run scribbles inside and outside the segments.
  for (std::size_t i = 0; i < m.size; i += 997) m.bytes[i] = 0xEE;
  std::fill(m.bytes + 90, m.bytes + 120, 0x42);
  ASSERT_TRUE(restore_initial_memory(m.span(), data));
  EXPECT_TRUE(std::equal(m.bytes, m.bytes + m.size, expected.begin()));
}

TEST(MemoryRestore, SegmentOutsideTheMemoryIsRefused) {
  Mapping m(2);
  EXPECT_FALSE(restore_initial_memory(m.span(), {{static_cast<uint32_t>(m.size - 1), std::vector<uint8_t>{1, 2}}}));
}

}  // namespace
}  // namespace wws::engine
