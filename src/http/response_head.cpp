// Hand-built response heads: status line, the handler's headers (validated), Date, Server,
// Content-Length and Connection.
#include "http/response_head.h"
#include "util/text.h"

#include <charconv>

#include <spdlog/spdlog.h>

namespace wws::http {
namespace {

bool ieq(std::string_view a, std::string_view b) { return Response::strcase_equal(a, b); }

bool contains_token(std::string_view list, std::string_view token) {
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t end = list.find(',', pos);
    if (end == std::string_view::npos) end = list.size();
    std::string_view item = list.substr(pos, end - pos);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (ieq(item, token)) return true;
    pos = end + 1;
  }
  return false;
}

// Header names come from workers: escape them before they reach a log line.
std::string printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 64)) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

void append_number(std::string& out, uint64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

}  // namespace

bool is_header_name_valid(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name)
    if (!util::is_http_token_char(c)) return false;
  return true;
}

bool is_header_value_valid(std::string_view value) {
  for (unsigned char c : value)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 418: return "I'm a teapot";
    case 422: return "Unprocessable Content";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

namespace {

// What the handler's own headers settled: a Connection: close, and the defaults it set itself.
struct HandlerHeaders {
  bool close = false;
  bool has_date = false;
  bool has_server = false;
};

// Copies the handler's headers into `out`, except invalid ones and those the server frames
// itself (Content-Length, Transfer-Encoding, Connection).
HandlerHeaders append_handler_headers(const Response& response, std::string& out) {
  HandlerHeaders own;
  for (const auto& [name, value] : response.headers) {
    if (!is_header_name_valid(name) || !is_header_value_valid(value)) {
      spdlog::warn("http: dropped response header {} (invalid name, or CR/LF/NUL in its value)", printable(name));
      continue;
    }
    if (ieq(name, "content-length") || ieq(name, "transfer-encoding")) continue;
    if (ieq(name, "connection")) {
      if (contains_token(value, "close")) own.close = true;
      continue;
    }
    if (ieq(name, "date")) own.has_date = true;
    if (ieq(name, "server")) own.has_server = true;
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
  }
  return own;
}

}  // namespace

HeadResult append_response_head(const Response& response, const ResponseFraming& framing, std::string& out) {
  HeadResult result;
  result.close = framing.close;
  int status = response.status;
  bool body_allowed = true;
  if (status < 200 || status > 599) {
    // 1xx are interim responses the server sends itself; anything else is not HTTP.
    spdlog::error("http: handler returned invalid status {}; answering 500", status);
    status = 500;
    body_allowed = false;
  }
  // RFC 9110 §6.4.1: 204 and 304 carry no content and (for 204) no Content-Length.
  const bool no_content = status == 204 || status == 304;

  out.append("HTTP/1.1 ");
  append_number(out, static_cast<uint64_t>(status));
  out.push_back(' ');
  out.append(reason_phrase(status));
  out.append("\r\n");

  HandlerHeaders own = append_handler_headers(response, out);
  if (own.close) result.close = true;
  if (!own.has_date && !framing.date.empty()) {
    out.append("Date: ");
    out.append(framing.date);
    out.append("\r\n");
  }
  if (!own.has_server) out.append("Server: wws\r\n");
  const uint64_t length = body_allowed && !no_content ? response.body.size() : 0;
  if (!no_content) {
    out.append("Content-Length: ");
    append_number(out, length);
    out.append("\r\n");
  }
  if (result.close) out.append("Connection: close\r\n");
  else if (framing.http10_keep_alive) out.append("Connection: keep-alive\r\n");
  out.append("\r\n");
  result.send_body = body_allowed && !no_content && !framing.head_request && length > 0;
  return result;
}

}  // namespace wws::http
