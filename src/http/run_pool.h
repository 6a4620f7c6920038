// The run pool: threads that answer requests the I/O threads hand over, so a slow or runaway
// worker ties up a pool thread instead of an I/O thread and the other connections of that I/O
// thread keep being served. Each pool thread owns a Handler made by the server's factory on that
// thread (its own V8 isolate). Threads start on demand, when a job can run and none is idle, up
// to a maximum.
//
// Jobs queue in lanes, one per worker (a RunLane the handler names, see Response::lane): lanes
// take turns for free threads, so one worker's backlog never delays another worker's request by
// more than one run; a lane runs at most `max_running` jobs at once, so a looping worker cannot
// take every thread; and it holds at most `max_queued` waiting jobs, past which submit() refuses
// (the server answers 503 with Retry-After).
#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "http/message.h"

namespace wws::http {

// Runs on a pool thread with that thread's handler.
using RunJob = std::function<void(Handler&)>;

class RunLane {
 public:
  RunLane(unsigned max_running, size_t max_queued)
      : max_running_(max_running ? max_running : 1), max_queued_(max_queued) {}
  RunLane(const RunLane&) = delete;
  RunLane& operator=(const RunLane&) = delete;

  unsigned max_running() const { return max_running_; }
  size_t max_queued() const { return max_queued_; }

 private:
  friend class RunPool;
  const unsigned max_running_;
  const size_t max_queued_;
  // Guarded by the pool's mutex.
  std::deque<RunJob> queued_;
  unsigned running_ = 0;
  bool listed_ = false;  // in the pool's list of lanes with queued jobs
};

class RunPool {
 public:
  using Factory = std::function<std::unique_ptr<Handler>()>;
  using Job = RunJob;
  // `on_failure` is called (on the pool thread) when a thread cannot create its handler.
  RunPool(Factory factory, unsigned max_threads, std::function<void(std::exception_ptr)> on_failure);
  ~RunPool();  // finishes queued jobs, then joins

  enum class Submitted { Queued, LaneFull };
  // A null lane is the pool's shared lane: no limit on running or queued jobs.
  Submitted submit(Job job, const std::shared_ptr<RunLane>& lane = nullptr);

  struct Stats {
    unsigned threads = 0, busy = 0;
    size_t queued = 0;
  };
  Stats stats();

 private:
  void loop();
  // Under the lock: the next job of the first lane (in turn order) below its running limit.
  bool take(std::shared_ptr<RunLane>* lane, Job* job);
  size_t startable() const;  // queued jobs whose lane could run them now

  Factory factory_;
  const unsigned max_threads_;
  std::function<void(std::exception_ptr)> on_failure_;
  std::shared_ptr<RunLane> shared_lane_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<RunLane>> turns_;  // lanes with queued jobs, next in turn first
  size_t queued_ = 0;
  std::vector<std::thread> threads_;
  unsigned idle_ = 0;
  bool stopping_ = false;
};

}  // namespace wws::http
