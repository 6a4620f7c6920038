#include "runtimes/project_runtimes.h"

#include <algorithm>

#include <fmt/format.h>

#include "runtimes/installer.h"
#include "runtimes/project_config.h"
#include "util/files.h"
#include "util/sha256.h"

namespace wws::runtimes {
namespace fs = std::filesystem;
namespace {

std::string primary_extension(const InstalledRuntime& runtime) {
  return runtime.meta.extensions.empty() ? runtime.meta.name : runtime.meta.extensions.front();
}

bool write_file(const fs::path& file, std::string_view content, std::string* error) {
  return util::write_file_atomically(file, content, error);
}

// Writes index.<ext> and the polyfill into `src`. `script` is empty for the pre-init layout.
bool write_src(const InstalledRuntime& runtime, const fs::path& src, const std::string* script, std::string* error) {
  std::string ext = primary_extension(runtime);
  std::string index;
  if (runtime.meta.wrapper) {
    fs::path wrapper = runtime.dir / runtime.meta.wrapper->filename;
    if (!util::read_file(wrapper, index)) {
      *error = fmt::format("the runtime {} has no wrapper file {}; reinstall it", runtime.label(), wrapper.string());
      return false;
    }
    // The original's wrappers inline the script; a wrapper without the placeholder loads
    // worker.<ext> itself (so it can run before the script is known: pre-initialisation).
    size_t at = index.find("{source}");
    if (at != std::string::npos) index.replace(at, 8, script ? *script : std::string());
  } else if (script) {
    index = *script;
  }
  if (!write_file(src / ("index." + ext), index, error)) return false;
  if (script && !write_file(src / ("worker." + ext), *script, error)) return false;
  if (runtime.meta.polyfill) {
    std::string polyfill;
    fs::path from = runtime.dir / runtime.meta.polyfill->filename;
    if (!util::read_file(from, polyfill)) {
      *error = fmt::format("the runtime {} has no polyfill file {}; reinstall it", runtime.label(), from.string());
      return false;
    }
    if (!write_file(src / runtime.meta.polyfill->filename, polyfill, error)) return false;
  }
  return true;
}

// Mount points must exist as folders so listings and lookups of their parents see them.
void make_mount_points(const WorkerLayout& layout) {
  std::error_code ec;
  for (const auto& m : layout.root.mounts) {
    fs::path inside = fs::path(layout.root.host_path);
    // The deepest enclosing mount decides where the folder goes.
    const wasi::Preopen* parent = nullptr;
    for (const auto& other : layout.root.mounts) {
      if (&other == &m || other.guest_path.size() >= m.guest_path.size()) continue;
      if (m.guest_path.compare(0, other.guest_path.size(), other.guest_path) == 0 &&
          (other.guest_path == "/" || m.guest_path[other.guest_path.size()] == '/') &&
          (!parent || other.guest_path.size() > parent->guest_path.size()))
        parent = &other;
    }
    std::string rest = m.guest_path.substr(parent ? parent->guest_path.size() : 0);
    if (!parent) inside = layout.root.host_path;
    else inside = parent->host_path;
    while (!rest.empty() && rest.front() == '/') rest.erase(0, 1);
    // Only inside folders wws owns: never create folders in a user's mounted folder.
    if (!rest.empty() && (!parent || parent->guest_path == "/src")) fs::create_directories(inside / rest, ec);
  }
}

std::string worker_id(const fs::path& project_root, const fs::path& worker_file) {
  return util::sha256_hex(fs::relative(worker_file, project_root).generic_string()).substr(0, 16);
}

WorkerLayout base_layout(const InstalledRuntime& runtime) {
  WorkerLayout layout;
  layout.args = runtime.meta.args;
  layout.env = runtime.meta.envs;
  return layout;
}

}  // namespace

const InstalledRuntime* ProjectRuntimes::for_extension(std::string_view extension) const {
  for (const auto& r : installed)
    if (std::find(r.meta.extensions.begin(), r.meta.extensions.end(), extension) != r.meta.extensions.end()) return &r;
  return nullptr;
}

std::vector<std::string> ProjectRuntimes::extensions() const {
  std::vector<std::string> out;
  for (const auto& r : installed)
    for (const auto& e : r.meta.extensions)
      if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
  return out;
}

ProjectRuntimes find_project_runtimes(const fs::path& project_root) {
  ProjectRuntimes out;
  auto config = load_project_config(project_root, &out.config_error);
  if (!config) return out;
  for (const auto& repo : config->repositories) {
    for (const auto& r : repo.runtimes) {
      if (is_installed(project_root, repo.name, r))
        out.installed.push_back({repo.name, r, runtime_dir(project_root, repo.name, r.name, r.version)});
      else out.missing.push_back(r);
    }
  }
  return out;
}

std::optional<WorkerLayout> prepare_worker(const fs::path& project_root, const InstalledRuntime& runtime,
                                           const fs::path& worker_file, const config::WorkerConfig& config,
                                           std::string* error) {
  std::string script;
  if (!util::read_file(worker_file, script)) {
    *error = fmt::format("{}: cannot read the file", worker_file.string());
    return std::nullopt;
  }
  fs::path dir = project_root / ".wws" / "workers" / primary_extension(runtime) / worker_id(project_root, worker_file);
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir / "src", ec);
  fs::create_directories(dir / "root" / "src", ec);
  if (ec) {
    *error = fmt::format("cannot create {}: {}", dir.string(), ec.message());
    return std::nullopt;
  }
  if (!write_src(runtime, dir / "src", &script, error)) return std::nullopt;
  WorkerLayout layout = base_layout(runtime);
  for (const auto& [name, value] : config.vars) {
    // A loop rather than std::find_if: clang 14 cannot capture a structured binding in a lambda.
    auto same = layout.env.begin();
    while (same != layout.env.end() && same->first != name) ++same;
    if (same != layout.env.end()) same->second = value;
    else layout.env.emplace_back(name, value);
  }
  layout.root.host_path = (dir / "root").string();
  layout.root.mounts.push_back({(dir / "src").string(), "/src"});
  for (const auto& folder : config.folders) layout.root.mounts.push_back({folder.from.string(), folder.to});
  make_mount_points(layout);
  return layout;
}

std::optional<WorkerLayout> prepare_preinit_layout(const InstalledRuntime& runtime, const fs::path& work_dir,
                                                   std::string* error) {
  std::error_code ec;
  fs::remove_all(work_dir, ec);
  fs::create_directories(work_dir / "src", ec);
  fs::create_directories(work_dir / "root" / "src", ec);
  if (ec) {
    *error = fmt::format("cannot create {}: {}", work_dir.string(), ec.message());
    return std::nullopt;
  }
  if (!write_src(runtime, work_dir / "src", nullptr, error)) return std::nullopt;
  WorkerLayout layout = base_layout(runtime);
  layout.root.host_path = (work_dir / "root").string();
  layout.root.mounts.push_back({(work_dir / "src").string(), "/src"});
  return layout;
}

}  // namespace wws::runtimes
