#include "engine/v8/thread_isolate.h"

#include "engine/v8/platform.h"

namespace wws::engine::v8e {

std::shared_ptr<ThreadIsolate> ThreadIsolate::current_shared() {
  thread_local std::shared_ptr<ThreadIsolate> instance(new ThreadIsolate());
  return instance;
}

ThreadIsolate& ThreadIsolate::current() { return *current_shared(); }

ThreadIsolate::ThreadIsolate() {
  platform();
  allocator_.reset(v8::ArrayBuffer::Allocator::NewDefaultAllocator());
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = allocator_.get();
  isolate_ = v8::Isolate::New(params);
  watchdog_ = std::make_unique<Watchdog>(isolate_);
  // The isolate never leaves this thread, so it stays entered for the thread's lifetime.
  isolate_->Enter();
  v8::HandleScope scope(isolate_);
  wasm_context_.Reset(isolate_, v8::Context::New(isolate_));
}

ThreadIsolate::~ThreadIsolate() {
  watchdog_.reset();
  wasm_context_.Reset();
  isolate_->Exit();
  isolate_->Dispose();
}

void ThreadIsolate::pump() {
  while (v8::platform::PumpMessageLoop(&platform(), isolate_, v8::platform::MessageLoopBehavior::kDoNotWait)) {
  }
}

}  // namespace wws::engine::v8e
