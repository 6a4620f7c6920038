// The harness of the HTTP server tests: a Server on port 0 running in a thread with TestHandler,
// and a blocking socket Client that talks to it byte by byte, so framing is checked exactly.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "http/run_pool.h"
#include "http/server.h"
#include "util/blocking.h"

namespace wws::http {

using namespace std::chrono_literals;

// What the deferred test paths did, for the tests to check (guarded by `mu`).
struct PoolLog {
  std::mutex mu;
  std::vector<std::string> finished;  // query strings of /deferred-lane runs, in the order they ended
  int runs_started = 0;               // /deferred-until-cancelled runs that began
  int runs_cancelled = 0;             // ... that saw util::run_cancelled()
  std::atomic<int> slow_started{0};   // /slow requests whose handler began (a test waits for it, not a sleep)
};

class TestHandler : public Handler {
 public:
  explicit TestHandler(std::atomic<int>* created, std::vector<std::shared_ptr<RunLane>> lanes = {},
                       PoolLog* log = nullptr)
      : thread_(std::this_thread::get_id()), lanes_(std::move(lanes)), log_(log) {
    if (created) ++*created;
  }
  Handled handle(const Request& req, Response& res, bool may_defer) override {
    if (req.path.starts_with("/deferred")) {
      // Deferred from an I/O thread; answered on a run-pool thread. /deferred-lane?<n>:<tag>
      // waits in lanes[n] and takes 300 ms.
      if (may_defer) {
        if (req.path == "/deferred-lane") res.lane = lanes_.at(std::stoul(req.query));
        return Handled::Deferred;
      }
      if (req.path == "/deferred-slow") std::this_thread::sleep_for(1500ms);
      if (req.path == "/deferred-lane") {
        std::this_thread::sleep_for(300ms);
        std::lock_guard lock(log_->mu);
        log_->finished.push_back(req.query);
      }
      if (req.path == "/deferred-until-cancelled") {  // a runaway guest the watchdog stops
        {
          std::lock_guard lock(log_->mu);
          ++log_->runs_started;
        }
        const auto until = std::chrono::steady_clock::now() + 10s;
        while (!util::run_cancelled() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
        if (util::run_cancelled()) {
          std::lock_guard lock(log_->mu);
          ++log_->runs_cancelled;
          res.status = 504;
        }
      }
      res.body = "answered on the pool";
    } else if (req.path == "/hello") {
      res.headers.emplace_back("Content-Type", "text/plain");
      res.body = "Hello";
    } else if (req.path == "/echo") {
      res.headers.emplace_back("X-Method", req.method);
      res.headers.emplace_back("X-Query", req.query);
      res.headers.emplace_back("X-Agent", std::string(req.header("user-agent")));
      res.body = req.body;
    } else if (req.path == "/cookies") {
      res.headers.emplace_back("Set-Cookie", "a=1; Path=/");
      res.headers.emplace_back("Set-Cookie", "b=2; Path=/");
    } else if (req.path == "/inject") {
      res.headers.emplace_back("X-Bad", "a\r\nInjected: yes");
      res.headers.emplace_back("X-Good", "ok");
    } else if (req.path == "/throw") {
      throw std::runtime_error("boom");
    } else if (req.path == "/slow") {
      if (log_) ++log_->slow_started;
      std::this_thread::sleep_for(400ms);
      res.body = "slow done";
    } else if (req.path == "/thread") {
      res.body = std::this_thread::get_id() == thread_ ? "same" : "different";
    } else {
      res.status = 404;
    }
    return Handled::Done;
  }

 private:
  std::thread::id thread_;
  std::vector<std::shared_ptr<RunLane>> lanes_;
  PoolLog* log_;
};

class RunningServer {
 public:
  explicit RunningServer(ServerOptions options = {}, std::vector<std::shared_ptr<RunLane>> lanes = {}) : lanes_(lanes) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ =
        std::make_unique<Server>(options, [this] { return std::make_unique<TestHandler>(&created, lanes_, &log); });
    server_->listen();
    thread_ = std::thread([this] {
      server_->run();
      finished = true;
    });
  }
  ~RunningServer() { stop(); }
  void stop() {
    if (!thread_.joinable()) return;
    server_->stop();
    thread_.join();
  }
  uint16_t port() const { return server_->port(); }
  Server& server() { return *server_; }

  std::atomic<int> created{0};
  std::atomic<bool> finished{false};
  PoolLog log;

 private:
  std::vector<std::shared_ptr<RunLane>> lanes_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

struct RawResponse {
  int status = 0;
  std::string status_line;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (Response::strcase_equal(k, name)) return v;
    return {};
  }
  size_t count(std::string_view name) const {
    size_t n = 0;
    for (const auto& [k, v] : headers) n += Response::strcase_equal(k, name);
    return n;
  }
};

class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  int fd() const { return fd_; }

  // False when the connection failed (e.g. the server reset it) before all of `data` was sent.
  bool send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one response; a HEAD answer has no body whatever Content-Length says.
  std::optional<RawResponse> read_response(bool head_request = false) {
    size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return std::nullopt;
    RawResponse r;
    const std::string head = pending_.substr(0, end);
    pending_.erase(0, end + 4);
    size_t line_end = head.find("\r\n");
    r.status_line = head.substr(0, line_end);
    r.status = std::stoi(r.status_line.substr(9, 3));
    while (line_end != std::string::npos) {
      const size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const size_t colon = line.find(": ");
      r.headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    }
    const std::string length = r.header("Content-Length");
    const size_t n = head_request || length.empty() ? 0 : std::stoul(length);
    while (pending_.size() < n)
      if (!fill()) return std::nullopt;
    r.body = pending_.substr(0, n);
    pending_.erase(0, n);
    return r;
  }

  std::string read_exact(size_t n) {
    while (pending_.size() < n)
      if (!fill()) break;
    std::string out = pending_.substr(0, n);
    pending_.erase(0, out.size());
    return out;
  }

  // True when the server closed the connection (EOF or reset) before the receive timeout.
  bool closed_by_peer() {
    if (!pending_.empty()) return false;
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, 0);
    if (n > 0) pending_.push_back(c);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

 private:
  bool fill() {
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

// Waits for a condition instead of sleeping for a guessed time, so a loaded machine only makes a
// test slower: true as soon as `done()` holds, false if it still does not after `limit` (a hang).
template <class Condition>
bool eventually(Condition done, std::chrono::milliseconds limit = 20s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

// True when the client has something to read (or the peer closed) right now.
inline bool readable_now(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

}  // namespace wws::http
