// Loading the workers that language runtimes run (runtimes/): which files they claim, one
// compiled interpreter per runtime shared by all its workers, and each worker's /src folder.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "runtimes/project_runtimes.h"
#include "worker/worker.h"

namespace wws::site {

class RuntimeWorkers {
 public:
  RuntimeWorkers(engine::Engine& engine, const std::filesystem::path& root);

  // Extensions (without the dot) of the installed runtimes.
  std::vector<std::string> extensions() const { return runtimes_.extensions(); }
  bool claims(const std::filesystem::path& file) const;
  // Compiles the runtime's interpreter (once) and prepares the worker's /src, or sets
  // w.unavailable with the reason.
  void load(worker::Worker& w);
  // Says once, at start-up, which project files are not served because no installed runtime
  // claims them (with what to run to fix it), and which recorded runtimes are missing.
  void report(const std::vector<std::filesystem::path>& unclaimed) const;
  // Extensions worth telling the user about when no runtime claims them.
  std::vector<std::string> unclaimed_extensions() const;

 private:
  struct Interpreter {
    std::shared_ptr<engine::CompiledModule> module;
    std::string error;
    bool preinitialised = false;
  };
  // Compiled once per process for each (binary, memory limit), so reloads reuse it.
  Interpreter interpreter(const runtimes::InstalledRuntime& runtime, uint64_t memory_limit);

  engine::Engine& engine_;
  std::filesystem::path root_;
  runtimes::ProjectRuntimes runtimes_;
};

}  // namespace wws::site
