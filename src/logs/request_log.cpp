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
  target = target.substr(0, kMaxTarget + 1);
  const bool cut = target.size() > kMaxTarget;
  if (cut) target.remove_suffix(1);
  auto plain = [](unsigned char c) { return c > 0x20 && c < 0x7f && c != '\\'; };
  size_t run = 0;
  while (run < target.size() && plain(static_cast<unsigned char>(target[run]))) ++run;
  out.append(target.substr(0, run));  // the common case: all of it
  if (run < target.size()) {
    const bool utf8 = util::is_valid_utf8(target);
    constexpr char hex[] = "0123456789abcdef";
    for (unsigned char c : target.substr(run)) {
      if (plain(c) || (c >= 0x80 && utf8)) {
        out += static_cast<char>(c);
      } else {
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
  }
  if (cut) out += "...";
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

// Integer formatting only: this runs once per request, and float formatting costs several times more.
void append_uint(std::string& out, uint64_t n) {
  const fmt::format_int text(n);
  out.append(text.data(), text.size());
}

// `thousandths` / 1000 with `decimals` (1 to 3) digits after the point, rounded, then `unit`.
void append_fixed(std::string& out, uint64_t thousandths, int decimals, std::string_view unit) {
  uint64_t divisor = 1;
  for (int i = decimals; i < 3; ++i) divisor *= 10;
  const uint64_t rounded = (thousandths + divisor / 2) / divisor;
  uint64_t one = 1;
  for (int i = 0; i < decimals; ++i) one *= 10;
  append_uint(out, rounded / one);
  out += '.';
  const fmt::format_int fraction(rounded % one);
  for (int i = static_cast<int>(fraction.size()); i < decimals; ++i) out += '0';
  out.append(fraction.data(), fraction.size());
  out += unit;
}

uint64_t elapsed_us(std::chrono::steady_clock::duration elapsed) {
  return static_cast<uint64_t>(
      std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
}

void append_duration(std::string& out, std::chrono::steady_clock::duration elapsed) {
  const uint64_t us = elapsed_us(elapsed);
  if (us < 10'000) append_fixed(out, us, 2, "ms");
  else if (us < 1'000'000) append_fixed(out, us, 1, "ms");
  else append_fixed(out, us / 1000, 2, "s");
}

void append_bytes(std::string& out, size_t bytes) {
  if (bytes < 10'000) {
    append_uint(out, bytes);
    out += 'B';
  } else if (bytes < 10'000'000) {
    append_fixed(out, bytes, 1, "kB");
  } else {
    append_fixed(out, bytes / 1000, 1, "MB");
  }
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
    : format_(format),
      info_(level <= Level::Info),
      warn_(level <= Level::Warn),
      wasm_engine_(std::move(wasm_engine)),
      sink_(sink) {}

void RequestLog::served(const worker::Served& served) {
  if (!(served.response.status >= 500 ? warn_ : info_)) return;
  sink_.write([&](std::string& out) {
    format(served, out);
    out += '\n';
  });
}

namespace {

// What both formats derive from a served request.
struct Summary {
  int status;
  size_t bytes;            // of the body sent (none for HEAD)
  std::string_view level;  // "warning" for a 5xx
  std::string_view engine;
  bool failed_run;
};

void format_json(const worker::Served& s, const Summary& sum, std::string& out) {
  const http::Request& request = s.request;
  const worker::Worker* w = s.worker;
  out += "{\"time\":\"";
  append_timestamp(out, std::chrono::system_clock::now(), LogFormat::Json);
  out += "\",\"level\":\"";
  out += sum.level;
  out += "\",\"msg\":\"request\"";
  json_string(out, "method", request.method);
  json_string(out, "path", std::string_view(request.path).substr(0, kMaxTarget));
  if (!request.query.empty()) json_string(out, "query", std::string_view(request.query).substr(0, kMaxTarget));
  out += ",\"status\":";
  append_uint(out, static_cast<uint64_t>(sum.status));
  out += ",\"bytes\":";
  append_uint(out, sum.bytes);
  out += ",\"duration_ms\":";
  append_fixed(out, elapsed_us(s.elapsed), 3, "");
  if (w) {
    json_string(out, "route", w->route);
    json_string(out, "worker", w->name);
    json_string(out, "file", w->relative.native());
  }
  json_string(out, "engine", sum.engine);
  if (sum.failed_run) json_string(out, "outcome", s.run->unavailable ? "unavailable" : outcome_name(s.run->outcome));
  json_string(out, "remote", request.remote_address);
  out += '}';
}

void format_text(const worker::Served& s, const Summary& sum, std::string& out) {
  const http::Request& request = s.request;
  const worker::Worker* w = s.worker;
  append_timestamp(out, std::chrono::system_clock::now(), LogFormat::Text);
  out += ' ';
  out += sum.level;
  out += ' ';
  out += request.method;
  out += ' ';
  append_text_target(out, request.target);
  out += ' ';
  append_uint(out, static_cast<uint64_t>(sum.status));
  out += ' ';
  append_bytes(out, sum.bytes);
  out += ' ';
  append_duration(out, s.elapsed);
  if (w) {
    out += " route=";
    out += w->route;
    out += " worker=";
    append_text_target(out, w->relative.native());
    out += " engine=";
    out += sum.engine;
    if (sum.failed_run) {
      out += " outcome=";
      out += s.run->unavailable ? "unavailable" : outcome_name(s.run->outcome);
    }
  } else {
    out += sum.status == 404 ? " no route" : " static";
  }
}

}  // namespace

void RequestLog::format(const worker::Served& s, std::string& out) const {
  Summary sum;
  sum.status = s.response.status;
  sum.bytes = s.request.method == "HEAD" ? 0 : s.response.body.size();
  sum.level = sum.status >= 500 ? "warning" : "info";
  sum.engine = "static";
  if (s.worker)
    sum.engine =
        s.worker->kind == worker::WorkerKind::JavaScript ? std::string_view("js") : std::string_view(wasm_engine_);
  else if (sum.status == 404) sum.engine = "-";
  sum.failed_run = s.run && s.run->outcome != engine::Outcome::Ok;
  if (format_ == LogFormat::Json) format_json(s, sum, out);
  else format_text(s, sum, out);
}

}  // namespace wws::logs
