// js::Runtime driven directly: both worker styles, async work and timers, failures and limits,
// start-up syntax errors, Cache, binary bodies, module imports, [vars], isolation, contexts.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "js/prelude.h"
#include "js/script.h"
#include "js_test_support.h"
#include "util/log_budget.h"

namespace wws::js {
namespace {

TEST_F(JsRuntime, ServiceWorkerStyleEchoesTheRequest) {
  auto script = load("index.js", R"(
    addEventListener("fetch", (event) => {
      const r = event.request;
      event.respondWith(new Response(`${r.method} ${r.url} ${r.headers.get("user-agent")}`,
                                     { status: 201, headers: { "x-kind": "sw" } }));
    });)");
  Result result = run(*script);
  ASSERT_EQ(result.outcome, Outcome::Ok) << result.message;
  EXPECT_EQ(result.status, 201);
  EXPECT_EQ(result.body, "GET http://localhost/hello?x=1 gtest");
  bool found = false;
  for (auto& [k, v] : result.headers) found |= (k == "x-kind" && v == "sw");
  EXPECT_TRUE(found);
}

TEST_F(JsRuntime, ModuleStyleGetsRequestEnvAndContext) {
  env_.vars = new std::vector<std::pair<std::string, std::string>>{{"MESSAGE", "hi"}};
  auto script = load("index.js", R"(
    export default {
      async fetch(request, env, ctx) {
        return new Response(`${env.MESSAGE} ${MESSAGE} ${typeof ctx.waitUntil} ${await request.text()}`);
      }
    };)");
  Result result = run(*script, "POST", "body!");
  ASSERT_EQ(result.outcome, Outcome::Ok) << result.message;
  EXPECT_EQ(result.body, "hi hi function body!");
  delete env_.vars;
}

TEST_F(JsRuntime, VarsAreReadOnlyGlobals) {
  std::vector<std::pair<std::string, std::string>> vars{{"MESSAGE", "a \"quoted\"\\ value\n"}};
  env_.vars = &vars;
  auto script = load("index.js", R"(
    addEventListener("fetch", (e) => {
      try { MESSAGE = "changed"; } catch (_) {}
      e.respondWith(new Response(JSON.stringify(MESSAGE)));
    });)");
  Result result = run(*script);
  ASSERT_EQ(result.outcome, Outcome::Ok) << result.message;
  EXPECT_EQ(result.body, R"("a \"quoted\"\\ value\n")");
}

TEST_F(JsRuntime, AwaitsTimersAndMicrotasks) {
  auto script = load("index.js", R"(
    export default {
      async fetch() {
        const order = [];
        queueMicrotask(() => order.push("micro"));
        await new Promise((r) => setTimeout(r, 10));
        order.push("timer");
        let ticks = 0;
        await new Promise((r) => { const id = setInterval(() => { if (++ticks === 3) { clearInterval(id); r(); } }, 1); });
        const cancelled = setTimeout(() => order.push("never"), 1);
        clearTimeout(cancelled);
        await new Promise((r) => setTimeout(r, 5));
        return new Response(order.join(",") + " " + ticks);
      }
    };)");
  auto start = std::chrono::steady_clock::now();
  Result result = run(*script);
  ASSERT_EQ(result.outcome, Outcome::Ok) << result.message;
  EXPECT_EQ(result.body, "micro,timer 3");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(10));
}

TEST_F(JsRuntime, PendingTimersAreCancelledAfterTheResponse) {
  auto script = load("index.js", R"(
    let fired = 0;
    export default {
      fetch() {
        setTimeout(() => fired++, 0);
        return new Response(String(fired));
      }
    };)");
  EXPECT_EQ(run(*script).body, "0");
  EXPECT_EQ(run(*script).body, "0");
}

TEST_F(JsRuntime, WaitUntilRunsAfterTheResponse) {
  auto script = load("index.js", R"(
    let log = [];
    export default {
      fetch(request, env, ctx) {
        const before = log.join(",");
        ctx.waitUntil(new Promise((r) => setTimeout(() => { log.push("done"); Cache.set("k", "v"); r(); }, 5)));
        return new Response(before);
      }
    };)");
  Result first = run(*script);
  ASSERT_EQ(first.outcome, Outcome::Ok) << first.message;
  EXPECT_EQ(first.body, "");
  ASSERT_EQ(view_->take_pending().size(), 1u);
  EXPECT_EQ(run(*script).body, "done");
}

TEST_F(JsRuntime, WaitUntilPastTheTimeLimitIsCutOffButTheResponseStands) {
  // The first run compiles the script: 150 ms was not enough at load 14.
  env_.timeout = std::chrono::milliseconds(400);
  auto script = load("index.js", R"(
    addEventListener("fetch", (event) => {
      const url = new URL(event.request.url);
      // A timer fires only once the response is complete, so this spins in the waitUntil phase.
      if (url.searchParams.has("spin")) event.waitUntil(new Promise(() => setTimeout(() => { while (true) {} }, 1)));
      else event.waitUntil(new Promise((r) => setTimeout(r, 60000)));
      event.respondWith(new Response("sent"));
    });)");
  Result slow = run(*script);
  ASSERT_EQ(slow.outcome, Outcome::Ok) << slow.message;
  EXPECT_EQ(slow.body, "sent");
  url_ = "http://localhost/?spin";
  Result spinning = run(*script);
  ASSERT_EQ(spinning.outcome, Outcome::Ok) << spinning.message;
  EXPECT_EQ(spinning.body, "sent");
  url_ = "http://localhost/";
  EXPECT_EQ(run(*script).body, "sent");
}

TEST_F(JsRuntime, ThrowAndRejectAreTrappedWithTheStack) {
  auto thrower = load("throw.js", R"(
    function inner() { throw new Error("boom"); }
    addEventListener("fetch", (e) => inner());)");
  Result thrown = run(*thrower);
  EXPECT_EQ(thrown.outcome, Outcome::Trapped);
  EXPECT_NE(thrown.message.find("Error: boom"), std::string::npos) << thrown.message;
  EXPECT_NE(thrown.message.find("inner"), std::string::npos) << thrown.message;
  EXPECT_NE(thrown.message.find("throw.js:2"), std::string::npos) << thrown.message;

  auto rejecter = load("reject.js", R"(
    export default { async fetch() { await null; throw new TypeError("late"); } };)");
  Result rejected = run(*rejecter);
  EXPECT_EQ(rejected.outcome, Outcome::Trapped);
  EXPECT_NE(rejected.message.find("TypeError: late"), std::string::npos) << rejected.message;

  auto never = load("never.js", R"(export default { fetch() { return new Promise(() => {}); } };)");
  Result stuck = run(*never);
  EXPECT_EQ(stuck.outcome, Outcome::Trapped);
  EXPECT_NE(stuck.message.find("never settled"), std::string::npos) << stuck.message;

  auto not_response = load("nr.js", R"(export default { fetch() { return "text"; } };)");
  EXPECT_EQ(run(*not_response).outcome, Outcome::Trapped);
}

TEST_F(JsRuntime, InfiniteLoopTimesOutAndTheNextRequestWorks) {
  env_.timeout = std::chrono::milliseconds(200);
  auto script = load("index.js", R"(
    let calls = 0;
    export default {
      async fetch(request) {
        calls++;
        if (request.method === "POST") while (true) {}
        if (request.method === "PUT") await new Promise((r) => setTimeout(r, 60000));
        return new Response("ok " + calls);
      }
    };)");
  Result looped = run(*script, "POST", "x");
  EXPECT_EQ(looped.outcome, Outcome::TimedOut) << looped.message;
  Result slept = run(*script, "PUT", "x");
  EXPECT_EQ(slept.outcome, Outcome::TimedOut) << slept.message;
  Result next = run(*script);
  ASSERT_EQ(next.outcome, Outcome::Ok) << next.message;
  EXPECT_EQ(next.body, "ok 1");  // a timed-out context is replaced
}

TEST_F(JsRuntime, HeapBombIsOutOfMemoryAndTheNextRequestWorks) {
  env_.heap_limit_bytes = 32ull << 20;
  auto script = load("index.js", R"(
    export default {
      fetch(request) {
        if (request.method === "POST") {
          const hog = [];
          while (true) hog.push(new Array(10000).fill({ x: 1 }));
        }
        if (request.method === "PUT") {
          const buffers = [];
          while (true) buffers.push(new ArrayBuffer(1 << 20));
        }
        return new Response("fine");
      }
    };)");
  Result bomb = run(*script, "POST", "x");
  EXPECT_EQ(bomb.outcome, Outcome::OutOfMemory) << bomb.message;
  EXPECT_NE(bomb.message.find("32 MiB"), std::string::npos) << bomb.message;
  Result next = run(*script);
  ASSERT_EQ(next.outcome, Outcome::Ok) << next.message;
  EXPECT_EQ(next.body, "fine");
  Result buffers = run(*script, "PUT", "x");
  EXPECT_EQ(buffers.outcome, Outcome::Trapped) << buffers.message;  // a RangeError, caught as a throw
  EXPECT_NE(buffers.message.find("RangeError"), std::string::npos) << buffers.message;
  EXPECT_EQ(run(*script).body, "fine");
}

TEST_F(JsRuntime, SyntaxErrorsNameFileLineAndColumn) {
  std::string error;
  auto path = write("bad.js", "addEventListener('fetch', (e) => {\n  let x = ;\n});\n");
  EXPECT_FALSE(load_script(path, root_, &error));
  EXPECT_EQ(error.rfind(fs::canonical(path).string() + ":2:11: SyntaxError: ", 0), 0u) << error;

  write("lib/broken.js", "export const x = {;\n");
  auto main = write("main.js", "import { x } from './lib/broken.js';\nexport default { fetch() {} };\n");
  EXPECT_FALSE(load_script(main, root_, &error));
  EXPECT_NE(error.find("broken.js:1:19: SyntaxError"), std::string::npos) << error;
}

TEST_F(JsRuntime, RelativeImportsResolveAndStayInTheProject) {
  write("_lib/util.js", "import { twice } from './math.js';\nexport const greet = (n) => 'hi ' + twice(n);\n");
  write("_lib/math.js", "export const twice = (n) => n * 2;\n");
  auto script = load("api/index.js", R"(
    import { greet } from "../_lib/util.js";
    export default { fetch() { return new Response(greet(21)); } };)");
  Result result = run(*script);
  ASSERT_EQ(result.outcome, Outcome::Ok) << result.message;
  EXPECT_EQ(result.body, "hi 42");

  std::string error;
  auto outside = write("escape.js", "import x from '../../etc/passwd';\nexport default {};\n");
  EXPECT_FALSE(load_script(outside, root_, &error));
  EXPECT_NE(error.find("outside the project"), std::string::npos) << error;
  auto bare = write("bare.js", "import { Hono } from 'hono';\nexport default {};\n");
  EXPECT_FALSE(load_script(bare, root_, &error));
  EXPECT_NE(error.find("bare.js:1:"), std::string::npos) << error;
  EXPECT_NE(error.find("only relative imports"), std::string::npos) << error;
  auto missing = write("missing.js", "import x from './nope.js';\nexport default {};\n");
  EXPECT_FALSE(load_script(missing, root_, &error));
  EXPECT_NE(error.find("no such file"), std::string::npos) << error;
}

TEST_F(JsRuntime, EsbuildStyleBundleWithExportAsDefault) {
  auto script = load("[...app].js", R"(var __defProp = Object.defineProperty;
var app = { fetch: (req) => new Response("bundled " + new URL(req.url).pathname) };
var src_default = app;
export {
  src_default as default
};
)");
  Result result = run(*script);
  ASSERT_EQ(result.outcome, Outcome::Ok) << result.message;
  EXPECT_EQ(result.body, "bundled /hello");
}

TEST_F(JsRuntime, StyleDetection) {
  EXPECT_TRUE(looks_like_module("import x from './a.js';"));
  EXPECT_TRUE(looks_like_module("const a = 1;\nexport default { fetch() {} };"));
  EXPECT_TRUE(looks_like_module("var a=1;export{a as default};"));
  EXPECT_FALSE(looks_like_module("addEventListener('fetch', () => {});"));
  EXPECT_FALSE(looks_like_module("const m = import('./x.js'); const exported = 1;"));
}

TEST_F(JsRuntime, ScriptWithAnExportWordInACommentFallsBackToAClassicScript) {
  // The scan sees a statement-like "export" in the comment; the module compile rejects the
  // sloppy-mode `with`, a classic compile accepts it, so the worker runs as a script.
  auto script = load("index.js",
                     "/*\nexport the greeting\n*/\nwith (Math) { var r = max(1, 2); }\n"
                     "addEventListener('fetch', (e) => e.respondWith(new Response(String(r))));\n");
  Result result = run(*script);
  ASSERT_EQ(result.outcome, Outcome::Ok) << result.message;
  EXPECT_EQ(result.body, "2");
}

TEST_F(JsRuntime, ScriptWithoutImportsRunsAsAClassicScript) {
  auto script = load("index.js",
                     "var x = 1;\n"
                     "addEventListener('fetch', (e) => e.respondWith(new Response(String(this === globalThis))));\n");
  Result result = run(*script);
  ASSERT_EQ(result.outcome, Outcome::Ok) << result.message;
  EXPECT_EQ(result.body, "true");  // classic script: top-level `this` is the global object
}

TEST_F(JsRuntime, CacheReadsTheStorePlusOwnWritesAndHoldsOnlyChanges) {
  store_ = kv::make_memory_store();
  kv::CommitResult committed;
  ASSERT_TRUE(store_->commit("ns", {{kv::Op::set("a", "1"), kv::Op::set("b", "2")}, {}}, {}, &committed));
  auto script = load("index.js", R"(
    export default {
      fetch() {
        const before = [Cache.get("a"), Cache.get("b"), Cache.get("c")].join("|");
        Cache.set("c", "3");
        Cache.delete("a");
        const after = [Cache.get("a"), Cache.get("b"), Cache.get("c")].join("|");
        let error = "";
        try { Cache.set("n", 42); } catch (e) { error = e.constructor.name + ": " + e.message; }
        return new Response(before + " " + after + " " + error + " " + Cache.list().join(","));
      }
    };)");
  Result result = run(*script);
  ASSERT_EQ(result.outcome, Outcome::Ok) << result.message;
  EXPECT_EQ(result.body,
            "1|2| |2|3 TypeError: Cache.set: value must be a string, got number "
            "(store objects with JSON.stringify) b,c");
  auto pending = view_->take_pending();
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].key, "a");
  EXPECT_EQ(pending[0].kind, kv::OpKind::Delete);
  EXPECT_EQ(pending[1].key, "c");
  EXPECT_EQ(pending[1].value, "3");

  // No namespace: Cache still works within the run, and nothing outlives it.
  store_.reset();
  auto own = load("own.js", R"(
    export default { fetch() { Cache.set("x", "1"); return new Response(String(Cache.get("x")) + String(Cache.get("a"))); } };)");
  Result alone = run(*own);
  ASSERT_EQ(alone.outcome, Outcome::Ok) << alone.message;
  EXPECT_EQ(alone.body, "1null");
}

TEST_F(JsRuntime, CacheAtomicOperations) {
  store_ = kv::make_memory_store();
  auto script = load("index.js", R"(
    export default {
      fetch() {
        const out = [];
        out.push(Cache.increment("n"), Cache.increment("n", 41), Cache.increment("n", -2, {ttl: 60000}));
        out.push(typeof Cache.increment("big", 1n), Cache.increment("huge", 2 ** 53 - 1) + 0, typeof Cache.increment("huge", 1));
        out.push(Cache.compareAndSwap("lock", null, "me"), Cache.compareAndSwap("lock", null, "you"),
                 Cache.compareAndSwap("lock", "me", null), String(Cache.get("lock")));
        out.push(Cache.expire("n", 1000), Cache.expire("absent", 1000));
        Cache.set("word", "hi");
        for (const bad of [() => Cache.increment("word"), () => Cache.increment("n", 1.5), () => Cache.set("k", "v", {ttl: -1}),
                           () => Cache.expire("n"), () => Cache.list({limit: 0})]) {
          try { bad(); out.push("no error"); } catch (e) { out.push(e.constructor.name); }
        }
        Cache.set("t", "x", {ttl: 50});
        return new Response(out.join(","));
      }
    };)");
  Result result = run(*script);
  ASSERT_EQ(result.outcome, Outcome::Ok) << result.message;
  EXPECT_EQ(result.body,
            "1,42,40,bigint,9007199254740991,bigint,true,false,true,null,true,false,"
            "RangeError,TypeError,TypeError,TypeError,TypeError");
  std::optional<std::string> n;
  ASSERT_TRUE(store_->get("ns", "n", &n));
  EXPECT_EQ(n, "40");  // increments are in the store before the run ends
  auto pending = view_->take_pending();
  ASSERT_EQ(pending.size(), 2u);  // "t" and "word"
  EXPECT_EQ(pending[0].ttl_ms, 50);
}

TEST_F(JsRuntime, FailedRunLeavesItsWritesUncommitted) {
  auto script = load("index.js", R"(export default { fetch() { Cache.set("x", "1"); throw new Error("no"); } };)");
  Result result = run(*script);
  EXPECT_EQ(result.outcome, Outcome::Trapped);
  // The runner commits nothing for a failed run; what the view holds is simply dropped.
  EXPECT_EQ(view_->take_pending().size(), 1u);
}

TEST_F(JsRuntime, BinaryBodiesBothWays) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  auto script = load("index.js", R"(
    export default {
      async fetch(request) {
        const input = new Uint8Array(await request.arrayBuffer());
        const out = new Uint8Array(input.length);
        for (let i = 0; i < input.length; i++) out[i] = input[input.length - 1 - i];
        return new Response(out.buffer);
      }
    };)");
  Result result = run(*script, "POST", bytes);
  ASSERT_EQ(result.outcome, Outcome::Ok) << result.message;
  std::string reversed(bytes.rbegin(), bytes.rend());
  EXPECT_EQ(result.body, reversed);
}

TEST_F(JsRuntime, GlobalsPersistPerWorkerAndNeverLeakBetweenWorkers) {
  const char* counter = R"(
    globalThis.count = (globalThis.count || 0) + 1;
    let hits = 0;
    export default { fetch() { hits++; return new Response(hits + " " + globalThis.count + " " + typeof globalThis.secret); } };)";
  auto a = load("a.js", counter);
  auto b = load("b.js", std::string("globalThis.secret = 'b';\n") + counter);
  EXPECT_EQ(run(*a).body, "1 1 undefined");
  EXPECT_EQ(run(*a).body, "2 1 undefined");
  EXPECT_EQ(run(*b).body, "1 1 string");
  EXPECT_EQ(run(*a).body, "3 1 undefined");
}

TEST_F(JsRuntime, FreshContextOptionForgetsGlobals) {
  env_.fresh_context = true;
  auto script = load("index.js", R"(
    let hits = 0;
    export default { fetch() { hits++; return new Response(String(hits)); } };)");
  EXPECT_EQ(run(*script).body, "1");
  EXPECT_EQ(run(*script).body, "1");
}

TEST_F(JsRuntime, PreludeInternalsAreHiddenFromWorkers) {
  auto script = load("index.js", R"(
    export default { fetch() { return new Response(typeof globalThis.__wws_native + typeof globalThis.__wws_internal); } };)");
  EXPECT_EQ(run(*script).body, "undefinedundefined");
}

TEST_F(JsRuntime, NativesReachWorkersThroughTheWebApis) {
  auto script = load("index.js", R"(
    const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
    export default {
      async fetch() {
        const out = [];
        out.push(hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode("abc"))).slice(0, 16));
        out.push(hex(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(""))).slice(0, 8));
        out.push(new TextDecoder().decode(new Uint8Array([0xe2, 0x82, 0xac, 0xff])));
        try { new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xc0, 0x80])); out.push("accepted"); }
        catch (e) { out.push(e.name); }
        out.push(new TextEncoder().encode("\ud800").join(","));
        const original = { a: [1, { b: new Date(0) }], m: new Map([["k", 2]]) };
        const copy = structuredClone(original);
        out.push(String(copy !== original && copy.a[1].b.getTime() === 0 && copy.m.get("k") === 2));
        try { structuredClone(() => 1); out.push("cloned a function"); } catch (e) { out.push(e.name); }
        const random = crypto.getRandomValues(new Uint8Array(32));
        out.push(String(random.some((b) => b !== 0)));
        return new Response(out.join("|"));
      }
    };)");
  Result result = run(*script);
  ASSERT_EQ(result.outcome, Outcome::Ok) << result.message;
  EXPECT_EQ(result.body, "ba7816bf8f01cfea|da39a3ee|\u20ac\ufffd|TypeError|239,191,189|true|DataCloneError|true");
}

TEST_F(JsRuntime, ConsoleGoesToTheServerLogTaggedWithTheWorker) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(16);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  env_.worker_name = "logger-worker";
  auto script = load("index.js", R"(
    export default { fetch() { console.log("hello", { n: 1 }); console.error("bad"); return new Response(""); } };)");
  Result result = run(*script);
  spdlog::set_default_logger(previous);
  ASSERT_EQ(result.outcome, Outcome::Ok) << result.message;
  auto lines = sink->last_formatted();
  std::string all;
  for (auto& line : lines) all += line;
  EXPECT_NE(all.find("[logger-worker] hello { n: 1 }"), std::string::npos) << all;
  EXPECT_NE(all.find("[error] [logger-worker] bad"), std::string::npos) << all;
}

TEST_F(JsRuntime, ConsoleOutputOfOneRunIsCappedAndTheRestCounted) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  env_.worker_name = "chatty";
  auto script = load("index.js", R"(
    export default { fetch() {
      console.log("x".repeat(5000));
      for (let i = 0; i < 5000; i++) console.log("line " + i);
      return new Response("");
    } };)");
  Result first = run(*script);
  Result second = run(*script);  // the budget is per run
  spdlog::set_default_logger(previous);
  ASSERT_EQ(first.outcome, Outcome::Ok) << first.message;
  ASSERT_EQ(second.outcome, Outcome::Ok) << second.message;
  size_t logged = 0, summaries = 0, cut = 0;
  for (auto& line : sink->last_formatted()) {
    if (line.find("[chatty] line ") != std::string::npos) ++logged;
    if (line.find("more lines") != std::string::npos && line.find("not logged") != std::string::npos) ++summaries;
    if (line.find("... (5000 bytes)") != std::string::npos) ++cut;
  }
  EXPECT_EQ(summaries, 2u);
  EXPECT_EQ(cut, 2u);
  EXPECT_GT(logged, 20u);
  EXPECT_LE(logged, 2 * util::LogBudget::kMaxLines);
}

TEST_F(JsRuntime, WorkerWithoutHandlerIsAClearError) {
  auto script = load("index.js", "const x = 1;\n");
  Result result = run(*script);
  EXPECT_EQ(result.outcome, Outcome::Trapped);
  EXPECT_NE(result.message.find("handles no requests"), std::string::npos) << result.message;
}

TEST_F(JsRuntime, ReusedContextIsMuchCheaperThanAFreshOne) {
  auto script = load("index.js", "export default { fetch() { return new Response('hello'); } };");
  auto time = [&](int n) {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) EXPECT_EQ(run(*script).outcome, Outcome::Ok);
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / n;
  };
  run(*script);
  double reused = time(2000);
  env_.fresh_context = true;
  double fresh = time(200);
  std::printf("[ bench ] per request: reused context %.1f us, fresh context %.1f us\n", reused, fresh);
  EXPECT_LT(reused, fresh);
}

}  // namespace
}  // namespace wws::js
