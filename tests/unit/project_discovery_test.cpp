// Tests for project/discovery: which files are workers (reference §2.7 files.rs cases on the
// fixture tests/unit/data/project/files, plus hidden files, symlinks and folder-level ignores).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "project/discovery.h"

namespace wws::project {
namespace {

namespace fs = std::filesystem;

const fs::path kFiles = fs::path(WWS_TEST_DATA) / "project" / "files";

std::set<std::string> as_set(const std::vector<fs::path>& paths) {
  std::set<std::string> out;
  for (const auto& p : paths) out.insert(p.generic_string());
  return out;
}

using Set = std::set<std::string>;
const Set kDefault = {"examples.js", "index.js", "public.js", "examples/public.js", "examples/index/index.js"};

TEST(ProjectDiscovery, WalkDefault) { EXPECT_EQ(as_set(discover_workers(kFiles, {""})), kDefault); }

TEST(ProjectDiscovery, WalkDefaultWithoutIgnoreList) { EXPECT_EQ(as_set(discover_workers(kFiles, {})), kDefault); }

TEST(ProjectDiscovery, WalkDefaultSubfolder) {
  EXPECT_EQ(as_set(discover_workers(kFiles / "examples", {""})), (Set{"public.js", "index/index.js"}));
}

TEST(ProjectDiscovery, WalkExtensions) {
  Set expected = kDefault;
  expected.insert({"home.ext", "examples/home.ext", "examples/index/home.ext"});
  EXPECT_EQ(as_set(discover_workers(kFiles, {""}, {"js", "wasm", "ext"})), expected);
}

TEST(ProjectDiscovery, WalkIgnore) {
  EXPECT_EQ(as_set(discover_workers(kFiles, {"**/examples/**"})), (Set{"examples.js", "index.js", "public.js"}));
}

TEST(ProjectDiscovery, WalkIgnoreMultiplePatterns) {
  auto found = discover_workers(kFiles, {"**/index/**", "*/*pub*"}, {"js", "wasm", "ext", "none"});
  EXPECT_EQ(as_set(found), (Set{"examples.js", "home.ext", "index.js", "public.js", "examples/home.ext"}));
}

TEST(ProjectDiscovery, ResultIsSortedAndRelative) {
  auto found = discover_workers(kFiles, {});
  EXPECT_TRUE(std::is_sorted(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) {
    return a.generic_string() < b.generic_string();
  }));
  for (const auto& p : found) EXPECT_TRUE(p.is_relative()) << p;
}

TEST(ProjectDiscovery, ExtensionsMayBeGivenWithADot) {
  EXPECT_EQ(as_set(discover_workers(kFiles, {}, {".ext"})),
            (Set{"home.ext", "examples/home.ext", "examples/index/home.ext"}));
}

TEST(ProjectDiscovery, NoExtensionsFindNothing) { EXPECT_TRUE(discover_workers(kFiles, {}, {}).empty()); }

TEST(ProjectDiscovery, MissingRootFindsNothing) {
  EXPECT_TRUE(discover_workers(kFiles / "does-not-exist", {}).empty());
  EXPECT_TRUE(discover_workers(kFiles / "index.js", {}).empty());
}

class TempProject : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("wws-project-test-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void touch(const std::string& relative) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative) << "// worker\n";
  }
  fs::path root_;
};

TEST_F(TempProject, HiddenFilesAndFoldersAreSkipped) {
  touch("a.js");
  touch(".hidden.js");
  touch(".git/hooks/pre.js");
  touch(".wws/runtimes/x/index.js");
  touch("api/.secret/index.js");
  EXPECT_EQ(as_set(discover_workers(root_, {})), (Set{"a.js"}));
}

TEST_F(TempProject, UnderscoreAndPublicAtAnyDepth) {
  touch("a/b/_helper.js");
  touch("a/_lib/x.js");
  touch("a/b/public/x.js");
  touch("a/b/public.js");
  touch("a/b/c.wasm");
  EXPECT_EQ(as_set(discover_workers(root_, {})), (Set{"a/b/c.wasm", "a/b/public.js"}));
}

TEST_F(TempProject, NodeModulesAtAnyDepthIsNotSearched) {
  touch("index.js");
  touch("node_modules/hono/dist/index.js");
  touch("app/node_modules/x/y.js");
  touch("app/node_modules.js");  // a file of that name is still a worker
  EXPECT_EQ(as_set(discover_workers(root_, {})), (Set{"index.js", "app/node_modules.js"}));
}

TEST_F(TempProject, SymlinkedFilesAreWorkersButSymlinkedFoldersAreNotEntered) {
  touch("real/a.js");
  fs::create_symlink(root_ / "real" / "a.js", root_ / "link.js");
  fs::create_directory_symlink(root_, root_ / "real" / "loop");  // would recurse forever if followed
  fs::create_directory_symlink(root_ / "real", root_ / "alias");
  fs::create_symlink(root_ / "missing.js", root_ / "broken.js");
  EXPECT_EQ(as_set(discover_workers(root_, {})), (Set{"link.js", "real/a.js"}));
}

TEST_F(TempProject, IgnoreGlobMatchingAFolderSkipsIt) {
  touch("examples/a.js");
  touch("examples/deep/b.js");
  touch("keep/examples.js");
  touch("c.js");
  EXPECT_EQ(as_set(discover_workers(root_, {"examples"})), (Set{"c.js", "keep/examples.js"}));
  EXPECT_EQ(as_set(discover_workers(root_, {"*.js"})),
            (Set{"examples/a.js", "examples/deep/b.js", "keep/examples.js"}));
  EXPECT_EQ(as_set(discover_workers(root_, {"**/*.js"})), Set{});
  EXPECT_EQ(as_set(discover_workers(root_, {"", "{keep,examples}/**"})), (Set{"c.js"}));
}

TEST_F(TempProject, UnreadableFolderIsSkipped) {
  touch("a.js");
  touch("locked/b.js");
  fs::permissions(root_ / "locked", fs::perms::none);
  auto found = as_set(discover_workers(root_, {}));
  fs::permissions(root_ / "locked", fs::perms::owner_all);
  EXPECT_TRUE(found.count("a.js"));
  // root reads through the permissions; anyone else must simply not see b.js.
  if (::geteuid() != 0) EXPECT_FALSE(found.count("locked/b.js"));
}

}  // namespace
}  // namespace wws::project
