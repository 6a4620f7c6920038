// HTTP dates (RFC 9110 §5.6.7): formatting for Date/Last-Modified, parsing for If-Modified-Since.
// Hand-written so neither the C locale nor strftime's allocation rules matter.
#pragma once
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace wws::http {

inline constexpr size_t kHttpDateLength = 29;  // "Sun, 06 Nov 1994 08:49:37 GMT"

// Writes exactly kHttpDateLength characters (no terminator) for a UTC time.
void format_http_date(std::time_t t, char* out);
std::string http_date(std::time_t t);

// Parses IMF-fixdate, the obsolete RFC 850 form and asctime(); nullopt if malformed.
std::optional<std::time_t> parse_http_date(std::string_view text);

}  // namespace wws::http
