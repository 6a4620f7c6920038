// cli/admin_setup: turns --enable-panel, --admin-port, --admin-host and --admin-token into an
// api::Admin wired to the running server, and runs the separate admin listener when asked.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "api/admin.h"
#include "cli/options.h"
#include "http/server.h"
#include "site/loader.h"
#include "worker/runner.h"

namespace wws::cli {

// A reload's report as the management API answers it (POST /_api/v0/reload).
api::ReloadOutcome reload_outcome(const site::ReloadReport& report);

class AdminSetup {
 public:
  // Null when no admin feature was asked for (then nothing is counted on the request path).
  static std::unique_ptr<AdminSetup> create(const Options& options, api::AdminSources sources);
  ~AdminSetup();

  void add_observers(worker::RunnerSettings& settings);
  // The main port's handler: admin paths first when --enable-panel, else `dispatcher` as is.
  std::unique_ptr<http::Handler> wrap(std::unique_ptr<http::Handler> dispatcher);
  // Binds the admin listener (throws like http::Server::listen) and prints where things are.
  void listen(const std::string& main_base_url);
  void start();  // serves the admin listener on its own thread
  void stop();   // stops and joins it

 private:
  AdminSetup(const Options& options, api::AdminSources sources);
  const Options& options_;
  api::Admin admin_;
  std::unique_ptr<http::Server> listener_;
  std::thread thread_;
};

}  // namespace wws::cli
