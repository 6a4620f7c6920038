#include "cli/runtimes_command.h"

#include <cstdio>

#include <fmt/format.h>

#include "engine/v8/v8_engine.h"
#include "runtimes/installer.h"
#include "runtimes/preinit.h"
#include "runtimes/project_config.h"
#include "runtimes/repository_index.h"

namespace wws::cli {
namespace fs = std::filesystem;
namespace {

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : std::string(sep)) + i;
  return out;
}

void print_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) {
      if (widths.size() <= i) widths.push_back(0);
      // Count code points, not bytes, so ✅ lines up.
      size_t n = 0;
      for (unsigned char c : row[i]) n += (c & 0xc0) != 0x80;
      widths[i] = std::max(widths[i], n);
    }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      size_t n = 0;
      for (unsigned char c : row[i]) n += (c & 0xc0) != 0x80;
      line += row[i] + std::string(widths[i] - n + (i + 1 < row.size() ? 3 : 0), ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    fmt::print("{}\n", line);
  }
}

std::string extensions_of(const runtimes::RuntimeMetadata& r) {
  std::vector<std::string> dotted;
  for (const auto& e : r.extensions) dotted.push_back("." + e);
  return join(dotted, ", ");
}

// Installs one runtime and pre-initialises it in its staging folder, so a snapshot that
// cannot be made fails the install rather than the first start.
bool install_one(engine::Engine& engine, const fs::path& project, const std::string& repo,
                 const runtimes::RuntimeMetadata& runtime) {
  fmt::print("⚙️  Installing {} {} ...\n", runtime.name, runtime.version);
  std::fflush(stdout);
  auto preinit = [&](const fs::path& staged, std::string* error) {
    runtimes::InstalledRuntime staged_runtime{repo, runtime, staged};
    bool preinitialised = false;
    if (!runtimes::interpreter_module(engine, staged_runtime, &preinitialised, error)) return false;
    if (preinitialised) fmt::print("✅ Pre-initialised {} {}\n", runtime.name, runtime.version);
    return true;
  };
  std::string error;
  if (!runtimes::install_runtime(project, repo, runtime, preinit, &error)) {
    fmt::print(stderr, "❌ Could not install {} {}: {}\n", runtime.name, runtime.version, error);
    return false;
  }
  fmt::print("✅ Installed {} {} in {}\n", runtime.name, runtime.version,
             fs::relative(runtimes::runtime_dir(project, repo, runtime.name, runtime.version), project).string());
  return true;
}

std::optional<runtimes::ProjectConfig> load_config(const fs::path& project) {
  std::string error;
  auto config = runtimes::load_project_config(project, &error);
  if (!config) fmt::print(stderr, "❌ {}\n", error);
  return config;
}

std::optional<runtimes::RepositoryIndex> load_index(const RuntimesCommand& command) {
  std::string error, warning;
  auto index = runtimes::fetch_index(command.repo_url, &error, &warning);
  if (!warning.empty()) fmt::print("⚠️  {}\n", warning);
  if (!index)
    fmt::print(stderr,
               "❌ Could not read the repository {}: {}\n💡 Point wws at a repository with --repo-url or WWS_REPO_URL "
               "(https://, http:// or file:// URL of its index.toml).\n",
               command.repo_url, error);
  return index;
}

int install(const fs::path& project, const RuntimesCommand& command) {
  auto engine = engine::make_v8_engine();
  if (command.name.empty()) return install_missing_runtimes(*engine, project) ? 0 : 1;
  auto config = load_config(project);
  if (!config) return 1;
  auto index = load_index(command);
  if (!index) return 1;
  const runtimes::RuntimeMetadata* runtime = index->find(command.name, command.version);
  if (!runtime) {
    fmt::print(stderr, "❌ The repository {} has no runtime {} {} (see `wws runtimes list`)\n", command.repo_url,
               command.name, command.version);
    return 1;
  }
  const runtimes::RuntimeMetadata* recorded = config->find(command.repo_name, runtime->name, runtime->version);
  if (recorded && runtimes::is_installed(project, command.repo_name, *recorded)) {
    fmt::print("✅ The runtime {} {} is already installed\n", runtime->name, runtime->version);
    return 0;
  }
  if (!install_one(*engine, project, command.repo_name, *runtime)) return 1;
  config->save_runtime(command.repo_name, command.repo_url, *runtime);
  std::string error;
  if (!runtimes::save_project_config(project, *config, &error)) {
    fmt::print(stderr, "❌ {}\n", error);
    return 1;
  }
  fmt::print("✅ Recorded it in {}\n", (project / runtimes::kProjectConfigFile).string());
  return 0;
}

int list(const RuntimesCommand& command) {
  auto index = load_index(command);
  if (!index) return 1;
  std::vector<std::vector<std::string>> rows{{"Name", "Version", "Tags", "Extension", "Binary"}};
  for (const auto& r : index->runtimes)
    rows.push_back({r.name, r.version, join(r.tags, ", "), extensions_of(r), r.binary.filename});
  print_table(rows);
  return 0;
}

int check(const fs::path& project) {
  auto config = load_config(project);
  if (!config) return 1;
  std::vector<std::vector<std::string>> rows{{"Installed", "Name", "Version", "Tags", "Extension", "Binary"}};
  std::vector<std::string> problems;
  for (const auto& repo : config->repositories)
    for (const auto& r : repo.runtimes) {
      std::string problem;
      bool ok = runtimes::verify_runtime(project, repo.name, r, &problem);
      if (!ok) problems.push_back(fmt::format("{} {}: {}", r.name, r.version, problem));
      rows.push_back({ok ? "✅" : "❌", r.name, r.version, join(r.tags, ", "), extensions_of(r), r.binary.filename});
    }
  if (rows.size() == 1) {
    fmt::print(
        "No runtimes are recorded in {}.\n💡 Install one with `wws runtimes install NAME VERSION` (see `wws runtimes "
        "list`).\n",
        (project / runtimes::kProjectConfigFile).string());
    return 0;
  }
  print_table(rows);
  for (const auto& p : problems) fmt::print("❌ {}\n", p);
  if (!problems.empty()) fmt::print("💡 Run `wws runtimes install` to install what is missing or damaged.\n");
  return problems.empty() ? 0 : 1;
}

int uninstall(const fs::path& project, const RuntimesCommand& command) {
  auto config = load_config(project);
  if (!config) return 1;
  std::string repo;
  for (const auto& r : config->repositories)
    if ((!command.repo_name_given || r.name == command.repo_name) &&
        config->find(r.name, command.name, command.version)) {
      repo = r.name;
      break;
    }
  if (repo.empty()) {
    fmt::print(stderr, "❌ {} {} is not recorded in {} (see `wws runtimes check`)\n", command.name, command.version,
               (project / runtimes::kProjectConfigFile).string());
    return 1;
  }
  std::string error;
  if (!runtimes::uninstall_runtime(project, repo, command.name, command.version, &error)) {
    fmt::print(stderr, "❌ {}\n", error);
    return 1;
  }
  config->remove_runtime(repo, command.name, command.version);
  if (!runtimes::save_project_config(project, *config, &error)) {
    fmt::print(stderr, "❌ {}\n", error);
    return 1;
  }
  fmt::print("✅ Uninstalled {} {}\n", command.name, command.version);
  return 0;
}

}  // namespace

bool install_missing_runtimes(engine::Engine& engine, const fs::path& project) {
  auto config = load_config(project);
  if (!config) return false;
  bool ok = true, any = false;
  for (const auto& repo : config->repositories)
    for (const auto& r : repo.runtimes) {
      if (runtimes::is_installed(project, repo.name, r)) continue;
      any = true;
      ok = install_one(engine, project, repo.name, r) && ok;
    }
  if (!any) fmt::print("✅ Every runtime in {} is installed\n", (project / runtimes::kProjectConfigFile).string());
  return ok;
}

int run_runtimes_command(const fs::path& project, const RuntimesCommand& command) {
  std::error_code ec;
  if (!fs::is_directory(project, ec)) {
    fmt::print(stderr, "❌ {}: not a folder; runtimes are managed for a local project folder\n", project.string());
    return 1;
  }
  if (command.action == "install") return install(project, command);
  if (command.action == "list") return list(command);
  if (command.action == "check") return check(project);
  return uninstall(project, command);
}

}  // namespace wws::cli
