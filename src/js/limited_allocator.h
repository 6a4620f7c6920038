// The ArrayBuffer allocator of a JS worker's isolate: it caps the bytes of all live ArrayBuffers,
// which V8's heap limit does not count (so `new ArrayBuffer(1e9)` in a loop cannot exhaust the
// machine: allocations past the cap fail with a RangeError in the worker).
#pragma once
#include <cstdint>
#include <memory>

#include <v8.h>

namespace wws::js {

std::unique_ptr<v8::ArrayBuffer::Allocator> make_limited_allocator(uint64_t limit_bytes);

}  // namespace wws::js
