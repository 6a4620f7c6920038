#include "engine/memory_restore.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

namespace wws::engine {
namespace {

// Swapped-out pages are not resident either, so mincore() tells "untouched" only without swap.
bool system_has_swap() {
  FILE* f = std::fopen("/proc/meminfo", "r");
  if (!f) return true;
  char line[256];
  bool swap = true;
  while (std::fgets(line, sizeof line, f)) {
    unsigned long kib = 0;
    if (std::sscanf(line, "SwapTotal: %lu kB", &kib) == 1) {
      swap = kib != 0;
      break;
    }
  }
  std::fclose(f);
  return swap;
}

const bool kResidencyMeansTouched = !system_has_swap();
const std::size_t kPageSize = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));

void fill(std::span<uint8_t> memory) { std::memset(memory.data(), 0, memory.size()); }

bool hand_back(std::span<uint8_t> memory) { return madvise(memory.data(), memory.size(), MADV_DONTNEED) == 0; }

}  // namespace

void zero_guest_memory(std::span<uint8_t> memory) {
  if (memory.empty()) return;
  const auto address = reinterpret_cast<std::uintptr_t>(memory.data());
  if (address % kPageSize != 0 || memory.size() % kPageSize != 0) return fill(memory);
  if (!kResidencyMeansTouched) {
    if (!hand_back(memory)) fill(memory);
    return;
  }
  const std::size_t pages = memory.size() / kPageSize;
  thread_local std::vector<unsigned char> resident;
  resident.resize(pages);
  if (mincore(memory.data(), memory.size(), resident.data()) != 0) return fill(memory);
  const auto touched =
      static_cast<std::size_t>(std::count_if(resident.begin(), resident.end(), [](unsigned char r) { return r & 1; }));
  // Mostly resident: clearing costs as much as a fill; handing the pages back makes later runs cheap.
  if (touched * 2 > pages && pages >= 64 && hand_back(memory)) return;
  for (std::size_t i = 0; i < pages;) {
    if (!(resident[i] & 1)) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < pages && (resident[end] & 1)) ++end;
    std::memset(memory.data() + i * kPageSize, 0, (end - i) * kPageSize);
    i = end;
  }
}

bool restore_initial_memory(std::span<uint8_t> memory, const std::vector<DataSegment>& data) {
  for (const auto& seg : data)
    if (seg.offset > memory.size() || seg.bytes.size() > memory.size() - seg.offset) return false;
  // The ranges the segments cover, merged and sorted; everything between them is zeroed.
  std::vector<std::pair<std::size_t, std::size_t>> covered;
  covered.reserve(data.size());
  for (const auto& seg : data)
    if (!seg.bytes.empty()) covered.emplace_back(seg.offset, seg.offset + seg.bytes.size());
  std::sort(covered.begin(), covered.end());
  std::size_t zero_from = 0;
  auto zero_until = [&](std::size_t end) {
    if (end <= zero_from) return;
    // Page-aligned inner part through the residency check; the ragged ends by hand.
    std::size_t first = (zero_from + kPageSize - 1) / kPageSize * kPageSize;
    std::size_t last = end / kPageSize * kPageSize;
    if (first >= last) {
      std::memset(memory.data() + zero_from, 0, end - zero_from);
    } else {
      std::memset(memory.data() + zero_from, 0, first - zero_from);
      zero_guest_memory(memory.subspan(first, last - first));
      std::memset(memory.data() + last, 0, end - last);
    }
  };
  for (const auto& [begin, end] : covered) {
    zero_until(begin);
    zero_from = std::max(zero_from, end);
  }
  zero_until(memory.size());
  // Later segments win where they overlap, as at instantiation.
  constexpr std::size_t kPiece = 4096;
  for (const auto& seg : data) {
    uint8_t* at = memory.data() + seg.offset;
    for (std::size_t i = 0; i < seg.bytes.size(); i += kPiece) {
      std::size_t n = std::min(kPiece, seg.bytes.size() - i);
      if (std::memcmp(at + i, seg.bytes.data() + i, n) != 0) std::memcpy(at + i, seg.bytes.data() + i, n);
    }
  }
  return true;
}

}  // namespace wws::engine
