// api/manage: the last failed runs (trap, exit, timeout, out of memory, invalid output), kept in
// a bounded ring for the admin API and the panel. Recording takes a lock, but only on a failed
// run, never on the path of a request that succeeded.
#pragma once
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "worker/observer.h"

namespace wws::api {

struct RecordedError {
  std::chrono::system_clock::time_point time;
  std::string worker_id;
  std::string route;
  std::string method;
  std::string path;  // the request path
  int status = 0;
  std::string outcome;  // "trapped", "timed_out", ...
  std::string message;
};

class RecentErrors final : public worker::RequestObserver {
 public:
  explicit RecentErrors(size_t capacity = 200) : capacity_(capacity) {}
  void served(const worker::Served& served) override;
  // Newest first; only the given worker's when `worker_id` is not empty.
  std::vector<RecordedError> list(const std::string& worker_id = {}, size_t limit = 50) const;
  uint64_t total() const;

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::deque<RecordedError> errors_;
  uint64_t total_ = 0;
};

const char* outcome_name(engine::Outcome outcome);

}  // namespace wws::api
