// logs/line_sink: lines written from many threads to one file descriptor without a write(2) or a
// shared lock per line. Each thread appends to its own buffer (its own mutex, so uncontended);
// a background thread moves full or older-than-`flush_every` buffers to the descriptor. A line
// therefore reaches the file up to `flush_every` after it was written, always whole.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace wws::logs {

class LineSink {
 public:
  explicit LineSink(int fd, std::chrono::milliseconds flush_every = std::chrono::milliseconds(100));
  ~LineSink();  // writes what is left
  LineSink(const LineSink&) = delete;
  LineSink& operator=(const LineSink&) = delete;

  // Calls `fill(std::string&)` to append one or more whole lines to this thread's buffer.
  template <class Fill>
  void write(Fill&& fill) {
    Buffer& b = buffer();
    bool full;
    {
      std::lock_guard lock(b.mutex);
      fill(b.text);
      full = b.text.size() >= kFlushBytes;
    }
    if (full) wake();
  }

  // Writes every buffer now (also used before a hard exit).
  void flush();

 private:
  static constexpr size_t kFlushBytes = 64 * 1024;
  struct Buffer {
    std::mutex mutex;
    std::string text;
  };
  Buffer& buffer();
  void wake();
  void run();
  void write_all(std::string_view text);

  const int fd_;
  const std::chrono::milliseconds flush_every_;
  const uint64_t id_;         // tells each thread's cached buffer which sink it belongs to
  std::mutex buffers_mutex_;  // guards buffers_ (a thread's first line, and the flusher)
  std::vector<std::unique_ptr<Buffer>> buffers_;
  std::mutex write_mutex_;  // one writer to fd_ at a time
  std::mutex wake_mutex_;
  std::condition_variable wake_cv_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace wws::logs
