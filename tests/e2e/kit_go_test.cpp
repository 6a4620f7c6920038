// The Go kit (kits/go/worker) end to end: workers compiled from tests/e2e/go during the build
// with the standard Go toolchain (GOOS=wasip1), the original's examples mirrored with the same
// API and go.mod, and every kit feature, served by the real wws, checked over HTTP.
#include "kit_support.h"

namespace e2e {
namespace {

class GoKit : public KitSuite<GoKit> {
 public:
  static void build(Project& p, const KitUpstream& upstream) {
    p.worker("go-basic.wasm", "go/go-basic");
    p.worker("envs.wasm", "go/go-envs").file("envs.toml", "[vars]\nMESSAGE = \"Hi from vars\"\n");
    p.worker("counter.wasm", "go/go-kv").file("counter.toml", "[data.kv]\nnamespace = \"go-counter\"\n");
    p.worker("params/[id].wasm", "go/go-params");
    p.worker("fetch.wasm", "go/go-fetch");
    p.file("fetch.toml", "[vars]\nUPSTREAM = \"" + upstream.url() +
                             "/json\"\n"
                             "[features.http_requests]\nallowed_hosts = [\"127.0.0.1\"]\nallow_http = true\n");
    p.worker("features/[...rest].wasm", "go/kit-features")
        .file("features/[...rest].toml", upstream.worker_toml("[data.kv]\nnamespace = \"go-features\"\n"));
    p.worker("denied/[...rest].wasm", "go/kit-features")
        .file("denied/[...rest].toml", upstream.worker_toml("", "example.com"));
  }
};

TEST_F(GoKit, BasicExampleSeesUrlMethodAgentAndBody) {
  auto r = send("POST", "/go-basic?x=1", "payload", {"User-Agent: kit-test/1"});
  ASSERT_EQ(r.status, 200) << r.body << server_->log();
  EXPECT_EQ(r.body, "url=http://127.0.0.1:" + std::to_string(server_->port()) +
                        "/go-basic?x=1\nmethod=POST\nagent=kit-test/1\nbody=payload");
  EXPECT_EQ(r.header("x-generated-by"), "wasm-workers-server");
  const std::string empty = get("/go-basic").body;
  EXPECT_EQ(empty.substr(empty.size() - 7), "\nbody=-") << "the example's stand-in for an empty body";
}

TEST_F(GoKit, EnvsExampleReadsVars) { EXPECT_EQ(get("/envs").body, "MESSAGE=Hi from vars"); }

TEST_F(GoKit, KvExampleCounts) {
  EXPECT_EQ(get("/counter").body, "counter=0");
  EXPECT_EQ(get("/counter").body, "counter=1");
  EXPECT_EQ(get("/counter").body, "counter=2");
}

TEST_F(GoKit, ParamsExampleGetsTheRouteParameter) {
  auto r = get("/params/42");
  EXPECT_EQ(r.body, "id=42") << server_->log();
  EXPECT_EQ(r.header("x-generated-by"), "wasm-workers-server");
}

TEST_F(GoKit, FetchExamplePostsJsonToTheUpstream) {
  auto r = get("/fetch");
  ASSERT_EQ(r.status, 200) << r.body << server_->log();
  EXPECT_EQ(r.body, R"({"title":"from go-fetch","userId":7})");
}

TEST_F(GoKit, SeveralWritesMakeOneBodyWithStatusAndRepeatedHeaders) {
  auto r = get("/features/writes");
  EXPECT_EQ(r.status, 201) << server_->log();
  EXPECT_EQ(r.body, "one,two,three");
  EXPECT_EQ(r.all("set-cookie"), (std::vector<std::string>{"a=1", "b=2"}));
}

TEST_F(GoKit, BinaryBodiesBothWays) {
  auto r = send("PUT", "/features/bytes",
                std::string("\x00\xff\x80"
                            "A",
                            4),
                {"Content-Type: application/octet-stream"});
  EXPECT_EQ(r.body, "PUT 4 bytes: 00ff8041 host=127.0.0.1:" + port() + " ct=application/octet-stream")
      << server_->log();
  auto b = get("/features/binary");
  EXPECT_EQ(b.body, std::string("\x00\xff\x80"
                                "A",
                                4));
  EXPECT_EQ(b.header("content-type"), "application/octet-stream");
}

TEST_F(GoKit, KvSetAndDeleteAndParams) {
  EXPECT_EQ(get("/features/kv?set=a:1").body, "a=1");
  EXPECT_EQ(get("/features/kv?set=b:2").body, "a=1,b=2");
  EXPECT_EQ(get("/features/kv?del=a").body, "b=2");
  EXPECT_EQ(get("/features/kv").body, "b=2");
  EXPECT_EQ(get("/features/params").body, "rest=params");
}

TEST_F(GoKit, PanicIs500WithThePanicLoggedAndNoKvChange) {
  auto r = get("/features/panic");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("partial"), std::string::npos);
  EXPECT_TRUE(server_->wait_for("the database is down", std::chrono::seconds(5))) << server_->log();
  EXPECT_EQ(get("/features/kv").body.find("panic-ran"), std::string::npos);
}

TEST_F(GoKit, OutboundHttpSendsMethodHeadersAndBody) {
  auto r = send("POST", "/features/fetch?path=/echo", "to the upstream");
  EXPECT_EQ(r.body, "203 yes PUT to the upstream go-kit") << server_->log();
}

TEST_F(GoKit, OutboundHttpRefusalIsATypedError) {
  auto r = get("/denied/fetch?path=/echo");
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.body,
            "NotAllowed The host '127.0.0.1' is not allowed for this worker. Please, update the worker configuration.");
}

}  // namespace
}  // namespace e2e
