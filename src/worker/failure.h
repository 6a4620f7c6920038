// What a failed run tells people. The log line names the worker, its file, the request and the
// cause. The answer is the original's generic page, or with --dev a page a developer can act on:
// the cause (a JS error's stack included), the last lines the guest wrote to stderr, and the
// worker's file. A guest's stderr is forwarded to the log line by line as it runs.
#pragma once
#include <string>
#include <string_view>

#include "http/message.h"
#include "util/log_budget.h"
#include "worker/worker.h"

namespace wws::worker {

// Forwards a guest's stderr to the server log one line at a time, tagged with the worker, and
// keeps the last lines for a --dev error page. What a run may log is bounded (util::LogBudget).
class GuestStderr {
 public:
  explicit GuestStderr(const Worker& worker) : worker_(worker) {}
  ~GuestStderr() { finish(); }
  void write(std::string_view text);
  // Logs a last line without a newline, and how much was held back; called when the run ends.
  void finish();
  // The last lines written (at most a few KiB), oldest first; never capped.
  const std::string& tail() const { return tail_; }

 private:
  void emit(std::string_view line);
  void flush();
  const Worker& worker_;
  std::string pending_;
  std::string tail_;
  util::LogBudget budget_;
  bool finished_ = false;
};

struct Failure {
  int status = 500;        // 500, or 504 for a run past its time limit
  std::string_view cause;  // the engine's or runtime's reason
  std::string_view stderr_tail;
};

// Logs the failure and fills `response` with the page for it.
void answer_failure(const Worker& worker, const http::Request& request, const Failure& failure, bool dev,
                    http::Response& response);

// Why `stdout_text` is not a response, for the log: `parse_error` plus, when the guest printed
// text before or after the JSON (debugging output), the start of that text and a hint to use
// stderr instead.
std::string describe_invalid_output(std::string_view stdout_text, std::string_view parse_error);

}  // namespace wws::worker
