// Static files from public/: safe path resolution, content types, validators and 304s.
#include "http/static_files.h"
#include "util/text.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <system_error>

#include <spdlog/spdlog.h>

#include "http/http_date.h"

namespace wws::http {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxPathLength = 4096;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes one path segment; nullopt when it is malformed or could step outside its folder.
std::optional<std::string> decode_segment(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      if (i + 2 >= raw.size()) return std::nullopt;
      const int hi = hex_value(raw[i + 1]), lo = hex_value(raw[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    // A decoded separator would let one segment name another folder: refuse it outright.
    if (c == '/' || c == '\\' || c == '\0') return std::nullopt;
    out.push_back(c);
  }
  if (out == "..") return std::nullopt;
  if (!util::is_valid_utf8(out)) return std::nullopt;
  return out;
}

bool is_regular_file_at(const fs::path& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_inside(const std::string& root, const std::string& candidate) {
  return candidate.size() > root.size() && candidate.compare(0, root.size(), root) == 0 &&
         (root.back() == '/' || candidate[root.size()] == '/');
}

// Dot-files and dot-folders (.env, .git/) are a project's secrets and tooling, not its site;
// only .well-known/ (RFC 8615: security.txt, ACME challenges) is public.
bool is_hidden(std::string_view segment) {
  return !segment.empty() && segment.front() == '.' && segment != "." && segment != ".well-known";
}

// `relative`: a path below public/ ("a/b.txt"); true when any segment of it is hidden.
bool has_hidden_segment(std::string_view relative) {
  size_t pos = 0;
  while (pos <= relative.size()) {
    size_t end = relative.find('/', pos);
    if (end == std::string_view::npos) end = relative.size();
    if (is_hidden(relative.substr(pos, end - pos))) return true;
    pos = end + 1;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Weak comparison (RFC 9110 §8.8.3.2): the W/ prefix is ignored on both sides.
bool etag_list_matches(std::string_view list, std::string_view etag) {
  if (trim(list) == "*") return true;
  auto opaque = [](std::string_view t) {
    t = trim(t);
    if (t.size() >= 2 && t[0] == 'W' && t[1] == '/') t.remove_prefix(2);
    return t;
  };
  const std::string_view ours = opaque(etag);
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t end = list.find(',', pos);
    if (end == std::string_view::npos) end = list.size();
    if (opaque(list.substr(pos, end - pos)) == ours) return true;
    pos = end + 1;
  }
  return false;
}

void append_hex(std::string& out, uint64_t v) {
  char buf[17];
  const auto end = std::to_chars(buf, buf + sizeof buf, v, 16).ptr;
  out.append(buf, end);
}

std::string make_etag(const struct stat& st) {
  std::string etag = "W/\"";
  append_hex(etag, static_cast<uint64_t>(st.st_size));
  etag.push_back('-');
  append_hex(etag,
             static_cast<uint64_t>(st.st_mtim.tv_sec) * 1000000000ull + static_cast<uint64_t>(st.st_mtim.tv_nsec));
  etag.push_back('"');
  return etag;
}

void read_all(int fd, std::string& out, size_t size) {
  out.resize(size);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, out.data() + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  out.resize(done);  // a file that shrank while read is served as read
}

// The path below public/ that `request_path` (which starts with '/') names, or nullopt when a
// segment is refused (see decode_segment) or hidden. Empty and "." segments are dropped (as
// NormalizePath did); every other one is decoded alone.
std::optional<fs::path> relative_path(std::string_view request_path) {
  fs::path relative;
  size_t pos = 1;
  while (pos <= request_path.size()) {
    size_t end = request_path.find('/', pos);
    if (end == std::string_view::npos) end = request_path.size();
    const std::string_view raw = request_path.substr(pos, end - pos);
    pos = end + 1;
    if (raw.empty()) continue;
    auto segment = decode_segment(raw);
    if (!segment) return std::nullopt;
    if (segment->empty() || *segment == ".") continue;
    if (is_hidden(*segment)) return std::nullopt;
    relative /= *segment;
  }
  return relative;
}

// The real path of `candidate` when it is a regular file that, after every symlink, still lives
// under `root` (canonical) and on no hidden segment there (a link to .env is refused as well).
std::optional<std::string> real_file_under(const std::string& root, const fs::path& candidate) {
  if (!is_regular_file_at(candidate)) return std::nullopt;
  char* real = ::realpath(candidate.c_str(), nullptr);
  if (!real) return std::nullopt;
  std::string resolved(real);
  std::free(real);
  if (!is_inside(root, resolved)) return std::nullopt;
  const size_t below = root.back() == '/' ? root.size() : root.size() + 1;
  if (has_hidden_segment(std::string_view(resolved).substr(below))) return std::nullopt;
  return resolved;
}

}  // namespace

StaticFiles::StaticFiles(const fs::path& public_dir, std::string prefix) : prefix_(std::move(prefix)) {
  std::error_code ec;
  if (fs::is_directory(public_dir, ec)) {
    root_ = fs::canonical(public_dir, ec);
    enabled_ = !ec;
  }
}

std::optional<fs::path> StaticFiles::resolve(std::string_view request_path) const {
  if (!enabled_ || request_path.size() > kMaxPathLength) return std::nullopt;
  if (!prefix_.empty()) {
    if (request_path.substr(0, prefix_.size()) != prefix_) return std::nullopt;
    request_path.remove_prefix(prefix_.size());
    if (!request_path.empty() && request_path.front() != '/') return std::nullopt;  // "/apple" under "/app"
  }
  if (request_path.empty()) request_path = "/";
  if (request_path.front() != '/') return std::nullopt;

  auto relative = relative_path(request_path);
  if (!relative) return std::nullopt;
  const bool any = !relative->empty();
  const fs::path base = any ? root_ / *relative : root_;
  std::array<fs::path, 3> candidates;
  size_t count = 0;
  if (any) candidates[count++] = base;
  candidates[count++] = base / "index.html";
  if (any) candidates[count++] = fs::path(base.native() + ".html");

  for (size_t i = 0; i < count; ++i) {
    if (auto file = real_file_under(root_.native(), candidates[i])) return fs::path(std::move(*file));
  }
  return std::nullopt;
}

void StaticFiles::serve(const Request& request, const fs::path& file, Response& response, int status) const {
  response.headers.clear();
  response.body.clear();
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (fd >= 0) ::close(fd);
    spdlog::warn("static: cannot read {}", file.string());
    response.status = 404;
    return;
  }

  std::string etag = make_etag(st);
  const std::string last_modified = http_date(st.st_mtim.tv_sec);
  response.headers.emplace_back("Cache-Control", "no-cache");

  bool not_modified = false;
  if (status == 200 && (request.method == "GET" || request.method == "HEAD")) {
    const std::string_view if_none_match = request.header("if-none-match");
    if (!if_none_match.empty()) {
      not_modified = etag_list_matches(if_none_match, etag);
    } else if (const std::string_view ims = request.header("if-modified-since"); !ims.empty()) {
      const auto since = parse_http_date(trim(ims));
      not_modified = since && st.st_mtim.tv_sec <= *since;
    }
  }
  response.headers.emplace_back("ETag", std::move(etag));
  response.headers.emplace_back("Last-Modified", last_modified);
  if (not_modified) {
    ::close(fd);
    response.status = 304;
    return;
  }

  response.headers.emplace_back("Content-Type", std::string(content_type_for(file)));
  if (static_cast<uint64_t>(st.st_size) > (64ull << 20))
    spdlog::warn("static: serving a large file ({} bytes) from memory: {}", st.st_size, file.string());
  // Read for HEAD too: the server sizes Content-Length from the body and then drops it.
  read_all(fd, response.body, static_cast<size_t>(st.st_size));
  ::close(fd);
  response.status = status;
}

void StaticFiles::not_found(const Request& request, Response& response) const {
  response.headers.clear();
  response.body.clear();
  response.status = 404;
  if (!enabled_) return;
  const fs::path page = root_ / "404.html";
  if (!is_regular_file_at(page)) return;
  char* real = ::realpath(page.c_str(), nullptr);
  if (!real) return;
  const std::string resolved(real);
  std::free(real);
  if (is_inside(root_.native(), resolved)) serve(request, resolved, response, 404);
}

std::string_view content_type_for(const fs::path& file) {
  std::string ext = file.extension().string();
  for (char& c : ext)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  struct Entry {
    std::string_view ext, type;
  };
  static constexpr Entry kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
      {".md", "text/markdown; charset=utf-8"},
      {".csv", "text/csv; charset=utf-8"},
      {".xml", "application/xml; charset=utf-8"},
      {".svg", "image/svg+xml; charset=utf-8"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".avif", "image/avif"},
      {".ico", "image/x-icon"},
      {".wasm", "application/wasm"},
      {".pdf", "application/pdf"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},
      {".otf", "font/otf"},
      {".mp4", "video/mp4"},
      {".webm", "video/webm"},
      {".mp3", "audio/mpeg"},
      {".wav", "audio/wav"},
      {".ogg", "audio/ogg"},
      {".zip", "application/zip"},
  };
  for (const auto& e : kTypes)
    if (e.ext == ext) return e.type;
  return "application/octet-stream";
}

}  // namespace wws::http
