// Git projects: a PATH that is a git URL is cloned into a cache and served, at the commit, tag or
// branch asked for. The repositories are real ones made by git, served over file://, over git's
// own protocol (git daemon) and over smart HTTP (git http-backend), each started by the test.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "harness.h"

namespace e2e {
namespace {

std::string js_worker(const std::string& text) {
  return "export default { fetch() { return new Response('" + text + "'); } };\n";
}

// Runs a shell command; returns its stdout, fails the test on a non-zero exit.
std::string sh(const std::string& command) {
  std::string out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) throw std::runtime_error("popen failed");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  EXPECT_EQ(status, 0) << command << "\n" << out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

bool port_open(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// A helper server (git daemon, the smart-HTTP bridge) on a free port, stopped with the test.
class Child {
 public:
  Child(std::vector<std::string> argv, int port) {
    int in[2];
    if (pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], STDIN_FILENO);
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, STDOUT_FILENO);
      dup2(devnull, STDERR_FILENO);  // git daemon complains about the port probes
      execvp(args[0], args.data());
      _exit(127);
    }
    close(in[0]);
    stdin_ = in[1];
    for (int i = 0; i < 200 && !port_open(port); ++i) usleep(25'000);
    if (!port_open(port)) throw std::runtime_error("helper server did not start: " + argv[0]);
  }
  ~Child() {
    close(stdin_);
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
};

// A repository with three versions of hello.js: tag v1, main at v2, branch feature at v3, and
// a site/ folder; plus a bare copy (served by the daemons) under served/.
class GitProjects : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string repo = (dir_.root() / "repo").string();
    dir_.file("repo/hello.js", js_worker("v1"));
    dir_.file("repo/site/page.js", js_worker("page in site"));
    git_ = "git -C " + repo + " -c user.email=t@example.com -c user.name=t ";
    sh("git init -q -b main " + repo);
    sh(git_ + "add -A");
    sh(git_ + "commit -qm v1");
    sh(git_ + "tag v1");
    v1_ = sh(git_ + "rev-parse HEAD");
    dir_.file("repo/hello.js", js_worker("v2"));
    sh(git_ + "commit -qam v2");
    sh(git_ + "checkout -qb feature");
    dir_.file("repo/hello.js", js_worker("v3"));
    sh(git_ + "commit -qam v3");
    sh(git_ + "checkout -q main");
    sh("git clone -q --bare " + repo + " " + (dir_.root() / "served" / "repo.git").string());
    file_url_ = "file://" + repo;
    cache_ = "WWS_GIT_CACHE=" + (dir_.root() / "cache").string();
  }

  // Starts wws on `url` with flags, returns the body of `target`.
  std::string body_of(const std::string& url, std::vector<std::string> flags, const std::string& target = "/hello") {
    Project source;
    source.serve_path(url);
    Server server(source, flags, {cache_});
    auto r = server.get(target);
    EXPECT_EQ(r.status, 200) << server.log();
    log_ = server.log();
    return r.body;
  }

  Project dir_;  // holds the repository, the bare copy, the cache
  std::string git_, v1_, file_url_, cache_, log_;
};

TEST_F(GitProjects, FileUrlServesTheDefaultBranchOrTheRefAskedFor) {
  EXPECT_EQ(body_of(file_url_, {}), "v2");
  EXPECT_NE(log_.find("at branch main"), std::string::npos) << log_;
  EXPECT_EQ(body_of(file_url_, {"--git-tag", "v1"}), "v1");
  EXPECT_EQ(body_of(file_url_, {"--git-branch", "feature"}), "v3");
  EXPECT_EQ(body_of(file_url_, {"--git-commit", v1_}), "v1");
  EXPECT_EQ(body_of(file_url_, {"--git-commit", v1_.substr(0, 8)}), "v1");
  // The commit wins over the tag, which wins over the branch (the original's priority).
  EXPECT_EQ(body_of(file_url_, {"--git-branch", "feature", "--git-tag", "v1"}), "v1");
  EXPECT_EQ(body_of(file_url_, {"--git-tag", "v1", "--git-commit", sh(git_ + "rev-parse feature")}), "v3");
  EXPECT_EQ(body_of(file_url_, {"--git-folder", "site"}, "/page"), "page in site");
}

TEST_F(GitProjects, MissingRefsAndFoldersFailWithTheChoices) {
  auto branch = run_wws({file_url_, "--git-branch", "nope"}, std::chrono::seconds(20), {cache_});
  EXPECT_EQ(branch.exit_code, 1);
  EXPECT_NE(branch.err.find("the branch 'nope' does not exist in " + file_url_ + " (branches: feature, main)"),
            std::string::npos)
      << branch.err;
  auto tag = run_wws({file_url_, "--git-tag", "v9"}, std::chrono::seconds(20), {cache_});
  EXPECT_EQ(tag.exit_code, 1);
  EXPECT_NE(tag.err.find("the tag 'v9' does not exist in " + file_url_ + " (tags: v1)"), std::string::npos) << tag.err;
  auto commit = run_wws({file_url_, "--git-commit", "0123abcd"}, std::chrono::seconds(20), {cache_});
  EXPECT_EQ(commit.exit_code, 1);
  EXPECT_NE(commit.err.find("the commit '0123abcd' is not in"), std::string::npos) << commit.err;
  auto folder = run_wws({file_url_, "--git-folder", "../../.."}, std::chrono::seconds(20), {cache_});
  EXPECT_EQ(folder.exit_code, 1);
  EXPECT_NE(folder.err.find("the folder '../../..' does not exist"), std::string::npos) << folder.err;
  auto nowhere =
      run_wws({"git://127.0.0.1:" + std::to_string(free_port()) + "/none.git"}, std::chrono::seconds(20), {cache_});
  EXPECT_EQ(nowhere.exit_code, 1);
  EXPECT_NE(nowhere.err.find("cannot clone git://127.0.0.1:"), std::string::npos) << nowhere.err;
  auto local = run_wws({dir_.root().string(), "--git-branch", "main"});
  EXPECT_EQ(local.exit_code, 1);
  EXPECT_NE(local.err.find("need a git URL as PATH"), std::string::npos) << local.err;
}

TEST_F(GitProjects, GitDaemonServesAndALaterStartFetchesNewCommits) {
  const int port = free_port();
  const std::string served = (dir_.root() / "served").string();
  Child daemon({"git", "daemon", "--reuseaddr", "--export-all", "--informative-errors", "--base-path=" + served,
                "--listen=127.0.0.1", "--port=" + std::to_string(port), served},
               port);
  const std::string url = "git://127.0.0.1:" + std::to_string(port) + "/repo.git";
  EXPECT_EQ(body_of(url, {}), "v2");
  EXPECT_EQ(body_of(url, {"--git-branch", "feature"}), "v3");
  // A new commit on the served repository is fetched by the next start.
  dir_.file("repo/hello.js", js_worker("v4"));
  sh(git_ + "commit -qam v4");
  sh(git_ + "push -q " + served + "/repo.git main");
  EXPECT_EQ(body_of(url, {}), "v4");
}

TEST_F(GitProjects, AStartWithoutNetworkServesTheCachedCopy) {
  const int port = free_port();
  const std::string served = (dir_.root() / "served").string();
  const std::string url = "git://127.0.0.1:" + std::to_string(port) + "/repo.git";
  {
    Child daemon({"git", "daemon", "--reuseaddr", "--export-all", "--base-path=" + served, "--listen=127.0.0.1",
                  "--port=" + std::to_string(port), served},
                 port);
    EXPECT_EQ(body_of(url, {"--git-tag", "v1"}), "v1");
  }
  EXPECT_EQ(body_of(url, {"--git-tag", "v1"}), "v1");  // the daemon is gone
  EXPECT_NE(log_.find("serving the cached copy"), std::string::npos) << log_;
}

TEST_F(GitProjects, SmartHttpServesAnHttpsStyleUrl) {
  const int port = free_port();
  Child backend({"python3", std::string(WWS_E2E_SOURCE) + "/git_http_server.py", std::to_string(port),
                 (dir_.root() / "served").string()},
                port);
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/cgi-bin/git/repo.git";
  EXPECT_EQ(body_of(url, {"--git-tag", "v1"}), "v1");
  EXPECT_EQ(body_of(url, {"--git-branch", "feature"}), "v3");
}

}  // namespace
}  // namespace e2e
