// The Prometheus text exposition format (version 0.0.4) of the registry's figures and the
// server's, served at /_api/v0/metrics. Every metric name is listed in README's "Metrics".
#pragma once
#include <string>
#include <vector>

#include "api/metrics/registry.h"
#include "http/server.h"

namespace wws::api::metrics {

// One series per worker: its cell and the labels that name it.
struct WorkerSeries {
  uint32_t cell = 0;
  std::string route, id, name, engine;
  bool available = true;
};

struct ProcessFigures {
  http::ServerStats server;
  double start_time_seconds = 0;  // Unix time
  std::string version;
};

inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string render_prometheus(const Registry& registry, const std::vector<WorkerSeries>& workers,
                              const ProcessFigures& process);

// A label value with \, " and newline escaped, as the format requires.
std::string escape_label(std::string_view value);

}  // namespace wws::api::metrics
