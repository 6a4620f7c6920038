// api/auth: who may use the admin panel and API. With a token (--admin-token, or the
// WWS_ADMIN_TOKEN environment variable) every request must carry `Authorization: Bearer TOKEN`.
// Without one, only loopback clients are answered, and only when the Host header names a
// loopback address too, so a web page cannot reach the API through DNS rebinding. A request
// that changes something (POST) must also come from the panel's own origin when the browser
// says where it comes from (Origin), so another site cannot make a visitor's browser post to it.
#pragma once
#include <string>
#include <string_view>

#include "http/message.h"

namespace wws::api {

enum class Access { Allowed, NeedsToken, WrongToken, NotLoopback, NotLoopbackHost, CrossOrigin };

struct AccessPolicy {
  std::string token;  // empty: loopback only
};

Access check_access(const AccessPolicy& policy, const http::Request& request);

// The HTTP status and the message a refused client gets.
int access_status(Access access);
std::string access_message(Access access);

bool is_loopback_address(std::string_view address);   // "127.0.0.1", "::1", "::ffff:127.0.0.1"
bool is_loopback_host(std::string_view host_header);  // "localhost:8080", "127.0.0.1", "[::1]:80"

}  // namespace wws::api
