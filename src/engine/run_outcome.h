// The rules that turn the end of a run into an Outcome, shared by every engine so a guest that
// exits, traps, runs out of time or hits its memory limit gets the same answer on each:
//   - proc_exit(0) is Ok, any other code Exited, or OutOfMemory when the memory was at its cap
//     (wasi-libc's malloc exits with a code when memory.grow fails);
//   - a host function that stopped the guest (ctx.trap()) is Trapped with its message;
//   - a run stopped by the time limit is TimedOut, and one that used up its fuel (CPU budget) too;
//   - otherwise a trap is Trapped, or OutOfMemory at the memory cap.
#pragma once
#include <cstdint>
#include <string>

#include "engine/engine.h"
#include "wasi/context.h"

namespace wws::engine {

// What an engine observed when a run ended.
struct RunEnd {
  bool instantiated = false;   // false: instantiation failed (`error` says why)
  bool completed = false;      // _start returned normally
  bool timed_out = false;      // the time limit fired during the run
  bool out_of_fuel = false;    // the fuel budget ran out
  bool at_memory_cap = false;  // the memory had reached max_pages
  uint64_t max_pages = 0;      // the memory cap, for messages
  std::string error;           // the engine's own description of the trap or failure
};

RunResult decide_outcome(const RunEnd& end, const wasi::WasiContext& ctx, const RunLimits& limits);

}  // namespace wws::engine
