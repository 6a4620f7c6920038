// Every rejected value reports "<file>:<line>:<col>: <reason>" and leaves the defaults in place.
#include <gtest/gtest.h>

#include "config_test_support.h"

namespace wws::config {
namespace {
using testing::parse;

std::string error_of(std::string_view text) { return parse(text).error; }

TEST(ConfigErrors, ErrorLeavesDefaults) {
  auto result = parse("name = \"kept?\"\n[vars]\nA = \"x\"\n[limits]\ntimeout_ms = 0\n");
  EXPECT_TRUE(result.found);
  EXPECT_EQ(result.error, "w.toml:5:14: [limits] timeout_ms must be a positive number of milliseconds (found 0)");
  EXPECT_FALSE(result.config.name);
  EXPECT_TRUE(result.config.vars.empty());
  EXPECT_FALSE(result.config.limits.timeout);
}

TEST(ConfigErrors, BadSyntaxReportsLineAndColumn) {
  std::string error = error_of("name = \"ok\"\nversion = \n");
  EXPECT_EQ(error.rfind("w.toml:2:", 0), 0u) << error;
  EXPECT_NE(error.find("invalid TOML"), std::string::npos) << error;
}

TEST(ConfigErrors, UnterminatedStringReportsItsLine) {
  std::string error = error_of("[vars]\nA = \"b\nC = \"d\"\n");
  EXPECT_EQ(error.rfind("w.toml:2:", 0), 0u) << error;
}

TEST(ConfigErrors, DuplicateKeyIsASyntaxError) {
  std::string error = error_of("name = \"a\"\nname = \"b\"\n");
  EXPECT_EQ(error.rfind("w.toml:2:", 0), 0u) << error;
}

TEST(ConfigErrors, NameMustBeAString) {
  EXPECT_EQ(error_of("name = 3\n"), "w.toml:1:8: name must be a string (found integer)");
}

TEST(ConfigErrors, VersionMustBeAString) {
  EXPECT_EQ(error_of("name = \"n\"\nversion = 1\n"), "w.toml:2:11: version must be a string (found integer)");
}

TEST(ConfigErrors, VarsMustBeATable) {
  EXPECT_EQ(error_of("vars = \"A=1\"\n"), "w.toml:1:8: vars must be a table (found string)");
}

TEST(ConfigErrors, VarValueMustBeAString) {
  EXPECT_EQ(error_of("[vars]\nOK = \"1\"\nMESSAGE = 42\n"),
            "w.toml:3:11: [vars] MESSAGE must be a string (found integer)");
  EXPECT_EQ(error_of("[vars]\nFLAG = true\n"), "w.toml:2:8: [vars] FLAG must be a string (found boolean)");
  EXPECT_EQ(error_of("[vars]\nLIST = [\"a\"]\n"), "w.toml:2:8: [vars] LIST must be a string (found array)");
}

TEST(ConfigErrors, VarNameWithEqualsIsRejected) {
  std::string error = error_of("[vars]\n\"A=B\" = \"x\"\n");
  EXPECT_EQ(error.rfind("w.toml:2:", 0), 0u) << error;
  EXPECT_NE(error.find("[vars] \"A=B\" is not a usable variable name"), std::string::npos) << error;
}

TEST(ConfigErrors, KvNamespaceMustBeAString) {
  EXPECT_EQ(error_of("[data.kv]\nnamespace = 7\n"),
            "w.toml:2:13: [data.kv] namespace must be a string (found integer)");
}

TEST(ConfigErrors, KvNamespaceMustNotBeEmpty) {
  std::string error = error_of("[data.kv]\nnamespace = \"\"\n");
  EXPECT_EQ(error.rfind("w.toml:2:13: [data.kv] namespace must not be empty", 0), 0u) << error;
}

TEST(ConfigErrors, KvTableNeedsANamespace) {
  EXPECT_EQ(error_of("name = \"n\"\n[data.kv]\nother = 1\n"),
            "w.toml:2:1: [data.kv] needs a namespace, e.g. namespace = \"counter\"");
}

TEST(ConfigErrors, KvLimitsMustBePositiveIntegers) {
  EXPECT_EQ(error_of("[data.kv]\nnamespace = \"n\"\nmax_keys = 0\n"),
            "w.toml:3:12: [data.kv] max_keys must be a positive number (found 0)");
  EXPECT_EQ(error_of("[data.kv]\nnamespace = \"n\"\nmax_value_bytes = \"1MB\"\n"),
            "w.toml:3:19: [data.kv] max_value_bytes must be an integer (found string)");
}

TEST(ConfigErrors, KvMustBeATable) {
  EXPECT_EQ(error_of("[data]\nkv = \"counter\"\n"), "w.toml:2:6: [data] kv must be a table (found string)");
}

TEST(ConfigErrors, AllowedHostsMustBeStrings) {
  EXPECT_EQ(error_of("[features.http_requests]\nallowed_hosts = \"a.com\"\n"),
            "w.toml:2:17: [features.http_requests] allowed_hosts must be an array (found string)");
  EXPECT_EQ(error_of("[features.http_requests]\nallowed_hosts = [\"a.com\", 5]\n"),
            "w.toml:2:27: [features.http_requests] allowed_hosts[1] must be a string (found integer)");
}

TEST(ConfigErrors, AllowedHostIsABareHostName) {
  std::string error = error_of("[features.http_requests]\nallowed_hosts = [\"https://a.com\"]\n");
  EXPECT_EQ(
      error.rfind("w.toml:2:18: [features.http_requests] allowed_hosts[0] = \"https://a.com\" must be a bare host", 0),
      0u)
      << error;
}

TEST(ConfigErrors, UnknownMethodIsRejected) {
  EXPECT_EQ(error_of("[features.http_requests]\nallowed_methods = [\"GET\", \"fetch\"]\n"),
            "w.toml:2:27: [features.http_requests] allowed_methods[1] = \"FETCH\" is not a method workers can send; "
            "use GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD");
}

TEST(ConfigErrors, AllowedMethodsMustBeStrings) {
  EXPECT_EQ(error_of("[features.http_requests]\nallowed_methods = [1]\n"),
            "w.toml:2:20: [features.http_requests] allowed_methods[0] must be a string (found integer)");
}

TEST(ConfigErrors, AllowHttpMustBeABoolean) {
  EXPECT_EQ(error_of("[features.http_requests]\nallow_http = \"yes\"\n"),
            "w.toml:2:14: [features.http_requests] allow_http must be true or false (found string)");
}

TEST(ConfigErrors, FeaturesMustBeTables) {
  EXPECT_EQ(error_of("features = 1\n"), "w.toml:1:12: features must be a table (found integer)");
  EXPECT_EQ(error_of("[features]\nhttp_requests = true\n"),
            "w.toml:2:17: [features] http_requests must be a table (found boolean)");
}

TEST(ConfigErrors, TimeoutMustBeAPositiveInteger) {
  EXPECT_EQ(error_of("[limits]\ntimeout_ms = 1.5\n"),
            "w.toml:2:14: [limits] timeout_ms must be an integer (found float)");
  EXPECT_EQ(error_of("[limits]\ntimeout_ms = -3\n"),
            "w.toml:2:14: [limits] timeout_ms must be a positive number of milliseconds (found -3)");
}

TEST(ConfigErrors, MemoryMustBeWithinBounds) {
  EXPECT_EQ(error_of("[limits]\nmemory_mb = 0\n"),
            "w.toml:2:13: [limits] memory_mb must be between 1 and 4096 MiB (found 0)");
  EXPECT_EQ(error_of("[limits]\nmemory_mb = 4097\n"),
            "w.toml:2:13: [limits] memory_mb must be between 1 and 4096 MiB (found 4097)");
  EXPECT_EQ(error_of("[limits]\nmemory_mb = \"64\"\n"),
            "w.toml:2:13: [limits] memory_mb must be an integer (found string)");
}

TEST(ConfigErrors, ConcurrencyAndQueueMustBeWithinBounds) {
  EXPECT_EQ(error_of("[limits]\nmax_concurrency = 0\n"),
            "w.toml:2:19: [limits] max_concurrency must be a number of runs at once from 1 to 1024 (found 0)");
  EXPECT_EQ(error_of("[limits]\nmax_queue = -1\n"),
            "w.toml:2:13: [limits] max_queue must be a number of waiting requests from 0 to 1000000 (found -1)");
  EXPECT_EQ(error_of("[limits]\nmax_queue = \"9\"\n"),
            "w.toml:2:13: [limits] max_queue must be an integer (found string)");
}

TEST(ConfigErrors, LimitsMustBeATable) {
  EXPECT_EQ(error_of("limits = 5\n"), "w.toml:1:10: limits must be a table (found integer)");
}

}  // namespace
}  // namespace wws::config
