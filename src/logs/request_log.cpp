#include "logs/request_log.h"

#include <iterator>

#include <fmt/format.h>

#include "util/text.h"
#include "worker/worker.h"

namespace wws::logs {
namespace {

constexpr size_t kMaxTarget = 2048;  // longer request targets are cut in the log

// The request target as text: control bytes, spaces and (in a target that is not UTF-8) bytes
// above 0x7f as \xNN, so one request is always one line that cannot fake another.
void append_text_target(std::string& out, std::string_view target) {
  const bool utf8 = util::is_valid_utf8(target);
  constexpr char hex[] = "0123456789abcdef";
  for (unsigned char c : target.substr(0, kMaxTarget)) {
    if (c <= 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && !utf8)) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (target.size() > kMaxTarget) out += "...";
}

std::string_view outcome_name(engine::Outcome outcome) {
  switch (outcome) {
    case engine::Outcome::Ok: return "ok";
    case engine::Outcome::Exited: return "exited";
    case engine::Outcome::Trapped: return "trapped";
    case engine::Outcome::TimedOut: return "timed-out";
    case engine::Outcome::OutOfMemory: return "out-of-memory";
    case engine::Outcome::Failed: return "failed";
  }
  return "failed";
}

void append_duration(std::string& out, double ms) {
  if (ms < 10) fmt::format_to(std::back_inserter(out), "{:.2f}ms", ms);
  else if (ms < 1000) fmt::format_to(std::back_inserter(out), "{:.1f}ms", ms);
  else fmt::format_to(std::back_inserter(out), "{:.2f}s", ms / 1000);
}

void append_bytes(std::string& out, size_t bytes) {
  if (bytes < 10'000) fmt::format_to(std::back_inserter(out), "{}B", bytes);
  else if (bytes < 10'000'000) fmt::format_to(std::back_inserter(out), "{:.1f}kB", bytes / 1e3);
  else fmt::format_to(std::back_inserter(out), "{:.1f}MB", bytes / 1e6);
}

void json_string(std::string& out, std::string_view key, std::string_view value) {
  out += ",\"";
  out += key;
  out += "\":\"";
  append_json_escaped(out, value);
  out += '"';
}

}  // namespace

RequestLog::RequestLog(LogFormat format, Level level, std::string wasm_engine, LineSink& sink)
    : format_(format), info_(level <= Level::Info), warn_(level <= Level::Warn), wasm_engine_(std::move(wasm_engine)),
      sink_(sink) {}

void RequestLog::served(const worker::Served& served) {
  if (!(served.response.status >= 500 ? warn_ : info_)) return;
  sink_.write([&](std::string& out) {
    format(served, out);
    out += '\n';
  });
}

void RequestLog::format(const worker::Served& s, std::string& out) const {
  const http::Request& request = s.request;
  const int status = s.response.status;
  const size_t bytes = request.method == "HEAD" ? 0 : s.response.body.size();
  const double ms = std::chrono::duration<double, std::milli>(s.elapsed).count();
  const worker::Worker* w = s.worker;
  const std::string_view level = status >= 500 ? "warning" : "info";
  std::string_view engine = "static";
  if (w) engine = w->kind == worker::WorkerKind::JavaScript ? std::string_view("js") : std::string_view(wasm_engine_);
  else if (status == 404) engine = "-";
  const bool failed_run = s.run && s.run->outcome != engine::Outcome::Ok;

  if (format_ == LogFormat::Json) {
    out += "{\"time\":\"";
    append_timestamp(out, std::chrono::system_clock::now(), LogFormat::Json);
    out += "\",\"level\":\"";
    out += level;
    out += "\",\"msg\":\"request\"";
    json_string(out, "method", request.method);
    json_string(out, "path", std::string_view(request.path).substr(0, kMaxTarget));
    if (!request.query.empty()) json_string(out, "query", std::string_view(request.query).substr(0, kMaxTarget));
    fmt::format_to(std::back_inserter(out), ",\"status\":{},\"bytes\":{},\"duration_ms\":{:.3f}", status, bytes, ms);
    if (w) {
      json_string(out, "route", w->route);
      json_string(out, "worker", w->name);
      json_string(out, "file", w->relative.generic_string());
    }
    json_string(out, "engine", engine);
    if (failed_run) json_string(out, "outcome", s.run->unavailable ? "unavailable" : outcome_name(s.run->outcome));
    json_string(out, "remote", request.remote_address);
    out += '}';
    return;
  }
  append_timestamp(out, std::chrono::system_clock::now(), LogFormat::Text);
  out += ' ';
  out += level;
  out += ' ';
  out += request.method;
  out += ' ';
  append_text_target(out, request.target);
  fmt::format_to(std::back_inserter(out), " {} ", status);
  append_bytes(out, bytes);
  out += ' ';
  append_duration(out, ms);
  if (w) {
    out += " route=";
    out += w->route;
    out += " worker=";
    append_text_target(out, w->relative.generic_string());
    out += " engine=";
    out += engine;
    if (failed_run) {
      out += " outcome=";
      out += s.run->unavailable ? "unavailable" : outcome_name(s.run->outcome);
    }
  } else {
    out += status == 404 ? " no route" : " static";
  }
}

}  // namespace wws::logs
