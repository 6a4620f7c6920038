#include "engine/memory_image.h"

#include <sys/mman.h>
#include <unistd.h>

namespace wws::engine {

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
  return image;
}

MemoryImage::~MemoryImage() { close(fd_); }

bool MemoryImage::restore(void* base) const {
  // MAP_FIXED replaces the pages the last run touched; the engine keeps owning the reservation
  // around them (guard regions, growth), which this does not change.
  void* at = mmap(base, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd_, 0);
  return at == base;
}

}  // namespace wws::engine
