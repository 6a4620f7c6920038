// preinit/go on a real engine with real Go workers (built from tests/e2e/go by the build): the
// capture stops a Go command at its first read of stdin, and the snapshot module resumes there,
// reading the request each run gives it, with the state package initialisation computed once.
#include <fstream>
#include <iterator>
#include <regex>

#include <gtest/gtest.h>

#include "engine/module_info.h"
#include "engine/v8/v8_engine.h"
#include "preinit/go.h"
#include "worker/kv_binding.h"

namespace wws::preinit {
namespace {

std::vector<uint8_t> read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<uint8_t> go_worker(const std::string& name) {
  return read(std::string(WWS_TEST_WORKERS) + "/go/" + name + ".wasm");
}

engine::Engine& v8() {
  // Modules built with the Go kit import wws_kv, which the server registers at start-up.
  static auto engine = (worker::register_kv_binding(), engine::make_v8_engine());
  return *engine;
}

// Runs the module with a GET of `path` on stdin; returns the response's "data".
std::string serve(const engine::CompiledModule& module, const std::string& path) {
  std::string request =
      R"({"url":"http://localhost)" + path + R"(","method":"GET","headers":{},"body":"","kv":{},"params":{}})";
  wasi::WasiConfig config;
  config.stdin_data = request;
  wasi::WasiContext ctx(std::move(config));
  auto executor = v8().new_executor();
  auto result = executor->run(module, ctx, engine::RunLimits{std::chrono::seconds(60)});
  EXPECT_EQ(result.outcome, engine::Outcome::Ok) << result.message;
  std::smatch m;
  const std::string& out = ctx.stdout_buffer();
  if (!std::regex_search(out, m, std::regex(R"x("data":"([^"]*)")x"))) return "no data in: " + out;
  return m[1];
}

std::string boot_of(const std::string& answer) {
  std::smatch m;
  return std::regex_search(answer, m, std::regex("boot=([0-9-]+)")) ? std::string(m[1]) : "";
}

TEST(PreinitGo, RecognisesGoCommands) {
  EXPECT_TRUE(is_go_command(go_worker("preinit")));
  EXPECT_FALSE(is_go_command(read(std::string(WWS_UNIT_WASM) + "/hello.wasm")));
  std::string error;
  EXPECT_FALSE(make_go_capture_module(read(std::string(WWS_UNIT_WASM) + "/hello.wasm"), &error));
  EXPECT_EQ(error, "it is not a Go command");
}

TEST(PreinitGo, CaptureModuleRedirectsTheFdReadWrapper) {
  auto wasm = go_worker("preinit");
  std::string error;
  auto capture = make_go_capture_module(wasm, &error);
  ASSERT_TRUE(capture) << error;
  auto before = engine::inspect_module(wasm, &error);
  auto after = engine::inspect_module(*capture, &error);
  ASSERT_TRUE(before && after) << error;
  EXPECT_EQ(after->imports.size(), before->imports.size());  // fd_read is still imported
  EXPECT_EQ(after->exports, before->exports);
  EXPECT_TRUE(v8().compile(*capture, {}, &error)) << error;  // it validates
}

TEST(PreinitGo, SnapshotResumesAtTheFirstReadOfStdinOnEveryRun) {
  auto wasm = go_worker("preinit");
  std::string error;
  // Without a snapshot, every run initialises the packages again: `boot` differs.
  auto plain = v8().compile(wasm, {}, &error);
  ASSERT_TRUE(plain) << error;
  const std::string plain_a = serve(*plain, "/a"), plain_b = serve(*plain, "/b");
  EXPECT_NE(boot_of(plain_a), boot_of(plain_b)) << plain_a << " / " << plain_b;

  GoSetup setup;
  setup.env = {{"MESSAGE", "from the snapshot"}};
  auto module = preinitialise_go(v8(), wasm, setup, &error);
  ASSERT_TRUE(module) << error;
  EXPECT_FALSE(engine::inspect_module(*module, &error)->exports.empty());
  auto compiled = v8().compile(*module, {}, &error);
  ASSERT_TRUE(compiled) << error;
  const std::string first = serve(*compiled, "/first");
  const std::string boot = boot_of(first);
  ASSERT_FALSE(boot.empty()) << first;
  // The environment is the one the snapshot was taken with (Go reads it during start-up), the
  // request is each run's own, and nothing a run changes reaches the next one.
  EXPECT_EQ(first, "boot=" + boot + " count=1 message=from the snapshot uri=/first");
  EXPECT_EQ(serve(*compiled, "/second"), "boot=" + boot + " count=1 message=from the snapshot uri=/second");
  EXPECT_EQ(serve(*compiled, "/third"), "boot=" + boot + " count=1 message=from the snapshot uri=/third");
}

TEST(PreinitGo, RefusesWhatItCannotCapture) {
  std::string error;
  EXPECT_FALSE(preinitialise_go(v8(), go_worker("no-stdin"), {}, &error));
  EXPECT_NE(error.find("before its first read of stdin"), std::string::npos) << error;

  GoSetup small;
  small.max_memory_bytes = 64 * 1024;
  EXPECT_FALSE(preinitialise_go(v8(), go_worker("preinit"), small, &error));
  EXPECT_NE(error.find("memory limit"), std::string::npos) << error;

  // Damaged code: a body cut short is refused, not misread.
  auto wasm = go_worker("preinit");
  wasm.resize(wasm.size() / 2);
  EXPECT_FALSE(make_go_capture_module(wasm, &error));
}

}  // namespace
}  // namespace wws::preinit
