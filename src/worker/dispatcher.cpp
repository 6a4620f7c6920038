#include "worker/dispatcher.h"

namespace wws::worker {

void Dispatcher::handle(const http::Request& request, http::Response& response) {
  std::string path = router::normalize_request_path(request.path);
  auto match = site_.router.match(path);
  if (match && match->route->kind == router::RouteKind::Static) {
    runner_.run(site_.workers[match->route->target], request, path, match->params, response);
    return;
  }
  if (try_static(request, response)) return;
  if (match) {
    runner_.run(site_.workers[match->route->target], request, path, match->params, response);
    return;
  }
  site_.statics.not_found(request, response);
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
