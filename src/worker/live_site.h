// The Site being served now, swapped whole by a hot reload. Readers (one Dispatcher per server
// thread) keep their own reference and compare generations at the start of each request, so the
// request path costs one atomic load and a request runs entirely on the Site it started with;
// an old Site lives until the last thread that still holds it moves on.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>

#include "worker/site.h"

namespace wws::worker {

class LiveSite {
 public:
  explicit LiveSite(std::shared_ptr<const Site> first) : site_(std::move(first)), generation_(site_->generation) {}

  // Changes whenever publish() does; cheap enough to read on every request.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  std::shared_ptr<const Site> current() const {
    std::lock_guard lock(mutex_);
    return site_;
  }

  // `next->generation` must differ from the current one.
  void publish(std::shared_ptr<const Site> next) {
    std::lock_guard lock(mutex_);
    const uint64_t generation = next->generation;
    site_ = std::move(next);
    generation_.store(generation, std::memory_order_release);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Site> site_;
  std::atomic<uint64_t> generation_;
};

}  // namespace wws::worker
