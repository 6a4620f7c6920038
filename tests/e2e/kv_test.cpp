// The K/V store end to end: counters across requests and restarts, namespaces shared between
// workers, failed runs not committing, the host functions and the snapshot protocol's "kv_ops",
// JS Cache, quotas, conflicts, durability after SIGKILL, and several processes on one file.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <thread>

#include "harness.h"
#include "json.h"
#include "kv_support.h"

namespace e2e {
namespace {

class Kv : public SharedServerTest<Kv> {
 public:
  static void build(Project& p) {
    p.worker("counter.wasm", "counter").file("counter.toml", kv_toml("counter", "counter"));
    p.worker("snap.wasm", "counter_snapshot").file("snap.toml", kv_toml("snap", "counter"));
    p.worker("shared_a.wasm", "counter").file("shared_a.toml", kv_toml("a", "shared"));
    p.worker("shared_b.wasm", "counter_snapshot").file("shared_b.toml", kv_toml("b", "shared"));
    p.worker("echo.wasm", "echo").file("echo.toml", kv_toml("echo", "shared"));
    p.worker("nokv.wasm", "counter");
    p.worker("nokv_snap.wasm", "counter_snapshot");
    p.worker("failing.wasm", "counter").file("failing.toml", kv_toml("failing", "failing"));
    p.worker("failing_snap.wasm", "counter_snapshot").file("failing_snap.toml", kv_toml("failing", "failing"));
    p.worker("atomic.wasm", "kv_atomic").file("atomic.toml", kv_toml("atomic", "atomic"));
    p.worker("atomic_snap.wasm", "kv_atomic_snapshot").file("atomic_snap.toml", kv_toml("atomic", "atomic"));
    p.worker("quota.wasm", "kv_atomic")
        .file("quota.toml",
              kv_toml("quota", "quota") + "max_keys = 5\nmax_value_bytes = 100\nmax_namespace_bytes = 1000\n");
    p.worker("quota_snap.wasm", "kv_atomic_snapshot")
        .file("quota_snap.toml", kv_toml("quota", "quota") + "max_keys = 5\nmax_value_bytes = 100\n");
    p.file("cache.js", kJsCacheWorker).file("cache.toml", kv_toml("cache", "atomic"));
  }
  static std::vector<std::string> args() { return {"--threads", "2"}; }
};

TEST_F(Kv, CounterIncrementsAcrossRequestsOnBothProtocols) {
  EXPECT_EQ(server_->get("/counter").body, "counter=1");  // host functions
  EXPECT_EQ(server_->get("/snap").body, "counter=2");     // snapshot protocol, same namespace
  EXPECT_EQ(server_->get("/counter").body, "counter=3");
  EXPECT_EQ(server_->get("/snap?peek=1").body, "counter=3");
}

TEST_F(Kv, WorkersSharingANamespaceSeeEachOthersWrites) {
  EXPECT_EQ(server_->get("/shared_a?key=n").body, "n=1");
  EXPECT_EQ(server_->get("/shared_b?key=n").body, "n=2");
  EXPECT_EQ(server_->get("/shared_a?key=n").body, "n=3");
  auto echo = server_->get("/echo");
  EXPECT_EQ(string_map(parse_json(echo.body), "kv")["n"], "3") << echo.body;
}

TEST_F(Kv, AWorkerUsingTheHostFunctionsIsNotSentTheNamespace) {
  ASSERT_EQ(server_->get("/shared_a?key=m").status, 200);
  // echo (snapshot) sees the namespace on stdin; kv_atomic's list shows what the host functions see.
  EXPECT_NE(string_map(parse_json(server_->get("/echo").body), "kv").count("m"), 0u);
  EXPECT_EQ(server_->get("/atomic?op=set&key=only-by-key&value=1").body, "ok");
  EXPECT_EQ(server_->get("/atomic?op=get&key=only-by-key").body, "1");
}

TEST_F(Kv, WorkerWithoutNamespaceGetsAnEmptyMapAndKeepsNothing) {
  EXPECT_EQ(server_->get("/nokv").body, "counter=1");
  EXPECT_EQ(server_->get("/nokv").body, "counter=1");
  EXPECT_EQ(server_->get("/nokv_snap").body, "counter=1");
  EXPECT_EQ(server_->get("/nokv_snap").body, "counter=1");
}

TEST_F(Kv, FailedRunsDoNotCommit) {
  for (const char* worker : {"/failing", "/failing_snap"}) {
    std::string key = std::string("f") + (worker + 1);
    EXPECT_EQ(server_->get(std::string(worker) + "?key=" + key).body, key + "=1");
    for (const char* how : {"500", "trap", "exit", "150", "700"}) {
      EXPECT_EQ(server_->get(std::string(worker) + "?key=" + key + "&fail=" + how).status, 500) << worker << how;
      EXPECT_EQ(server_->get(std::string(worker) + "?key=" + key + "&peek=1").body, key + "=1")
          << worker << ": a failed run (" << how << ") must not commit";
    }
    EXPECT_EQ(server_->get(std::string(worker) + "?key=" + key).body, key + "=2");
  }
}

TEST_F(Kv, HostFunctionsEveryCall) {
  EXPECT_EQ(server_->get("/atomic?op=get&key=h").body, "(none)");
  EXPECT_EQ(server_->get("/atomic?op=incr&key=h&by=5").body, "h=5");
  EXPECT_EQ(server_->get("/atomic?op=incr&key=h&by=-7").body, "h=-2");
  EXPECT_EQ(server_->get("/atomic?op=cas&key=h&expect=-2&value=x").body, "swapped=1");
  EXPECT_EQ(server_->get("/atomic?op=cas&key=h&expect=-2&value=y").body, "swapped=0");
  EXPECT_EQ(server_->get("/atomic?op=incr&key=h").status, 422);  // "x" is not a number
  EXPECT_EQ(server_->get("/atomic?op=incr&key=h").body, "error: not a number");
  EXPECT_EQ(server_->get("/atomic?op=cas&key=h&expect=x").body, "swapped=1");  // no value: delete
  EXPECT_EQ(server_->get("/atomic?op=get&key=h").body, "(none)");
  EXPECT_EQ(server_->get("/atomic?op=cas&key=h&value=new").body, "swapped=1");  // no expect: must be absent
  EXPECT_EQ(server_->get("/atomic?op=expire&key=h&ttl=150").body, "1");
  EXPECT_EQ(server_->get("/atomic?op=expire&key=nothing&ttl=150").body, "0");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(server_->get("/atomic?op=get&key=h").body, "(none)");
  EXPECT_EQ(server_->get("/atomic?op=set&key=t&value=v&ttl=150").body, "ok");
  EXPECT_EQ(server_->get("/atomic?op=get&key=t").body, "v");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(server_->get("/atomic?op=get&key=t").body, "(none)");
  for (const char* k : {"p:b", "p:a", "p:c", "q:a"}) server_->get(std::string("/atomic?op=set&value=1&key=") + k);
  EXPECT_EQ(server_->get("/atomic?op=list&prefix=p:").body, "p:a,p:b,p:c");
  EXPECT_EQ(server_->get("/atomic?op=list&prefix=p:&after=p:a&limit=1").body, "p:b");
  // A big value comes back through take().
  std::string big(5000, 'z');
  EXPECT_EQ(server_->get("/atomic?op=set&key=big&value=" + big).body, "ok");
  EXPECT_EQ(server_->get("/atomic?op=get&key=big").body, big);
}

TEST_F(Kv, SnapshotProtocolKvOps) {
  EXPECT_EQ(server_->get("/atomic_snap?op=incr&key=s&by=3").body, "s=3");
  EXPECT_EQ(server_->get("/atomic_snap?op=incr&key=s&by=3").body, "s=6");
  EXPECT_EQ(server_->get("/atomic?op=get&key=s").body, "6");
  EXPECT_EQ(server_->get("/atomic_snap?op=cas&key=s&expect=6&value=seven").body, "swapped=1");
  EXPECT_EQ(server_->get("/atomic?op=get&key=s").body, "seven");
  EXPECT_EQ(server_->get("/atomic_snap?op=expire&key=s&ttl=150").body, "1");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(server_->get("/atomic?op=get&key=s").body, "(none)");
  EXPECT_EQ(server_->get("/atomic_snap?op=incr&key=s&fail=500").status, 500);
  EXPECT_EQ(server_->get("/atomic?op=get&key=s").body, "(none)") << "a failed run's kv_ops must not apply";
}

TEST_F(Kv, JsCacheAtomicOperations) {
  EXPECT_EQ(server_->get("/cache?op=incr&key=j").body, "1");
  EXPECT_EQ(server_->get("/cache?op=incr&key=j&by=9").body, "10");
  EXPECT_EQ(server_->get("/atomic?op=get&key=j").body, "10");
  EXPECT_EQ(server_->get("/cache?op=cas&key=j&expect=10&value=11").body, "true");
  EXPECT_EQ(server_->get("/cache?op=cas&key=j&expect=10&value=12").body, "false");
  EXPECT_EQ(server_->get("/cache?op=get&key=j").body, "11");
}

TEST_F(Kv, QuotasGiveClearErrors) {
  EXPECT_EQ(server_->get("/quota?op=fill&prefix=a&count=5&size=10").body, "ok");
  auto over = server_->get("/quota?op=set&key=sixth&value=x");
  EXPECT_EQ(over.status, 507) << over.body;
  EXPECT_NE(over.body.find("max_keys = 5"), std::string::npos) << over.body;
  EXPECT_TRUE(server_->wait_for("quota exceeded", std::chrono::seconds(5))) << server_->log();
  auto big = server_->get("/quota?op=set&key=a0&value=" + std::string(101, 'x'));
  EXPECT_EQ(big.status, 422) << big.body;  // the kit reports WWS_KV_QUOTA at once
  EXPECT_EQ(big.body, "error: K/V quota exceeded");
  EXPECT_EQ(server_->get("/quota?op=set&key=a0&value=" + std::string(100, 'x')).body, "ok");  // replacing is fine
  auto snap = server_->get("/quota_snap?op=set&key=sixth&value=x");
  EXPECT_EQ(snap.status, 507) << snap.body;
  EXPECT_EQ(server_->get("/quota?op=list&prefix=").body, "a0,a1,a2,a3,a4") << "nothing of a refused run is written";
}

TEST_F(Kv, CompareAndSwapConflictInTheSnapshotProtocolAnswers409) {
  // kv_atomic_snapshot checks the expected value against its snapshot, then the server checks
  // it again at commit. The runs race; whatever the interleaving, exactly one may win a key.
  constexpr int kClients = 8;
  std::atomic<int> won{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c)
    threads.emplace_back([&, c] {
      auto r = server_->get("/atomic_snap?op=cas&key=leader&value=c" + std::to_string(c));
      if (r.status == 200 && r.body == "swapped=1") won++;
      else if (r.status == 409 || r.body == "swapped=0") conflicts++;
      else other++;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(conflicts.load(), kClients - 1);
  EXPECT_EQ(other.load(), 0);
}

TEST_F(Kv, SixteenClientsIncrementingOneKeyLoseNothing) {
  // 10,000 in all through the host functions; through "kv_ops" and JS Cache fewer, same rule.
  EXPECT_EQ(hammer(*server_, "/atomic?op=incr&key=hits", 16, 10'000), 0);
  EXPECT_EQ(server_->get("/atomic?op=get&key=hits").body, "10000");
  EXPECT_EQ(hammer(*server_, "/atomic_snap?op=incr&key=snap-hits", 16, 800), 0);
  EXPECT_EQ(server_->get("/atomic?op=get&key=snap-hits").body, "800");
  EXPECT_EQ(hammer(*server_, "/cache?op=incr&key=js-hits", 16, 800), 0);
  EXPECT_EQ(server_->get("/atomic?op=get&key=js-hits").body, "800");
}

TEST_F(Kv, ConcurrentWritersOfDifferentKeysLoseNothing) {
  constexpr int kThreads = 8, kPerThread = 25;
  std::vector<std::thread> threads;
  std::vector<int> errors(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const char* worker = t % 2 ? "/counter" : "/snap";
      for (int i = 0; i < kPerThread; ++i)
        if (server_->get(std::string(worker) + "?key=k" + std::to_string(t)).status != 200) errors[t]++;
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[t], 0) << "thread " << t;
    std::string key = "k" + std::to_string(t);
    EXPECT_EQ(server_->get("/counter?key=" + key + "&peek=1").body, key + "=" + std::to_string(kPerThread));
  }
}

TEST(KvLifetime, MemoryStartsEmptyOnEachRunSqliteKeepsEverything) {
  Project project;
  project.worker("counter.wasm", "counter").file("counter.toml", kv_toml("counter", "c"));
  for (int run = 0; run < 2; ++run) {
    Server server(project, {"--kv", "memory"});
    EXPECT_EQ(server.get("/counter").body, "counter=1");
    EXPECT_EQ(server.stop(), 0);
  }
  EXPECT_FALSE(fs::exists(project.path(".wws"))) << "--kv memory must not create the state folder";
  for (int run = 1; run <= 2; ++run) {
    Server server(project);
    EXPECT_EQ(server.get("/counter").body, "counter=" + std::to_string(run));
    EXPECT_EQ(server.stop(), 0);
  }
  EXPECT_TRUE(fs::exists(project.path(".wws/kv.sqlite3")));
}

TEST(KvLifetime, KvPathPicksTheFileAndAProjectWithoutKvCreatesNothing) {
  Project project;
  project.worker("hello.wasm", "hello");
  {
    Server server(project);
    EXPECT_EQ(server.get("/hello").status, 200);
  }
  EXPECT_FALSE(fs::exists(project.path(".wws")));
  Project other;
  other.worker("counter.wasm", "counter").file("counter.toml", kv_toml("counter", "c"));
  fs::path file = other.path("elsewhere/state.db");
  Server server(other, {"--kv-path", file.string(), "--kv-sync", "full"});
  EXPECT_EQ(server.get("/counter").body, "counter=1");
  EXPECT_TRUE(fs::exists(file));
  EXPECT_FALSE(fs::exists(other.path(".wws")));
}

TEST(KvLifetime, AnUnusableDatabaseStopsStartUpWithTheFileNamed) {
  Project project;
  project.worker("counter.wasm", "counter").file("counter.toml", kv_toml("counter", "c"));
  project.file(".wws/kv.sqlite3", "this is not a database, it is text that is long enough to be read");
  auto result = run_wws({project.root().string(), "--port", "0"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("kv.sqlite3"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("--kv memory"), std::string::npos) << result.err;
  auto bad = run_wws({project.root().string(), "--kv", "postgres://x"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE((bad.out + bad.err).find("unknown K/V backend"), std::string::npos) << bad.err;
}

// Every answered write survives a SIGKILL of the server (SQLite's default durability setting).
TEST(KvLifetime, AnsweredWritesSurviveSigkill) {
  Project project;
  project.worker("atomic.wasm", "kv_atomic").file("atomic.toml", kv_toml("atomic", "a"));
  std::atomic<int> answered{0};
  {
    Server server(project);
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t)
      writers.emplace_back([&, t] {
        for (int i = 0; !stop; ++i) {
          auto r = server.get("/atomic?op=incr&key=n");
          if (r.status == 200) answered++;
          if (i == 0 && t == 0) server.get("/atomic?op=set&key=s&value=" + std::to_string(i));
        }
      });
    while (answered < 300) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    kill(server.pid(), SIGKILL);
    stop = true;
    for (auto& w : writers) w.join();
    EXPECT_EQ(server.stop(), 128 + SIGKILL);
  }
  Server again(project);
  auto n = std::stoll(again.get("/atomic?op=get&key=n").body);
  // Every answered increment is there; at most the requests in flight at the kill (4 writers)
  // may have committed without their answer arriving.
  EXPECT_GE(n, answered.load());
  EXPECT_LE(n, answered.load() + 4);
}

// Two wws processes on one SQLite file share the data and lose no increment.
TEST(KvLifetime, TwoProcessesShareOneDatabase) {
  Project project;
  project.worker("atomic.wasm", "kv_atomic").file("atomic.toml", kv_toml("atomic", "a"));
  project.worker("snap.wasm", "kv_atomic_snapshot").file("snap.toml", kv_toml("atomic", "a"));
  Server one(project), two(project);
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      const Server& s = t % 2 ? one : two;
      for (int i = 0; i < 100; ++i)
        if (s.get(t % 4 < 2 ? "/atomic?op=incr&key=n" : "/snap?op=incr&key=n").status != 200) errors++;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(one.get("/atomic?op=get&key=n").body, "800");
  EXPECT_EQ(two.get("/snap?op=get&key=n").body, "800");
}

// A worker whose K/V backend may block never runs on an I/O thread: with one I/O thread, a K/V
// request stuck behind another process's write lock does not hold up other requests.
TEST(KvLifetime, ABlockedStoreNeverHoldsUpAnIoThread) {
  Project project;
  project.worker("atomic.wasm", "kv_atomic").file("atomic.toml", kv_toml("atomic", "a"));
  project.worker("hello.wasm", "hello");
  Server server(project, {"--threads", "1"});
  for (int i = 0; i < 40; ++i) {  // both workers are proven quick: hello now runs inline
    ASSERT_EQ(server.get("/atomic?op=incr&key=n").status, 200);
    ASSERT_EQ(server.get("/hello").status, 200);
  }
  SqliteLock lock(project.path(".wws/kv.sqlite3"));
  ASSERT_TRUE(lock.held()) << lock.error();
  std::thread blocked([&] { EXPECT_EQ(server.get("/atomic?op=incr&key=n").body, "n=41"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto hello = server.get("/hello");
  EXPECT_EQ(hello.status, 200);
  EXPECT_LT(hello.seconds, 1.0);
  lock.release();
  blocked.join();
}

}  // namespace
}  // namespace e2e
