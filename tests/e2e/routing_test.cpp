// File-system routing: index stripping, [id] params, [...rest] catch-alls, priority, what is not a
// worker (_-prefixed, public/, --ignore), the start-up route list, duplicates and --prefix.
#include <gtest/gtest.h>

#include "harness.h"
#include "json.h"

namespace e2e {
namespace {

class Routing : public SharedServerTest<Routing> {
 public:
  static void build(Project& p) {
    p.worker("index.wasm", "hello")
        .worker("hello.wasm", "hello")
        .worker("api/index.wasm", "echo")
        .worker("api/v1/index/users.wasm", "echo")
        .worker("users/[id].wasm", "echo")
        .worker("users/[id]/posts.wasm", "echo")
        .worker("fixed.wasm", "hello")
        .worker("[id].wasm", "echo")
        .worker("files/[...rest].wasm", "echo")
        .worker("files/special.wasm", "hello")
        .worker("_hidden.wasm", "hello")
        .worker("_internal/secret.wasm", "hello")
        .worker("sub/public/inner.wasm", "hello")
        .worker("skipme/x.wasm", "hello");
  }
  static std::vector<std::string> args() { return {"--ignore", "**/skipme/**"}; }
};

TEST_F(Routing, RootIndexAndPlainFileRoutes) {
  auto root = server_->get("/");
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.body, "Hello from wws");
  EXPECT_EQ(root.header("content-type"), "text/plain");
  auto hello = server_->get("/hello");
  EXPECT_EQ(hello.status, 200);
  EXPECT_EQ(hello.body, "Hello from wws");
}

TEST_F(Routing, IndexIsStrippedAtAnyDepth) {
  auto api = server_->get("/api");
  ASSERT_EQ(api.status, 200);
  EXPECT_EQ(str(parse_json(api.body), "url"), server_->base_url() + "/api");
  EXPECT_EQ(server_->get("/api/v1/users").status, 200);
  EXPECT_EQ(server_->get("/api/index").status, 404);
}

TEST_F(Routing, DynamicSegmentsBecomeParams) {
  auto user = server_->get("/users/42");
  ASSERT_EQ(user.status, 200) << user.body;
  auto params = string_map(parse_json(user.body), "params");
  EXPECT_EQ(params, (std::map<std::string, std::string>{{"id", "42"}}));

  auto posts = server_->get("/users/ada/posts");
  ASSERT_EQ(posts.status, 200);
  EXPECT_EQ(string_map(parse_json(posts.body), "params")["id"], "ada");
}

TEST_F(Routing, StaticRouteBeatsDynamicOne) {
  auto fixed = server_->get("/fixed");
  EXPECT_EQ(fixed.body, "Hello from wws");
  auto other = server_->get("/anything");
  ASSERT_EQ(other.status, 200);
  EXPECT_EQ(string_map(parse_json(other.body), "params")["id"], "anything");
}

TEST_F(Routing, CatchAllGetsTheRestOfThePath) {
  auto deep = server_->get("/files/a/b/c.txt");
  ASSERT_EQ(deep.status, 200) << deep.body;
  EXPECT_EQ(string_map(parse_json(deep.body), "params")["rest"], "a/b/c.txt");
  auto one = server_->get("/files/one");
  EXPECT_EQ(string_map(parse_json(one.body), "params")["rest"], "one");
  // A fixed route at the same depth beats the catch-all.
  EXPECT_EQ(server_->get("/files/special").body, "Hello from wws");
}

TEST_F(Routing, UnderscorePublicAndIgnoredFilesAreNotWorkers) {
  // /_hidden would otherwise match [id]; it must not be served by _hidden.wasm.
  auto hidden = server_->get("/_hidden");
  EXPECT_NE(hidden.body, "Hello from wws");
  EXPECT_EQ(server_->get("/_internal/secret").status, 404);
  EXPECT_EQ(server_->get("/sub/public/inner").status, 404);
  EXPECT_EQ(server_->get("/skipme/x").status, 404);
  std::string out = server_->out();
  EXPECT_EQ(out.find("_hidden.wasm"), std::string::npos);
  EXPECT_EQ(out.find("inner.wasm"), std::string::npos);
  EXPECT_EQ(out.find("skipme"), std::string::npos);
}

TEST_F(Routing, UnknownPathIs404) {
  EXPECT_EQ(server_->get("/users/42/unknown/deeper").status, 404);
  EXPECT_EQ(server_->get("/api/nothing/here").status, 404);
}

TEST_F(Routing, StartupListsEveryRouteWithItsFile) {
  std::string out = server_->out();
  std::string base = server_->base_url();
  for (const char* route :
       {"/hello", "/api", "/api/v1/users", "/users/[id]", "/users/[id]/posts", "/files/[...rest]"}) {
    EXPECT_NE(out.find(base + route), std::string::npos) << route << "\n" << out;
  }
  EXPECT_NE(out.find("users/[id].wasm"), std::string::npos) << out;
  EXPECT_NE(out.find("Start serving requests at " + base), std::string::npos) << out;
}

TEST(RoutingStartup, DuplicateRoutesStopTheServerNamingBothFiles) {
  Project project;
  project.worker("a.wasm", "hello").worker("a/index.wasm", "hello");
  auto run = run_wws({project.root().string(), "--port", std::to_string(free_port())});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.exit_code, -1) << "wws kept running instead of refusing the project";
  std::string all = run.out + run.err;
  EXPECT_NE(all.find("a.wasm"), std::string::npos) << all;
  EXPECT_NE(all.find("a/index.wasm"), std::string::npos) << all;
  EXPECT_EQ(all.find("Start serving requests"), std::string::npos) << all;
}

TEST(RoutingPrefix, PrefixMountsEverythingBelowIt) {
  Project project;
  project.worker("index.wasm", "echo").worker("x.wasm", "hello").file("public/style.css", "p{}");
  Server server(project, {"--prefix", "/app"});
  auto root = server.get("/app");
  ASSERT_EQ(root.status, 200) << root.body;
  EXPECT_EQ(str(parse_json(root.body), "url"), server.base_url() + "/app");
  EXPECT_EQ(server.get("/app/").status, 200);
  EXPECT_EQ(server.get("/app/x").body, "Hello from wws");
  EXPECT_EQ(server.get("/x").status, 404);
  EXPECT_EQ(server.get("/app/style.css").body, "p{}");
  EXPECT_EQ(server.get("/style.css").status, 404);
  EXPECT_EQ(server.stop(), 0);
}

TEST(Cli, VersionAndHelp) {
  auto version = run_wws({"-V"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("0."), std::string::npos) << version.out;
  auto help = run_wws({"-h"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag : {"--host", "--port", "--prefix", "--ignore", "--cors", "--threads", "--timeout",
                           "--memory-limit", "--max-body-size"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  }
}

TEST(Cli, MissingFolderIsAClearError) {
  auto run = run_wws({"/definitely/not/here", "--port", std::to_string(free_port())});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.exit_code, -1);
  EXPECT_NE((run.out + run.err).find("/definitely/not/here"), std::string::npos);
}

}  // namespace
}  // namespace e2e
