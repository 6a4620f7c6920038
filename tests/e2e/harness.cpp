// The e2e plumbing: temp projects, the wws child process (with its output captured), and libcurl.
#include "harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <curl/curl.h>

namespace e2e {

// ---------------------------------------------------------------- project folders

Project::Project() {
  std::string pattern = (fs::temp_directory_path() / "wws-e2e-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  // canonical: the server may print or compare canonical paths (e.g. /tmp is a symlink elsewhere).
  root_ = fs::canonical(pattern);
}

Project::~Project() {
  std::error_code ec;
  fs::remove_all(root_, ec);
}

Project& Project::worker(const std::string& relative, const std::string& stem) {
  fs::path source = fs::path(WWS_TEST_WORKERS) / (stem + ".wasm");
  if (!fs::exists(source)) throw std::runtime_error("test worker not built: " + source.string());
  fs::create_directories(path(relative).parent_path());
  fs::copy_file(source, path(relative), fs::copy_options::overwrite_existing);
  return *this;
}

Project& Project::component(const std::string& relative, const std::string& stem) {
  fs::path source = fs::path(WWS_TEST_COMPONENTS) / (stem + ".wasm");
  if (!fs::exists(source)) throw std::runtime_error("test component not built: " + source.string());
  fs::create_directories(path(relative).parent_path());
  fs::copy_file(source, path(relative), fs::copy_options::overwrite_existing);
  return *this;
}

Project& Project::file(const std::string& relative, std::string_view content) {
  fs::create_directories(path(relative).parent_path());
  std::ofstream out(path(relative), std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + path(relative).string());
  return *this;
}

Project& Project::symlink(const std::string& relative, const fs::path& target) {
  fs::create_directories(path(relative).parent_path());
  fs::create_symlink(target, path(relative));
  return *this;
}

Project& Project::fixture(const std::string& name) {
  fs::path source = fs::path(WWS_E2E_SOURCE) / "projects" / name;
  fs::copy(source, root_, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  return *this;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// ---------------------------------------------------------------- child processes

struct Server::Output {
  mutable std::mutex mutex;
  std::condition_variable changed;
  std::string out, err;
};

namespace {

int free_port_impl() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  if (port == 0) throw std::runtime_error("cannot find a free port");
  return port;
}

// The wws under test: this build's, or WWS_E2E_BINARY (make test-asan runs the suite against the
// ASan build's wws without building the suite and its workers a second time).
const char* wws_binary() {
  const char* b = std::getenv("WWS_E2E_BINARY");
  return b && *b ? b : WWS_BINARY;
}

// Starts the wws under test with args and extra env; its stdout/stderr go into `output` through reader threads.
pid_t spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
            std::shared_ptr<Server::Output> output, std::vector<std::thread>& readers) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> argv_storage{wws_binary()};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The environment is built before fork: only async-signal-safe calls are allowed in the child.
  std::vector<std::string> env_storage(env.begin(), env.end());  // first, so they win over inherited ones
  for (char** e = environ; e && *e; ++e) env_storage.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  auto reader = [output](int fd, bool is_err) {
    char chunk[8192];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR)) {
      if (n <= 0) continue;
      std::lock_guard lock(output->mutex);
      (is_err ? output->err : output->out).append(chunk, static_cast<size_t>(n));
      output->changed.notify_all();
    }
    close(fd);
  };
  readers.emplace_back(reader, out_pipe[0], false);
  readers.emplace_back(reader, err_pipe[0], true);
  return pid;
}

// Waits for the child up to `timeout`; returns the exit code as documented in Server::stop, or
// nullopt-like -2 when it is still running.
int wait_child(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return -1;
    }
    if (std::chrono::steady_clock::now() >= deadline) return -2;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int kill_and_reap(pid_t pid) {
  kill(pid, SIGKILL);
  wait_child(pid, std::chrono::seconds(10));
  return -1;
}

void join_all(std::vector<std::thread>& threads) {
  for (auto& t : threads)
    if (t.joinable()) t.join();
  threads.clear();
}

// The suite runs once per wasm engine (ctest's e2e_wasmtime and e2e_v8): WWS_E2E_ENGINE names
// the engine every server of the run uses. All of them share one compiled-code cache:
// WWS_E2E_CACHE_DIR (ctest gives one in the build folder, so the 13 MB test component compiles
// once per build, not once per run), else a temporary folder removed at the end.
class EngineArgs {
 public:
  EngineArgs() {
    if (const char* e = std::getenv("WWS_E2E_ENGINE"); e && *e) engine_ = e;
    if (const char* c = std::getenv("WWS_E2E_CACHE_DIR"); c && *c) {
      cache_ = c;
      return;
    }
    char tmpl[] = "/tmp/wws-e2e-cache-XXXXXX";
    if (mkdtemp(tmpl)) cache_ = temporary_ = tmpl;
  }
  ~EngineArgs() {
    std::error_code ec;
    if (!temporary_.empty()) fs::remove_all(temporary_, ec);
  }
  void add_to(std::vector<std::string>& args) const {
    auto has = [&](std::string_view flag) { return std::find(args.begin(), args.end(), flag) != args.end(); };
    if (!engine_.empty() && !has("--engine")) args.insert(args.end(), {"--engine", engine_});
    if (!cache_.empty() && !has("--cache-dir") && !has("--no-cache")) args.insert(args.end(), {"--cache-dir", cache_});
  }

 private:
  std::string engine_;
  std::string cache_;
  std::string temporary_;
};

const EngineArgs& engine_args() {
  static EngineArgs args;
  return args;
}

}  // namespace

std::string e2e_engine() {
  const char* e = std::getenv("WWS_E2E_ENGINE");
  return e && *e ? e : "wasmtime";
}

int free_port() { return free_port_impl(); }

Server::Server(const Project& project, std::vector<std::string> args, std::vector<std::string> env) {
  // A port picked free can be taken again before wws binds it: retry a few times.
  for (int attempt = 0; attempt < 4; ++attempt) {
    if (start_once(project, args, env)) return;
    std::string text = log();
    bool port_clash = text.find("in use") != std::string::npos || text.find("EADDRINUSE") != std::string::npos;
    if (!port_clash || attempt == 3) {
      throw std::runtime_error("wws did not start serving. Output:\n" + text);
    }
  }
}

bool Server::start_once(const Project& project, const std::vector<std::string>& args,
                        const std::vector<std::string>& env) {
  join_all(readers_);
  output_ = std::make_shared<Output>();
  port_ = free_port();
  std::vector<std::string> full{project.serve_path(), "--host", "127.0.0.1", "--port", std::to_string(port_)};
  full.insert(full.end(), args.begin(), args.end());
  engine_args().add_to(full);
  pid_ = spawn(full, env, output_, readers_);

  // Generous: start-up compiles every module (Go's are several megabytes, the test component
  // 13 MB, the Python and Ruby interpreters tens of MB) on a busy machine: with a cold code
  // cache at load average 30 on 2 cores, the interpreters alone took over 150 s. A start that
  // fails still fails at once (wws exits).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(600);
  while (std::chrono::steady_clock::now() < deadline) {
    if (wait_for("Start serving requests", std::chrono::milliseconds(50))) return true;
    int code = wait_child(pid_, std::chrono::milliseconds(0));
    if (code != -2) {  // exited before serving
      pid_ = -1;
      join_all(readers_);
      return false;
    }
  }
  kill_and_reap(pid_);
  pid_ = -1;
  join_all(readers_);
  return false;
}

Server::~Server() {
  if (pid_ > 0) kill_and_reap(pid_);
  join_all(readers_);
}

std::string Server::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

Response Server::get(const std::string& target, std::vector<std::string> headers) const {
  Request r;
  r.target = target;
  r.headers = std::move(headers);
  return http(base_url(), r);
}

std::string Server::out() const {
  std::lock_guard lock(output_->mutex);
  return output_->out;
}

std::string Server::err() const {
  std::lock_guard lock(output_->mutex);
  return output_->err;
}

bool Server::wait_for(std::string_view needle, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(output_->mutex);
  return output_->changed.wait_for(lock, timeout, [&] {
    return output_->out.find(needle) != std::string::npos || output_->err.find(needle) != std::string::npos;
  });
}

int Server::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int code = wait_child(pid_, std::chrono::seconds(20));
  if (code == -2) code = kill_and_reap(pid_);
  pid_ = -1;
  join_all(readers_);
  return code;
}

RunResult run_wws(std::vector<std::string> args, std::chrono::milliseconds timeout, std::vector<std::string> env) {
  auto output = std::make_shared<Server::Output>();
  std::vector<std::thread> readers;
  pid_t pid = spawn(args, env, output, readers);
  RunResult result;
  result.exit_code = wait_child(pid, timeout);
  if (result.exit_code == -2) result.exit_code = kill_and_reap(pid);
  join_all(readers);
  result.out = output->out;
  result.err = output->err;
  return result;
}

// ---------------------------------------------------------------- HTTP client

namespace {

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
};
CurlGlobal curl_global;

size_t on_body(char* data, size_t size, size_t count, void* user) {
  static_cast<Response*>(user)->body.append(data, size * count);
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<Response*>(user);
  std::string line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (line.rfind("HTTP/", 0) == 0) {
    response->headers.clear();  // a new status line (e.g. after 100 Continue) starts over
  } else if (auto colon = line.find(':'); colon != std::string::npos) {
    std::string value = line.substr(colon + 1);
    size_t start = value.find_first_not_of(" \t");
    value = start == std::string::npos ? "" : value.substr(start);
    response->headers.emplace_back(line.substr(0, colon), value);
  }
  return size * count;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace

std::vector<std::string> Response::all(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [n, v] : headers)
    if (iequals(n, name)) values.push_back(v);
  return values;
}

std::string Response::header(std::string_view name) const {
  auto values = all(name);
  return values.empty() ? "" : values.front();
}

Response http(const std::string& base_url, const Request& request) {
  Response response;
  CURL* curl = curl_easy_init();
  std::string url = base_url + request.target;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET" || request.send_body) {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (request.send_body || !request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip for large bodies
  for (const auto& h : request.headers) headers = curl_slist_append(headers, h.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  CURLcode rc = curl_easy_perform(curl);
  // Also on error: a server may answer (e.g. 413) and close before reading the whole upload.
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  if (rc != CURLE_OK) response.error = curl_easy_strerror(rc);
  curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME, &response.seconds);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return response;
}

}  // namespace e2e
