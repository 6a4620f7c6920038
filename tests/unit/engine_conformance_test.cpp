// The engine conformance suite: every wasm engine (Wasmtime and V8) runs the same modules and
// must give the same outcomes, output and isolation: fresh state on every run whatever the
// previous run did, exits, traps, time and memory limits, stack overflow, host functions from
// the shared table (also calling back into the guest), other threads.
#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "engine/engine.h"
#include "engine/module_info.h"
#include "engine/v8/v8_engine.h"
#include "engine/wasmtime/wasmtime_engine.h"
#include "util/blocking.h"
#include "wasi/context.h"
#include "wasi/host.h"
#include "wasm_fixture.h"

namespace wws::engine {
namespace {

using test::fixture;

// test.call_back(x): calls the guest's grow_and_double(x), then checks that the memory it sees
// afterwards is the grown one.
uint64_t call_back(wasi::CallFrame& f, const uint64_t* args) {
  uint32_t x = static_cast<uint32_t>(args[0]), r = 0;
  uint32_t argv[] = {x};
  if (!f.guest || !f.guest->call_i32("grow_and_double", argv, &r)) return 0;
  if (f.guest->memory().size() != 2 * kWasmPageSize) return 0;
  return r;
}
const wasi::HostFunction kTestFunctions[] = {
    {"test", "call_back", {wasi::ValType::I32}, {wasi::ValType::I32}, &call_back},
};

Engine& engine_named(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Engine>> engines = [] {
    wasi::register_host_functions(kTestFunctions);
    std::map<std::string, std::unique_ptr<Engine>> m;
    m["v8"] = make_v8_engine();
    m["wasmtime"] = make_wasmtime_engine({});
    return m;
  }();
  return *engines.at(name);
}

struct RunOutput {
  RunResult result;
  std::string out;
};

class EngineConformance : public ::testing::TestWithParam<std::string> {
 protected:
  Engine& engine() { return engine_named(GetParam()); }
  Executor& executor() {
    static std::map<std::string, std::unique_ptr<Executor>> executors;
    auto& e = executors[GetParam()];
    if (!e) e = engine().new_executor();
    return *e;
  }
  // Compiled once per (engine, fixture, limit) and run many times, as the server does.
  std::shared_ptr<CompiledModule> module(const std::string& name, uint64_t memory = 64ull << 20) {
    static std::map<std::tuple<std::string, std::string, uint64_t>, std::shared_ptr<CompiledModule>> compiled;
    auto& m = compiled[{GetParam(), name, memory}];
    std::string error;
    if (!m) m = engine().compile(fixture(name), CompileOptions{memory}, &error);
    EXPECT_TRUE(m) << name << ": " << error;
    return m;
  }
  RunOutput run(const std::string& name, std::chrono::milliseconds timeout = std::chrono::seconds(5),
                uint64_t memory = 64ull << 20, int args = 0) {
    auto m = module(name, memory);
    if (!m) return {};
    wasi::WasiConfig config;
    for (int i = 0; i < args; ++i) config.args.push_back("arg");
    wasi::WasiContext ctx(std::move(config));
    RunOutput r;
    r.result = executor().run(*m, ctx, RunLimits{timeout});
    r.out = ctx.stdout_buffer();
    return r;
  }
};

TEST_P(EngineConformance, RunsAndCapturesStdout) {
  RunOutput r = run("hello");
  EXPECT_EQ(r.result.outcome, Outcome::Ok) << r.result.message;
  EXPECT_EQ(r.out, "hello");
  EXPECT_EQ(run("hello").out, "hello");
}

TEST_P(EngineConformance, TrapIsReported) {
  RunOutput r = run("trap");
  EXPECT_EQ(r.result.outcome, Outcome::Trapped);
  EXPECT_NE(r.result.message.find("unreachable"), std::string::npos) << r.result.message;
}

TEST_P(EngineConformance, ExitCodes) {
  RunOutput three = run("exit3");
  EXPECT_EQ(three.result.outcome, Outcome::Exited);
  EXPECT_EQ(three.result.exit_code, 3u);
  EXPECT_EQ(three.out, "partial");  // output written before exit is kept
  RunOutput zero = run("exit0");
  EXPECT_EQ(zero.result.outcome, Outcome::Ok) << zero.result.message;
}

TEST_P(EngineConformance, TimeLimitStopsLoopsAndTheThreadKeepsServing) {
  auto started = std::chrono::steady_clock::now();
  RunOutput r = run("loop", std::chrono::milliseconds(200));
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r.result.outcome, Outcome::TimedOut) << r.result.message;
  EXPECT_GE(took, std::chrono::milliseconds(190));
  EXPECT_LT(took, std::chrono::seconds(3));
  EXPECT_EQ(run("hello").result.outcome, Outcome::Ok);
}

// A run whose client went away (util::run_scope.cancel set) stops long before its time limit.
TEST_P(EngineConformance, ARunWhoseClientLeftStopsEarly) {
  auto m = module("loop");
  ASSERT_TRUE(m);
  std::atomic<bool> cancel{false};
  std::thread client([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel = true;
  });
  auto started = std::chrono::steady_clock::now();
  RunResult r;
  {
    util::ScopedRun scope(true, &cancel);
    wasi::WasiContext ctx(wasi::WasiConfig{});
    r = executor().run(*m, ctx, RunLimits{std::chrono::seconds(20)});
  }
  auto took = std::chrono::steady_clock::now() - started;
  client.join();
  EXPECT_EQ(r.outcome, Outcome::TimedOut) << r.message;
  EXPECT_GE(took, std::chrono::milliseconds(90));
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_EQ(run("hello").result.outcome, Outcome::Ok);
}

TEST_P(EngineConformance, MemoryCap) {
  RunOutput r = run("grow", std::chrono::seconds(5), 8ull << 20);
  EXPECT_EQ(r.result.outcome, Outcome::OutOfMemory) << r.result.message;
  EXPECT_NE(r.result.message.find("8 MiB"), std::string::npos) << r.result.message;
  EXPECT_EQ(run("hello").result.outcome, Outcome::Ok);
}

TEST_P(EngineConformance, StackOverflowTrapsWithoutCrashing) {
  RunOutput r = run("recurse");
  EXPECT_EQ(r.result.outcome, Outcome::Trapped) << r.result.message;
  EXPECT_EQ(run("hello").result.outcome, Outcome::Ok);
}

TEST_P(EngineConformance, InvalidAndUnlinkableModulesAreCompileErrors) {
  std::string error;
  // A function section naming type 0 in a module with no types.
  std::vector<uint8_t> bad = {0, 'a', 's', 'm', 1, 0, 0, 0, 0x03, 0x02, 0x01, 0x00};
  EXPECT_FALSE(engine().compile(bad, {}, &error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(engine().compile(fixture("unknown_import"), {}, &error));
  EXPECT_NE(error.find("env.mystery"), std::string::npos) << error;
  EXPECT_FALSE(engine().compile(fixture("nostart"), {}, &error));
  EXPECT_NE(error.find("_start"), std::string::npos) << error;
  EXPECT_FALSE(engine().compile(fixture("bigmem"), CompileOptions{128ull << 20}, &error));
  EXPECT_NE(error.find("over its limit of 128 MiB"), std::string::npos) << error;
}

// Whatever the previous run did (returned, trapped, exited, timed out), the next one sees the
// module's initial globals, data, memory size and table.
TEST_P(EngineConformance, EveryRunSeesAFreshInstance) {
  struct Step {
    int args;
    Outcome outcome;
  };
  const Step steps[] = {{0, Outcome::Ok},      {1, Outcome::Trapped},  {0, Outcome::Ok}, {2, Outcome::Exited},
                        {0, Outcome::Ok},      {3, Outcome::TimedOut}, {0, Outcome::Ok}, {1, Outcome::Trapped},
                        {1, Outcome::Trapped}, {0, Outcome::Ok}};
  int i = 0;
  for (const Step& step : steps) {
    RunOutput r = run("fresh_state", std::chrono::milliseconds(200), 64ull << 20, step.args);
    EXPECT_EQ(r.result.outcome, step.outcome) << "step " << i << ": " << r.result.message;
    EXPECT_EQ(r.out, "fresh") << "step " << i;
    ++i;
  }
  for (int j = 0; j < 3; ++j) {
    EXPECT_EQ(run("leftover").out, "clean") << j;
    EXPECT_EQ(run("leftover_grow").out, "clean") << "grown " << j;
  }
  for (const char* name : {"with_start", "table_set", "data_drop"})
    for (int j = 0; j < 3; ++j) EXPECT_EQ(run(name).out, "ok") << name << " run " << j;
}

TEST_P(EngineConformance, HostFunctionsCallBackIntoTheGuest) {
  RunOutput r = run("guest_call");
  EXPECT_EQ(r.result.outcome, Outcome::Ok) << r.result.message;
  EXPECT_EQ(r.out, "ok");
}

TEST_P(EngineConformance, ModulesRunOnOtherThreads) {
  auto m = module("hello");
  ASSERT_TRUE(m);
  std::string out[2];
  std::thread threads[2];
  for (int t = 0; t < 2; ++t)
    threads[t] = std::thread([&, t] {
      auto executor = engine().new_executor();
      for (int i = 0; i < 50; ++i) {
        wasi::WasiContext ctx(wasi::WasiConfig{});
        auto r = executor->run(*m, ctx, RunLimits{});
        out[t] = r.outcome == Outcome::Ok ? ctx.stdout_buffer() : r.message;
        if (out[t] != "hello") break;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(out[0], "hello");
  EXPECT_EQ(out[1], "hello");
}

INSTANTIATE_TEST_SUITE_P(Engines, EngineConformance, ::testing::Values("wasmtime", "v8"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace wws::engine
