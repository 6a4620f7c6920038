#include "site/reloader.h"

#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace wws::site {
namespace {

std::string list_routes(const std::vector<WorkerRef>& refs) {
  std::string out;
  for (const auto& r : refs) {
    if (!out.empty()) out += ", ";
    out += r.route;
  }
  return out;
}

}  // namespace

std::unique_ptr<Reloader> Reloader::start(const engine::EngineSet& engines, LoadOptions options, ReloadReport* report) {
  LoadResult first = load_site(engines, options, {}, 1);
  *report = first.report;
  if (!first.site) return nullptr;
  return std::unique_ptr<Reloader>(new Reloader(engines, std::move(options), std::move(first)));
}

Reloader::Reloader(const engine::EngineSet& engines, LoadOptions options, LoadResult first)
    : engines_(engines),
      options_(std::move(options)),
      live_(std::move(first.site)),
      built_(std::move(first.built)),
      last_report_(std::move(first.report)) {}

ReloadReport Reloader::reload() {
  std::lock_guard lock(reload_mutex_);
  std::shared_ptr<const worker::Site> serving = live_.current();
  LoadResult next = load_site(engines_, options_, built_, serving->generation + 1);
  ReloadReport& report = next.report;
  const bool statics_changed = next.site && next.site->statics.enabled() != serving->statics.enabled();
  if (next.site && (report.changed_anything() || statics_changed)) {
    built_ = std::move(next.built);
    live_.publish(std::move(next.site));
  } else {
    report.applied = false;
    report.generation = serving->generation;
  }
  log_reload(report);
  std::lock_guard report_lock(report_mutex_);
  last_report_ = report;
  return report;
}

ReloadReport Reloader::last_report() const {
  std::lock_guard lock(report_mutex_);
  return last_report_;
}

void log_reload(const ReloadReport& report) {
  if (!report.fatal.empty()) {
    spdlog::error("Reload failed, still serving the previous version of the project: {}", report.fatal);
    return;
  }
  if (!report.changed_anything()) return;
  const double ms = std::chrono::duration<double, std::milli>(report.took).count();
  std::string what;
  auto part = [&](const char* label, const std::vector<WorkerRef>& refs) {
    if (refs.empty()) return;
    if (!what.empty()) what += "; ";
    what += fmt::format("{} {}", label, list_routes(refs));
  };
  part("added", report.added);
  part("changed", report.changed);
  part("removed", report.removed);
  spdlog::info("Reloaded in {:.1f} ms: {}", ms, what);
  for (const auto& warning : report.warnings) spdlog::warn("{}", warning);
  std::set<std::string> touched;
  for (const auto& r : report.added) touched.insert(r.file);
  for (const auto& r : report.changed) touched.insert(r.file);
  for (const auto& p : report.problems) {
    if (!touched.count(p.file)) continue;
    if (p.kept_previous)
      spdlog::error("Worker {} ({}) keeps serving its previous version; the changed files do not load: {}", p.route,
                    p.file, p.message);
    else spdlog::error("Worker {} ({}) will answer 503: {}", p.route, p.file, p.message);
  }
}

}  // namespace wws::site
