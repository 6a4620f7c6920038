// The Rust and Go kits' K/V, key by key through the wws_kv host functions, end to end on the
// default (SQLite) backend: every call over HTTP, what a C kit worker sees of a kit's writes and
// the other way round, failed runs, 16 clients incrementing one key, the original kits' map APIs,
// and that a kit-built module is not sent its namespace ("kv":{}) even when it is large.
#include <gtest/gtest.h>

#include <thread>

#include "harness.h"
#include "json.h"
#include "kv_support.h"

namespace e2e {
namespace {

const std::vector<std::string> kKits = {"rust", "go"};

class KitKv : public SharedServerTest<KitKv> {
 public:
  static void build(Project& p) {
    for (const auto& kit : kKits) {
      const std::string ns = "kit-" + kit;
      // /<kit>: the kit's worker; /c-<kit>: the C kit's worker on the same namespace.
      p.worker(kit + ".wasm", kit + "/kit-kv").file(kit + ".toml", kv_toml(kit, ns));
      p.worker("c-" + kit + ".wasm", "kv_atomic").file("c-" + kit + ".toml", kv_toml("c", ns));
      // A namespace of 5,000 keys: the probe reads one; echo (the snapshot protocol) gets all.
      p.worker("probe-" + kit + ".wasm", kit + "/kv-probe").file("probe-" + kit + ".toml", kv_toml("probe", "big"));
    }
    p.worker("fill.wasm", "kv_atomic").file("fill.toml", kv_toml("fill", "big"));
    p.worker("echo.wasm", "echo").file("echo.toml", kv_toml("echo", "big"));
    p.worker("hashmap.wasm", "rust/kv-hashmap").file("hashmap.toml", kv_toml("hashmap", "kit-hashmap"));
    p.worker("c-hashmap.wasm", "kv_atomic").file("c-hashmap.toml", kv_toml("c", "kit-hashmap"));
  }
  static std::vector<std::string> args() { return {"--threads", "2"}; }

  static std::string at(const std::string& kit, const std::string& query) {
    return server_->get("/" + kit + "?" + query).body;
  }
  static std::string c(const std::string& kit, const std::string& query) { return at("c-" + kit, query); }
};

TEST_F(KitKv, GetSetDeleteGoToTheHostAndOtherWorkersSeeThem) {
  for (const auto& kit : kKits) {
    SCOPED_TRACE(kit);
    EXPECT_EQ(at(kit, "op=get&key=a"), "(none)") << server_->log();
    EXPECT_EQ(at(kit, "op=set&key=a&value=1"), "ok");
    EXPECT_EQ(at(kit, "op=get&key=a"), "1");
    EXPECT_EQ(c(kit, "op=get&key=a"), "1") << "the C kit's worker reads what the kit wrote";
    EXPECT_EQ(c(kit, "op=set&key=b&value=from-c"), "ok");
    EXPECT_EQ(at(kit, "op=get&key=b"), "from-c");
    EXPECT_EQ(at(kit, "op=list"), "a,b");
    EXPECT_EQ(at(kit, "op=len"), "2");
    EXPECT_EQ(at(kit, "op=del&key=a"), "ok");
    EXPECT_EQ(c(kit, "op=get&key=a"), "(none)");
    EXPECT_EQ(at(kit, "op=del&key=b"), "ok");
    EXPECT_EQ(at(kit, "op=list"), "");
  }
}

TEST_F(KitKv, AtomicOperationsAndTtl) {
  for (const auto& kit : kKits) {
    SCOPED_TRACE(kit);
    EXPECT_EQ(at(kit, "op=incr&key=n&by=5"), "n=5");
    EXPECT_EQ(at(kit, "op=incr&key=n&by=-7"), "n=-2");
    EXPECT_EQ(c(kit, "op=get&key=n"), "-2");
    EXPECT_EQ(at(kit, "op=cas&key=n&expect=-2&value=x"), "swapped=1");
    EXPECT_EQ(at(kit, "op=cas&key=n&expect=-2&value=y"), "swapped=0");
    auto nan = server_->get("/" + kit + "?op=incr&key=n");
    EXPECT_EQ(nan.status, 422);
    EXPECT_NE(nan.body.find("not a decimal 64-bit integer"), std::string::npos) << nan.body;
    EXPECT_EQ(at(kit, "op=cas&key=n&expect=x"), "swapped=1");  // no value: delete
    EXPECT_EQ(c(kit, "op=get&key=n"), "(none)");
    EXPECT_EQ(at(kit, "op=cas&key=n&value=new"), "swapped=1");  // no expect: must be absent
    EXPECT_EQ(at(kit, "op=cas&key=n&value=again"), "swapped=0");
    EXPECT_EQ(at(kit, "op=expire&key=n&ttl=150"), "1");
    EXPECT_EQ(at(kit, "op=expire&key=nothing&ttl=150"), "0");
    EXPECT_EQ(at(kit, "op=set&key=t&value=v&ttl=150"), "ok");
    EXPECT_EQ(at(kit, "op=incr&key=ti&ttl=150"), "ti=1");
    EXPECT_EQ(c(kit, "op=get&key=t"), "v");
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    EXPECT_EQ(at(kit, "op=get&key=n"), "(none)");
    EXPECT_EQ(at(kit, "op=get&key=t"), "(none)");
    EXPECT_EQ(at(kit, "op=get&key=ti"), "(none)");
  }
}

TEST_F(KitKv, AFailedRunStoresNoWriteButKeepsItsAtomicOperations) {
  for (const auto& kit : kKits) {
    SCOPED_TRACE(kit);
    EXPECT_EQ(server_->get("/" + kit + "?op=set&key=f&value=1&fail=500").status, 500);
    EXPECT_EQ(c(kit, "op=get&key=f"), "(none)") << "a failed run must not commit its set";
    EXPECT_EQ(server_->get("/" + kit + "?op=incr&key=fi&fail=500").status, 500);
    EXPECT_EQ(c(kit, "op=get&key=fi"), "1") << "an increment is decided by the store at once";
    EXPECT_EQ(at(kit, "op=del&key=fi"), "ok");
  }
}

TEST_F(KitKv, SixteenClientsIncrementingOneKeyLoseNothing) {
  for (const auto& kit : kKits) {
    SCOPED_TRACE(kit);
    EXPECT_EQ(hammer(*server_, "/" + kit + "?op=incr&key=hits", 16, 10'000), 0);
    EXPECT_EQ(c(kit, "op=get&key=hits"), "10000");
  }
}

TEST_F(KitKv, AKitWorkerIsNotSentItsNamespace) {
  ASSERT_EQ(server_->get("/fill?op=fill&prefix=big&count=5000&size=20").body, "ok");
  // The control: a snapshot-protocol worker on the same namespace gets all 5,000 keys.
  auto echo = server_->get("/echo");
  ASSERT_EQ(string_map(parse_json(echo.body), "kv").size(), 5000u);
  for (const auto& kit : kKits) {
    SCOPED_TRACE(kit);
    EXPECT_EQ(server_->get("/probe-" + kit + "?key=big2500").body, "sent=0 value=" + std::string(20, 'v'))
        << server_->log();
  }
}

TEST_F(KitKv, RustHandlersDeclaringAHashMapGetTheWholeNamespaceAndWriteBackTheirChanges) {
  EXPECT_EQ(c("hashmap", "op=set&key=m1&value=a"), "ok");
  EXPECT_EQ(c("hashmap", "op=set&key=m2&value=b"), "ok");
  // kv-hashmap: answers the keys it got, then counts in "counter" and deletes "m1".
  EXPECT_EQ(server_->get("/hashmap").body, "m1,m2 counter=0");
  EXPECT_EQ(c("hashmap", "op=get&key=counter"), "1");
  EXPECT_EQ(c("hashmap", "op=get&key=m1"), "(none)");
  EXPECT_EQ(c("hashmap", "op=get&key=m2"), "b");
  EXPECT_EQ(server_->get("/hashmap").body, "counter,m2 counter=1");
  EXPECT_EQ(c("hashmap", "op=del&key=m2"), "ok");
  EXPECT_EQ(c("hashmap", "op=del&key=counter"), "ok");
}

}  // namespace
}  // namespace e2e
