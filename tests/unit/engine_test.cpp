// The engine seam: module inspection and memory capping (engine-independent), and the V8
// engine running real modules: output, traps, exits, time and memory limits.
#include <fstream>
#include <map>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/module_checks.h"
#include "engine/module_info.h"
#include "engine/v8/v8_engine.h"
#include "wasi/context.h"

namespace wws::engine {
namespace {

std::vector<uint8_t> fixture(const std::string& name) {
  std::ifstream in(std::string(WWS_UNIT_WASM) + "/" + name + ".wasm", std::ios::binary);
  EXPECT_TRUE(in) << name;
  return {std::istreambuf_iterator<char>(in), {}};
}

Engine& v8() {
  static auto engine = make_v8_engine();
  return *engine;
}

struct RunOutput {
  RunResult result;
  std::string stdout_text;
};

RunOutput run(const std::string& name, std::chrono::milliseconds timeout = std::chrono::seconds(5),
        uint64_t memory = 64ull << 20) {
  static auto executor = v8().new_executor();
  // Compiled once per (fixture, limit) and run many times, as the server does, so every test
  // also exercises the per-thread reuse of instances' memory.
  static std::map<std::pair<std::string, uint64_t>, std::shared_ptr<CompiledModule>> compiled;
  std::string error;
  auto& module = compiled[{name, memory}];
  if (!module) module = v8().compile(fixture(name), CompileOptions{memory}, &error);
  EXPECT_TRUE(module) << error;
  if (!module) return {};
  wasi::WasiContext ctx(wasi::WasiConfig{});
  RunOutput r;
  r.result = executor->run(*module, ctx, RunLimits{timeout});
  r.stdout_text = ctx.stdout_buffer();
  return r;
}

TEST(ModuleInfo, ReadsImportsAndMemory) {
  std::string error;
  auto bytes = fixture("exit3");
  auto info = inspect_module(bytes, &error);
  ASSERT_TRUE(info) << error;
  ASSERT_EQ(info->imports.size(), 2u);
  EXPECT_EQ(info->imports[0].module, "wasi_snapshot_preview1");
  EXPECT_EQ(info->imports[0].name, "fd_write");
  EXPECT_EQ(info->imports[0].type.params.size(), 4u);
  EXPECT_EQ(info->imports[1].name, "proc_exit");
  EXPECT_TRUE(info->imports[1].type.results.empty());
  EXPECT_TRUE(info->memory.defined);
  EXPECT_EQ(info->memory.min_pages, 1u);
  EXPECT_FALSE(info->memory.max_pages);
  EXPECT_EQ(check_imports(*info), "");
}

TEST(ModuleInfo, RejectsGarbageAndComponents) {
  std::string error;
  std::vector<uint8_t> garbage = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'a', 's', 'm'};
  EXPECT_FALSE(inspect_module(garbage, &error));
  EXPECT_NE(error.find("not a WebAssembly module"), std::string::npos) << error;
  std::vector<uint8_t> component = {0, 'a', 's', 'm', 0x0d, 0, 1, 0};
  EXPECT_FALSE(inspect_module(component, &error));
  EXPECT_NE(error.find("components are not supported"), std::string::npos) << error;
  auto truncated = fixture("hello");
  truncated.resize(truncated.size() - 3);
  EXPECT_FALSE(inspect_module(truncated, &error));
}

TEST(ModuleInfo, ReportsUnknownAndMistypedImports) {
  std::string error;
  auto bytes = fixture("unknown_import");
  auto info = inspect_module(bytes, &error);
  ASSERT_TRUE(info) << error;
  std::string problems = check_imports(*info);
  EXPECT_NE(problems.find("env.mystery, which wws does not provide"), std::string::npos) << problems;
  EXPECT_NE(problems.find("fd_write with signature (i32, i32) -> i32"), std::string::npos) << problems;
  std::string compile_error;
  EXPECT_FALSE(v8().compile(bytes, {}, &compile_error));
  EXPECT_NE(compile_error.find("env.mystery"), std::string::npos);
}

TEST(ModuleInfo, CapsMemory) {
  std::string error;
  auto bytes = fixture("hello");
  auto capped = cap_memory(bytes, 16, &error);
  ASSERT_TRUE(capped) << error;
  auto info = inspect_module(*capped, &error);
  ASSERT_TRUE(info) << error;
  EXPECT_EQ(info->memory.min_pages, 1u);
  EXPECT_EQ(info->memory.max_pages, 16u);
  auto big = fixture("bigmem");
  EXPECT_FALSE(cap_memory(big, 2048, &error));
  EXPECT_NE(error.find("over its limit of 128 MiB"), std::string::npos) << error;
}

TEST(V8Engine, RunsAndCapturesStdout) {
  RunOutput r = run("hello");
  EXPECT_EQ(r.result.outcome, Outcome::Ok) << r.result.message;
  EXPECT_EQ(r.stdout_text, "hello");
  // A fresh instance per run: the same module runs again with the same result.
  RunOutput again = run("hello");
  EXPECT_EQ(again.stdout_text, "hello");
}

TEST(V8Engine, TrapIsReported) {
  RunOutput r = run("trap");
  EXPECT_EQ(r.result.outcome, Outcome::Trapped);
  EXPECT_NE(r.result.message.find("unreachable"), std::string::npos) << r.result.message;
}

TEST(V8Engine, ExitCodes) {
  RunOutput three = run("exit3");
  EXPECT_EQ(three.result.outcome, Outcome::Exited);
  EXPECT_EQ(three.result.exit_code, 3u);
  EXPECT_EQ(three.stdout_text, "partial");  // output written before exit is kept
  RunOutput zero = run("exit0");
  EXPECT_EQ(zero.result.outcome, Outcome::Ok) << zero.result.message;
}

TEST(V8Engine, TimeLimitStopsLoopsAndTheThreadKeepsServing) {
  auto started = std::chrono::steady_clock::now();
  RunOutput r = run("loop", std::chrono::milliseconds(200));
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r.result.outcome, Outcome::TimedOut) << r.result.message;
  EXPECT_LT(took, std::chrono::seconds(3));
  EXPECT_EQ(run("hello").result.outcome, Outcome::Ok);
}

TEST(V8Engine, MemoryCap) {
  RunOutput r = run("grow", std::chrono::seconds(5), 8ull << 20);
  EXPECT_EQ(r.result.outcome, Outcome::OutOfMemory) << r.result.message;
  EXPECT_NE(r.result.message.find("8 MiB"), std::string::npos) << r.result.message;
  EXPECT_EQ(run("hello").result.outcome, Outcome::Ok);
}

TEST(V8Engine, StackOverflowTrapsWithoutCrashing) {
  RunOutput r = run("recurse");
  EXPECT_EQ(r.result.outcome, Outcome::Trapped);
  EXPECT_EQ(run("hello").result.outcome, Outcome::Ok);
}

TEST(ModuleChecks, ACommandWithoutStartIsRefusedAtCompileTime) {
  std::string error;
  EXPECT_FALSE(check_module(fixture("nostart"), {}, &error));
  EXPECT_NE(error.find("exports no _start function"), std::string::npos) << error;
  EXPECT_FALSE(v8().compile(fixture("nostart"), {}, &error));
  EXPECT_NE(error.find("_start"), std::string::npos) << error;
}

TEST(ModuleChecks, MemoryCapIsTheLimitOrTheModulesOwnMaximum) {
  std::string error;
  auto hello = check_module(fixture("hello"), CompileOptions{8ull << 20}, &error);
  ASSERT_TRUE(hello) << error;
  EXPECT_EQ(hello->max_pages, 128u);
  EXPECT_FALSE(check_module(fixture("bigmem"), CompileOptions{128ull << 20}, &error));
  EXPECT_NE(error.find("over its limit of 128 MiB"), std::string::npos) << error;
}

TEST(V8Engine, InvalidModuleIsACompileError) {
  std::string error;
  // A function section naming type 0 in a module with no types.
  std::vector<uint8_t> bad = {0, 'a', 's', 'm', 1, 0, 0, 0, 0x03, 0x02, 0x01, 0x00};
  EXPECT_FALSE(v8().compile(bad, {}, &error));
  EXPECT_FALSE(error.empty());
}

TEST(V8Engine, ModulesRunOnOtherThreads) {
  std::string error;
  auto module = v8().compile(fixture("hello"), {}, &error);
  ASSERT_TRUE(module) << error;
  std::string out;
  std::thread t([&] {
    auto executor = v8().new_executor();
    wasi::WasiContext ctx(wasi::WasiConfig{});
    auto r = executor->run(*module, ctx, RunLimits{});
    out = r.outcome == Outcome::Ok ? ctx.stdout_buffer() : r.message;
  });
  t.join();
  EXPECT_EQ(out, "hello");
}

}  // namespace
}  // namespace wws::engine

namespace wws::engine {
namespace {

TEST(ModuleInfo, ImportsTheMemory) {
  std::string error;
  auto bytes = fixture("exit3");  // has imports and a data segment
  auto rewritten = import_memory(bytes, 32, &error);
  ASSERT_TRUE(rewritten) << error;
  auto info = inspect_module(*rewritten, &error);
  ASSERT_TRUE(info) << error;
  EXPECT_FALSE(info->memory.defined);
  ASSERT_EQ(info->imports.size(), 3u);
  EXPECT_EQ(info->imports[2].module, "wws");
  EXPECT_EQ(info->imports[2].name, "memory");
  EXPECT_EQ(info->imports[2].kind, 2);
  // A module without an import section gets one.
  auto trap = fixture("trap");
  auto with_section = import_memory(trap, 32, &error);
  ASSERT_TRUE(with_section) << error;
  auto trap_info = inspect_module(*with_section, &error);
  ASSERT_TRUE(trap_info) << error;
  ASSERT_EQ(trap_info->imports.size(), 1u);
  EXPECT_FALSE(import_memory(fixture("bigmem"), 2048, &error));
}

// Memory is reused across runs on a thread, so each run must still start from zeroed memory
// of the declared size; the "leftover" fixture fails if it sees a previous run's writes.
TEST(V8Engine, ReusedMemoryStartsZeroedAndAtItsInitialSize) {
  for (int i = 0; i < 3; ++i) {
    RunOutput r = run("leftover");
    EXPECT_EQ(r.result.outcome, Outcome::Ok) << r.result.message;
    EXPECT_EQ(r.stdout_text, "clean") << "run " << i;
  }
  // A run that grew the memory leaves it bigger than declared: the next run gets a new one.
  for (int i = 0; i < 3; ++i) {
    RunOutput r = run("leftover_grow");
    EXPECT_EQ(r.stdout_text, "clean") << "grown run " << i;
  }
}

}  // namespace
}  // namespace wws::engine
