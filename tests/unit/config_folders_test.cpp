// [[folders]]: host folders resolve against the worker's folder, guest paths are checked and normalised.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>

#include "config/folder_mounts.h"  // normalise_guest_path is internal but worth testing on its own
#include "config_test_support.h"

namespace wws::config {
namespace {
namespace fs = std::filesystem;
using testing::fake_env;

// A fresh tree per test: <root>/project/workers (the worker's folder), project/_libs, and shared/ outside it.
class ConfigFolders : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    root_ = fs::temp_directory_path() /
            ("wws-config-folders-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(root_ / "project" / "workers");
    fs::create_directories(root_ / "project" / "_libs" / "deep");
    fs::create_directories(root_ / "shared");
    std::ofstream(root_ / "project" / "file.txt") << "not a folder";
    worker_dir_ = root_ / "project" / "workers";
  }
  void TearDown() override { fs::remove_all(root_); }

  LoadResult parse(std::string_view text) { return parse_worker_config(text, "w.toml", worker_dir_, fake_env({})); }

  fs::path canonical(const fs::path& p) { return fs::weakly_canonical(p); }

  fs::path root_;
  fs::path worker_dir_;
};

TEST_F(ConfigFolders, RelativeFromResolvesAgainstTheWorkerFolder) {
  auto result = parse("[[folders]]\nfrom = \"../_libs\"\nto = \"/libs\"\n");
  ASSERT_EQ(result.error, "");
  ASSERT_EQ(result.config.folders.size(), 1u);
  EXPECT_EQ(result.config.folders[0].from, canonical(root_ / "project" / "_libs"));
  EXPECT_TRUE(result.config.folders[0].from.is_absolute());
  EXPECT_EQ(result.config.folders[0].to, "/libs");
}

TEST_F(ConfigFolders, BackslashSeparatorsAreAccepted) {
  auto result = parse("[[folders]]\nfrom = '..\\_libs\\deep'\nto = \"/deep\"\n");
  ASSERT_EQ(result.error, "");
  ASSERT_EQ(result.config.folders.size(), 1u);
  EXPECT_EQ(result.config.folders[0].from, canonical(root_ / "project" / "_libs" / "deep"));
}

TEST_F(ConfigFolders, FolderOutsideTheProjectIsAllowed) {
  auto result = parse("[[folders]]\nfrom = \"../../shared\"\nto = \"/shared\"\n");
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.config.folders[0].from, canonical(root_ / "shared"));
}

TEST_F(ConfigFolders, AbsoluteFromIsKept) {
  std::string text = "[[folders]]\nfrom = \"" + (root_ / "shared").string() + "\"\nto = \"/s\"\n";
  auto result = parse(text);
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.config.folders[0].from, canonical(root_ / "shared"));
}

TEST_F(ConfigFolders, SeveralFoldersKeepTheirOrder) {
  auto result = parse(
      "[[folders]]\nfrom = \"../_libs\"\nto = \"/libs\"\n"
      "[[folders]]\nfrom = \"../../shared\"\nto = \"/shared/./x/\"\n");
  ASSERT_EQ(result.error, "");
  ASSERT_EQ(result.config.folders.size(), 2u);
  EXPECT_EQ(result.config.folders[0].to, "/libs");
  EXPECT_EQ(result.config.folders[1].to, "/shared/x");
}

TEST_F(ConfigFolders, MissingFolderIsAnErrorNamingIt) {
  auto result = parse("[[folders]]\nfrom = \"./nope\"\nto = \"/nope\"\n");
  EXPECT_EQ(result.error.rfind("w.toml:2:8: [[folders]] #1 from = \"./nope\": the folder ", 0), 0u) << result.error;
  EXPECT_NE(result.error.find((worker_dir_ / "nope").string() + " does not exist"), std::string::npos) << result.error;
  EXPECT_TRUE(result.config.folders.empty());
}

TEST_F(ConfigFolders, FileInsteadOfFolderIsAnError) {
  auto result = parse("[[folders]]\nfrom = \"../file.txt\"\nto = \"/f\"\n");
  EXPECT_EQ(result.error.rfind("w.toml:2:8: [[folders]] #1 from = \"../file.txt\": ", 0), 0u) << result.error;
  EXPECT_NE(result.error.find("is not a folder"), std::string::npos) << result.error;
}

TEST_F(ConfigFolders, FromAndToAreRequired) {
  auto result = parse("name = \"n\"\n[[folders]]\nfrom = \"../_libs\"\n");
  EXPECT_EQ(result.error.rfind("w.toml:2:1: [[folders]] #1 needs both `from`", 0), 0u) << result.error;
  result = parse("[[folders]]\nto = \"/x\"\n");
  EXPECT_EQ(result.error.rfind("w.toml:1:1: [[folders]] #1 needs both `from`", 0), 0u) << result.error;
}

TEST_F(ConfigFolders, FromAndToMustBeStrings) {
  EXPECT_EQ(parse("[[folders]]\nfrom = 1\nto = \"/x\"\n").error,
            "w.toml:2:8: [[folders]] #1 from must be a string (found integer)");
  EXPECT_EQ(parse("[[folders]]\nfrom = \"../_libs\"\nto = [\"/x\"]\n").error,
            "w.toml:3:6: [[folders]] #1 to must be a string (found array)");
}

TEST_F(ConfigFolders, EmptyFromIsAnError) {
  auto result = parse("[[folders]]\nfrom = \"\"\nto = \"/x\"\n");
  EXPECT_EQ(result.error.rfind("w.toml:2:8: [[folders]] #1 from must name a folder", 0), 0u) << result.error;
}

TEST_F(ConfigFolders, GuestPathMustBeAbsoluteWithoutDotDot) {
  for (std::string to : {"data", "", "/data/../etc", "../x"}) {
    auto result = parse("[[folders]]\nfrom = \"../_libs\"\nto = \"" + to + "\"\n");
    EXPECT_EQ(result.error, "w.toml:3:6: [[folders]] #1 to = \"" + to +
                                "\" must be an absolute guest path without \"..\", e.g. to = \"/data\"")
        << to;
  }
}

TEST_F(ConfigFolders, GuestPathsMustBeDistinct) {
  auto result = parse(
      "[[folders]]\nfrom = \"../_libs\"\nto = \"/data\"\n"
      "[[folders]]\nfrom = \"../../shared\"\nto = \"/data/\"\n");
  EXPECT_EQ(result.error.rfind("w.toml:6:6: [[folders]] #2 to = \"/data\" is already used by [[folders]] #1", 0), 0u)
      << result.error;
}

TEST_F(ConfigFolders, SingleBracketTableIsExplained) {
  auto result = parse("[folders]\nfrom = \"../_libs\"\nto = \"/x\"\n");
  EXPECT_EQ(result.error, "w.toml:1:1: folders must be an array of tables; write [[folders]] with double brackets");
}

TEST_F(ConfigFolders, ArrayEntriesMustBeTables) {
  auto result = parse("folders = [\"../_libs\"]\n");
  EXPECT_EQ(result.error, "w.toml:1:12: [[folders]] #1 must be a table (found string)");
}

TEST(GuestPath, Normalisation) {
  EXPECT_EQ(detail::normalise_guest_path("/"), "/");
  EXPECT_EQ(detail::normalise_guest_path("//a//b/"), "/a/b");
  EXPECT_EQ(detail::normalise_guest_path("/a/./b/."), "/a/b");
  EXPECT_EQ(detail::normalise_guest_path("/a..b"), "/a..b");
  EXPECT_FALSE(detail::normalise_guest_path("/a/.."));
  EXPECT_FALSE(detail::normalise_guest_path("a/b"));
}

}  // namespace
}  // namespace wws::config
