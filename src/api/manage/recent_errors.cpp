#include "api/manage/recent_errors.h"

#include "worker/worker.h"

namespace wws::api {

const char* outcome_name(engine::Outcome outcome) {
  switch (outcome) {
    case engine::Outcome::Ok: return "ok";
    case engine::Outcome::Exited: return "exited";
    case engine::Outcome::Trapped: return "trapped";
    case engine::Outcome::TimedOut: return "timed_out";
    case engine::Outcome::OutOfMemory: return "out_of_memory";
    case engine::Outcome::Failed: return "failed";
  }
  return "failed";
}

void RecentErrors::served(const worker::Served& served) {
  // Unavailable workers answer 503 on every request; their one reason is in the worker's detail.
  if (!served.run || !served.worker || served.run->outcome == engine::Outcome::Ok || served.run->unavailable) return;
  RecordedError e{std::chrono::system_clock::now(),
                  served.worker->id,
                  served.worker->route,
                  served.request.method,
                  std::string(served.path),
                  served.response.status,
                  outcome_name(served.run->outcome),
                  served.run->message};
  std::lock_guard lock(mu_);
  ++total_;
  errors_.push_front(std::move(e));
  if (errors_.size() > capacity_) errors_.pop_back();
}

std::vector<RecordedError> RecentErrors::list(const std::string& worker_id, size_t limit) const {
  std::vector<RecordedError> out;
  std::lock_guard lock(mu_);
  for (const auto& e : errors_) {
    if (out.size() >= limit) break;
    if (worker_id.empty() || e.worker_id == worker_id) out.push_back(e);
  }
  return out;
}

uint64_t RecentErrors::total() const {
  std::lock_guard lock(mu_);
  return total_;
}

}  // namespace wws::api
