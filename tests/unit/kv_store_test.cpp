// Tests for kv/store: diff, apply, snapshots and concurrent writers.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

#include "kv/store.h"

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

TEST(KvMemoryStore, NewNamespaceIsEmpty) {
  auto store = make_memory_store();
  auto snap = store->snapshot("ns");
  ASSERT_TRUE(snap.data);
  ASSERT_TRUE(snap.json);
  EXPECT_TRUE(snap.data->empty());
  EXPECT_EQ(*snap.json, "{}");
}

TEST(KvMemoryStore, ApplySetsAndDeletes) {
  auto store = make_memory_store();
  store->apply("ns", {{"a", "1"}, {"b", "2"}});
  store->apply("ns", {{"a", std::nullopt}, {"c", "3"}, {"missing", std::nullopt}});
  auto snap = store->snapshot("ns");
  EXPECT_EQ(*snap.data, (Map{{"b", "2"}, {"c", "3"}}));
  EXPECT_EQ(*snap.json, R"({"b":"2","c":"3"})");
}

TEST(KvMemoryStore, NamespacesAreSeparate) {
  auto store = make_memory_store();
  store->apply("one", {{"k", "1"}});
  store->apply("two", {{"k", "2"}});
  EXPECT_EQ(store->snapshot("one").data->at("k"), "1");
  EXPECT_EQ(store->snapshot("two").data->at("k"), "2");
  EXPECT_TRUE(store->snapshot("three").data->empty());
}

TEST(KvMemoryStore, SnapshotIsImmutableAndSharedUntilAWrite) {
  auto store = make_memory_store();
  store->apply("ns", {{"a", "1"}});
  auto first = store->snapshot("ns");
  auto second = store->snapshot("ns");
  EXPECT_EQ(first.data.get(), second.data.get());  // no copy per reader
  EXPECT_EQ(first.json.get(), second.json.get());  // serialised once per version
  store->apply("ns", {{"a", "2"}});
  EXPECT_EQ(first.data->at("a"), "1");  // the old snapshot is unchanged
  EXPECT_EQ(*first.json, R"({"a":"1"})");
  auto third = store->snapshot("ns");
  EXPECT_NE(third.data.get(), first.data.get());
  EXPECT_EQ(*third.json, R"({"a":"2"})");
}

TEST(KvMemoryStore, NoOpChangesKeepTheVersion) {
  auto store = make_memory_store();
  store->apply("ns", {{"a", "1"}});
  auto before = store->snapshot("ns");
  store->apply("ns", {});
  store->apply("ns", {{"a", "1"}, {"gone", std::nullopt}});
  auto after = store->snapshot("ns");
  EXPECT_EQ(before.data.get(), after.data.get());
  EXPECT_EQ(before.json.get(), after.json.get());
}

TEST(KvMemoryStore, BinaryKeysAndValuesSurvive) {
  using namespace std::string_literals;
  auto store = make_memory_store();
  store->apply("ns", {{"k\0"s, "\0\xff"s}});
  auto snap = store->snapshot("ns");
  EXPECT_EQ(snap.data->at("k\0"s), "\0\xff"s);
  EXPECT_EQ(*snap.json, "{\"k\\u0000\":\"\\u0000\xc3\xbf\"}");  // still valid JSON
}

// The run pattern: snapshot, modify a copy, diff, apply. Threads each own a key and increment
// it many times; under the original's whole-namespace replace most increments would be lost.
TEST(KvMemoryStore, ConcurrentWritersOnDifferentKeysLoseNothing) {
  auto store = make_memory_store();
  constexpr int kThreads = 8;
  constexpr int kIncrements = 300;
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go) std::this_thread::yield();
      const std::string key = "counter-" + std::to_string(t);
      for (int i = 0; i < kIncrements; ++i) {
        auto snap = store->snapshot("shared");
        ASSERT_FALSE(snap.json->empty());
        Map mine = *snap.data;
        auto it = mine.find(key);
        const int current = it == mine.end() ? 0 : std::stoi(it->second);
        mine[key] = std::to_string(current + 1);
        store->apply("shared", diff(*snap.data, mine));
      }
    });
  }
  go = true;
  for (auto& th : threads) th.join();
  auto final_snap = store->snapshot("shared");
  ASSERT_EQ(final_snap.data->size(), static_cast<size_t>(kThreads));
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(final_snap.data->at("counter-" + std::to_string(t)), std::to_string(kIncrements)) << t;
}

TEST(KvMemoryStore, ConcurrentReadersSeeConsistentVersions) {
  auto store = make_memory_store();
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  // The writer keeps "a" and "b" equal in every version it publishes.
  std::thread writer([&] {
    for (int i = 0; i < 20000; ++i) {
      const std::string v = std::to_string(i);
      store->apply("ns", {{"a", v}, {"b", v}});
    }
    stop = true;
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      do {
        auto snap = store->snapshot("ns");
        auto a = snap.data->find("a");
        auto b = snap.data->find("b");
        const bool consistent = (a == snap.data->end() && b == snap.data->end()) ||
                                (a != snap.data->end() && b != snap.data->end() && a->second == b->second);
        if (!consistent) ++bad;
        if (a != snap.data->end() && *snap.json != "{\"a\":\"" + a->second + "\",\"b\":\"" + b->second + "\"}") ++bad;
      } while (!stop);
    });
  }
  writer.join();
  for (auto& th : readers) th.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(store->snapshot("ns").data->at("a"), "19999");
}

TEST(KvMemoryStore, ConcurrentFirstUseOfManyNamespaces) {
  auto store = make_memory_store();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < 200; ++n) store->apply("ns-" + std::to_string(n), {{"t" + std::to_string(t), "x"}});
    });
  }
  for (auto& th : threads) th.join();
  for (int n = 0; n < 200; ++n) EXPECT_EQ(store->snapshot("ns-" + std::to_string(n)).data->size(), 4u) << n;
}

}  // namespace
}  // namespace wws::kv
