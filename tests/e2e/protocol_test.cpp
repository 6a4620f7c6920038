// The worker protocol seen from outside: what a worker receives on stdin (through the echo
// worker), and how its stdout becomes the HTTP response (status, headers, text and binary bodies).
#include <gtest/gtest.h>

#include "harness.h"
#include "json.h"

namespace e2e {
namespace {

const std::string kPng("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\xff\x00\xff\xfe\x80\x7f\x00\xc0", 24);

class Protocol : public SharedServerTest<Protocol> {
 public:
  static void build(Project& p) {
    p.worker("echo.wasm", "echo")
        .worker("users/[id].wasm", "echo")
        .worker("binary_echo.wasm", "binary_echo")
        .worker("binary_out.wasm", "binary_out")
        .worker("headers.wasm", "headers")
        .worker("large.wasm", "large")
        .worker("stderr_log.wasm", "stderr_log")
        .worker("hello.wasm", "hello");
  }
  static std::vector<std::string> args() { return {"--max-body-size", "1"}; }
};

TEST_F(Protocol, EchoSeesEveryRequestField) {
  Request r;
  r.method = "POST";
  r.target = "/echo?x=1&y=two";
  r.body = "hello body";
  r.headers = {"X-Test: abc", "Content-Type: text/plain"};
  auto response = server_->request(r);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("content-type"), "application/json");
  auto doc = parse_json(response.body);
  ASSERT_FALSE(doc.HasParseError()) << response.body;
  EXPECT_EQ(str(doc, "url"), server_->base_url() + "/echo?x=1&y=two");
  EXPECT_EQ(str(doc, "method"), "POST");
  EXPECT_EQ(str(doc, "body"), "hello body");
  EXPECT_FALSE(flag(doc, "body_was_base64"));
  auto headers = string_map(doc, "headers");
  EXPECT_EQ(headers["x-test"], "abc");
  EXPECT_EQ(headers["content-type"], "text/plain");
  EXPECT_EQ(headers["host"], "127.0.0.1:" + std::to_string(server_->port()));
  for (const auto& header : headers) {
    const std::string& name = header.first;  // clang 14 cannot capture a structured binding
    EXPECT_EQ(name, [&] {
      std::string l = name;
      for (auto& c : l) c = static_cast<char>(std::tolower(c));
      return l;
    }()) << "header names must be lower-case";
  }
  EXPECT_TRUE(string_map(doc, "params").empty());
  EXPECT_TRUE(string_map(doc, "kv").empty());
}

TEST_F(Protocol, MethodsAndParamsReachTheWorker) {
  for (const char* method : {"GET", "PUT", "DELETE", "PATCH"}) {
    Request r;
    r.method = method;
    r.target = "/users/7";
    auto response = server_->request(r);
    ASSERT_EQ(response.status, 200) << method;
    auto doc = parse_json(response.body);
    EXPECT_EQ(str(doc, "method"), method);
    EXPECT_EQ(string_map(doc, "params")["id"], "7");
  }
}

TEST_F(Protocol, RepeatedRequestHeadersAreJoined) {
  auto response = server_->get("/echo", {"X-Multi: one", "X-Multi: two", "X-Under_Score: kept"});
  ASSERT_EQ(response.status, 200);
  auto headers = string_map(parse_json(response.body), "headers");
  EXPECT_EQ(headers["x-multi"], "one, two");
  EXPECT_EQ(headers["x-under_score"], "kept");
}

TEST_F(Protocol, Utf8BodyRoundTrips) {
  Request r;
  r.method = "POST";
  r.target = "/echo";
  r.body = "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80 \"quoted\" \\ tab\t newline\n";
  auto response = server_->request(r);
  ASSERT_EQ(response.status, 200);
  auto doc = parse_json(response.body);
  ASSERT_FALSE(doc.HasParseError()) << response.body;
  EXPECT_EQ(str(doc, "body"), r.body);
  EXPECT_FALSE(flag(doc, "body_was_base64"));
}

TEST_F(Protocol, BinaryRequestBodyArrivesBase64AndEchoesBackExactly) {
  Request r;
  r.method = "POST";
  r.target = "/echo";
  r.body = kPng;
  auto echo = server_->request(r);
  ASSERT_EQ(echo.status, 200);
  auto doc = parse_json(echo.body);
  EXPECT_TRUE(flag(doc, "body_was_base64")) << echo.body;
  EXPECT_EQ(integer(doc, "body_length"), static_cast<long long>(kPng.size()));

  r.target = "/binary_echo";
  auto back = server_->request(r);
  ASSERT_EQ(back.status, 200);
  EXPECT_EQ(back.body, kPng);
  EXPECT_EQ(back.header("content-type"), "application/octet-stream");
}

TEST_F(Protocol, BinaryResponseBody) {
  auto response = server_->get("/binary_out");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.header("content-type"), "image/png");
  EXPECT_EQ(response.body, kPng);
  EXPECT_EQ(response.header("content-length"), std::to_string(kPng.size()));
}

TEST_F(Protocol, ResponseHeadersStatusAndRepeatedSetCookie) {
  auto response = server_->get("/headers");
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.all("set-cookie"), (std::vector<std::string>{"a=1; Path=/", "b=2; Path=/"}));
  EXPECT_EQ(response.header("x_custom_header"), "underscores stay");
  EXPECT_FALSE(response.has("x-custom-header")) << "'_' must not be rewritten to '-'";
  EXPECT_EQ(response.header("content-type"), "text/plain");
}

TEST_F(Protocol, DefaultContentTypeIsHtml) {
  auto response = server_->get("/echo");  // echo sets application/json; hello sets text/plain
  EXPECT_EQ(response.header("content-type"), "application/json");
  auto binary = server_->get("/stderr_log");  // sets no content-type
  EXPECT_EQ(binary.status, 200);
  EXPECT_EQ(binary.header("content-type").rfind("text/html", 0), 0u) << binary.header("content-type");
}

TEST_F(Protocol, LargeOutput) {
  auto response = server_->get("/large?bytes=5242880");
  ASSERT_EQ(response.status, 200);
  ASSERT_EQ(response.body.size(), 5242880u);
  EXPECT_EQ(response.body.substr(0, 5), "abcde");
  EXPECT_EQ(response.body[5242879], static_cast<char>('a' + 5242879 % 26));
}

TEST_F(Protocol, BodyOverMaxBodySizeIs413) {
  Request r;
  r.method = "POST";
  r.target = "/echo";
  r.body.assign(2 * 1024 * 1024, 'x');
  auto big = server_->request(r);
  EXPECT_EQ(big.status, 413) << big.error;
  r.body.assign(512 * 1024, 'y');
  auto fine = server_->request(r);
  ASSERT_EQ(fine.status, 200);
  EXPECT_EQ(integer(parse_json(fine.body), "body_length"), 512 * 1024);
  EXPECT_EQ(server_->get("/hello").status, 200);
}

TEST_F(Protocol, WorkerStderrGoesToTheServerLogWithTheWorkerName) {
  ASSERT_EQ(server_->get("/stderr_log").body, "logged");
  ASSERT_TRUE(server_->wait_for("stderr-marker-7f3a", std::chrono::seconds(5))) << server_->log();
  std::string log = server_->log();
  size_t at = log.find("stderr-marker-7f3a");
  size_t line_start = log.rfind('\n', at);
  std::string line = log.substr(line_start == std::string::npos ? 0 : line_start + 1,
                                log.find('\n', at) - (line_start == std::string::npos ? 0 : line_start + 1));
  EXPECT_NE(line.find("stderr_log"), std::string::npos) << "the log line should name the worker: " << line;
}

TEST(Cors, OriginAddedUnlessTheWorkerSetsIt) {
  Project project;
  project.worker("hello.wasm", "hello").worker("headers.wasm", "headers");
  Server server(project, {"--cors", "http://a.com"});
  auto hello = server.get("/hello", {"Origin: http://a.com"});
  EXPECT_EQ(hello.all("access-control-allow-origin"), std::vector<std::string>{"http://a.com"});
  auto own = server.get("/headers", {"Origin: http://a.com"});
  EXPECT_EQ(own.all("access-control-allow-origin"), std::vector<std::string>{"http://worker.example"});
  EXPECT_EQ(server.stop(), 0);
}

TEST(Cors, NoHeaderWithoutTheFlag) {
  Project project;
  project.worker("hello.wasm", "hello");
  Server server(project);
  EXPECT_FALSE(server.get("/hello").has("access-control-allow-origin"));
}

}  // namespace
}  // namespace e2e
