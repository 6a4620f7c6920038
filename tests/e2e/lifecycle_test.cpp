// Process life: graceful shutdown on SIGTERM/SIGINT with a request in flight, and requests
// running in parallel.
#include <gtest/gtest.h>

#include <signal.h>

#include <future>
#include <thread>

#include "harness.h"

namespace e2e {
namespace {

void shutdown_with_request_in_flight(int signal_number) {
  Project project;
  project.worker("sleep.wasm", "sleep").worker("hello.wasm", "hello");
  Server server(project);
  ASSERT_EQ(server.get("/hello").status, 200);

  auto in_flight = std::async(std::launch::async, [&] { return server.get("/sleep?ms=1000"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the worker is sleeping now
  kill(server.pid(), signal_number);
  auto response = in_flight.get();
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.body, "slept 1000 ms");
  EXPECT_EQ(server.stop(), 0) << server.log();  // already exiting: stop() only reaps it
}

TEST(Shutdown, SigtermLetsTheInFlightRequestFinish) { shutdown_with_request_in_flight(SIGTERM); }

TEST(Shutdown, SigintLetsTheInFlightRequestFinish) { shutdown_with_request_in_flight(SIGINT); }

TEST(Shutdown, IdleServerStopsPromptly) {
  Project project;
  project.worker("hello.wasm", "hello");
  Server server(project);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server.stop(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(Concurrency, SlowRequestsRunInParallel) {
  Project project;
  project.worker("sleep.wasm", "sleep");
  Server server(project, {"--threads", "4"});
  auto start = std::chrono::steady_clock::now();
  std::vector<std::future<Response>> responses;
  for (int i = 0; i < 4; ++i) {
    responses.push_back(std::async(std::launch::async, [&] { return server.get("/sleep?ms=500"); }));
  }
  for (auto& r : responses) EXPECT_EQ(r.get().status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1800))
      << "4 sleeps of 500 ms on 4 threads should overlap";
}

TEST(Concurrency, ManyParallelClients) {
  Project project;
  project.worker("hello.wasm", "hello").worker("echo.wasm", "echo");
  Server server(project);
  constexpr int kThreads = 16, kEach = 20;
  std::vector<std::future<int>> results;
  for (int t = 0; t < kThreads; ++t) {
    results.push_back(std::async(std::launch::async, [&, t] {
      int ok = 0;
      for (int i = 0; i < kEach; ++i) {
        auto r = server.get(t % 2 ? "/hello" : "/echo?n=" + std::to_string(i));
        ok += r.status == 200;
      }
      return ok;
    }));
  }
  for (auto& r : results) EXPECT_EQ(r.get(), kEach);
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace e2e
