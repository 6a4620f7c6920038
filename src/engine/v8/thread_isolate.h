// One V8 isolate per server thread, created on that thread (V8 takes its stack limit from it)
// and shared by everything that runs guest code there: wasm instances and JS workers.
#pragma once
#include <memory>

#include <v8.h>

#include "engine/v8/watchdog.h"

namespace wws::engine::v8e {

class ThreadIsolate {
 public:
  // The calling thread's isolate, created on first use.
  static ThreadIsolate& current();
  // The same, co-owned: whoever keeps V8 handles in this isolate past the thread's own
  // thread_local teardown (an executor in a static, say) holds one so the isolate outlives them.
  static std::shared_ptr<ThreadIsolate> current_shared();

  ~ThreadIsolate();
  v8::Isolate* isolate() const { return isolate_; }
  Watchdog& watchdog() { return *watchdog_; }
  // A context for wasm work (instances need one; JS workers get their own).
  v8::Local<v8::Context> wasm_context() const { return wasm_context_.Get(isolate_); }
  // Runs V8's pending foreground tasks (GC finalisation); call between requests.
  void pump();

 private:
  ThreadIsolate();
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator_;
  v8::Isolate* isolate_ = nullptr;
  std::unique_ptr<Watchdog> watchdog_;
  v8::Global<v8::Context> wasm_context_;
};

}  // namespace wws::engine::v8e
