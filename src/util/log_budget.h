// util/log_budget.h: how much one run of a worker may write to the server log (its stderr, or
// JS console.*): at most kMaxLines lines and kMaxBytes bytes, each line cut at kMaxLineBytes. A
// guest printing in a loop must not flood the log, its disk or the I/O it shares with every
// other request; what was held back is counted and reported in one closing line.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace wws::util {

class LogBudget {
 public:
  static constexpr size_t kMaxLines = 100;
  static constexpr size_t kMaxBytes = 16 * 1024;
  static constexpr size_t kMaxLineBytes = 2048;

  // What of `line` to log (cut at kMaxLineBytes), or nullopt once the run's budget is spent.
  std::optional<std::string_view> admit(std::string_view line) {
    const std::string_view shown = line.substr(0, kMaxLineBytes);
    if (lines_ >= kMaxLines || bytes_ + shown.size() > kMaxBytes) {
      ++dropped_lines_;
      dropped_bytes_ += line.size();
      return std::nullopt;
    }
    ++lines_;
    bytes_ += shown.size();
    return shown;
  }
  // The closing line for what was held back ("" when nothing was); `what` names the stream.
  std::string held_back(std::string_view what) const {
    if (dropped_lines_ == 0) return {};
    return fmt::format("{} more lines ({} bytes) of {} not logged: a run logs at most {} lines or {} KiB",
                       dropped_lines_, dropped_bytes_, what, kMaxLines, kMaxBytes / 1024);
  }
  void reset() { *this = LogBudget{}; }

 private:
  size_t lines_ = 0;
  size_t bytes_ = 0;
  size_t dropped_lines_ = 0;
  size_t dropped_bytes_ = 0;
};

}  // namespace wws::util
