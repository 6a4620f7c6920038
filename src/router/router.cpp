// router/router: building the sorted route table from worker files and picking the best route
// for a request (reference §2.3-§2.5, with the original's routing bugs fixed).
#include "router/router.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "router/percent.h"

namespace wws::router {
namespace {

// Two routes with the same shape serve exactly the same requests ("/[id]" and "/[name]"), so
// only one of them could ever run: that is a project error, like two files for one route.
std::string shape_of(const std::vector<Segment>& segments) {
  std::string shape;
  for (const auto& s : segments) {
    shape += '/';
    if (s.kind == SegmentKind::Static) shape += "s:" + s.text;
    else shape += s.kind == SegmentKind::Dynamic ? "\x01" : "\x02";
  }
  return shape;
}

std::optional<std::string> repeated_parameter(const std::vector<Segment>& segments) {
  std::set<std::string_view> seen;
  for (const auto& s : segments) {
    if (s.kind == SegmentKind::Static) continue;
    if (!seen.insert(s.name).second) return s.name;
  }
  return std::nullopt;
}

// A plain path needs no decoding or normalising, so it can be looked up as it is.
bool is_plain(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.size() > 1 && path.back() == '/') return false;
  if (path.find('%') != std::string_view::npos || path.find("//") != std::string_view::npos) return false;
  return path.find('\0') == std::string_view::npos;
}

// Decoded non-empty segments; nullopt when one of them is unusable (NUL, invalid UTF-8).
std::optional<std::vector<std::string>> decoded_segments(std::string_view path) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) {
      auto decoded = decode_segment(path.substr(start, end - start));
      if (!decoded) return std::nullopt;
      segments.push_back(std::move(*decoded));
    }
    start = end + 1;
  }
  return segments;
}

std::string join(const std::vector<std::string>& segments, size_t from, size_t count) {
  std::string out;
  for (size_t i = from; i < from + count; ++i) {
    if (i > from) out += '/';
    out += segments[i];
  }
  return out;
}

bool has_tail_after(const std::vector<Segment>& route, size_t index) {
  for (size_t i = index + 1; i < route.size(); ++i) {
    if (route[i].kind == SegmentKind::Tail) return true;
  }
  return false;
}

// Every route segment takes at least one request segment; a tail takes as many as the segments
// after it leave over, so `/[...a]/edit` matches `/x/y/edit` with a = "x/y". With more than one
// tail the left-most one is greedy and backs off until the rest matches.
bool match_from(const std::vector<Segment>& route, size_t ri, const std::vector<std::string>& request, size_t si,
                std::map<std::string, std::string>& params) {
  for (; ri < route.size(); ++ri, ++si) {
    const Segment& segment = route[ri];
    if (segment.kind == SegmentKind::Tail) {
      size_t needed_after = route.size() - ri - 1;
      size_t available = request.size() - si;
      if (available < needed_after + 1) return false;
      size_t longest = available - needed_after;
      size_t shortest = has_tail_after(route, ri) ? 1 : longest;
      for (size_t length = longest; length >= shortest; --length) {
        if (match_from(route, ri + 1, request, si + length, params)) {
          params[segment.name] = join(request, si, length);
          return true;
        }
      }
      return false;
    }
    if (si >= request.size()) return false;
    if (segment.kind == SegmentKind::Static) {
      if (segment.text != request[si]) return false;
    } else {
      params[segment.name] = request[si];
    }
  }
  return si == request.size();
}

}  // namespace

std::optional<Router> Router::build(const std::vector<Input>& files, std::string_view prefix, std::string* error) {
  Router router;
  router.prefix_ = format_prefix(prefix);
  for (const auto& s : split_route(router.prefix_)) router.prefix_segments_.push_back(s.text);

  std::unordered_map<std::string, size_t> by_shape;  // shape -> index in router.routes_
  std::vector<std::string> problems;                 // all of them, not only the first
  for (const auto& input : files) {
    std::string route_path = route_path_for_file(input.file);
    auto segments = split_route(route_path);
    if (auto name = repeated_parameter(segments)) {
      problems.push_back(
          fmt::format("{}: the parameter '{}' appears twice in the route {}; give each parameter its own name",
                      input.file.string(), *name, route_path));
      continue;
    }
    Route route;
    route.kind = kind_of(segments);
    route.segments = std::move(segments);
    // The root worker with a prefix is "/app", not "/app/", so that "/app" (what a trimmed
    // request path looks like) reaches it.
    route.path =
        router.prefix_.empty() ? route_path : (route_path == "/" ? router.prefix_ : router.prefix_ + route_path);
    route.file = input.file;
    route.target = input.target;

    auto [it, inserted] = by_shape.emplace(shape_of(route.segments), router.routes_.size());
    if (!inserted) {
      const Route& other = router.routes_[it->second];
      if (other.path == route.path) {
        problems.push_back(fmt::format("{} and {} both map to the route {}; rename or remove one of them",
                                       other.file.string(), input.file.string(), route.path));
      } else {
        problems.push_back(
            fmt::format("{} (route {}) and {} (route {}) match the same requests; rename or remove one of them",
                        other.file.string(), other.path, input.file.string(), route.path));
      }
      continue;
    }
    router.routes_.push_back(std::move(route));
  }
  if (!problems.empty()) {
    if (error) *error = fmt::format("{}", fmt::join(problems, "\n"));
    return std::nullopt;
  }

  std::stable_sort(router.routes_.begin(), router.routes_.end(), route_before);
  for (size_t i = 0; i < router.routes_.size(); ++i) {
    const Route& route = router.routes_[i];
    if (route.kind != RouteKind::Static) {
      router.pattern_routes_.push_back(i);
      continue;
    }
    std::string key;
    for (const auto& s : route.segments) key += "/" + s.text;
    router.static_routes_.emplace(key.empty() ? "/" : key, i);
  }
  return router;
}

std::optional<Match> Router::match_static(std::string_view path_after_prefix) const {
  auto it = static_routes_.find(path_after_prefix);
  if (it == static_routes_.end()) return std::nullopt;
  return Match{&routes_[it->second], {}};
}

std::optional<Match> Router::match_patterns(const std::vector<std::string>& request) const {
  for (size_t index : pattern_routes_) {
    const Route& route = routes_[index];
    if (route.kind == RouteKind::Dynamic && route.segments.size() != request.size()) continue;
    Match match{&route, {}};
    if (request.empty()) {
      // "/" is one empty segment, as in the original: only a lone catch-all (`/[...slug]`) takes it.
      if (route.segments.size() == 1 && route.segments[0].kind == SegmentKind::Tail) {
        match.params[route.segments[0].name] = "";
        return match;
      }
      continue;
    }
    if (match_from(route.segments, 0, request, 0, match.params)) return match;
  }
  return std::nullopt;
}

std::optional<Match> Router::match(std::string_view request_path) const {
  // Hot path: most requests are plain paths naming a static route; no allocation for them.
  if (is_plain(request_path)) {
    std::string_view rest = request_path;
    if (!prefix_.empty()) {
      if (!rest.starts_with(prefix_)) return std::nullopt;
      rest.remove_prefix(prefix_.size());
      if (rest.empty()) rest = "/";
      else if (rest.front() != '/') return std::nullopt;  // "/application" is not under "/app"
    }
    if (auto found = match_static(rest)) return found;
    if (pattern_routes_.empty()) return std::nullopt;
  }

  auto segments = decoded_segments(request_path);
  if (!segments) return std::nullopt;
  if (segments->size() < prefix_segments_.size() ||
      !std::equal(prefix_segments_.begin(), prefix_segments_.end(), segments->begin())) {
    return std::nullopt;
  }
  segments->erase(segments->begin(), segments->begin() + static_cast<std::ptrdiff_t>(prefix_segments_.size()));

  // An escaped "%2F" stays inside its segment: "/a%2Fb" is one segment and never the route /a/b.
  bool joinable = std::none_of(segments->begin(), segments->end(),
                               [](const std::string& s) { return s.find('/') != std::string::npos; });
  if (joinable) {
    std::string key;
    for (const auto& s : *segments) key += "/" + s;
    if (auto found = match_static(key.empty() ? "/" : key)) return found;
  }
  return match_patterns(*segments);
}

}  // namespace wws::router
