// Instance reuse: which modules can be reset in place (engine/instance_reset), and each engine's
// executor running one instance many times while every run still sees a fresh instance's state,
// whatever the previous run did (returned, trapped, exited, ran out of time, grew memory).
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/instance_reset.h"
#include "engine/module_info.h"
#include "engine/v8/v8_engine.h"
#include "engine/wasmtime/wasmtime_engine.h"
#include "wasi/context.h"

namespace wws::engine {
namespace {

std::vector<uint8_t> wasm_fixture(const std::string& name) {
  std::ifstream in(std::string(WWS_UNIT_WASM) + "/" + name + ".wasm", std::ios::binary);
  EXPECT_TRUE(in) << name;
  return {std::istreambuf_iterator<char>(in), {}};
}

std::optional<ResettableModule> plan(const std::string& name, std::string* why) {
  std::string error;
  auto imported = import_memory(wasm_fixture(name), 1024, &error);
  EXPECT_TRUE(imported) << error;
  if (!imported) return std::nullopt;
  return make_resettable(*imported, why);
}

TEST(InstanceReset, ModulesWithMutableGlobalsGetAResetFunction) {
  std::string why;
  auto r = plan("fresh_state", &why);
  ASSERT_TRUE(r) << why;
  EXPECT_TRUE(r->plan.has_reset_function);
  ASSERT_EQ(r->plan.data.size(), 2u);
  EXPECT_EQ(r->plan.data[0].offset, 100u);
  EXPECT_EQ(std::string(r->plan.data[0].bytes.begin(), r->plan.data[0].bytes.end()), "fresh");
  EXPECT_EQ(r->plan.data[1].offset, 200u);
  std::string error;
  auto info = inspect_module(r->wasm, &error);
  ASSERT_TRUE(info) << error;
  EXPECT_NE(std::find(info->exports.begin(), info->exports.end(), std::string(kResetExport)), info->exports.end());
  // Resetting twice would add a second export with the same name: refused.
  EXPECT_FALSE(make_resettable(r->wasm, &why));
  EXPECT_NE(why.find("already exports"), std::string::npos) << why;
}

TEST(InstanceReset, ModulesWithoutMutableGlobalsNeedOnlyTheirData) {
  std::string why;
  auto r = plan("leftover", &why);
  ASSERT_TRUE(r) << why;
  EXPECT_FALSE(r->plan.has_reset_function);
  ASSERT_EQ(r->plan.data.size(), 1u);
}

// What a start from cached code reads instead of rewriting and scanning the module again.
TEST(InstanceReset, TheKnownPlanOfAModuleAsWrittenIsTheRewritesPlan) {
  for (const char* name : {"fresh_state", "leftover", "fresh_big"}) {
    std::string why;
    auto rewritten = plan(name, &why);
    ASSERT_TRUE(rewritten) << name << ": " << why;
    auto known = known_reset_plan(wasm_fixture(name));
    ASSERT_TRUE(known) << name;
    EXPECT_EQ(known->has_reset_function, rewritten->plan.has_reset_function) << name;
    ASSERT_EQ(known->data.size(), rewritten->plan.data.size()) << name;
    for (size_t i = 0; i < known->data.size(); ++i) {
      EXPECT_EQ(known->data[i].offset, rewritten->plan.data[i].offset) << name << " segment " << i;
      EXPECT_EQ(known->data[i].bytes, rewritten->plan.data[i].bytes) << name << " segment " << i;
    }
  }
  EXPECT_FALSE(known_reset_plan(std::vector<uint8_t>{1, 2, 3}));
}

TEST(InstanceReset, StateAResetCannotRestoreMakesAModuleNotResettable) {
  std::string why;
  EXPECT_FALSE(plan("with_start", &why));
  EXPECT_NE(why.find("start function"), std::string::npos) << why;
  EXPECT_FALSE(plan("table_set", &why));
  EXPECT_NE(why.find("table.set"), std::string::npos) << why;
  EXPECT_FALSE(plan("data_drop", &why));
  EXPECT_NE(why.find("data.drop"), std::string::npos) << why;
  // A module that still defines its memory is the engine's to restore, not this plan's.
  EXPECT_FALSE(make_resettable(wasm_fixture("leftover"), &why));
  EXPECT_FALSE(make_resettable(std::vector<uint8_t>{1, 2, 3}, &why));
}

Engine& engine_named(const std::string& name) {
  static auto v8 = make_v8_engine();
  static auto wasmtime = make_wasmtime_engine({});
  return name == "v8" ? *v8 : *wasmtime;
}

struct RunOutput {
  RunResult result;
  std::string out;
};

RunOutput run_with_args(Executor& executor, const CompiledModule& module, int extra_args,
                        std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  wasi::WasiConfig config;
  for (int i = 0; i < extra_args; ++i) config.args.push_back("arg");
  wasi::WasiContext ctx(std::move(config));
  RunOutput r;
  r.result = executor.run(module, ctx, RunLimits{timeout});
  r.out = ctx.stdout_buffer();
  return r;
}

// Both engines keep one instance of a resettable module per executor and reset it after each
// run. V8 keeps it whatever the run did; Wasmtime drops it after a trap or a timeout.
class InstanceReuse : public ::testing::TestWithParam<std::string> {
 protected:
  Engine& engine() { return engine_named(GetParam()); }
  bool keeps_after_traps() const { return GetParam() == "v8"; }
};

// fresh_state resets by writing zeros and data segments; fresh_big (5 MiB) by mapping an image.
TEST_P(InstanceReuse, EveryRunSeesAFreshInstanceWhateverThePreviousOneDid) {
  for (const char* name : {"fresh_state", "fresh_big"}) {
    std::string error;
    auto module = engine().compile(wasm_fixture(name), CompileOptions{}, &error);
    ASSERT_TRUE(module) << error;
    auto executor = engine().new_executor();
    struct Step {
      int args;
      Outcome outcome;
    };
    const Step steps[] = {{0, Outcome::Ok},      {0, Outcome::Ok},      {1, Outcome::Trapped},  {0, Outcome::Ok},
                          {2, Outcome::Exited},  {0, Outcome::Ok},      {3, Outcome::TimedOut}, {0, Outcome::Ok},
                          {1, Outcome::Trapped}, {1, Outcome::Trapped}, {0, Outcome::Ok}};
    int i = 0;
    uint64_t dropped = 0;
    for (const Step& step : steps) {
      RunOutput r = run_with_args(*executor, *module, step.args, std::chrono::milliseconds(200));
      EXPECT_EQ(r.result.outcome, step.outcome) << name << " step " << i << ": " << r.result.message;
      EXPECT_EQ(r.out, "fresh") << name << " step " << i;
      EXPECT_EQ(r.result.instance_kept, keeps_after_traps() || step.args % 2 == 0) << name << " step " << i;
      if (!r.result.instance_kept) ++dropped;
      ++i;
    }
    EXPECT_EQ(executor->stats().runs, std::size(steps));
    // One instance served every run but those after a dropped one.
    EXPECT_EQ(executor->stats().instantiations, 1u + dropped) << name;
  }
}

TEST_P(InstanceReuse, GrowingTheMemoryRetiresTheInstance) {
  std::string error;
  auto module = engine().compile(wasm_fixture("leftover_grow"), CompileOptions{}, &error);
  ASSERT_TRUE(module) << error;
  auto executor = engine().new_executor();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(run_with_args(*executor, *module, 0).out, "clean") << i;
  EXPECT_EQ(executor->stats().instantiations, 3u);
  // Memory the previous run dirtied but did not grow is reset, not replaced.
  auto kept = engine().compile(wasm_fixture("leftover"), CompileOptions{}, &error);
  ASSERT_TRUE(kept) << error;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(run_with_args(*executor, *kept, 0).out, "clean") << i;
  EXPECT_EQ(executor->stats().instantiations, 4u);
}

TEST_P(InstanceReuse, ModulesThatCannotBeResetGetANewInstancePerRun) {
  for (const char* name : {"with_start", "table_set", "data_drop"}) {
    std::string error;
    auto module = engine().compile(wasm_fixture(name), CompileOptions{}, &error);
    ASSERT_TRUE(module) << name << ": " << error;
    auto executor = engine().new_executor();
    for (int i = 0; i < 3; ++i) {
      RunOutput r = run_with_args(*executor, *module, 0);
      EXPECT_EQ(r.result.outcome, Outcome::Ok) << name << " run " << i << ": " << r.result.message;
      EXPECT_EQ(r.out, "ok") << name << " run " << i;
      EXPECT_FALSE(r.result.instance_kept) << name;
    }
    EXPECT_EQ(executor->stats().instantiations, 3u) << name;
  }
}

// A hot reload forgets the module: its kept instance goes, and the next run makes a new one.
TEST_P(InstanceReuse, ForgettingAModuleDropsItsInstance) {
  std::string error;
  auto module = engine().compile(wasm_fixture("leftover"), CompileOptions{}, &error);
  ASSERT_TRUE(module) << error;
  auto executor = engine().new_executor();
  EXPECT_EQ(run_with_args(*executor, *module, 0).out, "clean");
  EXPECT_EQ(run_with_args(*executor, *module, 0).out, "clean");
  executor->forget(*module);
  EXPECT_EQ(run_with_args(*executor, *module, 0).out, "clean");
  EXPECT_EQ(executor->stats().instantiations, 2u);
}

INSTANTIATE_TEST_SUITE_P(Engines, InstanceReuse, ::testing::Values("wasmtime", "v8"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace wws::engine
