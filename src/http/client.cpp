#include "http/client.h"
#include "util/blocking.h"
#include "util/text.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include <curl/curl.h>
#include <fmt/format.h>

namespace wws::http {
namespace {

constexpr int kMaxRedirects = 10;
constexpr size_t kMaxResponseBytes = 64u << 20;

struct Url {
  std::string scheme, host;  // an IPv6 host keeps its brackets, as in allowed_hosts
  std::string port;          // explicit, or the scheme's default
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool parse_url(const std::string& uri, Url& out, std::string* error) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), curl_url_cleanup);
  CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, uri.c_str(), 0);
  if (rc != CURLUE_OK) {
    *error = fmt::format("invalid URI '{}': {}", uri, curl_url_strerror(rc));
    return false;
  }
  char* part = nullptr;
  if (curl_url_get(u.get(), CURLUPART_SCHEME, &part, 0) == CURLUE_OK) out.scheme = lower(part);
  curl_free(part);
  part = nullptr;
  if (curl_url_get(u.get(), CURLUPART_HOST, &part, 0) == CURLUE_OK) out.host = lower(part);
  curl_free(part);
  part = nullptr;
  if (curl_url_get(u.get(), CURLUPART_PORT, &part, CURLU_DEFAULT_PORT) == CURLUE_OK) out.port = part;
  curl_free(part);
  if (out.scheme != "http" && out.scheme != "https") {
    *error = fmt::format("unsupported scheme in '{}': only http and https", uri);
    return false;
  }
  return true;
}

// An allowed_hosts entry: "*", "host" (any port, as in the original) or "host:port" (that port
// only; "[::1]:8080" for IPv6).
bool host_entry_matches(std::string_view entry, const Url& url) {
  if (entry == "*") return true;
  const size_t colon = entry.rfind(':');
  const bool has_port =
      colon != std::string_view::npos && (entry.front() == '[' ? entry[colon - 1] == ']' : entry.find(':') == colon);
  if (!has_port) return lower(std::string(entry)) == url.host;
  return lower(std::string(entry.substr(0, colon))) == url.host && entry.substr(colon + 1) == url.port;
}

// The permission checks, in the original's order (host, then scheme, then method).
bool allowed(const config::HttpRequestsFeature& p, const Url& url, const std::string& method, std::string* why) {
  bool host_ok = std::any_of(p.allowed_hosts.begin(), p.allowed_hosts.end(),
                             [&](const std::string& h) { return host_entry_matches(h, url); });
  if (!host_ok) {
    const bool by_port = std::any_of(p.allowed_hosts.begin(), p.allowed_hosts.end(),
                                     [&](const std::string& h) { return lower(h).starts_with(url.host + ":"); });
    *why = by_port
               ? fmt::format(
                     "The port {} of host '{}' is not allowed for this worker. Please, update the worker "
                     "configuration.",
                     url.port, url.host)
               : fmt::format("The host '{}' is not allowed for this worker. Please, update the worker configuration.",
                             url.host);
    return false;
  }
  if (url.scheme == "http" && !p.allow_http) {
    *why = "The URI must use HTTPS. You can allow http requests in the worker configuration";
    return false;
  }
  if (std::find(p.allowed_methods.begin(), p.allowed_methods.end(), method) == p.allowed_methods.end()) {
    *why = fmt::format("The method '{}' is not allowed for this worker. Please, update the configuration.", method);
    return false;
  }
  return true;
}

// Callers (JS fetch) hand over strings from worker code: a CR, LF or NUL would let them inject
// header lines or a second request into the wire format.
bool well_formed(const OutboundRequest& request, std::string* why) {
  if (!util::is_http_token(request.method)) {
    *why = fmt::format("invalid method '{}'", request.method);
    return false;
  }
  for (const auto& [name, value] : request.headers) {
    if (!util::is_http_token(name)) {
      *why = fmt::format("invalid header name '{}'", name);
      return false;
    }
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      *why = fmt::format("invalid value for the header '{}': it contains CR, LF or NUL", name);
      return false;
    }
  }
  return true;
}

struct Exchange {
  OutboundResponse* response;
  size_t limit;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  if (ex->response->body.size() + size * n > ex->limit) return 0;  // aborts the transfer
  ex->response->body.append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {  // a new response (after 100 Continue): forget earlier headers
    ex->response->headers.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name = lower(std::string(line.substr(0, colon)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
    value.remove_suffix(1);
  ex->response->headers.emplace_back(std::move(name), std::string(value));
  return size * n;
}

OutboundResponse error_response(OutboundError e, std::string message) {
  OutboundResponse r;
  r.error = e;
  r.message = std::move(message);
  return r;
}

OutboundError map_curl_error(CURLcode rc) {
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT: return OutboundError::Timeout;
    case CURLE_TOO_MANY_REDIRECTS: return OutboundError::RedirectLoop;
    case CURLE_URL_MALFORMAT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_UNSUPPORTED_PROTOCOL: return OutboundError::InvalidRequest;
    case CURLE_SEND_ERROR:
    case CURLE_READ_ERROR: return OutboundError::InvalidRequestBody;
    case CURLE_WRITE_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_BAD_CONTENT_ENCODING: return OutboundError::InvalidResponseBody;
    default: return OutboundError::InternalError;
  }
}

// What one hop of an outbound request sends: a redirect changes the URI, and some also the
// method and body.
struct Hop {
  std::string uri;
  std::string method;
  std::string body;
};

using CurlHeaders = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

CurlHeaders curl_headers(const OutboundRequest& request) {
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : request.headers) headers = curl_slist_append(headers, fmt::format("{}: {}", k, v).c_str());
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  return {headers, curl_slist_free_all};
}

// Sets up `c` to send `hop` (redirects are followed by send_outbound, not libcurl, so that each
// target is checked against the permissions) and collect the answer into `ex`.
void set_transfer(CURL* c, const Hop& hop, curl_slist* headers, std::chrono::milliseconds remaining, Exchange* ex) {
  curl_easy_setopt(c, CURLOPT_URL, hop.uri.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(remaining.count()));
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "wws/" WWS_VERSION);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, ex);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, ex);
  if (hop.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (hop.method != "GET" || !hop.body.empty()) {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, hop.method.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, hop.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(hop.body.size()));
  }
  // The caller counted this wait (util::begin_blocking_wait); a client that leaves ends it.
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(
      c, CURLOPT_XFERINFOFUNCTION,
      +[](void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> int { return util::run_cancelled() ? 1 : 0; });
}

// After a 3xx with a Location: turns `hop` into the next one and returns true. A 303, and a 301
// or 302 after a POST (as browsers do), become a GET without a body.
bool follow_redirect(CURL* c, long status, Hop& hop) {
  char* location = nullptr;
  curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location);
  if (status < 300 || status >= 400 || !location || !*location) return false;
  hop.uri = location;
  if (status == 303 || ((status == 301 || status == 302) && hop.method == "POST")) {
    hop.method = "GET";
    hop.body.clear();
  }
  return true;
}

}  // namespace

bool outbound_allowed(const config::HttpRequestsFeature& permissions, std::string_view method, std::string_view url,
                      std::string* why) {
  Url parsed;
  if (!parse_url(std::string(url), parsed, why)) return false;
  return allowed(permissions, parsed, std::string(method), why);
}

OutboundResponse send_outbound(const config::HttpRequestsFeature& permissions, const OutboundRequest& request,
                               std::chrono::milliseconds timeout) {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised) return error_response(OutboundError::InternalError, "libcurl failed to initialise");

  std::string invalid;
  if (!well_formed(request, &invalid)) return error_response(OutboundError::InvalidRequest, invalid);
  Hop next{request.uri, request.method, request.body};
  std::transform(next.method.begin(), next.method.end(), next.method.begin(), ::toupper);
  auto deadline = std::chrono::steady_clock::now() + timeout;

  for (int hop = 0; hop <= kMaxRedirects; ++hop) {
    // Every hop is checked against the permissions: a redirect may lead anywhere.
    Url url;
    std::string why;
    if (!parse_url(next.uri, url, &why)) return error_response(OutboundError::InvalidRequest, why);
    if (!allowed(permissions, url, next.method, &why)) return error_response(OutboundError::NotAllowed, why);

    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return error_response(OutboundError::InternalError, "libcurl could not create a handle");
    OutboundResponse response;
    Exchange ex{&response, kMaxResponseBytes};
    auto headers = curl_headers(request);
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) return error_response(OutboundError::Timeout, "the request timed out");
    CURL* c = curl.get();
    set_transfer(c, next, headers.get(), remaining, &ex);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
      if (rc == CURLE_WRITE_ERROR && response.body.size() >= kMaxResponseBytes - 1)
        return error_response(OutboundError::InvalidResponseBody, "the response body is larger than 64 MiB");
      return error_response(map_curl_error(rc), curl_easy_strerror(rc));
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (follow_redirect(c, status, next)) continue;
    response.ok = true;
    response.status = static_cast<uint16_t>(status);
    response.url = next.uri;
    response.redirected = hop > 0;
    return response;
  }
  return error_response(OutboundError::RedirectLoop, fmt::format("more than {} redirects", kMaxRedirects));
}

}  // namespace wws::http
