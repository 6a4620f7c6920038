// No silent mistakes in a worker's TOML: unknown keys and tables warn with the nearest valid
// name, every error of a file is reported (not only the first), "$NAME" of an unset host
// variable warns and "$$" writes a literal "$".
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/schema.h"
#include "config_test_support.h"

namespace wws::config {
namespace {
using ::testing::ElementsAre;
using testing::fake_env;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::parse;

TEST(ConfigWarnings, AMisspelledTableNamesTheRightOne) {
  auto r = parse("[limts]\ntimeout_ms = 10\n");
  EXPECT_EQ(r.error, "");
  EXPECT_THAT(r.warnings, ElementsAre("w.toml:1:2: unknown table [limts]; did you mean [limits]? (ignored)"));
}

TEST(ConfigWarnings, AMisspelledKeyNamesTheRightOne) {
  auto r = parse("nmae = \"x\"\n[limits]\ntimout_ms = 10\n[features.http_request]\nallowed_hosts = []\n");
  EXPECT_THAT(r.warnings,
              ElementsAre("w.toml:1:1: unknown key nmae; did you mean name? (ignored)",
                          "w.toml:3:1: unknown key timout_ms in [limits]; did you mean timeout_ms? (ignored)",
                          "w.toml:4:11: unknown table [features.http_request]; did you mean "
                          "[features.http_requests]? (ignored)"));
}

TEST(ConfigWarnings, AKeyInTheWrongTableNamesItsPlace) {
  auto r = parse("timeout_ms = 10\n[data]\nnamespace = \"n\"\n");
  EXPECT_THAT(r.warnings,
              ElementsAre(HasSubstr("w.toml:1:1: unknown key timeout_ms; did you mean timeout_ms in [limits]?"),
                          HasSubstr("w.toml:3:1: unknown key namespace in [data]; did you mean namespace in "
                                    "[data.kv]?")));
}

TEST(ConfigWarnings, FarFromAnythingGetsNoGuess) {
  auto r = parse("[elsewhere]\nx = 1\n");
  EXPECT_THAT(r.warnings, ElementsAre("w.toml:1:2: unknown table [elsewhere] (ignored)"));
}

TEST(ConfigWarnings, EveryKnownKeyIsQuiet) {
  auto r = parse(
      "name = \"n\"\nversion = \"1\"\n[vars]\nANY_NAME = \"v\"\n[data.kv]\nnamespace = \"n\"\n"
      "[[folders]]\nfrom = \".\"\nto = \"/data\"\n"
      "[features.http_requests]\nallowed_hosts = [\"a.example\"]\nallowed_methods = [\"GET\"]\nallow_http = true\n"
      "[limits]\ntimeout_ms = 5\nmemory_mb = 5\n[js]\nfresh_context = true\n");
  EXPECT_EQ(r.error, "");
  EXPECT_THAT(r.warnings, IsEmpty());
}

TEST(ConfigWarnings, WasiNnIsKnownButNotAvailable) {
  auto r = parse("[features.wasi_nn]\nallowed_backends = [\"openvino\"]\n");
  EXPECT_THAT(r.warnings, ElementsAre(HasSubstr("[features.wasi_nn]: wasi-nn is not available in wws")));
}

TEST(ConfigWarnings, EveryErrorOfAFileIsReported) {
  auto r = parse("name = 1\n[vars]\nA = 2\nB = \"ok\"\nC = false\n[limits]\ntimeout_ms = 0\nmemory_mb = 99999\n");
  EXPECT_THAT(
      r.errors,
      ElementsAre(HasSubstr("w.toml:1:8: name must be a string"), HasSubstr("w.toml:3:5: [vars] A must be a string"),
                  HasSubstr("w.toml:5:5: [vars] C must be a string"), HasSubstr("w.toml:7:14: [limits] timeout_ms"),
                  HasSubstr("w.toml:8:13: [limits] memory_mb")));
  EXPECT_EQ(std::count(r.error.begin(), r.error.end(), '\n'), 4);
  EXPECT_FALSE(r.config.name);  // any error: the defaults, as before
  EXPECT_TRUE(r.config.vars.empty());
}

TEST(ConfigWarnings, AnUnsetHostVariableWarnsAndGivesEmpty) {
  auto r = parse("[vars]\nTOKEN = \"$API_TOKEN\"\n");
  EXPECT_EQ(r.config.vars, (std::vector<std::pair<std::string, std::string>>{{"TOKEN", ""}}));
  EXPECT_THAT(r.warnings,
              ElementsAre("w.toml:2:9: [vars] TOKEN = \"$API_TOKEN\": the host has no variable API_TOKEN, so "
                          "the worker gets \"\"; set it before starting wws, or write \"$$API_TOKEN\" for the "
                          "literal text"));
  auto set =
      parse("[vars]\nTOKEN = \"$API_TOKEN\"\n", std::filesystem::temp_directory_path(), fake_env({{"API_TOKEN", "t"}}));
  EXPECT_THAT(set.warnings, IsEmpty());
}

TEST(ConfigWarnings, DoubleDollarIsALiteralDollar) {
  auto r = parse("[vars]\nPRICE = \"$$5\"\nLONE = \"$$\"\nNAME = \"$$HOME\"\n", std::filesystem::temp_directory_path(),
                 fake_env({{"HOME", "/h"}, {"5", "five"}}));
  EXPECT_EQ(r.config.vars,
            (std::vector<std::pair<std::string, std::string>>{{"PRICE", "$5"}, {"LONE", "$"}, {"NAME", "$HOME"}}));
  EXPECT_THAT(r.warnings, IsEmpty());
}

TEST(ConfigSchema, EditDistance) {
  EXPECT_EQ(detail::edit_distance("limts", "limits"), 1u);
  EXPECT_EQ(detail::edit_distance("nmae", "name"), 1u);  // a transposition
  EXPECT_EQ(detail::edit_distance("", "abc"), 3u);
  EXPECT_EQ(detail::edit_distance("same", "same"), 0u);
}

}  // namespace
}  // namespace wws::config
