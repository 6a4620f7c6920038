// Failing workers: traps, exit codes, bad or missing output, invalid modules and TOML, time and
// memory limits. A failure must answer the documented status and never disturb other requests.
#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <thread>

#include "harness.h"

namespace e2e {
namespace {

const std::string kErrorPage = "<p>There was an error running this function</p>";

class Errors : public SharedServerTest<Errors> {
 public:
  static void build(Project& p) {
    p.worker("trap.wasm", "trap")
        .worker("exit.wasm", "exit_code")
        .worker("bad_json.wasm", "bad_json")
        .worker("empty.wasm", "empty")
        .worker("hello.wasm", "hello");
  }
  static std::vector<std::string> args() { return {}; }
};

TEST_F(Errors, TrapAnswers500AndTheNextRequestWorks) {
  for (int round = 0; round < 3; ++round) {
    auto trap = server_->get("/trap");
    EXPECT_EQ(trap.status, 500);
    EXPECT_EQ(trap.body, kErrorPage);
    EXPECT_EQ(trap.header("content-type").rfind("text/html", 0), 0u);
    auto hello = server_->get("/hello");
    EXPECT_EQ(hello.status, 200);
    EXPECT_EQ(hello.body, "Hello from wws");
  }
}

TEST_F(Errors, ExitZeroWithValidOutputIsSuccess) {
  auto response = server_->get("/exit?code=0");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "exited");
}

TEST_F(Errors, NonZeroExitIs500EvenWithValidOutput) {
  auto response = server_->get("/exit?code=3");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body, kErrorPage);
}

TEST_F(Errors, InvalidJsonOutputIs500) {
  auto response = server_->get("/bad_json");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body, kErrorPage);
}

TEST_F(Errors, EmptyOutputIs500) {
  auto response = server_->get("/empty");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body, kErrorPage);
}

TEST_F(Errors, FailuresAreLoggedWithTheWorker) {
  server_->get("/bad_json");
  EXPECT_TRUE(server_->wait_for("bad_json", std::chrono::seconds(3))) << server_->log();
}

TEST(StartupErrors, InvalidModuleIsReportedAndAnswers503WhileOthersServe) {
  Project project;
  project.worker("hello.wasm", "hello").file("broken.wasm", std::string("\0asm\x01\x00\x00\x00garbage!", 16));
  project.file("noise.wasm", "this is not wasm at all");
  Server server(project);
  std::string log = server.log();
  EXPECT_NE(log.find("broken.wasm"), std::string::npos) << log;
  EXPECT_NE(log.find("noise.wasm"), std::string::npos) << log;
  EXPECT_EQ(server.get("/broken").status, 503);
  EXPECT_EQ(server.get("/noise").status, 503);
  EXPECT_EQ(server.get("/hello").body, "Hello from wws");
  EXPECT_EQ(server.stop(), 0);
}

TEST(StartupErrors, BadTomlIsReportedWithPositionAndThatWorkerAnswers503) {
  Project project;
  project.worker("hello.wasm", "hello").worker("bad.wasm", "hello");
  project.file("bad.toml", "name = \"bad\"\nversion = \"1\"\n[vars\nMESSAGE = \"x\"\n");
  Server server(project);
  std::string log = server.log();
  EXPECT_NE(log.find("bad.toml"), std::string::npos) << log;
  // file:line:col (or an equivalent line/column wording) pointing at line 3.
  EXPECT_TRUE(std::regex_search(log, std::regex(R"(bad\.toml:3:\d+|line 3)"))) << log;
  Response bad = server.get("/bad");
  EXPECT_EQ(bad.status, 503);
  // The body names the file as the project knows it, never the server's folders.
  EXPECT_NE(bad.body.find("bad.toml:3"), std::string::npos) << bad.body;
  EXPECT_EQ(bad.body.find(project.root().string()), std::string::npos) << bad.body;
  EXPECT_EQ(server.get("/hello").status, 200);
}

TEST(Limits, LoopingWorkerTimesOutWith504WhileOthersKeepAnswering) {
  Project project;
  project.worker("loop.wasm", "loop").worker("hello.wasm", "hello");
  Server server(project, {"--timeout", "500"});

  std::atomic<bool> looping{true};
  std::atomic<int> served{0}, failed{0};
  std::thread other([&] {
    while (looping) {
      auto r = server.get("/hello");
      (r.status == 200 ? served : failed)++;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  Request loop;
  loop.target = "/loop";
  auto start = std::chrono::steady_clock::now();
  auto response = server.request(loop);
  auto took = std::chrono::steady_clock::now() - start;
  looping = false;
  other.join();

  EXPECT_EQ(response.status, 504) << response.error;
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_GE(took, std::chrono::milliseconds(400));
  EXPECT_GT(served.load(), 0) << "no other request was answered while the loop ran";
  EXPECT_EQ(failed.load(), 0);
  // And after it: the looping worker is stopped again, others still answer.
  EXPECT_EQ(server.get("/loop").status, 504);
  EXPECT_EQ(server.get("/hello").status, 200);
  EXPECT_EQ(server.stop(), 0);
}

// With one I/O thread, a looping worker must not hold up anything else: workers that proved
// quick run on the I/O thread, the loop (never proven quick) runs on the run pool, and so does a
// worker seen for the first time while the loop runs.
TEST(Limits, OneIoThreadKeepsServingWhileAWorkerLoops) {
  Project project;
  project.worker("loop.wasm", "loop").worker("hello.wasm", "hello").worker("fresh.wasm", "hello");
  Server server(project, {"--threads", "1", "--timeout", "2000"});
  for (int i = 0; i < 20; ++i) ASSERT_EQ(server.get("/hello").status, 200);

  std::atomic<bool> loop_done{false};
  Response loop_response;
  std::thread loop([&] {
    loop_response = server.get("/loop");
    loop_done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the loop is running now
  int answered_during_loop = 0;
  for (int i = 0; i < 5; ++i) {
    auto r = server.get(i % 2 ? "/fresh" : "/hello");
    EXPECT_EQ(r.status, 200) << r.error;
    if (!loop_done) ++answered_during_loop;
  }
  loop.join();
  EXPECT_EQ(loop_response.status, 504);
  EXPECT_EQ(answered_during_loop, 5) << "requests waited for the looping worker";
  EXPECT_EQ(server.stop(), 0);
}

TEST(Limits, TomlTimeoutOverridesTheDefault) {
  Project project;
  project.worker("loop.wasm", "loop")
      .file("loop.toml", "name = \"loop\"\nversion = \"1\"\n[limits]\ntimeout_ms = 300\n");
  Server server(project);  // default --timeout is 30 s
  auto response = server.get("/loop");
  EXPECT_EQ(response.status, 504);
  EXPECT_LT(response.seconds, 5.0);
}

TEST(Limits, MemoryHogIsStoppedAtTheLimit) {
  Project project;
  project.worker("memhog.wasm", "memhog").worker("memgrow.wasm", "memgrow").worker("hello.wasm", "hello");
  Server server(project, {"--memory-limit", "32"});
  auto hog = server.get("/memhog");
  if (hog.status == 200) {
    // The limit may also show up as malloc failing inside the worker: then it must be within it.
    unsigned mib = 0;
    ASSERT_EQ(sscanf(hog.body.c_str(), "allocated %u MiB", &mib), 1) << hog.body;
    EXPECT_LE(mib, 32u);
  } else {
    EXPECT_EQ(hog.status, 500);
  }
  auto grow = server.get("/memgrow");
  EXPECT_EQ(grow.status, 500);
  EXPECT_LT(grow.seconds, 5.0);
  EXPECT_EQ(server.get("/hello").status, 200);
}

TEST(Limits, TomlMemoryLimitApplies) {
  Project project;
  project.worker("memhog.wasm", "memhog")
      .file("memhog.toml", "name = \"memhog\"\nversion = \"1\"\n[limits]\nmemory_mb = 16\n");
  Server server(project);
  auto hog = server.get("/memhog");
  if (hog.status == 200) {
    unsigned mib = 0;
    ASSERT_EQ(sscanf(hog.body.c_str(), "allocated %u MiB", &mib), 1) << hog.body;
    EXPECT_LE(mib, 16u);
  } else {
    EXPECT_EQ(hog.status, 500);
  }
}

}  // namespace
}  // namespace e2e
