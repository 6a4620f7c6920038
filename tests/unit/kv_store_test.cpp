// Tests of the layers over any kv::Store: the run diff, the snapshot cache and the run view
// (the backends themselves are held to the contract by kv_conformance_test.cpp).
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

#include "kv/run_view.h"
#include "kv/snapshot_cache.h"
#include "kv/store.h"
#include "kv_backends.h"

namespace wws::kv {
namespace {

Map apply_to(Map map, const std::vector<Change>& changes) {
  for (const auto& c : changes) {
    if (c.value) map[c.key] = *c.value;
    else map.erase(c.key);
  }
  return map;
}

TEST(KvDiff, NothingChanged) {
  Map m{{"a", "1"}, {"b", "2"}};
  EXPECT_TRUE(diff(m, m).empty());
  EXPECT_TRUE(diff({}, {}).empty());
}

TEST(KvDiff, AddedChangedRemoved) {
  Map before{{"a", "1"}, {"b", "2"}, {"d", "4"}};
  Map after{{"a", "1"}, {"b", "20"}, {"c", "3"}};
  const auto changes = diff(before, after);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].key, "b");
  EXPECT_EQ(changes[0].value, "20");
  EXPECT_EQ(changes[1].key, "c");
  EXPECT_EQ(changes[1].value, "3");
  EXPECT_EQ(changes[2].key, "d");
  EXPECT_EQ(changes[2].value, std::nullopt);
}

TEST(KvDiff, EverythingRemovedOrAdded) {
  Map m{{"x", "1"}, {"y", ""}};
  auto removed = diff(m, {});
  ASSERT_EQ(removed.size(), 2u);
  EXPECT_FALSE(removed[0].value);
  EXPECT_FALSE(removed[1].value);
  auto added = diff({}, m);
  ASSERT_EQ(added.size(), 2u);
  EXPECT_EQ(added[1].value, "");  // an empty value is a value, not a delete
}

TEST(KvDiff, ApplyingTheDiffGivesTheAfterMap) {
  Map before{{"a", "1"}, {"c", "3"}, {"e", "5"}, {"g", "7"}};
  Map after{{"b", "2"}, {"c", "33"}, {"e", "5"}, {"h", "8"}};
  EXPECT_EQ(apply_to(before, diff(before, after)), after);
}

Status apply(Store& store, std::string_view ns, std::vector<Op> ops) {
  CommitResult r;
  return store.commit(ns, Batch{std::move(ops), {}}, {}, &r);
}

TEST(KvSnapshotCache, NewNamespaceIsAnEmptyObject) {
  auto store = make_memory_store();
  SnapshotCache cache(*store);
  Snapshot snap;
  ASSERT_TRUE(cache.take("ns", &snap));
  ASSERT_TRUE(snap.data && snap.json);
  EXPECT_TRUE(snap.data->empty());
  EXPECT_EQ(*snap.json, "{}");
}

TEST(KvSnapshotCache, SharedUntilAWriteThenRebuilt) {
  auto store = make_memory_store();
  SnapshotCache cache(*store);
  ASSERT_TRUE(apply(*store, "ns", {Op::set("a", "1")}));
  Snapshot first, second, third;
  ASSERT_TRUE(cache.take("ns", &first));
  ASSERT_TRUE(cache.take("ns", &second));
  EXPECT_EQ(first.data.get(), second.data.get());         // no copy per reader
  EXPECT_EQ(first.json.get(), second.json.get());         // serialised once per version
  ASSERT_TRUE(apply(*store, "ns", {Op::set("a", "1")}));  // no change: same version
  ASSERT_TRUE(cache.take("ns", &second));
  EXPECT_EQ(first.json.get(), second.json.get());
  ASSERT_TRUE(apply(*store, "ns", {Op::set("a", "2")}));
  ASSERT_TRUE(cache.take("ns", &third));
  EXPECT_EQ(*first.json, R"({"a":"1"})");  // the old snapshot is unchanged
  EXPECT_EQ(*third.json, R"({"a":"2"})");
}

TEST(KvSnapshotCache, SeesWritesOfAnotherProcess) {
  test::SqliteBackend backend;
  std::string error;
  auto mine = backend.open(&error), theirs = backend.open(&error);
  ASSERT_TRUE(mine && theirs) << error;
  SnapshotCache cache(*mine);
  Snapshot snap;
  ASSERT_TRUE(cache.take("ns", &snap));
  ASSERT_TRUE(apply(*theirs, "ns", {Op::set("k", "from elsewhere")}));
  ASSERT_TRUE(cache.take("ns", &snap));
  EXPECT_EQ(*snap.json, R"({"k":"from elsewhere"})");
}

TEST(KvSnapshotCache, DropsKeysWhenTheyExpire) {
  auto store = make_memory_store();
  SnapshotCache cache(*store);
  ASSERT_TRUE(apply(*store, "ns", {Op::set("soon", "x", 100), Op::set("stays", "y")}));
  Snapshot snap;
  ASSERT_TRUE(cache.take("ns", &snap));
  EXPECT_EQ(snap.data->size(), 2u);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_TRUE(cache.take("ns", &snap));
  EXPECT_EQ(*snap.json, R"({"stays":"y"})");
}

TEST(KvSnapshotCache, JsonOfBinaryDataIsValid) {
  using namespace std::string_literals;
  auto store = make_memory_store();
  SnapshotCache cache(*store);
  ASSERT_TRUE(apply(*store, "ns", {Op::set("k\0"s, "\0\xff"s)}));
  Snapshot snap;
  ASSERT_TRUE(cache.take("ns", &snap));
  EXPECT_EQ(*snap.json, "{\"k\\u0000\":\"\\u0000\xc3\xbf\"}");
}

TEST(KvRunView, ReadsSeeTheRunsOwnWritesWhichCommitOnlyWhenTaken) {
  auto store = make_memory_store();
  ASSERT_TRUE(apply(*store, "ns", {Op::set("a", "stored"), Op::set("b", "stored")}));
  RunView view(store.get(), "ns", {});
  std::optional<std::string> v;
  ASSERT_TRUE(view.set("a", "mine", 0));
  ASSERT_TRUE(view.erase("b"));
  ASSERT_TRUE(view.get("a", &v));
  EXPECT_EQ(v, "mine");
  ASSERT_TRUE(view.get("b", &v));
  EXPECT_EQ(v, std::nullopt);
  std::optional<std::string> stored;
  ASSERT_TRUE(store->get("ns", "a", &stored));
  EXPECT_EQ(stored, "stored");  // nothing written before the run commits
  auto pending = view.take_pending();
  ASSERT_EQ(pending.size(), 2u);
  ASSERT_TRUE(apply(*store, "ns", pending));
  ASSERT_TRUE(store->get("ns", "a", &stored));
  EXPECT_EQ(stored, "mine");
}

TEST(KvRunView, AtomicOpsCommitAtOnceWithThePendingWriteOfTheirKey) {
  auto store = make_memory_store();
  RunView view(store.get(), "ns", {});
  int64_t n = 0;
  ASSERT_TRUE(view.set("n", "10", 0));
  ASSERT_TRUE(view.set("other", "x", 0));
  ASSERT_TRUE(view.increment("n", 5, 0, &n));
  EXPECT_EQ(n, 15);
  std::optional<std::string> stored;
  ASSERT_TRUE(store->get("ns", "n", &stored));
  EXPECT_EQ(stored, "15");
  ASSERT_TRUE(store->get("ns", "other", &stored));
  EXPECT_EQ(stored, std::nullopt);  // still held
  bool swapped = false;
  ASSERT_TRUE(view.compare_and_swap("n", "14", "x", 0, &swapped));
  EXPECT_FALSE(swapped);
  ASSERT_TRUE(view.compare_and_swap("n", "15", "16", 0, &swapped));
  EXPECT_TRUE(swapped);
  EXPECT_EQ(view.take_pending().size(), 1u);
}

TEST(KvRunView, WithoutAStoreEverythingStaysLocal) {
  RunView view(nullptr, "", {});
  int64_t n = 0;
  ASSERT_TRUE(view.increment("n", 2, 0, &n));
  ASSERT_TRUE(view.increment("n", 2, 0, &n));
  EXPECT_EQ(n, 4);
  std::vector<std::string> keys;
  ASSERT_TRUE(view.set("a", "1", 0));
  ASSERT_TRUE(view.list("", "", 10, &keys));
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "n"}));
}

TEST(KvRunView, ListMergesPendingWritesAcrossPages) {
  auto store = make_memory_store();
  std::vector<Op> ops;
  for (int i = 0; i < 10; ++i) ops.push_back(Op::set("k" + std::to_string(i), "v"));
  ASSERT_TRUE(apply(*store, "ns", ops));
  RunView view(store.get(), "ns", {});
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(view.erase("k" + std::to_string(i)));  // the first page, all deleted
  ASSERT_TRUE(view.set("k10", "new", 0));
  ASSERT_TRUE(view.set("j", "outside the prefix", 0));
  std::vector<std::string> keys;
  ASSERT_TRUE(view.list("k", "", 3, &keys));
  EXPECT_EQ(keys, (std::vector<std::string>{"k10", "k5", "k6"}));
  ASSERT_TRUE(view.list("k", "k6", 100, &keys));
  EXPECT_EQ(keys, (std::vector<std::string>{"k7", "k8", "k9"}));
}

TEST(KvRunView, RemembersTheFirstUnavailableError) {
  class Down final : public test::SharedHandle {
   public:
    Down() : SharedHandle(make_memory_store()) {}
    Status get(std::string_view, std::string_view, std::optional<std::string>*) override {
      return unavailable("connection refused");
    }
  } down;
  RunView view(&down, "ns", {});
  std::optional<std::string> v;
  EXPECT_EQ(view.get("k", &v).code(), Code::Unavailable);
  EXPECT_EQ(view.failure().code(), Code::Unavailable);
  EXPECT_EQ(view.failure().message(), "connection refused");
}

}  // namespace
}  // namespace wws::kv
