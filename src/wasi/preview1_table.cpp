// The wasi_snapshot_preview1 import table with the witx signatures. The adapter turns each
// function's Errno into the i32 result and keeps C++ exceptions (e.g. bad_alloc) from crossing
// into the engine: they become a trap.
#include <exception>
#include <string>

#include "wasi/preview1_impl.h"

namespace wws::wasi {

namespace {

using p1::Args;
using Impl = Errno (*)(CallFrame&, Args);

template <Impl F>
uint64_t adapt(CallFrame& frame, const uint64_t* args) noexcept {
  try {
    return static_cast<uint64_t>(F(frame, args));
  } catch (const std::exception& e) {
    frame.ctx.request_trap(std::string("WASI host failure: ") + e.what());
  } catch (...) {
    frame.ctx.request_trap("WASI host failure");
  }
  return static_cast<uint64_t>(Errno::Io);
}

constexpr std::string_view kModule = "wasi_snapshot_preview1";
constexpr ValType I32 = ValType::I32;
constexpr ValType I64 = ValType::I64;

#define WWS_FN(name, ...) \
  HostFunction { kModule, #name, {__VA_ARGS__}, {I32}, &adapt<&p1::name> }

const std::vector<HostFunction>& table() {
  static const std::vector<HostFunction> functions = {
      WWS_FN(args_get, I32, I32),
      WWS_FN(args_sizes_get, I32, I32),
      WWS_FN(environ_get, I32, I32),
      WWS_FN(environ_sizes_get, I32, I32),
      WWS_FN(clock_res_get, I32, I32),
      WWS_FN(clock_time_get, I32, I64, I32),
      WWS_FN(fd_advise, I32, I64, I64, I32),
      WWS_FN(fd_allocate, I32, I64, I64),
      WWS_FN(fd_close, I32),
      WWS_FN(fd_datasync, I32),
      WWS_FN(fd_fdstat_get, I32, I32),
      WWS_FN(fd_fdstat_set_flags, I32, I32),
      WWS_FN(fd_fdstat_set_rights, I32, I64, I64),
      WWS_FN(fd_filestat_get, I32, I32),
      WWS_FN(fd_filestat_set_size, I32, I64),
      WWS_FN(fd_filestat_set_times, I32, I64, I64, I32),
      WWS_FN(fd_pread, I32, I32, I32, I64, I32),
      WWS_FN(fd_prestat_get, I32, I32),
      WWS_FN(fd_prestat_dir_name, I32, I32, I32),
      WWS_FN(fd_pwrite, I32, I32, I32, I64, I32),
      WWS_FN(fd_read, I32, I32, I32, I32),
      WWS_FN(fd_readdir, I32, I32, I32, I64, I32),
      WWS_FN(fd_renumber, I32, I32),
      WWS_FN(fd_seek, I32, I64, I32, I32),
      WWS_FN(fd_sync, I32),
      WWS_FN(fd_tell, I32, I32),
      WWS_FN(fd_write, I32, I32, I32, I32),
      WWS_FN(path_create_directory, I32, I32, I32),
      WWS_FN(path_filestat_get, I32, I32, I32, I32, I32),
      WWS_FN(path_filestat_set_times, I32, I32, I32, I32, I64, I64, I32),
      WWS_FN(path_link, I32, I32, I32, I32, I32, I32, I32),
      WWS_FN(path_open, I32, I32, I32, I32, I32, I64, I64, I32, I32),
      WWS_FN(path_readlink, I32, I32, I32, I32, I32, I32),
      WWS_FN(path_remove_directory, I32, I32, I32),
      WWS_FN(path_rename, I32, I32, I32, I32, I32, I32),
      WWS_FN(path_symlink, I32, I32, I32, I32, I32),
      WWS_FN(path_unlink_file, I32, I32, I32),
      WWS_FN(poll_oneoff, I32, I32, I32, I32),
      HostFunction{kModule, "proc_exit", {I32}, {}, &adapt<&p1::proc_exit>},
      WWS_FN(proc_raise, I32),
      WWS_FN(sched_yield),
      WWS_FN(random_get, I32, I32),
      WWS_FN(sock_accept, I32, I32, I32),
      WWS_FN(sock_recv, I32, I32, I32, I32, I32, I32),
      WWS_FN(sock_send, I32, I32, I32, I32, I32),
      WWS_FN(sock_shutdown, I32, I32),
  };
  return functions;
}

#undef WWS_FN

}  // namespace

std::span<const HostFunction> preview1_functions() { return table(); }

}  // namespace wws::wasi
