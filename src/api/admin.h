// api/: the admin panel (/_panel/), the management API (/_api/v0/*), metrics and health.
// `Admin` is the process-wide state (metrics registry, recent errors, what to report on); it is
// shared by every server thread. `AdminHandler` answers admin paths on one thread and passes
// everything else to the wrapped handler (the worker Dispatcher), or 404s on the admin listener.
// Layout: metrics/ (counting and Prometheus text), manage/ (the API's JSON), auth/ (who may
// ask), panel/ (the page, embedded at build time).
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/auth/access.h"
#include "api/manage/recent_errors.h"
#include "api/metrics/registry.h"
#include "http/message.h"
#include "http/server.h"
#include "worker/dispatcher.h"

namespace wws::api {

// What a reload did, as the reload entry point reports it.
struct ReloadOutcome {
  bool ok = true;                   // false: nothing could be loaded; the previous version serves
  uint64_t generation = 0;          // of the project served afterwards
  std::string summary;              // one line: what changed
  std::vector<std::string> errors;  // workers that kept their last good version, and why
};

struct AdminSources {
  std::function<std::shared_ptr<const worker::Site>()> site;  // the project being served now
  std::function<http::ServerStats()> server_stats;            // the main server's figures
  std::function<ReloadOutcome()> reload;                      // empty: no reload action
  std::string wasm_engine = "v8";                             // engine of wasm workers
  std::string version;
};

class Admin {
 public:
  Admin(AccessPolicy policy, AdminSources sources);
  ~Admin();

  // The observers to add to worker::RunnerSettings::observers.
  worker::Observers observers();
  metrics::Registry& registry() { return registry_; }
  RecentErrors& errors() { return errors_; }

  static bool is_admin_path(std::string_view path);  // /_api/... or /_panel...
  // Any thread. Fills the response to an admin path.
  void handle(const http::Request& request, http::Response& response);

 private:
  struct Window;
  void handle_api(const http::Request& request, std::string_view path, http::Response& response);
  // Each answers and returns true if `rest` (the path after /_api/v0/) is one of its endpoints:
  // those that answer without a loaded project (health, openapi.json, reload), and the others.
  bool handle_server_api(const http::Request& request, std::string_view rest, http::Response& response);
  bool handle_site_api(const http::Request& request, const worker::Site& site, std::string_view rest,
                       http::Response& response);
  void serve_panel(std::string_view path, http::Response& response);

  std::string workers_json(const worker::Site& site) const;
  bool worker_json(const worker::Site& site, std::string_view id, bool reveal_vars, std::string& out);
  std::string stats_json(const worker::Site& site);
  std::string errors_json(const std::string& worker_id) const;
  std::string health_json(const worker::Site* site, bool& ready) const;
  std::string metrics_text(const worker::Site& site);
  std::string reload_json();

  AccessPolicy policy_;
  AdminSources sources_;
  metrics::Registry registry_;
  RecentErrors errors_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::system_clock::time_point started_wall_ = std::chrono::system_clock::now();
  std::unique_ptr<Window> window_;
};

// Serves admin paths on one server thread and hands the rest to `inner` (null: 404).
class AdminHandler final : public http::Handler {
 public:
  AdminHandler(Admin& admin, std::unique_ptr<http::Handler> inner) : admin_(admin), inner_(std::move(inner)) {}
  http::Handled handle(const http::Request& request, http::Response& response, bool may_defer) override;

 private:
  Admin& admin_;
  std::unique_ptr<http::Handler> inner_;
};

}  // namespace wws::api
