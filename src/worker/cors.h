// CORS for --cors ORIGIN (repeatable; `*` allows any origin). On every answer of the project --
// workers, public/ files, 404s -- a request whose Origin is allowed gets
// Access-Control-Allow-Origin with that origin (browsers accept exactly one origin there, not
// the original's comma-joined list), or `*`; a preflight (OPTIONS with Origin and
// Access-Control-Request-Method) is answered by wws itself, without running a worker. A worker
// that sets Access-Control-Allow-Origin itself keeps its own.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace wws::worker {

class Cors {
 public:
  Cors() = default;
  explicit Cors(const std::vector<std::string>& origins);
  bool enabled() const { return any_ || !origins_.empty(); }

  // Answers `request` if it is a preflight and CORS is enabled; false otherwise (untouched).
  bool answer_preflight(const http::Request& request, http::Response& response) const;
  // Adds the CORS headers `request` calls for to a response that was made without them.
  void add_headers(const http::Request& request, http::Response& response) const;

 private:
  bool allowed(std::string_view origin) const;
  bool any_ = false;                  // `*` was given
  std::vector<std::string> origins_;  // lower-case, without a trailing '/'
};

}  // namespace wws::worker
