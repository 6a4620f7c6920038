// The admin panel and management API (--enable-panel, --admin-port, --admin-token): the
// original's /_api/v0/workers fields, hidden vars, live figures, the last errors, Prometheus
// metrics (parsed by a strict parser), health, and who may ask.
#include <gtest/gtest.h>

#include <openssl/sha.h>

#include "../support/prometheus_text.h"
#include "harness.h"
#include "json.h"

namespace e2e {
namespace {

std::string sha256_hex(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : digest) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return hex;
}

const rapidjson::Value* find_by(const rapidjson::Value& array, const char* key, const std::string& value) {
  if (!array.IsArray()) return nullptr;
  for (const auto& item : array.GetArray())
    if (str(item, key) == value) return &item;
  return nullptr;
}

prom::Exposition scrape(const Server& server, const std::string& base_url = "") {
  auto r = base_url.empty() ? server.get("/_api/v0/metrics") : http(base_url, Request{"GET", "/_api/v0/metrics"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  prom::Exposition e = prom::parse(r.body);
  EXPECT_EQ(e.error, "") << r.body;
  return e;
}

class Admin : public SharedServerTest<Admin> {
 public:
  static void build(Project& p) {
    p.worker("hello.wasm", "hello")
        .worker("trap.wasm", "trap")
        .worker("slow.wasm", "loop")
        .file("slow.toml", "[limits]\ntimeout_ms = 200\n")
        .worker("counter.wasm", "counter")
        .file("counter.toml",
              "name = \"counter\"\nversion = \"3\"\n[data.kv]\nnamespace = \"tally\"\n[vars]\nSECRET = \"hunter2\"\n"
              "[[folders]]\nfrom = \"./_data\"\nto = \"/data\"\n")
        .file("_data/x.txt", "x")
        .file("js/index.js", "export default { fetch() { return new Response('js!'); } };\n")
        .file("broken.toml", "this is not toml")
        .worker("broken.wasm", "hello")
        .file("public/page.html", "<p>static</p>");
  }
  static std::vector<std::string> args() { return {"--enable-panel"}; }
};

TEST_F(Admin, WorkersListHasTheOriginalFields) {
  auto r = server_->get("/_api/v0/workers");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/json");
  auto doc = parse_json(r.body);
  ASSERT_TRUE(doc.IsArray()) << r.body;
  EXPECT_EQ(doc.Size(), 6u);
  const auto* hello = find_by(doc, "path", "/hello");
  ASSERT_TRUE(hello) << r.body;
  const std::string file = (project_->root() / "hello.wasm").string();
  EXPECT_EQ(str(*hello, "filepath"), file);
  EXPECT_EQ(str(*hello, "id"), sha256_hex(file));  // the original's id
  EXPECT_EQ(str(*hello, "name"), "default");
  EXPECT_EQ(str(*hello, "kind"), "wasm");
  EXPECT_EQ(str(*find_by(doc, "path", "/js"), "kind"), "js");
  EXPECT_EQ(str(*find_by(doc, "path", "/counter"), "name"), "counter");
  EXPECT_FALSE(flag(*find_by(doc, "path", "/broken"), "available"));
}

TEST_F(Admin, WorkerDetailHidesVarsUnlessAskedFor) {
  const std::string id = sha256_hex((project_->root() / "counter.wasm").string());
  auto r = server_->get("/_api/v0/workers/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = parse_json(r.body);
  EXPECT_EQ(str(doc, "id"), id);
  EXPECT_EQ(str(doc, "name"), "counter");
  EXPECT_EQ(str(doc, "version"), "3");
  EXPECT_EQ(str(doc["data"], "kv"), "tally");
  ASSERT_TRUE(doc["folders"].IsArray());
  ASSERT_EQ(doc["folders"].Size(), 1u);
  EXPECT_EQ(str(doc["folders"][0], "from"), (project_->root() / "_data").string());
  EXPECT_EQ(str(doc["folders"][0], "to"), "/data");
  EXPECT_EQ(str(doc["vars"], "SECRET"), "(hidden)");
  EXPECT_TRUE(flag(doc, "vars_hidden"));
  EXPECT_EQ(r.body.find("hunter2"), std::string::npos);

  auto shown = parse_json(server_->get("/_api/v0/workers/" + id + "?reveal=vars").body);
  EXPECT_EQ(str(shown["vars"], "SECRET"), "hunter2");
  EXPECT_FALSE(flag(shown, "vars_hidden"));

  auto none = server_->get("/_api/v0/workers/" + std::string(64, 'a'));
  EXPECT_EQ(none.status, 404);
  EXPECT_NE(str(parse_json(none.body), "error"), "<missing>");

  const std::string broken = sha256_hex((project_->root() / "broken.wasm").string());
  auto b = parse_json(server_->get("/_api/v0/workers/" + broken).body);
  EXPECT_NE(str(b, "error").find("broken.toml"), std::string::npos) << str(b, "error");
  EXPECT_TRUE(b["data"]["kv"].IsNull());
}

TEST_F(Admin, LiveFiguresCountEachWorkersRequests) {
  const std::string id = sha256_hex((project_->root() / "hello.wasm").string());
  auto before = parse_json(server_->get("/_api/v0/stats").body);
  const auto* w0 = find_by(before["workers"], "id", id);
  ASSERT_TRUE(w0);
  const long long start = integer(*w0, "requests");
  for (int i = 0; i < 25; ++i) ASSERT_EQ(server_->get("/hello").status, 200);
  auto r = server_->get("/_api/v0/stats");
  ASSERT_EQ(r.status, 200);
  auto doc = parse_json(r.body);
  const auto* w = find_by(doc["workers"], "id", id);
  ASSERT_TRUE(w) << r.body;
  EXPECT_EQ(integer(*w, "requests"), start + 25);
  EXPECT_EQ(integer(*w, "errors"), 0);
  // Both engines keep a reset instance per thread for a module like this one.
  EXPECT_GE(integer(*w, "instances"), 1);
  EXPECT_GT(integer(*w, "memory_bytes"), 0);
  EXPECT_GE(integer(*w, "instantiations"), 1);
  EXPECT_GT((*w)["p50_ms"].GetDouble(), 0);
  EXPECT_GE((*w)["p99_ms"].GetDouble(), (*w)["p50_ms"].GetDouble());
  EXPECT_EQ(integer((*w)["statuses"], "200"), start + 25);
  EXPECT_EQ(str(*w, "engine"), e2e_engine());
}

TEST_F(Admin, FailedRunsAreListedWithTheirCause) {
  auto trap = server_->get("/trap?x=1");
  ASSERT_EQ(trap.status, 500);
  auto slow = server_->get("/slow");
  ASSERT_EQ(slow.status, 504);
  auto doc = parse_json(server_->get("/_api/v0/errors").body);
  ASSERT_TRUE(doc["errors"].IsArray());
  const auto* t = find_by(doc["errors"], "route", "/trap");
  ASSERT_TRUE(t);
  EXPECT_EQ(str(*t, "outcome"), "trapped");
  EXPECT_EQ(str(*t, "path"), "/trap");
  EXPECT_EQ(integer(*t, "status"), 500);
  EXPECT_NE(str(*t, "message").find("unreachable"), std::string::npos) << str(*t, "message");
  const auto* s = find_by(doc["errors"], "route", "/slow");
  ASSERT_TRUE(s);
  EXPECT_EQ(str(*s, "outcome"), "timed_out");
  const std::string slow_id = sha256_hex((project_->root() / "slow.wasm").string());
  auto only = parse_json(server_->get("/_api/v0/errors?worker=" + slow_id).body);
  for (const auto& e : only["errors"].GetArray()) EXPECT_EQ(str(e, "route"), "/slow");
  EXPECT_GE(only["errors"].Size(), 1u);
}

TEST_F(Admin, MetricsCountRequestsLatencyTimeoutsAndKv) {
  auto before = scrape(*server_);
  const double hello0 = before.value("wws_requests_total", {{"route", "/hello"}, {"status", "200"}}).value_or(0);
  const double timeouts0 = before.value("wws_timeouts_total", {{"route", "/slow"}}).value_or(0);
  const double writes0 = before.value("wws_kv_operations_total", {{"route", "/counter"}, {"op", "write"}}).value_or(0);
  for (int i = 0; i < 7; ++i) ASSERT_EQ(server_->get("/hello").status, 200);
  ASSERT_EQ(server_->get("/slow").status, 504);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(server_->get("/counter").status, 200);
  ASSERT_EQ(server_->get("/page.html").status, 200);
  ASSERT_EQ(server_->get("/nothing-here").status, 404);

  auto e = scrape(*server_);
  EXPECT_EQ(e.value("wws_requests_total", {{"route", "/hello"}, {"status", "200"}}), hello0 + 7);
  EXPECT_EQ(e.value("wws_timeouts_total", {{"route", "/slow"}}), timeouts0 + 1);
  EXPECT_GE(e.value("wws_requests_total", {{"route", "/slow"}, {"status", "504"}}).value_or(0), 1);
  EXPECT_EQ(e.value("wws_kv_operations_total", {{"route", "/counter"}, {"op", "write"}}), writes0 + 3);
  EXPECT_GE(e.value("wws_kv_operations_total", {{"route", "/counter"}, {"op", "read"}}).value_or(0), 3);
  EXPECT_GE(e.value("wws_requests_total", {{"route", "static"}, {"status", "200"}}).value_or(0), 1);
  EXPECT_GE(e.value("wws_requests_total", {{"route", "unmatched"}, {"status", "404"}}).value_or(0), 1);
  EXPECT_GE(e.value("wws_instantiations_total", {{"route", "/hello"}}).value_or(0), 1);
  EXPECT_GE(e.value("wws_worker_instances", {{"route", "/hello"}}).value_or(0), e2e_engine() == "v8" ? 1 : 0);
  // The slow run took its whole 200 ms limit; hello requests are all under a second.
  EXPECT_EQ(e.value("wws_request_duration_seconds_bucket", {{"route", "/slow"}, {"le", "0.1"}}), 0);
  EXPECT_EQ(e.value("wws_request_duration_seconds_bucket", {{"route", "/hello"}, {"le", "1"}}),
            e.value("wws_request_duration_seconds_count", {{"route", "/hello"}}));
  EXPECT_GE(e.value("wws_open_connections").value_or(-1), 1);  // this scrape's own connection
  EXPECT_EQ(e.value("wws_run_pool_queue_depth"), 0);
  EXPECT_TRUE(e.value("wws_run_pool_threads").has_value());
  for (const char* family :
       {"wws_requests_total", "wws_request_duration_seconds", "wws_instantiations_total", "wws_timeouts_total",
        "wws_kv_operations_total", "wws_run_pool_queue_depth", "wws_open_connections", "wws_worker_memory_bytes"})
    EXPECT_TRUE(e.families.count(family)) << family;
}

TEST_F(Admin, HealthSaysLiveAndReady) {
  auto r = server_->get("/_api/v0/health");
  ASSERT_EQ(r.status, 200);
  auto doc = parse_json(r.body);
  EXPECT_EQ(str(doc, "status"), "ok");
  EXPECT_TRUE(flag(doc, "ready"));
  EXPECT_TRUE(flag(doc, "live"));
  ASSERT_TRUE(doc["unavailable"].IsArray());
  EXPECT_EQ(doc["unavailable"].Size(), 1u);  // broken.wasm
  EXPECT_EQ(server_->get("/_api/v0/health/live").status, 200);
  EXPECT_EQ(server_->get("/_api/v0/health/ready").status, 200);
}

TEST_F(Admin, PanelPageAndOpenApiAreServed) {
  auto page = server_->get("/_panel/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("/_panel/app.js"), std::string::npos);
  EXPECT_NE(page.header("content-security-policy").find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(server_->get("/_panel/workers/abc").body, page.body);  // the page routes itself
  auto js = server_->get("/_panel/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(server_->get("/_panel/missing.js").status, 404);
  EXPECT_EQ(server_->get("/_panel").status, 308);
  auto spec = parse_json(server_->get("/_api/v0/openapi.json").body);
  EXPECT_EQ(str(spec, "openapi"), "3.0.3");
  EXPECT_TRUE(spec["paths"].HasMember("/_api/v0/workers/{id}"));
}

TEST_F(Admin, LoopbackOnlyWithoutATokenAndNoCrossSitePosts) {
  // DNS rebinding: a page on evil.example that resolves to 127.0.0.1.
  auto rebinding = server_->get("/_api/v0/workers", {"Host: evil.example"});
  EXPECT_EQ(rebinding.status, 403);
  EXPECT_NE(rebinding.body.find("loopback"), std::string::npos);
  Request post;
  post.method = "POST";
  post.target = "/_api/v0/workers";
  post.send_body = true;
  post.headers = {"Origin: https://evil.example"};
  EXPECT_EQ(server_->request(post).status, 403);
  post.headers = {};
  EXPECT_EQ(server_->request(post).status, 405);  // same client without a foreign Origin: just the wrong method
  // Workers keep serving /_api-less paths; there is no reload action without one wired in.
  EXPECT_EQ(server_->get("/_api/v0/nope").status, 404);
  EXPECT_EQ(server_->get("/hello").status, 200);
}

TEST(AdminToken, EveryApiPathButHealthNeedsTheToken) {
  Project p;
  p.worker("hello.wasm", "hello");
  Server server(p, {"--enable-panel", "--admin-token", "s3cret-token"});
  auto none = server.get("/_api/v0/workers");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.header("www-authenticate"), "Bearer");
  EXPECT_EQ(server.get("/_api/v0/workers", {"Authorization: Bearer wrong"}).status, 401);
  EXPECT_EQ(server.get("/_api/v0/metrics", {"Authorization: Bearer s3cret-token"}).status, 200);
  auto ok = server.get("/_api/v0/workers", {"Authorization: Bearer s3cret-token", "Host: wws.example:80"});
  EXPECT_EQ(ok.status, 200);  // with a token, any host name
  EXPECT_EQ(server.get("/_api/v0/health").status, 200);
  EXPECT_EQ(server.get("/_panel/").status, 200);  // the page holds no data; it asks for the token
  EXPECT_EQ(server.get("/hello").status, 200);
}

TEST(AdminToken, ComesFromTheEnvironmentToo) {
  Project p;
  p.worker("hello.wasm", "hello");
  Server server(p, {"--enable-panel"}, {"WWS_ADMIN_TOKEN=from-env"});
  EXPECT_EQ(server.get("/_api/v0/stats").status, 401);
  EXPECT_EQ(server.get("/_api/v0/stats", {"Authorization: Bearer from-env"}).status, 200);
}

TEST(AdminPort, MetricsOnASeparateListenerLeaveWorkerPathsAlone) {
  Project p;
  // _-prefixed folders are not workers, so a catch-all shows whether /_api/* reaches workers.
  p.worker("hello.wasm", "hello").worker("[...rest].wasm", "hello");
  const int admin_port = free_port();
  Server server(p, {"--admin-port", std::to_string(admin_port)});
  EXPECT_TRUE(server.wait_for("Admin listener", std::chrono::seconds(5))) << server.log();
  const std::string admin = "http://127.0.0.1:" + std::to_string(admin_port);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(server.get("/hello").status, 200);
  auto e = scrape(server, admin);
  EXPECT_EQ(e.value("wws_requests_total", {{"route", "/hello"}, {"status", "200"}}), 4);
  EXPECT_EQ(http(admin, Request{"GET", "/_api/v0/health"}).status, 200);
  EXPECT_EQ(http(admin, Request{"GET", "/hello"}).status, 404);  // workers are not served there
  // Without --enable-panel the main port does not shadow worker routes.
  auto shadow = server.get("/_api/v0/workers");
  EXPECT_EQ(shadow.status, 200);
  EXPECT_EQ(shadow.body, "Hello from wws");
}

TEST(AdminPort, WithoutAdminFlagsTheApiDoesNotExist) {
  Project p;
  p.worker("hello.wasm", "hello");
  Server server(p);
  EXPECT_EQ(server.get("/_api/v0/workers").status, 404);
  EXPECT_EQ(server.get("/_panel/").status, 404);
  EXPECT_EQ(server.log().find("admin panel"), std::string::npos);
}

}  // namespace
}  // namespace e2e

namespace e2e {
namespace {

Response post_reload(const Server& server) {
  Request r;
  r.method = "POST";
  r.target = "/_api/v0/reload";
  r.body = "{}";
  r.send_body = true;
  r.headers = {"Content-Type: application/json"};
  return server.request(r);
}

TEST(AdminReload, PostReloadsTheProjectAndReportsWhatDidNotLoad) {
  Project p;
  p.worker("hello.wasm", "hello");
  Server server(p, {"--enable-panel"});
  EXPECT_EQ(server.get("/fresh").status, 404);
  EXPECT_EQ(server.get("/_api/v0/reload").status, 405);

  p.file("fresh.js", "export default { fetch() { return new Response('fresh v1'); } };\n");
  auto r = post_reload(server);
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = parse_json(r.body);
  EXPECT_TRUE(flag(doc, "ok")) << r.body;
  EXPECT_NE(str(doc, "summary").find("1 added"), std::string::npos) << r.body;
  EXPECT_GE(integer(doc, "generation"), 2);
  EXPECT_EQ(doc["errors"].Size(), 0u);
  EXPECT_EQ(server.get("/fresh").body, "fresh v1");

  // A change that does not compile: reported, and the previous version keeps serving.
  p.file("fresh.js", "export default { fetch() { return new Response('fresh v2' ; } };\n");
  auto bad = parse_json(post_reload(server).body);
  ASSERT_TRUE(bad["errors"].IsArray());
  ASSERT_EQ(bad["errors"].Size(), 1u);
  EXPECT_NE(std::string(bad["errors"][0].GetString()).find("fresh.js"), std::string::npos);
  EXPECT_EQ(server.get("/fresh").body, "fresh v1");
  auto list = parse_json(server.get("/_api/v0/stats").body);
  const auto* fresh = find_by(list["workers"], "path", "/fresh");
  ASSERT_TRUE(fresh);
  EXPECT_NE(str(*fresh, "reload_error"), "<missing>");
  auto detail = parse_json(server.get("/_api/v0/workers/" + str(*fresh, "id")).body);
  EXPECT_NE(str(detail, "reload_error").find("fresh.js"), std::string::npos);
  // Nothing changed since: the reload says so.
  EXPECT_NE(str(parse_json(post_reload(server).body), "summary").find("nothing changed"), std::string::npos);
}

}  // namespace
}  // namespace e2e
