#include "project/git_source.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <vector>

#include <fmt/format.h>
#include <git2.h>

#include "util/sha256.h"

namespace wws::project {
namespace fs = std::filesystem;
namespace {

// RAII for libgit2's handles.
template <class T, void (*Free)(T*)>
struct Handle {
  T* ptr = nullptr;
  ~Handle() {
    if (ptr) Free(ptr);
  }
  T** out() { return &ptr; }
  T* get() const { return ptr; }
};
using Repo = Handle<git_repository, git_repository_free>;
using Remote = Handle<git_remote, git_remote_free>;
using Object = Handle<git_object, git_object_free>;
using Reference = Handle<git_reference, git_reference_free>;

std::string last_git_error() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown libgit2 error";
}

struct Library {
  Library() { git_libgit2_init(); }
  ~Library() { git_libgit2_shutdown(); }
};

// One process at a time per URL clones, fetches or checks out (two `wws URL` starting together).
class FileLock {
 public:
  explicit FileLock(const fs::path& path) : fd_(::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644)) {
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

std::vector<std::string> list_refs(git_repository* repo, const char* glob, std::string_view strip) {
  std::vector<std::string> names;
  git_reference_iterator* it = nullptr;
  if (git_reference_iterator_glob_new(&it, repo, glob) != 0) return names;
  const char* name = nullptr;
  while (git_reference_next_name(&name, it) == 0) {
    std::string_view n(name);
    if (n.starts_with(strip)) n.remove_prefix(strip.size());
    if (n != "HEAD") names.emplace_back(n);
  }
  git_reference_iterator_free(it);
  std::sort(names.begin(), names.end());
  return names;
}

std::string joined_or_none(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (size_t i = 0; i < names.size() && i < 20; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > 20) out += fmt::format(", … ({} in all)", names.size());
  return out;
}

// The commit a reference name points to (tags peeled), or false.
bool peel_to_commit(git_repository* repo, const std::string& refname, git_oid* oid) {
  Object obj;
  if (git_revparse_single(obj.out(), repo, refname.c_str()) != 0) return false;
  Object commit;
  if (git_object_peel(commit.out(), obj.get(), GIT_OBJECT_COMMIT) != 0) return false;
  git_oid_cpy(oid, git_object_id(commit.get()));
  return true;
}

bool resolve(git_repository* repo, const std::string& url, const GitRef& ref, git_oid* oid, std::string* what,
             std::string* error) {
  if (!ref.commit.empty()) {
    *what = "commit " + ref.commit;
    const bool hex = ref.commit.size() >= 4 && ref.commit.size() <= 40 &&
                     ref.commit.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
    if (hex && peel_to_commit(repo, ref.commit, oid)) return true;
    *error = fmt::format("the commit '{}' is not in {}{}", ref.commit, url,
                         hex ? "" : " (give a commit id: 4 to 40 hex digits)");
    return false;
  }
  if (!ref.tag.empty()) {
    *what = "tag " + ref.tag;
    if (peel_to_commit(repo, "refs/tags/" + ref.tag, oid)) return true;
    *error = fmt::format("the tag '{}' does not exist in {} (tags: {})", ref.tag, url,
                         joined_or_none(list_refs(repo, "refs/tags/*", "refs/tags/")));
    return false;
  }
  const std::vector<std::string> branches = list_refs(repo, "refs/remotes/origin/*", "refs/remotes/origin/");
  if (!ref.branch.empty()) {
    *what = "branch " + ref.branch;
    if (peel_to_commit(repo, "refs/remotes/origin/" + ref.branch, oid)) return true;
    *error =
        fmt::format("the branch '{}' does not exist in {} (branches: {})", ref.branch, url, joined_or_none(branches));
    return false;
  }
  // The remote's default branch, as recorded at clone time; else main or master.
  std::string head_branch;
  {
    Reference head;
    if (git_reference_lookup(head.out(), repo, "refs/remotes/origin/HEAD") == 0 &&
        git_reference_type(head.get()) == GIT_REFERENCE_SYMBOLIC) {
      std::string_view target = git_reference_symbolic_target(head.get());
      if (target.starts_with("refs/remotes/origin/")) head_branch = std::string(target.substr(20));
    }
  }
  for (const std::string& candidate : {head_branch, std::string("main"), std::string("master")}) {
    if (candidate.empty()) continue;
    if (peel_to_commit(repo, "refs/remotes/origin/" + candidate, oid)) {
      *what = "branch " + candidate;
      return true;
    }
  }
  *error = fmt::format(
      "{} has no default branch to serve (branches: {}); choose one with --git-branch, --git-tag or "
      "--git-commit",
      url, joined_or_none(branches));
  return false;
}

bool fetch(git_repository* repo, std::string* error) {
  Remote remote;
  if (git_remote_lookup(remote.out(), repo, "origin") != 0) {
    *error = last_git_error();
    return false;
  }
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
  options.prune = GIT_FETCH_PRUNE;
  if (git_remote_fetch(remote.get(), nullptr, &options, "wws fetch") != 0) {
    *error = last_git_error();
    return false;
  }
  return true;
}

// The commit's files, once, into `dir` (written beside it and renamed, so a folder that exists is complete).
bool export_tree(git_repository* repo, const git_oid& oid, const fs::path& dir, std::string* error) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return true;
  const fs::path partial = dir.string() + ".partial";
  fs::remove_all(partial, ec);
  fs::create_directories(partial, ec);
  Object commit;
  if (git_object_lookup(commit.out(), repo, &oid, GIT_OBJECT_COMMIT) != 0) {
    *error = last_git_error();
    return false;
  }
  git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
  options.checkout_strategy = GIT_CHECKOUT_FORCE;
  const std::string target = partial.string();
  options.target_directory = target.c_str();
  if (git_checkout_tree(repo, commit.get(), &options) != 0) {
    *error = "cannot check out the files: " + last_git_error();
    fs::remove_all(partial, ec);
    return false;
  }
  fs::rename(partial, dir, ec);
  if (ec) {
    *error = "cannot move the checkout into place: " + ec.message();
    return false;
  }
  return true;
}

}  // namespace

bool is_git_url(std::string_view path) {
  if (path.starts_with("http://") || path.starts_with("https://"))
    return path.ends_with(".git") || path.ends_with(".git/");
  return path.starts_with("git://") || path.starts_with("file://");
}

fs::path git_cache_dir() {
  if (const char* dir = std::getenv("WWS_GIT_CACHE"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "wws" / "git";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "wws" / "git";
  return fs::temp_directory_path() / "wws-git";
}

std::optional<GitCheckout> checkout_git_project(const std::string& url, const GitRef& ref, const std::string& folder,
                                                std::string* error) {
  static Library library;
  const fs::path base = git_cache_dir() / util::sha256_hex(url);
  std::error_code ec;
  fs::create_directories(base, ec);
  if (ec) {
    *error = fmt::format("cannot create the git cache folder {}: {}", base.string(), ec.message());
    return std::nullopt;
  }
  FileLock lock(base / "lock");
  if (!lock.ok()) {
    *error = fmt::format("cannot lock the git cache folder {}", base.string());
    return std::nullopt;
  }

  GitCheckout out;
  const fs::path repo_dir = base / "repo.git";
  Repo repo;
  if (git_repository_open_bare(repo.out(), repo_dir.c_str()) == 0) {
    std::string why;
    if (!fetch(repo.get(), &why)) out.warning = fmt::format("cannot fetch {} ({}); serving the cached copy", url, why);
  } else {
    fs::remove_all(repo_dir, ec);
    git_clone_options options = GIT_CLONE_OPTIONS_INIT;
    options.bare = 1;
    options.fetch_opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
    // A bare clone maps branches to refs/heads/*; keep them as remote-tracking branches instead,
    // so that later fetches and the default-branch lookup work the same as after a first clone.
    options.remote_cb = [](git_remote** out, git_repository* r, const char* name, const char* u, void*) {
      return git_remote_create_with_fetchspec(out, r, name, u, "+refs/heads/*:refs/remotes/origin/*");
    };
    if (git_clone(repo.out(), url.c_str(), repo_dir.c_str(), &options) != 0) {
      *error = fmt::format("cannot clone {}: {}", url, last_git_error());
      fs::remove_all(repo_dir, ec);
      return std::nullopt;
    }
  }

  git_oid oid;
  if (!resolve(repo.get(), url, ref, &oid, &out.ref, error)) return std::nullopt;
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &oid);
  out.commit = hex;
  const fs::path tree = base / "trees" / out.commit;
  fs::create_directories(tree.parent_path(), ec);
  if (!export_tree(repo.get(), oid, tree, error)) {
    *error = fmt::format("{} at {}: {}", url, out.ref, *error);
    return std::nullopt;
  }
  out.root = tree;
  if (!folder.empty()) {
    // Inside the checkout only: "../x" or a symlink out of it is refused.
    const fs::path wanted = fs::weakly_canonical(tree / folder, ec);
    const std::string tree_str = fs::canonical(tree, ec).string() + "/";
    if (ec || !(wanted.string() + "/").starts_with(tree_str) || !fs::is_directory(wanted, ec)) {
      *error = fmt::format("the folder '{}' does not exist in {} at {} ({})", folder, url, out.ref,
                           out.commit.substr(0, 12));
      return std::nullopt;
    }
    out.root = wanted;
  }
  return out;
}

}  // namespace wws::project
