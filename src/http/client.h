// http/client: outbound HTTP for workers (reference §1.5), used by the wasm `http` import and
// by JS fetch(). The worker's [features.http_requests] permissions are enforced on every hop:
// redirects are followed by wws itself and each new host is checked again (the original let
// redirects escape allowed_hosts). Blocking: the calling thread waits for the whole exchange.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/worker_config.h"

namespace wws::http {

struct OutboundRequest {
  std::string method = "GET";
  std::string uri;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// The original's http-error enum, in its order: the numbers cross the guest ABI.
enum class OutboundError : uint8_t {
  InvalidRequest = 0,
  InvalidRequestBody = 1,
  InvalidResponseBody = 2,
  NotAllowed = 3,
  InternalError = 4,
  Timeout = 5,
  RedirectLoop = 6,
};

struct OutboundResponse {
  bool ok = false;
  OutboundError error = OutboundError::InternalError;
  std::string message;  // when !ok
  uint16_t status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names
  std::string body;
  std::string url;          // the URI that gave this response (after any redirects)
  bool redirected = false;  // at least one redirect was followed
};

// The permission checks alone, for requests wws does not send itself (wasi:http components):
// true, or false and why, in the words of the `http` import's NotAllowed errors.
bool outbound_allowed(const config::HttpRequestsFeature& permissions, std::string_view method, std::string_view url,
                      std::string* why);

OutboundResponse send_outbound(const config::HttpRequestsFeature& permissions, const OutboundRequest& request,
                               std::chrono::milliseconds timeout);

}  // namespace wws::http
