// A module's initial memory (zeros plus its data segments) as a file the kernel maps
// copy-on-write, so resetting a large memory costs what the last run wrote, not the memory's
// size. This is what makes a pre-initialised interpreter (tens of MiB of snapshot,
// runtimes/preinit.h) cheap to reset. Used by every engine that keeps instances between runs
// (engine/v8, engine/wasmtime).
//
// A reset takes one of two ways:
//   - map: one mmap of the image over the memory. The run after it faults in what it touches,
//     and each page it writes costs a copy-on-write fault, which in a multi-threaded server is
//     also a TLB shoot-down on the other cores (with the faults, half of a Python request's CPU
//     before).
//   - copy: once the memory is a mapping of the image, the pages that are no longer the
//     image's (the process's page map says which: present or swapped, and not the file's) are
//     copied back from it. They stay private and writable, so the next run, which mostly
//     writes the same pages, takes no fault at all. Pages only read are still the image's.
// Copying is chosen while the private pages are few (kMaxCopyPages) and the memory was mapped
// recently (every kCopiesPerMap resets it is mapped again, which drops pages that only an
// earlier run wrote).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/instance_reset.h"

namespace wws::engine {

class MemoryImage {
 public:
  // Memories smaller than this are cheaper to zero and rewrite than to fault back in.
  static constexpr size_t kMinBytes = size_t{4} << 20;
  // Past this many private pages, mapping is cheaper than copying (8 MiB).
  static constexpr size_t kMaxCopyPages = 2048;
  static constexpr uint32_t kCopiesPerMap = 256;

  // What one memory's owner keeps between resets; a new memory starts with a new one.
  struct State {
    bool mapped = false;  // the memory is a private mapping of this image
    uint32_t copies = 0;  // resets by copying since it was mapped
  };
  enum class Restored { Failed, Mapped, Copied };

  // nullptr when the kernel offers no memfd (then callers reset by copying).
  static std::unique_ptr<MemoryImage> make(const ResetPlan& plan, size_t bytes);
  ~MemoryImage();

  // Makes [base, base + bytes) (bytes as given to make) hold the image again, discarding
  // whatever the last run wrote there. Failed if the kernel refused (the memory is then
  // unchanged). The memory stays a private file mapping afterwards: pages it drops
  // (zero_guest_memory's madvise) read back as the image, i.e. as this module's initial
  // memory, which is what every later reset of it wants anyway.
  Restored restore(void* base, State& state) const;

 private:
  MemoryImage(int fd, size_t bytes) : fd_(fd), bytes_(bytes) {}
  bool map(void* base) const;
  // The private pages of the mapping at base, as page indexes; false if there are more than
  // kMaxCopyPages or the page map cannot be read.
  bool private_pages(const void* base, std::vector<uint32_t>& pages) const;
  int fd_;
  size_t bytes_;
  const uint8_t* source_ = nullptr;  // the image, mapped shared and read-only: what copies read
};

}  // namespace wws::engine
