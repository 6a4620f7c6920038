// preview1: arguments, environment, clocks, randomness, process control and (absent) sockets.
#include <sched.h>
#include <sys/random.h>

#include <cerrno>
#include <ctime>

#include "wasi/abi.h"
#include "wasi/preview1_impl.h"

namespace wws::wasi::p1 {

namespace {

// Writes a list of strings the way args_get/environ_get lay them out: pointers into one buffer
// of NUL-terminated strings.
template <typename Strings>
Errno write_string_list(const GuestMemory& mem, uint64_t ptrs, uint64_t buf, const Strings& strings) {
  uint64_t total = 0;
  for (const std::string& s : strings) total += s.size() + 1;
  if (!mem.range(ptrs, uint64_t{strings.size()} * 4) || !mem.range(buf, total)) return Errno::Fault;
  uint64_t offset = 0;
  for (size_t i = 0; i < strings.size(); ++i) {
    const std::string& s = strings[i];
    mem.store_u32(ptrs + i * 4, static_cast<uint32_t>(buf + offset));
    mem.store_bytes(buf + offset, s.c_str(), s.size() + 1);
    offset += s.size() + 1;
  }
  return Errno::Success;
}

template <typename Strings>
Errno write_list_sizes(const GuestMemory& mem, uint64_t count_ptr, uint64_t size_ptr, const Strings& strings) {
  uint64_t total = 0;
  for (const std::string& s : strings) total += s.size() + 1;
  if (!mem.range(count_ptr, 4) || !mem.range(size_ptr, 4)) return Errno::Fault;
  mem.store_u32(count_ptr, static_cast<uint32_t>(strings.size()));
  mem.store_u32(size_ptr, static_cast<uint32_t>(total));
  return Errno::Success;
}

std::vector<std::string> environ_strings(const WasiConfig& config) {
  std::vector<std::string> out;
  out.reserve(config.env.size());
  for (const auto& [key, value] : config.env) out.emplace_back(key).append("=").append(value);
  return out;
}

bool host_clock(uint32_t id, clockid_t& out) {
  switch (id) {
    case abi::kClockRealtime: out = CLOCK_REALTIME; return true;
    case abi::kClockMonotonic: out = CLOCK_MONOTONIC; return true;
    case abi::kClockProcessCputime: out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case abi::kClockThreadCputime: out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
  }
}

}  // namespace

Errno args_get(CallFrame& f, Args a) { return write_string_list(f.memory, u32(a[0]), u32(a[1]), f.ctx.config().args); }

Errno args_sizes_get(CallFrame& f, Args a) {
  return write_list_sizes(f.memory, u32(a[0]), u32(a[1]), f.ctx.config().args);
}

Errno environ_get(CallFrame& f, Args a) {
  return write_string_list(f.memory, u32(a[0]), u32(a[1]), environ_strings(f.ctx.config()));
}

Errno environ_sizes_get(CallFrame& f, Args a) {
  return write_list_sizes(f.memory, u32(a[0]), u32(a[1]), environ_strings(f.ctx.config()));
}

Errno clock_res_get(CallFrame& f, Args a) {
  clockid_t clock;
  if (!host_clock(u32(a[0]), clock)) return Errno::Inval;
  struct timespec ts {};
  if (clock_getres(clock, &ts) != 0) return errno_from_host(errno);
  uint64_t res = static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
  return f.memory.store_u64(u32(a[1]), res) ? Errno::Success : Errno::Fault;
}

Errno clock_time_get(CallFrame& f, Args a) {
  clockid_t clock;
  if (!host_clock(u32(a[0]), clock)) return Errno::Inval;
  struct timespec ts {};
  if (clock_gettime(clock, &ts) != 0) return errno_from_host(errno);
  uint64_t now = static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
  return f.memory.store_u64(u32(a[2]), now) ? Errno::Success : Errno::Fault;
}

Errno random_get(CallFrame& f, Args a) {
  uint32_t len = u32(a[1]);
  uint8_t* p = f.memory.range(u32(a[0]), len);
  if (!p) return Errno::Fault;
  size_t done = 0;
  while (done < len) {
    ssize_t n = getrandom(p + done, len - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_from_host(errno);
    }
    done += static_cast<size_t>(n);
  }
  return Errno::Success;
}

Errno proc_exit(CallFrame& f, Args a) {
  if (f.ctx.config().on_exit) f.ctx.config().on_exit(f.memory, u32(a[0]));
  f.ctx.request_exit(u32(a[0]));
  return Errno::Success;
}

// Signals are not part of the sandbox: a guest cannot signal itself or the host.
Errno proc_raise(CallFrame&, Args) { return Errno::NoSys; }

Errno sched_yield(CallFrame&, Args) {
  ::sched_yield();
  return Errno::Success;
}

// No fd is ever a socket (wws gives guests no network), so socket calls fail on every open fd.
namespace {
Errno no_sockets(CallFrame& f, uint32_t fd) { return f.ctx.fds().get(fd) ? Errno::NotSup : Errno::Badf; }
}  // namespace

Errno sock_accept(CallFrame& f, Args a) { return no_sockets(f, u32(a[0])); }
Errno sock_recv(CallFrame& f, Args a) { return no_sockets(f, u32(a[0])); }
Errno sock_send(CallFrame& f, Args a) { return no_sockets(f, u32(a[0])); }
Errno sock_shutdown(CallFrame& f, Args a) { return no_sockets(f, u32(a[0])); }

}  // namespace wws::wasi::p1
