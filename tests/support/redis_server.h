// A real redis-server (Debian's) for a test: its own free loopback port and temp folder, stopped
// and removed when the object dies, so test suites running at once never share one.
#pragma once
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace wws::test {

class RedisServer {
 public:
  enum Mode { Plain, Tls };  // Tls: the port speaks TLS only (give the certificate in `extra`)
  // `extra`: more redis-server arguments (e.g. {"--requirepass", "pw"}).
  // `port`: 0 picks a free one.
  explicit RedisServer(std::vector<std::string> extra = {}, Mode mode = Plain, int port = 0)
      : extra_(std::move(extra)), mode_(mode) {
    std::string pattern = (std::filesystem::temp_directory_path() / "wws-redis-XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
    for (int attempt = 0; attempt < (port ? 1 : 5) && pid_ <= 0; ++attempt) {
      port_ = port ? port : free_port();
      start();
    }
  }
  ~RedisServer() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::string url(int db = 0) const { return "redis://127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db); }
  // What redis-server logged (for failure messages).
  std::string log() const {
    std::string out, line;
    if (FILE* f = std::fopen((dir_ / "redis.log").c_str(), "r")) {
      char buf[4096];
      size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
      std::fclose(f);
    }
    return out;
  }

  // (Re)starts on the same port and folder; data written with appendfsync always survives.
  // Returns false if it did not answer PING within 10 s.
  bool start() {
    if (pid_ > 0) return true;
    std::vector<std::string> args = {"redis-server",
                                     "--port",
                                     mode_ == Tls ? "0" : std::to_string(port_),
                                     "--bind",
                                     "127.0.0.1",
                                     "--dir",
                                     dir_.string(),
                                     "--save",
                                     "",
                                     "--appendonly",
                                     "yes",
                                     "--appendfsync",
                                     "always",
                                     "--daemonize",
                                     "no",
                                     "--protected-mode",
                                     "no",
                                     "--logfile",
                                     (dir_ / "redis.log").string()};
    if (mode_ == Tls) args.insert(args.end(), {"--tls-port", std::to_string(port_)});
    args.insert(args.end(), extra_.begin(), extra_.end());
    size_t logged = log().size();
    pid_t pid = fork();
    if (pid == 0) {
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execvp("redis-server", argv.data());
      _exit(127);
    }
    pid_ = pid;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: port taken, or not installed
        pid_ = 0;
        return false;
      }
      if (mode_ == Plain ? answers_ping() : log().find("Ready to accept", logged) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    return false;
  }
  void stop() { end(SIGTERM); }
  void kill() { end(SIGKILL); }

  static int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    // Port 0 asks the kernel for a free port; if that fails there is no port to offer.
    const bool bound = fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                       getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    if (fd >= 0) close(fd);
    if (!bound) throw std::runtime_error("redis_server: no free port (bind or getsockname failed)");
    return ntohs(addr.sin_port);
  }

 private:
  void end(int signal) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
  }

  // Any reply to PING counts (a server with a password answers NOAUTH: it is up).
  bool answers_ping() const {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = false;
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && write(fd, "PING\r\n", 6) == 6) {
      char buf[64];
      timeval tv{1, 0};
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      ok = read(fd, buf, sizeof buf) > 0 && (buf[0] == '+' || buf[0] == '-');
    }
    close(fd);
    return ok;
  }

  std::vector<std::string> extra_;
  Mode mode_;
  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = 0;
};

}  // namespace wws::test
