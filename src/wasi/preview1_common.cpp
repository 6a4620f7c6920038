// Helpers shared by the preview1 host functions: guest memory decoding and stat conversion.
#include <climits>

#include "wasi/abi.h"
#include "wasi/preview1_impl.h"

namespace wws::wasi::p1 {

Errno read_iovecs(const GuestMemory& mem, uint64_t iovs, uint32_t count, std::vector<iovec>& out) {
  out.clear();
  if (!mem.range(iovs, uint64_t{count} * abi::kIovecSize)) return Errno::Fault;
  uint32_t n = std::min(count, kMaxIovecs);
  out.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t buf = 0, len = 0;
    mem.load_u32(iovs + i * abi::kIovecSize, buf);
    mem.load_u32(iovs + i * abi::kIovecSize + 4, len);
    uint8_t* p = mem.range(buf, len);
    if (!p) return Errno::Fault;
    out.push_back({p, len});
  }
  return Errno::Success;
}

Errno read_path(const GuestMemory& mem, uint64_t ptr, uint64_t len, std::string& out) {
  std::string_view view;
  if (!mem.string(ptr, len, view)) return Errno::Fault;
  if (len >= PATH_MAX) return Errno::NameTooLong;
  out.assign(view);
  return Errno::Success;
}

Errno directory_fd(CallFrame& f, uint32_t fd, FdEntry*& out) {
  out = f.ctx.fds().get(fd);
  if (!out) return Errno::Badf;
  if (out->kind != FdKind::Directory) return Errno::NotDir;
  return Errno::Success;
}

uint8_t filetype_of_mode(unsigned mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return abi::kFiletypeRegularFile;
    case S_IFDIR: return abi::kFiletypeDirectory;
    case S_IFLNK: return abi::kFiletypeSymbolicLink;
    case S_IFCHR: return abi::kFiletypeCharacterDevice;
    case S_IFBLK: return abi::kFiletypeBlockDevice;
    case S_IFSOCK: return abi::kFiletypeSocketStream;
    default: return abi::kFiletypeUnknown;  // FIFOs have no WASI filetype
  }
}

namespace {
uint64_t nanos(const struct ::timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}
}  // namespace

Errno write_filestat(const GuestMemory& mem, uint64_t ptr, const struct ::stat& st) {
  uint8_t* p = mem.range(ptr, abi::kFilestatSize);
  if (!p) return Errno::Fault;
  std::memset(p, 0, abi::kFilestatSize);
  mem.store_u64(ptr + abi::kFilestatDev, st.st_dev);
  mem.store_u64(ptr + abi::kFilestatIno, st.st_ino);
  mem.store_u8(ptr + abi::kFilestatFiletype, filetype_of_mode(st.st_mode));
  mem.store_u64(ptr + abi::kFilestatNlink, st.st_nlink);
  mem.store_u64(ptr + abi::kFilestatSize_, static_cast<uint64_t>(st.st_size));
  mem.store_u64(ptr + abi::kFilestatAtim, nanos(st.st_atim));
  mem.store_u64(ptr + abi::kFilestatMtim, nanos(st.st_mtim));
  mem.store_u64(ptr + abi::kFilestatCtim, nanos(st.st_ctim));
  return Errno::Success;
}

Errno times_from_flags(uint64_t atim, uint64_t mtim, uint32_t fst_flags, struct ::timespec out[2]) {
  if (fst_flags & ~uint32_t{abi::kFstAtim | abi::kFstAtimNow | abi::kFstMtim | abi::kFstMtimNow}) return Errno::Inval;
  if ((fst_flags & abi::kFstAtim) && (fst_flags & abi::kFstAtimNow)) return Errno::Inval;
  if ((fst_flags & abi::kFstMtim) && (fst_flags & abi::kFstMtimNow)) return Errno::Inval;
  auto one = [](uint64_t t, bool set, bool now, struct ::timespec& ts) {
    ts.tv_sec = static_cast<time_t>(t / 1000000000ull);
    ts.tv_nsec = static_cast<long>(t % 1000000000ull);
    if (now) ts.tv_nsec = UTIME_NOW;
    else if (!set) ts.tv_nsec = UTIME_OMIT;
  };
  one(atim, fst_flags & abi::kFstAtim, fst_flags & abi::kFstAtimNow, out[0]);
  one(mtim, fst_flags & abi::kFstMtim, fst_flags & abi::kFstMtimNow, out[1]);
  return Errno::Success;
}

}  // namespace wws::wasi::p1
