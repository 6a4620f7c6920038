// router/segments: what a route segment is and the priority order between segments and routes
// (reference §2.3, §2.4).
#include <algorithm>

#include "router/router.h"

namespace wws::router {
namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_parameter_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), is_word_char);
}

int kind_rank(SegmentKind kind) { return static_cast<int>(kind); }
int kind_rank(RouteKind kind) { return static_cast<int>(kind); }

// -1, 0, 1 for segment sequences compared lexicographically with segment_less.
int compare_segment_lists(const std::vector<Segment>& a, const std::vector<Segment>& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (segment_less(a[i], b[i])) return -1;
    if (segment_less(b[i], a[i])) return 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

}  // namespace

Segment make_segment(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    std::string_view inner = text.substr(1, text.size() - 2);
    if (inner.starts_with("...") && is_parameter_name(inner.substr(3))) {
      return {SegmentKind::Tail, std::string(text), std::string(inner.substr(3))};
    }
    if (is_parameter_name(inner)) return {SegmentKind::Dynamic, std::string(text), std::string(inner)};
  }
  return {SegmentKind::Static, std::string(text), ""};
}

std::vector<Segment> split_route(std::string_view route_path) {
  std::vector<Segment> segments;
  size_t start = 0;
  while (start <= route_path.size()) {
    size_t end = route_path.find('/', start);
    if (end == std::string_view::npos) end = route_path.size();
    if (end > start) segments.push_back(make_segment(route_path.substr(start, end - start)));
    start = end + 1;
  }
  return segments;
}

RouteKind kind_of(const std::vector<Segment>& segments) {
  RouteKind kind = RouteKind::Static;
  for (const auto& s : segments) {
    if (s.kind == SegmentKind::Tail) return RouteKind::Tail;
    if (s.kind == SegmentKind::Dynamic) kind = RouteKind::Dynamic;
  }
  return kind;
}

bool segment_less(const Segment& a, const Segment& b) {
  if (a.kind != b.kind) return kind_rank(a.kind) < kind_rank(b.kind);
  return a.text < b.text;
}

bool route_before(const Route& a, const Route& b) {
  if (a.kind != b.kind) return kind_rank(a.kind) < kind_rank(b.kind);
  size_t na = a.segments.size();
  size_t nb = b.segments.size();
  switch (a.kind) {
    case RouteKind::Static:
      // Equal depths stay in discovery order (the caller sorts stably).
      return na < nb;
    case RouteKind::Dynamic:
      if (na != nb) return na < nb;
      return compare_segment_lists(a.segments, b.segments) < 0;
    case RouteKind::Tail:
      // The deeper catch-all is the more specific one.
      if (na != nb) return na > nb;
      return compare_segment_lists(a.segments, b.segments) < 0;
  }
  return false;
}

}  // namespace wws::router
