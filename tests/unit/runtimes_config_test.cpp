// runtimes/: .wws.toml and repository index v1 parsing, writing and the lock-file semantics
// (fixes over the original: uninstall removes only name AND version; recording twice keeps one).
#include <gtest/gtest.h>

#include "runtimes/project_config.h"
#include "runtimes/repository_index.h"

namespace wws::runtimes {
namespace {

constexpr const char* kSha = "e5dc5a398b07b54ea8fdb503bf68fb583d533f10ec3f930963e02b9505f7a763";

std::string runtime_toml(const std::string& table, const std::string& name, const std::string& version) {
  return "[[" + table + "]]\nname = \"" + name + "\"\nversion = \"" + version +
         "\"\ntags = [\"latest\"]\nextensions = [\"py\"]\nargs = [\"python\", \"/src/index.py\"]\n"
         "envs = { A = \"1\" }\n[" +
         table +
         ".binary]\nurl = \"files/python.wasm\"\nfilename = \"python.wasm\"\n"
         "checksum = { type = \"sha256\", value = \"" +
         kSha + "\" }\n";
}

TEST(RuntimesIndex, ParsesV1AndResolvesRelativeUrls) {
  std::string warning;
  auto index = parse_index("version = 1\n" + runtime_toml("runtimes", "python", "3.12.0"),
                           "https://example.com/repo/v1/index.toml", &warning);
  ASSERT_EQ(index.runtimes.size(), 1u);
  const auto& r = index.runtimes[0];
  EXPECT_EQ(r.binary.url, "https://example.com/repo/v1/files/python.wasm");
  EXPECT_EQ(r.binary.sha256, kSha);
  EXPECT_EQ(r.args, (std::vector<std::string>{"python", "/src/index.py"}));
  ASSERT_EQ(r.envs.size(), 1u);
  EXPECT_EQ(r.envs[0], std::make_pair(std::string("A"), std::string("1")));
  EXPECT_TRUE(warning.empty());
  EXPECT_NE(index.find("python", "latest"), nullptr);
  EXPECT_NE(index.find("python", "3.12.0"), nullptr);
  EXPECT_EQ(index.find("python", "3.11"), nullptr);
  EXPECT_EQ(index.find("ruby", "latest"), nullptr);
}

TEST(RuntimesIndex, NewerVersionWarnsAndBadFieldsFail) {
  std::string warning;
  parse_index("version = 2\n", "file:///x/index.toml", &warning);
  EXPECT_NE(warning.find("version 2"), std::string::npos);
  std::string bad = "version = 1\n" + runtime_toml("runtimes", "python", "3.12.0");
  bad.replace(bad.find(kSha), 64, "abc");
  EXPECT_THROW(parse_index(bad, "i.toml", nullptr), MetadataError);
  std::string escape = "version = 1\n" + runtime_toml("runtimes", "python", "3.12.0");
  escape.replace(escape.find("filename = \"python.wasm\""), 24, "filename = \"../x.wasm\"");
  EXPECT_THROW(parse_index(escape, "i.toml", nullptr), MetadataError);
  EXPECT_THROW(parse_index("version = 1\n[[runtimes]]\nname = \"python\"\n", "i.toml", nullptr), MetadataError);
}

TEST(RuntimesProjectConfig, RoundTripsThroughToml) {
  ProjectConfig config;
  std::string warning;
  auto index =
      parse_index("version = 1\n" + runtime_toml("runtimes", "python", "3.12.0"), "file:///r/index.toml", &warning);
  config.save_runtime("local", "file:///r/index.toml", index.runtimes[0]);
  auto again = parse_project_config(project_config_to_toml(config), ".wws.toml");
  ASSERT_EQ(again.repositories.size(), 1u);
  EXPECT_EQ(again.repositories[0].name, "local");
  EXPECT_EQ(again.repositories[0].url, "file:///r/index.toml");
  ASSERT_EQ(again.repositories[0].runtimes.size(), 1u);
  const auto& r = again.repositories[0].runtimes[0];
  EXPECT_EQ(r.binary.url, "file:///r/files/python.wasm");
  EXPECT_EQ(r.envs.size(), 1u);
  EXPECT_EQ(r.tags, std::vector<std::string>{"latest"});
}

TEST(RuntimesProjectConfig, RecordingTwiceKeepsOne) {
  ProjectConfig config;
  auto index = parse_index("version = 1\n" + runtime_toml("runtimes", "python", "3.12.0"), "i.toml", nullptr);
  config.save_runtime("local", "u", index.runtimes[0]);
  config.save_runtime("local", "u", index.runtimes[0]);
  ASSERT_EQ(config.repositories.size(), 1u);
  EXPECT_EQ(config.repositories[0].runtimes.size(), 1u);
}

TEST(RuntimesProjectConfig, RemoveTakesOnlyThatNameAndVersion) {
  auto config = parse_project_config("version = 1\n[[repositories]]\nname = \"local\"\nurl = \"u\"\n" +
                                         runtime_toml("repositories.runtimes", "python", "3.12.0") +
                                         runtime_toml("repositories.runtimes", "python", "3.11.0") +
                                         runtime_toml("repositories.runtimes", "ruby", "3.12.0"),
                                     ".wws.toml");
  ASSERT_EQ(config.repositories[0].runtimes.size(), 3u);
  EXPECT_TRUE(config.remove_runtime("local", "python", "3.12.0"));
  ASSERT_EQ(config.repositories[0].runtimes.size(), 2u);  // the original removed all three
  EXPECT_NE(config.find("local", "python", "3.11.0"), nullptr);
  EXPECT_NE(config.find("local", "ruby", "3.12.0"), nullptr);
  EXPECT_FALSE(config.remove_runtime("local", "python", "3.12.0"));
}

TEST(RuntimesProjectConfig, ErrorsNameFileAndLine) {
  try {
    parse_project_config("version = 1\n[[repositories]]\nname = 3\n", "/p/.wws.toml");
    FAIL();
  } catch (const MetadataError& e) {
    EXPECT_NE(std::string(e.what()).find("/p/.wws.toml:3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_project_config("version = [", "/p/.wws.toml"), MetadataError);
}

}  // namespace
}  // namespace wws::runtimes
