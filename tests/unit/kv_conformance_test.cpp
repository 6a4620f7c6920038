// The conformance suite of the kv::Store contract (src/kv/store.h, batch.h): every backend runs
// every test. The Redis backend runs against a real redis-server started for the suite.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "kv_backends.h"

namespace wws::kv {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;

// A TTL short enough to wait out, long enough that the writes and the first read before the wait
// finish inside it even under a sanitizer's slowdown (TSan made 150 ms run out), and the wait.
constexpr int64_t kShortTtlMs = 1000;
constexpr auto kPastShortTtl = 1300ms;

class Conformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    backend_ = test::make_backend(GetParam());
    ASSERT_TRUE(backend_) << "cannot set up the " << GetParam() << " backend";
    std::string error;
    store_ = backend_->open(&error);
    ASSERT_TRUE(store_) << error;
  }

  Status commit(std::string_view ns, Batch batch, CommitResult* out = nullptr, Limits limits = {}) {
    CommitResult ignored;
    return store_->commit(ns, batch, limits, out ? out : &ignored);
  }
  Status set(std::string_view ns, std::string key, std::string value, int64_t ttl = 0) {
    return commit(ns, Batch{{Op::set(std::move(key), std::move(value), ttl)}, {}});
  }
  std::optional<std::string> get(std::string_view ns, std::string_view key) {
    std::optional<std::string> v;
    Status s = store_->get(ns, key, &v);
    EXPECT_TRUE(s) << s.message();
    return v;
  }
  Map read(std::string_view ns, NamespaceRead* full = nullptr) {
    NamespaceRead r;
    Status s = store_->read(ns, std::nullopt, &r);
    EXPECT_TRUE(s) << s.message();
    if (full) *full = r;
    return r.data;
  }
  std::vector<std::string> list(std::string_view ns, std::string_view prefix, std::string_view after = {},
                                size_t limit = 100) {
    std::vector<std::string> keys;
    Status s = store_->list(ns, prefix, after, limit, &keys);
    EXPECT_TRUE(s) << s.message();
    return keys;
  }
  int64_t increment(std::string_view ns, std::string key, int64_t by, int64_t ttl = 0) {
    CommitResult r;
    Status s = commit(ns, Batch{{Op::increment(std::move(key), by, ttl)}, {}}, &r);
    EXPECT_TRUE(s) << s.message();
    return s && r.results.size() == 1 ? r.results[0].number : INT64_MIN;
  }

  std::unique_ptr<test::Backend> backend_;
  std::unique_ptr<Store> store_;
};

TEST_P(Conformance, NewNamespaceIsEmpty) {
  NamespaceRead r;
  EXPECT_TRUE(read("fresh", &r).empty());
  EXPECT_EQ(r.version, 0u);
  EXPECT_EQ(get("fresh", "k"), std::nullopt);
  EXPECT_TRUE(list("fresh", "").empty());
}

TEST_P(Conformance, SetGetDeleteAndRead) {
  ASSERT_TRUE(commit("ns", Batch{{Op::set("a", "1"), Op::set("b", "2"), Op::set("c", "")}, {}}));
  EXPECT_EQ(get("ns", "a"), "1");
  EXPECT_EQ(get("ns", "c"), "");  // an empty value is a value
  ASSERT_TRUE(commit("ns", Batch{{Op::erase("a"), Op::erase("missing"), Op::set("b", "20")}, {}}));
  EXPECT_EQ(get("ns", "a"), std::nullopt);
  EXPECT_EQ(read("ns"), (Map{{"b", "20"}, {"c", ""}}));
}

TEST_P(Conformance, NamespacesAreSeparate) {
  ASSERT_TRUE(set("one", "k", "1"));
  ASSERT_TRUE(set("two", "k", "2"));
  EXPECT_EQ(get("one", "k"), "1");
  EXPECT_EQ(get("two", "k"), "2");
  EXPECT_TRUE(read("three").empty());
  std::vector<std::string> names;
  ASSERT_TRUE(store_->namespaces(&names));
  EXPECT_EQ(names, (std::vector<std::string>{"one", "two"}));
}

TEST_P(Conformance, BinaryKeysAndValuesSurvive) {
  const std::string key = "k\0\xff"s, value = "\0\x01\xfe\xff"s;
  ASSERT_TRUE(set("bin", key, value));
  ASSERT_TRUE(set("bin", "", "empty key"));
  EXPECT_EQ(get("bin", key), value);
  EXPECT_EQ(get("bin", ""), "empty key");
  EXPECT_EQ(read("bin"), (Map{{"", "empty key"}, {key, value}}));
}

TEST_P(Conformance, LargeValuesRoundTrip) {
  std::string big(3 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4093) big[i] = static_cast<char>(i);
  ASSERT_TRUE(set("big", "v", big));
  EXPECT_EQ(get("big", "v"), big);
}

TEST_P(Conformance, BatchIsAllOrNothing) {
  ASSERT_TRUE(set("ns", "word", "hello"));
  Status s = commit("ns", Batch{{Op::set("a", "1"), Op::increment("b", 5), Op::increment("word", 1)}, {}});
  EXPECT_EQ(s.code(), Code::NotANumber) << s.message();
  EXPECT_EQ(read("ns"), (Map{{"word", "hello"}}));
  s = commit("ns", Batch{{Op::set("a", "1"), Op::compare_and_swap("word", "bye", "x")}, {}});
  EXPECT_EQ(s.code(), Code::Conflict) << s.message();
  EXPECT_EQ(read("ns"), (Map{{"word", "hello"}}));
}

TEST_P(Conformance, OpsSeeTheOnesBeforeThemInTheBatch) {
  CommitResult r;
  ASSERT_TRUE(commit(
      "ns",
      Batch{{Op::set("n", "5"), Op::increment("n", 2), Op::compare_and_swap("n", "7", "8"), Op::increment("n", -10)},
            {}},
      &r));
  ASSERT_EQ(r.results.size(), 4u);
  EXPECT_EQ(r.results[1].number, 7);
  EXPECT_EQ(r.results[3].number, -2);
  EXPECT_EQ(get("ns", "n"), "-2");
}

TEST_P(Conformance, IncrementRules) {
  EXPECT_EQ(increment("ns", "n", 1), 1);  // absent counts as 0
  EXPECT_EQ(increment("ns", "n", 41), 42);
  EXPECT_EQ(increment("ns", "n", -50), -8);
  ASSERT_TRUE(set("ns", "zeros", "007"));
  EXPECT_EQ(increment("ns", "zeros", 1), 8);
  EXPECT_EQ(get("ns", "zeros"), "8");  // written back in canonical form
  ASSERT_TRUE(set("ns", "max", "9223372036854775806"));
  EXPECT_EQ(increment("ns", "max", 1), INT64_MAX);
  EXPECT_EQ(commit("ns", Batch{{Op::increment("max", 1)}, {}}).code(), Code::NotANumber);
  EXPECT_EQ(get("ns", "max"), "9223372036854775807");
  ASSERT_TRUE(set("ns", "min", "-9223372036854775807"));
  EXPECT_EQ(increment("ns", "min", -1), INT64_MIN);
  EXPECT_EQ(commit("ns", Batch{{Op::increment("min", -1)}, {}}).code(), Code::NotANumber);
  for (std::string bad : {"", " 1", "1 ", "+1", "1.0", "1e3", "0x10", "--1", "-", "99999999999999999999"}) {
    ASSERT_TRUE(set("ns", "bad", bad));
    EXPECT_EQ(commit("ns", Batch{{Op::increment("bad", 1)}, {}}).code(), Code::NotANumber) << "\"" << bad << "\"";
    EXPECT_EQ(get("ns", "bad"), bad);
  }
}

TEST_P(Conformance, CompareAndSwapRules) {
  EXPECT_TRUE(commit("ns", Batch{{Op::compare_and_swap("k", std::nullopt, "first")}, {}}));  // create if absent
  EXPECT_EQ(commit("ns", Batch{{Op::compare_and_swap("k", std::nullopt, "again")}, {}}).code(), Code::Conflict);
  EXPECT_EQ(commit("ns", Batch{{Op::compare_and_swap("k", "wrong", "x")}, {}}).code(), Code::Conflict);
  EXPECT_EQ(get("ns", "k"), "first");
  EXPECT_TRUE(commit("ns", Batch{{Op::compare_and_swap("k", "first", "second")}, {}}));
  EXPECT_EQ(get("ns", "k"), "second");
  EXPECT_TRUE(commit("ns", Batch{{Op::compare_and_swap("k", "second", std::nullopt)}, {}}));  // delete
  EXPECT_EQ(get("ns", "k"), std::nullopt);
  EXPECT_EQ(commit("ns", Batch{{Op::compare_and_swap("k", "", "x")}, {}}).code(), Code::Conflict);  // "" is not absent
}

TEST_P(Conformance, KeysExpire) {
  ASSERT_TRUE(set("ttl", "short", "1", kShortTtlMs));
  ASSERT_TRUE(set("ttl", "long", "2", 60'000));
  ASSERT_TRUE(set("ttl", "forever", "3"));
  NamespaceRead r;
  EXPECT_EQ(read("ttl", &r).size(), 3u);
  EXPECT_GT(r.next_expiry_ms, now_ms());
  EXPECT_LE(r.next_expiry_ms, now_ms() + kShortTtlMs);
  std::this_thread::sleep_for(kPastShortTtl);
  EXPECT_EQ(get("ttl", "short"), std::nullopt);
  EXPECT_EQ(read("ttl", &r), (Map{{"forever", "3"}, {"long", "2"}}));
  EXPECT_GT(r.next_expiry_ms, now_ms() + 50'000);
  EXPECT_EQ(list("ttl", ""), (std::vector<std::string>{"forever", "long"}));
  // Expired keys count towards no quota.
  Limits two_keys;
  two_keys.max_keys = 3;
  EXPECT_TRUE(commit("ttl", Batch{{Op::set("new", "x")}, {}}, nullptr, two_keys));
}

TEST_P(Conformance, SetClearsAnExpiryAndExpireChangesIt) {
  ASSERT_TRUE(set("ttl", "a", "1", kShortTtlMs));
  ASSERT_TRUE(set("ttl", "a", "2"));  // a plain set makes it permanent again
  ASSERT_TRUE(set("ttl", "b", "1"));
  CommitResult r;
  ASSERT_TRUE(commit("ttl", Batch{{Op::expire("b", kShortTtlMs), Op::expire("absent", kShortTtlMs)}, {}}, &r));
  EXPECT_TRUE(r.results[0].applied);
  EXPECT_FALSE(r.results[1].applied);
  ASSERT_TRUE(set("ttl", "c", "1", kShortTtlMs));
  ASSERT_TRUE(commit("ttl", Batch{{Op::expire("c", 0)}, {}}));  // 0 removes the expiry
  std::this_thread::sleep_for(kPastShortTtl);
  EXPECT_EQ(read("ttl"), (Map{{"a", "2"}, {"c", "1"}}));
}

TEST_P(Conformance, IncrementGivesANewKeyItsTtlAndKeepsAnExistingOne) {
  EXPECT_EQ(increment("ttl", "window", 1, kShortTtlMs), 1);
  EXPECT_EQ(increment("ttl", "window", 1, 60'000), 2);  // keeps the short expiry
  ASSERT_TRUE(set("ttl", "kept", "10"));
  EXPECT_EQ(increment("ttl", "kept", 1, kShortTtlMs), 11);  // existed without expiry: stays permanent
  std::this_thread::sleep_for(kPastShortTtl);
  EXPECT_EQ(get("ttl", "window"), std::nullopt);
  EXPECT_EQ(get("ttl", "kept"), "11");
  EXPECT_EQ(increment("ttl", "window", 1), 1);  // starts again
}

TEST_P(Conformance, InvalidArguments) {
  EXPECT_EQ(set("ns", std::string(kMaxKeyBytes + 1, 'k'), "v").code(), Code::Invalid);
  EXPECT_TRUE(set("ns", std::string(kMaxKeyBytes, 'k'), "v"));
  EXPECT_EQ(set("ns", "k", "v", -1).code(), Code::Invalid);
}

TEST_P(Conformance, VersionsMoveWithChangesOnly) {
  NamespaceRead r;
  ASSERT_TRUE(set("v", "a", "1"));
  read("v", &r);
  const uint64_t v1 = r.version;
  EXPECT_GT(v1, 0u);
  ASSERT_TRUE(set("v", "a", "1"));  // changes nothing
  ASSERT_TRUE(commit("v", Batch{{Op::erase("missing")}, {}}));
  NamespaceRead again;
  ASSERT_TRUE(store_->read("v", v1, &again));
  EXPECT_TRUE(again.unchanged);
  EXPECT_EQ(again.version, v1);
  CommitResult c;
  ASSERT_TRUE(commit("v", Batch{{Op::set("a", "2")}, {}}, &c));
  EXPECT_GT(c.version, v1);
  ASSERT_TRUE(store_->read("v", v1, &again));
  EXPECT_FALSE(again.unchanged);
  EXPECT_EQ(again.version, c.version);
  EXPECT_EQ(again.data, (Map{{"a", "2"}}));
}

TEST_P(Conformance, IfVersionIsOptimisticConcurrency) {
  ASSERT_TRUE(set("v", "a", "1"));
  NamespaceRead r;
  read("v", &r);
  ASSERT_TRUE(set("v", "a", "2"));  // someone else wrote
  Status s = commit("v", Batch{{Op::set("b", "x")}, r.version});
  EXPECT_EQ(s.code(), Code::Conflict);
  EXPECT_EQ(get("v", "b"), std::nullopt);
  read("v", &r);
  EXPECT_TRUE(commit("v", Batch{{Op::set("b", "x")}, r.version}));
  EXPECT_EQ(get("v", "b"), "x");
  EXPECT_TRUE(commit("never-written", Batch{{Op::set("k", "v")}, 0}));  // version 0: a new namespace
}

TEST_P(Conformance, Quotas) {
  Limits limits;
  limits.max_keys = 3;
  limits.max_value_bytes = 10;
  limits.max_namespace_bytes = 25;
  auto with = [&](Batch b) { return commit("q", std::move(b), nullptr, limits); };
  EXPECT_EQ(with(Batch{{Op::set("k", std::string(11, 'v'))}, {}}).code(), Code::Quota);
  EXPECT_TRUE(with(Batch{{Op::set("a", "1"), Op::set("b", "2"), Op::set("c", "3")}, {}}));
  Status s = with(Batch{{Op::set("d", "4")}, {}});
  EXPECT_EQ(s.code(), Code::Quota) << s.message();
  EXPECT_NE(s.message().find("max_keys"), std::string::npos) << s.message();
  EXPECT_TRUE(with(Batch{{Op::erase("a"), Op::set("d", "4")}, {}}));  // replacing keeps the count
  s = with(Batch{
      {Op::set("b", std::string(10, 'x')), Op::set("c", std::string(10, 'x')), Op::set("d", std::string(10, 'x'))},
      {}});  // 3 x 11 bytes > 25
  EXPECT_EQ(s.code(), Code::Quota) << s.message();
  EXPECT_NE(s.message().find("max_namespace_bytes"), std::string::npos) << s.message();
  EXPECT_EQ(read("q"), (Map{{"b", "2"}, {"c", "3"}, {"d", "4"}}));
  // Lowered limits never block a batch that shrinks the namespace.
  Limits tiny;
  tiny.max_keys = 1;
  tiny.max_namespace_bytes = 1;
  EXPECT_TRUE(commit("q", Batch{{Op::erase("b")}, {}}, nullptr, tiny));
  EXPECT_EQ(commit("q", Batch{{Op::set("e", "5")}, {}}, nullptr, tiny).code(), Code::Quota);
}

TEST_P(Conformance, ListByPrefixInOrder) {
  Batch b;
  for (std::string k : {"user:2"s, "user:10"s, "user:1"s, "users"s, "user;"s, "admin"s, "user:\xff"s, "\xff\xff"s})
    b.ops.push_back(Op::set(k, "v"));
  ASSERT_TRUE(commit("l", b));
  EXPECT_EQ(list("l", "user:"), (std::vector<std::string>{"user:1", "user:10", "user:2", "user:\xff"s}));
  EXPECT_EQ(list("l", "user:", "user:10"), (std::vector<std::string>{"user:2", "user:\xff"s}));
  EXPECT_EQ(list("l", "user:", "", 2), (std::vector<std::string>{"user:1", "user:10"}));
  EXPECT_EQ(list("l", "user:", "a"), (std::vector<std::string>{"user:1", "user:10", "user:2", "user:\xff"s}));
  EXPECT_EQ(list("l", "user:", "zzz"), std::vector<std::string>{});
  EXPECT_EQ(list("l", "\xff"s), (std::vector<std::string>{"\xff\xff"s}));
  EXPECT_EQ(list("l", "").size(), 8u);
  EXPECT_EQ(list("l", "", "users"), (std::vector<std::string>{"\xff\xff"s}));
  EXPECT_EQ(list("l", "", "", 0), std::vector<std::string>{});
}

// 16 clients incrementing one key 10,000 times in all: exactly 10,000, through two store handles
// (for SQLite and Redis: two connections sets, as two processes would have).
TEST_P(Conformance, ConcurrentIncrementsLoseNothing) {
  std::string error;
  auto second = backend_->open(&error);
  ASSERT_TRUE(second) << error;
  constexpr int kThreads = 16, kPerThread = 625;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store& store = t % 2 ? *second : *store_;
      for (int i = 0; i < kPerThread; ++i) {
        CommitResult r;
        if (!store.commit("hits", Batch{{Op::increment("n", 1)}, {}}, {}, &r)) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(get("hits", "n"), "10000");
}

// Concurrent commits that the backends apply together (group commit: one SQLite transaction, one
// Redis script run) still succeed or fail one by one: a batch that fails in the store (a bad
// number, a lost compare-and-swap) writes nothing and fails no other batch, and every batch gets
// its own results, over two namespaces at once.
TEST_P(Conformance, ConcurrentBatchesFailOnlyThemselves) {
  ASSERT_TRUE(set("g0", "text", "not a number"));
  ASSERT_TRUE(set("g1", "owner", "someone"));
  constexpr int kThreads = 8, kPerThread = 50;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string ns = "g" + std::to_string(t % 2), mine = "t" + std::to_string(t);
      int64_t succeeded = 0;
      for (int i = 0; i < kPerThread; ++i) {
        const bool fails = (t + i) % 3 == 0;
        Batch b{{Op::increment("n", 1), Op::increment(mine, 1)}, {}};
        if (fails && ns == "g0") b.ops.push_back(Op::increment("text", 1));
        if (fails && ns == "g1") b.ops.push_back(Op::compare_and_swap("owner", std::string("me"), std::string("x")));
        CommitResult r;
        Status s = store_->commit(ns, b, {}, &r);
        if (fails) {
          if (s.code() != (ns == "g0" ? Code::NotANumber : Code::Conflict)) wrong++;
        } else if (!s || r.results.size() != 2 || r.results[1].number != ++succeeded) {
          wrong++;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  int expected[2] = {0, 0};
  for (int t = 0; t < kThreads; ++t) {
    int mine = 0;
    for (int i = 0; i < kPerThread; ++i) mine += (t + i) % 3 != 0;
    expected[t % 2] += mine;
    EXPECT_EQ(get("g" + std::to_string(t % 2), "t" + std::to_string(t)), std::to_string(mine));
  }
  EXPECT_EQ(get("g0", "n"), std::to_string(expected[0]));
  EXPECT_EQ(get("g1", "n"), std::to_string(expected[1]));
  EXPECT_EQ(get("g0", "text"), "not a number");
  EXPECT_EQ(get("g1", "owner"), "someone");
}

// The snapshot protocol's pattern: read, change a copy, commit the diff. Threads each own a key.
TEST_P(Conformance, ConcurrentDiffsOnDifferentKeysLoseNothing) {
  constexpr int kThreads = 8, kRounds = 60;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string key = "counter-" + std::to_string(t);
      for (int i = 0; i < kRounds; ++i) {
        NamespaceRead r;
        if (!store_->read("shared", std::nullopt, &r)) failures++;
        Map mine = r.data;
        auto it = mine.find(key);
        mine[key] = std::to_string((it == mine.end() ? 0 : std::stoi(it->second)) + 1);
        Batch b;
        append_changes(diff(r.data, mine), b);
        CommitResult c;
        if (!store_->commit("shared", b, {}, &c)) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  Map final_map = read("shared");
  ASSERT_EQ(final_map.size(), static_cast<size_t>(kThreads));
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(final_map["counter-" + std::to_string(t)], std::to_string(kRounds));
}

TEST_P(Conformance, ReadersSeeWholeBatches) {
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::thread writer([&] {
    for (int i = 0; i < 300; ++i) {
      const std::string v = std::to_string(i);
      CommitResult c;
      store_->commit("pair", Batch{{Op::set("a", v), Op::set("b", v)}, {}}, {}, &c);
    }
    stop = true;
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      do {
        NamespaceRead snap;
        if (!store_->read("pair", std::nullopt, &snap)) bad++;
        if (snap.data.count("a") != snap.data.count("b") || (snap.data.count("a") && snap.data["a"] != snap.data["b"]))
          bad++;
      } while (!stop);
    });
  }
  writer.join();
  for (auto& th : readers) th.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(get("pair", "a"), "299");
}

INSTANTIATE_TEST_SUITE_P(Backends, Conformance, ::testing::ValuesIn(test::backend_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace wws::kv
