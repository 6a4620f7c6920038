#include "engine/memory_image.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <cstring>

namespace wws::engine {
namespace {

// /proc/self/pagemap: one 64-bit entry per page of the address space (Linux's
// Documentation/admin-guide/mm/pagemap.rst). The flag bits need no privilege.
constexpr uint64_t kPresent = uint64_t{1} << 63;
constexpr uint64_t kSwapped = uint64_t{1} << 62;
constexpr uint64_t kFileOrShared = uint64_t{1} << 61;

int pagemap_fd() {
  static const int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  return fd;
}

size_t page_size() {
  static const size_t size = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

}  // namespace

std::unique_ptr<MemoryImage> MemoryImage::make(const ResetPlan& plan, size_t bytes) {
  int fd = memfd_create("wws-memory-image", MFD_CLOEXEC);
  if (fd < 0) return nullptr;
  std::unique_ptr<MemoryImage> image(new MemoryImage(fd, bytes));
  if (ftruncate(fd, static_cast<off_t>(bytes)) != 0) return nullptr;  // sparse: zeros cost nothing
  for (const auto& seg : plan.data) {
    if (seg.offset > bytes || seg.bytes.size() > bytes - seg.offset) return nullptr;
    size_t done = 0;
    while (done < seg.bytes.size()) {
      ssize_t n = pwrite(fd, seg.bytes.data() + done, seg.bytes.size() - done, static_cast<off_t>(seg.offset + done));
      if (n <= 0) return nullptr;
      done += static_cast<size_t>(n);
    }
  }
  // Without it (or a page map) every reset maps.
  void* source = mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd, 0);
  if (source != MAP_FAILED) image->source_ = static_cast<const uint8_t*>(source);
  return image;
}

MemoryImage::~MemoryImage() {
  if (source_) munmap(const_cast<uint8_t*>(source_), bytes_);
  close(fd_);
}

bool MemoryImage::map(void* base) const {
  // MAP_FIXED replaces the pages the last run touched; the engine keeps owning the reservation
  // around them (guard regions, growth), which this does not change.
  void* at = mmap(base, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd_, 0);
  return at == base;
}

bool MemoryImage::private_pages(const void* base, std::vector<uint32_t>& pages) const {
  int fd = pagemap_fd();
  size_t page = page_size();
  if (fd < 0 || !source_ || reinterpret_cast<uintptr_t>(base) % page != 0) return false;
  size_t first = reinterpret_cast<uintptr_t>(base) / page, count = bytes_ / page;
  std::array<uint64_t, 2048> entries;  // 16 KiB of the page map at a time
  for (size_t done = 0; done < count;) {
    size_t want = std::min(entries.size(), count - done);
    ssize_t got = pread(fd, entries.data(), want * sizeof(uint64_t), static_cast<off_t>((first + done) * 8));
    if (got <= 0 || got % sizeof(uint64_t) != 0) return false;
    size_t n = static_cast<size_t>(got) / sizeof(uint64_t);
    for (size_t i = 0; i < n; ++i) {
      // Not present and not swapped: never touched since the mapping, reads as the image.
      // Present as the file's page: only read. Anything else was written (or is the shared
      // zero page, which copying turns into a private page of zeros: harmless).
      uint64_t e = entries[i];
      if ((e & (kPresent | kSwapped)) && !(e & kFileOrShared)) {
        if (pages.size() >= kMaxCopyPages) return false;
        pages.push_back(static_cast<uint32_t>(done + i));
      }
    }
    done += n;
  }
  return true;
}

MemoryImage::Restored MemoryImage::restore(void* base, State& state) const {
  if (state.mapped && state.copies < kCopiesPerMap) {
    thread_local std::vector<uint32_t> pages;
    pages.clear();
    if (private_pages(base, pages)) {
      size_t page = page_size();
      auto* to = static_cast<uint8_t*>(base);
      for (size_t i = 0; i < pages.size();) {
        size_t j = i + 1;
        while (j < pages.size() && pages[j] == pages[j - 1] + 1) ++j;
        std::memcpy(to + size_t{pages[i]} * page, source_ + size_t{pages[i]} * page, (j - i) * page);
        i = j;
      }
      state.copies++;
      return Restored::Copied;
    }
  }
  if (!map(base)) return Restored::Failed;
  state.mapped = true;
  state.copies = 0;
  return Restored::Mapped;
}

}  // namespace wws::engine
