#include "engine/wasmtime/epoch.h"

namespace wws::engine::wt {

EpochTicker::EpochTicker(std::vector<std::function<void()>> advance) : advance_(std::move(advance)) {
  thread_ = std::thread([this] {
    const auto started = std::chrono::steady_clock::now();
    uint64_t advanced = 0;
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, kEpochTick, [this] { return stopping_; })) {
      const auto due = static_cast<uint64_t>((std::chrono::steady_clock::now() - started) / kEpochTick);
      for (; advanced < due; ++advanced)
        for (auto& a : advance_) a();
    }
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
