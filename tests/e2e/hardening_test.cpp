// Hostile patterns against the real binary that the server must absorb without starving
// anyone (issue 7): workers that turn slow after proving quick, and clients that leave.
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace e2e {
namespace {

constexpr char kFlipJs[] = R"(export default {
  async fetch(request) {
    const q = new URL(request.url).searchParams;
    if (q.has("loop")) while (true) {}
    if (q.has("sleep")) await new Promise((r) => setTimeout(r, Number(q.get("sleep"))));
    return new Response("quick");
  }
};
)";

// Issue 7 item 3b: after 16 quick answers a worker ran on the I/O thread, so its next slow run
// held every other connection of that thread for its whole time limit. Now an I/O thread's run
// is stopped after a few ms (or as soon as it waits) and redone on the run pool.
void quick_worker_turning_slow(const std::string& route, Project& project) {
  Server server(project, {"--threads", "1"});
  for (int i = 0; i < 40; ++i) ASSERT_EQ(server.get(route).body, "quick") << server.log();  // proven quick
  for (const std::string slow : {"?loop", "?sleep=3500"}) {
    auto held = std::async(std::launch::async, [&] {
      Request r;
      r.target = route + slow;
      return server.request(r);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    for (int i = 0; i < 5; ++i) {
      Request probe;
      probe.target = route;
      probe.timeout_ms = 2000;  // the slow run lasts 3.5-4 s: had it held the I/O thread, this fails
      Response r = server.request(probe);
      EXPECT_EQ(r.status, 200) << route << slow << ": " << r.error;
    }
    Response slow_answer = held.get();
    EXPECT_EQ(slow_answer.status, slow == "?loop" ? 504 : 200) << route << slow;
    for (int i = 0; i < 40; ++i) server.get(route);  // quick again
  }
}

TEST(Starvation, QuickJsWorkerTurningSlowNeverHoldsItsIoThread) {
  Project project;
  project.file("flip.js", kFlipJs).file("flip.toml", "[limits]\ntimeout_ms = 4000\n");
  quick_worker_turning_slow("/flip", project);
}

TEST(Starvation, QuickWasmWorkerTurningSlowNeverHoldsItsIoThread) {
  Project project;
  project.worker("flip.wasm", "flip").file("flip.toml", "[limits]\ntimeout_ms = 4000\n");
  quick_worker_turning_slow("/flip", project);
}

// An I/O thread's run may be stopped and redone on the run pool; a K/V increment commits at
// once, so the stopped run must not have made it (it did: a slow run counted twice).
TEST(Starvation, RedoneRunCommitsItsAtomicKvChangeOnce) {
  Project project;
  project
      .file("count.js", R"(export default {
  fetch(request) {
    const n = Cache.increment("n");
    if (new URL(request.url).searchParams.has("slow")) {
      const until = Date.now() + 40;
      while (Date.now() < until) {}
    }
    return new Response(String(n));
  }
};
)")
      .file("count.toml", "[data.kv]\nnamespace = \"count\"\n");
  Server server(project, {"--threads", "1", "--kv", "memory"});  // memory: may run on an I/O thread
  for (int i = 1; i <= 40; ++i) ASSERT_EQ(server.get("/count").body, std::to_string(i)) << server.log();
  EXPECT_EQ(server.get("/count?slow").body, "41");
  EXPECT_EQ(server.get("/count").body, "42");
}

// Issue 7 item 5: a worker's answer that HTTP cannot carry, or no client would take, is a failed
// run (500 saying why in the log), not a head of any size on the wire.
TEST(Oversized, ResponseHeadersAreBoundedInCountAndSize) {
  Project project;
  project.file("many.js", R"(export default {
  fetch(request) {
    const q = new URL(request.url).searchParams;
    const h = new Headers();
    for (let i = 0; i < Number(q.get("n") ?? 0); i++) h.set("x-h" + i, "v");
    if (q.has("big")) h.set("x-big", "b".repeat(Number(q.get("big"))));
    return new Response("ok", { headers: h });
  }
};
)");
  Server server(project);
  EXPECT_EQ(server.get("/many?n=200").status, 200);
  EXPECT_EQ(server.get("/many?big=60000").status, 200);
  Response many = server.get("/many?n=300");
  EXPECT_EQ(many.status, 500);
  EXPECT_EQ(server.get("/many?big=70000").status, 500);
  EXPECT_TRUE(server.wait_for("at most 256 are sent", std::chrono::seconds(3))) << server.log();
  EXPECT_EQ(server.get("/many?n=1").status, 200);
}

}  // namespace
}  // namespace e2e
