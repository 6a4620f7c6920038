// Turns a Response into the bytes of its status line and headers. Beast's serializer was the
// largest per-request cost measured (engines.md), so the head is built by hand into one string.
#pragma once
#include <string>
#include <string_view>

#include "http/message.h"

namespace wws::http {

struct ResponseFraming {
  std::string_view date;           // a kHttpDateLength HTTP date, cached by the caller
  bool head_request = false;       // HEAD: Content-Length of the full body, but no body bytes
  bool close = false;              // the server closes after this response: "Connection: close"
  bool http10_keep_alive = false;  // an HTTP/1.0 client only keeps the connection with this echo
};

struct HeadResult {
  bool send_body = false;  // whether response.body follows the head on the wire
  bool close = false;      // the connection closes after this response (framing or handler asked)
};

// Appends the head to `out`. Headers that could split the response (CR/LF/NUL in a value, a
// name that is not an RFC 9110 token) are dropped with a warning; framing headers the server
// owns (Content-Length, Transfer-Encoding, Connection) are replaced by its own.
HeadResult append_response_head(const Response& response, const ResponseFraming& framing, std::string& out);

// "Not Found" for 404; "Unknown" for codes without a registered phrase.
std::string_view reason_phrase(int status);

bool is_header_name_valid(std::string_view name);
bool is_header_value_valid(std::string_view value);

}  // namespace wws::http
