// The http::Handler of one server thread: picks the route, then serves a static file from
// public/ or runs the worker, with the original's precedence (reference §2.5): static worker
// routes beat static files, static files beat dynamic and catch-all routes. Static files and
// quick workers are answered on the I/O thread; other workers are deferred to the run pool.
#pragma once
#include <vector>

#include "http/message.h"
#include "http/static_files.h"
#include "router/router.h"
#include "worker/runner.h"
#include "worker/worker.h"

namespace wws::worker {

// What every thread's dispatcher reads; immutable while serving.
struct Site {
  std::vector<Worker> workers;
  router::Router router;
  http::StaticFiles statics;
};

class Dispatcher final : public http::Handler {
 public:
  Dispatcher(const Site& site, engine::Engine& engine, kv::Store& kv, const RunnerSettings& settings)
      : site_(site), runner_(engine, kv, settings), observers_(settings.observers) {}
  http::Handled handle(const http::Request& request, http::Response& response, bool may_defer) override;

 private:
  bool try_static(const http::Request& request, http::Response& response);
  // Runs the worker here, or defers it to the run pool until its pace says it is quick.
  http::Handled run(const Worker& worker, const http::Request& request, const std::string& path,
                    const std::map<std::string, std::string>& params, http::Response& response, bool may_defer);
  void notify(const http::Request& request, const http::Response& response, std::string_view path,
              const Worker* worker, const RunReport* run) const;
  const Site& site_;
  Runner runner_;
  const Observers& observers_;
};

}  // namespace wws::worker
