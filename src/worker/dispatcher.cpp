#include "worker/dispatcher.h"

#include "util/blocking.h"

namespace wws::worker {

http::Handled Dispatcher::handle(const http::Request& request, http::Response& response, bool may_defer) {
  std::string path = router::normalize_request_path(request.path);
  auto match = site_.router.match(path);
  if (match && match->route->kind == router::RouteKind::Static)
    return run(site_.workers[match->route->target], request, path, match->params, response, may_defer);
  if (try_static(request, response)) {
    notify(request, response, path, nullptr, nullptr);
    return http::Handled::Done;
  }
  if (match) return run(site_.workers[match->route->target], request, path, match->params, response, may_defer);
  site_.statics.not_found(request, response);
  notify(request, response, path, nullptr, nullptr);
  return http::Handled::Done;
}

void Dispatcher::notify(const http::Request& request, const http::Response& response, std::string_view path,
                        const Worker* worker, const RunReport* run) const {
  if (observers_.empty()) return;
  const Served served{request, response, path, worker, run, std::chrono::steady_clock::now() - request.received};
  for (RequestObserver* observer : observers_) observer->served(served);
}

http::Handled Dispatcher::run(const Worker& worker, const http::Request& request, const std::string& path,
                              const std::map<std::string, std::string>& params, http::Response& response, bool may_defer) {
  if (may_defer && !worker.pace->run_inline()) return http::Handled::Deferred;
  auto started = std::chrono::steady_clock::now();
  const uint64_t waits = util::blocking_waits;
  const RunReport report = runner_.run(worker, request, path, params, response);
  worker.pace->record(std::chrono::steady_clock::now() - started, util::blocking_waits != waits);
  notify(request, response, path, &worker, &report);
  return http::Handled::Done;
}

bool Dispatcher::try_static(const http::Request& request, http::Response& response) {
  if (!site_.statics.enabled()) return false;
  auto file = site_.statics.resolve(request.path);
  if (!file) return false;
  if (request.method != "GET" && request.method != "HEAD") {
    response.status = 405;
    response.set_header("Allow", "GET, HEAD");
    return true;
  }
  site_.statics.serve(request, *file, response);
  return true;
}

}  // namespace wws::worker
