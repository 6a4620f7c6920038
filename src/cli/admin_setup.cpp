#include "cli/admin_setup.h"
#include "logs/setup.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace wws::cli {

api::ReloadOutcome reload_outcome(const site::ReloadReport& report) {
  api::ReloadOutcome out;
  out.generation = report.generation;
  if (!report.fatal.empty()) {
    out.ok = false;
    out.summary = "the previous version keeps serving: " + report.fatal;
    return out;
  }
  const double ms = std::chrono::duration<double, std::milli>(report.took).count();
  out.summary = report.changed_anything()
                    ? fmt::format("{} added, {} changed, {} removed, {} unchanged in {:.0f} ms", report.added.size(),
                                  report.changed.size(), report.removed.size(), report.unchanged, ms)
                    : fmt::format("nothing changed ({} workers, {:.0f} ms)", report.unchanged, ms);
  for (const auto& p : report.problems)
    out.errors.push_back(fmt::format("{} ({}): {}{}", p.route, p.file, p.message,
                                     p.kept_previous ? " (its previous version keeps serving)" : ""));
  return out;
}

std::unique_ptr<AdminSetup> AdminSetup::create(const Options& options, api::AdminSources sources) {
  if (!options.enable_panel && !options.admin_port) return nullptr;
  return std::unique_ptr<AdminSetup>(new AdminSetup(options, std::move(sources)));
}

AdminSetup::AdminSetup(const Options& options, api::AdminSources sources)
    : options_(options), admin_(api::AccessPolicy{options.admin_token}, std::move(sources)) {}

AdminSetup::~AdminSetup() { stop(); }

void AdminSetup::add_observers(worker::RunnerSettings& settings) {
  for (auto* observer : admin_.observers()) settings.observers.push_back(observer);
}

std::unique_ptr<http::Handler> AdminSetup::wrap(std::unique_ptr<http::Handler> dispatcher) {
  if (!options_.enable_panel) return dispatcher;
  return std::make_unique<api::AdminHandler>(admin_, std::move(dispatcher));
}

void AdminSetup::listen(const std::string& main_base_url) {
  if (options_.enable_panel)
    logs::say(fmt::format("🎛️  The admin panel is available at {}/_panel/\n", main_base_url));
  if (options_.admin_port) {
    http::ServerOptions o;
    o.host = options_.admin_host;
    o.port = *options_.admin_port;
    o.threads = 1;
    o.max_pool_threads = 0;  // admin requests are quick; none is deferred
    listener_ = std::make_unique<http::Server>(
        o, [this]() -> std::unique_ptr<http::Handler> { return std::make_unique<api::AdminHandler>(admin_, nullptr); });
    listener_->listen();
    logs::say(fmt::format("🎛️  Admin listener (panel, API, metrics, health) at http://{}:{}/_panel/\n", o.host,
                          listener_->port()));
  }
  if (options_.admin_token.empty())
    logs::say(fmt::format(
        "🔒 The admin API answers clients on this machine only; --admin-token (or WWS_ADMIN_TOKEN) lets others in\n"));
}

void AdminSetup::start() {
  if (!listener_) return;
  thread_ = std::thread([this] {
    try {
      listener_->run();
    } catch (const std::exception& e) {
      spdlog::error("admin listener stopped: {}", e.what());
    }
  });
}

void AdminSetup::stop() {
  if (!thread_.joinable()) return;
  listener_->stop();
  thread_.join();
}

}  // namespace wws::cli
