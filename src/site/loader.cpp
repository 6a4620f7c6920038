#include "site/loader.h"

#include <sys/stat.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/module_info.h"
#include "js/runtime.h"
#include "js/script.h"
#include "preinit/go.h"
#include "project/discovery.h"
#include "site/runtime_workers.h"
#include "util/fast_hash.h"
#include "util/files.h"
#include "util/sha256.h"
#include "worker/kv_binding.h"
#include "worker/slots.h"

namespace wws::site {
namespace {

namespace fs = std::filesystem;

// A file whose mtime is this close to when it was read may be written again within the same
// timestamp tick of the file system (coarse clocks tick every few ms): its stat alone then
// cannot prove it unchanged, so its content is hashed again.
constexpr int64_t kTrustStatAfterNs = 100'000'000;

// Only compared within this process (to tell a changed file), so a fast non-cryptographic hash
// will do: XXH3 hashes a 20 MiB module in about a millisecond.
uint64_t hash_bytes(std::string_view bytes) { return util::fast_hash64(bytes); }

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Stats `path` (before its content is read, so a write racing with the read shows up as a
// changed stat next time).
FileStamp stat_file(const fs::path& path) {
  FileStamp s;
  s.path = path;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return s;
  s.exists = true;
  s.size = static_cast<uint64_t>(st.st_size);
  s.inode = st.st_ino;
  s.device = st.st_dev;
  s.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  s.ctime_ns = int64_t(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
  return s;
}

void set_content(FileStamp& s, std::string_view bytes) {
  s.hash = hash_bytes(bytes);
  s.read_at_ns = now_ns();
}

FileStamp stamp_file(const fs::path& path) {
  FileStamp s = stat_file(path);
  if (!s.exists) return s;
  auto bytes = util::read_file(path);
  if (!bytes) return s;  // hash 0: compares unequal to any file that could be read
  set_content(s, *bytes);
  return s;
}

// Whether `before` still describes the file: by its stat when that is conclusive, else by content.
bool unchanged(const FileStamp& before) {
  FileStamp now = stat_file(before.path);
  if (now.exists != before.exists) return false;
  if (!now.exists) return true;
  const bool same_stat = now.size == before.size && now.inode == before.inode && now.device == before.device &&
                         now.mtime_ns == before.mtime_ns && now.ctime_ns == before.ctime_ns;
  if (same_stat && before.read_at_ns - before.mtime_ns > kTrustStatAfterNs) return true;
  if (now.size != before.size) return false;
  auto bytes = util::read_file(before.path);
  return bytes && hash_bytes(*bytes) == before.hash;
}

bool all_unchanged(const std::vector<FileStamp>& inputs) {
  for (const auto& input : inputs)
    if (!unchanged(input)) return false;
  return true;
}

// Whether the (already validated) module imports anything from `module`.
bool imports_module(std::span<const uint8_t> wasm, std::string_view module) {
  std::string error;
  auto info = engine::inspect_module(wasm, &error);
  if (!info) return false;
  for (const auto& import : info->imports)
    if (import.module == module) return true;
  return false;
}

// What the worker's requests see (as runner.cpp sets it up), for a snapshot taken before them.
preinit::GoSetup go_setup(const worker::Worker& w) {
  preinit::GoSetup setup;
  setup.env = w.config.vars;
  for (const auto& folder : w.config.folders) setup.preopens.push_back({folder.from.string(), folder.to});
  setup.max_memory_bytes = w.memory_limit_bytes;
  setup.cache_dir = preinit::default_cache_dir();
  return setup;
}

// Compiles the worker's code; on failure sets `unavailable`. Records the files it read.
void load_code(const engine::EngineSet& engines, const fs::path& root, worker::Worker& w,
               std::vector<FileStamp>& inputs) {
  std::string error;
  if (w.kind == worker::WorkerKind::JavaScript) {
    FileStamp main = stat_file(w.file);
    auto script = js::load_script(w.file, root, &error);
    if (!script) {
      w.unavailable = error;
      inputs.push_back(stamp_file(w.file));
      return;
    }
    // The content load_script compiled, hashed exactly; the worker file first.
    for (size_t i = 0; i < script->files.size(); ++i) {
      const js::ScriptFile& f = script->files[i];
      FileStamp s = i == 0 ? main : stat_file(f.path);
      s.path = i == 0 ? w.file : f.path;
      set_content(s, f.source);
      inputs.push_back(std::move(s));
    }
    w.script = std::move(script);
    return;
  }
  FileStamp stamp = stat_file(w.file);
  auto bytes = util::read_file_bytes(w.file);
  if (!bytes) {
    w.unavailable = fmt::format("{}: cannot read the file", w.file.string());
    inputs.push_back(stamp);
    return;
  }
  set_content(stamp, bytes->text());
  inputs.push_back(std::move(stamp));
  auto view = bytes->bytes();
  // Components run on Wasmtime unless the worker's TOML insists on another engine.
  engine::Engine* engine = w.config.wasm_engine                             ? engines.find(*w.config.wasm_engine)
                           : engine::is_component(view) && engines.wasmtime ? engines.wasmtime.get()
                                                                            : engines.default_wasm;
  if (!engine) {
    w.unavailable = fmt::format("{}: the engine \"{}\" is not available in this wws", w.file.string(),
                                w.config.wasm_engine.value_or(""));
    return;
  }
  if (w.fuel && engine->name() != std::string_view("wasmtime")) {
    w.unavailable = fmt::format("{}: [limits] fuel needs the wasmtime engine (this worker runs on {})", w.file.string(),
                                engine->name());
    return;
  }
  w.engine = engine;
  engine::CompileOptions options{w.memory_limit_bytes, w.fuel != 0};
  // The capture runs once per snapshot, so the engine that starts running soonest takes it: V8's
  // baseline compiler readies a Go module in a fraction of a second where Wasmtime's optimising
  // one takes seconds (tens under load), and what the capture records does not depend on the engine.
  engine::Engine& capture_engine = engines.v8 ? *engines.v8 : *engine;
  auto preinitialised =
      preinit::preinitialised_module(capture_engine, view, go_setup(w), w.config.wasm_preinit, w.file.string());
  if (preinitialised) view = *preinitialised;
  w.module = engine->compile(view, options, &error);
  if (!w.module) w.unavailable = fmt::format("{}: {}", w.file.string(), error);
  else w.kv_by_key = imports_module(view, worker::kKvImportModule);
}

Built build_worker(const engine::EngineSet& engines, RuntimeWorkers& runtimes, const LoadOptions& options,
                   const fs::path& root, const fs::path& relative, const std::string& route) {
  auto w = std::make_shared<worker::Worker>();
  Built built;
  w->relative = relative;
  w->file = root / relative;
  w->route = route;
  w->id = util::sha256_hex(w->file.string());  // the original's id: sha256 of root.join(path)
  w->slot = worker::slot_for(w->id);
  w->kind = w->file.extension() == ".js" ? worker::WorkerKind::JavaScript : worker::WorkerKind::Wasm;
  const fs::path toml = config::config_path_for(w->file);
  built.inputs.push_back(stamp_file(toml));
  auto loaded = config::load_worker_config(w->file);
  w->config = std::move(loaded.config);
  w->config_warnings = std::move(loaded.warnings);
  w->name = w->config.name.value_or(w->route);
  w->timeout = w->config.limits.timeout.value_or(options.default_timeout);
  w->memory_limit_bytes = w->config.limits.memory_bytes.value_or(options.default_memory_bytes);
  worker::assign_lane(*w, options.lanes);
  w->fuel = w->config.limits.fuel.value_or(0);
  if (!loaded.error.empty()) {
    w->unavailable = loaded.error;
    built.inputs.push_back(stamp_file(w->file));
  } else if (runtimes.claims(w->file)) {
    built.inputs.push_back(stamp_file(w->file));
    runtimes.load(*w);
  } else {
    load_code(engines, root, *w, built.inputs);
  }
  built.worker = std::move(w);
  return built;
}

// --ignore globs are matched against paths relative to the project folder: "./drafts/",
// "drafts/" and "<root>/drafts" all mean "drafts".
std::vector<std::string> normalise_ignore_globs(const fs::path& root, const std::vector<std::string>& globs) {
  std::vector<std::string> out;
  const std::string prefix = root.generic_string() + "/";
  for (std::string glob : globs) {
    if (glob.starts_with(prefix)) glob.erase(0, prefix.size());
    while (glob.starts_with("./")) glob.erase(0, 2);
    while (glob.size() > 1 && glob.ends_with('/')) glob.pop_back();
    out.push_back(std::move(glob));
  }
  return out;
}

// Warns of each --ignore glob that matches nothing.
void warn_unmatched_ignores(const LoadOptions& options, const fs::path& root, const std::vector<std::string>& ignore,
                            const std::vector<size_t>& hits, ReloadReport& report) {
  for (size_t i = 0; i < ignore.size(); ++i)
    if (hits[i] == 0 && !ignore[i].empty())
      report.warnings.push_back(fmt::format(
          "--ignore \"{}\" matches no worker file or folder in {}, so it changes nothing; globs match paths "
          "relative to the project folder, e.g. --ignore \"drafts/**\" or --ignore \"**/*.test.js\"",
          options.ignore[i], root.string()));
}

// The worker at `file` (relative to the root) in the new site, counted in the report as
// unchanged, changed or added: the previous load's when its files are unchanged, else built again.
Built reload_worker(const engine::EngineSet& engines, RuntimeWorkers& runtimes, const LoadOptions& options,
                    const fs::path& root, const fs::path& file, const std::string& route, const BuiltWorkers& previous,
                    ReloadReport& report) {
  const std::string relative = file.generic_string();
  WorkerRef ref{route, relative};
  auto old = previous.find(relative);
  const Built* before = old != previous.end() && old->second.worker->route == route ? &old->second : nullptr;
  if (before && before->worker->unavailable.empty() && all_unchanged(before->inputs)) {
    ++report.unchanged;
    return *before;
  }
  // A worker whose last load failed is retried even when its files look the same: what it
  // lacked (an imported module, a readable file) may have appeared.
  Built built = build_worker(engines, runtimes, options, root, file, route);
  const std::string& failure = built.worker->unavailable;
  const worker::Worker* last_good = before && before->worker->code() ? before->worker.get() : nullptr;
  if (before && !before->worker->unavailable.empty() && failure == before->worker->unavailable) {
    ++report.unchanged;
    return *before;  // still failing, for the same reason
  }
  if (!failure.empty() && last_good) {
    // Keep serving what worked; note why the new files were refused.
    auto kept = std::make_shared<worker::Worker>(*last_good);
    kept->reload_error = failure;
    built.worker = std::move(kept);
  }
  (old != previous.end() ? report.changed : report.added).push_back(ref);
  for (const auto& warning : built.worker->config_warnings) report.warnings.push_back(warning);
  return built;
}

}  // namespace

LoadResult load_site(const engine::EngineSet& engines, const LoadOptions& options, const BuiltWorkers& previous,
                     uint64_t generation) {
  auto started = std::chrono::steady_clock::now();
  LoadResult result;
  ReloadReport& report = result.report;
  auto finish = [&]() -> LoadResult {
    report.took = std::chrono::steady_clock::now() - started;
    report.finished = std::chrono::system_clock::now();
    return std::move(result);
  };

  std::error_code ec;
  auto root = fs::canonical(options.root, ec);
  if (ec || !fs::is_directory(root)) {
    report.fatal = fmt::format("{}: not a folder; give wws the path of a project folder", options.root.string());
    return finish();
  }
  RuntimeWorkers runtimes(*engines.default_wasm, root);
  std::vector<std::string> extensions{"wasm", "js"};
  for (const auto& ext : runtimes.extensions()) extensions.push_back(ext);
  std::vector<std::string> ignore = normalise_ignore_globs(root, options.ignore);
  std::vector<size_t> ignore_hits;
  auto files = project::discover_workers(root, ignore, extensions, &ignore_hits);
  if (previous.empty()) {  // said once, at start-up
    warn_unmatched_ignores(options, root, ignore, ignore_hits, report);
    runtimes.report(project::discover_workers(root, ignore, runtimes.unclaimed_extensions()));
  }

  std::vector<router::Router::Input> inputs;
  for (size_t i = 0; i < files.size(); ++i) inputs.push_back({files[i], i});
  auto router = router::Router::build(inputs, options.prefix, &report.fatal);
  if (!router) return finish();

  std::string prefix = router->prefix();
  auto site = std::make_shared<worker::Site>(
      worker::Site{{}, std::move(*router), http::StaticFiles(root / "public", prefix), generation});
  std::vector<std::string> routes(files.size());
  for (const auto& route : site->router.routes()) routes[route.target] = route.path;

  site->workers.resize(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string relative = files[i].generic_string();
    Built built = reload_worker(engines, runtimes, options, root, files[i], routes[i], previous, report);
    const worker::Worker& w = *built.worker;
    if (!w.unavailable.empty()) report.problems.push_back({routes[i], relative, w.unavailable, false});
    if (!w.reload_error.empty()) report.problems.push_back({routes[i], relative, w.reload_error, true});
    site->workers[i] = built.worker;
    result.built.emplace(relative, std::move(built));
  }
  for (const auto& [relative, built] : previous)
    if (!result.built.count(relative)) report.removed.push_back({built.worker->route, relative});

  report.generation = generation;
  report.applied = true;
  result.site = std::move(site);
  return finish();
}

}  // namespace wws::site
