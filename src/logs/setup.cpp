#include "logs/setup.h"

#include <atomic>
#include <cstdio>
#include <ctime>
#include <memory>

#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include "util/text.h"

namespace wws::logs {
namespace {

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line = "{\"time\":\"";
    append_timestamp(line, msg.time, LogFormat::Json);
    line += "\",\"level\":\"";
    auto level = spdlog::level::to_string_view(msg.level);
    line.append(level.data(), level.size());
    line += "\",\"msg\":\"";
    append_json_escaped(line, std::string_view(msg.payload.data(), msg.payload.size()));
    line += "\"}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::Trace: return spdlog::level::trace;
    case Level::Debug: return spdlog::level::debug;
    case Level::Info: return spdlog::level::info;
    case Level::Warn: return spdlog::level::warn;
    case Level::Error: return spdlog::level::err;
    case Level::Off: return spdlog::level::off;
  }
  return spdlog::level::info;
}

constexpr char kHex[] = "0123456789abcdef";

std::atomic<LogFormat> current_format{LogFormat::Text};

std::string one_line(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    const size_t first = line.find_first_not_of(" \t");
    if (first != std::string_view::npos) {
      line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
      if (!out.empty()) out += ' ';
      out.append(line);
    }
    start = end + 1;
  }
  return out;
}

}  // namespace

std::optional<LogFormat> parse_format(std::string_view text) {
  if (text == "text") return LogFormat::Text;
  if (text == "json") return LogFormat::Json;
  return std::nullopt;
}

std::optional<Level> parse_level(std::string_view text) {
  if (text == "trace") return Level::Trace;
  if (text == "debug") return Level::Debug;
  if (text == "info") return Level::Info;
  if (text == "warn" || text == "warning") return Level::Warn;
  if (text == "error") return Level::Error;
  if (text == "off") return Level::Off;
  return std::nullopt;
}

void say(std::string_view text) {
  if (current_format == LogFormat::Json) return spdlog::info("{}", one_line(text));
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

void complain(std::string_view text) {
  if (current_format == LogFormat::Json) return spdlog::error("{}", one_line(text));
  std::fwrite(text.data(), 1, text.size(), stderr);
}

void configure(LogFormat format, Level level) {
  current_format = format;
  spdlog::set_level(to_spdlog(level));
  if (format == LogFormat::Json) spdlog::set_formatter(std::make_unique<JsonFormatter>());
  else spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
}

void append_timestamp(std::string& out, std::chrono::system_clock::time_point when, LogFormat format) {
  thread_local std::time_t cached_second = -1;
  thread_local LogFormat cached_format = LogFormat::Text;
  thread_local char cached[32];
  const auto since_epoch = when.time_since_epoch();
  const std::time_t second = std::chrono::system_clock::to_time_t(when);
  if (second != cached_second || format != cached_format) {
    std::tm tm{};
    if (format == LogFormat::Json) gmtime_r(&second, &tm);
    else localtime_r(&second, &tm);
    std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
    cached_second = second;
    cached_format = format;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000;
  out += cached;
  out += '.';
  out += char('0' + ms / 100);
  out += char('0' + ms / 10 % 10);
  out += char('0' + ms % 10);
  if (format == LogFormat::Json) out += 'Z';
}

void append_json_escaped(std::string& out, std::string_view text) {
  auto plain = [](unsigned char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; };
  size_t run = 0;
  while (run < text.size() && plain(static_cast<unsigned char>(text[run]))) ++run;
  out.append(text.substr(0, run));  // the common case: all of it
  if (run == text.size()) return;
  const bool utf8 = util::is_valid_utf8(text);
  for (unsigned char c : text.substr(run)) {
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      default: break;
    }
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
}

}  // namespace wws::logs
