// Finding and reading a worker's TOML on disk (tests/unit/data/config/site).
#include <gtest/gtest.h>

#include "config/worker_config.h"

namespace wws::config {
namespace {
namespace fs = std::filesystem;

const fs::path kSite = fs::path(WWS_TEST_DATA) / "config" / "site";

TEST(ConfigPath, ReplacesTheLastExtension) {
  EXPECT_EQ(config_path_for("index.js"), fs::path("index.toml"));
  EXPECT_EQ(config_path_for("api/[id].wasm"), fs::path("api/[id].toml"));
  EXPECT_EQ(config_path_for("/srv/a.b.js"), fs::path("/srv/a.b.toml"));
  EXPECT_EQ(config_path_for("noext"), fs::path("noext.toml"));
}

TEST(ConfigLoad, ReadsTheWorkersToml) {
  auto result = load_worker_config(kSite / "index.js");
  ASSERT_EQ(result.error, "");
  EXPECT_TRUE(result.found);
  EXPECT_EQ(result.config.name, "site-index");
  EXPECT_EQ(result.config.version, "1");
  ASSERT_EQ(result.config.vars.size(), 1u);
  EXPECT_EQ(result.config.vars[0], (std::pair<std::string, std::string>{"GREETING", "hello"}));
  ASSERT_EQ(result.config.folders.size(), 1u);
  EXPECT_EQ(result.config.folders[0].from, fs::weakly_canonical(kSite / "_libs"));
  EXPECT_EQ(result.config.folders[0].to, "/libs");
}

TEST(ConfigLoad, NoTomlMeansDefaults) {
  auto result = load_worker_config(kSite / "api" / "plain.js");
  EXPECT_FALSE(result.found);
  EXPECT_EQ(result.error, "");
  EXPECT_FALSE(result.config.name);
  EXPECT_TRUE(result.config.vars.empty());
}

TEST(ConfigLoad, ErrorNamesTheFileAndPosition) {
  auto result = load_worker_config(kSite / "api" / "broken.js");
  EXPECT_TRUE(result.found);
  EXPECT_EQ(result.error,
            (kSite / "api" / "broken.toml").string() + ":3:14: [limits] timeout_ms must be an integer (found string)");
  EXPECT_FALSE(result.config.name);  // defaults, even though `name` itself was fine
}

TEST(ConfigLoad, DirectoryNamedLikeTheConfigIsAnError) {
  // A folder that happens to be named like the config must give an error, not a crash or a silent skip.
  fs::path dir = fs::temp_directory_path() / ("wws-config-load-" + std::to_string(::getpid()));
  fs::create_directories(dir / "x.toml");
  auto result = load_worker_config(dir / "x.js");
  fs::remove_all(dir);
  EXPECT_TRUE(result.found);
  EXPECT_NE(result.error.find("x.toml: is not a file"), std::string::npos) << result.error;
}

}  // namespace
}  // namespace wws::config
