// `wws kv get|set|delete|list|export|import` on the backend a server uses: what the CLI writes,
// the workers read, and the other way round; on SQLite (a file the server shares) and Redis.
#include <gtest/gtest.h>

#include <fstream>

#include "../support/redis_server.h"
#include "harness.h"
#include "kv_support.h"

namespace e2e {
namespace {

using wws::test::RedisServer;

class KvCli : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    project_.worker("atomic.wasm", "kv_atomic").file("atomic.toml", kv_toml("atomic", "ns"));
    if (GetParam() == "redis") {
      redis_ = std::make_unique<RedisServer>();
      ASSERT_TRUE(redis_->running()) << redis_->log();
      backend_ = {"--kv", redis_->url(2)};
    }
  }
  RunResult kv(std::vector<std::string> args) {
    std::vector<std::string> all = {project_.root().string(), "kv"};
    all.insert(all.end(), args.begin(), args.end());
    all.insert(all.end(), backend_.begin(), backend_.end());
    return run_wws(all);
  }

  Project project_;
  std::unique_ptr<RedisServer> redis_;
  std::vector<std::string> backend_;
};

TEST_P(KvCli, EveryActionOnTheServersData) {
  // Reading a store nobody wrote creates nothing.
  auto absent = kv({"get", "ns", "k"});
  EXPECT_EQ(absent.exit_code, 3) << absent.err;
  EXPECT_EQ(kv({"export", "ns"}).out, "{}\n");
  if (GetParam() == "sqlite") EXPECT_FALSE(fs::exists(project_.path(".wws")));

  ASSERT_EQ(kv({"set", "ns", "greeting", "hello world"}).exit_code, 0);
  ASSERT_EQ(kv({"set", "ns", "n", "41"}).exit_code, 0);
  {
    Server server(project_, backend_);
    EXPECT_EQ(server.get("/atomic?op=get&key=greeting").body, "hello world");
    EXPECT_EQ(server.get("/atomic?op=incr&key=n").body, "n=42");
    EXPECT_EQ(server.get("/atomic?op=set&key=user:1&value=ada").status, 200);
    EXPECT_EQ(server.get("/atomic?op=set&key=user:2&value=bob").status, 200);
    // While the server runs (SQLite: two processes on one file).
    EXPECT_EQ(kv({"get", "ns", "n"}).out, "42");
    ASSERT_EQ(kv({"delete", "ns", "greeting"}).exit_code, 0);
    EXPECT_EQ(server.get("/atomic?op=get&key=greeting").body, "(none)");
  }
  ASSERT_EQ(kv({"set", "ns", "user:3", "\xc3\xa9"}).exit_code, 0);
  EXPECT_EQ(kv({"list", "ns"}).out, "n\nuser:1\nuser:2\nuser:3\n");
  EXPECT_EQ(kv({"list", "ns", "--prefix", "user:", "--limit", "2"}).out, "user:1\nuser:2\n");
  EXPECT_EQ(kv({"list", "ns", "--limit", "1"}).out, "n\n");
  EXPECT_EQ(kv({"list"}).out, "ns\n");

  auto exported = kv({"export", "ns"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(exported.out,
            "{\n  \"n\": \"42\",\n  \"user:1\": \"ada\",\n  \"user:2\": \"bob\",\n  \"user:3\": \"\xc3\xa9\"\n}\n");

  // Import into another namespace, then replace it with a smaller file.
  fs::path file = project_.path("dump.json");
  std::ofstream(file) << exported.out;
  ASSERT_EQ(kv({"import", "copy", file.string()}).exit_code, 0);
  EXPECT_EQ(kv({"export", "copy"}).out, exported.out);
  std::ofstream(file) << R"({"only": "this", "bin": {"base64": "AP8="}})";
  ASSERT_EQ(kv({"import", "copy", file.string(), "--replace"}).exit_code, 0);
  EXPECT_EQ(kv({"list", "copy"}).out, "bin\nonly\n");
  EXPECT_EQ(kv({"export", "copy"}).out, "{\n  \"bin\": {\"base64\":\"AP8=\"},\n  \"only\": \"this\"\n}\n");

  std::ofstream(file) << "[1, 2]";
  auto bad = kv({"import", "copy", file.string()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("dump.json"), std::string::npos) << bad.err;
  EXPECT_EQ(kv({"list", "copy"}).out, "bin\nonly\n");  // nothing changed
}

INSTANTIATE_TEST_SUITE_P(Backends, KvCli, ::testing::Values("sqlite", "redis"),
                         [](const auto& info) { return info.param; });

TEST(KvCliErrors, AnUnreachableBackendIsAnError) {
  Project project;
  auto r = run_wws({project.root().string(), "kv", "set", "ns", "k", "v", "--kv",
                    "redis://127.0.0.1:" + std::to_string(RedisServer::free_port())});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot connect"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace e2e
