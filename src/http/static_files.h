// Static files from the project's public/ folder (reference §5.2), hardened against traversal.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace wws::http {

class StaticFiles {
 public:
  // `public_dir` may not exist; then nothing is ever found. `prefix` is the formatted --prefix.
  StaticFiles(const std::filesystem::path& public_dir, std::string prefix);

  bool enabled() const { return enabled_; }

  // The file that answers a request path (percent-encoded, query stripped): the exact file,
  // `<path>/index.html`, or `<path>.html`. Never outside public/ (no `..`, no symlink escape,
  // no encoded tricks); nullopt if none.
  std::optional<std::filesystem::path> resolve(std::string_view request_path) const;

  // Fills `response` with the file: Content-Type, ETag, Last-Modified, 304 on If-None-Match /
  // If-Modified-Since, `status` otherwise. HEAD is handled by the server (body dropped).
  void serve(const Request& request, const std::filesystem::path& file, Response& response, int status = 200) const;

  // public/404.html with status 404 if it exists; otherwise an empty 404.
  void not_found(const Request& request, Response& response) const;

 private:
  std::filesystem::path root_;  // canonical public/ folder
  std::string prefix_;
  bool enabled_ = false;
};

// "text/css; charset=utf-8" for "x.css", etc.; "application/octet-stream" if unknown.
std::string_view content_type_for(const std::filesystem::path& file);

}  // namespace wws::http
