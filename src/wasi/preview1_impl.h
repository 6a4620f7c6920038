// Internal to wasi/: the preview1 host functions (each returns a WASI errno; preview1_table.cpp
// adapts them to HostFn) and the helpers they share for reading guest memory safely.
#pragma once
#include <sys/stat.h>
#include <sys/uio.h>

#include <algorithm>
#include <cstring>
#include <ctime>

#include <cstdint>
#include <string>
#include <vector>

#include "wasi/context.h"
#include "wasi/errno.h"
#include "wasi/fd_table.h"
#include "wasi/host.h"

namespace wws::wasi::p1 {

using Args = const uint64_t*;

inline uint32_t u32(uint64_t v) { return static_cast<uint32_t>(v); }

// Bounds how much one call gathers, so a guest-given count cannot make the host allocate without
// limit; calls process at most this many buffers (a short read/write, which POSIX allows).
inline constexpr uint32_t kMaxIovecs = 1024;

// Reads a guest iovec array, checking the array and every buffer against guest memory.
Errno read_iovecs(const GuestMemory& mem, uint64_t iovs, uint32_t count, std::vector<iovec>& out);
// Reads a guest path string (EFAULT out of bounds, ENAMETOOLONG if longer than PATH_MAX).
Errno read_path(const GuestMemory& mem, uint64_t ptr, uint64_t len, std::string& out);
// The entry behind a fd that path_* calls resolve against: EBADF if closed, ENOTDIR if not a
// directory.
Errno directory_fd(CallFrame& f, uint32_t fd, FdEntry*& out);
// WASI filetype of a host st_mode.
uint8_t filetype_of_mode(unsigned mode);
// Writes a struct filestat from a host stat.
Errno write_filestat(const GuestMemory& mem, uint64_t ptr, const struct ::stat& st);
// Turns fst_flags + times into the timespec pair of futimens/utimensat.
Errno times_from_flags(uint64_t atim, uint64_t mtim, uint32_t fst_flags, struct ::timespec out[2]);

#define WWS_P1(name) Errno name(CallFrame& f, Args a)
WWS_P1(args_get);
WWS_P1(args_sizes_get);
WWS_P1(environ_get);
WWS_P1(environ_sizes_get);
WWS_P1(clock_res_get);
WWS_P1(clock_time_get);
WWS_P1(random_get);
WWS_P1(proc_exit);
WWS_P1(proc_raise);
WWS_P1(sched_yield);
WWS_P1(fd_advise);
WWS_P1(fd_allocate);
WWS_P1(fd_close);
WWS_P1(fd_datasync);
WWS_P1(fd_fdstat_get);
WWS_P1(fd_fdstat_set_flags);
WWS_P1(fd_fdstat_set_rights);
WWS_P1(fd_filestat_get);
WWS_P1(fd_filestat_set_size);
WWS_P1(fd_filestat_set_times);
WWS_P1(fd_pread);
WWS_P1(fd_prestat_get);
WWS_P1(fd_prestat_dir_name);
WWS_P1(fd_pwrite);
WWS_P1(fd_read);
WWS_P1(fd_readdir);
WWS_P1(fd_renumber);
WWS_P1(fd_seek);
WWS_P1(fd_sync);
WWS_P1(fd_tell);
WWS_P1(fd_write);
WWS_P1(path_create_directory);
WWS_P1(path_filestat_get);
WWS_P1(path_filestat_set_times);
WWS_P1(path_link);
WWS_P1(path_open);
WWS_P1(path_readlink);
WWS_P1(path_remove_directory);
WWS_P1(path_rename);
WWS_P1(path_symlink);
WWS_P1(path_unlink_file);
WWS_P1(poll_oneoff);
WWS_P1(sock_accept);
WWS_P1(sock_recv);
WWS_P1(sock_send);
WWS_P1(sock_shutdown);
#undef WWS_P1

}  // namespace wws::wasi::p1
