// preview1: poll_oneoff. Clock subscriptions really sleep (never past config.sleep_deadline);
// fd subscriptions are answered at once, since stdio is in memory and files are always ready.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <limits>
#include <optional>
#include <vector>

#include "util/blocking.h"
#include "wasi/abi.h"
#include "wasi/preview1_impl.h"

namespace wws::wasi::p1 {

namespace {

using Clock = std::chrono::steady_clock;

struct Event {
  uint64_t userdata = 0;
  Errno error = Errno::Success;
  uint8_t type = 0;
  uint64_t nbytes = 0;
  uint16_t flags = 0;
};

uint64_t now_ns(clockid_t clock) {
  struct timespec ts {};
  clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t saturating_add(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max() : a + b;
}

// How many bytes a read of this fd would return right now (what fd_read events report).
uint64_t readable_bytes(WasiContext& ctx, FdEntry& e) {
  if (e.kind == FdKind::Stdin) {
    size_t size = ctx.config().stdin_data.size(), offset = ctx.stdin_offset();
    return offset < size ? size - offset : 0;
  }
  if (e.kind != FdKind::File) return 0;
  struct stat st {};
  off_t pos = ::lseek(e.host.get(), 0, SEEK_CUR);
  if (::fstat(e.host.get(), &st) != 0 || pos < 0 || st.st_size <= pos) return 0;
  return static_cast<uint64_t>(st.st_size - pos);
}

// Sleeps in slices so a run whose client has gone (util::run_cancelled) stops waiting at once.
void sleep_until_monotonic(uint64_t deadline_ns) {
  constexpr uint64_t kSlice = 20'000'000;  // 20 ms
  for (uint64_t now = now_ns(CLOCK_MONOTONIC); now < deadline_ns && !util::run_cancelled();
       now = now_ns(CLOCK_MONOTONIC)) {
    const uint64_t until = std::min(deadline_ns, saturating_add(now, kSlice));
    struct timespec ts {};
    ts.tv_sec = static_cast<time_t>(std::min<uint64_t>(until / 1000000000ull, std::numeric_limits<time_t>::max()));
    ts.tv_nsec = static_cast<long>(until % 1000000000ull);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
    }
  }
}

struct PendingClock {
  uint64_t userdata;
  uint64_t deadline;  // CLOCK_MONOTONIC ns
};

// A clock subscription's deadline on CLOCK_MONOTONIC, or nullopt for a clock that cannot be
// waited on (the CPU-time ones).
std::optional<uint64_t> clock_deadline(CallFrame& f, uint64_t sub, uint64_t start) {
  uint32_t id = 0;
  uint64_t timeout = 0;
  f.memory.load_u32(sub + abi::kSubClockId, id);
  f.memory.load_u64(sub + abi::kSubClockTimeout, timeout);
  uint16_t flags = 0;
  std::memcpy(&flags, f.memory.range(sub + abi::kSubClockFlags, 2), 2);
  bool absolute = flags & abi::kSubscriptionClockAbstime;
  if (id == abi::kClockMonotonic) return absolute ? timeout : saturating_add(start, timeout);
  if (id == abi::kClockRealtime) {
    uint64_t real = now_ns(CLOCK_REALTIME);
    uint64_t wait = absolute ? (timeout > real ? timeout - real : 0) : timeout;
    return saturating_add(start, wait);
  }
  return std::nullopt;
}

// Reads the subscriptions: clocks go to `clocks`; fd and malformed ones are answered at once.
void read_subscriptions(CallFrame& f, uint64_t in, uint32_t count, uint64_t start, std::vector<Event>& ready,
                        std::vector<PendingClock>& clocks) {
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t sub = in + uint64_t{i} * abi::kSubscriptionSize;
    uint64_t userdata = 0;
    f.memory.load_u64(sub + abi::kSubUserdata, userdata);
    uint8_t tag = *f.memory.range(sub + abi::kSubTag, 1);
    Event ev;
    ev.userdata = userdata;
    ev.type = tag;
    if (tag == abi::kEventClock) {
      if (auto deadline = clock_deadline(f, sub, start)) {
        clocks.push_back({userdata, *deadline});
        continue;
      }
      ev.error = Errno::Inval;
    } else if (tag == abi::kEventFdRead || tag == abi::kEventFdWrite) {
      uint32_t fd = 0;
      f.memory.load_u32(sub + abi::kSubFdReadwriteFd, fd);
      FdEntry* e = f.ctx.fds().get(fd);
      if (!e) ev.error = Errno::Badf;
      else if (tag == abi::kEventFdRead) ev.nbytes = readable_bytes(f.ctx, *e);
    } else {
      ev.error = Errno::Inval;
    }
    ready.push_back(ev);
  }
}

// Sleeps until the earliest clock when nothing else is ready, then adds the clocks that fired
// to `ready`. False when the wait is not allowed here (a trap has been requested).
bool wait_for_clocks(CallFrame& f, uint64_t start, const std::vector<PendingClock>& clocks, std::vector<Event>& ready) {
  uint64_t earliest = std::numeric_limits<uint64_t>::max();
  for (const auto& c : clocks) earliest = std::min(earliest, c.deadline);
  bool slept = ready.empty();
  if (slept) {
    // Never sleep past the worker's deadline: the engine stops the guest once it returns.
    auto left = f.ctx.config().sleep_deadline - Clock::now();
    uint64_t cap = start;
    if (left > Clock::duration::zero())
      cap = saturating_add(start,
                           static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(left).count()));
    if (!util::begin_blocking_wait()) {
      f.ctx.request_trap("poll_oneoff: waits are not allowed on an I/O thread; the request is redone on the run pool");
      return false;
    }
    sleep_until_monotonic(std::min(earliest, cap));
  }
  uint64_t now = now_ns(CLOCK_MONOTONIC);
  for (const auto& c : clocks) {
    // After a sleep the earliest clock counts as fired even if the deadline cut the sleep short.
    if (c.deadline <= now || (slept && c.deadline == earliest)) {
      Event ev;
      ev.userdata = c.userdata;
      ev.type = abi::kEventClock;
      ready.push_back(ev);
    }
  }
  return true;
}

}  // namespace

Errno poll_oneoff(CallFrame& f, Args a) {
  uint64_t in = u32(a[0]), out = u32(a[1]), nevents_ptr = u32(a[3]);
  uint32_t count = u32(a[2]);
  if (count == 0) return Errno::Inval;
  if (!f.memory.range(in, uint64_t{count} * abi::kSubscriptionSize) ||
      !f.memory.range(out, uint64_t{count} * abi::kEventSize) || !f.memory.range(nevents_ptr, 4))
    return Errno::Fault;

  std::vector<Event> ready;
  std::vector<PendingClock> clocks;
  uint64_t start = now_ns(CLOCK_MONOTONIC);
  read_subscriptions(f, in, count, start, ready, clocks);
  if (!clocks.empty() && !wait_for_clocks(f, start, clocks, ready)) return Errno::Intr;

  for (size_t i = 0; i < ready.size(); ++i) {
    uint64_t p = out + i * abi::kEventSize;
    std::memset(f.memory.range(p, abi::kEventSize), 0, abi::kEventSize);
    f.memory.store_u64(p + abi::kEventUserdata, ready[i].userdata);
    f.memory.store_u16(p + abi::kEventError, static_cast<uint16_t>(ready[i].error));
    f.memory.store_u8(p + abi::kEventType, ready[i].type);
    f.memory.store_u64(p + abi::kEventNbytes, ready[i].nbytes);
    f.memory.store_u16(p + abi::kEventFlags, ready[i].flags);
  }
  f.memory.store_u32(nevents_ptr, static_cast<uint32_t>(ready.size()));
  return Errno::Success;
}

}  // namespace wws::wasi::p1
