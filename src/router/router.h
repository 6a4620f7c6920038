// router/: file path -> route, and request path -> the best route (reference §2), with the
// original's priority order. Routes are plain data; what serves them is decided elsewhere.
#pragma once
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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
  std::string path;  // "/api/[id]", prefix included
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

// Same, for a file given with the folder it was found in: "./root" + "root/api/index.js" -> "/api".
// Lexical only; nullopt when the file is not under `root`. A '\' counts as a separator in both.
std::optional<std::string> route_path_for_file(const std::filesystem::path& root, const std::filesystem::path& file);

// One segment of a route path. Only a whole segment `[name]` / `[...name]` with name matching \w+ (ASCII)
// is a parameter; anything else (`post-[id]`, `[bad name]`, `[...]`) is literal text.
Segment make_segment(std::string_view text);

// "/sub/[...all]" -> [Static(sub), Tail([...all])]; "/" -> [].
std::vector<Segment> split_route(std::string_view route_path);

// Tail if any segment is a tail, else Dynamic if any is a parameter, else Static.
RouteKind kind_of(const std::vector<Segment>& segments);

// Priority of segments: Static < Dynamic < Tail, then by text.
bool segment_less(const Segment& a, const Segment& b);

// Priority of routes (reference §2.4): true when `a` must be tried before `b`.
bool route_before(const Route& a, const Route& b);

// Trailing slash removed and repeated slashes merged; "/" stays "/" (actix NormalizePath::trim).
std::string normalize_request_path(std::string_view path);

class Router {
 public:
  struct Input {
    std::filesystem::path file;  // relative to the project root
    size_t target;
  };

  // Builds and sorts the routes. Two files mapping to one route are an error naming both;
  // on error returns nullopt and sets `error` to every problem found, one per line.
  static std::optional<Router> build(const std::vector<Input>& files, std::string_view prefix, std::string* error);

  // The best route for a request path (already stripped of its query string).
  std::optional<Match> match(std::string_view request_path) const;

  const std::vector<Route>& routes() const { return routes_; }
  const std::string& prefix() const { return prefix_; }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  std::optional<Match> match_static(std::string_view path_after_prefix) const;
  std::optional<Match> match_patterns(const std::vector<std::string>& segments) const;

  std::vector<Route> routes_;  // sorted: best first
  std::string prefix_;
  std::vector<std::string> prefix_segments_;
  // Static routes by path without the prefix ("/" for the root), so the common case is one lookup.
  std::unordered_map<std::string, size_t, StringHash, std::equal_to<>> static_routes_;
  std::vector<size_t> pattern_routes_;  // Dynamic and Tail routes, in priority order
};

}  // namespace wws::router
