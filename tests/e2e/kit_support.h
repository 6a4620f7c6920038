// tests/e2e: what the kits' end-to-end suites share: the upstream their outbound-HTTP tests
// call (a second wws serving one JS worker on its own free port), and a fixture that starts it,
// builds the suite's project and serves it with one wws for the whole suite.
#pragma once
#include <memory>
#include <string>

#include "harness.h"

namespace e2e {

class KitUpstream {
 public:
  // Routes: /post answers a fixed JSON post; /echo (any method) answers 203 with
  // "x-upstream: yes" and "<METHOD> <body> <x-from header>"; /json echoes the request body.
  KitUpstream() {
    project_.file(
        "[...path].js",
        "export default { async fetch(req) {\n"
        "  const path = new URL(req.url).pathname;\n"
        "  if (path === '/post') return Response.json({ id: 1, title: 't', body: 'b', userId: 9 });\n"
        "  const body = await req.text();\n"
        "  if (path === '/json') return new Response(body, { headers: { 'content-type': 'application/json' } });\n"
        "  return new Response(`${req.method} ${body} ${req.headers.get('x-from')}`,\n"
        "                      { status: 203, headers: { 'x-upstream': 'yes' } });\n"
        "} };\n");
    server_ = std::make_unique<Server>(project_);
  }

  std::string url() const { return server_->base_url(); }

  // A worker TOML: UPSTREAM var, outbound HTTP to 127.0.0.1 allowed (or only to `host`).
  std::string worker_toml(const std::string& extra = "", const std::string& host = "127.0.0.1") const {
    return "[vars]\nUPSTREAM = \"" + url() + "\"\n" + extra + "\n[features.http_requests]\nallowed_hosts = [\"" + host +
           "\"]\nallow_http = true\nallowed_methods = [\"GET\", \"POST\", \"PUT\"]\n";
  }

 private:
  Project project_;
  std::unique_ptr<Server> server_;
};

// CRTP: Derived provides `static void build(Project&, const KitUpstream&)`.
template <class Derived>
class KitSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      upstream_ = std::make_unique<KitUpstream>();
      project_ = std::make_unique<Project>();
      Derived::build(*project_, *upstream_);
      server_ = std::make_unique<Server>(*project_);
    } catch (const std::exception& e) {
      start_error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    server_.reset();
    project_.reset();
    upstream_.reset();
  }
  void SetUp() override {
    if (!server_) GTEST_FAIL() << "wws did not start: " << start_error_;
  }

  static Response get(const std::string& target) { return server_->get(target); }
  static Response send(const std::string& method, const std::string& target, const std::string& body,
                       std::vector<std::string> headers = {}) {
    Request r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.send_body = true;
    r.headers = std::move(headers);
    return server_->request(r);
  }
  static std::string port() { return std::to_string(server_->port()); }

  static inline std::unique_ptr<KitUpstream> upstream_;
  static inline std::unique_ptr<Project> project_;
  static inline std::unique_ptr<Server> server_;
  static inline std::string start_error_;
};

}  // namespace e2e
