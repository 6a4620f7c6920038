#include "engine/v8/watchdog.h"

namespace wws::engine::v8e {

namespace {
constexpr auto kPollInterval = std::chrono::milliseconds(5);
}

Watchdog::Watchdog(v8::Isolate* isolate) : isolate_(isolate), thread_([this] { loop(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

uint64_t Watchdog::arm(std::chrono::milliseconds timeout, v8::Isolate* target) {
  std::lock_guard lock(mu_);
  target_ = target ? target : isolate_;
  armed_ = next_token_++;
  fired_ = false;
  deadline_ = std::chrono::steady_clock::now() + timeout;
  return armed_;
}

bool Watchdog::disarm(uint64_t token) {
  bool fired;
  v8::Isolate* target;
  {
    std::lock_guard lock(mu_);
    target = target_;
    fired = fired_ && armed_ == token;
    armed_ = 0;
    fired_ = false;
  }
  if (target && (fired || target->IsExecutionTerminating())) target->CancelTerminateExecution();
  return fired;
}

void Watchdog::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, kPollInterval);
    if (armed_ && !fired_ && std::chrono::steady_clock::now() >= deadline_) {
      fired_ = true;
      target_->TerminateExecution();  // thread-safe by V8's contract
    }
  }
}

}  // namespace wws::engine::v8e
