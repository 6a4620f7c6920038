#include "http/run_pool.h"

#include <spdlog/spdlog.h>

namespace wws::http {

RunPool::RunPool(Factory factory, unsigned max_threads, std::function<void(std::exception_ptr)> on_failure)
    : factory_(std::move(factory)), max_threads_(std::max(1u, max_threads)), on_failure_(std::move(on_failure)) {}

RunPool::~RunPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void RunPool::submit(Job job) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
    // A thread still starting up counts as idle: it will take a job once its handler exists.
    if (idle_ < jobs_.size() && threads_.size() < max_threads_) {
      ++idle_;
      threads_.emplace_back([this] { loop(); });
    }
  }
  cv_.notify_one();
}

RunPool::Stats RunPool::stats() {
  std::lock_guard lock(mu_);
  Stats s;
  s.threads = static_cast<unsigned>(threads_.size());
  s.queued = jobs_.size();
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
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) break;  // stopping, nothing left
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    --idle_;
    lock.unlock();
    struct Failing final : Handler {
      Handled handle(const Request&, Response& response, bool) override {
        response.status = 503;
        return Handled::Done;
      }
    } failing;
    job(handler ? *handler : static_cast<Handler&>(failing));
    job = nullptr;  // release captures outside the lock
    lock.lock();
    ++idle_;
  }
  lock.unlock();
  handler.reset();  // on its own thread: handlers own thread-bound state
}

}  // namespace wws::http
