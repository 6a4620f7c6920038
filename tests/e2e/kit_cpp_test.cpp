// The C++ kit (kits/c/wws.hpp) and the C kit's outbound HTTP end to end: workers compiled from
// tests/e2e/workers during the build, served by the real wws, checked over HTTP.
#include "kit_support.h"

namespace e2e {
namespace {

class CppKit : public KitSuite<CppKit> {
 public:
  static void build(Project& p, const KitUpstream& upstream) {
    p.worker("cpp/[id].wasm", "cpp_kit")
        .file("cpp/[id].toml", upstream.worker_toml("MESSAGE = \"Hi from vars\"\n[data.kv]\nnamespace = \"cpp\"\n"));
    p.worker("denied/[id].wasm", "cpp_kit").file("denied/[id].toml", upstream.worker_toml("", "example.com"));
    p.worker("c-fetch.wasm", "c_kit_fetch").file("c-fetch.toml", upstream.worker_toml());
  }
};

TEST_F(CppKit, RequestMethodPathHeaderAndExactBody) {
  auto r = send("POST", "/cpp/1?case=echo",
                std::string("\x00\xff"
                            "A",
                            3),
                {"X-Thing: yes"});
  EXPECT_EQ(r.body, "POST /cpp/1 yes 00ff41") << server_->log();
  EXPECT_EQ(r.header("x-case"), "echo");
}

TEST_F(CppKit, ParamsVarsAndBinaryResponses) {
  EXPECT_EQ(get("/cpp/42?case=params").body, "id=42;");
  EXPECT_EQ(get("/cpp/1?case=vars").body, "MESSAGE=Hi from vars");
  auto b = get("/cpp/1?case=binary");
  EXPECT_EQ(b.body, std::string("\x00\xff\x80"
                                "A",
                                4));
  EXPECT_EQ(b.header("content-type"), "application/octet-stream");
}

TEST_F(CppKit, RepeatedHeadersAndStatus) {
  auto r = get("/cpp/1?case=cookies");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.all("set-cookie"), (std::vector<std::string>{"a=1", "b=2"}));
}

TEST_F(CppKit, KvSetAndErase) {
  EXPECT_EQ(get("/cpp/1?case=kv&set=a:1").body, "a=1");
  EXPECT_EQ(get("/cpp/1?case=kv&set=b:2").body, "a=1,b=2");
  EXPECT_EQ(get("/cpp/1?case=kv&del=a").body, "b=2");
}

TEST_F(CppKit, FailIs500WithTheReasonLoggedAndNoKvChange) {
  EXPECT_EQ(get("/cpp/1?case=fail").status, 500);
  EXPECT_TRUE(server_->wait_for("the C++ worker gave up: no database", std::chrono::seconds(5))) << server_->log();
  EXPECT_EQ(get("/cpp/1?case=kv").body.find("fail-ran"), std::string::npos);
}

TEST_F(CppKit, OutboundHttpFromCppAndC) {
  EXPECT_EQ(send("POST", "/cpp/1?case=fetch&path=/echo", "hello").body, "203 yes PUT hello cpp-kit") << server_->log();
  EXPECT_EQ(send("POST", "/c-fetch?path=/echo", "from c").body, "203 yes PUT from c c-kit") << server_->log();
  auto denied = get("/denied/1?case=fetch&path=/echo");
  EXPECT_EQ(denied.status, 502);
  EXPECT_EQ(denied.body,
            "3 The host '127.0.0.1' is not allowed for this worker. Please, update the worker configuration.");
}

}  // namespace
}  // namespace e2e
