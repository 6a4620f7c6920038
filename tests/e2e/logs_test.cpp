// Request logs and errors a developer can read: one line per request (text or JSON,
// --log-level), errors that name the request path and the route, --dev error pages with the
// cause, the guest's stderr tail or JS stack and the worker file, a hint for debugging text on
// stdout, and a warning (once) for K/V writes without a namespace.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "harness.h"
#include "json.h"

namespace e2e {
namespace {

using namespace std::chrono_literals;

const std::string kErrorPage = "<p>There was an error running this function</p>";

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

class RequestLog : public SharedServerTest<RequestLog> {
 public:
  static void build(Project& p) {
    p.worker("hello.wasm", "hello").worker("users/[id].wasm", "trap").file("public/site.css", "body{}");
    p.file("js.js", "export default { fetch() { return new Response('from js'); } };");
  }
  static std::vector<std::string> args() { return {}; }
};

TEST_F(RequestLog, OneLinePerRequestWithWhatWasServed) {
  server_->get("/hello?name=x");
  server_->get("/js");
  server_->get("/site.css");
  server_->get("/nothing/here");
  ASSERT_TRUE(server_->wait_for("GET /nothing/here", 3s)) << server_->log();
  const std::string log = server_->out();
  EXPECT_TRUE(
      std::regex_search(log, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} info GET /hello\?name=x 200 14B )"
                                        R"([0-9.]+m?s route=/hello worker=hello\.wasm engine=)" +
                                        e2e_engine() + "\n")))
      << log;
  EXPECT_TRUE(
      std::regex_search(log, std::regex(R"(info GET /js 200 7B [0-9.]+m?s route=/js worker=js\.js engine=js\n)")))
      << log;
  EXPECT_TRUE(std::regex_search(log, std::regex(R"(info GET /site\.css 200 6B [0-9.]+m?s static\n)"))) << log;
  EXPECT_TRUE(std::regex_search(log, std::regex(R"(info GET /nothing/here 404 0B [0-9.]+m?s no route\n)"))) << log;
}

TEST_F(RequestLog, AFailedRunIsAWarningAndTheErrorNamesThePathAndTheRoute) {
  EXPECT_EQ(server_->get("/users/42").status, 500);
  ASSERT_TRUE(server_->wait_for("GET /users/42 500", 3s)) << server_->log();
  const std::string log = server_->out();
  EXPECT_NE(log.find("warning GET /users/42 500"), std::string::npos) << log;
  EXPECT_NE(log.find("outcome=trapped"), std::string::npos) << log;
  EXPECT_NE(log.find("(users/[id].wasm) for GET /users/42 (route /users/[id])"), std::string::npos) << log;
}

TEST_F(RequestLog, HeadRequestsLogNoBodyBytes) {
  http(server_->base_url(), Request{.method = "HEAD", .target = "/hello"});
  ASSERT_TRUE(server_->wait_for("HEAD /hello", 3s)) << server_->log();
  EXPECT_NE(server_->out().find("HEAD /hello 200 0B"), std::string::npos) << server_->out();
}

TEST(RequestLogJson, EveryLineOnStdoutIsOneJsonObject) {
  Project project;
  project.worker("hello.wasm", "hello").worker("trap.wasm", "trap");
  Server server(project, {"--log-format", "json"});
  server.get("/hello?q=%C3%A9");
  server.get("/trap");
  ASSERT_TRUE(server.wait_for("\"path\":\"/trap\"", 3s)) << server.log();
  EXPECT_EQ(server.stop(), 0);
  bool saw_request = false, saw_error = false;
  for (const std::string& line : lines(server.out())) {
    auto doc = parse_json(line);
    ASSERT_FALSE(doc.HasParseError()) << "not JSON: " << line;
    ASSERT_TRUE(doc.IsObject()) << line;
    EXPECT_FALSE(str(doc, "time").empty());
    if (str(doc, "msg") == "request" && str(doc, "path") == "/hello") {
      saw_request = true;
      EXPECT_EQ(str(doc, "method"), "GET");
      EXPECT_EQ(str(doc, "query"), "q=%C3%A9");
      EXPECT_EQ(doc["status"].GetInt(), 200);
      EXPECT_EQ(doc["bytes"].GetInt(), 14);
      EXPECT_TRUE(doc["duration_ms"].IsNumber());
      EXPECT_EQ(str(doc, "route"), "/hello");
      EXPECT_EQ(str(doc, "file"), "hello.wasm");
      EXPECT_EQ(str(doc, "engine"), e2e_engine());
      EXPECT_EQ(str(doc, "level"), "info");
    }
    if (str(doc, "level") == "error" && str(doc, "msg").find("for GET /trap") != std::string::npos) saw_error = true;
  }
  EXPECT_TRUE(saw_request) << server.out();
  EXPECT_TRUE(saw_error) << server.out();
}

TEST(RequestLogLevel, WarnKeepsOnlyFailedRequestsAndErrorKeepsNone) {
  Project project;
  project.worker("hello.wasm", "hello").worker("trap.wasm", "trap");
  {
    Server server(project, {"--log-level", "warn"});
    server.get("/hello");
    server.get("/trap");
    ASSERT_TRUE(server.wait_for("GET /trap 500", 3s)) << server.log();
    EXPECT_EQ(server.out().find("GET /hello"), std::string::npos) << server.out();
  }
  {
    Server server(project, {"--log-level", "error"});
    server.get("/trap");
    ASSERT_TRUE(server.wait_for("Error running worker", 3s)) << server.log();
    std::this_thread::sleep_for(300ms);  // request lines are flushed every 100 ms
    EXPECT_EQ(server.out().find("GET /trap 500"), std::string::npos) << server.out();
  }
  auto bad = run_wws({project.root().string(), "--log-level", "loud"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("--log-level"), std::string::npos) << bad.err;
}

class DevErrors : public SharedServerTest<DevErrors> {
 public:
  static void build(Project& p) {
    p.worker("trap.wasm", "trap").worker("explain.wasm", "stderr_trap").worker("debug.wasm", "stdout_debug");
    p.worker("loop.wasm", "loop");
    p.file("loop.toml", "[limits]\ntimeout_ms = 300\n");
    p.file("js.js",
           "function inner() { throw new Error('boom <b>'); }\n"
           "export default { fetch() { return inner(); } };\n");
  }
  static std::vector<std::string> args() { return {"--dev"}; }
};

TEST_F(DevErrors, ATrapShowsTheCauseAndTheWorkerFile) {
  auto r = server_->get("/trap");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.header("content-type"), "text/plain; charset=utf-8");
  EXPECT_NE(r.body.find("Worker:  trap.wasm ("), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("Request: GET /trap"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("unreachable"), std::string::npos) << r.body;
}

TEST_F(DevErrors, TheGuestsStderrTailIsShown) {
  auto r = server_->get("/explain");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("Last lines on stderr:\nloading the user record\nuser record is missing: cannot go on\n"),
            std::string::npos)
      << r.body;
}

TEST_F(DevErrors, AJsErrorShowsItsStack) {
  auto r = server_->get("/js");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("Error: boom <b>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("at inner ("), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("js.js:1:"), std::string::npos) << r.body;
}

TEST_F(DevErrors, BrowsersGetAnEscapedHtmlPage) {
  auto r = server_->get("/js", {"Accept: text/html,application/xhtml+xml"});
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("<pre>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("boom &lt;b&gt;"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("boom <b>"), std::string::npos) << r.body;
}

TEST_F(DevErrors, ATimeoutSaysSo) {
  auto r = server_->get("/loop");
  EXPECT_EQ(r.status, 504);
  EXPECT_NE(r.body.find("ran out of time"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("300 ms"), std::string::npos) << r.body;
}

TEST_F(DevErrors, DebuggingTextOnStdoutIsQuotedWithAHintToUseStderr) {
  auto before = server_->get("/debug");
  EXPECT_EQ(before.status, 500);
  EXPECT_NE(before.body.find("the worker printed \"value of x is 42 {"), std::string::npos) << before.body;
  EXPECT_NE(before.body.find("stderr"), std::string::npos) << before.body;
  auto after = server_->get("/debug?where=after");
  EXPECT_NE(after.body.find("after the response JSON the worker printed \"done handling the request"),
            std::string::npos)
      << after.body;
  // The log line says the same, for runs without --dev.
  EXPECT_TRUE(server_->wait_for("the worker printed \"value of x is 42", 3s)) << server_->log();
}

TEST(GenericErrors, WithoutDevTheAnswerIsTheGenericPageButTheLogHasTheHint) {
  Project project;
  project.worker("debug.wasm", "stdout_debug").worker("explain.wasm", "stderr_trap");
  Server server(project);
  auto r = server.get("/debug");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, kErrorPage);
  EXPECT_EQ(server.get("/explain").body, kErrorPage);
  EXPECT_TRUE(server.wait_for("write debugging output to stderr instead", 3s)) << server.log();
}

TEST(KvWarnings, WritingKvWithoutANamespaceWarnsOnce) {
  Project project;
  project.file("count.js", "export default { fetch() { Cache.set('n', '1'); return new Response('ok'); } };");
  project.worker("counter.wasm", "counter");
  Server server(project);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(server.get("/count").status, 200);
    server.get("/counter");
  }
  ASSERT_TRUE(server.wait_for("count.toml", 3s)) << server.log();
  ASSERT_TRUE(server.wait_for("counter.toml", 3s)) << server.log();
  const std::string log = server.log();
  EXPECT_EQ(count(log, "writes K/V data but has no K/V namespace"), 2u) << log;
  EXPECT_NE(log.find("[data.kv]\nnamespace = \"count\""), std::string::npos) << log;
}

}  // namespace
}  // namespace e2e
