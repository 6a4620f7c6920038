// Hostile JS workers against the runtime's limits: whatever a worker allocates or however its
// time runs out, the run fails softly (the process never aborts) and the next request works.
#include <gtest/gtest.h>

#include <string>

#include "js_test_support.h"

namespace wws::js {
namespace {

// The worker of issue 7 item 1a: a response, a TextEncoder result or a Blob larger than the
// heap limit aborted the process in v8::ArrayBuffer::NewBackingStore.
TEST_F(JsRuntime, BuffersLargerThanTheLimitFailTheRunNotTheProcess) {
  env_.heap_limit_bytes = 16ull << 20;
  auto script = load("index.js", R"(
    export default {
      async fetch(request) {
        const kind = new URL(request.url).searchParams.get("kind");
        if (kind === "ok") return new Response("fine");
        const t = await request.text();
        if (kind === "response") return new Response(t + t);
        if (kind === "encode") return new Response(String(new TextEncoder().encode(t + t).length));
        const blob = new Blob([t, t, t]);
        return new Response(String((await blob.arrayBuffer()).byteLength));
      }
    };)");
  const std::string body(9u << 20, 'a');
  for (const char* kind : {"response", "encode", "blob"}) {
    url_ = std::string("http://localhost/?kind=") + kind;
    Result big = run(*script, "POST", body);
    EXPECT_NE(big.outcome, Outcome::Ok) << kind;
    EXPECT_EQ(big.status, 500) << kind;
    url_ = "http://localhost/?kind=ok";
    Result next = run(*script);
    ASSERT_EQ(next.outcome, Outcome::Ok) << kind << ": " << next.message;
    EXPECT_EQ(next.body, "fine");
  }
}

// Item 1c: a single allocation is not bounded by V8's heap limit (the young generation takes
// its first large object whatever its size), so a 400 MiB string got past a 128 MiB limit.
// Flattening it also reached V8's fatal "Reached heap limit" before.
TEST_F(JsRuntime, OneStringLargerThanTheHeapLimitIsOutOfMemory) {
  env_.heap_limit_bytes = 128ull << 20;
  auto script = load("index.js", R"(
    export default {
      fetch(request) {
        const kind = new URL(request.url).searchParams.get("kind");
        if (kind === "ok") return new Response("fine");
        const s = "x".repeat(400 << 20);  // a rope: small until something flattens it
        if (kind === "flat") return new Response(String(s.replace(/y/g, "z").length));
        return new Response(String(s.toUpperCase().length));
      }
    };)");
  for (const char* kind : {"flat", "upper"}) {
    url_ = std::string("http://localhost/?kind=") + kind;
    Result big = run(*script);
    EXPECT_EQ(big.outcome, Outcome::OutOfMemory) << kind << ": " << big.body;
    url_ = "http://localhost/?kind=ok";
    Result next = run(*script);
    ASSERT_EQ(next.outcome, Outcome::Ok) << kind << ": " << next.message;
    EXPECT_EQ(next.body, "fine");
  }
}

// Item 1b: with a time limit of a few ms, termination lands anywhere in context creation and
// module set-up. V8 aborted ("Check failed: module->status() == kErrored") when it came just
// before Module::Evaluate. A module graph makes the set-up long, so many runs hit every phase.
TEST_F(JsRuntime, TerminationDuringModuleSetUpNeverAborts) {
  std::string imports, uses;
  for (int i = 0; i < 40; ++i) {
    std::string name = "m" + std::to_string(i);
    write("_lib/" + name + ".js", "export const " + name + " = " + std::to_string(i) + ";\n");
    imports += "import { " + name + " } from './_lib/" + name + ".js';\n";
    uses += " + " + name;
  }
  auto script = load("index.js",
                     imports + "const total = 0" + uses + ";\n" + "export default { fetch() { while (true) {} } };\n");
  env_.fresh_context = true;
  int timed_out = 0;
  for (int run_index = 0; run_index < 400; ++run_index) {
    env_.timeout = std::chrono::milliseconds(1 + run_index % 4);
    Result result = run(*script);
    ASSERT_NE(result.outcome, Outcome::Ok);
    timed_out += result.outcome == Outcome::TimedOut;
  }
  EXPECT_EQ(timed_out, 400);
}

// Cache writes and pending timers live outside the V8 heap: they are bounded too.
TEST_F(JsRuntime, CacheWritesAndTimersAreBounded) {
  env_.heap_limit_bytes = 16ull << 20;
  auto script = load("index.js", R"(
    export default {
      fetch(request) {
        const kind = new URL(request.url).searchParams.get("kind");
        if (kind === "cache") {
          const mib = "v".repeat(1 << 20);
          for (let i = 0; i < 64; i++) Cache.set("k" + i, mib);
        }
        if (kind === "timers") for (let i = 0; i < 200000; i++) setTimeout(() => {}, 60000);
        if (kind === "small") { Cache.set("a", "1"); Cache.delete("a"); }
        return new Response("done");
      }
    };)");
  url_ = "http://localhost/?kind=cache";
  Result cache = run(*script);
  EXPECT_EQ(cache.outcome, Outcome::Trapped);
  EXPECT_NE(cache.message.find("RangeError: Cache.set"), std::string::npos) << cache.message;
  url_ = "http://localhost/?kind=timers";
  Result timers = run(*script);
  EXPECT_EQ(timers.outcome, Outcome::Trapped);
  EXPECT_NE(timers.message.find("timers are already pending"), std::string::npos) << timers.message;
  url_ = "http://localhost/?kind=small";
  Result small = run(*script);
  ASSERT_EQ(small.outcome, Outcome::Ok) << small.message;
  EXPECT_EQ(small.body, "done");
}

}  // namespace
}  // namespace wws::js
