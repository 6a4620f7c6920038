// preview1: fd_readdir. The listing is read once per rewind (cookie 0) into a snapshot; a
// cookie is the index of the next entry in it, so paging with small buffers is stable.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "wasi/abi.h"
#include "wasi/preview1_impl.h"

namespace wws::wasi::p1 {

namespace {

uint8_t filetype_of_dirent(int dirfd, const struct dirent& d) {
  switch (d.d_type) {
    case DT_REG: return abi::kFiletypeRegularFile;
    case DT_DIR: return abi::kFiletypeDirectory;
    case DT_LNK: return abi::kFiletypeSymbolicLink;
    case DT_CHR: return abi::kFiletypeCharacterDevice;
    case DT_BLK: return abi::kFiletypeBlockDevice;
    case DT_SOCK: return abi::kFiletypeSocketStream;
    case DT_UNKNOWN: {
      // Some filesystems do not fill d_type.
      struct stat st {};
      if (fstatat(dirfd, d.d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) return filetype_of_mode(st.st_mode);
      return abi::kFiletypeUnknown;
    }
    default: return abi::kFiletypeUnknown;
  }
}

Errno read_listing(int dirfd, std::vector<DirEntry>& out) {
  // A duplicate for the DIR stream; it shares the offset, so rewind first.
  int dup_fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) return errno_from_host(errno);
  DIR* dir = fdopendir(dup_fd);
  if (!dir) {
    int saved = errno;
    ::close(dup_fd);
    return errno_from_host(saved);
  }
  rewinddir(dir);
  errno = 0;
  while (struct dirent* d = readdir(dir)) {
    out.push_back({d->d_name, d->d_ino, filetype_of_dirent(dirfd, *d)});
    errno = 0;
  }
  int saved = errno;
  closedir(dir);
  return errno_from_host(saved);
}

}  // namespace

Errno fd_readdir(CallFrame& f, Args a) {
  FdEntry* e = f.ctx.fds().get(u32(a[0]));
  if (!e) return Errno::Badf;
  uint64_t buf = u32(a[1]);
  uint32_t buf_len = u32(a[2]);
  uint64_t cookie = a[3];
  uint64_t used_ptr = u32(a[4]);
  if (!f.memory.range(buf, buf_len) || !f.memory.range(used_ptr, 4)) return Errno::Fault;
  if (e->kind != FdKind::Directory) return Errno::NotDir;

  if (cookie == 0 || !e->listing) {
    auto listing = std::make_shared<std::vector<DirEntry>>();
    if (Errno err = read_listing(e->host.get(), *listing); err != Errno::Success) return err;
    e->listing = std::move(listing);
  }
  const std::vector<DirEntry>& entries = *e->listing;

  // Entries are written whole until the buffer runs out; the last one may be cut short, and a
  // full buffer tells the guest to call again from the last whole entry's d_next.
  uint64_t used = 0;
  for (uint64_t i = cookie; i < entries.size() && used < buf_len; ++i) {
    const DirEntry& d = entries[i];
    uint8_t header[abi::kDirentSize] = {};
    uint64_t next = i + 1;
    uint32_t namlen = static_cast<uint32_t>(d.name.size());
    std::memcpy(header + abi::kDirentNext, &next, 8);
    std::memcpy(header + abi::kDirentIno, &d.ino, 8);
    std::memcpy(header + abi::kDirentNamlen, &namlen, 4);
    header[abi::kDirentType] = d.filetype;
    uint64_t n = std::min<uint64_t>(abi::kDirentSize, buf_len - used);
    f.memory.store_bytes(buf + used, header, n);
    used += n;
    n = std::min<uint64_t>(d.name.size(), buf_len - used);
    f.memory.store_bytes(buf + used, d.name.data(), n);
    used += n;
  }
  f.memory.store_u32(used_ptr, static_cast<uint32_t>(used));
  return Errno::Success;
}

}  // namespace wws::wasi::p1
