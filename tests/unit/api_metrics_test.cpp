// The metrics registry (per-thread shards summed by readers), the latency histograms and the
// Prometheus text, parsed by a strict parser.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "../support/prometheus_text.h"
#include "api/metrics/prometheus.h"
#include "api/metrics/registry.h"
#include "worker/worker.h"

using namespace wws;
using namespace wws::api::metrics;

namespace {

struct Fixture {
  http::Request request;
  http::Response response;
  worker::Worker worker;
  Fixture() {
    request.method = "GET";
    worker.route = "/hello";
    worker.slot = 7;
  }
  void serve(Registry& r, int status, std::chrono::microseconds took, const worker::RunReport* run,
             bool with_worker = true) {
    response.status = status;
    r.served(worker::Served{request, response, "/hello", with_worker ? &worker : nullptr, run, took});
  }
};

}  // namespace

TEST(ApiMetrics, FineBucketsCoverEveryDurationInOrder) {
  size_t last = 0;
  for (uint64_t us = 0; us < (1ull << 36); us = us < 64 ? us + 1 : us + us / 7) {
    const size_t i = fine_index(us);
    ASSERT_GE(i, last) << us;
    last = i;
    if (i + 1 < kFineBuckets) {
      ASSERT_LE(fine_lower_us(i), static_cast<double>(us)) << us;
      ASSERT_GT(fine_upper_us(i), static_cast<double>(us)) << us;
    }
  }
  EXPECT_EQ(fine_index(~0ull), kFineBuckets - 1);
}

TEST(ApiMetrics, QuantilesAreWithinABucketOfTheTruth) {
  std::array<uint64_t, kFineBuckets> counts{};
  for (int i = 1; i <= 1000; ++i) counts[fine_index(static_cast<uint64_t>(i) * 10)]++;  // 10 us .. 10 ms
  EXPECT_NEAR(fine_quantile_ms(counts, 0.5), 5.0, 5.0 * 0.2);
  EXPECT_NEAR(fine_quantile_ms(counts, 0.99), 9.9, 9.9 * 0.2);
  EXPECT_EQ(fine_quantile_ms(std::array<uint64_t, kFineBuckets>{}, 0.5), 0);
}

TEST(ApiMetrics, CountsFromManyThreadsAddUp) {
  Registry registry;
  constexpr int kThreads = 4, kEach = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&registry, t] {
      Fixture f;
      worker::RunReport run;
      run.kv_reads = 1;
      run.kv_writes = t == 0 ? 2 : 0;
      run.instance_kept = true;
      run.memory_bytes = 65536;
      for (int i = 0; i < kEach; ++i) f.serve(registry, i % 10 == 0 ? 500 : 200, std::chrono::microseconds(300), &run);
    });
  // Readers run while the writers count: totals only ever grow.
  uint64_t seen = 0;
  for (int i = 0; i < 50; ++i) {
    const uint64_t now = registry.totals(7 + kFirstWorkerCell).requests;
    ASSERT_GE(now, seen);
    seen = now;
  }
  for (auto& t : threads) t.join();
  const Totals t = registry.totals(7 + kFirstWorkerCell);
  EXPECT_EQ(t.requests, uint64_t{kThreads * kEach});
  EXPECT_EQ(t.errors, uint64_t{kThreads * kEach / 10});
  EXPECT_EQ(t.kv_reads, uint64_t{kThreads * kEach});
  EXPECT_EQ(t.kv_writes, uint64_t{2 * kEach});
  EXPECT_EQ(t.instances, uint64_t{kThreads});
  EXPECT_EQ(t.memory_bytes, uint64_t{kThreads * 65536});
  ASSERT_EQ(t.statuses.size(), 2u);
  EXPECT_EQ(t.statuses[0], (std::pair<int, uint64_t>{200, kThreads * kEach * 9 / 10}));
  EXPECT_EQ(t.statuses[1], (std::pair<int, uint64_t>{500, kThreads * kEach / 10}));
  EXPECT_EQ(t.buckets[bucket_index(300'000)], uint64_t{kThreads * kEach});
  EXPECT_EQ(registry.totals(kStaticCell).requests, 0u);
}

TEST(ApiMetrics, StatusCodesBeyondTheSlotsCountAsOther) {
  Registry registry;
  Fixture f;
  for (int code = 200; code < 200 + static_cast<int>(kStatusSlots) + 3; ++code)
    f.serve(registry, code, std::chrono::microseconds(5), nullptr);
  const Totals t = registry.totals(7 + kFirstWorkerCell);
  EXPECT_EQ(t.requests, kStatusSlots + 3);
  EXPECT_EQ(t.statuses.front(), (std::pair<int, uint64_t>{0, 4}));  // "other": the last 4 codes
  EXPECT_EQ(t.statuses.size(), kStatusSlots);
}

TEST(ApiMetrics, RequestsWithoutAWorkerAreStaticOrUnmatched) {
  Registry registry;
  Fixture f;
  f.serve(registry, 200, std::chrono::microseconds(5), nullptr, false);
  f.serve(registry, 304, std::chrono::microseconds(5), nullptr, false);
  f.serve(registry, 404, std::chrono::microseconds(5), nullptr, false);
  EXPECT_EQ(registry.totals(kStaticCell).requests, 2u);
  EXPECT_EQ(registry.totals(kUnmatchedCell).requests, 1u);
}

TEST(ApiMetrics, PrometheusTextParsesStrictlyAndCarriesTheFigures) {
  Registry registry;
  Fixture f;
  worker::RunReport timed_out;
  timed_out.outcome = engine::Outcome::TimedOut;
  timed_out.instantiated = true;
  f.serve(registry, 200, std::chrono::microseconds(80), nullptr);
  f.serve(registry, 200, std::chrono::milliseconds(3), nullptr);
  f.serve(registry, 504, std::chrono::seconds(2), &timed_out);
  std::vector<WorkerSeries> workers{{7 + kFirstWorkerCell, "/hello \"quoted\"\\", "abc", "hello\nworld", "v8", true}};
  ProcessFigures process;
  process.server.open_connections = 3;
  process.server.pool_queued = 2;
  process.server.abandoned = 5;
  process.version = "1.2.3";
  const std::string text = render_prometheus(registry, workers, process);
  const prom::Exposition e = prom::parse(text);
  ASSERT_EQ(e.error, "") << text;
  const std::map<std::string, std::string> route{{"route", "/hello \"quoted\"\\"}};
  auto with = [&](std::map<std::string, std::string> extra) {
    extra.insert(route.begin(), route.end());
    return extra;
  };
  EXPECT_EQ(e.value("wws_requests_total", with({{"status", "200"}})), 2);
  EXPECT_EQ(e.value("wws_requests_total", with({{"status", "504"}})), 1);
  EXPECT_EQ(e.value("wws_timeouts_total", route), 1);
  EXPECT_EQ(e.value("wws_instantiations_total", route), 1);
  EXPECT_EQ(e.value("wws_request_duration_seconds_count", route), 3);
  EXPECT_EQ(e.value("wws_request_duration_seconds_bucket", with({{"le", "0.0001"}})), 1);
  EXPECT_EQ(e.value("wws_request_duration_seconds_bucket", with({{"le", "0.005"}})), 2);
  EXPECT_EQ(e.value("wws_request_duration_seconds_bucket", with({{"le", "2.5"}})), 3);
  EXPECT_NEAR(*e.value("wws_request_duration_seconds_sum", route), 2.00308, 1e-6);
  EXPECT_EQ(e.value("wws_open_connections"), 3);
  EXPECT_EQ(e.value("wws_run_pool_queue_depth"), 2);
  EXPECT_EQ(e.value("wws_http_abandoned_total"), 5);
  EXPECT_EQ(e.families.at("wws_request_duration_seconds").type, "histogram");
  EXPECT_EQ(e.families.at("wws_requests_total").type, "counter");
  EXPECT_EQ(e.families.at("wws_open_connections").type, "gauge");
  EXPECT_EQ(e.value("wws_worker_info", {{"route", "/hello \"quoted\"\\"},
                                        {"id", "abc"},
                                        {"name", "hello\nworld"},
                                        {"engine", "v8"},
                                        {"available", "true"}}),
            1);
}

TEST(ApiMetrics, TheStrictParserRejectsBrokenText) {
  EXPECT_NE(prom::parse("a 1").error, "");                           // no final newline
  EXPECT_NE(prom::parse("a{b=\"c} 1\n").error, "");                  // unterminated
  EXPECT_NE(prom::parse("a 1\nb 2\na 3\n").error, "");               // split family
  EXPECT_NE(prom::parse("a{x=\"1\"} 1\na{x=\"1\"} 2\n").error, "");  // duplicate
  EXPECT_NE(
      prom::parse("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n").error, "");
  EXPECT_NE(prom::parse("a{b=\"\\x\"} 1\n").error, "");  // bad escape
  EXPECT_NE(prom::parse("a one\n").error, "");
  EXPECT_EQ(prom::parse("# HELP a x\n# TYPE a counter\na{b=\"\\\"\"} 1\n").error, "");
}
