// The run pool: threads that answer requests the I/O threads hand over, so a slow or runaway
// worker ties up a pool thread instead of an I/O thread and the other connections of that I/O
// thread keep being served. Each pool thread owns a Handler made by the server's factory on that
// thread (its own V8 isolate). Threads start on demand, when a job arrives and none is idle, up
// to a maximum; then jobs queue.
#pragma once
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "http/message.h"

namespace wws::http {

class RunPool {
 public:
  using Factory = std::function<std::unique_ptr<Handler>()>;
  // Runs on a pool thread with that thread's handler.
  using Job = std::function<void(Handler&)>;
  // `on_failure` is called (on the pool thread) when a thread cannot create its handler.
  RunPool(Factory factory, unsigned max_threads, std::function<void(std::exception_ptr)> on_failure);
  ~RunPool();  // finishes queued jobs, then joins

  void submit(Job job);
  struct Stats {
    unsigned threads = 0, busy = 0;
    size_t queued = 0;
  };
  Stats stats();

 private:
  void loop();

  Factory factory_;
  const unsigned max_threads_;
  std::function<void(std::exception_ptr)> on_failure_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  std::vector<std::thread> threads_;
  unsigned idle_ = 0;
  bool stopping_ = false;
};

}  // namespace wws::http
