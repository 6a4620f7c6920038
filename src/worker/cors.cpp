#include "worker/cors.h"

#include <algorithm>
#include <cctype>

namespace wws::worker {
namespace {

constexpr std::string_view kMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
constexpr std::string_view kMaxAge = "600";  // seconds a browser may cache a preflight answer

// Origins compare case-insensitively in scheme and host; "https://a.example/" means the origin.
std::string canonical_origin(std::string_view origin) {
  std::string out(origin);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

void add_vary_origin(http::Response& response) {
  for (auto& [name, value] : response.headers)
    if (http::Response::strcase_equal(name, "vary")) {
      if (value.find("Origin") == std::string::npos && value.find("origin") == std::string::npos && value != "*")
        value += ", Origin";
      return;
    }
  response.headers.emplace_back("Vary", "Origin");
}

}  // namespace

Cors::Cors(const std::vector<std::string>& origins) {
  for (const auto& o : origins) {
    if (o == "*") any_ = true;
    else if (!o.empty()) origins_.push_back(canonical_origin(o));
  }
}

bool Cors::allowed(std::string_view origin) const {
  if (any_) return true;
  const std::string c = canonical_origin(origin);
  return std::find(origins_.begin(), origins_.end(), c) != origins_.end();
}

bool Cors::answer_preflight(const http::Request& request, http::Response& response) const {
  if (!enabled() || request.method != "OPTIONS") return false;
  const std::string_view origin = request.header("origin");
  const std::string_view method = request.header("access-control-request-method");
  if (origin.empty() || method.empty()) return false;  // a plain OPTIONS request: the worker's
  response.headers.clear();
  response.body.clear();
  if (!allowed(origin)) {
    response.status = 403;
    response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
    response.headers.emplace_back("Vary", "Origin");
    response.body = "CORS: the origin " + std::string(origin) + " is not allowed; start wws with --cors " +
                    std::string(origin) + " to allow it\n";
    return true;
  }
  response.status = 204;
  response.headers.emplace_back("Access-Control-Allow-Origin", any_ ? std::string("*") : std::string(origin));
  response.headers.emplace_back("Access-Control-Allow-Methods", std::string(kMethods));
  if (auto headers = request.header("access-control-request-headers"); !headers.empty())
    response.headers.emplace_back("Access-Control-Allow-Headers", std::string(headers));
  response.headers.emplace_back("Access-Control-Max-Age", std::string(kMaxAge));
  if (!any_) response.headers.emplace_back("Vary", "Origin");
  return true;
}

void Cors::add_headers(const http::Request& request, http::Response& response) const {
  if (!enabled() || response.has_header("access-control-allow-origin")) return;
  if (any_) {
    response.headers.emplace_back("Access-Control-Allow-Origin", "*");
    return;
  }
  // The answer depends on Origin: caches must keep one copy per origin.
  add_vary_origin(response);
  const std::string_view origin = request.header("origin");
  if (!origin.empty() && allowed(origin))
    response.headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
}

}  // namespace wws::worker
