#include "api/metrics/prometheus.h"

#include <fmt/format.h>

namespace wws::api::metrics {
namespace {

struct Series {
  std::string labels;  // route="/x" (no braces)
  Totals totals;
};

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// A metric with one unlabelled sample.
template <class Value>
void single(std::string& out, std::string_view name, std::string_view type, std::string_view help, const Value& value) {
  header(out, name, type, help);
  fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
}

// One line per series of a per-route figure.
template <class Get>
void per_route(std::string& out, const std::vector<Series>& all, std::string_view name, std::string_view type,
               std::string_view help, Get get) {
  header(out, name, type, help);
  for (const auto& s : all) fmt::format_to(std::back_inserter(out), "{}{{{}}} {}\n", name, s.labels, get(s.totals));
}

std::string seconds(uint64_t ns) { return fmt::format("{:.9f}", static_cast<double>(ns) / 1e9); }

}  // namespace

std::string escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string render_prometheus(const Registry& registry, const std::vector<WorkerSeries>& workers,
                              const ProcessFigures& process) {
  std::vector<Series> all;
  all.push_back({R"(route="static")", registry.totals(kStaticCell)});
  all.push_back({R"(route="unmatched")", registry.totals(kUnmatchedCell)});
  std::vector<Series> worker_series;
  for (const auto& w : workers) {
    Series s{fmt::format(R"(route="{}")", escape_label(w.route)), registry.totals(w.cell)};
    all.push_back(s);
    worker_series.push_back(std::move(s));
  }

  std::string out;
  out.reserve(4096 + all.size() * 2048);
  header(out, "wws_requests_total", "counter",
         "Requests answered, by route (a worker's route, \"static\" for public/ files, \"unmatched\" for 404s) and "
         "status.");
  for (const auto& s : all)
    for (const auto& [code, count] : s.totals.statuses)
      fmt::format_to(std::back_inserter(out), "wws_requests_total{{{},status=\"{}\"}} {}\n", s.labels,
                     code ? std::to_string(code) : std::string("other"), count);

  header(out, "wws_request_duration_seconds", "histogram",
         "Time from reading a request's head to having its response, by route (run-pool queueing included).");
  for (const auto& s : all) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      cumulative += s.totals.buckets[i];
      const std::string le = i < kBucketBounds.size() ? fmt::format("{}", kBucketBounds[i]) : "+Inf";
      fmt::format_to(std::back_inserter(out), "wws_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", s.labels, le,
                     cumulative);
    }
    fmt::format_to(std::back_inserter(out), "wws_request_duration_seconds_sum{{{}}} {}\n", s.labels,
                   seconds(s.totals.duration_sum_ns));
    fmt::format_to(std::back_inserter(out), "wws_request_duration_seconds_count{{{}}} {}\n", s.labels, cumulative);
  }

  per_route(out, worker_series, "wws_worker_errors_total", "counter",
            "Worker requests answered with a status of 500 or more.", [](const Totals& t) { return t.errors; });
  per_route(out, worker_series, "wws_worker_failed_runs_total", "counter",
            "Worker runs that trapped, exited non-zero, timed out, ran out of memory or wrote invalid output.",
            [](const Totals& t) { return t.failed_runs; });
  per_route(out, worker_series, "wws_timeouts_total", "counter", "Worker runs stopped at their time limit.",
            [](const Totals& t) { return t.timeouts; });
  per_route(out, worker_series, "wws_instantiations_total", "counter",
            "New wasm instances or JS isolates made (reset instances are reused and not counted).",
            [](const Totals& t) { return t.instantiations; });
  header(out, "wws_kv_operations_total", "counter",
         "K/V operations of worker runs: op=\"read\" (a namespace snapshot handed to a run), op=\"write\" (a key set "
         "or deleted).");
  for (const auto& s : worker_series) {
    fmt::format_to(std::back_inserter(out), "wws_kv_operations_total{{{},op=\"read\"}} {}\n", s.labels,
                   s.totals.kv_reads);
    fmt::format_to(std::back_inserter(out), "wws_kv_operations_total{{{},op=\"write\"}} {}\n", s.labels,
                   s.totals.kv_writes);
  }
  per_route(out, worker_series, "wws_worker_instances", "gauge",
            "Server threads that keep an instance (or JS isolate) of the worker.",
            [](const Totals& t) { return t.instances; });
  per_route(out, worker_series, "wws_worker_memory_bytes", "gauge",
            "Memory of those instances: wasm linear memory, JS heap (as of each thread's last run).",
            [](const Totals& t) { return t.memory_bytes; });

  header(out, "wws_worker_info", "gauge",
         "One series per worker: its id, name and engine; available=\"false\" if it failed to load.");
  for (const auto& w : workers)
    fmt::format_to(std::back_inserter(out),
                   "wws_worker_info{{route=\"{}\",id=\"{}\",name=\"{}\",engine=\"{}\",available=\"{}\"}} 1\n",
                   escape_label(w.route), w.id, escape_label(w.name), escape_label(w.engine), w.available);

  const http::ServerStats& srv = process.server;
  single(out, "wws_open_connections", "gauge", "HTTP connections open now.", srv.open_connections);
  single(out, "wws_connections_total", "counter", "HTTP connections accepted.", srv.connections_total);
  header(
      out, "wws_http_rejected_total", "counter",
      "Requests the server refused before any handler: malformed (400), body too large (413), head too large (431).");
  for (const auto& [status, count] :
       {std::pair{400, srv.rejected_400}, {413, srv.rejected_413}, {431, srv.rejected_431}})
    fmt::format_to(std::back_inserter(out), "wws_http_rejected_total{{status=\"{}\"}} {}\n", status, count);
  single(out, "wws_http_abandoned_total", "counter",
         "Requests whose client left while they waited or ran on the run pool (cancelled or skipped).", srv.abandoned);
  single(out, "wws_run_pool_queue_depth", "gauge", "Requests waiting for a run-pool thread.", srv.pool_queued);
  single(out, "wws_run_pool_threads", "gauge", "Run-pool threads started.", srv.pool_threads);
  single(out, "wws_run_pool_busy_threads", "gauge", "Run-pool threads running a request now.", srv.pool_busy);
  single(out, "wws_start_time_seconds", "gauge", "Start time of the process, in seconds since the Unix epoch.",
         fmt::format("{:.3f}", process.start_time_seconds));
  header(out, "wws_build_info", "gauge", "The wws version.");
  fmt::format_to(std::back_inserter(out), "wws_build_info{{version=\"{}\"}} 1\n", escape_label(process.version));
  return out;
}

}  // namespace wws::api::metrics
