// Fuzz target: a guest's path, resolved as WASI path_open does (check_guest_path, graft onto a
// MountedRoot's mounts, openat2 beneath the chosen folder). The property: whatever opens is
// inside the sandbox's folders; nothing outside them is ever reached.
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "wasi/sandbox.h"

namespace fs = std::filesystem;
namespace {

struct Sandbox {
  fs::path base, root, data;
  int root_fd = -1;
  wws::wasi::MountTable mounts;
  Sandbox() {
    base = fs::temp_directory_path() / ("wws-fuzz-wasi-" + std::to_string(::getpid()));
    root = base / "root";
    data = base / "data";
    fs::create_directories(root / "src" / "lib");
    fs::create_directories(data / "sub");
    std::ofstream(base / "secret") << "outside";
    std::ofstream(root / "src" / "main.py") << "print(1)";
    std::ofstream(data / "sub" / "x.txt") << "x";
    fs::create_symlink("../../secret", root / "src" / "escape");
    fs::create_symlink("/etc/passwd", data / "abs");
    fs::create_symlink("sub", data / "inner");
    root_fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int data_fd = ::open(data.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    mounts.push_back({"data", wws::wasi::UniqueFd(data_fd)});
  }
  ~Sandbox() {
    std::error_code ec;
    fs::remove_all(base, ec);
  }
  bool inside(const std::string& real) const {
    for (const fs::path& p : {root, data}) {
      const std::string prefix = fs::canonical(p).string();
      if (real == prefix || real.rfind(prefix + "/", 0) == 0) return true;
    }
    return false;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Sandbox sandbox;
  std::string_view path(reinterpret_cast<const char*>(data), size);
  if (wws::wasi::check_guest_path(path) != wws::wasi::Errno::Success) return 0;
  const wws::wasi::Grafted grafted = wws::wasi::graft(sandbox.mounts, sandbox.root_fd, path);
  wws::wasi::UniqueFd fd;
  const std::string_view inner = grafted.path;
  if (wws::wasi::open_beneath(grafted.dirfd, inner, O_RDONLY | O_PATH | O_CLOEXEC, 0, fd) != wws::wasi::Errno::Success)
    return 0;
  char link[64], real[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd.get());
  const ssize_t n = ::readlink(link, real, sizeof real - 1);
  if (n <= 0) return 0;
  real[n] = '\0';
  if (!sandbox.inside(real)) std::abort();  // escaped the sandbox
  wws::wasi::ParentDir parent;
  (void)wws::wasi::open_parent_beneath(grafted.dirfd, inner, parent);
  return 0;
}
