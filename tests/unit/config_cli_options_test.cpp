// The `wws` command line. options.cpp is compiled in directly so this test does not link all of wws_cli
// (CLI11 is header-only).
#include <gtest/gtest.h>

#include <initializer_list>
#include <iostream>
#include <sstream>

#include "../../src/cli/options.cpp"  // NOLINT(bugprone-suspicious-include): compiled in, as said above

namespace wws::cli {
namespace {

struct Parsed {
  std::optional<Options> options;
  int exit_code = -1;
  std::string out;
  std::string err;
};

Parsed run(std::initializer_list<const char*> args) {
  std::vector<const char*> argv{"wws"};
  argv.insert(argv.end(), args.begin(), args.end());
  Parsed parsed;
  parsed.exit_code = -1;
  std::ostringstream out, err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  parsed.options = parse_options(static_cast<int>(argv.size()), argv.data(), parsed.exit_code);
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  parsed.out = out.str();
  parsed.err = err.str();
  return parsed;
}

TEST(CliOptions, Defaults) {
  auto parsed = run({});
  ASSERT_TRUE(parsed.options);
  EXPECT_EQ(parsed.exit_code, 0);
  const Options& o = *parsed.options;
  EXPECT_EQ(o.path, ".");
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 8080);
  EXPECT_EQ(o.prefix, "");
  EXPECT_TRUE(o.ignore.empty());
  EXPECT_TRUE(o.cors.empty());
  EXPECT_EQ(o.threads, 0u);
  EXPECT_EQ(o.timeout, std::chrono::milliseconds(30'000));
  EXPECT_EQ(o.memory_limit_mb, 128u);
  EXPECT_EQ(o.max_body_mb, 16u);
}

TEST(CliOptions, EveryFlag) {
  auto parsed = run({"./site", "--host", "0.0.0.0", "-p", "3000", "--prefix", "/api", "--ignore", "**/skip/**",
                     "--cors", "https://a.example", "--threads", "4", "--timeout", "2500", "--memory-limit", "256",
                     "--max-body-size", "2"});
  ASSERT_TRUE(parsed.options) << parsed.err;
  const Options& o = *parsed.options;
  EXPECT_EQ(o.path, "./site");
  EXPECT_EQ(o.host, "0.0.0.0");
  EXPECT_EQ(o.port, 3000);
  EXPECT_EQ(o.prefix, "/api");
  EXPECT_EQ(o.ignore, (std::vector<std::string>{"**/skip/**"}));
  EXPECT_EQ(o.cors, (std::vector<std::string>{"https://a.example"}));
  EXPECT_EQ(o.threads, 4u);
  EXPECT_EQ(o.timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(o.memory_limit_mb, 256u);
  EXPECT_EQ(o.max_body_mb, 2u);
}

TEST(CliOptions, LongPortAndEqualsSyntax) {
  auto parsed = run({"--port=9000", "--host=localhost"});
  ASSERT_TRUE(parsed.options) << parsed.err;
  EXPECT_EQ(parsed.options->port, 9000);
  EXPECT_EQ(parsed.options->host, "localhost");
}

TEST(CliOptions, RepeatedIgnoreAndCorsAccumulate) {
  auto parsed = run({"--ignore", "a/**", "--cors", "https://x", "--ignore", "b/*.js", "--cors", "https://y"});
  ASSERT_TRUE(parsed.options) << parsed.err;
  EXPECT_EQ(parsed.options->ignore, (std::vector<std::string>{"a/**", "b/*.js"}));
  EXPECT_EQ(parsed.options->cors, (std::vector<std::string>{"https://x", "https://y"}));
}

TEST(CliOptions, IgnoreTakesOneValueSoThePathStaysPositional) {
  auto parsed = run({"--ignore", "tmp/**", "my-project"});
  ASSERT_TRUE(parsed.options) << parsed.err;
  EXPECT_EQ(parsed.options->ignore, (std::vector<std::string>{"tmp/**"}));
  EXPECT_EQ(parsed.options->path, "my-project");
}

TEST(CliOptions, PortBounds) {
  auto zero = run({"-p", "0"});
  ASSERT_TRUE(zero.options);
  EXPECT_EQ(zero.options->port, 0);
  auto top = run({"-p", "65535"});
  ASSERT_TRUE(top.options);
  EXPECT_EQ(top.options->port, 65535);
}

TEST(CliOptions, BadPortIsAnError) {
  for (const char* bad : {"65536", "-1", "http", "80x", "", "99999999999999999999999"}) {
    auto parsed = run({"--port", bad});
    EXPECT_FALSE(parsed.options) << bad;
    EXPECT_NE(parsed.exit_code, 0) << bad;
    EXPECT_NE(parsed.err.find("--port"), std::string::npos) << bad << ": " << parsed.err;
  }
}

TEST(CliOptions, LeadingZerosAreDecimalNotOctal) {
  auto parsed = run({"--port", "010"});
  ASSERT_TRUE(parsed.options) << parsed.err;
  EXPECT_EQ(parsed.options->port, 10);
}

TEST(CliOptions, OutOfRangeMessageSaysWhatIsAllowed) {
  auto parsed = run({"--port", "70000"});
  EXPECT_NE(parsed.err.find("use a number from 0 to 65535"), std::string::npos) << parsed.err;
}

TEST(CliOptions, BadNumbersForOtherFlags) {
  for (auto args : {std::vector<const char*>{"--timeout", "0"},
                    {"--timeout", "-5"},
                    {"--timeout", "1.5"},
                    {"--memory-limit", "0"},
                    {"--memory-limit", "5000"},
                    {"--max-body-size", "0"},
                    {"--threads", "-1"},
                    {"--threads", "many"}}) {
    std::vector<const char*> argv{"wws"};
    argv.insert(argv.end(), args.begin(), args.end());
    int exit_code = 0;
    std::ostringstream err;
    auto* old_err = std::cerr.rdbuf(err.rdbuf());
    auto options = parse_options(static_cast<int>(argv.size()), argv.data(), exit_code);
    std::cerr.rdbuf(old_err);
    EXPECT_FALSE(options) << args[0] << " " << args[1];
    EXPECT_NE(exit_code, 0) << args[0] << " " << args[1];
    EXPECT_NE(err.str().find(args[0]), std::string::npos) << err.str();
  }
}

TEST(CliOptions, EmptyHostIsAnError) {
  auto parsed = run({"--host", ""});
  EXPECT_FALSE(parsed.options);
  EXPECT_NE(parsed.exit_code, 0);
}

TEST(CliOptions, MissingValueIsAnError) {
  auto parsed = run({"--port"});
  EXPECT_FALSE(parsed.options);
  EXPECT_NE(parsed.exit_code, 0);
}

TEST(CliOptions, UnknownFlagIsAnError) {
  auto parsed = run({"--no-such-flag"});
  EXPECT_FALSE(parsed.options);
  EXPECT_NE(parsed.exit_code, 0);
  EXPECT_NE(parsed.err.find("--no-such-flag"), std::string::npos) << parsed.err;
}

TEST(CliOptions, SecondPathIsAnError) {
  auto parsed = run({"one", "two"});
  EXPECT_FALSE(parsed.options);
  EXPECT_NE(parsed.exit_code, 0);
}

TEST(CliOptions, HelpExitsWithZero) {
  for (const char* flag : {"-h", "--help"}) {
    auto parsed = run({flag});
    EXPECT_FALSE(parsed.options);
    EXPECT_EQ(parsed.exit_code, 0);
    EXPECT_NE(parsed.out.find("--max-body-size"), std::string::npos) << parsed.out;
  }
}

TEST(CliOptions, VersionExitsWithZero) {
  for (const char* flag : {"-V", "--version"}) {
    auto parsed = run({flag});
    EXPECT_FALSE(parsed.options);
    EXPECT_EQ(parsed.exit_code, 0);
    EXPECT_EQ(parsed.out, std::string("wws ") + WWS_VERSION + "\n");
  }
}

}  // namespace
}  // namespace wws::cli
