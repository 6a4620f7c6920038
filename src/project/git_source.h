// project/git_source: a project served from a git repository, as the original's `wws URL`.
// The repository is cloned once (bare) into a cache, fetched again on later starts, and the
// chosen commit is checked out into a folder of its own under the cache, named by the commit,
// so servers of different commits of one URL never disturb each other. Without network a
// later start serves what the cache already has, with a warning.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace wws::project {

// http(s)://…(.git), git://…, file://… (the original took http(s) URLs ending in .git).
bool is_git_url(std::string_view path);

struct GitRef {
  std::string commit;  // wins over tag, which wins over branch (the original's priority)
  std::string tag;
  std::string branch;  // empty, with the others: the remote's default branch
};

struct GitCheckout {
  std::filesystem::path root;  // the folder to serve (--git-folder applied)
  std::string commit;          // full hex id
  std::string ref;             // what was asked for, for messages: "branch main", "tag v1", ...
  std::string warning;         // non-empty: the fetch failed and the cached copy is served
};

// $WWS_GIT_CACHE, else $XDG_CACHE_HOME/wws/git, else ~/.cache/wws/git.
std::filesystem::path git_cache_dir();

// Clones or fetches `url`, resolves `ref` and checks it out. On failure returns nullopt and a
// message that names the URL and the ref, and lists what exists when a ref is missing.
std::optional<GitCheckout> checkout_git_project(const std::string& url, const GitRef& ref, const std::string& folder,
                                                std::string* error);

}  // namespace wws::project
