// Compiled with -fno-rtti (see CMakeLists.txt): V8 is built without RTTI, so a class deriving
// from one of its classes cannot have typeinfo.
#include "js/limited_allocator.h"

#include <atomic>
#include <cstring>
#include <string>

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

namespace {

// Uninitialised bytes from the isolate's allocator, wrapped so V8 gives them back to it.
v8::MaybeLocal<v8::ArrayBuffer> allocate(v8::Isolate* isolate, size_t size, bool zeroed, void** data) {
  v8::ArrayBuffer::Allocator* allocator = isolate->GetArrayBufferAllocator();
  const size_t request = size ? size : 1;  // a zero-byte store still needs a distinct pointer
  *data = zeroed ? allocator->Allocate(request) : allocator->AllocateUninitialized(request);
  if (!*data) {
    const std::string message =
        "Array buffer allocation failed: " + std::to_string(size) + " bytes would go past the worker's memory limit";
    isolate->ThrowException(v8::Exception::RangeError(
        v8::String::NewFromUtf8(isolate, message.data(), v8::NewStringType::kNormal, static_cast<int>(message.size()))
            .ToLocalChecked()));
    return {};
  }
  auto store = v8::ArrayBuffer::NewBackingStore(
      *data, size,
      [](void* bytes, size_t length, void* owner) {
        static_cast<v8::ArrayBuffer::Allocator*>(owner)->Free(bytes, length ? length : 1);
      },
      allocator);
  return v8::ArrayBuffer::New(isolate, std::move(store));
}

}  // namespace

v8::MaybeLocal<v8::ArrayBuffer> new_array_buffer(v8::Isolate* isolate, size_t size) {
  void* data = nullptr;
  return allocate(isolate, size, true, &data);
}

v8::MaybeLocal<v8::ArrayBuffer> copy_to_array_buffer(v8::Isolate* isolate, std::string_view bytes) {
  void* data = nullptr;
  v8::MaybeLocal<v8::ArrayBuffer> buffer = allocate(isolate, bytes.size(), false, &data);
  if (!buffer.IsEmpty() && !bytes.empty()) std::memcpy(data, bytes.data(), bytes.size());
  return buffer;
}

}  // namespace wws::js
