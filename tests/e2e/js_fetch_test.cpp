// JS fetch() end to end: a JS worker of the real wws binary fetches another route of the same
// server, with [features.http_requests] from its TOML file.
//
// fetch() blocks the thread running the worker. The server runs a single I/O thread: the
// fetcher runs on the run pool (a worker that waits on the network never runs on an I/O
// thread), so the inner request is answered by the I/O thread and nothing waits on itself.
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "harness.h"

namespace e2e {
namespace {

constexpr std::string_view kFetcher = R"(
export default {
  async fetch(request) {
    const query = new URL(request.url).searchParams;
    const method = query.get('method') ?? 'GET';
    try {
      const res = await fetch(query.get('target'), {
        method, headers: { 'X-From': 'fetcher' }, body: method === 'GET' ? null : 'payload',
      });
      return new Response(await res.arrayBuffer(), {
        status: res.status,
        headers: { 'x-upstream-type': res.headers.get('content-type') ?? '', 'x-upstream-url': res.url },
      });
    } catch (e) {
      return new Response(`${e.name}: ${e.message}`, { status: 502 });
    }
  },
};
)";

constexpr std::string_view kEcho = R"(
addEventListener('fetch', (event) => {
  const r = event.request;
  event.respondWith((async () => new Response(`${r.method} ${r.headers.get('x-from')} ${await r.text()}`,
    { headers: { 'content-type': 'text/x-echo' } }))());
});
)";

std::string query_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

class JsFetch : public SharedServerTest<JsFetch> {
 public:
  static void build(Project& p) {
    p.file("fetch.js", kFetcher)
        .file("fetch.toml",
              "name = \"fetcher\"\nversion = \"1\"\n"
              "[features.http_requests]\nallowed_hosts = [\"127.0.0.1\"]\nallow_http = true\n")
        .file("echo.js", kEcho)
        .file("denied.js", kFetcher)
        .file("denied.toml", "name = \"denied\"\nversion = \"1\"\n");
  }
  static std::vector<std::string> args() { return {"--threads", "1"}; }

 protected:
  // GET /<route>?target=<url>[&method=M]
  Response through(const std::string& route, const std::string& target, const std::string& method = "") {
    return server_->get("/" + route + "?target=" + query_encode(target) + (method.empty() ? "" : "&method=" + method));
  }
  std::string self(const std::string& path) const { return server_->base_url() + path; }
};

TEST_F(JsFetch, AWorkerFetchesAnotherRouteOfTheSameServer) {
  auto r = through("fetch", self("/echo"));
  ASSERT_EQ(r.status, 200) << r.body << server_->log();
  EXPECT_EQ(r.body, "GET fetcher ");
  EXPECT_EQ(r.header("x-upstream-type"), "text/x-echo");
  EXPECT_EQ(r.header("x-upstream-url"), self("/echo"));
}

// More runs than a quick worker needs to be trusted onto the I/O thread: a fetcher must never
// be, or its inner request would wait behind it on the only I/O thread.
TEST_F(JsFetch, ManySelfFetchesNeverWaitOnTheirOwnThread) {
  for (int i = 0; i < 40; ++i) {
    Request request;
    request.target = "/fetch?target=" + query_encode(self("/echo"));
    request.timeout_ms = 5000;
    auto r = server_->request(request);
    ASSERT_EQ(r.status, 200) << "fetch " << i << ": " << r.error << r.body;
  }
}

TEST_F(JsFetch, OtherMethodsAndBodiesPassThrough) {
  for (std::string method : {"POST", "PUT", "DELETE"}) {
    auto r = through("fetch", self("/echo"), method);
    ASSERT_EQ(r.status, 200) << method << ": " << r.body;
    EXPECT_EQ(r.body, method + " fetcher payload");
  }
}

TEST_F(JsFetch, UpstreamStatusesComeBack) {
  auto r = through("fetch", self("/no-such-route"));
  EXPECT_EQ(r.status, 404) << r.body;
}

TEST_F(JsFetch, HostsOutsideAllowedHostsAreRefused) {
  auto r = through("fetch", "http://localhost:" + std::to_string(server_->port()) + "/echo");
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.body,
            "TypeError: [Not allowed] The host 'localhost' is not allowed for this worker. Please, update the worker "
            "configuration.");
}

TEST_F(JsFetch, AWorkerWithoutTheFeatureCanFetchNothing) {
  auto r = through("denied", self("/echo"));
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.body,
            "TypeError: [Not allowed] The host '127.0.0.1' is not allowed for this worker. Please, update the worker "
            "configuration.");
}

}  // namespace
}  // namespace e2e
