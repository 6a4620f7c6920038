// The global fetch() of JS workers against a real local HTTP server (wws::http::Server on port
// 0): requests and responses round trip, and the worker's [features.http_requests] permissions
// (hosts, http, methods, redirect hops, the time limit) are enforced.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "http/server.h"
#include "js/runtime.h"
#include "js/script.h"

namespace wws::js {
namespace {

namespace fs = std::filesystem;
using engine::Outcome;
using namespace std::chrono_literals;

// /echo: "<method>|<x-test header>|<body>" with an x-reply header; /binary: bytes 0..255;
// /redirect?to=<url>: 302 there; /slow: answers after 1 s.
class TargetHandler : public http::Handler {
 public:
  http::Handled handle(const http::Request& req, http::Response& res, bool) override {
    if (req.path == "/echo") {
      res.body = req.method + "|" + std::string(req.header("x-test")) + "|" + req.body;
      res.headers.emplace_back("X-Reply", "yes");
    } else if (req.path == "/binary") {
      for (int i = 0; i < 256; ++i) res.body.push_back(static_cast<char>(i));
      res.headers.emplace_back("Content-Type", "application/octet-stream");
    } else if (req.path == "/redirect" && req.query.starts_with("to=")) {
      res.status = 302;
      res.headers.emplace_back("Location", req.query.substr(3));
    } else if (req.path == "/slow") {
      std::this_thread::sleep_for(1s);
      res.body = "late";
    } else {
      res.status = 404;
    }
    return http::Handled::Done;
  }
};

class TargetServer {
 public:
  TargetServer() {
    http::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.shutdown_grace = 3s;
    server_ = std::make_unique<http::Server>(options, [] { return std::make_unique<TargetHandler>(); });
    server_->listen();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~TargetServer() {
    server_->stop();
    thread_.join();
  }
  uint16_t port() const { return server_->port(); }

 private:
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

class JsFetch : public ::testing::Test {
 protected:
  JsFetch() {
    root_ = fs::temp_directory_path() / ("wws-js-fetch-" + std::to_string(std::random_device{}()));
    fs::create_directories(root_);
    base_ = "http://127.0.0.1:" + std::to_string(server_.port());
    vars_ = {{"BASE", base_}, {"PORT", std::to_string(server_.port())}};
    permissions_.allowed_hosts = {"127.0.0.1"};
    permissions_.allow_http = true;
    env_.vars = &vars_;
    env_.http_requests = &permissions_;
    env_.timeout = 5s;
  }
  ~JsFetch() override { fs::remove_all(root_); }

  // Runs a module worker whose fetch handler body is `code` (it may await and must return a Response).
  // A rejected fetch becomes a 502 whose body is "<error name>: <message>".
  Result run(const std::string& code) {
    fs::path file = root_ / ("worker" + std::to_string(counter_++) + ".js");
    std::ofstream(file) << "export default { async fetch(request) { try {\n"
                        << code
                        << "\n} catch (e) { return new Response(`${e.name}: ${e.message}`, { status: 502 }); } } };";
    std::string error;
    auto script = load_script(file, root_, &error);
    EXPECT_TRUE(script) << error;
    if (!script) return {};
    Request request{"http://localhost/", "GET", &headers_, "", &params_};
    return runtime_.run(*script, env_, request);
  }

  TargetServer server_;
  fs::path root_;
  int counter_ = 0;
  std::string base_;
  std::vector<std::pair<std::string, std::string>> vars_;
  config::HttpRequestsFeature permissions_;
  Runtime runtime_;
  Environment env_{.worker_name = "fetcher"};
  http::HeaderList headers_;
  std::map<std::string, std::string> params_;
};

TEST_F(JsFetch, GetRoundTripsHeadersStatusAndUrl) {
  Result r = run(R"(
    const res = await fetch(`${BASE}/echo?a=1`, { headers: { 'X-Test': 'hello' } });
    return new Response(`${res.status} ${res.ok} ${res.headers.get('x-reply')} ${res.url} ${res.redirected} ${await res.text()}`);)");
  ASSERT_EQ(r.outcome, Outcome::Ok) << r.message;
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "200 true yes " + base_ + "/echo?a=1 false GET|hello|");
}

TEST_F(JsFetch, PostSendsItsBody) {
  Result r = run(R"(
    const res = await fetch(`${BASE}/echo`, { method: 'POST', body: JSON.stringify({ n: 1 }), headers: [['x-test', 'json']] });
    return new Response(await res.text());)");
  ASSERT_EQ(r.outcome, Outcome::Ok) << r.message;
  EXPECT_EQ(r.body, R"(POST|json|{"n":1})");
}

TEST_F(JsFetch, PutPatchAndDeleteArePassedThrough) {
  Result r = run(R"(
    const out = [];
    for (const method of ['put', 'PATCH', 'delete']) {
      const res = await fetch(`${BASE}/echo`, { method, body: method === 'delete' ? null : 'b' });
      out.push(await res.text());
    }
    return new Response(out.join(','));)");
  ASSERT_EQ(r.outcome, Outcome::Ok) << r.message;
  EXPECT_EQ(r.body, "PUT||b,PATCH||b,DELETE||");
}

TEST_F(JsFetch, BinaryResponseBodiesKeepEveryByte) {
  Result r = run(R"(
    const res = await fetch(new Request(`${BASE}/binary`));
    const bytes = new Uint8Array(await res.arrayBuffer());
    return new Response(bytes, { headers: { 'x-type': res.headers.get('content-type') } });)");
  ASSERT_EQ(r.outcome, Outcome::Ok) << r.message;
  ASSERT_EQ(r.body.size(), 256u);
  for (int i = 0; i < 256; ++i) EXPECT_EQ(static_cast<unsigned char>(r.body[i]), i);
}

TEST_F(JsFetch, AHostNotAllowedIsRefused) {
  Result r = run(R"(await fetch(`http://localhost:${PORT}/echo`); return new Response('reached');)");
  ASSERT_EQ(r.outcome, Outcome::Ok) << r.message;
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.body,
            "TypeError: [Not allowed] The host 'localhost' is not allowed for this worker. Please, update the worker "
            "configuration.");
}

TEST_F(JsFetch, AHostWithAPortAllowsThatPortOnly) {
  const std::string code = R"(const r = await fetch(`${BASE}/echo`); return new Response('reached');)";
  permissions_.allowed_hosts = {"127.0.0.1:" + std::to_string(server_.port())};
  EXPECT_EQ(run(code).body, "reached");
  permissions_.allowed_hosts = {"127.0.0.1:1", "localhost:" + std::to_string(server_.port())};
  EXPECT_EQ(run(code).body, "TypeError: [Not allowed] The port " + std::to_string(server_.port()) +
                                " of host '127.0.0.1' is not allowed for this worker. Please, update the worker "
                                "configuration.");
  permissions_.allowed_hosts = {"127.0.0.1"};  // no port: any port, as in the original
  EXPECT_EQ(run(code).body, "reached");
  permissions_.allowed_hosts = {"[::1]:" + std::to_string(server_.port())};
  EXPECT_EQ(run(code).status, 502);
}

TEST_F(JsFetch, WithoutPermissionsNothingIsAllowed) {
  env_.http_requests = nullptr;
  Result r = run(R"(await fetch(`${BASE}/echo`); return new Response('reached');)");
  ASSERT_EQ(r.outcome, Outcome::Ok) << r.message;
  EXPECT_EQ(r.body,
            "TypeError: [Not allowed] The host '127.0.0.1' is not allowed for this worker. Please, update the "
            "worker configuration.");
}

TEST_F(JsFetch, PlainHttpNeedsAllowHttp) {
  permissions_.allow_http = false;
  Result r = run(R"(await fetch(`${BASE}/echo`); return new Response('reached');)");
  ASSERT_EQ(r.outcome, Outcome::Ok) << r.message;
  EXPECT_EQ(r.body,
            "TypeError: [Not allowed] The URI must use HTTPS. You can allow http requests in the worker configuration");
}

TEST_F(JsFetch, AMethodNotAllowedIsRefused) {
  Result r = run(R"(await fetch(`${BASE}/echo`, { method: 'options' }); return new Response('reached');)");
  ASSERT_EQ(r.outcome, Outcome::Ok) << r.message;
  EXPECT_EQ(r.body,
            "TypeError: [Not allowed] The method 'OPTIONS' is not allowed for this worker. Please, update the "
            "configuration.");
  permissions_.allowed_methods = {"GET"};
  r = run(R"(await fetch(`${BASE}/echo`, { method: 'POST', body: 'x' }); return new Response('reached');)");
  EXPECT_EQ(r.body,
            "TypeError: [Not allowed] The method 'POST' is not allowed for this worker. Please, update the "
            "configuration.");
}

TEST_F(JsFetch, RedirectsAreCheckedOnEveryHop) {
  Result r =
      run(R"(await fetch(`${BASE}/redirect?to=http://localhost:${PORT}/echo`); return new Response('reached');)");
  ASSERT_EQ(r.outcome, Outcome::Ok) << r.message;
  EXPECT_EQ(r.body,
            "TypeError: [Not allowed] The host 'localhost' is not allowed for this worker. Please, update the worker "
            "configuration.");

  r = run(R"(
    const res = await fetch(`${BASE}/redirect?to=${BASE}/echo`);
    return new Response(`${res.redirected} ${res.url} ${await res.text()}`);)");
  ASSERT_EQ(r.outcome, Outcome::Ok) << r.message;
  EXPECT_EQ(r.body, "true " + base_ + "/echo GET||");
}

TEST_F(JsFetch, InvalidUrlsAndSchemesAreRejected) {
  Result r = run(R"(await fetch('ftp://127.0.0.1/x'); return new Response('reached');)");
  ASSERT_EQ(r.outcome, Outcome::Ok) << r.message;
  EXPECT_EQ(r.body.rfind("TypeError: [Invalid request] unsupported scheme", 0), 0u) << r.body;
}

TEST_F(JsFetch, AFetchNeverOutlivesTheWorkerTimeLimit) {
  env_.timeout = 300ms;
  auto start = std::chrono::steady_clock::now();
  Result r = run(R"(await fetch(`${BASE}/slow`); return new Response('reached');)");
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, 800ms);
  // Either the worker saw the [Timeout] rejection or the watchdog stopped it right after.
  if (r.outcome == Outcome::Ok) EXPECT_EQ(r.body.rfind("TypeError: [Timeout]", 0), 0u) << r.body;
  else EXPECT_EQ(r.outcome, Outcome::TimedOut) << r.message;
}

}  // namespace
}  // namespace wws::js
