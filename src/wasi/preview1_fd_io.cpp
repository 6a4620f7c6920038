// preview1: reading, writing and seeking. Stdio is virtual: fd 0 reads the request from
// config.stdin_data, fd 1 appends to the captured stdout (capped), fd 2 goes to stderr_sink.
#include <unistd.h>

#include <cerrno>

#include "wasi/abi.h"
#include "wasi/preview1_impl.h"

namespace wws::wasi::p1 {

namespace {

uint64_t total_length(const std::vector<iovec>& iovs) {
  uint64_t total = 0;
  for (const iovec& v : iovs) total += v.iov_len;
  return total;
}

size_t read_stdin(WasiContext& ctx, const std::vector<iovec>& iovs) {
  std::string_view data = ctx.config().stdin_data;
  size_t& offset = ctx.stdin_offset();
  size_t done = 0;
  for (const iovec& v : iovs) {
    if (offset >= data.size()) break;
    size_t n = std::min(v.iov_len, data.size() - offset);
    std::memcpy(v.iov_base, data.data() + offset, n);
    offset += n;
    done += n;
  }
  return done;
}

Errno write_stdio(WasiContext& ctx, FdKind kind, const std::vector<iovec>& iovs, uint64_t& written) {
  uint64_t total = total_length(iovs);
  if (kind == FdKind::Stdout) {
    std::string& out = ctx.stdout_buffer();
    if (total > ctx.config().stdout_limit || out.size() > ctx.config().stdout_limit - total) return Errno::Fbig;
    for (const iovec& v : iovs) out.append(static_cast<const char*>(v.iov_base), v.iov_len);
  } else if (ctx.config().stderr_sink && total > 0) {
    std::string text;
    text.reserve(total);
    for (const iovec& v : iovs) text.append(static_cast<const char*>(v.iov_base), v.iov_len);
    ctx.config().stderr_sink(text);
  }
  written = total;
  return Errno::Success;
}

// Shared shape of fd_read/fd_write/fd_pread/fd_pwrite: decode iovecs, do the I/O, store the count.
Errno stored(const GuestMemory& mem, uint64_t result_ptr, uint64_t count) {
  return mem.store_u32(result_ptr, static_cast<uint32_t>(count)) ? Errno::Success : Errno::Fault;
}

}  // namespace

Errno fd_read(CallFrame& f, Args a) {
  FdEntry* e = f.ctx.fds().get(u32(a[0]));
  if (!e) return Errno::Badf;
  std::vector<iovec> iovs;
  if (Errno err = read_iovecs(f.memory, u32(a[1]), u32(a[2]), iovs); err != Errno::Success) return err;
  if (!f.memory.range(u32(a[3]), 4)) return Errno::Fault;
  if (e->kind == FdKind::Stdin) return stored(f.memory, u32(a[3]), read_stdin(f.ctx, iovs));
  if (e->is_stdio()) return Errno::Badf;
  ssize_t n;
  do n = ::readv(e->host.get(), iovs.data(), static_cast<int>(iovs.size()));
  while (n < 0 && errno == EINTR);
  if (n < 0) return errno_from_host(errno);
  return stored(f.memory, u32(a[3]), static_cast<uint64_t>(n));
}

Errno fd_write(CallFrame& f, Args a) {
  FdEntry* e = f.ctx.fds().get(u32(a[0]));
  if (!e) return Errno::Badf;
  std::vector<iovec> iovs;
  if (Errno err = read_iovecs(f.memory, u32(a[1]), u32(a[2]), iovs); err != Errno::Success) return err;
  if (!f.memory.range(u32(a[3]), 4)) return Errno::Fault;
  if (e->kind == FdKind::Stdout || e->kind == FdKind::Stderr) {
    uint64_t written = 0;
    if (Errno err = write_stdio(f.ctx, e->kind, iovs, written); err != Errno::Success) return err;
    return stored(f.memory, u32(a[3]), written);
  }
  if (e->is_stdio()) return Errno::Badf;
  ssize_t n;
  do n = ::writev(e->host.get(), iovs.data(), static_cast<int>(iovs.size()));
  while (n < 0 && errno == EINTR);
  if (n < 0) return errno_from_host(errno);
  return stored(f.memory, u32(a[3]), static_cast<uint64_t>(n));
}

namespace {

// fd_pread and fd_pwrite differ only in the system call: (fd, iovs, iovs_len, offset, nread_ptr).
template <ssize_t (*Syscall)(int, const iovec*, int, off_t)>
Errno positioned_io(CallFrame& f, Args a) {
  FdEntry* e = f.ctx.fds().get(u32(a[0]));
  if (!e) return Errno::Badf;
  std::vector<iovec> iovs;
  if (Errno err = read_iovecs(f.memory, u32(a[1]), u32(a[2]), iovs); err != Errno::Success) return err;
  if (!f.memory.range(u32(a[4]), 4)) return Errno::Fault;
  if (e->is_stdio()) return Errno::Spipe;
  if (static_cast<int64_t>(a[3]) < 0) return Errno::Inval;
  ssize_t n;
  do n = Syscall(e->host.get(), iovs.data(), static_cast<int>(iovs.size()), static_cast<off_t>(a[3]));
  while (n < 0 && errno == EINTR);
  if (n < 0) return errno_from_host(errno);
  return stored(f.memory, u32(a[4]), static_cast<uint64_t>(n));
}

}  // namespace

Errno fd_pread(CallFrame& f, Args a) { return positioned_io<::preadv>(f, a); }

Errno fd_pwrite(CallFrame& f, Args a) { return positioned_io<::pwritev>(f, a); }

Errno fd_seek(CallFrame& f, Args a) {
  FdEntry* e = f.ctx.fds().get(u32(a[0]));
  if (!e) return Errno::Badf;
  int whence;
  switch (u32(a[2]) & 0xff) {
    case abi::kWhenceSet: whence = SEEK_SET; break;
    case abi::kWhenceCur: whence = SEEK_CUR; break;
    case abi::kWhenceEnd: whence = SEEK_END; break;
    default: return Errno::Inval;
  }
  if (!f.memory.range(u32(a[3]), 8)) return Errno::Fault;
  if (e->is_stdio()) return Errno::Spipe;
  off_t pos = ::lseek(e->host.get(), static_cast<off_t>(static_cast<int64_t>(a[1])), whence);
  if (pos < 0) return errno_from_host(errno);
  f.memory.store_u64(u32(a[3]), static_cast<uint64_t>(pos));
  return Errno::Success;
}

Errno fd_tell(CallFrame& f, Args a) {
  FdEntry* e = f.ctx.fds().get(u32(a[0]));
  if (!e) return Errno::Badf;
  if (!f.memory.range(u32(a[1]), 8)) return Errno::Fault;
  if (e->is_stdio()) return Errno::Spipe;
  off_t pos = ::lseek(e->host.get(), 0, SEEK_CUR);
  if (pos < 0) return errno_from_host(errno);
  f.memory.store_u64(u32(a[1]), static_cast<uint64_t>(pos));
  return Errno::Success;
}

}  // namespace wws::wasi::p1
