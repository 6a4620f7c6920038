// Pre-initialised Go workers (preinit/go) over HTTP: a Go worker built from tests/e2e/go starts
// every request from the snapshot taken at its first read of stdin: package initialisation ran
// once (its `boot` value is the same on every request), the request's own state does not leak
// (`count` stays 1), [vars] reach it, the snapshot is redone when its TOML changes and reused
// after a restart (from the cache). Workers
// opted out or that cannot be captured are served as they are.
#include <csignal>
#include <regex>
#include <thread>

#include <gtest/gtest.h>

#include "harness.h"

namespace e2e {
namespace {

std::string boot_of(const std::string& body) {
  std::smatch m;
  return std::regex_search(body, m, std::regex("boot=([0-9-]+)")) ? std::string(m[1]) : "";
}

class Preinit : public SharedServerTest<Preinit> {
 public:
  static void build(Project& p) {
    p.worker("go.wasm", "go/preinit").file("go.toml", "[vars]\nMESSAGE = \"from vars\"\n");
    p.worker("plain.wasm", "go/preinit").file("plain.toml", "[vars]\nMESSAGE = \"plain\"\n[wasm]\npreinit = false\n");
    p.worker("silent.wasm", "go/no-stdin");
  }
  static std::vector<std::string> args() { return {}; }
};

TEST_F(Preinit, GoWorkerStartsEveryRequestFromItsSnapshot) {
  Response first = server_->get("/go?first");
  ASSERT_EQ(first.status, 200) << first.body << server_->log();
  const std::string boot = boot_of(first.body);
  ASSERT_FALSE(boot.empty()) << first.body;
  EXPECT_EQ(first.body, "boot=" + boot + " count=1 message=from vars uri=/go?first");
  for (const char* uri : {"/go?second", "/go?third", "/go?fourth"})
    EXPECT_EQ(server_->get(uri).body, "boot=" + boot + " count=1 message=from vars uri=" + uri);
  EXPECT_NE(server_->log().find("go.wasm: Go worker pre-initialised"), std::string::npos) << server_->log();
}

TEST_F(Preinit, OptedOutWorkerInitialisesOnEveryRequest) {
  Response a = server_->get("/plain"), b = server_->get("/plain");
  ASSERT_EQ(a.status, 200) << a.body << server_->log();
  EXPECT_NE(boot_of(a.body), boot_of(b.body)) << a.body << " / " << b.body;
  EXPECT_NE(a.body.find("count=1 message=plain"), std::string::npos) << a.body;
  EXPECT_EQ(server_->log().find("plain.wasm: Go worker pre-initialised"), std::string::npos) << server_->log();
}

TEST_F(Preinit, WorkerThatCannotBeCapturedIsServedAsItIs) {
  Response r = server_->get("/silent");
  EXPECT_EQ(r.status, 200) << server_->log();
  EXPECT_EQ(r.body, "answered without reading stdin");
  const std::string log = server_->log();
  EXPECT_NE(log.find("silent.wasm: not pre-initialised"), std::string::npos) << log;
  EXPECT_NE(log.find("before its first read of stdin"), std::string::npos) << log;
}

TEST(PreinitSettings, WwsPreinitZeroTurnsItOff) {
  Project p;
  p.worker("go.wasm", "go/preinit");
  Server server(p, {}, {"WWS_PREINIT=0"});
  Response a = server.get("/go"), b = server.get("/go");
  ASSERT_EQ(a.status, 200) << a.body << server.log();
  EXPECT_NE(boot_of(a.body), boot_of(b.body)) << a.body << " / " << b.body;
  EXPECT_EQ(server.log().find("pre-initialised"), std::string::npos) << server.log();
}

TEST(PreinitSettings, ReloadRedoesTheSnapshotWithTheNewVars) {
  Project p;
  p.worker("go.wasm", "go/preinit").file("go.toml", "[vars]\nMESSAGE = \"before\"\n");
  Server server(p);
  Response before = server.get("/go");
  ASSERT_EQ(before.status, 200) << before.body << server.log();
  ASSERT_NE(before.body.find("message=before"), std::string::npos) << before.body;
  p.file("go.toml", "[vars]\nMESSAGE = \"after\"\n");
  ::kill(server.pid(), SIGHUP);
  Response after;
  for (int i = 0; i < 600; ++i) {
    after = server.get("/go");
    if (after.body.find("message=after") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_NE(after.body.find("count=1 message=after"), std::string::npos) << after.body << server.log();
  EXPECT_NE(boot_of(after.body), boot_of(before.body)) << "a new snapshot, initialised again";
  EXPECT_EQ(server.get("/go").body, after.body);
}

TEST(PreinitSettings, RestartReusesTheCachedSnapshot) {
  Project cache;  // a private cache folder, so the first start captures
  Project p;
  p.worker("go.wasm", "go/preinit");
  const std::vector<std::string> env = {"XDG_CACHE_HOME=" + cache.root().string()};
  std::string first;
  {
    Server server(p, {}, env);
    first = server.get("/go").body;
    ASSERT_FALSE(boot_of(first).empty()) << first << server.log();
    EXPECT_NE(server.log().find("first read of stdin in"), std::string::npos) << server.log();  // captured now
  }
  Server again(p, {}, env);
  EXPECT_EQ(again.get("/go").body, first);
  EXPECT_NE(again.log().find("(snapshot " + cache.root().string() + "/wws/preinit/"), std::string::npos) << again.log();
}

}  // namespace
}  // namespace e2e
