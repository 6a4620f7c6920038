// Every key of a worker config read with valid values, and the defaults they replace.
#include <gtest/gtest.h>

#include "config_test_support.h"

namespace wws::config {
namespace {
using testing::fake_env;
using testing::parse;
using Vars = std::vector<std::pair<std::string, std::string>>;

TEST(ConfigKeys, EmptyFileGivesDefaults) {
  auto result = parse("");
  EXPECT_TRUE(result.found);
  EXPECT_EQ(result.error, "");
  EXPECT_FALSE(result.config.name);
  EXPECT_EQ(result.config.version, "");
  EXPECT_TRUE(result.config.vars.empty());
  EXPECT_FALSE(result.config.kv_namespace);
  EXPECT_TRUE(result.config.folders.empty());
  EXPECT_TRUE(result.config.http_requests.allowed_hosts.empty());
  EXPECT_EQ(result.config.http_requests.allowed_methods,
            (std::vector<std::string>{"GET", "POST", "PUT", "PATCH", "DELETE"}));
  EXPECT_FALSE(result.config.http_requests.allow_http);
  EXPECT_FALSE(result.config.limits.timeout);
  EXPECT_FALSE(result.config.limits.memory_bytes);
}

TEST(ConfigKeys, NameAndVersion) {
  auto result = parse("name = \"counter\"\nversion = \"1\"\n");
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.config.name, "counter");
  EXPECT_EQ(result.config.version, "1");
}

TEST(ConfigKeys, VersionIsOptional) {
  // The original rejected the whole file without `version`; wws does not copy that bug.
  auto result = parse("name = \"n\"\n[vars]\nA = \"x\"\n");
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.config.name, "n");
  EXPECT_EQ(result.config.vars, (Vars{{"A", "x"}}));
}

TEST(ConfigKeys, VarsKeepFileOrder) {
  auto result = parse("[vars]\nZETA = \"1\"\nALPHA = \"2\"\nMID = \"3\"\n");
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.config.vars, (Vars{{"ZETA", "1"}, {"ALPHA", "2"}, {"MID", "3"}}));
}

TEST(ConfigKeys, DollarNameTakesTheHostVariable) {
  auto result =
      parse("[vars]\nTOKEN = \"$SECRET\"\n", std::filesystem::temp_directory_path(), fake_env({{"SECRET", "s3cr3t"}}));
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.config.vars, (Vars{{"TOKEN", "s3cr3t"}}));
}

TEST(ConfigKeys, DollarNameUnsetOnTheHostIsEmpty) {
  auto result = parse("[vars]\nTOKEN = \"$MISSING\"\n");
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.config.vars, (Vars{{"TOKEN", ""}}));
}

TEST(ConfigKeys, DollarValueWithASpaceIsLiteral) {
  auto result = parse("[vars]\nPRICE = \"$5 each\"\n", std::filesystem::temp_directory_path(),
                      fake_env({{"5", "nope"}, {"5 each", "nope"}}));
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.config.vars, (Vars{{"PRICE", "$5 each"}}));
}

TEST(ConfigKeys, DollarOnlyAtTheStartIsAReference) {
  auto result = parse("[vars]\nA = \"pre$HOME\"\n", std::filesystem::temp_directory_path(), fake_env({{"HOME", "/h"}}));
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.config.vars, (Vars{{"A", "pre$HOME"}}));
}

TEST(ConfigKeys, DefaultEnvLookupReadsTheProcessEnvironment) {
  ::setenv("WWS_CONFIG_TEST_VAR", "from-host", 1);
  auto result = parse_worker_config("[vars]\nV = \"$WWS_CONFIG_TEST_VAR\"\n", "w.toml", ".");
  ::unsetenv("WWS_CONFIG_TEST_VAR");
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.config.vars, (Vars{{"V", "from-host"}}));
}

TEST(ConfigKeys, KvNamespace) {
  auto result = parse("[data.kv]\nnamespace = \"counter\"\n");
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.config.kv_namespace, "counter");
  EXPECT_FALSE(result.config.kv_limits.max_keys);
}

TEST(ConfigKeys, KvLimits) {
  auto result =
      parse("[data.kv]\nnamespace = \"c\"\nmax_keys = 10\nmax_value_bytes = 2048\nmax_namespace_bytes = 65536\n");
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.config.kv_limits.max_keys, 10u);
  EXPECT_EQ(result.config.kv_limits.max_value_bytes, 2048u);
  EXPECT_EQ(result.config.kv_limits.max_namespace_bytes, 65536u);
}

TEST(ConfigKeys, HttpRequestsFeature) {
  auto result = parse(
      "[features.http_requests]\n"
      "allowed_hosts = [\"jsonplaceholder.typicode.com\", \"api.example.com\"]\n"
      "allowed_methods = [\"get\", \"Head\", \"OPTIONS\", \"GET\"]\n"
      "allow_http = true\n");
  ASSERT_EQ(result.error, "");
  const auto& http = result.config.http_requests;
  EXPECT_EQ(http.allowed_hosts, (std::vector<std::string>{"jsonplaceholder.typicode.com", "api.example.com"}));
  EXPECT_EQ(http.allowed_methods, (std::vector<std::string>{"GET", "HEAD", "OPTIONS"}));
  EXPECT_TRUE(http.allow_http);
}

TEST(ConfigKeys, HttpRequestsPartialKeepsOtherDefaults) {
  auto result = parse("[features.http_requests]\nallowed_hosts = [\"a.example\"]\n");
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.config.http_requests.allowed_methods,
            (std::vector<std::string>{"GET", "POST", "PUT", "PATCH", "DELETE"}));
  EXPECT_FALSE(result.config.http_requests.allow_http);
}

TEST(ConfigKeys, EmptyMethodListDeniesEverything) {
  auto result = parse("[features.http_requests]\nallowed_methods = []\n");
  ASSERT_EQ(result.error, "");
  EXPECT_TRUE(result.config.http_requests.allowed_methods.empty());
}

TEST(ConfigKeys, Limits) {
  auto result = parse("[limits]\ntimeout_ms = 1500\nmemory_mb = 64\n");
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.config.limits.timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(result.config.limits.memory_bytes, 64ull << 20);
}

TEST(ConfigKeys, ConcurrencyAndQueueLimits) {
  auto result = parse("[limits]\nmax_concurrency = 3\nmax_queue = 0\n");
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.config.limits.max_concurrency, 3u);
  EXPECT_EQ(result.config.limits.max_queue, 0u);
  auto unset = parse("[limits]\ntimeout_ms = 5\n");
  EXPECT_FALSE(unset.config.limits.max_concurrency);
  EXPECT_FALSE(unset.config.limits.max_queue);
}

TEST(ConfigKeys, MemoryLimitUpperBoundIsAccepted) {
  auto result = parse("[limits]\nmemory_mb = 4096\n");
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.config.limits.memory_bytes, 4096ull << 20);
}

TEST(ConfigKeys, UnknownKeysAreIgnoredWithAWarning) {
  auto result = parse(
      "colour = 3\n"
      "[features.wasi_nn]\nallowed_backends = [\"openvino\"]\n"
      "[features.http_requests]\nsomething = 1\n"
      "[elsewhere]\nx = [1, 2]\n");
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.warnings.size(), 4u);  // config_warnings_test.cpp checks their text
}

}  // namespace
}  // namespace wws::config

namespace wws::config {
namespace {

TEST(ConfigJs, FreshContextKey) {
  auto on = parse_worker_config("[js]\nfresh_context = true\n", "w.toml", "/tmp");
  EXPECT_TRUE(on.error.empty()) << on.error;
  EXPECT_TRUE(on.config.js_fresh_context);
  auto off = parse_worker_config("name = \"x\"\n", "w.toml", "/tmp");
  EXPECT_FALSE(off.config.js_fresh_context);
  auto wrong = parse_worker_config("[js]\nfresh_context = \"yes\"\n", "w.toml", "/tmp");
  EXPECT_NE(wrong.error.find("w.toml:2:17: [js] fresh_context must be true or false (found string)"), std::string::npos)
      << wrong.error;
}

}  // namespace
}  // namespace wws::config

namespace wws::config {
namespace {

TEST(ConfigKeys, WasmEngineAndFuel) {
  auto result = testing::parse("[wasm]\nengine = \"v8\"\n[limits]\nfuel = 1000000\n");
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.config.wasm_engine, "v8");
  EXPECT_EQ(result.config.limits.fuel, 1000000u);
  EXPECT_FALSE(testing::parse("").config.wasm_engine);
  EXPECT_FALSE(testing::parse("").config.limits.fuel);
}

TEST(ConfigKeys, BadWasmEngineOrFuelIsAnError) {
  auto engine = testing::parse("[wasm]\nengine = \"wasm3\"\n");
  EXPECT_NE(engine.error.find("[wasm] engine must be \"wasmtime\" or \"v8\""), std::string::npos) << engine.error;
  auto fuel = testing::parse("[limits]\nfuel = 0\n");
  EXPECT_NE(fuel.error.find("[limits] fuel must be a positive number"), std::string::npos) << fuel.error;
  auto type = testing::parse("[limits]\nfuel = \"lots\"\n");
  EXPECT_NE(type.error.find("[limits] fuel"), std::string::npos) << type.error;
}

}  // namespace
}  // namespace wws::config
