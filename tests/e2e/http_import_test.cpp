// The `http.send-http-request` import of the original kits, driven by a C worker using that ABI
// against a second wws instance as the upstream, with the worker's permissions enforced.
#include "harness.h"

namespace e2e {
namespace {

std::string encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '.' || c == '_') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

class HttpImport : public ::testing::Test {
 protected:
  void SetUp() override {
    upstream_project_.file("index.js",
                           "export default { async fetch(req) {\n"
                           "  const text = `${req.method} ${await req.text()} ${req.headers.get('x-from')}`;\n"
                           "  return new Response(text, { status: 203, headers: { 'x-upstream': 'yes' } });\n"
                           "} };\n");
    upstream_ = std::make_unique<Server>(upstream_project_);
    project_.worker("fetch.wasm", "http_import");
    project_.file("fetch.toml",
                  "[features.http_requests]\nallowed_hosts = [\"127.0.0.1\"]\nallow_http = true\n"
                  "allowed_methods = [\"GET\", \"POST\"]\n");
    project_.worker("https_only.wasm", "http_import");
    project_.file("https_only.toml", "[features.http_requests]\nallowed_hosts = [\"127.0.0.1\"]\n");
    project_.worker("other_host.wasm", "http_import");
    project_.file("other_host.toml",
                  "[features.http_requests]\nallowed_hosts = [\"example.com\"]\nallow_http = true\n");
    project_.worker("no_config.wasm", "http_import");
    server_ = std::make_unique<Server>(project_);
  }

  Response call(const std::string& worker, const std::string& query) {
    std::string url = "http://127.0.0.1:" + std::to_string(upstream_->port()) + "/";
    return server_->get("/" + worker + "?url=" + encode(url) + query);
  }

  Project upstream_project_, project_;
  std::unique_ptr<Server> upstream_, server_;
};

TEST_F(HttpImport, GetReturnsStatusHeadersAndBody) {
  auto r = call("fetch", "");
  ASSERT_EQ(r.status, 200) << r.body << server_->log();
  EXPECT_EQ(r.body, R"({"ok":true,"status":203,"has_body":1,"upstream":"yes","body":"GET  http-import"})");
}

TEST_F(HttpImport, PostSendsTheBody) {
  auto r = call("fetch", "&method=1&body=hello");
  EXPECT_EQ(r.body, R"({"ok":true,"status":203,"has_body":1,"upstream":"yes","body":"POST hello http-import"})");
}

TEST_F(HttpImport, MethodOutsideAllowedMethodsIsRefused) {
  auto r = call("fetch", "&method=4");  // DELETE
  EXPECT_EQ(
      r.body,
      R"({"ok":false,"error":3,"message":"The method 'DELETE' is not allowed for this worker. Please, update the configuration."})");
}

TEST_F(HttpImport, PlainHttpNeedsAllowHttp) {
  auto r = call("https_only", "");
  EXPECT_EQ(
      r.body,
      R"({"ok":false,"error":3,"message":"The URI must use HTTPS. You can allow http requests in the worker configuration"})");
}

TEST_F(HttpImport, HostOutsideAllowedHostsIsRefused) {
  auto r = call("other_host", "");
  EXPECT_EQ(
      r.body,
      R"({"ok":false,"error":3,"message":"The host '127.0.0.1' is not allowed for this worker. Please, update the worker configuration."})");
  auto none = call("no_config", "");
  EXPECT_NE(none.body.find(R"("ok":false,"error":3)"), std::string::npos) << none.body;
}

}  // namespace
}  // namespace e2e
