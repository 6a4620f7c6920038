// The Rust kit (kits/rust) end to end: workers compiled from tests/e2e/rust during the build
// (the original's examples mirrored with the same API, the seed's 2022 #[handler] worker, and
// every kit feature), served by the real wws, checked over HTTP.
#include "kit_support.h"

namespace e2e {
namespace {

class RustKit : public KitSuite<RustKit> {
 public:
  static void build(Project& p, const KitUpstream& upstream) {
    p.worker("rust-basic.wasm", "rust/rust-basic").file("rust-basic.toml", "[vars]\nMESSAGE = \"Hi from vars\"\n");
    p.worker("counter.wasm", "rust/rust-kv").file("counter.toml", "[data.kv]\nnamespace = \"rust-counter\"\n");
    p.worker("params/[id].wasm", "rust/rust-params");
    p.worker("pdf.wasm", "rust/rust-pdf-create");
    p.worker("fetch.wasm", "rust/rust-fetch");
    p.file("fetch.toml", "[vars]\nUPSTREAM = \"" + upstream.url() +
                             "/post\"\n"
                             "[features.http_requests]\nallowed_hosts = [\"127.0.0.1\"]\nallow_http = true\n");
    p.worker("seed.wasm", "rust/seed-reply");
    p.worker("seed2022.wasm", "rust/seed-reply-2022");
    p.worker("features/[id].wasm", "rust/kit-features")
        .file("features/[id].toml", upstream.worker_toml("[data.kv]\nnamespace = \"rust-features\"\n"));
    p.worker("denied/[id].wasm", "rust/kit-features").file("denied/[id].toml", upstream.worker_toml("", "example.com"));
  }
};

TEST_F(RustKit, BasicExampleSeesUrlMethodAgentBodyAndVars) {
  auto r = send("POST", "/rust-basic?x=1", "payload", {"User-Agent: kit-test/1"});
  ASSERT_EQ(r.status, 200) << r.body << server_->log();
  EXPECT_EQ(r.body, "Hi from vars\nurl=http://127.0.0.1:" + std::to_string(server_->port()) +
                        "/rust-basic?x=1\nmethod=POST\nagent=kit-test/1\nbody=payload");
  EXPECT_EQ(r.header("x-generated-by"), "wasm-workers-server");
}

TEST_F(RustKit, KvExampleCounts) {
  EXPECT_EQ(get("/counter").body, "counter=0");
  EXPECT_EQ(get("/counter").body, "counter=1");
  EXPECT_EQ(get("/counter").body, "counter=2");
}

TEST_F(RustKit, ParamsExampleGetsTheRouteParameter) {
  auto r = get("/params/42");
  EXPECT_EQ(r.body, "id=42") << server_->log();
  EXPECT_EQ(r.header("x-generated-by"), "wasm-workers-server");
}

TEST_F(RustKit, PdfExampleAnswersABinaryPdf) {
  auto r = send("POST", "/pdf", "A quote for you");
  ASSERT_EQ(r.status, 200) << server_->log();
  EXPECT_EQ(r.header("content-type"), "application/pdf");
  ASSERT_GT(r.body.size(), 500u);
  EXPECT_EQ(r.body.substr(0, 5), "%PDF-");
  EXPECT_NE(r.body.find("%%EOF"), std::string::npos);
  EXPECT_NE(r.body.find("/BaseFont/Helvetica"), std::string::npos);
}

TEST_F(RustKit, FetchExampleCallsTheUpstreamAndParsesItsJson) {
  auto r = get("/fetch");
  ASSERT_EQ(r.status, 200) << r.body << server_->log();
  EXPECT_EQ(r.body, "1 by 9: t (b)");
}

TEST_F(RustKit, SeedHandlerWorkerAnswersHelloWasm) {
  auto r = get("/seed");
  ASSERT_EQ(r.status, 200) << server_->log();
  EXPECT_EQ(r.body, "Hello Wasm!");
  EXPECT_EQ(r.header("x-generated-by"), "wasm-workers-server");
}

TEST_F(RustKit, SeedWorkerBuiltWithThe2022KitProtocolAnswersWithBody) {
  auto r = get("/seed2022");
  ASSERT_EQ(r.status, 200) << r.body << server_->log();
  EXPECT_EQ(r.body, "Hello Wasm!");
  EXPECT_EQ(r.header("x-generated-by"), "wasm-workers-server");
}

TEST_F(RustKit, BinaryRequestBodiesArriveExactly) {
  auto r = send("PUT", "/features/1?case=echo-bytes",
                std::string("\x00\xff\x80"
                            "A",
                            4),
                {"Content-Type: application/octet-stream"});
  EXPECT_EQ(r.body, "PUT 4 bytes: 00ff8041") << server_->log();
}

TEST_F(RustKit, BinaryResponseBodies) {
  auto r = get("/features/1?case=binary");
  EXPECT_EQ(r.body, std::string("\x00\xff\x80"
                                "A",
                                4));
  EXPECT_EQ(r.header("content-type"), "application/octet-stream");
}

TEST_F(RustKit, RepeatedResponseHeadersAndStatus) {
  auto r = get("/features/1?case=cookies");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.all("set-cookie"), (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_EQ(r.header("x-quote"), "say \"hi\"");
  EXPECT_EQ(r.header("x-case"), "cookies");
}

TEST_F(RustKit, KvSetAndDeleteWithParamsAndCacheTogether) {
  EXPECT_EQ(get("/features/1?case=kv&set=a:1").body, "a=1");
  EXPECT_EQ(get("/features/1?case=kv&set=b:2").body, "a=1,b=2");
  EXPECT_EQ(get("/features/1?case=kv&del=a").body, "b=2");
  EXPECT_EQ(get("/features/1?case=kv").body, "b=2");
  EXPECT_EQ(get("/features/7?case=params").body, "id=7");
}

TEST_F(RustKit, HandlerErrorsAre500WithTheReasonLoggedAndNoKvChange) {
  get("/features/1?case=kv&set=keep:1");
  auto r = get("/features/1?case=error");
  EXPECT_EQ(r.status, 500);
  EXPECT_TRUE(server_->wait_for("loading the user: the database is down", std::chrono::seconds(5))) << server_->log();
  EXPECT_EQ(get("/features/1?case=kv&del=keep").body.find("error-ran"), std::string::npos);
  EXPECT_EQ(get("/features/1?case=kit-error").status, 500);
  EXPECT_TRUE(server_->wait_for("a typed kit error", std::chrono::seconds(5))) << server_->log();
}

TEST_F(RustKit, OutboundHttpSendsMethodHeadersAndBody) {
  auto r = send("POST", "/features/1?case=fetch&path=/echo", "to the upstream");
  EXPECT_EQ(r.body, "203 yes PUT to the upstream rust-kit") << server_->log();
}

TEST_F(RustKit, OutboundHttpRefusalIsATypedError) {
  auto r = get("/denied/1?case=fetch&path=/echo");
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.body,
            "NotAllowed The host '127.0.0.1' is not allowed for this worker. Please, update the worker configuration.");
}

}  // namespace
}  // namespace e2e
