// `wws compile [PATH]`: fills the compiled-code cache ahead of time, reports each worker, exits
// 1 when one cannot be compiled; a server started on that cache then uses it.
#include <gtest/gtest.h>

#include "harness.h"

namespace e2e {
namespace {

TEST(Compile, FillsTheCacheAndReportsFailures) {
  Project project;
  project.worker("hello.wasm", "hello").worker("api/[id].wasm", "echo");
  fs::path cache = project.path("_cache");
  RunResult ok = run_wws({"compile", project.root().string(), "--cache-dir", cache.string()});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("hello.wasm (wasmtime)"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("2 compiled, 0 failed"), std::string::npos) << ok.out;
  size_t entries = 0;
  for (const auto& e : fs::recursive_directory_iterator(cache)) entries += e.path().extension() == ".code";
  EXPECT_EQ(entries, 2u);

  Server server(project, {"--cache-dir", cache.string()});
  EXPECT_EQ(server.get("/hello").body, "Hello from wws");

  project.file("broken.wasm", "not wasm at all");
  RunResult bad = run_wws({"compile", project.root().string(), "--cache-dir", cache.string()});
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("broken.wasm"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace e2e
