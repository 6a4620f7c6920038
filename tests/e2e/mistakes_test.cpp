// No silent mistakes: what wws says at start-up about a project's TOML files, --ignore globs and
// route conflicts (all of them at once), a busy port, and a second Ctrl-C.
#include <gtest/gtest.h>

#include <signal.h>

#include <future>
#include <thread>

#include "harness.h"

namespace e2e {
namespace {

using namespace std::chrono_literals;

TEST(Mistakes, TomlTyposAndUnsetVariablesWarnAndTheWorkerStillServes) {
  Project project;
  project.worker("hello.wasm", "hello")
      .file("hello.toml", "[limts]\ntimeout_ms = 10\n[vars]\nTOKEN = \"$WWS_E2E_UNSET_VARIABLE\"\nPRICE = \"$$5\"\n");
  Server server(project);
  EXPECT_EQ(server.get("/hello").status, 200);
  const std::string log = server.log();
  EXPECT_NE(log.find("hello.toml:1:2: unknown table [limts]; did you mean [limits]? (ignored)"), std::string::npos)
      << log;
  EXPECT_NE(log.find("hello.toml:4:9: [vars] TOKEN = \"$WWS_E2E_UNSET_VARIABLE\": the host has no variable"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("PRICE"), std::string::npos) << "a $$ value is literal, nothing to warn about: " << log;
}

TEST(Mistakes, DoubleDollarReachesTheWorkerAsOneDollar) {
  Project project;
  project.file("v.js", "export default { fetch(r, env) { return new Response(env.PRICE); } };")
      .file("v.toml", "[vars]\nPRICE = \"$$5\"\n");
  Server server(project);
  EXPECT_EQ(server.get("/v").body, "$5");
}

TEST(Mistakes, EveryErrorOfAFileIsReportedAtOnce) {
  Project project;
  project.worker("hello.wasm", "hello").worker("bad.wasm", "hello");
  project.file("bad.toml", "name = 1\n[limits]\ntimeout_ms = 0\nmemory_mb = \"lots\"\n");
  Server server(project);
  EXPECT_EQ(server.get("/bad").status, 503);
  const std::string log = server.log();
  EXPECT_NE(log.find("bad.toml:1:8: name must be a string"), std::string::npos) << log;
  EXPECT_NE(log.find("bad.toml:3:14: [limits] timeout_ms"), std::string::npos) << log;
  EXPECT_NE(log.find("bad.toml:4:13: [limits] memory_mb must be an integer"), std::string::npos) << log;
}

TEST(Mistakes, EveryRouteConflictIsReportedAtOnce) {
  Project project;
  project.worker("a.wasm", "hello")
      .worker("a/index.wasm", "hello")
      .worker("b.wasm", "hello")
      .worker("b/index.wasm", "hello");
  auto run = run_wws({project.root().string(), "--port", "0"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("a.wasm and a/index.wasm both map to the route /a"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("b.wasm and b/index.wasm both map to the route /b"), std::string::npos) << run.err;
}

TEST(Mistakes, AnIgnoreGlobThatMatchesNothingWarns) {
  Project project;
  project.worker("hello.wasm", "hello").worker("drafts/wip.wasm", "hello");
  Server server(project, {"--ignore", "./drafts/", "--ignore", "draft/**"});
  EXPECT_EQ(server.get("/drafts/wip").status, 404) << "./drafts/ means the drafts folder";
  const std::string log = server.log();
  EXPECT_NE(log.find("--ignore \"draft/**\" matches no worker file or folder"), std::string::npos) << log;
  EXPECT_EQ(log.find("--ignore \"./drafts/\" matches"), std::string::npos) << log;
}

TEST(Mistakes, ABusyPortSuggestsAnother) {
  Project project;
  project.worker("hello.wasm", "hello");
  Server first(project);
  auto second = run_wws({project.root().string(), "--port", std::to_string(first.port())});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("Cannot listen on 127.0.0.1:" + std::to_string(first.port())), std::string::npos)
      << second.err;
  EXPECT_NE(second.err.find("is using port " + std::to_string(first.port())), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("--port 0"), std::string::npos) << second.err;
  EXPECT_EQ(first.get("/hello").status, 200) << "the first server is untouched";
}

TEST(Mistakes, ASecondCtrlCStopsAtOnceCuttingInFlightRequests) {
  Project project;
  project.worker("sleep.wasm", "sleep");
  Server server(project);
  auto in_flight = std::async(std::launch::async, [&] { return server.get("/sleep?ms=8000"); });
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(kill(server.pid(), SIGINT), 0);
  ASSERT_TRUE(server.wait_for("Ctrl-C again", 3s)) << server.log();
  auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(server.pid(), SIGINT), 0);
  auto cut = in_flight.get();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s) << "the second Ctrl-C did not stop wws at once";
  EXPECT_EQ(cut.status, 0) << "the in-flight request was not cut: " << cut.body;
  EXPECT_EQ(server.stop(), 128 + SIGINT) << server.log();
}

}  // namespace
}  // namespace e2e
