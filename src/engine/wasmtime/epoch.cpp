#include "engine/wasmtime/epoch.h"

namespace wws::engine::wt {

EpochTicker::EpochTicker(std::vector<std::function<void()>> advance) : advance_(std::move(advance)) {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, kEpochTick, [this] { return stopping_; }))
      for (auto& a : advance_) a();
  });
}

EpochTicker::~EpochTicker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void EpochTicker::add(std::function<void()> advance) {
  std::lock_guard lock(mu_);
  advance_.push_back(std::move(advance));
}

}  // namespace wws::engine::wt
