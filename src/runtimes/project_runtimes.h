// runtimes/project_runtimes: what the loader needs from a project's runtimes: which are
// installed, which extension each claims, and the /src folder of each worker it runs.
//
// A worker run by a runtime sees one preopen "/" (wasi MountedRoot) holding:
//   /src           .wws/workers/<ext>/<id>/src: the runtime's wrapper as index.<ext> (its
//                  "{source}" replaced by the script, as in the original), the polyfill, and the
//                  script itself as worker.<ext> (for wrappers that load it instead);
//   [[folders]]    each at its `to`, which may be inside /src (e.g. /src/assets).
// Its argv is the runtime's `args`; its environment is the runtime's `envs` then `[vars]`.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/worker_config.h"
#include "runtimes/metadata.h"
#include "wasi/context.h"

namespace wws::runtimes {

struct InstalledRuntime {
  std::string repo;
  RuntimeMetadata meta;
  std::filesystem::path dir;  // .wws/runtimes/<repo>/<name>/<version>

  std::string label() const { return meta.name + " " + meta.version; }
  std::filesystem::path binary() const { return dir / meta.binary.filename; }
};

struct ProjectRuntimes {
  std::vector<InstalledRuntime> installed;  // in .wws.toml order
  std::vector<RuntimeMetadata> missing;     // recorded in .wws.toml, files not there
  std::string config_error;                 // .wws.toml did not parse (then nothing is installed)

  // The first installed runtime claiming the extension (without the dot), as in the original.
  const InstalledRuntime* for_extension(std::string_view extension) const;
  std::vector<std::string> extensions() const;  // of installed runtimes
};

ProjectRuntimes find_project_runtimes(const std::filesystem::path& project_root);

// The WASI layout of one worker (see the header comment).
struct WorkerLayout {
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  wasi::MountedRoot root;
};

// Writes the worker's /src folder (replacing an older one) and returns its layout. Missing
// wrapper or polyfill files of the runtime are errors naming them.
std::optional<WorkerLayout> prepare_worker(const std::filesystem::path& project_root, const InstalledRuntime& runtime,
                                           const std::filesystem::path& worker_file, const config::WorkerConfig& config,
                                           std::string* error);

// The layout a runtime is pre-initialised with: /src holding only the wrapper and polyfill,
// the runtime's args and envs. `work_dir` is where its folders go.
std::optional<WorkerLayout> prepare_preinit_layout(const InstalledRuntime& runtime,
                                                   const std::filesystem::path& work_dir, std::string* error);

}  // namespace wws::runtimes
