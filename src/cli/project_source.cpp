#include "cli/project_source.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "logs/setup.h"
#include "project/git_source.h"

namespace wws::cli {

std::optional<std::filesystem::path> prepare_project_root(const Options& options, std::string* error) {
  const bool git_flags = !options.git_commit.empty() || !options.git_tag.empty() || !options.git_branch.empty() ||
                         !options.git_folder.empty();
  if (!project::is_git_url(options.path)) {
    if (git_flags) {
      *error = fmt::format(
          "--git-commit, --git-tag, --git-branch and --git-folder need a git URL as PATH "
          "(https://…/repo.git, git://…, file://…), not '{}'",
          options.path);
      return std::nullopt;
    }
    return std::filesystem::path(options.path);
  }
  project::GitRef ref{options.git_commit, options.git_tag, options.git_branch};
  auto checkout = project::checkout_git_project(options.path, ref, options.git_folder, error);
  if (!checkout) return std::nullopt;
  if (!checkout->warning.empty()) spdlog::warn("{}", checkout->warning);
  logs::say(fmt::format("⚙️  Checked out {} at {} ({}) into {}\n", options.path, checkout->ref,
                        checkout->commit.substr(0, 12), checkout->root.string()));
  return checkout->root;
}

}  // namespace wws::cli
