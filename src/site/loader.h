// site/: the project folder as the server sees it. The loader turns the folder into a
// worker::Site: discover worker files, route them, read each worker's TOML and compile its
// code. Given what the previous load built, it rebuilds only workers whose files changed (hot
// reload, reloader.h). Per-worker problems never stop a load: a new worker that does not load
// answers 503 with the reason; a changed one keeps its last good version. Only problems of the
// whole project (missing folder, conflicting routes) are fatal.
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/engines.h"
#include "worker/lane.h"
#include "worker/site.h"

namespace wws::site {

struct LoadOptions {
  std::filesystem::path root;
  std::string prefix;
  std::vector<std::string> ignore;
  std::chrono::milliseconds default_timeout{30'000};
  uint64_t default_memory_bytes = 128ull << 20;
  worker::LaneDefaults lanes;  // per-worker run-pool limits when the TOML sets none
};

// One file a worker was built from, as it was when it was read.
struct FileStamp {
  std::filesystem::path path;
  bool exists = false;
  uint64_t size = 0, inode = 0, device = 0;
  int64_t mtime_ns = 0, ctime_ns = 0;
  int64_t read_at_ns = 0;  // when the content was hashed (wall clock)
  uint64_t hash = 0;       // of the content
};

// A worker and what it was built from: its file, its TOML (present or not) and, for JS, every
// local module it imports.
struct Built {
  std::shared_ptr<const worker::Worker> worker;
  std::vector<FileStamp> inputs;
};
using BuiltWorkers = std::map<std::string, Built>;  // by the worker file's path relative to the root

struct WorkerRef {
  std::string route;
  std::string file;  // relative to the project root
};

struct WorkerProblem {
  std::string route;
  std::string file;
  std::string message;
  bool kept_previous = false;  // the worker keeps serving the version it had before
};

// What a load or reload did. At start-up every worker is "added".
struct ReloadReport {
  uint64_t generation = 0;  // of the Site serving afterwards
  bool applied = false;     // false: nothing changed, or a fatal error kept the previous Site
  std::string fatal;        // non-empty: the project as a whole cannot be served (see the message)
  std::vector<WorkerRef> added, changed, removed;
  size_t unchanged = 0;
  std::vector<WorkerProblem> problems;  // workers that do not load (503) or kept their previous version
  // Mistakes that do not stop anything: TOML warnings of the workers (re)built by this load and,
  // at start-up, --ignore globs that match nothing.
  std::vector<std::string> warnings;
  std::chrono::steady_clock::duration took{};
  std::chrono::system_clock::time_point finished{};

  bool changed_anything() const { return !added.empty() || !changed.empty() || !removed.empty(); }
};

struct LoadResult {
  std::shared_ptr<worker::Site> site;  // null when report.fatal is set
  BuiltWorkers built;
  ReloadReport report;
};

// Loads the project. `previous` is what the Site being served was built from (empty at
// start-up); unchanged workers are reused as they are, so they keep their compiled code and
// their per-thread caches. The new Site gets `generation`. .wasm workers compile on
// engines.default_wasm unless their TOML names another ([wasm] engine); components on Wasmtime.
LoadResult load_site(const engine::EngineSet& engines, const LoadOptions& options, const BuiltWorkers& previous,
                     uint64_t generation);

}  // namespace wws::site
