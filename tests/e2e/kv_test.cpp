// The K/V store: counters across requests, namespaces shared between workers, failed runs not
// committing, and concurrent writers of different keys losing nothing (the server applies diffs).
#include <gtest/gtest.h>

#include <thread>

#include "harness.h"
#include "json.h"

namespace e2e {
namespace {

std::string kv_toml(const std::string& name, const std::string& ns) {
  return "name = \"" + name + "\"\nversion = \"1\"\n[data.kv]\nnamespace = \"" + ns + "\"\n";
}

class Kv : public SharedServerTest<Kv> {
 public:
  static void build(Project& p) {
    p.worker("counter.wasm", "counter").file("counter.toml", kv_toml("counter", "counter"));
    p.worker("shared_a.wasm", "counter").file("shared_a.toml", kv_toml("a", "shared"));
    p.worker("shared_b.wasm", "counter").file("shared_b.toml", kv_toml("b", "shared"));
    p.worker("echo.wasm", "echo").file("echo.toml", kv_toml("echo", "shared"));
    p.worker("nokv.wasm", "counter");
    p.worker("failing.wasm", "counter").file("failing.toml", kv_toml("failing", "failing"));
    p.worker("hammer.wasm", "counter").file("hammer.toml", kv_toml("hammer", "hammer"));
  }
  static std::vector<std::string> args() { return {"--threads", "4"}; }
};

TEST_F(Kv, CounterIncrementsAcrossRequests) {
  EXPECT_EQ(server_->get("/counter").body, "counter=1");
  EXPECT_EQ(server_->get("/counter").body, "counter=2");
  EXPECT_EQ(server_->get("/counter").body, "counter=3");
  EXPECT_EQ(server_->get("/counter?peek=1").body, "counter=3");
}

TEST_F(Kv, WorkersSharingANamespaceSeeEachOthersWrites) {
  EXPECT_EQ(server_->get("/shared_a?key=n").body, "n=1");
  EXPECT_EQ(server_->get("/shared_b?key=n").body, "n=2");
  EXPECT_EQ(server_->get("/shared_a?key=n").body, "n=3");
  auto echo = server_->get("/echo");
  EXPECT_EQ(string_map(parse_json(echo.body), "kv")["n"], "3") << echo.body;
}

TEST_F(Kv, WorkerWithoutNamespaceGetsAnEmptyMapAndKeepsNothing) {
  EXPECT_EQ(server_->get("/nokv").body, "counter=1");
  EXPECT_EQ(server_->get("/nokv").body, "counter=1");
}

TEST_F(Kv, FailedRunsDoNotCommit) {
  EXPECT_EQ(server_->get("/failing?key=f").body, "f=1");
  auto status500 = server_->get("/failing?key=f&fail=500");
  EXPECT_EQ(status500.status, 500);
  EXPECT_EQ(server_->get("/failing?key=f&peek=1").body, "f=1") << "a 500 status must not commit";
  EXPECT_EQ(server_->get("/failing?key=f&fail=trap").status, 500);
  EXPECT_EQ(server_->get("/failing?key=f&peek=1").body, "f=1") << "a trap must not commit";
  EXPECT_EQ(server_->get("/failing?key=f&fail=exit").status, 500);
  EXPECT_EQ(server_->get("/failing?key=f&peek=1").body, "f=1") << "a non-zero exit must not commit";
  EXPECT_EQ(server_->get("/failing?key=f").body, "f=2");
}

TEST_F(Kv, ConcurrentIncrementsOfDifferentKeysLoseNothing) {
  constexpr int kThreads = 8, kPerThread = 25;
  std::vector<std::thread> threads;
  std::vector<int> errors(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = server_->get("/hammer?key=k" + std::to_string(t));
        if (r.status != 200) errors[t]++;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[t], 0) << "thread " << t;
    std::string key = "k" + std::to_string(t);
    EXPECT_EQ(server_->get("/hammer?key=" + key + "&peek=1").body, key + "=" + std::to_string(kPerThread));
  }
}

TEST(KvLifetime, StoreStartsEmptyOnEachRun) {
  Project project;
  project.worker("counter.wasm", "counter").file("counter.toml", kv_toml("counter", "c"));
  {
    Server first(project);
    EXPECT_EQ(first.get("/counter").body, "counter=1");
    EXPECT_EQ(first.stop(), 0);
  }
  Server second(project);
  EXPECT_EQ(second.get("/counter").body, "counter=1");
}

}  // namespace
}  // namespace e2e
