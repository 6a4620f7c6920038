// Static files from public/: index pages, pretty URLs, content types, HEAD, caching validators,
// the custom 404 page, precedence against workers, and path traversal attempts.
#include <gtest/gtest.h>

#include "harness.h"

namespace e2e {
namespace {

class Static : public SharedServerTest<Static> {
 public:
  static void build(Project& p) {
    p.fixture("static");
    p.worker("[id].wasm", "echo");            // dynamic: loses against static files
    p.worker("docs/[...rest].wasm", "echo");  // catch-all: loses against static files
    p.worker("about/team.wasm", "hello");     // a static worker route
    p.worker("robots.wasm", "hello");         // static worker route /robots vs public/robots.txt
    p.worker("hello.wasm", "hello");
    p.file("public/hello/index.html", "<p>public hello folder</p>");  // loses against hello.wasm
  }
  static std::vector<std::string> args() { return {}; }
};

TEST_F(Static, IndexHtmlForTheRootAndFolders) {
  auto root = server_->get("/");
  ASSERT_EQ(root.status, 200);
  EXPECT_NE(root.body.find("static index page"), std::string::npos);
  EXPECT_EQ(root.header("content-type").rfind("text/html", 0), 0u);
  auto docs = server_->get("/docs");
  EXPECT_EQ(docs.status, 200);
  EXPECT_NE(docs.body.find("docs folder index"), std::string::npos) << docs.body;
  EXPECT_NE(server_->get("/docs/").body.find("docs folder index"), std::string::npos);
}

TEST_F(Static, HtmlExtensionIsOptional) {
  auto about = server_->get("/about");
  EXPECT_EQ(about.status, 200);
  EXPECT_NE(about.body.find("about page"), std::string::npos) << about.body;
  EXPECT_NE(server_->get("/about.html").body.find("about page"), std::string::npos);
}

TEST_F(Static, ContentTypes) {
  auto css = server_->get("/css/site.css");
  ASSERT_EQ(css.status, 200);
  EXPECT_EQ(css.header("content-type").rfind("text/css", 0), 0u) << css.header("content-type");
  auto txt = server_->get("/robots.txt");
  ASSERT_EQ(txt.status, 200);
  EXPECT_EQ(txt.header("content-type").rfind("text/plain", 0), 0u) << txt.header("content-type");
}

TEST_F(Static, HeadHasHeadersButNoBody) {
  Request head;
  head.method = "HEAD";
  head.target = "/css/site.css";
  auto response = server_->request(head);
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.body.empty());
  auto get = server_->get("/css/site.css");
  EXPECT_EQ(response.header("content-length"), std::to_string(get.body.size()));
}

TEST_F(Static, EtagAndLastModifiedGive304) {
  auto first = server_->get("/css/site.css");
  ASSERT_EQ(first.status, 200);
  std::string etag = first.header("etag");
  std::string modified = first.header("last-modified");
  ASSERT_FALSE(etag.empty());
  ASSERT_FALSE(modified.empty());
  auto by_etag = server_->get("/css/site.css", {"If-None-Match: " + etag});
  EXPECT_EQ(by_etag.status, 304);
  EXPECT_TRUE(by_etag.body.empty());
  auto by_date = server_->get("/css/site.css", {"If-Modified-Since: " + modified});
  EXPECT_EQ(by_date.status, 304);
  auto stale = server_->get("/css/site.css", {"If-None-Match: \"not-the-etag\""});
  EXPECT_EQ(stale.status, 200);
}

TEST_F(Static, Custom404PageWithStatus404) {
  auto missing = server_->get("/no/such/page/here");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("custom not found page"), std::string::npos) << missing.body;
}

TEST_F(Static, StaticFilesBeatDynamicAndCatchAllWorkers) {
  EXPECT_NE(server_->get("/about").body.find("about page"), std::string::npos);
  EXPECT_NE(server_->get("/docs/index.html").body.find("docs folder index"), std::string::npos);
  // No static file: the workers answer.
  auto dynamic = server_->get("/something-else");
  EXPECT_EQ(dynamic.header("content-type"), "application/json");
  auto catch_all = server_->get("/docs/not/a/file");
  EXPECT_EQ(catch_all.header("content-type"), "application/json");
}

TEST_F(Static, StaticWorkerRoutesBeatStaticFiles) {
  EXPECT_EQ(server_->get("/hello").body, "Hello from wws");
  EXPECT_EQ(server_->get("/robots").body, "Hello from wws");
  EXPECT_EQ(server_->get("/about/team").body, "Hello from wws");
}

// Traversal is checked on a project without dynamic routes at the root, which would otherwise
// (rightly) answer normalised paths like /secret.txt.
class Traversal : public SharedServerTest<Traversal> {
 public:
  static void build(Project& p) {
    p.fixture("static");
    p.worker("hello.wasm", "hello").file("hello.toml", "name = \"hello\"\nversion = \"1\"\n");
    p.worker("api/worker.wasm", "hello");
    p.file("outside.txt", "outside of public, never served");
    p.symlink("public/escape.txt", p.path("outside.txt"));
    p.symlink("public/escape_dir", "..");
  }
  static std::vector<std::string> args() { return {}; }
};

TEST_F(Traversal, TraversalAttemptsAre404) {
  std::string abs_secret = project_->path("secret.txt").string();
  const std::string targets[] = {
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/secret.txt",
      "/%C0AE%C0AE%C0AFsecret.txt",
      "/..%2fsecret.txt",
      "/css/../../secret.txt",
      "/css/%2e%2e/%2e%2e/secret.txt",
      "/" + abs_secret,
      "/secret.txt",
      "/escape.txt",             // symlink out of public/
      "/escape_dir/secret.txt",  // symlinked folder out of public/
      "/escape_dir/outside.txt",
  };
  for (const auto& target : targets) {
    auto response = server_->get(target);
    EXPECT_EQ(response.status, 404) << target;
    EXPECT_EQ(response.body.find("never be served"), std::string::npos) << target;
    EXPECT_EQ(response.body.find("never served"), std::string::npos) << target;
  }
}

TEST_F(Traversal, WorkerFilesAndTomlAreNeverServed) {
  for (const char* target : {"/hello.wasm", "/hello.toml", "/api/worker.wasm", "/public/index.html", "/../hello.wasm",
                             "/%2e%2e/hello.toml"}) {
    auto response = server_->get(target);
    EXPECT_EQ(response.status, 404) << target;
    EXPECT_EQ(response.body.find("asm"), std::string::npos) << target;
    EXPECT_EQ(response.body.find("version = "), std::string::npos) << target;
  }
  EXPECT_EQ(server_->get("/hello").body, "Hello from wws");
  EXPECT_EQ(server_->get("/api/worker").body, "Hello from wws");
}

}  // namespace
}  // namespace e2e
