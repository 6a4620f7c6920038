// project/discovery: walking the project folder to find worker files (reference §2.1).
//
// What is skipped, and why:
// - folders named `public` at any depth: they hold static files, never workers (a FILE named
//   `public.js` is still a worker);
// - `.wws/` and, more generally, every hidden (dot) file or folder: they hold runtimes, VCS data
//   and editor state, never workers meant to be served. The original did not special-case them
//   (wax globs), but serving `.git/hooks/x.js` as a route is never what a user wants;
// - any file or folder whose name starts with `_`: the original's convention for private helpers;
// - folders named `node_modules` at any depth: npm packages are bundled into a worker, never
//   served file by file (the original served every `.js` file in them as a route);
// - paths matching an --ignore glob. A glob that matches a folder's path skips the whole folder,
//   so `--ignore examples` works as well as `--ignore "examples/**"`;
// - symlinked folders are not entered, so a link pointing up the tree cannot loop forever.
//   Symlinked files are followed.
#include <algorithm>
#include <system_error>

#include <spdlog/spdlog.h>

#include "project/discovery.h"

namespace wws::project {
namespace {

namespace fs = std::filesystem;

struct Walk {
  const std::vector<std::string>& ignore;
  std::vector<std::string> extensions;  // with the leading dot: ".js"
  std::vector<fs::path> found;
  std::vector<size_t> hits;  // per ignore glob: the folders and worker files it skipped
};

bool ignored(Walk& walk, const std::string& relative) {
  bool any = false;
  for (size_t i = 0; i < walk.ignore.size(); ++i)
    if (glob_match(walk.ignore[i], relative)) {
      ++walk.hits[i];
      any = true;
    }
  return any;
}

bool has_worker_extension(const Walk& walk, const fs::path& file) {
  std::string extension = file.extension().string();
  return std::find(walk.extensions.begin(), walk.extensions.end(), extension) != walk.extensions.end();
}

void walk_folder(Walk& walk, const fs::path& folder, const std::string& relative_folder) {
  std::error_code ec;
  fs::directory_iterator it(folder, ec);
  if (ec) {
    spdlog::warn("skipping {}: {}", folder.string(), ec.message());
    return;
  }
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    std::string name = entry.path().filename().string();
    if (name.empty() || name.front() == '.' || name.front() == '_') continue;
    std::string relative = relative_folder;
    if (!relative.empty()) relative += '/';
    relative += name;

    std::error_code status_ec;
    bool is_link = entry.is_symlink(status_ec);
    bool is_folder = entry.is_directory(status_ec);  // follows links
    if (is_folder) {
      if (is_link || name == "public" || name == "node_modules" || ignored(walk, relative)) continue;
      walk_folder(walk, entry.path(), relative);
      continue;
    }
    if (!entry.is_regular_file(status_ec)) continue;  // sockets, broken links, ...
    if (!has_worker_extension(walk, entry.path()) || ignored(walk, relative)) continue;
    walk.found.emplace_back(relative);
  }
  if (ec) spdlog::warn("listing {} stopped early: {}", folder.string(), ec.message());
}

}  // namespace

std::vector<fs::path> discover_workers(const fs::path& root, const std::vector<std::string>& ignore,
                                       const std::vector<std::string>& extensions, std::vector<size_t>* ignore_hits) {
  Walk walk{ignore, {}, {}, std::vector<size_t>(ignore.size())};
  for (const auto& extension : extensions) {
    if (extension.empty() || extension == ".") continue;
    walk.extensions.push_back(extension.front() == '.' ? extension : "." + extension);
  }
  walk_folder(walk, root, "");
  if (ignore_hits) *ignore_hits = walk.hits;
  std::sort(walk.found.begin(), walk.found.end(),
            [](const fs::path& a, const fs::path& b) { return a.generic_string() < b.generic_string(); });
  return walk.found;
}

}  // namespace wws::project
