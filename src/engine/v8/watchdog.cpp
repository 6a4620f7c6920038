#include "engine/v8/watchdog.h"

#include "util/blocking.h"

namespace wws::engine::v8e {

namespace {
constexpr auto kPollInterval = std::chrono::milliseconds(5);
// Runs with a short limit (an I/O thread's inline budget, a worker's timeout_ms = 3) are polled
// more often, so they stop within a millisecond or so of it.
constexpr auto kShortRun = std::chrono::milliseconds(50);
constexpr auto kShortPollInterval = std::chrono::milliseconds(1);
}  // namespace

Watchdog::Watchdog(v8::Isolate* isolate) : isolate_(isolate), thread_([this] { loop(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

uint64_t Watchdog::arm(std::chrono::milliseconds timeout, v8::Isolate* target, Stop stop) {
  std::lock_guard lock(mu_);
  target_ = target ? target : isolate_;
  armed_ = next_token_++;
  stop_ = stop;
  fired_ = false;
  requested_ = false;
  deadline_ = std::chrono::steady_clock::now() + timeout;
  cancel_ = util::run_scope.cancel;
  short_run_ = timeout <= kShortRun;
  return armed_;
}

bool Watchdog::disarm(uint64_t token) {
  bool fired;
  bool requested;
  v8::Isolate* target;
  {
    std::lock_guard lock(mu_);
    target = target_;
    fired = fired_ && armed_ == token;
    requested = requested_;
    armed_ = 0;
    fired_ = false;
    requested_ = false;
  }
  // An interrupt requested for this run that never got to run stays queued on the isolate; its
  // callback finds the run disarmed (or another run armed that has not fired) and does nothing.
  if (target && (requested || target->IsExecutionTerminating())) target->CancelTerminateExecution();
  return fired;
}

bool Watchdog::termination_requested() {
  std::lock_guard lock(mu_);
  return requested_;
}

void Watchdog::on_interrupt(v8::Isolate* isolate, void* data) {
  auto* self = static_cast<Watchdog*>(data);
  std::lock_guard lock(self->mu_);
  if (!self->armed_ || !self->fired_ || self->requested_ || self->target_ != isolate) return;
  self->requested_ = true;
  isolate->TerminateExecution();
}

void Watchdog::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, armed_ && short_run_ ? kShortPollInterval : kPollInterval);
    if (armed_ && !fired_ &&
        (std::chrono::steady_clock::now() >= deadline_ || (cancel_ && cancel_->load(std::memory_order_relaxed)))) {
      fired_ = true;
      if (stop_ == Stop::Interrupt) {
        target_->RequestInterrupt(&Watchdog::on_interrupt, this);  // thread-safe by V8's contract
      } else {
        requested_ = true;
        target_->TerminateExecution();  // thread-safe by V8's contract
      }
    }
  }
}

}  // namespace wws::engine::v8e
