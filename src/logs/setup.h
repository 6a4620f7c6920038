// logs/: what wws prints while it serves. setup: --log-format and --log-level for every log
// line (spdlog's, and the request lines of request_log.h), and the timestamps both share.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace wws::logs {

enum class LogFormat { Text, Json };
enum class Level { Trace, Debug, Info, Warn, Error, Off };

std::optional<LogFormat> parse_format(std::string_view text);  // "text", "json"
std::optional<Level> parse_level(std::string_view text);       // "trace" ... "error", "off"

// Sets spdlog's level and, for Json, a formatter that writes each line as one JSON object
// {"time","level","msg"}; Text keeps "2026-12-01T10:00:00.123 info message".
void configure(LogFormat format, Level level);

// Lines meant for a person (start-up, where things are served): in text mode printed as they
// are, `say` to stdout and `complain` to stderr; in JSON mode each becomes one info (error) log
// line, its lines trimmed and joined by spaces, so stdout stays one JSON object per line.
void say(std::string_view text);
void complain(std::string_view text);

// "2026-12-01T10:00:00.123" in local time (Text) or "2026-12-01T10:00:00.123Z" in UTC (Json),
// as spdlog's lines have it; the date part is formatted once per second per thread.
void append_timestamp(std::string& out, std::chrono::system_clock::time_point when, LogFormat format);

// Appends `text` as the inside of a JSON string: quotes, backslashes and control characters
// escaped, bytes that are not UTF-8 written as \u00XX so the line stays valid JSON.
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace wws::logs
