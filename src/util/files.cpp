#include "util/files.h"

#include <unistd.h>

#include <fstream>

#include <fmt/format.h>

namespace wws::util {

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
