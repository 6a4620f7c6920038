// A real Hono app (npm), bundled by esbuild into one ES module and served as a catch-all
// `[...app].js`: routing, params, JSON bodies, headers and K/V through Cache.
#include <stdexcept>

#include "harness.h"

namespace e2e {
namespace {

class JsHono : public SharedServerTest<JsHono> {
 public:
  static void build(Project& p) {
    if (!fs::exists(WWS_HONO_BUNDLE))
      throw std::runtime_error(std::string(WWS_HONO_BUNDLE) +
                               " is missing: ctest builds it (test hono_bundle, needs npm); by hand: "
                               "cmake --build <build> --target hono_bundle");
    p.file("[...app].js", read_file(WWS_HONO_BUNDLE));
    p.file("[...app].toml", "[data.kv]\nnamespace = \"hono\"\n");
  }
  static std::vector<std::string> args() { return {}; }
};

TEST_F(JsHono, ServesTheRootRoute) {
  auto r = server_->get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "Hello from Hono");
}

TEST_F(JsHono, RouteParamsAndQuery) {
  auto r = server_->get("/users/42?q=x%20y");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"id":"42","q":"x y"})");
  EXPECT_NE(r.header("content-type").find("application/json"), std::string::npos);
}

TEST_F(JsHono, JsonBodyAndStatus) {
  Request req;
  req.method = "POST";
  req.target = "/echo";
  req.body = R"({"a":[1,2]})";
  req.send_body = true;
  req.headers = {"Content-Type: application/json"};
  auto r = server_->request(req);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"({"got":{"a":[1,2]},"type":"application/json"})");
}

TEST_F(JsHono, KvThroughCacheAndCustomHeaders) {
  auto first = server_->get("/count");
  auto second = server_->get("/count");
  ASSERT_EQ(first.status, 200);
  int a = std::stoi(first.header("x-count"));
  EXPECT_EQ(second.header("x-count"), std::to_string(a + 1));
  EXPECT_EQ(second.body, "count " + std::to_string(a + 1));
}

TEST_F(JsHono, HonoNotFoundHandler) {
  auto r = server_->get("/no/such/page");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "no such page");
}

}  // namespace
}  // namespace e2e
