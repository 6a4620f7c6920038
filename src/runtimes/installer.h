// runtimes/installer: a runtime's files under `<project>/.wws/runtimes/<repo>/<name>/<version>/`.
// Installing downloads every file into a temp folder beside the final one, checks each against
// its SHA-256, and only then renames the folder into place: a failed or interrupted install
// leaves nothing half-installed, and a checksum mismatch names the file, the expected and the
// actual digest.
#pragma once
#include <filesystem>
#include <functional>
#include <string>

#include "runtimes/metadata.h"

namespace wws::runtimes {

std::filesystem::path runtimes_root(const std::filesystem::path& project_root);
std::filesystem::path runtime_dir(const std::filesystem::path& project_root, const std::string& repo,
                                  const std::string& name, const std::string& version);

// Every file of the runtime is present (no hashing: that is what verify_runtime is for).
bool is_installed(const std::filesystem::path& project_root, const std::string& repo, const RuntimeMetadata& runtime);
// Every file is present and matches its checksum. *problem says which does not.
bool verify_runtime(const std::filesystem::path& project_root, const std::string& repo, const RuntimeMetadata& runtime,
                    std::string* problem);

// Called with the verified files in their temp folder, before it is renamed into place; a
// false return (with *error) fails the install. Used to pre-initialise the interpreter.
using InstallStep = std::function<bool(const std::filesystem::path& staged_dir, std::string* error)>;

// Downloads, verifies and installs. Replaces an existing install of the same version only once
// the new one is complete.
bool install_runtime(const std::filesystem::path& project_root, const std::string& repo, const RuntimeMetadata& runtime,
                     const InstallStep& finish, std::string* error);

// Removes the runtime's folder (and the repository's and name's folders when left empty).
bool uninstall_runtime(const std::filesystem::path& project_root, const std::string& repo, const std::string& name,
                       const std::string& version, std::string* error);

}  // namespace wws::runtimes
