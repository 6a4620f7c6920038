// wws.hpp: the C++ kit for Wasm Workers Server (wws) workers, on top of wws.h.
//
// A worker is one function from a request to a response, registered with one line:
//
//     #include "wws.hpp"
//     wws::Response hello(wws::Request& req) {
//       auto count = std::stoi(std::string(req.kv().get("count").value_or("0"))) + 1;
//       req.kv().set("count", std::to_string(count));
//       return wws::Response("Hello " + std::string(req.param("id").value_or("world")))
//           .header("x-count", std::to_string(count));
//     }
//     WWS_WORKER(hello)
//
// Build (C++17, Debian: clang-14 lld-14 wasi-libc libc++-14-dev-wasm32 libc++abi-14-dev-wasm32):
//     clang++-14 --target=wasm32-wasi --sysroot=/usr -std=c++17 -O2 -fno-exceptions -I kits/c hello.cpp -o hello.wasm
//
// Request: url(), method(), path(), body() (exact bytes), header(name), param(name), query(name),
//          headers(), params(), kv() (the worker's K/V namespace: get/set/erase/all).
// Response: status, repeatable header(), text or binary body (binary goes base64-encoded).
// Also: wws::var(name) reads the worker's [vars]; wws::fetch() makes an outbound request through
// the host; wws::fail(reason) ends the run as a 500 with the reason in the server log and no K/V
// change stored (workers are built without exceptions).
#pragma once

#if __cplusplus < 201703L
#error "wws.hpp needs C++17: compile with -std=c++17"
#endif

#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wws.h"

namespace wws {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The worker's K/V namespace ([data.kv] in its TOML). Only what changed is stored.
class Kv {
 public:
  std::optional<std::string_view> get(const std::string& key) const {
    const char* value = wws_kv_get(key.c_str());
    if (!value) return std::nullopt;
    const wws_map* m = wws_request_kv();
    long at = wws_p_map_find(m, key.c_str(), 0);
    return std::string_view(value, m->value_lengths[at]);
  }
  void set(const std::string& key, const std::string& value) { wws_kv_set(key.c_str(), value.c_str()); }
  void erase(const std::string& key) { wws_kv_delete(key.c_str()); }
  std::map<std::string, std::string> all() const { return to_map(wws_request_kv()); }

  static std::map<std::string, std::string> to_map(const wws_map* m) {
    std::map<std::string, std::string> out;
    for (size_t i = 0; i < m->count; i++) out.emplace(m->keys[i], std::string(m->values[i], m->value_lengths[i]));
    return out;
  }
};

class Request {
 public:
  std::string_view url() const { return wws_request_url(); }
  std::string_view method() const { return wws_request_method(); }
  // The path of url(), without the query.
  std::string_view path() const {
    std::string_view u = url();
    size_t scheme = u.find("://");
    size_t start = scheme == std::string_view::npos ? 0 : u.find('/', scheme + 3);
    if (start == std::string_view::npos) return "/";
    return u.substr(start, u.find_first_of("?#", start) - start);
  }
  std::string_view body() const { return {wws_request_body(), wws_request_body_length()}; }
  std::optional<std::string_view> header(const std::string& name) const {
    return opt(wws_request_header(name.c_str()));
  }
  std::optional<std::string_view> param(const std::string& name) const { return opt(wws_request_param(name.c_str())); }
  std::optional<std::string_view> query(const std::string& name) const { return opt(wws_request_query(name.c_str())); }
  std::map<std::string, std::string> headers() const { return Kv::to_map(wws_request_headers()); }
  std::map<std::string, std::string> params() const { return Kv::to_map(wws_request_params()); }
  Kv& kv() { return kv_; }

 private:
  static std::optional<std::string_view> opt(const char* s) {
    return s ? std::optional<std::string_view>(s) : std::nullopt;
  }
  Kv kv_;
};

class Response {
 public:
  Response() = default;
  explicit Response(std::string body, int status = 200) : status_(status), body_(std::move(body)) {}
  // The same name twice sends two header lines (e.g. Set-Cookie).
  Response& header(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  Response& status(int code) {
    status_ = code;
    return *this;
  }
  // Any bytes; a body that is not UTF-8 text is sent base64-encoded and decoded by wws.
  Response& body(std::string bytes) {
    body_ = std::move(bytes);
    return *this;
  }

  int status() const { return status_; }
  const Headers& headers() const { return headers_; }
  const std::string& body() const { return body_; }

 private:
  int status_ = 200;
  Headers headers_;
  std::string body_;
};

// The value of a [vars] entry of the worker's TOML.
inline std::optional<std::string> var(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::optional<std::string>(value) : std::nullopt;
}

[[noreturn]] inline void fail(const std::string& reason) { wws_fail("%s", reason.c_str()); }

struct FetchResult {
  bool ok = false;  // a response arrived
  int status = 0;
  Headers headers;  // in order, repeats kept
  std::string body;
  int error = 0;        // WWS_HTTP_* when !ok
  std::string message;  // the host's reason when !ok
  explicit operator bool() const { return ok; }
  std::optional<std::string_view> header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0) return v;
    return std::nullopt;
  }
};

// An outbound request through the host, limited by the worker's [features.http_requests].
inline FetchResult fetch(const std::string& method, const std::string& url, const Headers& headers = {},
                         std::string_view body = {}) {
  std::vector<const char*> flat;
  for (const auto& [k, v] : headers) {
    flat.push_back(k.c_str());
    flat.push_back(v.c_str());
  }
  wws_http_response res;
  FetchResult out;
  out.ok = wws_http_send(method.c_str(), url.c_str(), flat.data(), headers.size(), body.data(), body.size(), &res);
  out.status = res.status;
  for (size_t i = 0; i < res.header_count; i++) out.headers.emplace_back(res.header_names[i], res.header_values[i]);
  if (res.body.data) out.body.assign(res.body.data, res.body.len);
  out.error = res.error;
  if (res.message) out.message = res.message;
  wws_http_response_free(&res);
  return out;
}

namespace detail {

inline int respond(const Response& response) {
  wws_response_status(response.status());
  for (const auto& [name, value] : response.headers()) wws_response_header(name.c_str(), value.c_str());
  wws_response_body_bytes(response.body().data(), response.body().size());
  return wws_respond();
}

template <class Handler>
int serve(Handler&& handler) {
  if (const char* error = wws_request_error()) fail(std::string("wws: cannot read the request: ") + error);
  Request request;
  return respond(handler(request));
}

}  // namespace detail
}  // namespace wws

// Registers `handler`, a function wws::Response(wws::Request&), as the worker's entry point.
#define WWS_WORKER(handler) \
  int main() { return ::wws::detail::serve(handler); }
