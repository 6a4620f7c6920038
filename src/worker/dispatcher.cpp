#include "worker/dispatcher.h"

#include <unordered_set>

#include "util/blocking.h"

namespace wws::worker {

http::Handled Dispatcher::handle(const http::Request& request, http::Response& response, bool may_defer) {
  if (live_.generation() != generation_) move_to_current_site();
  const Site& site = *site_;
  std::string path = router::normalize_request_path(request.path);
  if (settings_.cors.answer_preflight(request, response)) {
    finish(request, response, path, nullptr, nullptr);
    return http::Handled::Done;
  }
  auto match = site.router.match(path);
  if (match && match->route->kind == router::RouteKind::Static)
    return run(*site.workers[match->route->target], request, path, match->params, response, may_defer);
  if (try_static(site, request, response)) {
    finish(request, response, path, nullptr, nullptr);
    return http::Handled::Done;
  }
  if (match) return run(*site.workers[match->route->target], request, path, match->params, response, may_defer);
  site.statics.not_found(request, response);
  finish(request, response, path, nullptr, nullptr);
  return http::Handled::Done;
}

void Dispatcher::finish(const http::Request& request, http::Response& response, std::string_view path,
                        const Worker* worker, const RunReport* run) const {
  settings_.cors.add_headers(request, response);
  if (observers_.empty()) return;
  const Served served{request, response, path, worker, run, std::chrono::steady_clock::now() - request.received};
  for (RequestObserver* observer : observers_) observer->served(served);
}

// Compiled code is compared, not Worker objects: a worker kept at its last good version after
// a failed reload is a new Worker sharing the old module.
void Dispatcher::move_to_current_site() {
  std::shared_ptr<const Site> next = live_.current();
  std::unordered_set<const void*> kept;
  for (const auto& w : next->workers) kept.insert(w->code());
  for (const auto& w : site_->workers)
    if (w->code() && !kept.count(w->code())) runner_.forget(*w);
  site_ = std::move(next);
  generation_ = site_->generation;
}

http::Handled Dispatcher::run(const Worker& worker, const http::Request& request, const std::string& path,
                              const std::map<std::string, std::string>& params, http::Response& response,
                              bool may_defer) {
  if (may_defer && (worker.pool_only || !worker.pace->run_inline() || (kv_blocks_ && worker.config.kv_namespace)))
    return defer(worker, response);
  auto started = std::chrono::steady_clock::now();
  const uint64_t waits = util::blocking_waits;
  // On an I/O thread a run may take Pace::kInlineBudget at most and may not wait: past that it
  // is stopped and redone on the run pool, so other connections of this thread never wait long.
  const RunReport report = runner_.run(worker, request, path, params, response,
                                       may_defer ? Pace::kInlineBudget : std::chrono::milliseconds{});
  worker.pace->record(std::chrono::steady_clock::now() - started, report.yielded || util::blocking_waits != waits);
  if (report.yielded) return defer(worker, response);
  finish(request, response, path, &worker, &report);
  return http::Handled::Done;
}

http::Handled Dispatcher::defer(const Worker& worker, http::Response& response) {
  response.lane = worker.lane;
  return http::Handled::Deferred;
}

bool Dispatcher::try_static(const Site& site, const http::Request& request, http::Response& response) {
  if (!site.statics.enabled()) return false;
  auto file = site.statics.resolve(request.path);
  if (!file) return false;
  if (request.method != "GET" && request.method != "HEAD") {
    response.status = 405;
    response.set_header("Allow", "GET, HEAD");
    return true;
  }
  site.statics.serve(request, *file, response);
  return true;
}

}  // namespace wws::worker
