#include "http/run_pool.h"

#include <algorithm>
#include <limits>

#include <spdlog/spdlog.h>

namespace wws::http {

RunPool::RunPool(Factory factory, unsigned max_threads, std::function<void(std::exception_ptr)> on_failure)
    : factory_(std::move(factory)),
      max_threads_(std::max(1u, max_threads)),
      on_failure_(std::move(on_failure)),
      shared_lane_(
          std::make_shared<RunLane>(std::numeric_limits<unsigned>::max(), std::numeric_limits<size_t>::max())) {}

RunPool::~RunPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

size_t RunPool::startable() const {
  size_t n = 0;
  for (const auto& lane : turns_)
    if (lane->running_ < lane->max_running_)
      n += std::min<size_t>(lane->queued_.size(), lane->max_running_ - lane->running_);
  return n;
}

RunPool::Submitted RunPool::submit(Job job, const std::shared_ptr<RunLane>& lane_or_null) {
  const std::shared_ptr<RunLane>& lane = lane_or_null ? lane_or_null : shared_lane_;
  {
    std::lock_guard lock(mu_);
    // Jobs that can start at once never count as waiting.
    const size_t free = lane->max_running_ > lane->running_ ? lane->max_running_ - lane->running_ : 0;
    if (lane->queued_.size() >= free && lane->queued_.size() - free >= lane->max_queued_) return Submitted::LaneFull;
    lane->queued_.push_back(std::move(job));
    ++queued_;
    if (!lane->listed_) {
      lane->listed_ = true;
      turns_.push_back(lane);
    }
    // A thread still starting up counts as idle: it will take a job once its handler exists.
    if (idle_ < startable() && threads_.size() < max_threads_) {
      ++idle_;
      threads_.emplace_back([this] { loop(); });
    }
  }
  cv_.notify_one();
  return Submitted::Queued;
}

bool RunPool::take(std::shared_ptr<RunLane>* lane, Job* job) {
  for (auto it = turns_.begin(); it != turns_.end(); ++it) {
    RunLane& l = **it;
    if (l.running_ >= l.max_running_) continue;
    *job = std::move(l.queued_.front());
    l.queued_.pop_front();
    --queued_;
    ++l.running_;
    *lane = std::move(*it);
    turns_.erase(it);
    if (l.queued_.empty()) l.listed_ = false;
    else turns_.push_back(*lane);  // its next job waits for the other lanes' turns
    return true;
  }
  return false;
}

RunPool::Stats RunPool::stats() {
  std::lock_guard lock(mu_);
  Stats s;
  s.threads = static_cast<unsigned>(threads_.size());
  s.queued = queued_;
  // idle_ counts threads waiting (or still starting) and is lowered as each takes a job.
  s.busy = s.threads > idle_ ? s.threads - idle_ : 0;
  return s;
}

void RunPool::loop() {
  std::unique_ptr<Handler> handler;
  try {
    handler = factory_();
    if (!handler) throw std::runtime_error("the handler factory returned no handler");
  } catch (...) {
    spdlog::error("http: a run-pool thread could not create its request handler");
    on_failure_(std::current_exception());
    // Jobs must still be answered: this thread keeps taking them and fails each one.
  }
  struct Failing final : Handler {
    Handled handle(const Request&, Response& response, bool) override {
      response.status = 503;
      return Handled::Done;
    }
  } failing;
  std::unique_lock lock(mu_);
  for (;;) {
    std::shared_ptr<RunLane> lane;
    Job job;
    while (!take(&lane, &job)) {
      if (stopping_ && turns_.empty()) {
        lock.unlock();
        handler.reset();  // on its own thread: handlers own thread-bound state
        return;
      }
      cv_.wait(lock);
    }
    --idle_;
    lock.unlock();
    job(handler ? *handler : static_cast<Handler&>(failing));
    job = nullptr;  // release captures outside the lock
    lock.lock();
    ++idle_;
    --lane->running_;
    // A lane held at its running limit may have become runnable; this thread may take another
    // lane's turn, so wake one more.
    if (stopping_) cv_.notify_all();
    else if (!lane->queued_.empty()) cv_.notify_one();
  }
}

}  // namespace wws::http
