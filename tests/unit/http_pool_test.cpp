// The run pool under hostile load, through the real server: lanes take turns and are bounded
// (503 with Retry-After), a request whose client left is cancelled, and a stop drains.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "http_test_support.h"

namespace wws::http {
namespace {

size_t finished(RunningServer& s) {
  std::lock_guard lock(s.log.mu);
  return s.log.finished.size();
}

// One lane's backlog must not hold up another lane: lanes take turns for the pool's thread.
TEST(RunPoolLanes, LanesTakeTurnsForFreeThreads) {
  ServerOptions o;
  o.threads = 1;
  o.max_pool_threads = 1;
  RunningServer s(o, {std::make_shared<RunLane>(1, 100), std::make_shared<RunLane>(1, 100)});
  std::vector<std::unique_ptr<Client>> clients;
  auto send = [&](const std::string& query) {
    clients.push_back(std::make_unique<Client>(s.port()));
    clients.back()->send("GET /deferred-lane?" + query + " HTTP/1.1\r\nHost: x\r\n\r\n");
    // Arrival order: the pool has it before the next one is sent, and a0 is running (not just
    // queued: then lane 1 would be in the turns before lane 0's first run was taken).
    ASSERT_TRUE(eventually([&] {
      const ServerStats st = s.server().stats();
      const size_t done = finished(s);
      return st.pool_busy + done >= 1 && st.pool_busy + st.pool_queued + done == clients.size();
    }));
  };
  for (int i = 0; i < 4; ++i) send("0:a" + std::to_string(i));
  send("1:b");
  for (auto& c : clients) ASSERT_TRUE(c->read_response());
  std::lock_guard lock(s.log.mu);
  ASSERT_EQ(s.log.finished.size(), 5u);
  // a0 was running and a1 waiting when b arrived: b waits for one of lane 0's runs, not three.
  EXPECT_EQ(s.log.finished[0], "0:a0");
  EXPECT_EQ(s.log.finished[1], "0:a1");
  EXPECT_EQ(s.log.finished[2], "1:b");
}

// Issue 7 item 3a: the pool's queue was unbounded. A full lane answers 503 with Retry-After at
// once, and a lane never runs more than its limit even when threads are free.
TEST(RunPoolLanes, AFullLaneAnswers503WithRetryAfter) {
  ServerOptions o;
  o.threads = 1;
  o.max_pool_threads = 4;
  RunningServer s(o, {std::make_shared<RunLane>(1, 1)});
  Client running(s.port()), waiting(s.port()), refused(s.port());
  running.send("GET /deferred-lane?0:run HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(50ms);
  waiting.send("GET /deferred-lane?0:wait HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(50ms);
  refused.send("GET /deferred-lane?0:refused HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = refused.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->header("Retry-After"), "1");
  ASSERT_TRUE(running.read_response());
  ASSERT_TRUE(waiting.read_response());
  std::lock_guard lock(s.log.mu);
  EXPECT_EQ(s.log.finished, (std::vector<std::string>{"0:run", "0:wait"}));
  EXPECT_EQ(s.created.load(), 2) << "one I/O thread and one pool thread: the lane's limit is 1";
}

// Issue 7 item 3a: requests whose client has gone ran to their full time limit (100 abandoned
// requests to a looping worker made the others wait 37 s). Now a queued one is skipped and a
// running one is stopped (util::run_cancelled, which the watchdog acts on). Each step waits for
// the server to reach its state (a run started, four queued, their clients' leaving seen), so the
// order is the same however loaded the machine is.
TEST(RunPoolLanes, RequestsWhoseClientLeftAreCancelled) {
  ServerOptions o;
  o.threads = 1;
  o.max_pool_threads = 1;
  RunningServer s(o);
  auto runs_started = [&] {
    std::lock_guard lock(s.log.mu);
    return s.log.runs_started;
  };
  const std::string looping = "GET /deferred-until-cancelled HTTP/1.1\r\nHost: x\r\n\r\n";
  auto running = std::make_unique<Client>(s.port());  // takes the pool's thread for 10 s unless cancelled
  running->send(looping);
  ASSERT_TRUE(eventually([&] { return runs_started() == 1; }));
  std::vector<std::unique_ptr<Client>> waiting;
  for (int i = 0; i < 4; ++i) {
    waiting.push_back(std::make_unique<Client>(s.port()));
    waiting.back()->send(looping);
  }
  ASSERT_TRUE(eventually([&] { return s.server().stats().pool_queued == 4; }));
  waiting.clear();  // their clients leave while the runs wait ...
  ASSERT_TRUE(eventually([&] { return s.server().stats().abandoned == 4; }));
  running.reset();  // ... and the running one's client leaves
  Client other(s.port());
  other.send("GET /deferred HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = other.read_response();  // 5 s receive timeout: behind a 10 s run it gets nothing
  ASSERT_TRUE(r) << "the request waited behind abandoned runs";
  EXPECT_EQ(r->body, "answered on the pool");
  EXPECT_EQ(s.server().stats().abandoned, 5u);
  std::lock_guard lock(s.log.mu);
  EXPECT_EQ(s.log.runs_started, 1) << "runs whose client had left were started anyway";
  EXPECT_EQ(s.log.runs_cancelled, 1) << "a run whose client left went on";
}

// Issue 7 item 4: on stop, a kept-alive connection that sends its next request (already on its
// way) must get an answer with Connection: close, not a reset.
TEST(ServerStop, AnIdleConnectionsNextRequestIsStillAnswered) {
  RunningServer s;
  Client c(s.port());
  c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(c.read_response());
  std::jthread stopper([&] { s.server().stop(); });  // joined even when an ASSERT returns early
  // The stop has begun (a fixed sleep did not always get there under load); the request is "in flight".
  ASSERT_TRUE(eventually([&] { return s.server().stats().stopping; }));
  c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r) << "the connection was closed with the request unread";
  EXPECT_EQ(r->body, "Hello");
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.closed_by_peer());
  stopper.join();
}

// Issue 7 item 4: a request still running when the grace ends gets its answer (here the 504 of
// a stopped run), not a cut connection.
TEST(ServerStop, ARunPastTheGraceIsStoppedAndAnswered) {
  ServerOptions o;
  o.threads = 1;
  o.max_pool_threads = 1;
  o.shutdown_grace = std::chrono::seconds(1);
  RunningServer s(o);
  Client c(s.port());
  c.send("GET /deferred-until-cancelled HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(eventually([&] {  // the run has begun, so the stop finds it running
    std::lock_guard lock(s.log.mu);
    return s.log.runs_started == 1;
  }));
  s.server().stop();
  auto r = c.read_response();
  ASSERT_TRUE(r) << "the connection was cut at the end of the grace";
  EXPECT_EQ(r->status, 504);
  EXPECT_EQ(r->header("Connection"), "close");
  for (int i = 0; i < 50 && !s.finished; ++i) std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(s.finished);
}

}  // namespace
}  // namespace wws::http
