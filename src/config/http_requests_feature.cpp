// config/http_requests_feature: validates hosts and methods up front, so a typo fails at start-up with a
// position instead of silently denying every request at run time.
#include "config/http_requests_feature.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

#include "config/toml_fields.h"

namespace wws::config::detail {
namespace {

constexpr std::array<std::string_view, 7> kSendableMethods{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"};
constexpr std::string_view kLabel = "[features.http_requests]";

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::vector<std::string> read_hosts(const toml::node& node) {
  const auto label = fmt::format("{} allowed_hosts", kLabel);
  std::vector<std::string> hosts;
  const toml::array& items = require_array(node, label);
  for (size_t i = 0; i < items.size(); ++i) {
    std::string host = require_string(items[i], fmt::format("{}[{}]", label, i));
    // Hosts are compared with the request URI's host, so a scheme or path here could never match.
    if (host.empty() || host.find_first_of("/ \t") != std::string::npos)
      throw FieldError(items[i].source(), fmt::format("{}[{}] = \"{}\" must be a bare host name such as "
                                                      "\"api.example.com\" (no scheme, path or spaces)",
                                                      label, i, host));
    hosts.push_back(std::move(host));
  }
  return hosts;
}

std::vector<std::string> read_methods(const toml::node& node) {
  const auto label = fmt::format("{} allowed_methods", kLabel);
  std::vector<std::string> methods;
  const toml::array& items = require_array(node, label);
  for (size_t i = 0; i < items.size(); ++i) {
    std::string method = upper(require_string(items[i], fmt::format("{}[{}]", label, i)));
    if (std::find(kSendableMethods.begin(), kSendableMethods.end(), method) == kSendableMethods.end())
      throw FieldError(items[i].source(), fmt::format("{}[{}] = \"{}\" is not a method workers can send; use {}", label,
                                                      i, method, fmt::join(kSendableMethods, ", ")));
    if (std::find(methods.begin(), methods.end(), method) == methods.end()) methods.push_back(std::move(method));
  }
  return methods;
}

}  // namespace

HttpRequestsFeature read_http_requests(const toml::table& table) {
  HttpRequestsFeature feature;
  if (const toml::node* hosts = table.get("allowed_hosts")) feature.allowed_hosts = read_hosts(*hosts);
  if (const toml::node* methods = table.get("allowed_methods")) feature.allowed_methods = read_methods(*methods);
  if (const toml::node* allow_http = table.get("allow_http"))
    feature.allow_http = require_bool(*allow_http, fmt::format("{} allow_http", kLabel));
  return feature;
}

}  // namespace wws::config::detail
