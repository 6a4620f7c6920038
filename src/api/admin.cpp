#include "api/admin.h"

#include <cmath>
#include <deque>
#include <map>
#include <mutex>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/metrics/prometheus.h"
#include "api/panel/assets.h"
#include "worker/worker.h"

namespace wws::api {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;
constexpr std::string_view kApi = "/_api/v0/";
constexpr std::string_view kPanel = "/_panel";
constexpr const char* kHiddenValue = "(hidden)";

void key(JsonWriter& w, std::string_view k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
void string(JsonWriter& w, std::string_view v) { w.String(v.data(), static_cast<rapidjson::SizeType>(v.size())); }
void field(JsonWriter& w, std::string_view k, std::string_view v) {
  key(w, k);
  string(w, v);
}
void field(JsonWriter& w, std::string_view k, const char* v) { field(w, k, std::string_view(v)); }  // not bool
void field(JsonWriter& w, std::string_view k, uint64_t v) {
  key(w, k);
  w.Uint64(v);
}
void field(JsonWriter& w, std::string_view k, double v) {
  key(w, k);
  w.Double(std::isfinite(v) ? v : 0);
}
void field(JsonWriter& w, std::string_view k, bool v) {
  key(w, k);
  w.Bool(v);
}
void null_or(JsonWriter& w, std::string_view k, const std::string* v) {
  key(w, k);
  if (v) string(w, *v);
  else w.Null();
}

std::string query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) return std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

void json_response(http::Response& response, int status, std::string body) {
  response.status = status;
  response.headers.clear();
  response.headers.emplace_back("Content-Type", "application/json");
  response.headers.emplace_back("Cache-Control", "no-store");
  response.body = std::move(body);
}

void error_response(http::Response& response, int status, std::string_view message) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  field(w, "error", message);
  w.EndObject();
  json_response(response, status, buffer.GetString());
}

// Always true: the request was for this endpoint.
bool method_not_allowed(http::Response& response, const char* allow, std::string_view endpoint) {
  error_response(response, 405, fmt::format("use {} for {}{}", allow, kApi, endpoint));
  response.headers.emplace_back("Allow", allow);
  return true;
}

std::string engine_of(const worker::Worker& w, const std::string& wasm_engine) {
  return w.kind == worker::WorkerKind::JavaScript ? "v8" : wasm_engine;
}
const char* kind_of(const worker::Worker& w) { return w.kind == worker::WorkerKind::JavaScript ? "js" : "wasm"; }
// The original's name: the TOML's `name`, else "default".
std::string api_name(const worker::Worker& w) { return w.config.name.value_or("default"); }

std::string iso_time(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", fmt::gmtime(std::chrono::system_clock::to_time_t(t)), ms);
}

const worker::Worker* find_worker(const worker::Site& site, std::string_view id) {
  for (const auto& w : site.workers)
    if (w->id == id) return w.get();
  return nullptr;
}

}  // namespace

// Recent figures (requests per second, p50/p99) over about the last minute, from snapshots of
// the cumulative counters taken when the API is asked, at most one every kStep.
struct Admin::Window {
  static constexpr std::chrono::seconds kStep{5};
  static constexpr std::chrono::seconds kSpan{60};
  struct CellSnap {
    uint64_t requests = 0, errors = 0;
    std::array<uint64_t, metrics::kFineBuckets> fine{};
  };
  struct Sample {
    std::chrono::steady_clock::time_point time;
    std::map<uint32_t, CellSnap> cells;
  };
  std::mutex mu;
  std::deque<Sample> samples;

  // Adds `now` (if the last sample is old enough) and returns the oldest sample still in the span.
  const Sample* baseline(Sample now) {
    while (!samples.empty() && now.time - samples.front().time > kSpan + kStep) samples.pop_front();
    if (samples.empty() || now.time - samples.back().time >= kStep) samples.push_back(std::move(now));
    return samples.size() > 1 ? &samples.front() : nullptr;
  }
};

Admin::Admin(AccessPolicy policy, AdminSources sources)
    : policy_(std::move(policy)), sources_(std::move(sources)), window_(std::make_unique<Window>()) {}
Admin::~Admin() = default;

worker::Observers Admin::observers() { return {&registry_, &errors_}; }

bool Admin::is_admin_path(std::string_view path) {
  return path.starts_with("/_api/") || path == kPanel || path.starts_with("/_panel/");
}

void Admin::handle(const http::Request& request, http::Response& response) {
  std::string_view path = request.path;
  // Health is open: probes (a load balancer, Kubernetes) carry no token, and it reveals nothing.
  // So is the OpenAPI document, which is the same for every server.
  const bool health =
      path == "/_api/v0/health" || path.starts_with("/_api/v0/health/") || path == "/_api/v0/openapi.json";
  // The panel's files hold no data (it asks the API, with the token); only the API is guarded.
  const bool panel = path == kPanel || path.starts_with("/_panel/");
  if (!health && !panel) {
    const Access access = check_access(policy_, request);
    if (access != Access::Allowed) {
      error_response(response, access_status(access), access_message(access));
      if (access_status(access) == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer");
      return;
    }
  }
  if (panel) return serve_panel(path, response);
  handle_api(request, path, response);
}

void Admin::serve_panel(std::string_view path, http::Response& response) {
  if (path == kPanel) {
    response.status = 308;
    response.headers.emplace_back("Location", "/_panel/");
    return;
  }
  std::string_view name = path.substr(kPanel.size() + 1);
  const PanelAsset* asset = name.empty() ? find_panel_asset("index.html") : find_panel_asset(name);
  // The page routes itself (/_panel/workers/<id>): any other path without a file extension gets it.
  if (!asset && name.find('.') == std::string_view::npos) asset = find_panel_asset("index.html");
  if (!asset) return error_response(response, 404, "no such panel file");
  response.status = 200;
  response.headers.emplace_back("Content-Type", std::string(asset->content_type));
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                "connect-src 'self'; frame-ancestors 'none'");
  response.body.assign(asset->body);
}

void Admin::handle_api(const http::Request& request, std::string_view path, http::Response& response) {
  if (!path.starts_with(kApi)) return error_response(response, 404, "the admin API lives under /_api/v0/");
  const std::string_view rest = path.substr(kApi.size());
  if (handle_server_api(request, rest, response)) return;
  std::shared_ptr<const worker::Site> site = sources_.site ? sources_.site() : nullptr;
  if (!site) return error_response(response, 503, "the project is not loaded yet");
  if (handle_site_api(request, *site, rest, response)) return;
  error_response(response, 404, fmt::format("no admin API at {}; see /_api/v0/openapi.json", path));
}

bool Admin::handle_server_api(const http::Request& request, std::string_view rest, http::Response& response) {
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (rest == "health" || rest == "health/live" || rest == "health/ready") {
    if (!get) return method_not_allowed(response, "GET", rest);
    std::shared_ptr<const worker::Site> site = sources_.site ? sources_.site() : nullptr;
    bool ready = false;
    std::string body = health_json(site.get(), ready);
    const bool live_only = rest == "health/live";
    json_response(response, live_only || ready ? 200 : 503, std::move(body));
    return true;
  }
  if (rest == "openapi.json") {
    if (!get) return method_not_allowed(response, "GET", rest);
    const PanelAsset* doc = find_panel_asset("openapi.json");
    json_response(response, 200, std::string(doc ? doc->body : "{}"));
    return true;
  }
  if (rest == "reload") {
    if (!sources_.reload) error_response(response, 404, "this server has no reload action");
    else if (request.method != "POST") method_not_allowed(response, "POST", rest);
    else json_response(response, 200, reload_json());
    return true;
  }
  return false;
}

bool Admin::handle_site_api(const http::Request& request, const worker::Site& site, std::string_view rest,
                            http::Response& response) {
  const bool get = request.method == "GET" || request.method == "HEAD";
  const bool known =
      rest == "metrics" || rest == "workers" || rest.starts_with("workers/") || rest == "stats" || rest == "errors";
  if (!known) return false;
  if (!get) return method_not_allowed(response, "GET", rest);
  if (rest == "metrics") {
    response.status = 200;
    response.headers.emplace_back("Content-Type", metrics::kContentType);
    response.headers.emplace_back("Cache-Control", "no-store");
    response.body = metrics_text(site);
  } else if (rest == "workers") {
    json_response(response, 200, workers_json(site));
  } else if (rest.starts_with("workers/")) {
    std::string_view id = rest.substr(8);
    std::string body;
    const bool reveal = query_param(request.query, "reveal") == "vars";
    if (worker_json(site, id, reveal, body)) json_response(response, 200, std::move(body));
    else error_response(response, 404, fmt::format("no worker with id '{}'", id));
  } else if (rest == "stats") {
    json_response(response, 200, stats_json(site));
  } else {
    json_response(response, 200, errors_json(query_param(request.query, "worker")));
  }
  return true;
}

std::string Admin::workers_json(const worker::Site& site) const {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartArray();
  // In route order (the router's priority order), as the original listed them.
  for (const auto& route : site.router.routes()) {
    const worker::Worker& worker = *site.workers[route.target];
    w.StartObject();
    field(w, "id", worker.id);
    field(w, "name", api_name(worker));
    field(w, "path", worker.route);
    field(w, "filepath", worker.file.string());
    field(w, "engine", engine_of(worker, sources_.wasm_engine));
    field(w, "kind", kind_of(worker));
    field(w, "available", worker.unavailable.empty());
    w.EndObject();
  }
  w.EndArray();
  return buffer.GetString();
}

bool Admin::worker_json(const worker::Site& site, std::string_view id, bool reveal_vars, std::string& out) {
  const worker::Worker* found = find_worker(site, id);
  if (!found) return false;
  const worker::Worker& worker = *found;
  const config::WorkerConfig& config = worker.config;
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  // The original's fields first.
  field(w, "id", worker.id);
  field(w, "name", api_name(worker));
  field(w, "version", config.version);
  key(w, "data");
  w.StartObject();
  null_or(w, "kv", config.kv_namespace ? &*config.kv_namespace : nullptr);
  w.EndObject();
  key(w, "folders");
  w.StartArray();
  for (const auto& f : config.folders) {
    w.StartObject();
    field(w, "from", f.from.string());
    field(w, "to", f.to);
    w.EndObject();
  }
  w.EndArray();
  key(w, "vars");
  w.StartObject();
  for (const auto& [k, v] : config.vars)
    field(w, k, reveal_vars ? std::string_view(v) : std::string_view(kHiddenValue));
  w.EndObject();
  // wws's additions.
  field(w, "vars_hidden", !reveal_vars);
  field(w, "path", worker.route);
  field(w, "filepath", worker.file.string());
  field(w, "engine", engine_of(worker, sources_.wasm_engine));
  field(w, "kind", kind_of(worker));
  field(w, "available", worker.unavailable.empty());
  null_or(w, "error", worker.unavailable.empty() ? nullptr : &worker.unavailable);
  null_or(w, "reload_error", worker.reload_error.empty() ? nullptr : &worker.reload_error);
  key(w, "limits");
  w.StartObject();
  field(w, "timeout_ms", static_cast<uint64_t>(worker.timeout.count()));
  field(w, "memory_mb", worker.memory_limit_bytes >> 20);
  w.EndObject();
  key(w, "http_requests");
  w.StartObject();
  key(w, "allowed_hosts");
  w.StartArray();
  for (const auto& h : config.http_requests.allowed_hosts) string(w, h);
  w.EndArray();
  key(w, "allowed_methods");
  w.StartArray();
  for (const auto& m : config.http_requests.allowed_methods) string(w, m);
  w.EndArray();
  field(w, "allow_http", config.http_requests.allow_http);
  w.EndObject();
  w.EndObject();
  out = buffer.GetString();
  return true;
}

std::string Admin::stats_json(const worker::Site& site) {
  const auto now = std::chrono::steady_clock::now();
  Window::Sample sample{now, {}};
  std::vector<std::pair<const worker::Worker*, metrics::Totals>> rows;
  for (const auto& route : site.router.routes()) {
    const worker::Worker& worker = *site.workers[route.target];
    metrics::Totals t = registry_.totals(worker.slot + metrics::kFirstWorkerCell);
    sample.cells[worker.slot] = {t.requests, t.errors, t.fine};
    rows.emplace_back(&worker, std::move(t));
  }
  const metrics::Totals statics = registry_.totals(metrics::kStaticCell);
  const metrics::Totals unmatched = registry_.totals(metrics::kUnmatchedCell);

  std::lock_guard lock(window_->mu);
  const Window::Sample* base = window_->baseline(sample);
  const double uptime = std::chrono::duration<double>(now - started_).count();
  const double span = base ? std::chrono::duration<double>(now - base->time).count() : uptime;

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  field(w, "version", sources_.version);
  field(w, "uptime_s", uptime);
  field(w, "window_s", span);
  field(w, "reload_available", static_cast<bool>(sources_.reload));
  if (sources_.server_stats) {
    const http::ServerStats srv = sources_.server_stats();
    field(w, "open_connections", static_cast<uint64_t>(std::max<int64_t>(0, srv.open_connections)));
    key(w, "run_pool");
    w.StartObject();
    field(w, "threads", static_cast<uint64_t>(srv.pool_threads));
    field(w, "busy", static_cast<uint64_t>(srv.pool_busy));
    field(w, "queued", static_cast<uint64_t>(srv.pool_queued));
    w.EndObject();
  }
  field(w, "static_requests", statics.requests);
  field(w, "unmatched_requests", unmatched.requests);
  field(w, "errors_recorded", errors_.total());
  key(w, "workers");
  w.StartArray();
  uint64_t total_requests = statics.requests + unmatched.requests;
  for (const auto& [worker, t] : rows) {
    total_requests += t.requests;
    // Recent figures: the difference from the window's baseline (or everything since start).
    Window::CellSnap recent{t.requests, t.errors, t.fine};
    if (base) {
      auto it = base->cells.find(worker->slot);
      if (it != base->cells.end()) {
        recent.requests -= it->second.requests;
        recent.errors -= it->second.errors;
        for (size_t i = 0; i < metrics::kFineBuckets; ++i) recent.fine[i] -= it->second.fine[i];
      }
    }
    w.StartObject();
    field(w, "id", worker->id);
    field(w, "path", worker->route);
    field(w, "name", api_name(*worker));
    field(w, "engine", engine_of(*worker, sources_.wasm_engine));
    field(w, "kind", kind_of(*worker));
    field(w, "available", worker->unavailable.empty());
    null_or(w, "reload_error", worker->reload_error.empty() ? nullptr : &worker->reload_error);
    field(w, "requests", t.requests);
    field(w, "errors", t.errors);
    field(w, "failed_runs", t.failed_runs);
    field(w, "timeouts", t.timeouts);
    field(w, "instantiations", t.instantiations);
    field(w, "kv_reads", t.kv_reads);
    field(w, "kv_writes", t.kv_writes);
    field(w, "instances", t.instances);
    field(w, "memory_bytes", t.memory_bytes);
    field(w, "mean_ms",
          t.requests ? static_cast<double>(t.duration_sum_ns) / 1e6 / static_cast<double>(t.requests) : 0.0);
    field(w, "rps", span > 0 ? static_cast<double>(recent.requests) / span : 0.0);
    field(w, "recent_requests", recent.requests);
    field(w, "recent_errors", recent.errors);
    field(w, "p50_ms", metrics::fine_quantile_ms(recent.fine, 0.50));
    field(w, "p99_ms", metrics::fine_quantile_ms(recent.fine, 0.99));
    key(w, "statuses");
    w.StartObject();
    for (const auto& [code, count] : t.statuses) field(w, code ? std::to_string(code) : std::string("other"), count);
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  field(w, "requests", total_requests);
  w.EndObject();
  return buffer.GetString();
}

std::string Admin::errors_json(const std::string& worker_id) const {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  field(w, "total", errors_.total());
  key(w, "errors");
  w.StartArray();
  for (const auto& e : errors_.list(worker_id)) {
    w.StartObject();
    field(w, "time", iso_time(e.time));
    field(w, "worker_id", e.worker_id);
    field(w, "route", e.route);
    field(w, "method", e.method);
    field(w, "path", e.path);
    field(w, "status", static_cast<uint64_t>(e.status));
    field(w, "outcome", e.outcome);
    field(w, "message", e.message);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

std::string Admin::health_json(const worker::Site* site, bool& ready) const {
  const http::ServerStats srv = sources_.server_stats ? sources_.server_stats() : http::ServerStats{};
  ready = site && !srv.stopping;
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  field(w, "status", !site ? "loading" : srv.stopping ? "stopping" : "ok");
  field(w, "live", true);
  field(w, "ready", ready);
  field(w, "uptime_s", std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  if (site) {
    field(w, "workers", static_cast<uint64_t>(site->workers.size()));
    key(w, "unavailable");
    w.StartArray();
    for (const auto& worker : site->workers)
      if (!worker->unavailable.empty()) string(w, worker->route);
    w.EndArray();
  }
  w.EndObject();
  return buffer.GetString();
}

std::string Admin::metrics_text(const worker::Site& site) {
  std::vector<metrics::WorkerSeries> series;
  for (const auto& route : site.router.routes()) {
    const worker::Worker& worker = *site.workers[route.target];
    series.push_back({worker.slot + metrics::kFirstWorkerCell, worker.route, worker.id, api_name(worker),
                      engine_of(worker, sources_.wasm_engine), worker.unavailable.empty()});
  }
  metrics::ProcessFigures process;
  if (sources_.server_stats) process.server = sources_.server_stats();
  process.start_time_seconds = std::chrono::duration<double>(started_wall_.time_since_epoch()).count();
  process.version = sources_.version;
  return metrics::render_prometheus(registry_, series, process);
}

std::string Admin::reload_json() {
  const ReloadOutcome outcome = sources_.reload();
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  field(w, "ok", outcome.ok);
  field(w, "generation", outcome.generation);
  field(w, "summary", outcome.summary);
  key(w, "errors");
  w.StartArray();
  for (const auto& e : outcome.errors) string(w, e);
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

http::Handled AdminHandler::handle(const http::Request& request, http::Response& response, bool may_defer) {
  if (Admin::is_admin_path(request.path)) {
    // A reload compiles what changed: never on an I/O thread, where it would hold up other requests.
    if (may_defer && request.path == "/_api/v0/reload") return http::Handled::Deferred;
    admin_.handle(request, response);
    return http::Handled::Done;
  }
  if (inner_) return inner_->handle(request, response, may_defer);
  response.status = 404;
  response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  response.body = "This is wws's admin listener: the panel is at /_panel/, the API under /_api/v0/\n";
  return http::Handled::Done;
}

}  // namespace wws::api
