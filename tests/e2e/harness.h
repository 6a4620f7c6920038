// tests/e2e: end-to-end tests of the real wws binary with real wasm workers over loopback HTTP.
// harness.h owns the plumbing: temp project folders, starting/stopping wws, and an HTTP client.
#pragma once
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <sys/types.h>

#include <gtest/gtest.h>

namespace e2e {

namespace fs = std::filesystem;

// A project folder in a fresh temp directory, removed when the object dies.
class Project {
 public:
  Project();
  ~Project();
  Project(const Project&) = delete;
  Project& operator=(const Project&) = delete;

  const fs::path& root() const { return root_; }
  fs::path path(const std::string& relative) const { return root_ / relative; }

  // Copies the built test worker <stem>.wasm to <relative> (e.g. "users/[id].wasm").
  Project& worker(const std::string& relative, const std::string& stem);
  // Copies the built test component <stem>.wasm (tests/e2e/components) to <relative>.
  Project& component(const std::string& relative, const std::string& stem);
  // Writes a file (parent folders are created).
  Project& file(const std::string& relative, std::string_view content);
  // Creates a symlink at <relative> pointing to <target> (as given, relative or absolute).
  Project& symlink(const std::string& relative, const fs::path& target);
  // Copies tests/e2e/projects/<name>/ into the project root.
  Project& fixture(const std::string& name);
  // The PATH wws is started with: the root, unless set to something else (a git URL).
  Project& serve_path(std::string path) {
    serve_path_ = std::move(path);
    return *this;
  }
  std::string serve_path() const { return serve_path_.empty() ? root_.string() : serve_path_; }

 private:
  fs::path root_;
  std::string serve_path_;
};

struct Response {
  long status = 0;                                           // 0 = no HTTP answer (see error)
  std::vector<std::pair<std::string, std::string>> headers;  // in order, repeats kept, names as sent
  std::string body;
  std::string error;   // curl's message when the request failed
  double seconds = 0;  // total time of the exchange

  // Values of every header with this name (case-insensitive).
  std::vector<std::string> all(std::string_view name) const;
  // The first value, or "" when absent.
  std::string header(std::string_view name) const;
  bool has(std::string_view name) const { return !all(name).empty(); }
};

struct Request {
  std::string method = "GET";
  std::string target = "/";  // path and query, sent as is (no normalisation)
  std::string body;
  bool send_body = false;            // true also for an empty body
  std::vector<std::string> headers;  // "Name: value" lines
  long timeout_ms = 15000;
};

Response http(const std::string& base_url, const Request& request);

// The real wws binary serving a project on a free loopback port.
class Server {
 public:
  struct Output;  // captured stdout/stderr, shared with the reader threads
  // Starts `wws <root> --host 127.0.0.1 --port P <args...>` and waits (150 s) for
  // "Start serving requests". Throws std::runtime_error with the output when it does not come.
  // `env` entries ("NAME=value") are added to the server's environment.
  Server(const Project& project, std::vector<std::string> args = {}, std::vector<std::string> env = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const { return port_; }
  std::string base_url() const;

  Response get(const std::string& target, std::vector<std::string> headers = {}) const;
  Response request(Request r) const { return http(base_url(), r); }

  std::string out() const;  // stdout so far
  std::string err() const;  // stderr so far
  std::string log() const { return out() + err(); }
  // Waits until the combined output contains `needle`.
  bool wait_for(std::string_view needle, std::chrono::milliseconds timeout) const;

  // SIGTERM, then waits up to 20 s. Returns the exit code, 128+signal when killed by a signal, or
  // -1 when it had to be SIGKILLed after the wait.
  int stop();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

 private:
  bool start_once(const Project& project, const std::vector<std::string>& args, const std::vector<std::string>& env);

  pid_t pid_ = -1;
  int port_ = 0;
  std::shared_ptr<Output> output_;
  std::vector<std::thread> readers_;
};

// Runs wws to completion (for start-up failures, -V, -h). Kills it after `timeout`.
struct RunResult {
  int exit_code = -1;  // as in Server::stop()
  std::string out;
  std::string err;
};
RunResult run_wws(std::vector<std::string> args, std::chrono::milliseconds timeout = std::chrono::seconds(20),
                  std::vector<std::string> env = {});

// A TCP port that was free a moment ago on 127.0.0.1.
int free_port();

// The wasm engine this run of the suite serves .wasm workers with ("wasmtime" or "v8").
std::string e2e_engine();

// Reads a whole file as bytes.
std::string read_file(const fs::path& path);

// One project and server shared by all tests of a fixture (a wws start per test adds up).
// CRTP: Derived provides `static void build(Project&)` and `static std::vector<std::string> args()`.
template <class Derived>
class SharedServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      project_ = std::make_unique<Project>();
      Derived::build(*project_);
      server_ = std::make_unique<Server>(*project_, Derived::args());
    } catch (const std::exception& e) {
      start_error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    server_.reset();
    project_.reset();
  }
  void SetUp() override {
    if (!server_) GTEST_FAIL() << "the shared server did not start: " << start_error_;
  }
  static inline std::unique_ptr<Project> project_;
  static inline std::unique_ptr<Server> server_;
  static inline std::string start_error_;
};

}  // namespace e2e
