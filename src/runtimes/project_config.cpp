#include "runtimes/project_config.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "config/toml_fields.h"
#include "util/files.h"
#include "util/sha256.h"

namespace wws::runtimes {
namespace {

Repository& repository(ProjectConfig& config, const std::string& name) {
  for (auto& repo : config.repositories)
    if (repo.name == name) return repo;
  config.repositories.push_back(Repository{name, "", {}});
  return config.repositories.back();
}

}  // namespace

void ProjectConfig::save_runtime(const std::string& repo_name, const std::string& repo_url,
                                 const RuntimeMetadata& runtime) {
  Repository& repo = repository(*this, repo_name);
  if (!repo_url.empty()) repo.url = repo_url;
  for (auto& existing : repo.runtimes) {
    if (existing.name == runtime.name && existing.version == runtime.version) {
      existing = runtime;
      return;
    }
  }
  repo.runtimes.push_back(runtime);
}

bool ProjectConfig::remove_runtime(const std::string& repo_name, const std::string& name, const std::string& version) {
  for (auto& repo : repositories) {
    if (repo.name != repo_name) continue;
    auto before = repo.runtimes.size();
    std::erase_if(repo.runtimes, [&](const RuntimeMetadata& r) { return r.name == name && r.version == version; });
    return repo.runtimes.size() != before;
  }
  return false;
}

const RuntimeMetadata* ProjectConfig::find(const std::string& repo_name, const std::string& name,
                                           const std::string& version) const {
  for (const auto& repo : repositories) {
    if (repo.name != repo_name) continue;
    for (const auto& r : repo.runtimes)
      if (r.name == name && r.version == version) return &r;
  }
  return nullptr;
}

ProjectConfig parse_project_config(std::string_view text, const std::string& source_name) {
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    throw MetadataError(
        fmt::format("{}:{}:{}: {}", source_name, e.source().begin.line, e.source().begin.column, e.description()));
  }
  ProjectConfig config;
  try {
    if (const toml::node* v = root.get("version"))
      config.version = static_cast<int>(config::detail::require_integer(*v, "version"));
    if (const toml::node* repos = root.get("repositories")) {
      size_t i = 0;
      for (const toml::node& node : config::detail::require_array(*repos, "[[repositories]]")) {
        std::string label = fmt::format("[[repositories]] #{}", ++i);
        const toml::table& t = config::detail::require_table(node, label);
        Repository repo;
        const toml::node* name = t.get("name");
        if (!name) throw MetadataError(label + ": missing \"name\"");
        repo.name = config::detail::require_string(*name, label + " \"name\"");
        if (!is_safe_filename(repo.name))
          throw MetadataError(label + ": the name must be a plain file name (it names a folder)");
        if (const toml::node* url = t.get("url")) repo.url = config::detail::require_string(*url, label + " \"url\"");
        if (const toml::node* runtimes = t.get("runtimes")) {
          size_t j = 0;
          for (const toml::node& r : config::detail::require_array(*runtimes, label + " runtimes")) {
            std::string rlabel = fmt::format("{}: [[repositories.runtimes]] #{}", repo.name, ++j);
            repo.runtimes.push_back(parse_runtime(config::detail::require_table(r, rlabel), rlabel));
          }
        }
        config.repositories.push_back(std::move(repo));
      }
    }
  } catch (const config::detail::FieldError& e) {
    throw MetadataError(fmt::format("{}:{}:{}: {}", source_name, e.where.begin.line, e.where.begin.column, e.what()));
  } catch (const MetadataError& e) {
    throw MetadataError(fmt::format("{}: {}", source_name, e.what()));
  }
  return config;
}

std::optional<ProjectConfig> load_project_config(const std::filesystem::path& root, std::string* error) {
  std::filesystem::path file = root / kProjectConfigFile;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return ProjectConfig{};
  std::string text;
  if (!util::read_file(file, text)) {
    *error = fmt::format("{}: cannot read the file", file.string());
    return std::nullopt;
  }
  try {
    return parse_project_config(text, file.string());
  } catch (const MetadataError& e) {
    *error = e.what();
    return std::nullopt;
  }
}

std::string project_config_to_toml(const ProjectConfig& config) {
  toml::array repos;
  for (const auto& repo : config.repositories) {
    toml::array runtimes;
    for (const auto& r : repo.runtimes) runtimes.push_back(runtime_to_toml(r));
    repos.push_back(toml::table{{"name", repo.name}, {"url", repo.url}, {"runtimes", std::move(runtimes)}});
  }
  toml::table root{{"version", config.version}, {"repositories", std::move(repos)}};
  std::ostringstream out;
  out << "# Runtimes of this project, written by `wws runtimes`. It doubles as the lock file: commit it.\n"
      << root << "\n";
  return out.str();
}

bool save_project_config(const std::filesystem::path& root, const ProjectConfig& config, std::string* error) {
  return util::write_file_atomically(root / kProjectConfigFile, project_config_to_toml(config), error);
}

}  // namespace wws::runtimes
