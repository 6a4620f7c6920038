// Tests for router/router: building the table from files and matching requests (reference §2.3-
// §2.5 and §2.7 lib.rs cases), including the fixes of the original's routing bugs.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "router/router.h"

namespace wws::router {
namespace {

namespace fs = std::filesystem;

Router build_or_fail(const std::vector<std::string>& files, std::string_view prefix = "") {
  std::vector<Router::Input> inputs;
  for (size_t i = 0; i < files.size(); ++i) inputs.push_back({files[i], i});
  std::string error;
  auto router = Router::build(inputs, prefix, &error);
  EXPECT_TRUE(router.has_value()) << error;
  return router ? std::move(*router) : *Router::build({}, "", nullptr);
}

std::string build_error(const std::vector<std::string>& files) {
  std::vector<Router::Input> inputs;
  for (size_t i = 0; i < files.size(); ++i) inputs.push_back({files[i], i});
  std::string error;
  auto router = Router::build(inputs, "", &error);
  EXPECT_FALSE(router.has_value());
  return error;
}

// The route that serves `path`, or "None".
std::string best(const Router& router, std::string_view path) {
  auto match = router.match(path);
  return match ? match->route->path : "None";
}

std::vector<std::string> fixture_files() {
  fs::path root = fs::path(WWS_TEST_DATA) / "router" / "params";
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files.push_back(entry.path().lexically_relative(root).generic_string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(RouterMatch, FixtureHasTheSevenWorkers) { EXPECT_EQ(fixture_files().size(), 7u); }

TEST(RouterMatch, RoutesSortedOnCreation) {
  Router router = build_or_fail(fixture_files());
  std::vector<std::string> paths;
  for (const auto& r : router.routes()) paths.push_back(r.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/fixed", "/[id]", "/sub/[id]", "/[id]/fixed", "/[id]/sub",
                                             "/sub/sub/[...all]", "/sub/[...all]"}));
  for (size_t i = 1; i < router.routes().size(); ++i) {
    EXPECT_FALSE(route_before(router.routes()[i], router.routes()[i - 1])) << paths[i];
  }
}

TEST(RouterMatch, RetrieveBestRoute) {
  Router router = build_or_fail(fixture_files());
  EXPECT_EQ(best(router, "/any"), "/[id]");
  EXPECT_EQ(best(router, "/fixed"), "/fixed");
  EXPECT_EQ(best(router, "/any/fixed"), "/[id]/fixed");
  EXPECT_EQ(best(router, "/any/sub"), "/[id]/sub");
  EXPECT_EQ(best(router, "/sub/any"), "/sub/[id]");
  EXPECT_EQ(best(router, "/sub/any/catch/all/routes"), "/sub/[...all]");
  EXPECT_EQ(best(router, "/sub/sub/any/catch/all/routes"), "/sub/sub/[...all]");
  EXPECT_EQ(best(router, "/donot/exist"), "None");
}

TEST(RouterMatch, MatchKeepsTheWorkerTargetAndFile) {
  Router router = build_or_fail({"a.js", "b/[id].wasm"});
  auto match = router.match("/b/7");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->route->target, 1u);
  EXPECT_EQ(match->route->file, fs::path("b/[id].wasm"));
  EXPECT_EQ(match->params.at("id"), "7");
  EXPECT_EQ(router.match("/a")->route->target, 0u);
}

TEST(RouterMatch, StaticRoutes) {
  Router router = build_or_fail({"index.js", "about.js", "api/index.wasm", "api/v1/users.js"});
  EXPECT_EQ(best(router, "/"), "/");
  EXPECT_EQ(best(router, "/about"), "/about");
  EXPECT_EQ(best(router, "/api"), "/api");
  EXPECT_EQ(best(router, "/api/v1/users"), "/api/v1/users");
  EXPECT_EQ(best(router, "/api/v1"), "None");
  EXPECT_EQ(best(router, "/About"), "None");
  EXPECT_TRUE(router.match("/about")->params.empty());
}

TEST(RouterMatch, UnnormalisedRequestPathsStillMatch) {
  Router router = build_or_fail({"about.js", "[id].js"});
  EXPECT_EQ(best(router, "/about/"), "/about");
  EXPECT_EQ(best(router, "//about"), "/about");
  EXPECT_EQ(best(router, "about"), "/about");
  EXPECT_EQ(router.match("//x//")->params.at("id"), "x");
}

TEST(RouterMatch, DynamicParams) {
  Router router = build_or_fail({"users/[user]/posts/[post].js"});
  auto match = router.match("/users/ana/posts/42");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->params.at("user"), "ana");
  EXPECT_EQ(match->params.at("post"), "42");
  EXPECT_EQ(match->params.size(), 2u);
  EXPECT_EQ(best(router, "/users/ana/posts"), "None");
  EXPECT_EQ(best(router, "/users/ana/posts/42/x"), "None");
}

TEST(RouterMatch, DynamicSegmentNeverMatchesTheRoot) {
  Router router = build_or_fail({"[id].js"});
  EXPECT_EQ(best(router, "/"), "None");
}

TEST(RouterMatch, RootCatchAllMatchesTheRootWithAnEmptyValue) {
  Router router = build_or_fail({"[...slug].js"});
  auto root = router.match("/");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->params.at("slug"), "");
  EXPECT_EQ(router.match("/a/b/c")->params.at("slug"), "a/b/c");
}

TEST(RouterMatch, NestedCatchAllNeedsAtLeastOneSegment) {
  Router router = build_or_fail({"sub/[...all].js"});
  EXPECT_EQ(best(router, "/sub"), "None");
  EXPECT_EQ(best(router, "/sub/"), "None");
  EXPECT_EQ(router.match("/sub/x")->params.at("all"), "x");
}

TEST(RouterMatch, TailFollowedByStaticSegments) {
  Router router = build_or_fail({"[...path]/edit.js", "[...path]/index.js"});
  auto edit = router.match("/a/b/edit");
  ASSERT_TRUE(edit);
  EXPECT_EQ(edit->route->path, "/[...path]/edit");
  EXPECT_EQ(edit->params.at("path"), "a/b");
  // The tail takes what the trailing static segment leaves over, even "edit" itself.
  EXPECT_EQ(router.match("/edit/edit")->params.at("path"), "edit");
  // No trailing "edit": the plain catch-all serves it.
  EXPECT_EQ(best(router, "/a/b/view"), "/[...path]");
  // "/edit" alone leaves nothing for the tail in "/[...path]/edit".
  EXPECT_EQ(best(router, "/edit"), "/[...path]");
}

TEST(RouterMatch, TailBetweenStaticAndDynamicSegments) {
  Router router = build_or_fail({"docs/[...page]/v/[version].js"});
  auto match = router.match("/docs/guide/intro/v/2");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->params.at("page"), "guide/intro");
  EXPECT_EQ(match->params.at("version"), "2");
  EXPECT_EQ(best(router, "/docs/v/2"), "None");
  EXPECT_EQ(best(router, "/docs/guide/v"), "None");
}

TEST(RouterMatch, TwoTailsBackTrackUntilTheRestMatches) {
  Router router = build_or_fail({"[...a]/x/[...b].js"});
  auto match = router.match("/1/x/2/x/3");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->params.at("a"), "1/x/2");
  EXPECT_EQ(match->params.at("b"), "3");
  EXPECT_EQ(best(router, "/1/x"), "None");
  EXPECT_EQ(best(router, "/1/2/3"), "None");
}

TEST(RouterMatch, AnyDynamicBeatsAnyTail) {
  Router router = build_or_fail({"[...all].js", "[a]/[b]/[c].js"});
  EXPECT_EQ(best(router, "/1/2/3"), "/[a]/[b]/[c]");
  EXPECT_EQ(best(router, "/1/2"), "/[...all]");
}

TEST(RouterMatch, ParamsArePercentDecoded) {
  Router router = build_or_fail({"[name].js", "files/[...path].js"});
  EXPECT_EQ(router.match("/J%C3%BAlia%20S")->params.at("name"), "Júlia S");
  EXPECT_EQ(router.match("/files/a%20b/c")->params.at("path"), "a b/c");
  // An escaped slash stays inside its segment.
  EXPECT_EQ(router.match("/a%2Fb")->params.at("name"), "a/b");
}

TEST(RouterMatch, StaticSegmentsMatchDecodedText) {
  Router router = build_or_fail({"a b.js", "caf\xC3\xA9/menu.js", "a/b.js"});
  EXPECT_EQ(best(router, "/a%20b"), "/a b");
  EXPECT_EQ(best(router, "/a b"), "/a b");
  EXPECT_EQ(best(router, "/caf%C3%A9/menu"), "/caf\xC3\xA9/menu");
  EXPECT_EQ(best(router, "/a%2fb"), "None");  // one segment "a/b" is not the route /a/b
  EXPECT_EQ(best(router, "/%61/b"), "/a/b");
}

TEST(RouterMatch, UnusableSegmentsMatchNothing) {
  Router router = build_or_fail({"[...all].js", "ok.js"});
  EXPECT_EQ(best(router, "/a%00b"), "None");
  EXPECT_EQ(best(router, std::string("/a\0b", 4)), "None");
  EXPECT_EQ(best(router, "/%FF"), "None");        // not UTF-8
  EXPECT_EQ(best(router, "/%C0%AF"), "None");     // overlong '/'
  EXPECT_EQ(best(router, "/%ED%A0%80"), "None");  // surrogate
  EXPECT_EQ(best(router, "/ok"), "/ok");
}

TEST(RouterMatch, InvalidEscapesStayLiteral) {
  Router router = build_or_fail({"[id].js"});
  EXPECT_EQ(router.match("/%")->params.at("id"), "%");
  EXPECT_EQ(router.match("/%zz")->params.at("id"), "%zz");
  EXPECT_EQ(router.match("/a%4")->params.at("id"), "a%4");
  EXPECT_EQ(router.match("/%%41")->params.at("id"), "%A");
}

TEST(RouterMatch, HostileRequestsDoNotCrash) {
  Router router = build_or_fail({"index.js", "[id].js", "sub/[...all].js"});
  std::string long_path;
  for (int i = 0; i < 5000; ++i) long_path += "/s";
  EXPECT_EQ(best(router, long_path), "None");
  EXPECT_EQ(router.match("/sub" + long_path)->params.at("all").size(), 5000u * 2 - 1);
  EXPECT_EQ(best(router, std::string(100000, '/')), "/");
  EXPECT_EQ(best(router, std::string(100000, 'a')), "/[id]");
  EXPECT_EQ(best(router, "/" + std::string(10000, '%')), "/[id]");
  EXPECT_EQ(best(router, ""), "/");
  EXPECT_EQ(best(router, "?"), "/[id]");
}

TEST(RouterMatch, TwoTailsOnALongPathStayFast) {
  Router router = build_or_fail({"[...a]/x/[...b]/y.js"});
  std::string long_path;
  for (int i = 0; i < 3000; ++i) long_path += "/x";
  EXPECT_EQ(best(router, long_path), "None");
  auto match = router.match(long_path + "/y");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->params.at("b"), "x");
}

TEST(RouterMatch, PrefixAppliesToEveryRoute) {
  Router router = build_or_fail({"index.js", "about.js", "[id]/edit.js", "[...all].js"}, "app/");
  EXPECT_EQ(router.prefix(), "/app");
  std::vector<std::string> paths;
  for (const auto& r : router.routes()) paths.push_back(r.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/app", "/app/about", "/app/[id]/edit", "/app/[...all]"}));
  // The root worker is reachable both ways (the original's "/app/" route never was).
  EXPECT_EQ(best(router, "/app"), "/app");
  EXPECT_EQ(best(router, "/app/"), "/app");
  EXPECT_EQ(best(router, "/app/about"), "/app/about");
  EXPECT_EQ(router.match("/app/7/edit")->params.at("id"), "7");
  EXPECT_EQ(router.match("/app/x/y")->params.at("all"), "x/y");
  EXPECT_EQ(router.match("/%61pp/x")->params.at("all"), "x");
}

TEST(RouterMatch, RequestsOutsideThePrefixMatchNothing) {
  Router router = build_or_fail({"index.js", "about.js", "[...all].js"}, "/app");
  EXPECT_EQ(best(router, "/"), "None");
  EXPECT_EQ(best(router, "/about"), "None");
  EXPECT_EQ(best(router, "/application"), "None");
  EXPECT_EQ(best(router, "/apps/about"), "None");
  EXPECT_EQ(best(router, "/other/app"), "None");
}

TEST(RouterMatch, NestedPrefix) {
  Router router = build_or_fail({"index.js", "[id].js"}, "\\a\\b\\");
  EXPECT_EQ(best(router, "/a/b"), "/a/b");
  EXPECT_EQ(best(router, "/a/b/c"), "/a/b/[id]");
  EXPECT_EQ(best(router, "/a"), "None");
}

TEST(RouterMatch, TwoFilesForOneRouteAreAnError) {
  std::string error = build_error({"a.js", "a/index.js"});
  EXPECT_NE(error.find("a.js"), std::string::npos) << error;
  EXPECT_NE(error.find("a/index.js"), std::string::npos) << error;
  EXPECT_NE(error.find("/a"), std::string::npos) << error;

  error = build_error({"a.js", "a.wasm"});
  EXPECT_NE(error.find("a.js"), std::string::npos) << error;
  EXPECT_NE(error.find("a.wasm"), std::string::npos) << error;

  error = build_error({"index.js", "index/index.wasm"});
  EXPECT_NE(error.find("index/index.wasm"), std::string::npos) << error;
}

TEST(RouterMatch, RoutesThatServeTheSameRequestsAreAnError) {
  std::string error = build_error({"x/[id].js", "x/[name].js"});
  EXPECT_NE(error.find("x/[id].js"), std::string::npos) << error;
  EXPECT_NE(error.find("x/[name].js"), std::string::npos) << error;
  build_error({"[...a].js", "[...b].wasm"});
}

TEST(RouterMatch, EveryConflictIsReportedAtOnce) {
  std::string error = build_error({"a.js", "a.wasm", "b.js", "b/index.js", "[id]/[id].js"});
  EXPECT_EQ(std::count(error.begin(), error.end(), '\n'), 2) << error;
  EXPECT_NE(error.find("a.js and a.wasm"), std::string::npos) << error;
  EXPECT_NE(error.find("b.js and b/index.js"), std::string::npos) << error;
  EXPECT_NE(error.find("'id' appears twice"), std::string::npos) << error;
}

TEST(RouterMatch, RepeatedParameterNameIsAnError) {
  std::string error = build_error({"[id]/[id].js"});
  EXPECT_NE(error.find("'id'"), std::string::npos) << error;
}

TEST(RouterMatch, NullErrorPointerIsAccepted) {
  EXPECT_FALSE(Router::build({{"a.js", 0}, {"a.wasm", 1}}, "", nullptr).has_value());
}

TEST(RouterMatch, PartialBracketSegmentsAreLiteral) {
  Router router = build_or_fail({"post-[id].js", "[bad name].js"});
  EXPECT_EQ(best(router, "/post-[id]"), "/post-[id]");
  EXPECT_EQ(best(router, "/post-7"), "None");
  EXPECT_EQ(best(router, "/%5Bbad%20name%5D"), "/[bad name]");
  EXPECT_EQ(router.routes()[0].kind, RouteKind::Static);
}

TEST(RouterMatch, EmptyRouterMatchesNothing) {
  Router router = build_or_fail({});
  EXPECT_EQ(best(router, "/"), "None");
  EXPECT_TRUE(router.routes().empty());
}

}  // namespace
}  // namespace wws::router
