#include "logs/line_sink.h"

#include <unistd.h>

#include <cerrno>

namespace wws::logs {
namespace {
std::atomic<uint64_t> next_sink_id{1};
}

LineSink::LineSink(int fd, std::chrono::milliseconds flush_every)
    : fd_(fd), flush_every_(flush_every), id_(next_sink_id.fetch_add(1)), flusher_([this] { run(); }) {}

LineSink::~LineSink() {
  {
    std::lock_guard lock(wake_mutex_);
    stopping_ = true;
  }
  wake_cv_.notify_one();
  flusher_.join();
  flush();
}

LineSink::Buffer& LineSink::buffer() {
  // Each thread remembers its buffer in every sink it wrote to, by the sink's id (never reused,
  // so an entry of a destroyed sink is never matched again).
  thread_local std::vector<std::pair<uint64_t, Buffer*>> mine;
  for (const auto& [id, b] : mine)
    if (id == id_) return *b;
  std::lock_guard lock(buffers_mutex_);
  buffers_.push_back(std::make_unique<Buffer>());
  mine.emplace_back(id_, buffers_.back().get());
  return *buffers_.back();
}

void LineSink::wake() {
  {
    std::lock_guard lock(wake_mutex_);
    woken_ = true;
  }
  wake_cv_.notify_one();
}

void LineSink::run() {
  std::unique_lock lock(wake_mutex_);
  while (!stopping_) {
    wake_cv_.wait_for(lock, flush_every_, [this] { return woken_ || stopping_; });
    woken_ = false;
    lock.unlock();
    flush();
    lock.lock();
  }
}

void LineSink::flush() {
  std::string out, taken;
  {
    std::lock_guard lock(buffers_mutex_);
    for (auto& b : buffers_) {
      {
        std::lock_guard buffer_lock(b->mutex);
        if (b->text.empty()) continue;
        taken.swap(b->text);  // the thread keeps writing into `taken`'s old (empty) capacity
      }
      out.append(taken);
      taken.clear();
    }
  }
  if (!out.empty()) write_all(out);
}

void LineSink::write_all(std::string_view text) {
  std::lock_guard lock(write_mutex_);
  while (!text.empty()) {
    ssize_t n = ::write(fd_, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // a closed or full log must never take the server down
    }
    text.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace wws::logs
