// kv/group_commit.h: group commit for the backends whose commits cost a fixed price each (a
// SQLite transaction with its locks and write-ahead-log writes; a Redis round trip and script
// run), as LevelDB's writer queue does it. A committing thread queues its request; the thread at
// the front takes every request queued behind it (up to a bound), applies them together, and
// wakes their threads. Under load many commits share one transaction or one script call; alone,
// a commit pays no hand-off (its own thread applies it at once). The applier decides each
// request's own outcome, so one failing request need not fail the others.
#pragma once
#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string_view>
#include <vector>

#include "kv/batch.h"

namespace wws::kv {

// One Store::commit call waiting in the queue: its arguments, and the outcome the applier sets.
struct QueuedCommit {
  std::string_view ns;
  const Batch& batch;
  const Limits& limits;
  CommitResult* out;
  Status status;
  bool done = false;
  std::condition_variable cv;
};

class GroupCommit {
 public:
  explicit GroupCommit(size_t max_group) : max_group_(max_group) {}

  // Returns once `apply(group)` (a callable taking const std::vector<QueuedCommit*>&) has run
  // for a group holding `me`, on this thread or another.
  template <class Apply>
  void run(QueuedCommit& me, Apply&& apply) {
    std::unique_lock lock(mutex_);
    queue_.push_back(&me);
    me.cv.wait(lock, [&] { return me.done || queue_.front() == &me; });
    if (me.done) return;

    std::vector<QueuedCommit*> group(queue_.begin(), queue_.begin() + std::min(queue_.size(), max_group_));
    lock.unlock();
    apply(group);
    lock.lock();
    for (QueuedCommit* m : group) {
      queue_.pop_front();
      m->done = true;
      if (m != &me) m->cv.notify_one();
    }
    if (!queue_.empty()) queue_.front()->cv.notify_one();
  }

 private:
  const size_t max_group_;
  std::mutex mutex_;
  std::deque<QueuedCommit*> queue_;
};

}  // namespace wws::kv
