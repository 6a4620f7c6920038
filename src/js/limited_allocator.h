// The ArrayBuffer allocator of a JS worker's isolate: it caps the bytes of all live ArrayBuffers,
// which V8's heap limit does not count (so `new ArrayBuffer(1e9)` in a loop cannot exhaust the
// machine: allocations past the cap fail with a RangeError in the worker).
//
// Native code must make its ArrayBuffers with new_array_buffer / copy_to_array_buffer: V8's own
// ArrayBuffer::New(isolate, size) and NewBackingStore(isolate, size) abort the whole process
// when the allocator refuses ("Fatal process OOM in v8::ArrayBuffer::NewBackingStore"), and a
// backing store over memory V8 did not allocate escapes the cap.
#pragma once
#include <cstdint>
#include <memory>
#include <string_view>

#include <v8.h>

namespace wws::js {

std::unique_ptr<v8::ArrayBuffer::Allocator> make_limited_allocator(uint64_t limit_bytes);

// An ArrayBuffer of `size` zeroed bytes from the isolate's allocator (so within its cap). When
// the allocator refuses, throws a RangeError in the isolate and returns empty.
v8::MaybeLocal<v8::ArrayBuffer> new_array_buffer(v8::Isolate* isolate, size_t size);
// The same, holding a copy of `bytes`.
v8::MaybeLocal<v8::ArrayBuffer> copy_to_array_buffer(v8::Isolate* isolate, std::string_view bytes);

}  // namespace wws::js
