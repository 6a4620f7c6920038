#include "worker/failure.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace wws::worker {
namespace {

constexpr std::string_view kErrorPage = "<p>There was an error running this function</p>";
constexpr std::string_view kTimeoutPage = "<p>The function took too long to respond</p>";
constexpr size_t kTailBytes = 4096;
constexpr size_t kExcerpt = 80;
constexpr std::string_view kUseStderr =
    "write debugging output to stderr instead (eprintln! in Rust, fmt.Fprintln(os.Stderr, ...) in Go, "
    "fprintf(stderr, ...) in C, console.error in JS)";

// The start of `text` on one line: control characters shown as spaces, cut at kExcerpt bytes.
std::string excerpt(std::string_view text) {
  std::string out;
  for (unsigned char c : text.substr(0, kExcerpt)) out += c < 0x20 || c == 0x7f ? ' ' : static_cast<char>(c);
  if (text.size() > kExcerpt) out += "...";
  return out;
}

// Where the JSON object starting at text[0] == '{' ends (one past its '}'), or npos when it
// does not: a scan of braces outside strings, enough to find text printed after the response.
size_t end_of_object(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

std::string escape_html(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string dev_report(const Worker& worker, const http::Request& request, const Failure& failure) {
  std::string text = fmt::format("{} {}: the worker {}\n\n", failure.status,
                                 failure.status == 504 ? "Gateway Timeout" : "Internal Server Error",
                                 failure.status == 504 ? "ran out of time" : "failed");
  text += fmt::format("Worker:  {} ({})\n", worker.relative.generic_string(), worker.file.string());
  text += fmt::format("Route:   {}\n", worker.route);
  text += fmt::format("Request: {} {}\n\n", request.method, request.target);
  text += fmt::format("Cause:\n{}\n", failure.cause);
  if (!failure.stderr_tail.empty()) text += fmt::format("\nLast lines on stderr:\n{}", failure.stderr_tail);
  if (!text.ends_with('\n')) text += '\n';
  text += "\n(wws --dev shows this page; without --dev the answer is a generic error page.)\n";
  return text;
}

}  // namespace

void GuestStderr::write(std::string_view text) {
  pending_.append(text);
  size_t start = 0, nl;
  while ((nl = pending_.find('\n', start)) != std::string::npos) {
    emit(std::string_view(pending_).substr(start, nl - start));
    start = nl + 1;
  }
  pending_.erase(0, start);
  if (pending_.size() > util::LogBudget::kMaxLineBytes)
    flush();  // a guest writing no newlines can't grow this without bound
}

void GuestStderr::flush() {
  if (!pending_.empty()) emit(pending_);
  pending_.clear();
}

void GuestStderr::finish() {
  if (finished_) return;
  finished_ = true;
  flush();
  if (std::string held = budget_.held_back("stderr"); !held.empty()) spdlog::warn("[{}] {}", worker_.name, held);
}

void GuestStderr::emit(std::string_view line) {
  tail_.append(line.substr(0, kTailBytes));
  tail_ += '\n';
  if (tail_.size() > kTailBytes) {
    // Whole lines where possible; a single line longer than the tail keeps its end.
    const size_t cut = tail_.find('\n', tail_.size() - kTailBytes);
    tail_.erase(0, cut == std::string::npos || cut + 1 == tail_.size() ? tail_.size() - kTailBytes : cut + 1);
  }
  const auto shown = budget_.admit(line);
  if (!shown) return;
  if (shown->size() < line.size()) spdlog::info("[{}] {}... ({} bytes)", worker_.name, *shown, line.size());
  else spdlog::info("[{}] {}", worker_.name, line);
}

void answer_failure(const Worker& worker, const http::Request& request, const Failure& failure, bool dev,
                    http::Response& response) {
  spdlog::error("Error running worker \"{}\" ({}) for {} {} (route {}): {}", worker.name,
                worker.relative.generic_string(), request.method, request.path, worker.route, failure.cause);
  response.status = failure.status;
  response.headers.clear();
  if (!dev) {
    response.headers.emplace_back("Content-Type", "text/html");
    response.body = failure.status == 504 ? kTimeoutPage : kErrorPage;
    return;
  }
  std::string report = dev_report(worker, request, failure);
  if (request.header("accept").find("text/html") != std::string_view::npos) {
    response.headers.emplace_back("Content-Type", "text/html; charset=utf-8");
    response.body = "<!doctype html><title>" + escape_html(worker.route) + ": error</title><pre>" +
                    escape_html(report) + "</pre>\n";
  } else {
    response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
    response.body = std::move(report);
  }
}

std::string describe_invalid_output(std::string_view out, std::string_view parse_error) {
  const size_t start = out.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return fmt::format("invalid output: {}", parse_error);
  out.remove_prefix(start);
  if (out.front() != '{')
    return fmt::format("invalid output: stdout must hold only the response JSON, but the worker printed \"{}\"; {}",
                       excerpt(out), kUseStderr);
  const size_t end = end_of_object(out);
  if (end != std::string_view::npos) {
    std::string_view rest = out.substr(end);
    const size_t more = rest.find_first_not_of(" \t\r\n");
    if (more != std::string_view::npos)
      return fmt::format("invalid output: after the response JSON the worker printed \"{}\"; {}",
                         excerpt(rest.substr(more)), kUseStderr);
  }
  return fmt::format("invalid output: {} (stdout starts with \"{}\")", parse_error, excerpt(out));
}

}  // namespace wws::worker
