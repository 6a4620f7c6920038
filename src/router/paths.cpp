// router/paths: text-level transformations: worker file -> route path, --prefix and request
// path normalisation (reference §2.2, §2.5, §2.6).
#include <algorithm>
#include <vector>

#include "router/router.h"

namespace wws::router {
namespace {

// Windows-style inputs ("examples\\index.js", "\\app\\") must give the same results as on Unix.
std::string with_forward_slashes(std::string text) {
  std::replace(text.begin(), text.end(), '\\', '/');
  return text;
}

// The Normal components of a lexically normalised path: no root, no ".", no "" (trailing '/').
std::vector<std::string> normal_components(const std::filesystem::path& path) {
  std::filesystem::path normal = std::filesystem::path(with_forward_slashes(path.generic_string())).lexically_normal();
  std::vector<std::string> parts;
  for (const auto& part : normal.relative_path()) {
    std::string text = part.string();
    if (text.empty() || text == ".") continue;
    parts.push_back(std::move(text));
  }
  return parts;
}

std::string route_from_components(std::vector<std::string> parts) {
  if (!parts.empty()) {
    // Only the last extension goes: "a.b.js" -> "a.b". A name that is only an extension
    // (".js") keeps its text, as std::filesystem treats it as a stem.
    parts.back() = std::filesystem::path(parts.back()).stem().string();
  }
  std::string route;
  for (const auto& part : parts) {
    if (part == "index" || part == "..") continue;
    route += '/';
    route += part;
  }
  return route.empty() ? "/" : route;
}

}  // namespace

std::string format_prefix(std::string_view prefix) {
  if (prefix.empty()) return "";
  std::string out = with_forward_slashes(std::string(prefix));
  if (out.front() != '/') out.insert(out.begin(), '/');
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  // "/" alone is no prefix at all; routes would otherwise start with "//".
  if (out == "/") return "";
  return out;
}

std::string route_path_for_file(const std::filesystem::path& relative_file) {
  return route_from_components(normal_components(relative_file));
}

std::optional<std::string> route_path_for_file(const std::filesystem::path& root, const std::filesystem::path& file) {
  auto root_parts = normal_components(root);
  auto file_parts = normal_components(file);
  if (file_parts.size() < root_parts.size() || !std::equal(root_parts.begin(), root_parts.end(), file_parts.begin())) {
    return std::nullopt;
  }
  file_parts.erase(file_parts.begin(), file_parts.begin() + static_cast<std::ptrdiff_t>(root_parts.size()));
  return route_from_components(std::move(file_parts));
}

std::string normalize_request_path(std::string_view path) {
  std::string out;
  out.reserve(path.size() + 1);
  out.push_back('/');
  for (char c : path) {
    if (c == '/' && out.back() == '/') continue;
    out.push_back(c);
  }
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

}  // namespace wws::router
