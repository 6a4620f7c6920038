// Language runtimes end to end: the local repository (Python and Ruby, built from registry
// packages by scripts/build-runtime-repo.sh) served over real HTTP by a second wws, installed
// with `wws runtimes install` exactly as a user would, then the original's example shapes for
// both languages, errors, limits and the CLI (list, check, uninstall, a checksum mismatch, an
// unreachable repository, file:// URLs, WWS_REPO_URL, -i).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "harness.h"

namespace e2e {
namespace {

const fs::path kRepo = WWS_RUNTIME_REPO;
constexpr auto kInstallTimeout = std::chrono::minutes(5);

// A copy of the repository (hard links) as a project's public/ folder, served by its own wws.
class RepoServer {
 public:
  explicit RepoServer(const std::function<void(const fs::path&)>& edit = {}) {
    fs::create_directories(project_.path("public"));
    for (const auto& entry : fs::directory_iterator(kRepo)) {
      fs::path to = project_.path("public") / entry.path().filename();
      std::error_code ec;
      fs::create_hard_link(entry.path(), to, ec);
      if (ec) fs::copy_file(entry.path(), to);
    }
    if (edit) edit(project_.path("public"));
    server_ = std::make_unique<Server>(project_);
  }
  std::string url() const { return server_->base_url() + "/index.toml"; }
  const Server& server() const { return *server_; }

 private:
  Project project_;
  std::unique_ptr<Server> server_;
};

RunResult wws(const Project& p, std::vector<std::string> args, std::vector<std::string> env = {}) {
  args.insert(args.begin(), p.root().string());
  return run_wws(args, kInstallTimeout, env);
}

RunResult install(const Project& p, const std::string& url, const std::string& name) {
  return wws(p, {"runtimes", "install", name, "latest", "--repo-url", url, "--repo-name", "local"});
}

std::string read(const fs::path& p) { return read_file(p); }

// How many runtimes of that name .wws.toml records (toml++ may quote either way).
size_t recorded(const std::string& config, const std::string& name) {
  std::regex entry("name = [\"']" + name + "[\"']");
  return std::distance(std::sregex_iterator(config.begin(), config.end(), entry), std::sregex_iterator());
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// The workers of both languages, in the shapes of the original's examples.
void write_workers(Project& p) {
  p.file("basic.py", R"(def worker(request):
    agent = request.headers.get("user-agent", "")
    return Response(f"method={request.method} url={request.url} agent={agent} body={request.body}")
)");
  p.file("envs.py", "def worker(request):\n    return Response('message=' + os.getenv('MESSAGE', 'unset'))\n");
  p.file("envs.toml", "name = \"envs\"\nversion = \"1\"\n[vars]\nMESSAGE = \"Hello from [vars]\"\n");
  p.file("kv.py", R"(def worker(request):
    if request.method == "DELETE":
        Cache.delete("counter")
        return Response("deleted")
    count = int(Cache.get("counter") or 0) + 1
    Cache.set("counter", count)
    return Response(f"counter={count}")
)");
  p.file("kv.toml", "version = \"1\"\n[data.kv]\nnamespace = \"pycounter\"\n");
  p.file("mount.py", "def worker(request):\n    return Response(open('/src/assets/data.txt').read())\n");
  p.file("mount.toml", "version = \"1\"\n[[folders]]\nfrom = \"./_assets\"\nto = \"/src/assets\"\n");
  p.file("_assets/data.txt", "mounted file content");
  p.file("libs.py", "import greeting\n\ndef worker(request):\n    return Response(greeting.hello('libs'))\n");
  p.file("libs.toml",
         "version = \"1\"\n[vars]\nPYTHONPATH = \"/opt/libs\"\n[[folders]]\nfrom = \"./_libs\"\nto = \"/opt/libs\"\n");
  p.file("_libs/greeting.py", "def hello(name):\n    return f'hello {name} from a library on PYTHONPATH'\n");
  p.file("status.py", R"(def worker(request):
    return Response("made", status=201, headers={"x-runtime": "python", "content-type": "text/plain"})
)");
  p.file("binary.py", R"(def worker(request):
    data = request.body if isinstance(request.body, bytes) else request.body.encode()
    return Response(bytes(reversed(data)), headers={"content-type": "application/octet-stream"})
)");
  p.file("users/[id].py", "def worker(request):\n    return Response('user ' + request.params['id'])\n");
  // State a request leaves where the next one could see it: a module global of its script,
  // an attribute of the interpreter's builtins (outlives the script) and a 64 KiB string per
  // request, so several pages of the heap change.
  p.file("state.py", R"(import builtins
seen = []
def worker(request):
    seen.append(request.url)
    kept = getattr(builtins, "wws_kept", [])
    kept.append("x" * 65536)
    builtins.wws_kept = kept
    print("log line from python")
    return Response(f"seen={len(seen)} kept={len(kept)}")
)");
  p.file("syntax.py", "def worker(request)\n    return Response('never')\n");
  p.file("raises.py", "def worker(request):\n    return Response(str(1 // 0))\n");
  p.file("loop.py", "def worker(request):\n    while True:\n        pass\n");
  p.file("loop.toml", "version = \"1\"\n[limits]\ntimeout_ms = 1500\n");

  p.file("hello.rb", R"(def worker(req)
  Response.new("method=#{req.method} url=#{req.url} agent=#{req.headers["user-agent"]} body=#{req.body}")
end
)");
  p.file("renvs.rb", "def worker(req)\n  Response.new(\"message=#{ENV.fetch('MESSAGE', 'unset')}\")\nend\n");
  p.file("renvs.toml", "version = \"1\"\n[vars]\nMESSAGE = \"Hello Ruby [vars]\"\n");
  p.file("rkv.rb", R"(def worker(req)
  count = (Cache.get("counter") || "0").to_i + 1
  Cache.set("counter", count)
  Response.new("counter=#{count}", 200, {"x-runtime" => "ruby"})
end
)");
  p.file("rkv.toml", "version = \"1\"\n[data.kv]\nnamespace = \"rbcounter\"\n");
  p.file("image.rb", R"(def worker(req)
  Response.new(File.binread("/data/pixel.bin"), 200, {"content-type" => "image/png"})
end
)");
  p.file("image.toml", "version = \"1\"\n[[folders]]\nfrom = \"./_images\"\nto = \"/data\"\n");
  p.file("_images/pixel.bin", std::string("\x89PNG\r\n\x1a\n\xff\x00\xfe", 11));
  p.file("rstate.rb", R"(def worker(req)
  $wws_kept = ($wws_kept || []) << ("x" * 65536)
  Response.new("kept=#{$wws_kept.size}")
end
)");
  p.file("rraises.rb", "def worker(req)\n  raise ArgumentError, \"boom from ruby\"\nend\n");
  p.file("rsyntax.rb", "def worker(req\n  Response.new('x'\nend\n");
  p.file("rloop.rb", "def worker(req)\n  loop { }\nend\n");
  p.file("rloop.toml", "version = \"1\"\n[limits]\ntimeout_ms = 1500\n");
}

// One repository server and one project with both runtimes installed, shared by the tests.
class Runtimes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      repo_ = std::make_unique<RepoServer>();
      project_ = std::make_unique<Project>();
      write_workers(*project_);
      install_python_ = install(*project_, repo_->url(), "python");
      install_ruby_ = install(*project_, repo_->url(), "ruby");
      if (install_python_.exit_code != 0 || install_ruby_.exit_code != 0)
        throw std::runtime_error("install failed:\n" + install_python_.out + install_python_.err + install_ruby_.out +
                                 install_ruby_.err);
      auto started = std::chrono::steady_clock::now();
      server_ = std::make_unique<Server>(*project_);
      start_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    } catch (const std::exception& e) {
      error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    server_.reset();
    project_.reset();
    repo_.reset();
  }
  void SetUp() override {
    if (!server_) GTEST_FAIL() << error_;
  }
  static inline std::unique_ptr<RepoServer> repo_;
  static inline std::unique_ptr<Project> project_;
  static inline std::unique_ptr<Server> server_;
  static inline RunResult install_python_, install_ruby_;
  static inline double start_seconds_ = 0;
  static inline std::string error_;
};

TEST_F(Runtimes, InstalledFromTheRepositoryOverHttp) {
  EXPECT_NE(install_python_.out.find("Pre-initialised python"), std::string::npos) << install_python_.out;
  EXPECT_NE(install_ruby_.out.find("Pre-initialised ruby"), std::string::npos) << install_ruby_.out;
  EXPECT_TRUE(fs::exists(project_->path(".wws/runtimes/local/python/3.12.0/python.wasm")));
  EXPECT_TRUE(fs::exists(project_->path(".wws/runtimes/local/ruby/3.3/ruby.wasm")));
  std::string config = read(project_->path(".wws.toml"));
  EXPECT_EQ(recorded(config, "python"), 1u) << config;
  EXPECT_NE(config.find(repo_->url()), std::string::npos);
  EXPECT_NE(config.find("sha256"), std::string::npos);
  std::cout << "[ wws start with both runtimes: " << start_seconds_ << " s ]\n";
}

TEST_F(Runtimes, PythonEcho) {
  Request r;
  r.method = "POST";
  r.target = "/basic?x=1";
  r.body = "hello body";
  r.send_body = true;
  r.headers = {"User-Agent: e2e-agent"};
  auto res = server_->request(r);
  EXPECT_EQ(res.status, 200) << res.body << server_->log();
  EXPECT_EQ(res.body, "method=POST url=http://127.0.0.1:" + std::to_string(server_->port()) +
                          "/basic?x=1 agent=e2e-agent body=hello body");
  EXPECT_EQ(res.header("content-type"), "text/html");
}

TEST_F(Runtimes, PythonEnvVarsFromVars) {
  auto res = server_->get("/envs");
  EXPECT_EQ(res.body, "message=Hello from [vars]") << server_->log();
}

TEST_F(Runtimes, PythonKvCounterAndDelete) {
  EXPECT_EQ(server_->get("/kv").body, "counter=1") << server_->log();
  EXPECT_EQ(server_->get("/kv").body, "counter=2");
  Request del;
  del.method = "DELETE";
  del.target = "/kv";
  EXPECT_EQ(server_->request(del).body, "deleted");
  EXPECT_EQ(server_->get("/kv").body, "counter=1");
}

TEST_F(Runtimes, PythonMountedFileInsideSrc) {
  EXPECT_EQ(server_->get("/mount").body, "mounted file content") << server_->log();
}

TEST_F(Runtimes, PythonLibraryOnPythonpathFromAMount) {
  EXPECT_EQ(server_->get("/libs").body, "hello libs from a library on PYTHONPATH") << server_->log();
}

TEST_F(Runtimes, PythonStatusHeadersParams) {
  auto res = server_->get("/status");
  EXPECT_EQ(res.status, 201);
  EXPECT_EQ(res.header("x-runtime"), "python");
  EXPECT_EQ(res.body, "made");
  EXPECT_EQ(server_->get("/users/42").body, "user 42");
}

TEST_F(Runtimes, PythonBinaryBodies) {
  Request r;
  r.method = "POST";
  r.target = "/binary";
  r.body = std::string("\xff\x00\x01\xfe", 4);
  r.send_body = true;
  auto res = server_->request(r);
  EXPECT_EQ(res.status, 200) << server_->log();
  EXPECT_EQ(res.body, std::string("\xfe\x01\x00\xff", 4));
}

// Enough requests that each run-pool thread's kept instance is reset many times (the first
// reset maps the memory image, later ones copy back the pages a run wrote).
constexpr int kIsolationRequests = 40;

TEST_F(Runtimes, PythonEveryRequestStartsFromTheSnapshot) {
  for (int i = 0; i < kIsolationRequests; ++i) ASSERT_EQ(server_->get("/state").body, "seen=1 kept=1") << i;
  EXPECT_TRUE(server_->wait_for("log line from python", std::chrono::seconds(5)));
}

TEST_F(Runtimes, PythonErrorsAnswer500WithTheTracebackInTheLog) {
  auto syntax = server_->get("/syntax");
  EXPECT_EQ(syntax.status, 500);
  EXPECT_TRUE(server_->wait_for("SyntaxError", std::chrono::seconds(5))) << server_->log();
  auto raises = server_->get("/raises");
  EXPECT_EQ(raises.status, 500);
  EXPECT_TRUE(server_->wait_for("ZeroDivisionError", std::chrono::seconds(5))) << server_->log();
  EXPECT_NE(server_->log().find("Traceback (most recent call last)"), std::string::npos);
  EXPECT_NE(server_->log().find("/src/worker.py\", line 2, in worker"), std::string::npos) << server_->log();
  // The other workers keep serving.
  EXPECT_EQ(server_->get("/envs").status, 200);
}

TEST_F(Runtimes, PythonTimeLimit) {
  auto res = server_->get("/loop");
  EXPECT_EQ(res.status, 504) << res.body;
  EXPECT_EQ(server_->get("/envs").status, 200);
}

TEST_F(Runtimes, RubyEcho) {
  Request r;
  r.method = "PUT";
  r.target = "/hello";
  r.body = "ruby body";
  r.send_body = true;
  r.headers = {"User-Agent: e2e-agent"};
  auto res = server_->request(r);
  EXPECT_EQ(res.status, 200) << res.body << server_->log();
  EXPECT_EQ(res.body, "method=PUT url=http://127.0.0.1:" + std::to_string(server_->port()) +
                          "/hello agent=e2e-agent body=ruby body");
}

TEST_F(Runtimes, RubyEnvKvAndMountedBinaryFile) {
  EXPECT_EQ(server_->get("/renvs").body, "message=Hello Ruby [vars]") << server_->log();
  auto first = server_->get("/rkv");
  EXPECT_EQ(first.body, "counter=1") << server_->log();
  EXPECT_EQ(first.header("x-runtime"), "ruby");
  EXPECT_EQ(server_->get("/rkv").body, "counter=2");
  auto image = server_->get("/image");
  EXPECT_EQ(image.status, 200) << server_->log();
  EXPECT_EQ(image.body, std::string("\x89PNG\r\n\x1a\n\xff\x00\xfe", 11));
  EXPECT_EQ(image.header("content-type"), "image/png");
}

TEST_F(Runtimes, RubyEveryRequestStartsFromTheSnapshot) {
  for (int i = 0; i < kIsolationRequests; ++i) ASSERT_EQ(server_->get("/rstate").body, "kept=1") << i;
}

TEST_F(Runtimes, RubyErrorsAndTimeLimit) {
  EXPECT_EQ(server_->get("/rraises").status, 500);
  EXPECT_TRUE(server_->wait_for("boom from ruby (ArgumentError)", std::chrono::seconds(5))) << server_->log();
  EXPECT_NE(server_->log().find("/src/worker.rb:2:in"), std::string::npos) << server_->log();
  EXPECT_EQ(server_->get("/rsyntax").status, 500);
  EXPECT_TRUE(server_->wait_for("SyntaxError", std::chrono::seconds(5))) << server_->log();
  EXPECT_EQ(server_->get("/rloop").status, 504);
  EXPECT_EQ(server_->get("/renvs").status, 200);
}

TEST_F(Runtimes, ListCheckAndInstallingTwice) {
  auto list = wws(*project_, {"runtimes", "list", "--repo-url", repo_->url()});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(std::regex_search(list.out, std::regex("python +3\\.12\\.0 +latest, 3\\.12 +\\.py +python\\.wasm")))
      << list.out;
  EXPECT_TRUE(std::regex_search(list.out, std::regex("ruby +3\\.3 +latest, 3\\.3 +\\.rb +ruby\\.wasm"))) << list.out;
  auto check = wws(*project_, {"runtimes", "check"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_EQ(count(check.out, "✅"), 2u) << check.out;
  auto again = install(*project_, repo_->url(), "python");
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("already installed"), std::string::npos) << again.out;
  EXPECT_EQ(recorded(read(project_->path(".wws.toml")), "python"), 1u);
}

// A separate project for the CLI cases that change what is installed.
TEST(RuntimesCli, UninstallRemovesOnlyThatRuntime) {
  RepoServer repo;
  Project p;
  ASSERT_EQ(install(p, repo.url(), "python").exit_code, 0);
  ASSERT_EQ(install(p, repo.url(), "ruby").exit_code, 0);
  auto un = wws(p, {"runtimes", "uninstall", "python", "3.12.0"});
  EXPECT_EQ(un.exit_code, 0) << un.out << un.err;
  EXPECT_FALSE(fs::exists(p.path(".wws/runtimes/local/python")));
  EXPECT_TRUE(fs::exists(p.path(".wws/runtimes/local/ruby/3.3/ruby.wasm")));
  std::string config = read(p.path(".wws.toml"));
  EXPECT_EQ(recorded(config, "python"), 0u) << config;
  EXPECT_EQ(recorded(config, "ruby"), 1u) << config;
  auto missing = wws(p, {"runtimes", "uninstall", "python", "3.12.0"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("not recorded"), std::string::npos) << missing.err;

  // check notices a damaged install; `install` without arguments repairs it from .wws.toml.
  { std::ofstream(p.path(".wws/runtimes/local/ruby/3.3/poly.rb"), std::ios::trunc) << "tampered"; }
  auto check = wws(p, {"runtimes", "check"});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_NE(check.out.find("does not match its checksum"), std::string::npos) << check.out;
  fs::remove(p.path(".wws/runtimes/local/ruby/3.3/poly.rb"));
  auto repair = wws(p, {"runtimes", "install"});
  EXPECT_EQ(repair.exit_code, 0) << repair.out << repair.err;
  EXPECT_EQ(wws(p, {"runtimes", "check"}).exit_code, 0);
}

TEST(RuntimesCli, ChecksumMismatchInstallsNothing) {
  RepoServer repo([](const fs::path& dir) {
    // The repository's poly.py differs from what its index says.
    fs::remove(dir / "poly.py");
    std::ofstream(dir / "poly.py") << "print('not the polyfill the index describes')\n";
  });
  Project p;
  auto res = install(p, repo.url(), "python");
  EXPECT_EQ(res.exit_code, 1);
  EXPECT_NE(res.err.find("poly.py"), std::string::npos) << res.err;
  EXPECT_NE(res.err.find("does not match its checksum"), std::string::npos) << res.err;
  EXPECT_FALSE(fs::exists(p.path(".wws.toml")));
  EXPECT_FALSE(fs::exists(p.path(".wws/runtimes/local/python/3.12.0")));
  bool leftovers =
      fs::exists(p.path(".wws/runtimes/local/python")) && !fs::is_empty(p.path(".wws/runtimes/local/python"));
  EXPECT_FALSE(leftovers);
}

TEST(RuntimesCli, UnreachableRepository) {
  Project p;
  std::string url = "http://127.0.0.1:" + std::to_string(free_port()) + "/index.toml";
  auto res = install(p, url, "python");
  EXPECT_EQ(res.exit_code, 1);
  EXPECT_NE(res.err.find("Could not read the repository " + url), std::string::npos) << res.err;
  EXPECT_NE(res.err.find("--repo-url"), std::string::npos) << res.err;
  auto list = wws(p, {"runtimes", "list"}, {"WWS_REPO_URL=" + url});
  EXPECT_EQ(list.exit_code, 1);
  EXPECT_NE(list.err.find(url), std::string::npos) << list.err;
}

TEST(RuntimesCli, FileUrlsEnvVarsAndInstallAtStart) {
  Project p;
  p.file("hi.py", "def worker(request):\n    return Response('hi from python')\n");
  p.file("notes.rb", "def worker(req) = Response.new('ruby is not installed here')\n");
  std::string url = "file://" + (kRepo / "index.toml").string();
  auto res = wws(p, {"runtimes", "install", "python", "3.12"}, {"WWS_REPO_URL=" + url, "WWS_REPO_NAME=files"});
  ASSERT_EQ(res.exit_code, 0) << res.out << res.err;
  EXPECT_TRUE(fs::exists(p.path(".wws/runtimes/files/python/3.12.0/python.wasm")));

  // Another checkout of the project: .wws.toml without .wws/. -i installs, then serves.
  Project clone;
  clone.file(".wws.toml", read(p.path(".wws.toml")));
  clone.file("hi.py", read(p.path("hi.py")));
  clone.file("notes.rb", read(p.path("notes.rb")));
  Server without(clone);
  EXPECT_NE(without.out().find("not installed"), std::string::npos) << without.out();
  EXPECT_EQ(without.get("/hi").status, 404);
  without.stop();
  Server with(clone, {"-i"});
  EXPECT_EQ(with.get("/hi").body, "hi from python") << with.log();
  // notes.rb: no installed runtime claims .rb; start-up says so once, and it is not a route.
  EXPECT_EQ(count(with.out(), "notes.rb"), 1u) << with.out();
  EXPECT_NE(with.out().find("no installed runtime runs .rb files"), std::string::npos) << with.out();
  EXPECT_EQ(with.get("/notes").status, 404);
}

}  // namespace
}  // namespace e2e
