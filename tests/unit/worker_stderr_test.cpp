// A guest's stderr in the server log: line by line, tagged with the worker, and bounded per run
// (a guest printing in a loop cannot flood the log); the --dev tail keeps the last lines.
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <gtest/gtest.h>

#include "worker/failure.h"

namespace wws::worker {
namespace {

class GuestStderrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink_));
    worker_.name = "chatty";
  }
  void TearDown() override { spdlog::set_default_logger(previous_); }
  std::vector<std::string> lines() { return sink_->last_formatted(); }

  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_ = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000);
  std::shared_ptr<spdlog::logger> previous_;
  Worker worker_;
};

TEST_F(GuestStderrTest, LinesAreForwardedTaggedWithTheWorker) {
  {
    GuestStderr err(worker_);
    err.write("one\ntw");
    err.write("o\nthree");
  }
  auto got = lines();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_NE(got[0].find("[chatty] one"), std::string::npos) << got[0];
  EXPECT_NE(got[1].find("[chatty] two"), std::string::npos) << got[1];
  EXPECT_NE(got[2].find("[chatty] three"), std::string::npos) << got[2];
}

TEST_F(GuestStderrTest, ARunLogsABoundedAmountAndCountsTheRest) {
  std::string tail;
  {
    GuestStderr err(worker_);
    std::string flood;
    for (int i = 0; i < 10000; ++i) flood += "line " + std::to_string(i) + "\n";
    err.write(flood);
    err.write(std::string(100000, 'x'));  // no newline at all
    err.finish();
    tail = err.tail();
  }
  auto got = lines();
  ASSERT_LE(got.size(), util::LogBudget::kMaxLines + 1);
  size_t bytes = 0;
  for (auto& line : got) bytes += line.size();
  EXPECT_LT(bytes, util::LogBudget::kMaxBytes + 16 * 1024);  // plus spdlog's prefixes
  EXPECT_NE(got.back().find("more lines"), std::string::npos) << got.back();
  EXPECT_NE(got.back().find("not logged"), std::string::npos) << got.back();
  // The tail still shows how the run ended, for --dev pages.
  EXPECT_NE(tail.find("xxxx"), std::string::npos);
}

TEST_F(GuestStderrTest, AVeryLongLineIsCut) {
  {
    GuestStderr err(worker_);
    err.write(std::string(10000, 'y') + "\n");
  }
  auto got = lines();
  ASSERT_FALSE(got.empty());
  EXPECT_LT(got[0].size(), util::LogBudget::kMaxLineBytes + 200);
}

}  // namespace
}  // namespace wws::worker
