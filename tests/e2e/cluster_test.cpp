// Scale-out: a real redis-server and nginx (Debian's) on loopback, nginx balancing three wws
// processes that share the K/V store in Redis. Concurrent writers of different keys and atomic
// increments of one key lose nothing, and killing one node with SIGKILL mid-run and starting it
// again loses no answered write.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <sys/wait.h>

#include "../support/redis_server.h"
#include "harness.h"
#include "kv_support.h"

namespace e2e {
namespace {

using wws::test::RedisServer;
using namespace std::chrono_literals;

// nginx in front of some wws ports, in a folder of its own; `balance` rewrites the upstream list
// and reloads it the way an operator would (nginx -s reload).
class Nginx {
 public:
  explicit Nginx(const fs::path& dir) : dir_(dir), port_(free_port()) { fs::create_directories(dir_ / "logs"); }
  ~Nginx() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  bool balance(const std::vector<int>& ports) {
    std::string upstreams;
    for (int p : ports) upstreams += "    server 127.0.0.1:" + std::to_string(p) + " max_fails=0;\n";
    std::ofstream(dir_ / "nginx.conf") << "pid " << (dir_ / "nginx.pid").string() << ";\n"
                                       << "error_log " << (dir_ / "logs/error.log").string() << " warn;\n"
                                       << "worker_processes 1;\nevents { worker_connections 1024; }\n"
                                       << "http {\n  access_log off;\n  upstream wws {\n"
                                       << upstreams << "    keepalive 32;\n  }\n"
                                       << "  server {\n    listen 127.0.0.1:" << port_ << ";\n"
                                       << "    location / {\n      proxy_pass http://wws;\n"
                                       << "      proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n"
                                       // Only connection failures move a request to another node;
                                       // POSTs (our writes) are never sent twice.
                                       << "      proxy_next_upstream error;\n    }\n  }\n}\n";
    if (pid_ > 0) return command({"-s", "reload"}) == 0;
    pid_ = fork();
    if (pid_ == 0) {
      std::string prefix = dir_.string(), conf = (dir_ / "nginx.conf").string();
      execlp("nginx", "nginx", "-p", prefix.c_str(), "-c", conf.c_str(), "-g", "daemon off;", nullptr);
      _exit(127);
    }
    for (int i = 0; i < 200; ++i) {
      if (http(url(), Request{}).status > 0) return true;
      std::this_thread::sleep_for(25ms);
    }
    return false;
  }
  std::string error_log() const { return read_file(dir_ / "logs/error.log"); }

 private:
  int command(std::vector<std::string> args) {
    std::string cmd = "nginx -p '" + dir_.string() + "' -c '" + (dir_ / "nginx.conf").string() + "'";
    for (auto& a : args) cmd += " " + a;
    return std::system(cmd.c_str());
  }
  fs::path dir_;
  int port_;
  pid_t pid_ = -1;
};

Response post(const std::string& base, const std::string& target) {
  Request r;
  r.method = "POST";
  r.target = target;
  r.send_body = true;
  return http(base, r);
}

TEST(Cluster, ThreeNodesBehindNginxLoseNoAnsweredWriteWhenOneIsKilled) {
  RedisServer redis;
  ASSERT_TRUE(redis.running()) << redis.log();
  Project project;
  project.worker("atomic.wasm", "kv_atomic").file("atomic.toml", kv_toml("atomic", "cluster"));
  const std::vector<std::string> args = {"--kv", redis.url(), "--threads", "2"};
  std::vector<std::unique_ptr<Server>> nodes;
  for (int i = 0; i < 3; ++i) nodes.push_back(std::make_unique<Server>(project, args));
  Nginx nginx(project.path("_nginx"));
  ASSERT_TRUE(nginx.balance({nodes[0]->port(), nodes[1]->port(), nodes[2]->port()})) << nginx.error_log();
  const std::string lb = nginx.url();

  // 4 writers of their own keys, 4 incrementers of one key, until told to stop.
  std::atomic<bool> stop{false};
  std::atomic<int> increments{0}, unanswered{0};
  std::mutex mu;
  std::vector<std::string> written;  // keys whose write was answered 200
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        if (t < 4) {
          std::string key = "w" + std::to_string(t) + "-" + std::to_string(i);
          auto r = post(lb, "/atomic?op=set&key=" + key + "&value=" + key);
          if (r.status == 200) {
            std::lock_guard lock(mu);
            written.push_back(key);
          } else {
            unanswered++;
          }
        } else {
          auto r = post(lb, "/atomic?op=incr&key=hits");
          if (r.status == 200) increments++;
          else unanswered++;
        }
      }
    });
  auto wait_for_increments = [&](int n) {
    for (auto deadline = std::chrono::steady_clock::now() + 60s;
         increments < n && std::chrono::steady_clock::now() < deadline;)
      std::this_thread::sleep_for(10ms);
  };
  wait_for_increments(300);
  // SIGKILL one node mid-run; nginx sends its share to the other two meanwhile.
  ASSERT_EQ(kill(nodes[1]->pid(), SIGKILL), 0);
  EXPECT_EQ(nodes[1]->stop(), 128 + SIGKILL);
  const int at_kill = increments;
  wait_for_increments(at_kill + 300);
  nodes[1] = std::make_unique<Server>(project, args);  // a new process (and port), as a restarted pod
  ASSERT_TRUE(nginx.balance({nodes[0]->port(), nodes[1]->port(), nodes[2]->port()})) << nginx.error_log();
  wait_for_increments(increments + 300);
  stop = true;
  for (auto& th : threads) th.join();

  // Every node served, and every answered write is there, read through any node.
  for (auto& node : nodes) EXPECT_EQ(node->get("/atomic?op=get&key=hits").status, 200);
  const long hits = std::stol(nodes[2]->get("/atomic?op=get&key=hits").body);
  // Requests in flight on the killed node may have committed without an answer (at most one
  // per client thread); none that was answered may be missing.
  EXPECT_GE(hits, increments.load());
  EXPECT_LE(hits, increments.load() + 4);
  ASSERT_GT(written.size(), 100u);
  std::vector<std::string> listed;
  for (int t = 0; t < 4; ++t) {
    std::string prefix = "w" + std::to_string(t) + "-";
    auto r = nodes[0]->get("/atomic?op=list&prefix=" + prefix + "&limit=1000000");
    ASSERT_EQ(r.status, 200);
    for (size_t start = 0; start < r.body.size();) {
      size_t comma = r.body.find(',', start);
      if (comma == std::string::npos) comma = r.body.size();
      listed.push_back(r.body.substr(start, comma - start));
      start = comma + 1;
    }
  }
  std::set<std::string> present(listed.begin(), listed.end());
  int missing = 0;
  for (const auto& key : written) missing += present.count(key) ? 0 : 1;
  EXPECT_EQ(missing, 0) << "of " << written.size() << " answered writes";
  // Spot-check values through the balancer.
  EXPECT_EQ(http(lb, Request{"GET", "/atomic?op=get&key=" + written.front()}).body, written.front());
  EXPECT_EQ(http(lb, Request{"GET", "/atomic?op=get&key=" + written.back()}).body, written.back());
  std::printf("cluster: %d increments and %zu writes answered, %d not answered (killed node), hits = %ld\n",
              increments.load(), written.size(), unanswered.load(), hits);
}

}  // namespace
}  // namespace e2e
