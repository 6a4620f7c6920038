// runtimes/preinit on a real engine: a module following Wizer's convention is booted once, its
// memory and mutable globals (i32 and i64) become the snapshot module's initial state, and
// every run of the snapshot starts from that state, whatever an earlier run changed.
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "engine/module_info.h"
#include "engine/v8/v8_engine.h"
#include "runtimes/preinit.h"
#include "wasm_fixture.h"

namespace wws::runtimes {
namespace {

using test::fixture;

engine::Engine& v8() {
  static auto engine = engine::make_v8_engine();
  return *engine;
}

std::string run(engine::Executor& executor, const engine::CompiledModule& module) {
  wasi::WasiConfig config;
  wasi::WasiContext ctx(std::move(config));
  auto result = executor.run(module, ctx, engine::RunLimits{std::chrono::seconds(5)});
  EXPECT_EQ(result.outcome, engine::Outcome::Ok) << result.message;
  return ctx.stdout_buffer();
}

TEST(RuntimesPreinit, SnapshotStartsFromTheBootedState) {
  auto wasm = fixture("preinit");
  ASSERT_TRUE(can_preinitialise(wasm));
  std::string error;
  auto executor = v8().new_executor();

  // Without a snapshot _start boots itself (argv is empty: the count stays 0).
  auto plain = v8().compile(wasm, {}, &error);
  ASSERT_TRUE(plain) << error;
  EXPECT_EQ(run(*executor, *plain), "booted:01data");

  WorkerLayout layout;
  layout.args = {"a", "b", "c"};
  std::string log;
  auto snapshot = take_snapshot(v8(), wasm, layout, &log, &error);
  ASSERT_TRUE(snapshot) << error << log;
  EXPECT_EQ(snapshot->memory.size(), 2u * 65536);  // the page the module grew is kept
  ASSERT_EQ(snapshot->globals.size(), 3u);
  EXPECT_EQ(snapshot->globals[0], 3u);              // argc at boot
  EXPECT_EQ(snapshot->globals[1], 0x100000001ull);  // the i64 keeps its high word
  EXPECT_EQ(snapshot->globals[2], 65536u);

  auto module = make_snapshot_module(wasm, *snapshot, &error);
  ASSERT_TRUE(module) << error;
  EXPECT_FALSE(can_preinitialise(*module));  // wizer.initialize is gone
  auto info = engine::inspect_module(*module, &error);
  ASSERT_TRUE(info) << error;
  EXPECT_EQ(info->memory.min_pages, 2u);
  auto compiled = v8().compile(*module, {}, &error);
  ASSERT_TRUE(compiled) << error;
  // _start changes globals and memory; each run still starts from the snapshot.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(run(*executor, *compiled), "booted:31data") << "run " << i;
}

TEST(RuntimesPreinit, RefusesWhatItCannotSnapshot) {
  std::string error;
  EXPECT_FALSE(make_capture_module(fixture("hello"), &error));
  EXPECT_NE(error.find("wizer.initialize"), std::string::npos) << error;
}

}  // namespace
}  // namespace wws::runtimes
