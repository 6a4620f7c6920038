// The engine-independent checks: module inspection, import checks, memory caps and rewriting.
// Engines running real modules: engine_conformance_test.cpp.
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/module_checks.h"
#include "engine/module_info.h"
#include "engine/v8/v8_engine.h"
#include "wasi/context.h"
#include "wasm_fixture.h"

namespace wws::engine {
namespace {

using test::fixture;

Engine& v8() {
  static auto engine = make_v8_engine();
  return *engine;
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
  EXPECT_NE(error.find("components run on the wasmtime engine"), std::string::npos) << error;
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

}  // namespace
}  // namespace wws::engine
