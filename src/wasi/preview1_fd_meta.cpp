// preview1: fd metadata and lifecycle (fdstat, filestat, prestat, close, renumber, sync, sizes).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "wasi/abi.h"
#include "wasi/preview1_impl.h"

namespace wws::wasi::p1 {

namespace {

// Calls that only make sense on a host file or directory: stdio answers `stdio_errno`.
Errno host_fd(CallFrame& f, uint32_t fd, Errno stdio_errno, FdEntry*& out) {
  out = f.ctx.fds().get(fd);
  if (!out) return Errno::Badf;
  if (out->is_stdio()) return stdio_errno;
  return Errno::Success;
}

uint16_t fdflags_of_host(int flags) {
  uint16_t out = 0;
  if (flags & O_APPEND) out |= abi::kFdflagAppend;
  if (flags & O_NONBLOCK) out |= abi::kFdflagNonblock;
  // O_SYNC includes the O_DSYNC bit on Linux, and O_RSYNC == O_SYNC.
  if ((flags & O_SYNC) == O_SYNC) out |= abi::kFdflagSync | abi::kFdflagRsync;
  if (flags & O_DSYNC) out |= abi::kFdflagDsync;
  return out;
}

}  // namespace

Errno fd_advise(CallFrame& f, Args a) {
  FdEntry* e;
  if (Errno err = host_fd(f, u32(a[0]), Errno::Spipe, e); err != Errno::Success) return err;
  int advice;
  switch (u32(a[3]) & 0xff) {
    case abi::kAdviceNormal: advice = POSIX_FADV_NORMAL; break;
    case abi::kAdviceSequential: advice = POSIX_FADV_SEQUENTIAL; break;
    case abi::kAdviceRandom: advice = POSIX_FADV_RANDOM; break;
    case abi::kAdviceWillNeed: advice = POSIX_FADV_WILLNEED; break;
    case abi::kAdviceDontNeed: advice = POSIX_FADV_DONTNEED; break;
    case abi::kAdviceNoReuse: advice = POSIX_FADV_NOREUSE; break;
    default: return Errno::Inval;
  }
  if (e->kind == FdKind::Directory) return Errno::IsDir;
  if (static_cast<int64_t>(a[1]) < 0 || static_cast<int64_t>(a[2]) < 0) return Errno::Inval;
  return errno_from_host(posix_fadvise(e->host.get(), static_cast<off_t>(a[1]), static_cast<off_t>(a[2]), advice));
}

Errno fd_allocate(CallFrame& f, Args a) {
  FdEntry* e;
  if (Errno err = host_fd(f, u32(a[0]), Errno::Spipe, e); err != Errno::Success) return err;
  if (e->kind == FdKind::Directory) return Errno::IsDir;
  int64_t offset = static_cast<int64_t>(a[1]), len = static_cast<int64_t>(a[2]);
  if (offset < 0 || len < 0) return Errno::Inval;
  if (len == 0) return Errno::Success;
  return errno_from_host(posix_fallocate(e->host.get(), offset, len));
}

Errno fd_close(CallFrame& f, Args a) { return f.ctx.fds().close(u32(a[0])); }

Errno fd_renumber(CallFrame& f, Args a) { return f.ctx.fds().renumber(u32(a[0]), u32(a[1])); }

Errno fd_datasync(CallFrame& f, Args a) {
  FdEntry* e;
  // Captured stdio has nothing to flush to disk.
  if (Errno err = host_fd(f, u32(a[0]), Errno::Success, e); err != Errno::Success || !e->host.valid()) return err;
  return ::fdatasync(e->host.get()) == 0 ? Errno::Success : errno_from_host(errno);
}

Errno fd_sync(CallFrame& f, Args a) {
  FdEntry* e;
  if (Errno err = host_fd(f, u32(a[0]), Errno::Success, e); err != Errno::Success || !e->host.valid()) return err;
  return ::fsync(e->host.get()) == 0 ? Errno::Success : errno_from_host(errno);
}

Errno fd_fdstat_get(CallFrame& f, Args a) {
  FdEntry* e = f.ctx.fds().get(u32(a[0]));
  if (!e) return Errno::Badf;
  uint64_t ptr = u32(a[1]);
  uint8_t* p = f.memory.range(ptr, abi::kFdstatSize);
  if (!p) return Errno::Fault;
  uint16_t flags = 0;
  if (e->host.valid()) {
    int host_flags = fcntl(e->host.get(), F_GETFL);
    if (host_flags >= 0) flags = fdflags_of_host(host_flags);
  }
  std::memset(p, 0, abi::kFdstatSize);
  f.memory.store_u8(ptr + abi::kFdstatFiletype, e->filetype);
  f.memory.store_u16(ptr + abi::kFdstatFlags, flags);
  f.memory.store_u64(ptr + abi::kFdstatRightsBase, e->rights_base);
  f.memory.store_u64(ptr + abi::kFdstatRightsInheriting, e->rights_inheriting);
  return Errno::Success;
}

Errno fd_fdstat_set_flags(CallFrame& f, Args a) {
  FdEntry* e;
  uint32_t wanted = u32(a[1]) & 0xffff;
  if (Errno err = host_fd(f, u32(a[0]), Errno::Success, e); err != Errno::Success || !e->host.valid()) return err;
  // Linux cannot change the sync flags of an open file.
  if (wanted & (abi::kFdflagDsync | abi::kFdflagRsync | abi::kFdflagSync)) return Errno::NotSup;
  if (wanted & ~uint32_t{abi::kFdflagAppend | abi::kFdflagNonblock}) return Errno::Inval;
  int flags = fcntl(e->host.get(), F_GETFL);
  if (flags < 0) return errno_from_host(errno);
  flags &= ~(O_APPEND | O_NONBLOCK);
  if (wanted & abi::kFdflagAppend) flags |= O_APPEND;
  if (wanted & abi::kFdflagNonblock) flags |= O_NONBLOCK;
  return fcntl(e->host.get(), F_SETFL, flags) == 0 ? Errno::Success : errno_from_host(errno);
}

Errno fd_fdstat_set_rights(CallFrame& f, Args a) {
  FdEntry* e = f.ctx.fds().get(u32(a[0]));
  if (!e) return Errno::Badf;
  uint64_t base = a[1], inheriting = a[2];
  // Rights can only shrink.
  if ((base & ~e->rights_base) || (inheriting & ~e->rights_inheriting)) return Errno::NotCapable;
  e->rights_base = base;
  e->rights_inheriting = inheriting;
  return Errno::Success;
}

Errno fd_filestat_get(CallFrame& f, Args a) {
  FdEntry* e = f.ctx.fds().get(u32(a[0]));
  if (!e) return Errno::Badf;
  uint64_t ptr = u32(a[1]);
  if (e->is_stdio()) {
    uint8_t* p = f.memory.range(ptr, abi::kFilestatSize);
    if (!p) return Errno::Fault;
    std::memset(p, 0, abi::kFilestatSize);
    f.memory.store_u8(ptr + abi::kFilestatFiletype, abi::kFiletypeCharacterDevice);
    f.memory.store_u64(ptr + abi::kFilestatNlink, 1);
    return Errno::Success;
  }
  if (!f.memory.range(ptr, abi::kFilestatSize)) return Errno::Fault;
  struct stat st {};
  if (::fstat(e->host.get(), &st) != 0) return errno_from_host(errno);
  return write_filestat(f.memory, ptr, st);
}

Errno fd_filestat_set_size(CallFrame& f, Args a) {
  FdEntry* e;
  if (Errno err = host_fd(f, u32(a[0]), Errno::Inval, e); err != Errno::Success) return err;
  if (e->kind == FdKind::Directory) return Errno::IsDir;
  if (static_cast<int64_t>(a[1]) < 0) return Errno::Inval;
  return ::ftruncate(e->host.get(), static_cast<off_t>(a[1])) == 0 ? Errno::Success : errno_from_host(errno);
}

Errno fd_filestat_set_times(CallFrame& f, Args a) {
  FdEntry* e;
  struct timespec times[2];
  if (Errno err = times_from_flags(a[1], a[2], u32(a[3]), times); err != Errno::Success) return err;
  if (Errno err = host_fd(f, u32(a[0]), Errno::NotSup, e); err != Errno::Success) return err;
  // AT_EMPTY_PATH also works for O_PATH descriptors (a preopen we could not open for reading).
  if (::utimensat(e->host.get(), "", times, AT_EMPTY_PATH) == 0) return Errno::Success;
  return errno_from_host(errno);
}

Errno fd_prestat_get(CallFrame& f, Args a) {
  FdEntry* e = f.ctx.fds().get(u32(a[0]));
  // wasi-libc scans fds 3.. until EBADF, so anything that is not a preopen must answer EBADF.
  if (!e || !e->preopen_guest_path) return Errno::Badf;
  uint64_t ptr = u32(a[1]);
  if (!f.memory.range(ptr, abi::kPrestatSize)) return Errno::Fault;
  f.memory.store_u32(ptr, 0);
  f.memory.store_u8(ptr, abi::kPreopenDir);
  f.memory.store_u32(ptr + abi::kPrestatNameLen, static_cast<uint32_t>(e->preopen_guest_path->size()));
  return Errno::Success;
}

Errno fd_prestat_dir_name(CallFrame& f, Args a) {
  FdEntry* e = f.ctx.fds().get(u32(a[0]));
  if (!e || !e->preopen_guest_path) return Errno::Badf;
  const std::string& name = *e->preopen_guest_path;
  uint32_t len = u32(a[2]);
  if (!f.memory.range(u32(a[1]), len)) return Errno::Fault;
  if (len < name.size()) return Errno::NameTooLong;
  f.memory.store_bytes(u32(a[1]), name.data(), name.size());
  return Errno::Success;
}

}  // namespace wws::wasi::p1
