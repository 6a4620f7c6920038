// Tests for engine/memory_image: after every reset the memory holds exactly the module's
// initial memory, whether the image was mapped over it or the pages a run wrote were copied
// back; copying is used only once the memory is a mapping of the image.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "engine/memory_image.h"

namespace wws::engine {
namespace {

const size_t kPage = static_cast<size_t>(sysconf(_SC_PAGESIZE));

// An initial memory of `pages` pages: zeros with two data segments, one of them spanning pages.
struct Fixture {
  explicit Fixture(size_t pages) : bytes(pages * kPage), expected(bytes, 0) {
    DataSegment a{static_cast<uint32_t>(3 * kPage + 10), std::vector<uint8_t>(5 * kPage)};
    for (size_t i = 0; i < a.bytes.size(); ++i) a.bytes[i] = static_cast<uint8_t>(i * 7 + 1);
    DataSegment b{static_cast<uint32_t>(bytes - 100), std::vector<uint8_t>(100, 0xEE)};
    for (const auto* seg : {&a, &b}) std::memcpy(expected.data() + seg->offset, seg->bytes.data(), seg->bytes.size());
    plan.data = {a, b};
    image = MemoryImage::make(plan, bytes);
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_NE(p, MAP_FAILED);
    memory = static_cast<uint8_t*>(p);
  }
  ~Fixture() { munmap(memory, bytes); }
  bool holds_image() const { return std::memcmp(memory, expected.data(), bytes) == 0; }
  // What a run does: writes some pages (in and out of the segments), reads others.
  void run(const std::vector<size_t>& written, uint8_t value) const {
    for (size_t page : written) std::memset(memory + page * kPage, value, kPage / 2);
    volatile uint8_t sink = 0;
    for (size_t page = 0; page < bytes / kPage; page += 3) sink = sink + memory[page * kPage + 1];
  }
  size_t bytes;
  std::vector<uint8_t> expected;
  ResetPlan plan;
  std::unique_ptr<MemoryImage> image;
  uint8_t* memory = nullptr;
};

TEST(MemoryImage, AFreshMemoryIsMappedNeverCopied) {
  Fixture f(1024);  // 4 MiB
  ASSERT_TRUE(f.image);
  // Only one page differs from the image, but untouched pages of an anonymous memory read as
  // zeros, not as the image: copying would leave the segments out.
  f.memory[0] = 1;
  MemoryImage::State state;
  EXPECT_EQ(f.image->restore(f.memory, state), MemoryImage::Restored::Mapped);
  EXPECT_TRUE(f.holds_image());
  EXPECT_TRUE(state.mapped);
}

TEST(MemoryImage, WhatARunWroteIsCopiedBackFromTheImage) {
  Fixture f(1024);
  ASSERT_TRUE(f.image);
  MemoryImage::State state;
  std::memset(f.memory, 0x55, f.bytes);  // what an engine's instantiation leaves: every page private
  ASSERT_EQ(f.image->restore(f.memory, state), MemoryImage::Restored::Mapped);
  for (uint8_t round = 1; round <= 4; ++round) {
    // Pages inside the spanning segment, at the edge of both segments, and in the zeros; a
    // different set each round, so earlier rounds' private pages must be restored too.
    f.run({0, 3, 4, 7, 8, 200u + round, f.bytes / kPage - 1}, round);
    ASSERT_EQ(f.image->restore(f.memory, state), MemoryImage::Restored::Copied) << int(round);
    ASSERT_TRUE(f.holds_image()) << int(round);
  }
  EXPECT_EQ(state.copies, 4u);
}

TEST(MemoryImage, ARunThatWroteMuchIsMappedBack) {
  Fixture f(MemoryImage::kMaxCopyPages + 512);
  ASSERT_TRUE(f.image);
  MemoryImage::State state;
  ASSERT_EQ(f.image->restore(f.memory, state), MemoryImage::Restored::Mapped);
  std::memset(f.memory, 0x77, (MemoryImage::kMaxCopyPages + 1) * kPage);
  EXPECT_EQ(f.image->restore(f.memory, state), MemoryImage::Restored::Mapped);
  EXPECT_TRUE(f.holds_image());
  // And the mapping is fresh again: the next small run is copied.
  f.run({5}, 9);
  EXPECT_EQ(f.image->restore(f.memory, state), MemoryImage::Restored::Copied);
  EXPECT_TRUE(f.holds_image());
}

TEST(MemoryImage, IsMappedAgainAfterItsShareOfCopies) {
  Fixture f(1024);
  ASSERT_TRUE(f.image);
  MemoryImage::State state;
  ASSERT_EQ(f.image->restore(f.memory, state), MemoryImage::Restored::Mapped);
  for (uint32_t i = 0; i < MemoryImage::kCopiesPerMap; ++i) {
    f.memory[(i % 1000) * kPage] = 1;
    ASSERT_EQ(f.image->restore(f.memory, state), MemoryImage::Restored::Copied);
  }
  f.memory[kPage] = 1;
  EXPECT_EQ(f.image->restore(f.memory, state), MemoryImage::Restored::Mapped);
  EXPECT_TRUE(f.holds_image());
  EXPECT_EQ(state.copies, 0u);
}

}  // namespace
}  // namespace wws::engine
