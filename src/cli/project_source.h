// cli/project_source: what PATH names. A local folder is served as it is; a git URL
// (project/git_source.h) is cloned or fetched and the commit chosen by --git-commit,
// --git-tag or --git-branch is checked out, then --git-folder picks the folder to serve.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "cli/options.h"

namespace wws::cli {

// Nullopt with a message when the project cannot be had (a clone failed, a ref is missing).
std::optional<std::filesystem::path> prepare_project_root(const Options& options, std::string* error);

}  // namespace wws::cli
