#include "http/request_rules.h"

#include <iterator>

namespace wws::http {
namespace {

namespace bhttp = boost::beast::http;

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_unreserved(char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~'; }
bool is_sub_delim(char c) {
  switch (c) {
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':
    case '+':
    case ',':
    case ';':
    case '=': return true;
    default: return false;
  }
}

// reg-name = *( unreserved / pct-encoded / sub-delims ); IPv4 addresses are reg-names too.
bool is_reg_name(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) return false;
      i += 2;
    } else if (!is_unreserved(s[i]) && !is_sub_delim(s[i])) {
      return false;
    }
  }
  return true;
}

// The inside of "[...]": an IPv6 address (hex digits, ':' and a trailing dotted IPv4) or an
// IPvFuture ("v" hex "." then unreserved / sub-delims / ':'). Shape only; the address itself is
// never used to connect anywhere.
bool is_ip_literal(std::string_view s) {
  if (s.empty()) return false;
  if (s.front() == 'v' || s.front() == 'V') {
    size_t dot = s.find('.');
    if (dot == std::string_view::npos || dot < 2 || dot + 1 == s.size()) return false;
    for (size_t i = 1; i < dot; ++i)
      if (!is_hex(s[i])) return false;
    for (size_t i = dot + 1; i < s.size(); ++i)
      if (!is_unreserved(s[i]) && !is_sub_delim(s[i]) && s[i] != ':') return false;
    return true;
  }
  if (s.find(':') == std::string_view::npos) return false;
  for (char c : s)
    if (!is_hex(c) && c != ':' && c != '.') return false;
  return true;
}

// 0, 400 or 501 for the Transfer-Encoding fields.
int check_transfer_encoding(unsigned version, const bhttp::fields& fields) {
  auto [first, last] = fields.equal_range(bhttp::field::transfer_encoding);
  if (first == last) return 0;
  if (version < 11) return 400;  // RFC 9112 §6.1: HTTP/1.0 framing with it is faulty
  bool chunked_last = false;
  bool other_coding = false;
  bool any = false;
  for (auto it = first; it != last; ++it) {
    std::string_view list = it->value();
    while (true) {
      const size_t comma = list.find(',');
      std::string_view coding = trim(list.substr(0, comma));
      if (!coding.empty()) {
        if (chunked_last) return 400;  // something after chunked: the length cannot be known
        any = true;
        if (iequals(coding, "chunked")) chunked_last = true;
        else other_coding = true;
      }
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  if (!any || !chunked_last) return 400;
  return other_coding ? 501 : 0;
}

int check_host(unsigned version, const bhttp::fields& fields) {
  auto [first, last] = fields.equal_range(bhttp::field::host);
  if (first == last) return version >= 11 ? 400 : 0;  // RFC 9112 §3.2
  if (std::next(first) != last) return 400;
  return is_valid_authority(trim(first->value())) ? 0 : 400;
}

}  // namespace

bool is_valid_authority(std::string_view a) {
  std::string_view host = a;
  std::string_view port;
  if (!a.empty() && a.front() == '[') {
    const size_t close = a.find(']');
    if (close == std::string_view::npos) return false;
    if (!is_ip_literal(a.substr(1, close - 1))) return false;
    std::string_view rest = a.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    port = rest.empty() ? rest : rest.substr(1);
  } else {
    const size_t colon = a.rfind(':');
    if (colon != std::string_view::npos) {
      host = a.substr(0, colon);
      port = a.substr(colon + 1);
    }
    if (!is_reg_name(host)) return false;
  }
  for (char c : port)
    if (!is_digit(c)) return false;
  return true;
}

int check_request_head(unsigned version, const bhttp::fields& fields) {
  if (int status = check_transfer_encoding(version, fields)) return status;
  return check_host(version, fields);
}

}  // namespace wws::http
