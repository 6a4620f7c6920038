// --cors: the request's origin when it is listed (one origin, as browsers require), `*` for
// any, on worker answers, public/ files and 404s alike; preflights answered by wws itself.
#include <gtest/gtest.h>

#include "harness.h"

namespace e2e {
namespace {

class CorsList : public SharedServerTest<CorsList> {
 public:
  static void build(Project& p) {
    p.worker("hello.wasm", "hello").worker("echo.wasm", "echo").file("public/app.css", "body{}");
  }
  static std::vector<std::string> args() { return {"--cors", "https://a.example", "--cors", "http://localhost:3000"}; }
};

TEST_F(CorsList, AListedOriginGetsItselfBack) {
  for (const char* origin : {"https://a.example", "http://localhost:3000"}) {
    auto r = server_->get("/hello", {std::string("Origin: ") + origin});
    EXPECT_EQ(r.all("access-control-allow-origin"), std::vector<std::string>{origin});
    EXPECT_EQ(r.header("vary"), "Origin");
  }
}

TEST_F(CorsList, AnOriginThatIsNotListedGetsNoHeader) {
  auto r = server_->get("/hello", {"Origin: https://evil.example"});
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.has("access-control-allow-origin"));
  EXPECT_EQ(r.header("vary"), "Origin");
  EXPECT_FALSE(server_->get("/hello").has("access-control-allow-origin")) << "no Origin, no CORS";
}

TEST_F(CorsList, StaticFilesAndNotFoundAnswersToo) {
  auto css = server_->get("/app.css", {"Origin: https://a.example"});
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.header("access-control-allow-origin"), "https://a.example");
  auto missing = server_->get("/missing", {"Origin: https://a.example"});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("access-control-allow-origin"), "https://a.example");
}

TEST_F(CorsList, APreflightIsAnsweredWithoutRunningTheWorker) {
  Request preflight;
  preflight.method = "OPTIONS";
  preflight.target = "/echo";
  preflight.headers = {"Origin: https://a.example", "Access-Control-Request-Method: PUT",
                       "Access-Control-Request-Headers: content-type, x-token"};
  auto r = server_->request(preflight);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.header("access-control-allow-origin"), "https://a.example");
  EXPECT_NE(r.header("access-control-allow-methods").find("PUT"), std::string::npos);
  EXPECT_EQ(r.header("access-control-allow-headers"), "content-type, x-token");
  EXPECT_EQ(r.header("access-control-max-age"), "600");
  EXPECT_EQ(r.body, "") << "the echo worker must not have run";
}

TEST_F(CorsList, APreflightFromAnOriginNotListedSaysHowToAllowIt) {
  Request preflight;
  preflight.method = "OPTIONS";
  preflight.target = "/echo";
  preflight.headers = {"Origin: https://evil.example", "Access-Control-Request-Method: GET"};
  auto r = server_->request(preflight);
  EXPECT_EQ(r.status, 403);
  EXPECT_FALSE(r.has("access-control-allow-origin"));
  EXPECT_NE(r.body.find("--cors https://evil.example"), std::string::npos) << r.body;
}

TEST_F(CorsList, APlainOptionsRequestStillReachesTheWorker) {
  Request options;
  options.method = "OPTIONS";
  options.target = "/echo";
  auto r = server_->request(options);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"method\":\"OPTIONS\""), std::string::npos) << r.body;
}

TEST(CorsAny, StarAllowsEveryOrigin) {
  Project project;
  project.worker("hello.wasm", "hello");
  Server server(project, {"--cors", "*"});
  EXPECT_EQ(server.get("/hello", {"Origin: https://x.example"}).header("access-control-allow-origin"), "*");
  Request preflight{.method = "OPTIONS",
                    .target = "/hello",
                    .headers = {"Origin: https://x.example", "Access-Control-Request-Method: POST"}};
  auto r = server.request(preflight);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.header("access-control-allow-origin"), "*");
}

}  // namespace
}  // namespace e2e
