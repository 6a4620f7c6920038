// Compiled with -fno-rtti (see CMakeLists.txt): V8 is built without RTTI, so a class deriving
// from one of its classes cannot have typeinfo.
#include "js/limited_allocator.h"

#include <atomic>

namespace wws::js {
namespace {

class LimitedAllocator final : public v8::ArrayBuffer::Allocator {
 public:
  explicit LimitedAllocator(uint64_t limit) : limit_(limit), base_(v8::ArrayBuffer::Allocator::NewDefaultAllocator()) {}
  void* Allocate(size_t length) override;
  void* AllocateUninitialized(size_t length) override;
  void Free(void* data, size_t length) override;

 private:
  bool reserve(size_t length) {
    if (used_.fetch_add(length) + length <= limit_) return true;
    used_ -= length;
    return false;
  }
  void* undo_if_null(void* data, size_t length) {
    if (!data) used_ -= length;
    return data;
  }
  uint64_t limit_;
  std::atomic<uint64_t> used_{0};  // V8 may free from a background thread
  std::unique_ptr<v8::ArrayBuffer::Allocator> base_;
};

void* LimitedAllocator::Allocate(size_t length) {
  return reserve(length) ? undo_if_null(base_->Allocate(length), length) : nullptr;
}

void* LimitedAllocator::AllocateUninitialized(size_t length) {
  return reserve(length) ? undo_if_null(base_->AllocateUninitialized(length), length) : nullptr;
}

void LimitedAllocator::Free(void* data, size_t length) {
  base_->Free(data, length);
  used_ -= length;
}

}  // namespace

std::unique_ptr<v8::ArrayBuffer::Allocator> make_limited_allocator(uint64_t limit_bytes) {
  return std::make_unique<LimitedAllocator>(limit_bytes);
}

}  // namespace wws::js
