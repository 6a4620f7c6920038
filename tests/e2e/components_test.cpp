// WebAssembly components served as plain .wasm files (built during the build by registry tools,
// see components/build.sh):
//   - wasi:cli/run components (the C test workers through jco's preview1 command adapter) speak
//     the wws protocol: request JSON on stdin, [vars] as environment, [[folders]], K/V, limits;
//   - a wasi:http component (componentize-js) is handed the request and answers it directly,
//     its outgoing requests checked against [features.http_requests] on every request it sends.
#include <gtest/gtest.h>

#include "harness.h"
#include "json.h"

namespace e2e {
namespace {

const std::string kErrorPage = "<p>There was an error running this function</p>";

class CommandComponent : public SharedServerTest<CommandComponent> {
 public:
  static void build(Project& p) {
    p.component("echo/[id].wasm", "cmd_echo")
        .component("vars.wasm", "cmd_vars")
        .file("vars.toml", "[vars]\nGREETING = \"hi\"\nTARGET = \"components\"\n")
        .component("folder.wasm", "cmd_folder")
        .file("folder.toml", "[[folders]]\nfrom = \"./_data\"\nto = \"/data\"\n")
        .file("_data/note.txt", "from the host")
        .component("counter.wasm", "cmd_counter_snapshot")
        .file("counter.toml", "[data.kv]\nnamespace = \"components\"\n")
        .component("trap.wasm", "cmd_trap")
        .component("exit.wasm", "cmd_exit_code")
        .component("memhog.wasm", "cmd_memhog")
        .file("memhog.toml", "[limits]\nmemory_mb = 16\n")
        .component("loop.wasm", "cmd_loop")
        .file("loop.toml", "[limits]\ntimeout_ms = 300\n")
        .worker("hello.wasm", "hello");
  }
  static std::vector<std::string> args() { return {}; }
};

TEST_F(CommandComponent, GetsTheRequestOnStdinAndAnswersOnStdout) {
  Request r;
  r.method = "POST";
  r.target = "/echo/42?x=1";
  r.body = "component body";
  r.send_body = true;
  Response res = server_->request(r);
  ASSERT_EQ(res.status, 200) << res.body << server_->log();
  EXPECT_NE(res.body.find("\"method\":\"POST\""), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("\"body\":\"component body\""), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("\"id\":\"42\""), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("/echo/42?x=1"), std::string::npos) << res.body;
}

TEST_F(CommandComponent, VarsAreItsWholeEnvironment) {
  Response res = server_->get("/vars");
  ASSERT_EQ(res.status, 200) << res.body << server_->log();
  EXPECT_EQ(res.body, R"({"GREETING":"hi","TARGET":"components"})");
}

TEST_F(CommandComponent, FoldersAreMounted) {
  Response read = server_->get("/folder?op=read&path=/data/note.txt");
  EXPECT_EQ(read.status, 200) << read.body << server_->log();
  EXPECT_EQ(read.body, "from the host");
  Response escape = server_->get("/folder?op=read&path=/data/../../etc/passwd");
  EXPECT_EQ(escape.status, 403) << escape.body;
}

TEST_F(CommandComponent, KvPersistsAcrossRequests) {
  EXPECT_EQ(server_->get("/counter?key=c").body, "c=1");
  EXPECT_EQ(server_->get("/counter?key=c").body, "c=2");
  EXPECT_EQ(server_->get("/counter?key=c&fail=trap").status, 500);
  EXPECT_EQ(server_->get("/counter?key=c&peek=1").body, "c=2");  // the failed run committed nothing
}

TEST_F(CommandComponent, TrapsAndExitsAnswer500AndTheNextRequestWorks) {
  for (const char* target : {"/trap", "/exit?code=3"}) {
    Response failed = server_->get(target);
    EXPECT_EQ(failed.status, 500) << target;
    EXPECT_EQ(failed.body, kErrorPage) << target;
    EXPECT_EQ(server_->get("/hello").status, 200);
  }
}

TEST_F(CommandComponent, MemoryAndTimeLimitsApply) {
  Response hog = server_->get("/memhog");
  // Either malloc failed inside the limit (and the worker says how far it got) or the run was stopped.
  if (hog.status == 200) {
    unsigned mib = 0;
    ASSERT_EQ(sscanf(hog.body.c_str(), "allocated %u MiB", &mib), 1) << hog.body;
    EXPECT_LT(mib, 16u) << hog.body;
  } else {
    EXPECT_EQ(hog.status, 500) << hog.body;
  }
  Response loop = server_->get("/loop");
  EXPECT_EQ(loop.status, 504);
  EXPECT_LT(loop.seconds, 5.0);
  EXPECT_EQ(server_->get("/vars").status, 200);
}

class HttpComponent : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    upstream_project_ = std::make_unique<Project>();
    upstream_project_->file("data.js", "export default { fetch() { return new Response('upstream data'); } };\n");
    // A redirect to the same server under a name the worker may not reach.
    upstream_project_->file("go.js",
                            "export default { fetch(req) { const u = new URL(req.url); u.hostname = 'localhost';\n"
                            "  u.pathname = '/data'; return Response.redirect(u.toString(), 302); } };\n");
    upstream_ = std::make_unique<Server>(*upstream_project_);

    project_ = std::make_unique<Project>();
    project_->component("app/[...rest].wasm", "http_app")
        .file("app/[...rest].toml", "[features.http_requests]\nallowed_hosts = [\"127.0.0.1\"]\nallow_http = true\n")
        .component("closed.wasm", "http_app")
        .component("slow.wasm", "http_app")
        .file("slow.toml", "[limits]\ntimeout_ms = 500\n")
        .component("small.wasm", "http_app")
        .file("small.toml", "[limits]\nmemory_mb = 32\n")
        .worker("hello.wasm", "hello");
    server_ = std::make_unique<Server>(*project_);
  }
  static void TearDownTestSuite() {
    server_.reset();
    upstream_.reset();
    project_.reset();
    upstream_project_.reset();
  }
  static std::string upstream_url(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(upstream_->port()) + path;
  }
  static inline std::unique_ptr<Project> upstream_project_, project_;
  static inline std::unique_ptr<Server> upstream_, server_;
};

TEST_F(HttpComponent, AnswersWithItsOwnStatusHeadersAndBody) {
  Response res = server_->get("/app/a/b?x=1&y=2");
  ASSERT_EQ(res.status, 200) << res.body << server_->log();
  EXPECT_EQ(res.body, "hello GET /app/a/b?x=1&y=2");
  EXPECT_EQ(res.header("x-wws"), "component");
  EXPECT_EQ(res.header("content-type"), "text/plain");
}

TEST_F(HttpComponent, GetsTheRequestBodyAndHeaders) {
  Request r;
  r.method = "PUT";
  r.target = "/app/echo?echo";
  r.body = std::string(200000, 'b') + "end";
  r.send_body = true;
  r.headers = {"Content-Type: application/x-test"};
  Response res = server_->request(r);
  ASSERT_EQ(res.status, 200) << server_->log();
  EXPECT_EQ(res.body, r.body);
  EXPECT_EQ(res.header("content-type"), "application/x-test");
}

TEST_F(HttpComponent, StreamsABodyOfManyChunks) {
  Response res = server_->get("/app/stream?chunks=500");
  ASSERT_EQ(res.status, 200) << server_->log();
  EXPECT_EQ(res.body.rfind("chunk0;chunk1;", 0), 0u) << res.body.substr(0, 100);
  EXPECT_NE(res.body.find("chunk499;"), std::string::npos);
  EXPECT_EQ(res.header("content-length"), std::to_string(res.body.size()));
}

TEST_F(HttpComponent, OutgoingRequestsFollowTheAllowList) {
  Response allowed = server_->get("/app/f?fetch=" + upstream_url("/data"));
  EXPECT_EQ(allowed.body, "fetched 200 upstream data") << server_->log();
  // The same URL from a worker without [features.http_requests] is refused before it leaves.
  Response refused = server_->get("/closed?fetch=" + upstream_url("/data"));
  EXPECT_EQ(refused.status, 502) << refused.body;
  EXPECT_NE(refused.body.find("refused"), std::string::npos) << refused.body;
  // An allowed host redirecting to one that is not: the second hop is checked too.
  Response redirected = server_->get("/app/f?fetch=" + upstream_url("/go"));
  EXPECT_EQ(redirected.status, 502) << redirected.body;
  EXPECT_EQ(redirected.body.find("upstream data"), std::string::npos) << redirected.body;
  EXPECT_TRUE(server_->wait_for("localhost", std::chrono::seconds(2))) << server_->log();
}

TEST_F(HttpComponent, FailuresAnswer500Or504AndTheWorkerKeepsServing) {
  Response thrown = server_->get("/app/x?throw");
  EXPECT_EQ(thrown.status, 500) << thrown.body;
  Response slow = server_->get("/slow?loop");
  EXPECT_EQ(slow.status, 504) << slow.body;
  EXPECT_LT(slow.seconds, 5.0);
  Response big = server_->get("/small?grow");
  EXPECT_EQ(big.status, 500) << big.body;
  EXPECT_TRUE(server_->wait_for("memory limit", std::chrono::seconds(2))) << server_->log();
  EXPECT_EQ(server_->get("/slow").status, 200);
  EXPECT_EQ(server_->get("/small").status, 200);
  EXPECT_EQ(server_->get("/app/again").body, "hello GET /app/again");
}

}  // namespace
}  // namespace e2e
