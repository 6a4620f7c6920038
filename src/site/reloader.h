// Hot reload: re-reads the project folder and swaps the Site being served when anything
// changed. Workers whose files did not change are kept as they are (compiled code, caches);
// changed ones compile here, on the caller's thread, never on a request's; the new Site then
// replaces the old one at once (worker::LiveSite), requests in flight finishing on the old one.
// A worker whose new files do not load keeps its last good version (Worker::reload_error says
// why); a project-wide problem (two files for one route) keeps the whole previous Site.
#pragma once
#include <memory>
#include <mutex>

#include "engine/engines.h"
#include "site/loader.h"
#include "worker/live_site.h"

namespace wws::site {

class Reloader {
 public:
  // Loads the project for the first time. Returns null, with `report.fatal` set, when it cannot
  // be served at all.
  static std::unique_ptr<Reloader> start(const engine::EngineSet& engines, LoadOptions options, ReloadReport* report);

  // Re-reads the project and publishes the result if anything changed. Thread-safe: concurrent
  // calls run one after the other. Prints a summary of what changed and every new problem.
  ReloadReport reload();

  // The outcome of the last reload (or of the first load).
  ReloadReport last_report() const;
  // What is being served now; the server's Dispatchers read it through live().
  std::shared_ptr<const worker::Site> current() const { return live_.current(); }
  const worker::LiveSite& live() const { return live_; }
  const LoadOptions& options() const { return options_; }

 private:
  Reloader(const engine::EngineSet& engines, LoadOptions options, LoadResult first);

  const engine::EngineSet& engines_;
  const LoadOptions options_;
  worker::LiveSite live_;
  std::mutex reload_mutex_;  // one reload at a time; guards built_
  BuiltWorkers built_;       // what the served Site was built from
  mutable std::mutex report_mutex_;
  ReloadReport last_report_;
};

// Prints a reload's outcome: what changed, each problem of a changed or added worker, a fatal
// error. Silent when nothing changed.
void log_reload(const ReloadReport& report);

}  // namespace wws::site
