#include "api/auth/access.h"

#include <openssl/crypto.h>

namespace wws::api {
namespace {

// The host part of "host", "host:port", "[v6]" or "[v6]:port".
std::string_view host_part(std::string_view authority) {
  if (authority.starts_with('[')) {
    const size_t end = authority.find(']');
    return end == std::string_view::npos ? authority : authority.substr(1, end - 1);
  }
  const size_t colon = authority.rfind(':');
  return colon == std::string_view::npos ? authority : authority.substr(0, colon);
}

bool iequal(std::string_view a, std::string_view b) { return http::Response::strcase_equal(a, b); }

// Constant-time: the comparison does not tell an attacker how much of the token was right.
bool same_token(std::string_view given, std::string_view token) {
  return given.size() == token.size() && CRYPTO_memcmp(given.data(), token.data(), token.size()) == 0;
}

}  // namespace

bool is_loopback_address(std::string_view address) {
  if (address.starts_with("::ffff:")) address.remove_prefix(7);
  return address.starts_with("127.") || address == "::1";
}

bool is_loopback_host(std::string_view host_header) {
  const std::string_view host = host_part(host_header);
  return iequal(host, "localhost") || host.ends_with(".localhost") || is_loopback_address(host);
}

Access check_access(const AccessPolicy& policy, const http::Request& request) {
  if (!policy.token.empty()) {
    const std::string_view auth = request.header("authorization");
    if (auth.empty()) return Access::NeedsToken;
    if (auth.size() < 7 || !iequal(auth.substr(0, 7), "Bearer ") || !same_token(auth.substr(7), policy.token))
      return Access::WrongToken;
  } else {
    if (!is_loopback_address(request.remote_address)) return Access::NotLoopback;
    if (!is_loopback_host(request.header("host"))) return Access::NotLoopbackHost;
  }
  if (request.method != "GET" && request.method != "HEAD") {
    const std::string_view origin = request.header("origin");
    if (!origin.empty()) {
      const size_t scheme = origin.find("://");
      const std::string_view origin_authority = scheme == std::string_view::npos ? origin : origin.substr(scheme + 3);
      if (!iequal(origin_authority, request.header("host"))) return Access::CrossOrigin;
    }
  }
  return Access::Allowed;
}

int access_status(Access access) {
  switch (access) {
    case Access::Allowed: return 200;
    case Access::NeedsToken:
    case Access::WrongToken: return 401;
    default: return 403;
  }
}

std::string access_message(Access access) {
  switch (access) {
    case Access::Allowed: return "";
    case Access::NeedsToken: return "this server's admin API needs a token: send 'Authorization: Bearer <token>'";
    case Access::WrongToken: return "wrong admin token";
    case Access::NotLoopback:
      return "the admin API answers only clients on this machine; start wws with --admin-token (or WWS_ADMIN_TOKEN) "
             "to allow others";
    case Access::NotLoopbackHost:
      return "without an admin token the admin API must be reached through a loopback address (127.0.0.1, [::1] or "
             "localhost), not another host name";
    case Access::CrossOrigin: return "cross-origin requests may not change anything on this server";
  }
  return "forbidden";
}

}  // namespace wws::api
