// A module's initial memory (zeros plus its data segments) as a file the kernel maps
// copy-on-write: resetting a large memory is one mmap instead of zeroing it and writing every
// segment again, and a run then pays only for the pages it touches. This is what makes a
// pre-initialised interpreter (tens of MiB of snapshot, runtimes/preinit.h) cheap to reset.
// Used by every engine that keeps instances between runs (engine/v8, engine/wasmtime).
#pragma once
#include <cstddef>
#include <memory>

#include "engine/instance_reset.h"

namespace wws::engine {

class MemoryImage {
 public:
  // Memories smaller than this are cheaper to zero and rewrite than to fault back in.
  static constexpr size_t kMinBytes = size_t{4} << 20;

  // nullptr when the kernel offers no memfd (then callers reset by copying).
  static std::unique_ptr<MemoryImage> make(const ResetPlan& plan, size_t bytes);
  ~MemoryImage();

  // Maps the image over [base, base + bytes) (bytes as given to make), discarding whatever the
  // last run wrote there. False if the kernel refused (the memory is then unchanged). The
  // memory stays a private file mapping afterwards: pages it drops (zero_guest_memory's
  // madvise) read back as the image, i.e. as this module's initial memory, which is what
  // every later reset of it wants anyway.
  bool restore(void* base) const;

 private:
  MemoryImage(int fd, size_t bytes) : fd_(fd), bytes_(bytes) {}
  int fd_;
  size_t bytes_;
};

}  // namespace wws::engine
