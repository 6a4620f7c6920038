// What only the Wasmtime engine does: CPU budgets (fuel) and the on-disk code cache, whose
// damaged entries must be detected, removed and rebuilt rather than loaded.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/code_cache.h"
#include "engine/wasmtime/wasmtime_engine.h"
#include "wasi/context.h"

namespace wws::engine {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> fixture(const std::string& name) {
  std::ifstream in(std::string(WWS_UNIT_WASM) + "/" + name + ".wasm", std::ios::binary);
  EXPECT_TRUE(in) << name;
  return {std::istreambuf_iterator<char>(in), {}};
}

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

TEST(CodeCache, StoresAndLoadsAndRefusesDamagedEntries) {
  TempDir dir;
  CodeCache cache(dir.path() / "sub");
  std::vector<uint8_t> payload = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::string key = CodeCache::key(payload, "settings");
  EXPECT_NE(key, CodeCache::key(payload, "other settings"));
  EXPECT_FALSE(cache.load(key));
  ASSERT_TRUE(cache.store(key, payload));
  EXPECT_EQ(cache.load(key), payload);
  // One flipped bit in the payload: refused and removed.
  {
    std::fstream f(cache.path_for(key), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-1, std::ios::end);
    f.put(static_cast<char>(9 ^ 1));
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

TEST(WasmtimeCodeCache, CompiledCodeIsReusedAndADamagedEntryIsRebuilt) {
  TempDir dir;
  auto bytes = fixture("hello");
  std::string error;
  {
    auto engine = make_wasmtime_engine({dir.path()});
    ASSERT_TRUE(engine->compile(bytes, {}, &error)) << error;
  }
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir.path())) entries.push_back(e.path());
  ASSERT_EQ(entries.size(), 1u);
  std::string first = slurp(entries[0]);
  auto written = fs::last_write_time(entries[0]);

  // A second engine (a second start) loads the entry instead of compiling: it is not rewritten.
  {
    auto engine = make_wasmtime_engine({dir.path()});
    auto module = engine->compile(bytes, {}, &error);
    ASSERT_TRUE(module) << error;
    std::string out;
    EXPECT_EQ(run(*engine, *module, {}, &out).outcome, Outcome::Ok);
    EXPECT_EQ(out, "hello");
  }
  EXPECT_EQ(fs::last_write_time(entries[0]), written);

  // Damage the compiled code: the checksum catches it, the module is compiled again and the
  // entry rewritten, intact.
  {
    std::string damaged = first;
    damaged[damaged.size() / 2] ^= 0x5a;
    std::ofstream(entries[0], std::ios::binary | std::ios::trunc) << damaged;
  }
  {
    auto engine = make_wasmtime_engine({dir.path()});
    auto module = engine->compile(bytes, {}, &error);
    ASSERT_TRUE(module) << error;
    std::string out;
    EXPECT_EQ(run(*engine, *module, {}, &out).outcome, Outcome::Ok);
    EXPECT_EQ(out, "hello");
  }
  EXPECT_NE(slurp(entries[0]), std::string(first).replace(first.size() / 2, 1, 1, first[first.size() / 2] ^ 0x5a));
  EXPECT_TRUE(CodeCache(dir.path()).load(entries[0].stem().string()));

  // Fuel counting changes the code: a different entry.
  {
    auto engine = make_wasmtime_engine({dir.path()});
    ASSERT_TRUE(engine->compile(bytes, CompileOptions{0, true}, &error)) << error;
  }
  size_t count = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++count;
  EXPECT_EQ(count, 2u);
}

}  // namespace
}  // namespace wws::engine
