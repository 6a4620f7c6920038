#include "runtimes/installer.h"

#include <unistd.h>

#include <fmt/format.h>

#include "runtimes/fetch.h"
#include "util/files.h"
#include "util/sha256.h"

namespace wws::runtimes {
namespace fs = std::filesystem;

fs::path runtimes_root(const fs::path& project_root) { return project_root / ".wws" / "runtimes"; }

fs::path runtime_dir(const fs::path& project_root, const std::string& repo, const std::string& name,
                     const std::string& version) {
  return runtimes_root(project_root) / repo / name / version;
}

bool is_installed(const fs::path& project_root, const std::string& repo, const RuntimeMetadata& runtime) {
  fs::path dir = runtime_dir(project_root, repo, runtime.name, runtime.version);
  std::error_code ec;
  for (const RemoteFile* f : runtime.files())
    if (!fs::is_regular_file(dir / f->filename, ec)) return false;
  return true;
}

bool verify_runtime(const fs::path& project_root, const std::string& repo, const RuntimeMetadata& runtime,
                    std::string* problem) {
  fs::path dir = runtime_dir(project_root, repo, runtime.name, runtime.version);
  for (const RemoteFile* f : runtime.files()) {
    std::string data;
    if (!util::read_file(dir / f->filename, data)) {
      *problem = fmt::format("{} is missing", (dir / f->filename).string());
      return false;
    }
    std::string actual = util::sha256_hex(data);
    if (actual != f->sha256) {
      *problem = fmt::format("{} does not match its checksum (expected sha256 {}, found {})",
                             (dir / f->filename).string(), f->sha256, actual);
      return false;
    }
  }
  return true;
}

bool install_runtime(const fs::path& project_root, const std::string& repo, const RuntimeMetadata& runtime,
                     const InstallStep& finish, std::string* error) {
  fs::path final_dir = runtime_dir(project_root, repo, runtime.name, runtime.version);
  fs::path parent = final_dir.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) {
    *error = fmt::format("cannot create {}: {}", parent.string(), ec.message());
    return false;
  }
  // A dot-name beside the final folder: same filesystem (so the rename is atomic) and never
  // mistaken for an installed version.
  fs::path staged = parent / fmt::format(".{}.partial-{}", runtime.version, ::getpid());
  fs::remove_all(staged, ec);
  fs::create_directory(staged, ec);
  auto fail = [&](std::string message) {
    *error = std::move(message);
    std::error_code ignored;
    fs::remove_all(staged, ignored);
    return false;
  };
  if (ec) return fail(fmt::format("cannot create {}: {}", staged.string(), ec.message()));

  for (const RemoteFile* f : runtime.files()) {
    std::string why;
    auto data = fetch_url(f->url, &why);
    if (!data) return fail(why);
    std::string actual = util::sha256_hex(*data);
    if (actual != f->sha256)
      return fail(fmt::format("{} ({}) does not match its checksum: expected sha256 {}, got {}. Nothing was installed.",
                              f->filename, f->url, f->sha256, actual));
    if (!util::write_file_atomically(staged / f->filename, *data, &why)) return fail(why);
  }
  std::string why;
  if (finish && !finish(staged, &why)) return fail(why);

  fs::path old = parent / fmt::format(".{}.old-{}", runtime.version, ::getpid());
  bool replaced = fs::exists(final_dir, ec);
  if (replaced) {
    fs::rename(final_dir, old, ec);
    if (ec) return fail(fmt::format("cannot replace {}: {}", final_dir.string(), ec.message()));
  }
  fs::rename(staged, final_dir, ec);
  if (ec) {
    std::error_code ignored;
    if (replaced) fs::rename(old, final_dir, ignored);
    return fail(fmt::format("cannot move the runtime into {}: {}", final_dir.string(), ec.message()));
  }
  if (replaced) fs::remove_all(old, ec);
  return true;
}

bool uninstall_runtime(const fs::path& project_root, const std::string& repo, const std::string& name,
                       const std::string& version, std::string* error) {
  fs::path dir = runtime_dir(project_root, repo, name, version);
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) {
    *error = fmt::format("cannot remove {}: {}", dir.string(), ec.message());
    return false;
  }
  // Tidy empty parents, never beyond .wws/runtimes.
  for (fs::path p = dir.parent_path(); p != runtimes_root(project_root) && fs::is_empty(p, ec) && !ec;
       p = p.parent_path())
    fs::remove(p, ec);
  return true;
}

}  // namespace wws::runtimes
