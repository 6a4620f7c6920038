// util/blocking.h: a per-thread count of waits for something other than the CPU (an outbound
// HTTP request, a timer a guest sleeps on). The dispatcher compares it around a run: a worker
// whose runs wait is never run on an I/O thread, however quick it was, because the thing it
// waits for may be that very thread (a worker fetching its own server).
#pragma once
#include <cstdint>

namespace wws::util {

inline thread_local uint64_t blocking_waits = 0;

inline void note_blocking_wait() { ++blocking_waits; }

}  // namespace wws::util
