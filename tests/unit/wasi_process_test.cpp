// Process-level preview1 calls: args, environment, stdio, clocks, randomness, poll_oneoff,
// proc_exit and the calls wws refuses (signals, sockets). Bad pointers and fds never crash.
#include <chrono>
#include <stdexcept>
#include <thread>

#include "wasi_test_support.h"

namespace wws::wasi::test {
namespace {

using namespace abi;

TEST(WasiArgsEnv, ArgsAreLaidOutAsCStrings) {
  WasiConfig c;
  c.args = {"worker.wasm", "--flag", ""};
  Guest g(std::move(c));
  uint32_t sizes = g.alloc(8);
  ASSERT_EQ(g.err("args_sizes_get", {sizes, sizes + 4}), Errno::Success);
  EXPECT_EQ(g.u32_at(sizes), 3u);
  EXPECT_EQ(g.u32_at(sizes + 4), 12u + 7u + 1u);
  uint32_t argv = g.alloc(12), buf = g.alloc(20);
  ASSERT_EQ(g.err("args_get", {argv, buf}), Errno::Success);
  EXPECT_EQ(g.u32_at(argv), buf);
  EXPECT_EQ(g.str(g.u32_at(argv), 12), std::string("worker.wasm\0", 12));
  EXPECT_EQ(g.str(g.u32_at(argv + 4), 7), std::string("--flag\0", 7));
  EXPECT_EQ(g.u8(g.u32_at(argv + 8)), 0);
}

TEST(WasiArgsEnv, EnvironIsOnlyTheConfiguredVars) {
  WasiConfig c;
  c.env = {{"A", "1"}, {"MESSAGE", "hello=world"}};
  Guest g(std::move(c));
  uint32_t sizes = g.alloc(8);
  ASSERT_EQ(g.err("environ_sizes_get", {sizes, sizes + 4}), Errno::Success);
  EXPECT_EQ(g.u32_at(sizes), 2u);
  EXPECT_EQ(g.u32_at(sizes + 4), 4u + 20u);
  uint32_t ptrs = g.alloc(8), buf = g.alloc(24);
  ASSERT_EQ(g.err("environ_get", {ptrs, buf}), Errno::Success);
  EXPECT_EQ(g.str(g.u32_at(ptrs), 4), std::string("A=1\0", 4));
  EXPECT_EQ(g.str(g.u32_at(ptrs + 4), 20), std::string("MESSAGE=hello=world\0", 20));
}

TEST(WasiArgsEnv, BadPointersFault) {
  WasiConfig c;
  c.args = {"x"};
  Guest g(std::move(c));
  EXPECT_EQ(g.err("args_sizes_get", {Guest::kMemorySize - 2, 0}), Errno::Fault);
  EXPECT_EQ(g.err("args_get", {0xfffffff0u, 0}), Errno::Fault);
  EXPECT_EQ(g.err("environ_sizes_get", {0, Guest::kMemorySize}), Errno::Fault);
}

TEST(WasiStdio, StdinIsReadInPartsThenEof) {
  WasiConfig c;
  std::string input = "{\"url\":\"/\"}";
  c.stdin_data = input;
  Guest g(std::move(c));
  std::string part;
  ASSERT_EQ(g.read(0, 4, part), Errno::Success);
  EXPECT_EQ(part, "{\"ur");
  // Two buffers in one call.
  uint32_t b1 = g.alloc(3), b2 = g.alloc(100), out = g.alloc(4);
  uint32_t iov = g.iovecs({{b1, 3}, {b2, 100}});
  ASSERT_EQ(g.err("fd_read", {0, iov, 2, out}), Errno::Success);
  EXPECT_EQ(g.u32_at(out), input.size() - 4);
  EXPECT_EQ(g.str(b1, 3) + g.str(b2, input.size() - 7), input.substr(4));
  ASSERT_EQ(g.read(0, 10, part), Errno::Success);
  EXPECT_EQ(part, "");
  EXPECT_EQ(g.ctx().stdin_offset(), input.size());
}

TEST(WasiStdio, StdoutIsCapturedAndCapped) {
  WasiConfig c;
  c.stdout_limit = 10;
  Guest g(std::move(c));
  uint32_t written = 0;
  ASSERT_EQ(g.write(1, "hello ", &written), Errno::Success);
  EXPECT_EQ(written, 6u);
  ASSERT_EQ(g.write(1, "you", &written), Errno::Success);
  EXPECT_EQ(g.write(1, "too much"), Errno::Fbig);
  EXPECT_EQ(g.write(1, "!"), Errno::Success);
  EXPECT_EQ(g.write(1, "?"), Errno::Fbig);
  EXPECT_EQ(g.ctx().stdout_buffer(), "hello you!");
}

TEST(WasiStdio, StderrGoesToTheSinkOncePerWrite) {
  std::vector<std::string> lines;
  WasiConfig c;
  c.stderr_sink = [&](std::string_view s) { lines.emplace_back(s); };
  Guest g(std::move(c));
  uint32_t a = g.put("first "), b = g.put("line\n"), out = g.alloc(4);
  uint32_t iov = g.iovecs({{a, 6}, {b, 5}});
  ASSERT_EQ(g.err("fd_write", {2, iov, 2, out}), Errno::Success);
  EXPECT_EQ(g.u32_at(out), 11u);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "first line\n");
  EXPECT_TRUE(g.ctx().stdout_buffer().empty());
}

TEST(WasiStdio, StderrWithoutSinkIsDiscarded) {
  Guest g({});
  uint32_t written = 0;
  EXPECT_EQ(g.write(2, "lost", &written), Errno::Success);
  EXPECT_EQ(written, 4u);
}

TEST(WasiStdio, HostExceptionsBecomeATrapNotACrash) {
  WasiConfig c;
  c.stderr_sink = [](std::string_view) { throw std::runtime_error("sink is gone"); };
  Guest g(std::move(c));
  EXPECT_EQ(g.write(2, "boom"), Errno::Io);
  ASSERT_TRUE(g.ctx().trap().has_value());
  EXPECT_NE(g.ctx().trap()->find("sink is gone"), std::string::npos);
  EXPECT_TRUE(g.ctx().unwinding());
}

TEST(WasiStdio, StdioIsACharacterDeviceWithoutSeek) {
  Guest g({});
  for (uint32_t fd = 0; fd < 3; ++fd) {
    uint32_t st = g.alloc(24);
    ASSERT_EQ(g.err("fd_fdstat_get", {fd, st}), Errno::Success);
    EXPECT_EQ(g.u8(st), kFiletypeCharacterDevice);
    EXPECT_EQ(g.u64(st + 8) & (kRightFdSeek | kRightFdTell), 0u);  // what isatty() checks
    uint32_t pos = g.alloc(8);
    EXPECT_EQ(g.err("fd_seek", {fd, 0, kWhenceCur, pos}), Errno::Spipe);
    EXPECT_EQ(g.err("fd_tell", {fd, pos}), Errno::Spipe);
    uint32_t fst = g.alloc(64);
    ASSERT_EQ(g.err("fd_filestat_get", {fd, fst}), Errno::Success);
    EXPECT_EQ(g.u8(fst + 16), kFiletypeCharacterDevice);
    EXPECT_EQ(g.err("fd_prestat_get", {fd, pos}), Errno::Badf);
  }
  EXPECT_EQ(g.u64(1024 + 8) & kRightFdRead, kRightFdRead);
  EXPECT_EQ(g.err("fd_sync", {1}), Errno::Success);
}

TEST(WasiStdio, WrongDirectionIsBadf) {
  Guest g({});
  std::string data;
  EXPECT_EQ(g.read(1, 4, data), Errno::Badf);
  EXPECT_EQ(g.write(0, "x"), Errno::Badf);
}

TEST(WasiStdio, BadIovecsFaultWithoutSideEffects) {
  Guest g({});
  uint32_t out = g.alloc(4);
  // The iovec array itself out of bounds, and a huge count.
  EXPECT_EQ(g.err("fd_write", {1, Guest::kMemorySize - 4, 1, out}), Errno::Fault);
  EXPECT_EQ(g.err("fd_write", {1, 0, 0xffffffffu, out}), Errno::Fault);
  // A buffer that runs past the end of memory.
  uint32_t iov = g.iovecs({{Guest::kMemorySize - 10, 11}});
  EXPECT_EQ(g.err("fd_write", {1, iov, 1, out}), Errno::Fault);
  // The result pointer out of bounds.
  uint32_t buf = g.put("abc");
  iov = g.iovecs({{buf, 3}});
  EXPECT_EQ(g.err("fd_write", {1, iov, 1, Guest::kMemorySize - 3}), Errno::Fault);
  EXPECT_EQ(g.err("fd_read", {0, iov, 1, 0xffffffffu}), Errno::Fault);
  EXPECT_TRUE(g.ctx().stdout_buffer().empty());
}

TEST(WasiStdio, ClosedAndUnknownFdsAreBadf) {
  Guest g({});
  EXPECT_EQ(g.write(7, "x"), Errno::Badf);
  EXPECT_EQ(g.err("fd_close", {1}), Errno::Success);
  EXPECT_EQ(g.write(1, "x"), Errno::Badf);
  EXPECT_EQ(g.err("fd_close", {1}), Errno::Badf);
  EXPECT_EQ(g.err("fd_fdstat_get", {1, 0}), Errno::Badf);
  EXPECT_EQ(g.err("fd_close", {0xffffffffu}), Errno::Badf);
}

TEST(WasiStdio, RenumberMovesAnFd) {
  Guest g({});
  ASSERT_EQ(g.err("fd_renumber", {1, 2}), Errno::Success);
  EXPECT_EQ(g.write(1, "x"), Errno::Badf);
  EXPECT_EQ(g.write(2, "to stdout"), Errno::Success);
  EXPECT_EQ(g.ctx().stdout_buffer(), "to stdout");
  EXPECT_EQ(g.err("fd_renumber", {2, 9}), Errno::Badf);
  EXPECT_EQ(g.err("fd_renumber", {9, 2}), Errno::Badf);
  EXPECT_EQ(g.err("fd_renumber", {2, 2}), Errno::Success);
}

TEST(WasiClock, TimesAreCurrentAndMonotonic) {
  Guest g({});
  uint32_t t = g.alloc(8);
  ASSERT_EQ(g.err("clock_time_get", {kClockRealtime, 1, t}), Errno::Success);
  auto wall =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(static_cast<double>(g.u64(t)), static_cast<double>(wall), 1e9);
  ASSERT_EQ(g.err("clock_time_get", {kClockMonotonic, 1, t}), Errno::Success);
  uint64_t first = g.u64(t);
  ASSERT_EQ(g.err("clock_time_get", {kClockMonotonic, 1, t}), Errno::Success);
  EXPECT_GE(g.u64(t), first);
  EXPECT_EQ(g.err("clock_time_get", {kClockProcessCputime, 1, t}), Errno::Success);
  EXPECT_EQ(g.err("clock_time_get", {kClockThreadCputime, 1, t}), Errno::Success);
  EXPECT_EQ(g.err("clock_time_get", {4, 1, t}), Errno::Inval);
  EXPECT_EQ(g.err("clock_time_get", {kClockRealtime, 1, Guest::kMemorySize - 4}), Errno::Fault);
  ASSERT_EQ(g.err("clock_res_get", {kClockMonotonic, t}), Errno::Success);
  EXPECT_GT(g.u64(t), 0u);
  EXPECT_LE(g.u64(t), 1000000u);
  EXPECT_EQ(g.err("clock_res_get", {99, t}), Errno::Inval);
}

TEST(WasiRandom, FillsTheBufferAndChecksBounds) {
  Guest g({});
  uint32_t buf = g.alloc(4096);
  ASSERT_EQ(g.err("random_get", {buf, 4096}), Errno::Success);
  int zeros = 0;
  for (int i = 0; i < 4096; ++i) zeros += g.u8(buf + i) == 0;
  EXPECT_LT(zeros, 64);  // ~16 expected from real randomness
  EXPECT_EQ(g.err("random_get", {Guest::kMemorySize - 8, 9}), Errno::Fault);
  EXPECT_EQ(g.err("random_get", {0, 0}), Errno::Success);
}

TEST(WasiProc, ExitRecordsTheCodeAndUnwinds) {
  Guest g({});
  EXPECT_FALSE(g.ctx().unwinding());
  g.call("proc_exit", {3});
  EXPECT_TRUE(g.ctx().unwinding());
  ASSERT_TRUE(g.ctx().exit_code().has_value());
  EXPECT_EQ(*g.ctx().exit_code(), 3u);
  EXPECT_FALSE(g.ctx().trap().has_value());
}

TEST(WasiProc, RefusedCalls) {
  Guest g({});
  EXPECT_EQ(g.err("proc_raise", {9}), Errno::NoSys);
  EXPECT_EQ(g.err("sched_yield", {}), Errno::Success);
  uint32_t out = g.alloc(8);
  EXPECT_EQ(g.err("sock_accept", {0, 0, out}), Errno::NotSup);
  EXPECT_EQ(g.err("sock_recv", {1, 0, 0, 0, out, out + 4}), Errno::NotSup);
  EXPECT_EQ(g.err("sock_send", {1, 0, 0, 0, out}), Errno::NotSup);
  EXPECT_EQ(g.err("sock_shutdown", {2, 1}), Errno::NotSup);
  EXPECT_EQ(g.err("sock_shutdown", {42, 1}), Errno::Badf);
  EXPECT_FALSE(g.ctx().unwinding());
}

// Writes one clock subscription; returns its address.
uint32_t clock_sub(Guest& g, uint32_t at, uint64_t userdata, uint32_t clock, uint64_t timeout, uint16_t flags = 0) {
  std::memset(g.raw() + at, 0, kSubscriptionSize);
  std::memcpy(g.raw() + at + kSubUserdata, &userdata, 8);
  g.raw()[at + kSubTag] = kEventClock;
  std::memcpy(g.raw() + at + kSubClockId, &clock, 4);
  std::memcpy(g.raw() + at + kSubClockTimeout, &timeout, 8);
  std::memcpy(g.raw() + at + kSubClockFlags, &flags, 2);
  return at;
}

uint32_t fd_sub(Guest& g, uint32_t at, uint64_t userdata, uint8_t type, uint32_t fd) {
  std::memset(g.raw() + at, 0, kSubscriptionSize);
  std::memcpy(g.raw() + at + kSubUserdata, &userdata, 8);
  g.raw()[at + kSubTag] = type;
  std::memcpy(g.raw() + at + kSubFdReadwriteFd, &fd, 4);
  return at;
}

TEST(WasiPoll, RelativeClockSleeps) {
  Guest g({});
  uint32_t in = g.alloc(48), out = g.alloc(32), n = g.alloc(4);
  clock_sub(g, in, 77, kClockMonotonic, 10'000'000);
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(g.err("poll_oneoff", {in, out, 1, n}), Errno::Success);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(10));
  EXPECT_LT(elapsed, std::chrono::milliseconds(500));
  ASSERT_EQ(g.u32_at(n), 1u);
  EXPECT_EQ(g.u64(out + kEventUserdata), 77u);
  EXPECT_EQ(g.u16(out + kEventError), 0u);
  EXPECT_EQ(g.u8(out + kEventType), kEventClock);
}

TEST(WasiPoll, AbsoluteClocksInThePastFireAtOnce) {
  Guest g({});
  uint32_t in = g.alloc(96), out = g.alloc(64), n = g.alloc(4);
  clock_sub(g, in, 1, kClockRealtime, 1, kSubscriptionClockAbstime);
  clock_sub(g, in + 48, 2, kClockMonotonic, 60'000'000'000ull);  // a minute: must not fire
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(g.err("poll_oneoff", {in, out, 2, n}), Errno::Success);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
  ASSERT_EQ(g.u32_at(n), 1u);
  EXPECT_EQ(g.u64(out), 1u);
}

TEST(WasiPoll, StdioIsReadyAtOnce) {
  WasiConfig c;
  c.stdin_data = "12345";
  Guest g(std::move(c));
  uint32_t in = g.alloc(48 * 4), out = g.alloc(32 * 4), n = g.alloc(4);
  fd_sub(g, in, 10, kEventFdRead, 0);
  fd_sub(g, in + 48, 11, kEventFdWrite, 1);
  fd_sub(g, in + 96, 12, kEventFdRead, 99);
  clock_sub(g, in + 144, 13, kClockMonotonic, 5'000'000'000ull);
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(g.err("poll_oneoff", {in, out, 4, n}), Errno::Success);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
  ASSERT_EQ(g.u32_at(n), 3u);
  EXPECT_EQ(g.u64(out), 10u);
  EXPECT_EQ(g.u8(out + kEventType), kEventFdRead);
  EXPECT_EQ(g.u64(out + kEventNbytes), 5u);
  EXPECT_EQ(g.u64(out + 32), 11u);
  EXPECT_EQ(g.u8(out + 32 + kEventType), kEventFdWrite);
  EXPECT_EQ(g.u64(out + 64), 12u);
  EXPECT_EQ(g.u16(out + 64 + kEventError), static_cast<uint16_t>(Errno::Badf));
}

TEST(WasiPoll, SleepStopsAtTheDeadline) {
  WasiConfig c;
  c.sleep_deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
  Guest g(std::move(c));
  uint32_t in = g.alloc(48), out = g.alloc(32), n = g.alloc(4);
  clock_sub(g, in, 5, kClockMonotonic, 3600'000'000'000ull);
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(g.err("poll_oneoff", {in, out, 1, n}), Errno::Success);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(g.u32_at(n), 1u);
}

TEST(WasiPoll, BadInput) {
  Guest g({});
  uint32_t in = g.alloc(48), out = g.alloc(32), n = g.alloc(4);
  EXPECT_EQ(g.err("poll_oneoff", {in, out, 0, n}), Errno::Inval);
  EXPECT_EQ(g.err("poll_oneoff", {in, out, 0x10000000u, n}), Errno::Fault);
  EXPECT_EQ(g.err("poll_oneoff", {in, Guest::kMemorySize - 16, 1, n}), Errno::Fault);
  // Unknown tag and a CPU-time clock: answered with an error event, not a sleep.
  std::memset(g.raw() + in, 0, 48);
  g.raw()[in + kSubTag] = 9;
  ASSERT_EQ(g.err("poll_oneoff", {in, out, 1, n}), Errno::Success);
  EXPECT_EQ(g.u16(out + kEventError), static_cast<uint16_t>(Errno::Inval));
  clock_sub(g, in, 1, kClockProcessCputime, 1'000'000'000);
  ASSERT_EQ(g.err("poll_oneoff", {in, out, 1, n}), Errno::Success);
  EXPECT_EQ(g.u16(out + kEventError), static_cast<uint16_t>(Errno::Inval));
}

}  // namespace
}  // namespace wws::wasi::test
