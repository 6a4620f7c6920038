// runtimes/project_config: the project's `.wws.toml`, which lists the runtimes installed from
// each repository with their checksums (it doubles as the lock file: commit it, and
// `wws runtimes install` or `wws -i` on another machine installs exactly those files).
//
//   version = 1
//   [[repositories]]            name = "local"   url = "https://.../index.toml"
//   [[repositories.runtimes]]   (runtimes/metadata.h)
//
// Fixes over the original: removing a runtime removes only that name AND version (the original
// removed every runtime with the same name OR version), and recording one twice keeps one.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "runtimes/metadata.h"

namespace wws::runtimes {

struct Repository {
  std::string name;
  std::string url;
  std::vector<RuntimeMetadata> runtimes;
};

struct ProjectConfig {
  int version = 1;
  std::vector<Repository> repositories;

  // Records `runtime` under the repository (created if needed; its url updated), replacing an
  // entry with the same name and version.
  void save_runtime(const std::string& repo_name, const std::string& repo_url, const RuntimeMetadata& runtime);
  // Removes the entry with this name and version from the repository; false if there was none.
  bool remove_runtime(const std::string& repo_name, const std::string& name, const std::string& version);
  const RuntimeMetadata* find(const std::string& repo_name, const std::string& name, const std::string& version) const;
};

constexpr const char* kProjectConfigFile = ".wws.toml";

// Reads `<root>/.wws.toml`. A missing file is an empty config; a file that does not parse
// sets *error ("<file>:<line>:<col>: reason") and returns nullopt.
std::optional<ProjectConfig> load_project_config(const std::filesystem::path& root, std::string* error);
ProjectConfig parse_project_config(std::string_view text, const std::string& source_name);  // throws MetadataError
// Writes it atomically (temp file + rename). False and *error on failure.
bool save_project_config(const std::filesystem::path& root, const ProjectConfig& config, std::string* error);
std::string project_config_to_toml(const ProjectConfig& config);

}  // namespace wws::runtimes
