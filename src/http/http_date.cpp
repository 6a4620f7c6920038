// HTTP date formatting and parsing without locale or timezone state.
#include "http/http_date.h"

#include <array>
#include <cstring>

namespace wws::http {
namespace {

constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void put2(char* out, int v) {
  out[0] = static_cast<char>('0' + v / 10);
  out[1] = static_cast<char>('0' + v % 10);
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm): timegm
// would work too but is a GNU extension and consults no state we need.
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

bool parse_int(std::string_view s, int& out) {
  if (s.empty() || s.size() > 4) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

int parse_month(std::string_view s) {
  for (size_t i = 0; i < kMonths.size(); ++i)
    if (s == kMonths[i]) return static_cast<int>(i) + 1;
  return 0;
}

bool parse_clock(std::string_view s, int& h, int& m, int& sec) {
  return s.size() == 8 && s[2] == ':' && s[5] == ':' && parse_int(s.substr(0, 2), h) && parse_int(s.substr(3, 2), m) &&
         parse_int(s.substr(6, 2), sec);
}

std::optional<std::time_t> assemble(int year, int month, int day, int h, int m, int s) {
  if (month < 1 || month > 12 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return std::nullopt;
  const long long days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return static_cast<std::time_t>(days * 86400 + h * 3600LL + m * 60LL + s);
}

}  // namespace

void format_http_date(std::time_t t, char* out) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::memcpy(out, kDays[tm.tm_wday], 3);
  out[3] = ',';
  out[4] = ' ';
  put2(out + 5, tm.tm_mday);
  out[7] = ' ';
  std::memcpy(out + 8, kMonths[tm.tm_mon], 3);
  out[11] = ' ';
  const int year = tm.tm_year + 1900;
  put2(out + 12, (year / 100) % 100);
  put2(out + 14, year % 100);
  out[16] = ' ';
  put2(out + 17, tm.tm_hour);
  out[19] = ':';
  put2(out + 20, tm.tm_min);
  out[22] = ':';
  put2(out + 23, tm.tm_sec);
  std::memcpy(out + 25, " GMT", 4);  // NOLINT(bugprone-not-null-terminated-result): a fixed-width field
}

std::string http_date(std::time_t t) {
  std::string s(kHttpDateLength, ' ');
  format_http_date(t, s.data());
  return s;
}

std::optional<std::time_t> parse_http_date(std::string_view text) {
  int day = 0, year = 0, h = 0, m = 0, s = 0;
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  if (text.size() == 29 && text[3] == ',' && text.substr(25) == " GMT") {
    const int month = parse_month(text.substr(8, 3));
    if (month && parse_int(text.substr(5, 2), day) && parse_int(text.substr(12, 4), year) &&
        parse_clock(text.substr(17, 8), h, m, s))
      return assemble(year, month, day, h, m, s);
    return std::nullopt;
  }
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
  if (const size_t comma = text.find(", "); comma != std::string_view::npos && comma > 3) {
    const std::string_view rest = text.substr(comma + 2);
    if (rest.size() != 22 || rest[2] != '-' || rest[6] != '-' || rest.substr(18) != " GMT") return std::nullopt;
    const int month = parse_month(rest.substr(3, 3));
    if (!month || !parse_int(rest.substr(0, 2), day) || !parse_int(rest.substr(7, 2), year) ||
        !parse_clock(rest.substr(10, 8), h, m, s))
      return std::nullopt;
    year += year < 70 ? 2000 : 1900;
    return assemble(year, month, day, h, m, s);
  }
  // asctime: "Sun Nov  6 08:49:37 1994"
  if (text.size() == 24 && text[3] == ' ' && text[7] == ' ') {
    const int month = parse_month(text.substr(4, 3));
    std::string_view d = text.substr(8, 2);
    if (d[0] == ' ') d.remove_prefix(1);
    if (month && parse_int(d, day) && parse_clock(text.substr(11, 8), h, m, s) && parse_int(text.substr(20, 4), year))
      return assemble(year, month, day, h, m, s);
  }
  return std::nullopt;
}

}  // namespace wws::http
