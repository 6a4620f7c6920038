#include "util/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>

#include <fstream>

#include <fmt/format.h>

namespace wws::util {

namespace {

// Reads into any contiguous byte container. The stat's size is a hint: the file may change while
// it is read, and files such as those under /proc report 0, so reading goes on until end of file.
template <typename Bytes>
bool read_into(const std::filesystem::path& file, Bytes& out) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  out.clear();
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.resize(static_cast<size_t>(st.st_size));
  size_t used = 0;
  char spill[4096];  // where a full buffer reads on: usually end of file, so it needs no growing
  while (true) {
    const bool full = used == out.size();
    ssize_t n = full ? ::read(fd, spill, sizeof spill)
                     : ::read(fd, reinterpret_cast<char*>(out.data()) + used, out.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    if (full) {  // the file grew since its stat, or its stat had no size (/proc, pipes)
      out.resize(std::max<size_t>(out.size() * 2, 64 << 10));
      std::memcpy(reinterpret_cast<char*>(out.data()) + used, spill, static_cast<size_t>(n));
    }
    used += static_cast<size_t>(n);
  }
  ::close(fd);
  out.resize(used);
  return true;
}

}  // namespace

void FileBytes::resize(size_t n) {
  if (n > capacity_) {
    auto* grown = static_cast<uint8_t*>(std::realloc(data_.get(), n));
    if (!grown) throw std::bad_alloc();
    (void)data_.release();  // realloc freed or moved it
    data_.reset(grown);
    capacity_ = n;
  }
  size_ = n;
}

std::optional<FileBytes> read_file_bytes(const std::filesystem::path& file) {
  FileBytes out;
  if (!read_into(file, out)) return std::nullopt;
  return out;
}

std::optional<std::string> read_file(const std::filesystem::path& file) {
  std::string out;
  if (!read_into(file, out)) return std::nullopt;
  return out;
}

bool read_file(const std::filesystem::path& file, std::string& out) { return read_into(file, out); }

bool read_file(const std::filesystem::path& file, std::vector<uint8_t>& out) { return read_into(file, out); }

bool write_file_atomically(const std::filesystem::path& file, std::string_view content, std::string* error) {
  std::filesystem::path tmp = file;
  tmp += fmt::format(".tmp-{}", ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      *error = fmt::format("cannot write {}", tmp.string());
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    *error = fmt::format("cannot write {}: {}", file.string(), ec.message());
    std::filesystem::remove(tmp, ec);
    return false;
  }
  return true;
}

}  // namespace wws::util
