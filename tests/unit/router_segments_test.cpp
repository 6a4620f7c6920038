// Tests for router/segments: segment kinds, route kinds (reference §2.7 route_type.rs and
// segment.rs cases) and what counts as a parameter.
#include <gtest/gtest.h>

#include <algorithm>

#include "router/router.h"

namespace wws::router {
namespace {

TEST(RouterSegments, RouteType) {
  auto fixed = split_route("/fixed");
  EXPECT_EQ(kind_of(fixed), RouteKind::Static);
  EXPECT_EQ(fixed.size(), 1u);
  auto id = split_route("/[id]");
  EXPECT_EQ(kind_of(id), RouteKind::Dynamic);
  EXPECT_EQ(id.size(), 1u);
  auto all = split_route("/sub/[...all]");
  EXPECT_EQ(kind_of(all), RouteKind::Tail);
  EXPECT_EQ(all.size(), 2u);
  auto unknown = split_route("/unknown");
  EXPECT_EQ(kind_of(unknown), RouteKind::Static);
  EXPECT_EQ(unknown.size(), 1u);
  EXPECT_TRUE(split_route("/").empty());
  EXPECT_EQ(kind_of(split_route("/")), RouteKind::Static);
}

TEST(RouterSegments, SegmentKinds) {
  EXPECT_EQ(make_segment("fixed").kind, SegmentKind::Static);
  Segment id = make_segment("[id]");
  EXPECT_EQ(id.kind, SegmentKind::Dynamic);
  EXPECT_EQ(id.name, "id");
  EXPECT_EQ(id.text, "[id]");
  Segment all = make_segment("[...all]");
  EXPECT_EQ(all.kind, SegmentKind::Tail);
  EXPECT_EQ(all.name, "all");
  EXPECT_EQ(make_segment("[user_2]").name, "user_2");
}

TEST(RouterSegments, OnlyAWholeBracketedWordIsAParameter) {
  for (const char* text : {"post-[id]", "[id]-x", "[bad name]", "[]", "[...]", "[....x]", "[...a-b]", "[a.b]", "[id",
                           "id]", "[[id]]", "[é]"}) {
    Segment s = make_segment(text);
    EXPECT_EQ(s.kind, SegmentKind::Static) << text;
    EXPECT_EQ(s.text, text);
    EXPECT_TRUE(s.name.empty()) << text;
  }
  EXPECT_EQ(kind_of(split_route("/post-[id]")), RouteKind::Static);
}

TEST(RouterSegments, SegmentSorting) {
  std::vector<Segment> segments = {make_segment("[...all]"), make_segment("fixed"), make_segment("[id]"),
                                   make_segment("sub")};
  std::sort(segments.begin(), segments.end(), segment_less);
  std::vector<std::string> texts;
  for (const auto& s : segments) texts.push_back(s.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"fixed", "sub", "[id]", "[...all]"}));
  EXPECT_EQ(segments[0].kind, SegmentKind::Static);
  EXPECT_EQ(segments[2].kind, SegmentKind::Dynamic);
  EXPECT_EQ(segments[3].kind, SegmentKind::Tail);
}

Route route(std::string_view path) {
  Route r;
  r.path = std::string(path);
  r.segments = split_route(path);
  r.kind = kind_of(r.segments);
  return r;
}

TEST(RouterSegments, RoutePriority) {
  // Static before Dynamic before Tail, whatever the depth.
  EXPECT_TRUE(route_before(route("/a/b/c"), route("/[id]")));
  EXPECT_TRUE(route_before(route("/[a]/[b]/[c]"), route("/[...all]")));
  EXPECT_FALSE(route_before(route("/[...all]"), route("/[id]")));
  // Statics: shallower first.
  EXPECT_TRUE(route_before(route("/a"), route("/a/b")));
  EXPECT_FALSE(route_before(route("/a"), route("/b")));
  EXPECT_FALSE(route_before(route("/b"), route("/a")));
  // Dynamics: the left-most static segment wins.
  EXPECT_TRUE(route_before(route("/sub/[id]"), route("/[id]/sub")));
  EXPECT_TRUE(route_before(route("/[id]"), route("/[name]")));
  // Tails: the deeper catch-all first; equal depth by segments.
  EXPECT_TRUE(route_before(route("/sub/sub/[...all]"), route("/sub/[...all]")));
  EXPECT_TRUE(route_before(route("/[...a]/edit"), route("/[...a]")));
  EXPECT_TRUE(route_before(route("/sub/[...all]"), route("/[...a]/edit")));
}

}  // namespace
}  // namespace wws::router
