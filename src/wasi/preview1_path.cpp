// preview1: path_* calls. Every path is resolved beneath the directory fd it is relative to
// (sandbox.h): calls that act on an existing object open it with O_PATH beneath the directory and
// act on that fd; calls that create, remove or rename an entry open its parent beneath the
// directory and use the *at() call on the last component, which the kernel never follows.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <string>

#include "wasi/abi.h"
#include "wasi/preview1_impl.h"
#include "wasi/sandbox.h"

namespace wws::wasi::p1 {

namespace {

Errno host_result(int rc) { return rc == 0 ? Errno::Success : errno_from_host(errno); }

// The host directory a guest path is resolved beneath, and the path inside it.
struct DirPath {
  int dirfd = -1;
  std::string path;
};

Errno dir_path(CallFrame& f, uint64_t fd, uint64_t ptr, uint64_t len, DirPath& out) {
  FdEntry* dir = nullptr;
  if (Errno e = directory_fd(f, u32(fd), dir); e != Errno::Success) return e;
  if (Errno e = read_path(f.memory, u32(ptr), u32(len), out.path); e != Errno::Success) return e;
  out.dirfd = dir->host.get();
  if (dir->mounts) {
    if (Errno e = check_guest_path(out.path); e != Errno::Success) return e;
    Grafted g = graft(*dir->mounts, out.dirfd, out.path);
    out.dirfd = g.dirfd;
    out.path = std::move(g.path);
  }
  return Errno::Success;
}

Errno parent_of(CallFrame& f, uint64_t fd, uint64_t ptr, uint64_t len, Errno dot_errno, ParentDir& out) {
  DirPath dp;
  if (Errno e = dir_path(f, fd, ptr, len, dp); e != Errno::Success) return e;
  if (Errno e = open_parent_beneath(dp.dirfd, dp.path, out); e != Errno::Success) return e;
  // "." and ".." name directories, never an entry that could be created, removed or renamed.
  return out.is_dot ? dot_errno : Errno::Success;
}

// Opens the object a path names (O_PATH: no permission needed, no side effects).
Errno object_of(CallFrame& f, uint64_t fd, uint64_t ptr, uint64_t len, bool follow, UniqueFd& out) {
  DirPath dp;
  if (Errno e = dir_path(f, fd, ptr, len, dp); e != Errno::Success) return e;
  return open_beneath(dp.dirfd, dp.path, O_PATH | (follow ? 0 : O_NOFOLLOW), 0, out);
}

int host_open_flags(uint32_t oflags, uint32_t fdflags, uint32_t lookup, uint64_t rights) {
  int flags = O_NOCTTY;
  if (oflags & abi::kOflagCreat) flags |= O_CREAT;
  if (oflags & abi::kOflagDirectory) flags |= O_DIRECTORY;
  if (oflags & abi::kOflagExcl) flags |= O_EXCL;
  if (oflags & abi::kOflagTrunc) flags |= O_TRUNC;
  if (!(lookup & abi::kLookupSymlinkFollow)) flags |= O_NOFOLLOW;
  if (fdflags & abi::kFdflagAppend) flags |= O_APPEND;
  if (fdflags & abi::kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & abi::kFdflagNonblock) flags |= O_NONBLOCK;
  if (fdflags & abi::kFdflagRsync) flags |= O_RSYNC;
  if (fdflags & abi::kFdflagSync) flags |= O_SYNC;
  bool read = rights & abi::kRightsNeedingRead;
  bool write = rights & abi::kRightsNeedingWrite;
  if ((oflags & abi::kOflagDirectory) || !write) flags |= O_RDONLY;
  else flags |= read ? O_RDWR : O_WRONLY;
  return flags;
}

}  // namespace

Errno path_open(CallFrame& f, Args a) {
  DirPath dp;
  if (Errno e = dir_path(f, a[0], a[2], a[3], dp); e != Errno::Success) return e;
  uint64_t result_ptr = u32(a[8]);
  if (!f.memory.range(result_ptr, 4)) return Errno::Fault;
  uint32_t oflags = u32(a[4]) & 0xffff, fdflags = u32(a[7]) & 0xffff, lookup = u32(a[1]);
  uint64_t rights = a[5] & abi::kRightsAll, inheriting = a[6] & abi::kRightsAll;
  int flags = host_open_flags(oflags, fdflags, lookup, rights);

  UniqueFd opened;
  Errno err = open_beneath(dp.dirfd, dp.path, flags, 0666, opened);
  // A guest that asked for neither reading nor writing (only path or stat rights) still gets
  // an fd on something it may not read, as O_PATH.
  if (err == Errno::Acces && !(rights & (abi::kRightsNeedingRead | abi::kRightsNeedingWrite)) && !(flags & O_CREAT))
    err = open_beneath(dp.dirfd, dp.path, O_PATH | (flags & (O_DIRECTORY | O_NOFOLLOW)), 0, opened);
  if (err != Errno::Success) return err;

  struct stat st {};
  if (::fstat(opened.get(), &st) != 0) return errno_from_host(errno);
  FdEntry entry;
  entry.kind = S_ISDIR(st.st_mode) ? FdKind::Directory : FdKind::File;
  entry.host = std::move(opened);
  entry.filetype = filetype_of_mode(st.st_mode);
  entry.rights_base = rights;
  entry.rights_inheriting = inheriting;
  uint32_t fd = 0;
  if (Errno e = f.ctx.fds().insert(std::move(entry), fd); e != Errno::Success) return e;
  f.memory.store_u32(result_ptr, fd);
  return Errno::Success;
}

Errno path_create_directory(CallFrame& f, Args a) {
  ParentDir p;
  if (Errno e = parent_of(f, a[0], a[1], a[2], Errno::Exist, p); e != Errno::Success) return e;
  return host_result(::mkdirat(p.dir.get(), p.name.c_str(), 0777));
}

Errno path_remove_directory(CallFrame& f, Args a) {
  ParentDir p;
  if (Errno e = parent_of(f, a[0], a[1], a[2], Errno::Inval, p); e != Errno::Success) return e;
  return host_result(::unlinkat(p.dir.get(), p.name.c_str(), AT_REMOVEDIR));
}

Errno path_unlink_file(CallFrame& f, Args a) {
  ParentDir p;
  if (Errno e = parent_of(f, a[0], a[1], a[2], Errno::IsDir, p); e != Errno::Success) return e;
  return host_result(::unlinkat(p.dir.get(), p.name.c_str(), 0));
}

Errno path_rename(CallFrame& f, Args a) {
  ParentDir from, to;
  if (Errno e = parent_of(f, a[0], a[1], a[2], Errno::Busy, from); e != Errno::Success) return e;
  if (Errno e = parent_of(f, a[3], a[4], a[5], Errno::Busy, to); e != Errno::Success) return e;
  return host_result(::renameat(from.dir.get(), from.name.c_str(), to.dir.get(), to.name.c_str()));
}

Errno path_symlink(CallFrame& f, Args a) {
  std::string target;
  if (Errno e = read_path(f.memory, u32(a[0]), u32(a[1]), target); e != Errno::Success) return e;
  if (target.empty()) return Errno::NoEnt;
  if (target.find('\0') != std::string::npos) return Errno::Inval;
  // Resolution is confined anyway, but an absolute target could only ever point outside.
  if (target.front() == '/') return Errno::NotCapable;
  ParentDir p;
  if (Errno e = parent_of(f, a[2], a[3], a[4], Errno::Exist, p); e != Errno::Success) return e;
  return host_result(::symlinkat(target.c_str(), p.dir.get(), p.name.c_str()));
}

Errno path_link(CallFrame& f, Args a) {
  ParentDir to;
  if (Errno e = parent_of(f, a[4], a[5], a[6], Errno::Exist, to); e != Errno::Success) return e;
  if (u32(a[1]) & abi::kLookupSymlinkFollow) {
    // Following the source's symlinks must stay beneath its directory: resolve it with openat2,
    // then link the resolved object through its /proc/self/fd entry.
    UniqueFd source;
    if (Errno e = object_of(f, a[0], a[2], a[3], true, source); e != Errno::Success) return e;
    std::string proc = "/proc/self/fd/" + std::to_string(source.get());
    return host_result(::linkat(AT_FDCWD, proc.c_str(), to.dir.get(), to.name.c_str(), AT_SYMLINK_FOLLOW));
  }
  ParentDir from;
  if (Errno e = parent_of(f, a[0], a[2], a[3], Errno::Perm, from); e != Errno::Success) return e;
  return host_result(::linkat(from.dir.get(), from.name.c_str(), to.dir.get(), to.name.c_str(), 0));
}

Errno path_readlink(CallFrame& f, Args a) {
  uint64_t buf = u32(a[3]);
  uint32_t buf_len = u32(a[4]);
  uint64_t used_ptr = u32(a[5]);
  UniqueFd link;
  if (Errno e = object_of(f, a[0], a[1], a[2], false, link); e != Errno::Success) return e;
  if (!f.memory.range(buf, buf_len) || !f.memory.range(used_ptr, 4)) return Errno::Fault;
  struct stat st {};
  if (::fstat(link.get(), &st) != 0) return errno_from_host(errno);
  if (!S_ISLNK(st.st_mode)) return Errno::Inval;
  char target[PATH_MAX];
  ssize_t n = ::readlinkat(link.get(), "", target, sizeof(target));
  if (n < 0) return errno_from_host(errno);
  // Like readlink(2), a short buffer gets a truncated target.
  uint32_t copied = static_cast<uint32_t>(std::min<uint64_t>(static_cast<uint64_t>(n), buf_len));
  f.memory.store_bytes(buf, target, copied);
  f.memory.store_u32(used_ptr, copied);
  return Errno::Success;
}

Errno path_filestat_get(CallFrame& f, Args a) {
  UniqueFd object;
  bool follow = u32(a[1]) & abi::kLookupSymlinkFollow;
  if (Errno e = object_of(f, a[0], a[2], a[3], follow, object); e != Errno::Success) return e;
  uint64_t ptr = u32(a[4]);
  if (!f.memory.range(ptr, abi::kFilestatSize)) return Errno::Fault;
  struct stat st {};
  if (::fstat(object.get(), &st) != 0) return errno_from_host(errno);
  return write_filestat(f.memory, ptr, st);
}

Errno path_filestat_set_times(CallFrame& f, Args a) {
  struct timespec times[2];
  if (Errno e = times_from_flags(a[4], a[5], u32(a[6]), times); e != Errno::Success) return e;
  UniqueFd object;
  bool follow = u32(a[1]) & abi::kLookupSymlinkFollow;
  if (Errno e = object_of(f, a[0], a[2], a[3], follow, object); e != Errno::Success) return e;
  int flags = AT_EMPTY_PATH | (follow ? 0 : AT_SYMLINK_NOFOLLOW);
  return host_result(::utimensat(object.get(), "", times, flags));
}

}  // namespace wws::wasi::p1
