// What only the Wasmtime engine does: CPU budgets (fuel) and the on-disk code cache, whose
// damaged entries must be detected, removed and rebuilt rather than loaded.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "engine/code_cache.h"
#include "engine/wasmtime/wasmtime_engine.h"
#include "wasi/context.h"
#include "wasi/host.h"
#include "wasm_fixture.h"

namespace wws::engine {
namespace {

namespace fs = std::filesystem;

using test::fixture;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/wws-cache-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

RunResult run(Engine& engine, const CompiledModule& module, RunLimits limits, std::string* out = nullptr) {
  auto executor = engine.new_executor();
  wasi::WasiContext ctx(wasi::WasiConfig{});
  RunResult r = executor->run(module, ctx, limits);
  if (out) *out = ctx.stdout_buffer();
  return r;
}

TEST(WasmtimeFuel, ABudgetStopsALoopAndIsReportedAsATimeout) {
  auto engine = make_wasmtime_engine({});
  std::string error;
  auto loop = engine->compile(fixture("loop"), CompileOptions{0, true}, &error);
  ASSERT_TRUE(loop) << error;
  RunLimits limits{std::chrono::seconds(20), 5'000'000};
  auto started = std::chrono::steady_clock::now();
  RunResult r = run(*engine, *loop, limits);
  EXPECT_EQ(r.outcome, Outcome::TimedOut) << r.message;
  EXPECT_NE(r.message.find("CPU budget of 5000000 fuel"), std::string::npos) << r.message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));  // not the time limit
  auto hello = engine->compile(fixture("hello"), CompileOptions{0, true}, &error);
  ASSERT_TRUE(hello) << error;
  std::string out;
  EXPECT_EQ(run(*engine, *hello, limits, &out).outcome, Outcome::Ok);
  EXPECT_EQ(out, "hello");
}

std::string read_file_of(const CodeCache::Entry& entry) { return slurp(entry.file()); }

TEST(CodeCache, StoresAndLoadsAndRefusesDamagedEntries) {
  TempDir dir;
  CodeCache cache(dir.path() / "sub");
  std::vector<uint8_t> payload = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::string key = CodeCache::key(payload, "settings");
  EXPECT_NE(key, CodeCache::key(payload, "other settings"));
  EXPECT_FALSE(cache.load(key));
  ASSERT_TRUE(cache.store(key, payload));
  auto entry = cache.load(key);
  ASSERT_TRUE(entry);
  EXPECT_EQ(std::vector<uint8_t>(entry->payload().begin(), entry->payload().end()), payload);
  EXPECT_EQ(read_file_of(*entry), slurp(cache.path_for(key)));  // file() names the verified file
  entry.reset();
  // One flipped bit in the payload: refused and removed.
  {
    std::fstream f(cache.path_for(key), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4);
    f.put(static_cast<char>(5 ^ 1));
  }
  EXPECT_FALSE(cache.load(key));
  EXPECT_FALSE(fs::exists(cache.path_for(key)));
  // Truncated, and not ours at all.
  ASSERT_TRUE(cache.store(key, payload));
  fs::resize_file(cache.path_for(key), fs::file_size(cache.path_for(key)) - 2);
  EXPECT_FALSE(cache.load(key));
  { std::ofstream(cache.path_for(key)) << "garbage"; }
  EXPECT_FALSE(cache.load(key));
  EXPECT_FALSE(CodeCache({}).load(key));  // disabled
}

// Collects what wws logs at warning level or above while it lives.
class LoggedWarnings {
 public:
  LoggedWarnings() : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64)) {
    sink_->set_level(spdlog::level::warn);
    spdlog::default_logger()->sinks().push_back(sink_);
  }
  ~LoggedWarnings() {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }
  std::string text() const {
    std::string all;
    for (const auto& line : sink_->last_formatted()) all += line;
    return all;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
};

std::vector<fs::path> entries_in(const fs::path& dir) {
  std::vector<fs::path> entries;
  if (fs::exists(dir))
    for (const auto& e : fs::directory_iterator(dir)) entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  return entries;
}

TEST(WasmtimeCodeCache, CompiledCodeIsReusedAndADamagedEntryIsRebuilt) {
  TempDir dir;
  // Entries live in a folder named by the Wasmtime release, never beside other caches.
  fs::path folder = dir.path() / (std::string("wasmtime-") + wasmtime_version());
  auto bytes = fixture("hello");
  std::string error;
  {
    auto engine = make_wasmtime_engine({dir.path()});
    ASSERT_TRUE(engine->compile(bytes, {}, &error)) << error;
  }
  EXPECT_EQ(entries_in(dir.path()), std::vector<fs::path>{folder});
  std::vector<fs::path> entries = entries_in(folder);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].extension(), ".code");
  std::string first = slurp(entries[0]);
  auto written = fs::last_write_time(entries[0]);

  // A second engine (a second start) loads the entry instead of compiling: it is not rewritten.
  {
    LoggedWarnings warnings;
    auto engine = make_wasmtime_engine({dir.path()});
    auto module = engine->compile(bytes, {}, &error);
    ASSERT_TRUE(module) << error;
    std::string out;
    EXPECT_EQ(run(*engine, *module, {}, &out).outcome, Outcome::Ok);
    EXPECT_EQ(out, "hello");
    EXPECT_EQ(warnings.text(), "");
  }
  EXPECT_EQ(fs::last_write_time(entries[0]), written);

  // Damage the compiled code: the checksum catches it, it is logged, the module is compiled
  // again and the entry rewritten, intact.
  std::string damaged = first;
  damaged[damaged.size() / 2] ^= 0x5a;
  { std::ofstream(entries[0], std::ios::binary | std::ios::trunc) << damaged; }
  {
    LoggedWarnings warnings;
    auto engine = make_wasmtime_engine({dir.path()});
    auto module = engine->compile(bytes, {}, &error);
    ASSERT_TRUE(module) << error;
    std::string out;
    EXPECT_EQ(run(*engine, *module, {}, &out).outcome, Outcome::Ok);
    EXPECT_EQ(out, "hello");
    EXPECT_NE(warnings.text().find(entries[0].string() + " is unusable (checksum mismatch)"), std::string::npos)
        << warnings.text();
  }
  EXPECT_NE(slurp(entries[0]), damaged);
  EXPECT_TRUE(CodeCache(folder).load(entries[0].stem().string()));

  // Fuel counting changes the code: a different entry.
  {
    auto engine = make_wasmtime_engine({dir.path()});
    ASSERT_TRUE(engine->compile(bytes, CompileOptions{0, true}, &error)) << error;
  }
  entries = entries_in(folder);
  ASSERT_EQ(entries.size(), 2u);
}

// How many bytes of address space are mapped (whatever their protection) from `at` on without a
// gap, by /proc/self/maps.
uint64_t reserved_from(const uint8_t* at) {
  std::ifstream maps("/proc/self/maps");
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (std::string line; std::getline(maps, line);) {
    uint64_t begin = 0, end = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx", &begin, &end) == 2) ranges.emplace_back(begin, end);
  }
  std::sort(ranges.begin(), ranges.end());
  uint64_t addr = reinterpret_cast<uintptr_t>(at), covered = addr;
  for (auto [begin, end] : ranges)
    if (begin <= covered && end > covered) covered = end;
  return covered - addr;
}

uint64_t g_probed_reservation = 0;
const wasi::HostFunction kProbe[] = {{"wws_test", "probe", {}, {}, [](wasi::CallFrame& frame, const uint64_t*) {
                                        g_probed_reservation = reserved_from(frame.memory.range(0, 0));
                                        return uint64_t{0};
                                      }}};

// Cranelift leaves out bounds checks on a 32-bit memory only because every index a guest can
// form lands in address space reserved for that memory (4 GiB and guard pages after its base),
// as the engine's settings promise when it compiles. The memory wws makes and imports for a
// kept instance must have that reservation like a module's own memory. (A smaller reservation
// in the settings would also put a check on every load and store of every module; a pooled
// memory cannot be checked this way, its slots being adjacent.)
TEST(WasmtimeMemory, AKeptInstancesMemoryHasTheReservationThatLetsCodeSkipBoundsChecks) {
  wasi::register_host_functions(kProbe);
  auto engine = make_wasmtime_engine({});
  std::string error;
  auto module = engine->compile(fixture("probe_memory"), {}, &error);
  ASSERT_TRUE(module) << error;
  RunResult r = run(*engine, *module, RunLimits{std::chrono::seconds(5)});
  ASSERT_EQ(r.outcome, Outcome::Ok) << r.message;
  EXPECT_TRUE(r.instance_kept);
  EXPECT_GE(g_probed_reservation, uint64_t{4} << 30);
}

// Code is cached by the module as written; a resettable module's code is in its rewritten form
// (memory imported, wws.reset added), and a start from the cache must still reset its kept
// instance in place with the right data and globals, while a module that cannot be reset still
// gets a fresh instance per run.
TEST(WasmtimeCodeCache, CachedCodeKeepsEachModulesWayOfStartingFresh) {
  TempDir dir;
  fs::path folder = dir.path() / (std::string("wasmtime-") + wasmtime_version());
  std::string error;
  const char* names[] = {"fresh_state", "fresh_big", "table_set"};
  {
    auto engine = make_wasmtime_engine({dir.path()});
    for (const char* name : names) ASSERT_TRUE(engine->compile(fixture(name), {}, &error)) << name << ": " << error;
  }
  std::vector<fs::path> entries = entries_in(folder);
  ASSERT_EQ(entries.size(), std::size(names));
  std::vector<fs::file_time_type> written;
  for (const auto& e : entries) written.push_back(fs::last_write_time(e));

  LoggedWarnings warnings;
  auto engine = make_wasmtime_engine({dir.path()});
  for (const char* name : names) {
    auto module = engine->compile(fixture(name), {}, &error);
    ASSERT_TRUE(module) << name << ": " << error;
    auto executor = engine->new_executor();
    for (int i = 0; i < 3; ++i) {
      wasi::WasiContext ctx(wasi::WasiConfig{});
      RunResult r = executor->run(*module, ctx, RunLimits{std::chrono::seconds(5)});
      EXPECT_EQ(r.outcome, Outcome::Ok) << name << " run " << i << ": " << r.message;
      if (std::string_view(name) == "table_set") continue;
      EXPECT_EQ(ctx.stdout_buffer(), "fresh") << name << " run " << i;
      EXPECT_TRUE(r.instance_kept) << name << " run " << i;
    }
    // The resettable ones: one instance served every run; table_set: one per run.
    EXPECT_EQ(executor->stats().instantiations, std::string_view(name) == "table_set" ? 3u : 1u) << name;
  }
  EXPECT_EQ(warnings.text(), "");
  EXPECT_EQ(entries_in(folder), entries);  // loaded, none compiled again
  for (size_t i = 0; i < entries.size(); ++i) EXPECT_EQ(fs::last_write_time(entries[i]), written[i]);
}

// A stale entry: intact (its checksum matches) but not code this engine can load, here the code
// of the fuel-counting engine filed under the plain engine's key, as if the settings had changed
// without the key noticing. Wasmtime refuses it; wws logs that, compiles again and rewrites it.
TEST(WasmtimeCodeCache, AStaleEntryIsRefusedLoggedAndRebuilt) {
  TempDir dir;
  fs::path folder = dir.path() / (std::string("wasmtime-") + wasmtime_version());
  auto bytes = fixture("hello");
  std::string error;
  {
    auto engine = make_wasmtime_engine({dir.path()});
    ASSERT_TRUE(engine->compile(bytes, {}, &error)) << error;
  }
  fs::path plain = entries_in(folder).at(0);
  {
    auto engine = make_wasmtime_engine({dir.path()});
    ASSERT_TRUE(engine->compile(bytes, CompileOptions{0, true}, &error)) << error;
  }
  auto entries = entries_in(folder);
  ASSERT_EQ(entries.size(), 2u);
  fs::path fuel = entries[0] == plain ? entries[1] : entries[0];
  CodeCache cache(folder);
  std::vector<uint8_t> fuel_code;
  {
    auto entry = cache.load(fuel.stem().string());
    ASSERT_TRUE(entry);
    fuel_code.assign(entry->payload().begin(), entry->payload().end());
  }
  ASSERT_TRUE(cache.store(plain.stem().string(), fuel_code));
  {
    LoggedWarnings warnings;
    auto engine = make_wasmtime_engine({dir.path()});
    auto module = engine->compile(bytes, {}, &error);
    ASSERT_TRUE(module) << error;
    std::string out;
    EXPECT_EQ(run(*engine, *module, {}, &out).outcome, Outcome::Ok);
    EXPECT_EQ(out, "hello");
    EXPECT_NE(warnings.text().find(plain.string() + " is unusable"), std::string::npos) << warnings.text();
  }
  auto rebuilt = cache.load(plain.stem().string());
  ASSERT_TRUE(rebuilt);
  EXPECT_NE(std::vector<uint8_t>(rebuilt->payload().begin(), rebuilt->payload().end()), fuel_code);
}

}  // namespace
}  // namespace wws::engine
