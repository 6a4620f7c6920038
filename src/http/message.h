// http/: the HTTP/1.1 server (Boost.Beast parsing, hand-built responses) and static files.
// Request/Response are the plain data the rest of wws sees; nothing outside http/ touches Beast.
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wws::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET"
  std::string target;  // raw request-target: "/a/b?x=1"
  std::string path;    // target before '?', still percent-encoded
  std::string query;   // after '?', without it; empty if none
  HeaderList headers;  // names lower-cased, in arrival order, repeats kept
  std::string body;
  std::string remote_address;
  bool keep_alive = true;
  std::chrono::steady_clock::time_point received;  // when the server had read the head

  // First value of a header (name must be lower-case), or empty.
  std::string_view header(std::string_view lower_name) const {
    for (const auto& [k, v] : headers)
      if (k == lower_name) return v;
    return {};
  }
};

class RunLane;  // run_pool.h

struct Response {
  int status = 200;
  // May repeat (Set-Cookie). The server adds Date and Server unless set here, always writes its own
  // Content-Length (handler values for it, Transfer-Encoding and Connection are not sent;
  // "Connection: close" closes after this response) and drops headers with CR/LF/NUL or bad names.
  HeaderList headers;
  std::string body;
  // Set by a handler that returns Deferred: the run-pool lane the request waits in (null: the
  // pool's shared lane). Not part of the answer.
  std::shared_ptr<RunLane> lane;

  void set_header(std::string name, std::string value) {
    for (auto& [k, v] : headers)
      if (strcase_equal(k, name)) {
        v = std::move(value);
        return;
      }
    headers.emplace_back(std::move(name), std::move(value));
  }
  bool has_header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (strcase_equal(k, name)) return true;
    return false;
  }
  static bool strcase_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      char x = a[i], y = b[i];
      if (x >= 'A' && x <= 'Z') x += 32;
      if (y >= 'A' && y <= 'Z') y += 32;
      if (x != y) return false;
    }
    return true;
  }
};

enum class Handled { Done, Deferred };

// Answers requests on one server thread. Each thread gets its own handler, so a handler may
// keep thread-bound state (a V8 isolate) without locks.
class Handler {
 public:
  virtual ~Handler() = default;
  // Fills `response`. On an I/O thread `may_defer` is true: the handler may instead return
  // Deferred, leaving `response` alone, and the server hands the request to a run-pool thread
  // whose own handler answers it (with may_defer = false). Used for work that could be slow.
  virtual Handled handle(const Request& request, Response& response, bool may_defer) = 0;
};

}  // namespace wws::http
