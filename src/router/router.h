// router/: file path -> route, and request path -> the best route (reference §2), with the
// original's priority order. Routes are plain data; what serves them is decided elsewhere.
#pragma once
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wws::router {

enum class RouteKind { Static, Dynamic, Tail };
enum class SegmentKind { Static, Dynamic, Tail };

struct Segment {
  SegmentKind kind;
  std::string text;  // as written: "users", "[id]", "[...rest]"
  std::string name;  // parameter name for Dynamic/Tail ("id", "rest"), empty for Static
};

struct Route {
  std::string path;               // "/api/[id]", prefix included
  RouteKind kind;
  std::vector<Segment> segments;  // of `path` without the prefix
  std::filesystem::path file;     // worker file, relative to the project root
  size_t target = 0;              // index of the worker it belongs to (opaque to the router)
};

struct Match {
  const Route* route;
  std::map<std::string, std::string> params;  // percent-decoded values; a tail's value keeps its '/'
};

// "/app/" -> "/app", "app" -> "/app", "\\app\\" -> "/app", "" -> "" (reference §2.6).
std::string format_prefix(std::string_view prefix);

// Worker file (relative to the root) -> route path without prefix: "api/index.wasm" -> "/api",
// "[id].js" -> "/[id]", "a.b.js" -> "/a.b" (reference §2.2).
std::string route_path_for_file(const std::filesystem::path& relative_file);

// Trailing slash removed and repeated slashes merged; "/" stays "/" (actix NormalizePath::trim).
std::string normalize_request_path(std::string_view path);

class Router {
 public:
  struct Input {
    std::filesystem::path file;  // relative to the project root
    size_t target;
  };

  // Builds and sorts the routes. Two files mapping to one route are an error naming both;
  // on error returns nullopt and sets `error`.
  static std::optional<Router> build(const std::vector<Input>& files, std::string_view prefix, std::string* error);

  // The best route for a request path (already stripped of its query string).
  std::optional<Match> match(std::string_view request_path) const;

  const std::vector<Route>& routes() const { return routes_; }
  const std::string& prefix() const { return prefix_; }

 private:
  std::vector<Route> routes_;  // sorted: best first
  std::string prefix_;
};

}  // namespace wws::router
