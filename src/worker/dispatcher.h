// The http::Handler of one server thread: picks the route, then serves a static file from
// public/ or runs the worker, with the original's precedence (reference §2.5): static worker
// routes beat static files, static files beat dynamic and catch-all routes. Static files and
// quick workers are answered on the I/O thread; other workers are deferred to the run pool, and
// so is every worker with a K/V namespace when the K/V backend may block (SQLite, Redis).
// Each request is answered from one Site (live_site.h): the dispatcher moves to a newer one
// between requests, and then drops this thread's cached state of workers that left.
#pragma once
#include <map>
#include <memory>

#include "http/message.h"
#include "worker/live_site.h"
#include "worker/runner.h"
#include "worker/worker.h"

namespace wws::worker {

class Dispatcher final : public http::Handler {
 public:
  Dispatcher(const LiveSite& live, kv::Service& kv, const RunnerSettings& settings)
      : live_(live),
        site_(live.current()),
        generation_(site_->generation),
        runner_(kv, settings),
        settings_(settings),
        observers_(settings.observers),
        kv_blocks_(kv.store().may_block()) {}
  http::Handled handle(const http::Request& request, http::Response& response, bool may_defer) override;

 private:
  void move_to_current_site();
  bool try_static(const Site& site, const http::Request& request, http::Response& response);
  // Runs the worker here, or defers it to the run pool until its pace says it is quick.
  http::Handled run(const Worker& worker, const http::Request& request, const std::string& path,
                    const std::map<std::string, std::string>& params, http::Response& response, bool may_defer);
  static http::Handled defer(const Worker& worker, http::Response& response);
  // The last touches on an answered request: CORS headers, then the observers (logs, metrics).
  void finish(const http::Request& request, http::Response& response, std::string_view path, const Worker* worker,
              const RunReport* run) const;
  const LiveSite& live_;
  std::shared_ptr<const Site> site_;
  uint64_t generation_;
  Runner runner_;
  const RunnerSettings& settings_;
  const Observers& observers_;
  const bool kv_blocks_;
};

}  // namespace wws::worker
