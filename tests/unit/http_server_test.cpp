// The server over real sockets: a Server on port 0 runs in a thread; plain blocking sockets talk
// to it byte by byte, so framing (keep-alive, pipelining, HEAD, 100-continue) is checked exactly.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "http_test_support.h"

namespace wws::http {
namespace {

TEST(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  RunningServer s;
  Client c(s.port());
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 3; ++i) {
    c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    ASSERT_TRUE(r) << "request " << i;
    EXPECT_EQ(r->status_line, "HTTP/1.1 200 OK");
    EXPECT_EQ(r->body, "Hello");
    EXPECT_EQ(r->header("Content-Length"), "5");
    EXPECT_EQ(r->header("Content-Type"), "text/plain");
    EXPECT_EQ(r->header("Date").size(), 29u);
    EXPECT_EQ(r->count("Connection"), 0u);
  }
}

TEST(HttpServer, PipelinedRequestsAnswerInOrder) {
  RunningServer s;
  Client c(s.port());
  c.send(
      "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /echo?x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nUser-Agent: t\r\n\r\nbody"
      "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto a = c.read_response(), b = c.read_response(), d = c.read_response();
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->body, "Hello");
  EXPECT_EQ(b->body, "body");
  EXPECT_EQ(b->header("X-Method"), "POST");
  EXPECT_EQ(b->header("X-Query"), "x=1");
  EXPECT_EQ(b->header("X-Agent"), "t");
  EXPECT_EQ(d->body, "Hello");
}

TEST(HttpServer, HeadHasLengthButNoBody) {
  RunningServer s;
  Client c(s.port());
  c.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.read_response(true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Content-Length"), "5");
  // No body bytes were sent: the next thing on the wire is the next response.
  c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.read_exact(15), "HTTP/1.1 200 OK");
}

TEST(HttpServer, ChunkedRequestBody) {
  RunningServer s;
  Client c(s.port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "abcde");
}

TEST(HttpServer, TooLargeBodyGets413AndClose) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  RunningServer s(o);
  Client c(s.port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(2000, 'x'));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status_line, "HTTP/1.1 413 Payload Too Large");
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.closed_by_peer());

  // A chunked body is limited as it arrives.
  Client chunked(s.port());
  chunked.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" + std::string(2048, 'y') +
               "\r\n0\r\n\r\n");
  auto rc = chunked.read_response();
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->status, 413);
}

// The client of a refused body is still uploading when the 413 goes out. Closing under it would
// reset the connection and the client would see a send error instead of the answer, so the server
// reads (and drops) the rest. A paced upload makes sure the server has drained a good part of it
// before the client is done; the old 1 MiB drain limit failed here.
TEST(HttpServer, ClientStillUploadingARefusedBodyGetsThe413) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  RunningServer s(o);
  Client c(s.port());
  constexpr size_t kBody = 3 << 20, kPiece = 64 << 10;
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(kBody) + "\r\n\r\n"));
  const std::string piece(kPiece, 'x');
  for (size_t sent = 0; sent < kBody; sent += kPiece) {
    ASSERT_TRUE(c.send(piece)) << "the server reset the connection after " << sent << " bytes of the body";
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(c.closed_by_peer());
}

TEST(HttpServer, HugeHeadGets431) {
  ServerOptions o;
  o.max_header_bytes = 1024;
  RunningServer s(o);
  Client c(s.port());
  c.send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(c.closed_by_peer());
}

TEST(HttpServer, GarbageGets400AndClose) {
  RunningServer s;
  for (const std::string& garbage :
       {std::string("GARBAGE\r\n\r\n"), std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\r\n\r\n", 13),
        std::string("GET / HTTP/1.1\r\nBad Header\r\n\r\n"),
        std::string("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")}) {
    Client c(s.port());
    c.send(garbage);
    auto r = c.read_response();
    ASSERT_TRUE(r) << garbage;
    EXPECT_EQ(r->status_line, "HTTP/1.1 400 Bad Request");
    EXPECT_TRUE(c.closed_by_peer());
  }
  // The server is still fine.
  Client ok(s.port());
  ok.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = ok.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "Hello");
}

// Issue 7 item 2: a body the server ignores must never be read as the next request.
TEST(HttpServer, FramingItCannotTrustGets400AndClosesBeforeTheBodyIsRead) {
  RunningServer s;
  const std::string smuggled = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
  for (const std::string te : {"gzip", "identity", "chunked, identity"}) {
    Client c(s.port());
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te + "\r\n\r\n" + smuggled);
    auto r = c.read_response();
    ASSERT_TRUE(r) << te;
    EXPECT_EQ(r->status, 400) << te;
    EXPECT_EQ(r->header("Connection"), "close") << te;
    EXPECT_TRUE(c.closed_by_peer()) << te << ": the smuggled request was answered";
  }
  Client gzip(s.port());
  gzip.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  auto r = gzip.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 501);
  Client http10(s.port());
  http10.send("POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  r = http10.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST(HttpServer, Http11WithoutOneValidHostGets400) {
  RunningServer s;
  for (const std::string head : {"GET /hello HTTP/1.1\r\n\r\n", "GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                                 "GET /hello HTTP/1.1\r\nHost: x/admin?role=admin#\r\n\r\n"}) {
    Client c(s.port());
    c.send(head);
    auto r = c.read_response();
    ASSERT_TRUE(r) << head;
    EXPECT_EQ(r->status, 400) << head;
  }
  Client http10(s.port());
  http10.send("GET /hello HTTP/1.0\r\n\r\n");  // HTTP/1.0 needs no Host
  auto r = http10.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "Hello");
}

// A chunk-size line (with its extensions) or a trailer must fit in a bounded buffer: a 1 GiB
// extension took 1 GB of memory.
TEST(HttpServer, ChunkExtensionsAndTrailersAreBounded) {
  ServerOptions o;
  o.max_header_bytes = 4096;
  RunningServer s(o);
  Client ext(s.port());
  ext.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;" + std::string(64 * 1024, 'e'));
  auto r = ext.read_response();
  ASSERT_TRUE(r) << "the server kept buffering the extension";
  EXPECT_EQ(r->status, 400);
  Client trailer(s.port());
  trailer.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: " +
               std::string(64 * 1024, 't'));
  r = trailer.read_response();
  ASSERT_TRUE(r) << "the server kept buffering the trailer";
  EXPECT_EQ(r->status, 400);
  Client fine(s.port());
  fine.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;a=b\r\nabc\r\n0\r\nX-T: 1\r\n\r\n");
  r = fine.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "abc");
}

TEST(HttpServer, ExpectContinue) {
  RunningServer s;
  Client c(s.port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(c.read_exact(25), "HTTP/1.1 100 Continue\r\n\r\n");
  c.send("0123456789");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "0123456789");
}

TEST(HttpServer, ExpectContinueWithTooLargeBodyGets413Directly) {
  ServerOptions o;
  o.max_body_bytes = 8;
  RunningServer s(o);
  Client c(s.port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST(HttpServer, RepeatedSetCookieHeadersPreserved) {
  RunningServer s;
  Client c(s.port());
  c.send("GET /cookies HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  ASSERT_EQ(r->count("Set-Cookie"), 2u);
  std::vector<std::string> cookies;
  for (const auto& [k, v] : r->headers)
    if (k == "Set-Cookie") cookies.push_back(v);
  EXPECT_EQ(cookies, (std::vector<std::string>{"a=1; Path=/", "b=2; Path=/"}));
}

TEST(HttpServer, HeaderInjectionBlocked) {
  RunningServer s;
  Client c(s.port());
  c.send("GET /inject HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->count("Injected"), 0u);
  EXPECT_EQ(r->count("X-Bad"), 0u);
  EXPECT_EQ(r->header("X-Good"), "ok");
}

TEST(HttpServer, HandlerExceptionGives500AndConnectionSurvives) {
  RunningServer s;
  Client c(s.port());
  c.send("GET /throw HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status_line, "HTTP/1.1 500 Internal Server Error");
  c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto again = c.read_response();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, "Hello");
}

TEST(HttpServer, Http10KeepAliveSemantics) {
  RunningServer s;
  Client plain(s.port());
  plain.send("GET /hello HTTP/1.0\r\n\r\n");
  auto r = plain.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(plain.closed_by_peer());

  Client kept(s.port());
  for (int i = 0; i < 2; ++i) {
    kept.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    auto k = kept.read_response();
    ASSERT_TRUE(k);
    EXPECT_EQ(k->header("Connection"), "keep-alive");
    EXPECT_EQ(k->body, "Hello");
  }

  Client closing(s.port());
  closing.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto cl = closing.read_response();
  ASSERT_TRUE(cl);
  EXPECT_EQ(cl->header("Connection"), "close");
  EXPECT_TRUE(closing.closed_by_peer());
}

TEST(HttpServer, GracefulStopFinishesRequestsInFlight) {
  RunningServer s;
  Client busy(s.port()), idle(s.port());
  idle.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(idle.read_response());
  busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  // The stop must come while /slow is inside its handler: a fixed 100 ms sleep did not always get
  // there under load (1 run in 12 failed), and then the test checked something else.
  ASSERT_TRUE(eventually([&] { return s.log.slow_started.load() == 1; }));
  const auto before = std::chrono::steady_clock::now();
  std::jthread stopper([&] { s.server().stop(); });  // joined even when an ASSERT returns early
  auto r = busy.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "slow done");
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(busy.closed_by_peer());
  EXPECT_TRUE(idle.closed_by_peer());
  stopper.join();
  for (int i = 0; i < 50 && !s.finished; ++i) std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(s.finished);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 4s);
  Client late(s.port());
  EXPECT_FALSE(late.connected());
}

// A request that never completes holds the stop for the grace, not less (it could still finish)
// and not until the idle timeout (60 s). The grace is measured from the stop itself: it was
// measured in the sweep's whole-second ticks, which cut it short by up to a second.
TEST(HttpServer, GraceLimitsHowLongStopWaits) {
  ServerOptions o;
  o.shutdown_grace = std::chrono::seconds(1);
  RunningServer s(o);
  Client partial(s.port());
  partial.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part");  // never completes
  ASSERT_TRUE(eventually([&] { return s.server().stats().open_connections == 1; }));
  std::this_thread::sleep_for(900ms);  // the sweep's tick moves on just after the stop, the worst case
  const auto stopped = std::chrono::steady_clock::now();
  s.server().stop();
  ASSERT_TRUE(eventually([&] { return s.finished.load(); })) << "the stop waited past the grace";
  EXPECT_GE(std::chrono::steady_clock::now() - stopped, 1s) << "the grace was cut short";
  EXPECT_TRUE(partial.closed_by_peer());
}

TEST(HttpServer, IdleConnectionsAreClosed) {
  ServerOptions o;
  o.idle_timeout = std::chrono::seconds(1);
  RunningServer s(o);
  Client silent(s.port()), slowloris(s.port());
  slowloris.send("GET /hello HTTP/1.1\r\nX-Slow: ");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(silent.closed_by_peer());
  EXPECT_TRUE(slowloris.closed_by_peer());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4500ms);
}

TEST(HttpServer, HandlersAreCreatedOnTheirOwnThreads) {
  ServerOptions o;
  o.threads = 2;
  RunningServer s(o);
  for (int i = 0; i < 20; ++i) {
    Client c(s.port());
    c.send("GET /thread HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "same");
  }
  EXPECT_EQ(s.created.load(), 2);
}

TEST(HttpServer, ListenReportsPortInUse) {
  RunningServer first;
  for (unsigned threads : {1u, 2u}) {
    ServerOptions o;
    o.port = first.port();
    o.threads = threads;
    Server second(o, [] { return std::make_unique<TestHandler>(nullptr); });
    try {
      second.listen();
      ADD_FAILURE() << "listen() on a busy port succeeded with " << threads << " threads";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(std::to_string(first.port())), std::string::npos) << e.what();
    }
  }
}

// Beast reports any version but 1.0 and 1.1 as bad_version, indistinguishable from a malformed one.
TEST(HttpServer, UnsupportedVersionGets400) {
  RunningServer s;
  Client c(s.port());
  c.send("GET /hello HTTP/2.0\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status_line, "HTTP/1.1 400 Bad Request");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST(HttpServer, StopBeforeRunMakesRunReturn) {
  ServerOptions o;
  o.port = 0;
  o.threads = 2;
  Server s(o, [] { return std::make_unique<TestHandler>(nullptr); });
  s.listen();
  s.stop();
  const auto start = std::chrono::steady_clock::now();
  s.run();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(HttpServer, FactoryFailureStopsRun) {
  ServerOptions o;
  o.port = 0;
  Server s(o, []() -> std::unique_ptr<Handler> { throw std::runtime_error("no isolate"); });
  s.listen();
  EXPECT_THROW(s.run(), std::runtime_error);
}

TEST(HttpServer, DeferredRequestsRunOnThePoolWhileTheIoThreadKeepsServing) {
  ServerOptions o;
  o.threads = 1;
  o.max_pool_threads = 2;
  RunningServer s(o);
  Client slow(s.port()), other(s.port());
  slow.send("GET /deferred-slow HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(eventually([&] { return s.server().stats().pool_busy == 1; }));  // now sleeping on a pool thread
  for (int i = 0; i < 3; ++i) {
    other.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = other.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "Hello");
  }
  // Had the one I/O thread run the slow request itself, the hellos would have waited for it.
  EXPECT_FALSE(readable_now(slow.fd())) << "the slow request finished before the quick ones";
  auto r = slow.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "answered on the pool");
  // Keep-alive continues on the same connection after a deferred answer.
  slow.send("GET /deferred HTTP/1.1\r\nHost: x\r\n\r\n");
  auto again = slow.read_response();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, "answered on the pool");
}

TEST(HttpServer, PoolThreadsStartOnDemandUpToTheLimitThenJobsQueue) {
  ServerOptions o;
  o.threads = 1;
  o.max_pool_threads = 2;
  RunningServer s(o);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<Client>(s.port()));
    clients.back()->send("GET /deferred-slow HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  for (auto& c : clients) {
    auto r = c->read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "answered on the pool");
  }
  EXPECT_EQ(s.created.load(), 3);  // one I/O thread + two pool threads, the third job queued
}

TEST(HttpServer, GracefulStopWaitsForDeferredRequests) {
  ServerOptions o;
  o.threads = 1;
  o.max_pool_threads = 1;
  RunningServer s(o);
  Client busy(s.port());
  busy.send("GET /deferred-slow HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(eventually([&] { return s.server().stats().pool_busy == 1; }));  // the run is in flight
  std::jthread stopper([&] { s.server().stop(); });  // joined even when an ASSERT returns early
  auto r = busy.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "answered on the pool");
  EXPECT_EQ(r->header("Connection"), "close");
  stopper.join();
  for (int i = 0; i < 100 && !s.finished; ++i) std::this_thread::sleep_for(100ms);  // lingering ends within 3 s
  EXPECT_TRUE(s.finished);
}

}  // namespace
}  // namespace wws::http
