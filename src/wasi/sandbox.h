// Sandboxed path resolution: every guest path is resolved beneath a directory fd with openat2
// (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS), so neither "..", absolute paths nor symlinks can
// reach outside the preopened folder. The kernel does the walk; we never re-implement it.
#pragma once
#include <string>
#include <string_view>

#include "wasi/errno.h"
#include "wasi/fd_table.h"

namespace wws::wasi {

// Rejects what no sandboxed lookup may contain: empty (ENOENT), embedded NUL (EINVAL), too long
// (ENAMETOOLONG) or absolute (ENOTCAPABLE).
Errno check_guest_path(std::string_view path);

// openat2(dirfd, path, flags, mode) beneath dirfd. An escape attempt answers ENOTCAPABLE.
Errno open_beneath(int dirfd, std::string_view path, int flags, unsigned mode, UniqueFd& out);

// For calls that name an entry rather than open it (mkdir, unlink, rename, symlink, link): the
// directory holding the last component, opened beneath dirfd, and the last component itself
// (with any trailing slashes kept, so "file/" still fails with ENOTDIR in the *at() call).
struct ParentDir {
  UniqueFd dir;
  std::string name;     // last component, trailing slashes kept
  bool is_dot = false;  // the last component is "." or ".."
};
Errno open_parent_beneath(int dirfd, std::string_view path, ParentDir& out);

// For a path relative to a MountedRoot's "/" (wasi/context.h): the folder it must be resolved
// beneath (the mount with the longest prefix, else `root_fd`) and the path inside it. ".." and
// "." are resolved lexically first, so "src/../data/x" lands in the /data mount and no path can
// climb out of "/"; a trailing slash is kept.
struct Grafted {
  int dirfd = -1;
  std::string path;
};
Grafted graft(const MountTable& mounts, int root_fd, std::string_view path);

}  // namespace wws::wasi
