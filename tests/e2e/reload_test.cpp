// Hot reload: with --watch, and with SIGHUP at any time, added, changed and removed workers,
// TOML files and public/ are served without a restart; a worker that no longer loads keeps its
// last good version; a request in flight finishes on the version it started with.
// (The 30 s wrk run with ten workers changing is bench/reload.sh.)
#include <gtest/gtest.h>

#include <signal.h>

#include <functional>
#include <future>
#include <thread>

#include "harness.h"

namespace e2e {
namespace {

using namespace std::chrono_literals;

std::string js(const std::string& text) {
  return "export default { fetch(request, env) { return new Response(" + text + "); } };\n";
}

// Polls `path` until `accept` holds or `limit` passes; returns the last response.
Response poll(const Server& server, const std::string& path, const std::function<bool(const Response&)>& accept,
              std::chrono::milliseconds limit = 5s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  Response r;
  for (;;) {
    r = server.get(path);
    if (accept(r) || std::chrono::steady_clock::now() > deadline) return r;
    std::this_thread::sleep_for(20ms);
  }
}

auto body_is(const std::string& body) {
  return [body](const Response& r) { return r.status == 200 && r.body == body; };
}
auto status_is(long status) {
  return [status](const Response& r) { return r.status == status; };
}

TEST(Reload, WatchServesAddedChangedAndRemovedWorkers) {
  Project project;
  project.file("a.js", js("'a1'"));
  Server server(project, {"--watch"});
  ASSERT_EQ(server.get("/a").body, "a1");

  project.file("b.js", js("'b1'"));
  project.file("deep/er/c.js", js("'c1'"));  // in folders that did not exist
  EXPECT_EQ(poll(server, "/b", body_is("b1")).body, "b1");
  EXPECT_EQ(poll(server, "/deep/er/c", body_is("c1")).body, "c1");

  project.file("a.js", js("'a2'"));
  EXPECT_EQ(poll(server, "/a", body_is("a2")).body, "a2");

  fs::remove(project.path("b.js"));
  EXPECT_EQ(poll(server, "/b", status_is(404)).status, 404);

  // A TOML change reaches the worker too.
  project.file("a.js", js("env.GREETING")).file("a.toml", "[vars]\nGREETING = \"hello\"\n");
  EXPECT_EQ(poll(server, "/a", body_is("hello")).body, "hello");
  project.file("a.toml", "[vars]\nGREETING = \"bonjour\"\n");
  EXPECT_EQ(poll(server, "/a", body_is("bonjour")).body, "bonjour");
  EXPECT_TRUE(server.wait_for("Reloaded", 1s)) << server.log();
  EXPECT_EQ(server.stop(), 0) << server.log();
}

TEST(Reload, AWorkerThatNoLongerLoadsKeepsServingItsLastGoodVersion) {
  Project project;
  project.file("a.js", js("'good'")).worker("w.wasm", "hello");
  Server server(project, {"--watch"});
  project.file("a.js", "export default { fetch() { return new Response(");
  project.file("w.wasm", "not wasm");
  ASSERT_TRUE(server.wait_for("keeps serving its previous version", 5s)) << server.log();
  ASSERT_TRUE(server.wait_for("w.wasm", 5s)) << server.log();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(server.get("/a").body, "good");
    EXPECT_EQ(server.get("/w").body, "Hello from wws");
  }
  EXPECT_NE(server.log().find("a.js:1:"), std::string::npos) << "the error names the file and line: " << server.log();
  project.file("a.js", js("'fixed'"));
  EXPECT_EQ(poll(server, "/a", body_is("fixed")).body, "fixed");
}

TEST(Reload, SighupReloadsWithoutWatch) {
  Project project;
  project.file("a.js", js("'a1'"));
  Server server(project);
  project.file("a.js", js("'a2'")).file("b.js", js("'b'"));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(server.get("/a").body, "a1") << "without --watch nothing reloads by itself";
  EXPECT_EQ(server.get("/b").status, 404);
  ASSERT_EQ(kill(server.pid(), SIGHUP), 0);
  EXPECT_EQ(poll(server, "/a", body_is("a2")).body, "a2");
  EXPECT_EQ(poll(server, "/b", body_is("b")).body, "b");
  EXPECT_EQ(server.stop(), 0) << server.log();
}

TEST(Reload, ARequestInFlightFinishesOnTheVersionItStartedWith) {
  Project project;
  project.worker("slow.wasm", "sleep");
  Server server(project, {"--watch"});
  auto in_flight = std::async(std::launch::async, [&] { return server.get("/slow?ms=1500"); });
  std::this_thread::sleep_for(300ms);  // it is sleeping now
  project.worker("slow.wasm", "hello");
  EXPECT_EQ(poll(server, "/slow", body_is("Hello from wws")).body, "Hello from wws");
  Response old = in_flight.get();
  EXPECT_EQ(old.status, 200) << old.error;
  EXPECT_EQ(old.body, "slept 1500 ms");
}

TEST(Reload, PublicFilesAndAPublicFolderThatAppears) {
  Project project;
  project.file("api.js", js("'api'"));
  Server server(project, {"--watch"});
  EXPECT_EQ(server.get("/page.html").status, 404);
  project.file("public/page.html", "<p>one</p>");
  EXPECT_EQ(poll(server, "/page.html", body_is("<p>one</p>")).body, "<p>one</p>");
  project.file("public/page.html", "<p>two, longer</p>");  // files are read per request
  EXPECT_EQ(poll(server, "/page.html", body_is("<p>two, longer</p>")).body, "<p>two, longer</p>");
}

TEST(Reload, ChangesUnderNodeModulesAndHiddenFoldersDoNotReload) {
  Project project;
  project.file("a.js", js("'a'")).file("node_modules/pkg/index.js", js("'pkg'"));
  Server server(project, {"--watch"});
  project.file("node_modules/pkg/other.js", js("'other'"));
  project.file(".cache/x.js", js("'x'"));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(server.log().find("Reloaded"), std::string::npos) << server.log();
  EXPECT_EQ(server.get("/node_modules/pkg/other").status, 404);
}

}  // namespace
}  // namespace e2e
