#include "cli/app.h"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/admin_setup.h"
#include "cli/kv_command.h"
#include "cli/options.h"
#include "cli/project_source.h"
#include "cli/runtimes_command.h"
#include "engine/code_cache.h"
#include "engine/engines.h"
#include "engine/v8/v8_engine.h"
#include "engine/wasmtime/wasmtime_engine.h"
#include "http/server.h"
#include "kv/service.h"
#include "logs/request_log.h"
#include "logs/setup.h"
#include "site/reloader.h"
#include "site/watcher.h"
#include "worker/dispatcher.h"
#include "worker/http_binding.h"
#include "worker/kv_binding.h"

namespace wws::cli {
namespace {

// Continuation lines of a multi-line message, indented under its first line.
std::string indent(std::string_view text, std::string_view by) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += by;
  }
  return out;
}

void print_routes(const worker::Site& site, const std::string& base_url) {
  for (const auto& route : site.router.routes()) {
    const worker::Worker& w = *site.workers[route.target];
    logs::say(fmt::format("    - {}{}\n      => {}\n", base_url, route.path, w.relative.string()));
    if (!w.unavailable.empty())
      logs::say(fmt::format("      ❌ not available: {}\n", indent(w.unavailable, "         ")));
  }
}

// SIGINT/SIGTERM (stop), SIGHUP (reload) and SIGUSR2 (wws's own wake-up call) are blocked in
// every thread and taken by one thread with sigwait, so they run as ordinary code rather than
// inside a signal handler.
sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGUSR2);
  return set;
}

// The first free port after `busy`, to suggest one that works now.
std::optional<uint16_t> free_port_after(const std::string& host, uint16_t busy) {
  for (uint32_t port = uint32_t(busy) + 1; port <= 65535 && port < uint32_t(busy) + 100; ++port) {
    http::ServerOptions probe;
    probe.host = host;
    probe.port = static_cast<uint16_t>(port);
    try {
      http::Server(probe, [] { return std::unique_ptr<http::Handler>(); }).listen();
      return static_cast<uint16_t>(port);
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

void explain_listen_failure(const Options& options, const std::string& what) {
  logs::complain(fmt::format("❌ Cannot listen on {}:{}: {}\n", options.host, options.port, what));
  if (what.find("in use") == std::string::npos) return;
  auto free = free_port_after(options.host, options.port);
  logs::complain(
      fmt::format("   Another program (perhaps another wws) is using port {}. Stop it, or serve on another port: {}\n",
                  options.port,
                  free ? fmt::format("--port {} (free now), or --port 0 for any free one", *free)
                       : std::string("--port 0 picks a free one")));
}

// On SIGTERM in-flight requests get to finish: the grace outlasts the longest time limit in
// force, so a run still going gets its own 504 rather than a cut connection.
std::chrono::seconds shutdown_grace(const worker::Site& site) {
  std::chrono::milliseconds longest{0};
  for (const auto& w : site.workers) longest = std::max(longest, w->timeout);
  return std::max(std::chrono::seconds(30), std::chrono::ceil<std::chrono::seconds>(longest) + std::chrono::seconds(5));
}

// Runs on its own thread until the server has stopped (SIGUSR2): SIGHUP reloads, the first
// SIGINT or SIGTERM stops the server gracefully, a second SIGINT stops the process at once.
void take_signals(const sigset_t& signals, site::Watcher& watcher, http::Server& server, site::Reloader& reloader,
                  logs::LineSink& request_lines) {
  bool stopping = false;
  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0 || sig == SIGUSR2) return;  // SIGUSR2: the server has stopped
    if (sig == SIGHUP) {
      watcher.request_reload();
      continue;
    }
    if (stopping && sig == SIGINT) {
      // A second Ctrl-C: the user does not want to wait for the requests still running.
      // (A repeated SIGTERM, as process managers send, keeps the graceful stop going.)
      logs::complain(fmt::format("\nReceived {} again, stopping now (in-flight requests are cut)\n", strsignal(sig)));
      std::fflush(stdout);
      request_lines.flush();
      std::_Exit(128 + sig);
    }
    if (stopping) continue;
    stopping = true;
    spdlog::info("Received {}, finishing in-flight requests (press Ctrl-C again to stop at once)", strsignal(sig));
    server.stop(shutdown_grace(*reloader.current()));
  }
}

// The configured K/V backend opens now if a worker has a namespace (a problem with it stops
// start-up, naming the file or server: null, after saying why); otherwise on first use, so a
// project without K/V creates no .wws/ folder but a worker a reload adds still gets the store.
std::unique_ptr<kv::Store> open_kv_store(const Options& options, const std::filesystem::path& root,
                                         const worker::Site& site) {
  const bool uses_kv = std::any_of(site.workers.begin(), site.workers.end(),
                                   [](const auto& w) { return w->config.kv_namespace.has_value(); });
  if (!uses_kv) return kv::open_store_lazily(options.kv, root);
  std::string kv_error;
  auto store = kv::open_store(options.kv, root, &kv_error);
  if (!store) {
    fmt::print(stderr, "❌ {}\n", kv_error);
    return nullptr;
  }
  fmt::print("🗄️  K/V store: {}\n", store->describe());
  return store;
}

std::filesystem::path cache_dir(const Options& options) {
  if (options.no_cache) return {};
  return options.cache_dir.empty() ? engine::default_cache_dir() : std::filesystem::path(options.cache_dir);
}

// `threads`: every thread that may run a request (I/O threads plus the run pool).
engine::EngineSet make_engines(const Options& options, unsigned threads) {
  engine::WasmtimeSettings wasmtime;
  wasmtime.cache_dir = cache_dir(options);
  // One instance per running request, with room for warm slots.
  wasmtime.max_instances = std::max(64u, 4 * threads);
  engine::EngineSet engines;
  engines.wasmtime = engine::make_wasmtime_engine(wasmtime);
  engines.v8 = engine::make_v8_engine();
  engines.default_wasm = engines.find(options.engine);
  return engines;
}

// `wws compile`: every .wasm worker compiled (into the cache) as start-up would; 1 if any failed.
int compile_project(const worker::Site& site, const std::filesystem::path& cache_dir) {
  int failed = 0, compiled = 0;
  for (const auto& worker : site.workers) {
    const worker::Worker& w = *worker;
    if (w.kind != worker::WorkerKind::Wasm) continue;
    if (!w.unavailable.empty()) {
      fmt::print(stderr, "❌ {}: {}\n", w.relative.string(), w.unavailable);
      failed++;
    } else {
      fmt::print("✅ {} ({})\n", w.relative.string(), w.engine->name());
      compiled++;
    }
  }
  fmt::print("{} compiled, {} failed; cache: {}\n", compiled, failed,
             cache_dir.empty() ? "(none)" : cache_dir.string());
  return failed ? 1 : 0;
}

}  // namespace

int run_app(int argc, char** argv) {
  int exit_code = 0;
  auto options = parse_options(argc, argv, exit_code);
  if (!options) return exit_code;

  const auto log_format = *logs::parse_format(options->log_format);  // CLI11 checked both
  const auto log_level = *logs::parse_level(options->log_level);
  logs::configure(log_format, log_level);
  if (options->runtimes) return run_runtimes_command(options->path, *options->runtimes);
  if (options->kv_command) return run_kv_command(options->path, options->kv, *options->kv_command);
  sigset_t signals = handled_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by every thread started from here

  logs::say(fmt::format("⚙️  Preparing the project from: {}\n", options->path));
  worker::register_http_binding();
  worker::register_kv_binding();
  const unsigned io_threads = options->threads ? options->threads : std::max(1u, std::thread::hardware_concurrency());
  // Slow or runaway workers run here, not on the I/O threads; each worker gets at most half.
  const unsigned pool_threads = std::max(4u, 2 * io_threads);
  engine::EngineSet engines = make_engines(*options, io_threads + pool_threads);
  std::string source_error;
  auto root = prepare_project_root(*options, &source_error);
  if (!root) {
    logs::complain(fmt::format("❌ {}\n", source_error));
    return 1;
  }
  site::LoadOptions load;
  load.root = *root;
  if (options->install_runtimes && !install_missing_runtimes(*engines.default_wasm, *root)) return 1;
  load.prefix = options->prefix;
  load.ignore = options->ignore;
  load.default_timeout = options->timeout;
  load.default_memory_bytes = options->memory_limit_mb << 20;
  load.lanes = worker::LaneDefaults::for_pool(pool_threads);
  logs::say(fmt::format("⚙️  Loading routes from: {}\n", root->string()));
  std::fflush(stdout);
  auto started = std::chrono::steady_clock::now();
  site::ReloadReport loaded;
  auto reloader = site::Reloader::start(engines, load, &loaded);
  if (!reloader) {
    logs::complain(fmt::format("❌ {}\n", loaded.fatal));
    return 1;
  }
  if (options->compile) return compile_project(*reloader->current(), cache_dir(*options));
  auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
  logs::say(fmt::format("⏳ Loading workers from {} routes...\n✅ Workers loaded in {:.1f}ms.\n",
                        reloader->current()->workers.size(), elapsed.count()));
  for (const auto& warning : loaded.warnings) spdlog::warn("{}", warning);
  for (const auto& problem : loaded.problems)
    spdlog::error("Worker {} ({}) will answer 503: {}", problem.route, problem.file, problem.message);

  std::unique_ptr<kv::Store> store = open_kv_store(*options, *root, *reloader->current());
  if (!store) return 1;
  kv::Service kv(std::move(store));
  http::ServerOptions server_options;
  server_options.host = options->host;
  server_options.port = options->port;
  server_options.threads = io_threads;
  server_options.max_pool_threads = pool_threads;
  server_options.max_body_bytes = options->max_body_mb << 20;

  worker::RunnerSettings settings;
  settings.cors = worker::Cors(options->cors);
  settings.dev = options->dev;
  // Request lines go through per-thread buffers to stdout; created before the server, gone after it.
  logs::LineSink request_lines(STDOUT_FILENO);
  logs::RequestLog request_log(log_format, log_level, engines.default_wasm->name(), request_lines);
  if (log_level <= logs::Level::Warn) settings.observers.push_back(&request_log);
  http::Server* main_server = nullptr;
  api::AdminSources admin_sources;
  admin_sources.site = [&] { return reloader->current(); };
  admin_sources.server_stats = [&] { return main_server ? main_server->stats() : http::ServerStats{}; };
  admin_sources.reload = [&] { return reload_outcome(reloader->reload()); };
  admin_sources.wasm_engine = engines.default_wasm->name();
  admin_sources.version = WWS_VERSION;
  auto admin = AdminSetup::create(*options, std::move(admin_sources));
  if (admin) admin->add_observers(settings);
  http::Server server(server_options, [&]() -> std::unique_ptr<http::Handler> {
    auto dispatcher = std::make_unique<worker::Dispatcher>(reloader->live(), kv, settings);
    return admin ? admin->wrap(std::move(dispatcher)) : std::move(dispatcher);
  });
  main_server = &server;
  try {
    server.listen();
  } catch (const std::exception& e) {
    explain_listen_failure(*options, e.what());
    return 1;
  }
  std::string authority = fmt::format("{}:{}", options->host, server.port());
  settings.listen_authority = authority;
  std::string base_url = "http://" + authority;
  print_routes(*reloader->current(), base_url);
  site::WatchOptions watch;
  watch.watch_files = options->watch;
  site::Watcher watcher(*reloader, watch);
  if (options->watch) logs::say(fmt::format("👀 Watching {} for changes (SIGHUP also reloads)\n", options->path));
  if (admin) {
    try {
      admin->listen(base_url);
    } catch (const std::exception& e) {
      logs::complain(fmt::format("❌ Cannot listen on {}:{} for the admin listener: {}\n", options->admin_host,
                                 *options->admin_port, e.what()));
      return 1;
    }
    admin->start();
  }
  logs::say(fmt::format("🚀 Start serving requests at {}\n\n", base_url));
  std::fflush(stdout);

  std::thread signal_thread([&] { take_signals(signals, watcher, server, *reloader, request_lines); });
  server.run();
  // run() also returns if the server stopped for another reason: wake the signal thread.
  pthread_kill(signal_thread.native_handle(), SIGUSR2);
  signal_thread.join();
  if (admin) admin->stop();
  spdlog::info("Stopped");
  return 0;
}

}  // namespace wws::cli
