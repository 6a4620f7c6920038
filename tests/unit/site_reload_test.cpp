// site/: loading a project and reloading it. What the server does with the result is covered
// end to end (tests/e2e/reload_test.cpp); here: which workers a reload reuses, rebuilds, keeps
// at their last good version, and how the Site swaps.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/engines.h"
#include "engine/v8/v8_engine.h"
#include "site/loader.h"
#include "site/reloader.h"

namespace wws::site {
namespace {

namespace fs = std::filesystem;

// The reloader on V8 alone: what it reuses and rebuilds does not depend on the engine.
const engine::EngineSet& v8() {
  static engine::EngineSet engines = [] {
    engine::EngineSet set;
    set.v8 = engine::make_v8_engine();
    set.default_wasm = set.v8.get();
    return set;
  }();
  return engines;
}

class SiteReload : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("wws-site-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
    fs::create_directories(root_);
    options_.root = root_;
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& relative, const std::string& text) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative, std::ios::binary | std::ios::trunc) << text;
  }
  void copy_wasm(const std::string& relative, const std::string& fixture) {
    fs::copy_file(std::string(WWS_UNIT_WASM) + "/" + fixture + ".wasm", root_ / relative,
                  fs::copy_options::overwrite_existing);
  }
  static std::string js(const std::string& body) {
    return "export default { fetch() { return new Response(" + body + "); } };\n";
  }
  LoadResult load(const BuiltWorkers& previous = {}, uint64_t generation = 1) {
    return load_site(v8(), options_, previous, generation);
  }
  static const worker::Worker* find(const LoadResult& r, const std::string& route) {
    for (const auto& w : r.site->workers)
      if (w->route == route) return w.get();
    return nullptr;
  }
  static std::vector<std::string> routes(const std::vector<WorkerRef>& refs) {
    std::vector<std::string> out;
    for (const auto& r : refs) out.push_back(r.route);
    return out;
  }

  fs::path root_;
  LoadOptions options_;
};

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST_F(SiteReload, UnchangedWorkersAreReusedAsTheyAre) {
  write("a.js", js("'a'"));
  copy_wasm("b.wasm", "hello");
  write("c.js", js("'c'"));
  LoadResult first = load();
  ASSERT_TRUE(first.site) << first.report.fatal;
  EXPECT_EQ(first.report.added.size(), 3u);

  LoadResult second = load(first.built, 2);
  ASSERT_TRUE(second.site);
  EXPECT_FALSE(second.report.changed_anything());
  EXPECT_EQ(second.report.unchanged, 3u);
  for (const char* route : {"/a", "/b", "/c"}) EXPECT_EQ(find(first, route), find(second, route)) << route;
  EXPECT_EQ(second.site->generation, 2u);
}

TEST_F(SiteReload, AddedChangedAndRemovedWorkers) {
  write("a.js", js("'a'"));
  write("b.js", js("'b'"));
  write("gone.js", js("'gone'"));
  LoadResult first = load();
  write("b.js", js("'b, second version'"));
  fs::remove(root_ / "gone.js");
  write("sub/new.js", js("'new'"));
  LoadResult second = load(first.built, 2);
  EXPECT_THAT(routes(second.report.added), ElementsAre("/sub/new"));
  EXPECT_THAT(routes(second.report.changed), ElementsAre("/b"));
  EXPECT_THAT(routes(second.report.removed), ElementsAre("/gone"));
  EXPECT_EQ(find(first, "/a"), find(second, "/a"));
  ASSERT_NE(find(second, "/b"), nullptr);
  EXPECT_NE(find(first, "/b")->script, find(second, "/b")->script);
  EXPECT_EQ(find(second, "/gone"), nullptr);
}

// Same size, same inode: only the timestamps (or, within one tick of the file system's clock,
// only the content) tell the versions apart.
TEST_F(SiteReload, SameSizeRewriteRightAfterALoadIsSeen) {
  write("a.js", js("'1'"));
  LoadResult first = load();
  write("a.js", js("'2'"));
  LoadResult second = load(first.built, 2);
  EXPECT_THAT(routes(second.report.changed), ElementsAre("/a"));
}

TEST_F(SiteReload, TouchingAFileWithoutChangingItRebuildsNothing) {
  write("a.js", js("'a'"));
  write("a.toml", "[vars]\nX = \"1\"\n");
  LoadResult first = load();
  write("a.js", js("'a'"));
  write("a.toml", "[vars]\nX = \"1\"\n");
  LoadResult second = load(first.built, 2);
  EXPECT_FALSE(second.report.changed_anything());
  EXPECT_EQ(find(first, "/a"), find(second, "/a"));
}

TEST_F(SiteReload, ATomlChangeRebuildsItsWorker) {
  write("a.js", js("'a'"));
  LoadResult first = load();
  write("a.toml", "[vars]\nX = \"1\"\n");
  LoadResult second = load(first.built, 2);
  EXPECT_THAT(routes(second.report.changed), ElementsAre("/a"));
  ASSERT_EQ(find(second, "/a")->config.vars.size(), 1u);
  EXPECT_EQ(find(second, "/a")->config.vars[0].second, "1");
}

TEST_F(SiteReload, AChangedImportRebuildsTheWorkersThatImportIt) {
  write("_lib/text.js", "export const text = 'one';\n");
  write("a.js", "import { text } from './_lib/text.js';\n" + js("text"));
  write("b.js", js("'b'"));
  LoadResult first = load();
  ASSERT_TRUE(find(first, "/a")->unavailable.empty()) << find(first, "/a")->unavailable;
  write("_lib/text.js", "export const text = 'two, longer';\n");
  LoadResult second = load(first.built, 2);
  EXPECT_THAT(routes(second.report.changed), ElementsAre("/a"));
  EXPECT_EQ(find(first, "/b"), find(second, "/b"));
}

TEST_F(SiteReload, AWorkerThatNoLongerLoadsKeepsItsLastGoodVersion) {
  write("a.js", js("'a'"));
  copy_wasm("w.wasm", "hello");
  LoadResult first = load();
  write("a.js", "export default { fetch() { return new Response(");
  write("w.wasm", "not wasm");
  LoadResult second = load(first.built, 2);
  for (const char* route : {"/a", "/w"}) {
    const worker::Worker* w = find(second, route);
    ASSERT_NE(w, nullptr);
    EXPECT_TRUE(w->unavailable.empty()) << route;
    EXPECT_FALSE(w->reload_error.empty()) << route;
    EXPECT_EQ(w->code(), find(first, route)->code()) << route;
  }
  EXPECT_NE(find(second, "/a")->reload_error.find("a.js:"), std::string::npos) << find(second, "/a")->reload_error;
  ASSERT_EQ(second.report.problems.size(), 2u);
  EXPECT_TRUE(second.report.problems[0].kept_previous);

  // Nothing changed since: the broken files are not retried, the kept version stays.
  LoadResult third = load(second.built, 3);
  EXPECT_FALSE(third.report.changed_anything());
  EXPECT_EQ(find(third, "/a"), find(second, "/a"));

  // Fixed: a new version, no error left.
  write("a.js", js("'a, fixed'"));
  LoadResult fourth = load(third.built, 4);
  EXPECT_THAT(routes(fourth.report.changed), ElementsAre("/a"));
  EXPECT_TRUE(find(fourth, "/a")->reload_error.empty());
  EXPECT_NE(find(fourth, "/a")->code(), find(first, "/a")->code());
}

TEST_F(SiteReload, ANewWorkerThatDoesNotLoadIsUnavailable) {
  LoadResult first = load();
  write("bad.js", "syntax error here");
  LoadResult second = load(first.built, 2);
  EXPECT_THAT(routes(second.report.added), ElementsAre("/bad"));
  ASSERT_EQ(second.report.problems.size(), 1u);
  EXPECT_FALSE(second.report.problems[0].kept_previous);
  EXPECT_FALSE(find(second, "/bad")->unavailable.empty());
  // Still broken the same way: not reported as a change again.
  LoadResult third = load(second.built, 3);
  EXPECT_FALSE(third.report.changed_anything());
}

TEST_F(SiteReload, ReloaderPublishesOnlyWhenSomethingChanged) {
  write("a.js", js("'a'"));
  ReloadReport report;
  auto reloader = Reloader::start(v8(), options_, &report);
  ASSERT_TRUE(reloader) << report.fatal;
  auto first = reloader->current();
  EXPECT_EQ(reloader->live().generation(), 1u);

  ReloadReport nothing = reloader->reload();
  EXPECT_FALSE(nothing.applied);
  EXPECT_EQ(reloader->current(), first);

  write("b.js", js("'b'"));
  ReloadReport added = reloader->reload();
  EXPECT_TRUE(added.applied);
  EXPECT_EQ(added.generation, 2u);
  EXPECT_EQ(reloader->live().generation(), 2u);
  EXPECT_NE(reloader->current(), first);
  EXPECT_EQ(reloader->current()->workers.size(), 2u);
  EXPECT_EQ(first->workers.size(), 1u);  // a reader still holding the old Site sees it unchanged
  EXPECT_EQ(reloader->last_report().generation, 2u);

  // A project-wide error keeps the whole previous Site.
  write("b/index.js", js("'b again'"));
  ReloadReport conflict = reloader->reload();
  EXPECT_FALSE(conflict.applied);
  EXPECT_NE(conflict.fatal.find("/b"), std::string::npos) << conflict.fatal;
  EXPECT_EQ(reloader->live().generation(), 2u);
}

TEST_F(SiteReload, APublicFolderThatAppearsIsServed) {
  write("a.js", js("'a'"));
  ReloadReport report;
  auto reloader = Reloader::start(v8(), options_, &report);
  EXPECT_FALSE(reloader->current()->statics.enabled());
  write("public/index.html", "<p>hi</p>");
  EXPECT_TRUE(reloader->reload().applied);
  EXPECT_TRUE(reloader->current()->statics.enabled());
}

}  // namespace
}  // namespace wws::site
