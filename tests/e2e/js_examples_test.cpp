// JavaScript workers end to end: the examples/js-* projects (mirroring the original's JS
// examples) served by the real wws binary, plus JS failure handling over HTTP.
#include <gtest/gtest.h>

#include "harness.h"

namespace e2e {
namespace {

// A project holding a copy of examples/<name>.
std::unique_ptr<Project> example(const std::string& name) {
  auto project = std::make_unique<Project>();
  fs::path source = fs::path(WWS_E2E_SOURCE) / ".." / ".." / "examples" / name;
  fs::copy(source, project->root(), fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  return project;
}

TEST(JsExamples, BasicEchoesAndRejectsNonGet) {
  auto project = example("js-basic");
  Server server(*project);
  auto r = server.get("/?x=1", {"User-Agent: e2e-agent"});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("Hello from a JavaScript worker!"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("method: GET"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("/?x=1"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("user-agent: e2e-agent"), std::string::npos) << r.body;
  EXPECT_EQ(r.header("x-generated-by"), "wasm-workers-server");
  EXPECT_EQ(r.header("content-type"), "text/plain; charset=utf-8");

  Request post;
  post.method = "POST";
  post.body = "data";
  post.send_body = true;
  auto rejected = server.request(post);
  EXPECT_EQ(rejected.status, 405);
  EXPECT_EQ(rejected.header("allow"), "GET");
}

TEST(JsExamples, AsyncHandlerAwaitsTimers) {
  auto project = example("js-async");
  Server server(*project);
  auto r = server.get("/?delay=30");
  ASSERT_EQ(r.status, 200) << r.body << server.log();
  EXPECT_NE(r.body.find("\"requested_ms\":30"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("[\"first\",\"second\"]"), std::string::npos) << r.body;
  EXPECT_GE(r.seconds, 0.03);
}

TEST(JsExamples, ModulesImportLocalFiles) {
  auto project = example("js-modules");
  Server server(*project);
  auto r = server.get("/?name=ada");
  ASSERT_EQ(r.status, 200) << r.body << server.log();
  EXPECT_NE(r.body.find("<h1>Hello, Ada!</h1>"), std::string::npos) << r.body;
  EXPECT_EQ(server.get("/_lib/page").status, 404) << "modules under _lib are not workers";
}

TEST(JsExamples, JsonUsesAVarAndServesPublicFiles) {
  auto project = example("js-json");
  Server server(*project);
  auto r = server.get("/");
  ASSERT_EQ(r.status, 200) << r.body << server.log();
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_NE(r.body.find("\"message\":\"Hello from the [vars] of index.toml\""), std::string::npos) << r.body;
  auto robots = server.get("/robots.txt");
  EXPECT_EQ(robots.status, 200);
  EXPECT_EQ(robots.body, "User-agent: *\nDisallow: /\n");
}

TEST(JsExamples, ParamsAndStaticFilesSideBySide) {
  auto project = example("js-params");
  Server server(*project);
  EXPECT_EQ(server.get("/42").body, "id: 42");
  EXPECT_EQ(server.get("/42/fixed").body, "fixed under id: 42");
  EXPECT_EQ(server.get("/fixed").body, "fixed");
  EXPECT_EQ(server.get("/sub/7").body, "sub id: 7");
  auto css = server.get("/style.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.body, "body { font-family: sans-serif; }\n");
}

TEST(JsExamples, CatchAllRoutes) {
  auto project = example("js-catchall");
  Server server(*project);
  EXPECT_EQ(server.get("/about").body, "about");
  EXPECT_EQ(server.get("/a/b/c").body, "catch-all: a/b/c");
  EXPECT_EQ(server.get("/other/x/y").body, "other catch-all: x/y");
}

TEST(JsExamples, Redirect) {
  auto project = example("js-redirect");
  Server server(*project);
  auto r = server.get("/");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.header("location"), "https://workers.wasmlabs.dev/");
}

TEST(JsExamples, TicTacToeKeepsGameStateInKv) {
  auto project = example("js-tictactoe");
  Server server(*project);
  auto put = [&](const std::string& body) {
    Request r;
    r.method = "PUT";
    r.target = "/game";
    r.body = body;
    r.send_body = true;
    return server.request(r);
  };
  EXPECT_NE(server.get("/game").body.find("\"next\":\"X\""), std::string::npos);
  EXPECT_EQ(put("{\"cell\":0}").status, 200);
  EXPECT_EQ(put("{\"cell\":3}").status, 200);
  EXPECT_EQ(put("{\"cell\":3}").status, 400) << "a taken cell";
  EXPECT_EQ(put("not json").status, 400);
  EXPECT_EQ(put("{\"cell\":1}").status, 200);
  EXPECT_EQ(put("{\"cell\":4}").status, 200);
  auto won = put("{\"cell\":2}");
  EXPECT_NE(won.body.find("\"winner\":\"X\""), std::string::npos) << won.body;
  EXPECT_NE(server.get("/game").body.find("[\"X\",\"X\",\"X\",\"O\",\"O\",null,null,null,null]"), std::string::npos);
  Request reset;
  reset.method = "DELETE";
  reset.target = "/game";
  EXPECT_EQ(server.request(reset).status, 200);
  EXPECT_NE(server.get("/game").body.find("\"winner\":null"), std::string::npos);
  EXPECT_EQ(server.get("/index.html").status, 200);
}

TEST(JsWorkers, FailuresAnswerErrorsAndTheServerKeepsServing) {
  Project project;
  project
      .file("loop.js",
            "addEventListener('fetch', (e) => { if (e.request.method === 'POST') while (true) {} "
            "e.respondWith(new Response('loop ok')); });\n")
      .file("loop.toml", "version = \"1\"\n[limits]\ntimeout_ms = 300\n")
      .file("bomb.js",
            "export default { fetch(r) { if (r.method === 'POST') { const a = []; "
            "while (true) a.push(new Array(10000).fill(r)); } return new Response('bomb ok'); } };\n")
      .file("bomb.toml", "version = \"1\"\n[limits]\nmemory_mb = 32\n")
      .file("throw.js", "export default { async fetch() { throw new Error('kaboom'); } };\n")
      .file("broken.js", "addEventListener('fetch', (e) => {\n  e.respondWith(new Response(;\n});\n")
      .file("binary.js",
            "export default { async fetch(r) { const b = new Uint8Array(await r.arrayBuffer()); "
            "return new Response(b.reverse(), { headers: { 'content-type': 'application/octet-stream' } }); } };\n");
  Server server(project);
  Request post;
  post.method = "POST";
  post.send_body = true;

  post.target = "/loop";
  EXPECT_EQ(server.request(post).status, 504);
  EXPECT_EQ(server.get("/loop").body, "loop ok");

  post.target = "/bomb";
  EXPECT_EQ(server.request(post).status, 500);
  EXPECT_EQ(server.get("/bomb").body, "bomb ok");
  EXPECT_TRUE(server.wait_for("ran out of memory", std::chrono::seconds(5))) << server.log();

  EXPECT_EQ(server.get("/throw").status, 500);
  EXPECT_TRUE(server.wait_for("Error: kaboom", std::chrono::seconds(5))) << server.log();

  auto broken = server.get("/broken");
  EXPECT_EQ(broken.status, 503);
  EXPECT_NE(broken.body.find("broken.js:2:"), std::string::npos) << broken.body;
  EXPECT_NE(broken.body.find("SyntaxError"), std::string::npos) << broken.body;

  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  post.target = "/binary";
  post.body = bytes;
  auto binary = server.request(post);
  EXPECT_EQ(binary.status, 200);
  EXPECT_EQ(binary.body, std::string(bytes.rbegin(), bytes.rend()));
}

}  // namespace
}  // namespace e2e
