#include "engine/run_outcome.h"

#include <fmt/format.h>

#include "engine/module_checks.h"

namespace wws::engine {

RunResult decide_outcome(const RunEnd& end, const wasi::WasiContext& ctx, const RunLimits& limits) {
  RunResult result;
  if (ctx.exit_code()) {
    uint32_t code = *ctx.exit_code();
    result.exit_code = code;
    result.outcome = code == 0 ? Outcome::Ok : (end.at_memory_cap ? Outcome::OutOfMemory : Outcome::Exited);
    if (code != 0) result.message = fmt::format("exited with code {}", code);
    return result;
  }
  if (ctx.trap()) {
    result.outcome = Outcome::Trapped;
    result.message = *ctx.trap();
  } else if (end.timed_out) {
    result.outcome = Outcome::TimedOut;
    result.message = fmt::format("ran longer than its time limit of {} ms", limits.timeout.count());
  } else if (end.out_of_fuel) {
    result.outcome = Outcome::TimedOut;
    result.message = fmt::format("used up its CPU budget of {} fuel ([limits] fuel)", limits.fuel);
  } else if (end.completed) {
    result.outcome = Outcome::Ok;
  } else if (!end.instantiated) {
    result.outcome = Outcome::Failed;
    result.message = "could not instantiate: " + end.error;
  } else if (end.at_memory_cap) {
    result.outcome = Outcome::OutOfMemory;
    result.message = fmt::format("trapped at its memory limit of {} MiB ({})", pages_to_mib(end.max_pages), end.error);
  } else {
    result.outcome = Outcome::Trapped;
    result.message = "trapped: " + end.error;
  }
  return result;
}

}  // namespace wws::engine
