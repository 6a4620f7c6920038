// Tests for router/paths: file -> route (reference §2.7 route.rs cases), --prefix formatting
// (§2.6 table) and request path normalisation.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "router/router.h"

namespace wws::router {
namespace {

using Cases = std::vector<std::pair<std::string, std::string>>;

// (file relative to the base, expected route); the test prepends the base folder's name.
const Cases kIndexCases = {
    {"examples/index.js", "/examples"},
    {"examples/index.wasm", "/examples"},
    {"examples/api/index.js", "/examples/api"},
    {"examples/api/index.wasm", "/examples/api"},
    {"index.js", "/"},
    {"index.wasm", "/"},
};
const Cases kPathCases = {
    {"examples/handler.js", "/examples/handler"},
    {"examples/handler.wasm", "/examples/handler"},
    {"examples/api/handler.js", "/examples/api/handler"},
    {"examples/api/handler.wasm", "/examples/api/handler"},
    {"handler.js", "/handler"},
    {"handler.wasm", "/handler"},
};

void expect_routes(const std::string& base, const std::string& file_prefix, const Cases& cases) {
  for (const auto& [file, expected] : cases) {
    auto route = route_path_for_file(base, file_prefix + file);
    ASSERT_TRUE(route.has_value()) << base << " + " << file_prefix + file;
    EXPECT_EQ(*route, expected) << base << " + " << file_prefix + file;
  }
}

TEST(RouterPaths, UnixRouteIndexPathRetrieval) {
  expect_routes(".", "", kIndexCases);
  expect_routes(".", "./", kIndexCases);
  expect_routes("./root", "root/", kIndexCases);
  expect_routes("./root", "./root/", kIndexCases);
  expect_routes("./root/", "root/", kIndexCases);
  expect_routes("./root/", "./root/", kIndexCases);
}

TEST(RouterPaths, UnixRoutePathRetrieval) {
  expect_routes(".", "", kPathCases);
  expect_routes("./root", "root/", kPathCases);
  expect_routes("./root/", "./root/", kPathCases);
}

TEST(RouterPaths, WindowsStylePathsGiveTheSameRoutes) {
  Cases index_cases;
  for (auto [file, route] : kIndexCases) {
    std::replace(file.begin(), file.end(), '/', '\\');
    index_cases.emplace_back(file, route);
  }
  expect_routes(".", ".\\", index_cases);
  expect_routes(".\\root", "root\\", index_cases);
  expect_routes(".\\root\\", ".\\root\\", index_cases);
}

TEST(RouterPaths, FileOutsideTheBaseHasNoRoute) {
  EXPECT_FALSE(route_path_for_file("./root", "other/index.js").has_value());
  EXPECT_FALSE(route_path_for_file("./root/deep", "root/index.js").has_value());
}

TEST(RouterPaths, RelativeFileRoutes) {
  EXPECT_EQ(route_path_for_file("api/index.wasm"), "/api");
  EXPECT_EQ(route_path_for_file("[id].js"), "/[id]");
  EXPECT_EQ(route_path_for_file("[...slug]/index.js"), "/[...slug]");
  EXPECT_EQ(route_path_for_file("a.b.js"), "/a.b");
  EXPECT_EQ(route_path_for_file("api/index/users.js"), "/api/users");  // every `index` goes
  EXPECT_EQ(route_path_for_file("index/index/index.js"), "/");
  EXPECT_EQ(route_path_for_file("indexes.js"), "/indexes");
  EXPECT_EQ(route_path_for_file("public.js"), "/public");
}

TEST(RouterPaths, FormatProvidedPrefix) {
  const Cases table = {
      {"", ""},
      {"/app", "/app"},
      {"app", "/app"},
      {"app/", "/app"},
      {"/app/", "/app"},
      {"/app/test/", "/app/test"},
      {"/app/test", "/app/test"},
      {"app/test/", "/app/test"},
      {"\\app", "/app"},
      {"app\\", "/app"},
      {"\\app\\", "/app"},
      {"\\app\\test\\", "/app/test"},
      {"\\app\\test", "/app/test"},
      {"app\\test\\", "/app/test"},
  };
  for (const auto& [input, expected] : table) EXPECT_EQ(format_prefix(input), expected) << "prefix " << input;
}

TEST(RouterPaths, SlashAloneIsNoPrefix) {
  EXPECT_EQ(format_prefix("/"), "");
  EXPECT_EQ(format_prefix("\\"), "");
}

TEST(RouterPaths, NormalizeRequestPath) {
  EXPECT_EQ(normalize_request_path("/"), "/");
  EXPECT_EQ(normalize_request_path(""), "/");
  EXPECT_EQ(normalize_request_path("//"), "/");
  EXPECT_EQ(normalize_request_path("/a/"), "/a");
  EXPECT_EQ(normalize_request_path("/a//b///c/"), "/a/b/c");
  EXPECT_EQ(normalize_request_path("a/b"), "/a/b");
  EXPECT_EQ(normalize_request_path("/a%2F/b"), "/a%2F/b");  // escapes are left for the matcher
}

TEST(RouterPaths, NormalizeHostileRequestPaths) {
  EXPECT_EQ(normalize_request_path(std::string(100000, '/')), "/");
  std::string long_path;
  for (int i = 0; i < 20000; ++i) long_path += "/seg";
  EXPECT_EQ(normalize_request_path(long_path + "//"), long_path);
  std::string with_nul("/a\0b/", 5);
  EXPECT_EQ(normalize_request_path(with_nul), std::string("/a\0b", 4));
}

}  // namespace
}  // namespace wws::router
