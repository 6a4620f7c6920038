// openat2-based confinement of guest paths (see sandbox.h).
#include "wasi/sandbox.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <string>
#include <vector>

namespace wws::wasi {

Errno check_guest_path(std::string_view path) {
  if (path.empty()) return Errno::NoEnt;
  if (path.find('\0') != std::string_view::npos) return Errno::Inval;
  if (path.size() >= PATH_MAX) return Errno::NameTooLong;
  if (path.front() == '/') return Errno::NotCapable;
  return Errno::Success;
}

Errno open_beneath(int dirfd, std::string_view path, int flags, unsigned mode, UniqueFd& out) {
  if (Errno e = check_guest_path(path); e != Errno::Success) return e;
  std::string c_path(path);
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  // openat2 rejects a mode without O_CREAT/O_TMPFILE.
  how.mode = (flags & O_CREAT) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long fd;
  do {
    fd = syscall(SYS_openat2, dirfd, c_path.c_str(), &how, sizeof(how));
  } while (fd < 0 && (errno == EINTR || errno == EAGAIN));
  if (fd < 0) {
    // EXDEV is how RESOLVE_BENEATH reports a walk that would leave dirfd.
    if (errno == EXDEV) return Errno::NotCapable;
    return errno_from_host(errno);
  }
  out.reset(static_cast<int>(fd));
  return Errno::Success;
}

Errno open_parent_beneath(int dirfd, std::string_view path, ParentDir& out) {
  if (Errno e = check_guest_path(path); e != Errno::Success) return e;
  size_t end = path.find_last_not_of('/');  // not npos: the path is not empty and not absolute
  size_t slash = path.rfind('/', end);
  std::string_view parent = slash == std::string_view::npos ? std::string_view(".") : path.substr(0, slash);
  std::string_view base = path.substr(slash == std::string_view::npos ? 0 : slash + 1,
                                      end - (slash == std::string_view::npos ? 0 : slash + 1) + 1);
  Errno e = open_beneath(dirfd, parent, O_PATH | O_DIRECTORY, 0, out.dir);
  if (e != Errno::Success) return e;
  out.name = std::string(path.substr(slash == std::string_view::npos ? 0 : slash + 1));
  out.is_dot = base == "." || base == "..";
  return Errno::Success;
}

Grafted graft(const MountTable& mounts, int root_fd, std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(i, slash - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = slash + 1;
  }
  bool trailing_slash = !path.empty() && path.back() == '/';
  std::string normal;
  for (auto part : parts) {
    if (!normal.empty()) normal += '/';
    normal += part;
  }
  Grafted out{root_fd, normal};
  for (const GraftedMount& m : mounts) {  // longest first
    if (m.prefix.empty()) {               // a folder mounted at "/" itself
      out = {m.dir.get(), normal};
      break;
    }
    if (normal == m.prefix) {
      out = {m.dir.get(), ""};
      break;
    }
    if (normal.size() > m.prefix.size() && normal.compare(0, m.prefix.size(), m.prefix) == 0 &&
        normal[m.prefix.size()] == '/') {
      out = {m.dir.get(), normal.substr(m.prefix.size() + 1)};
      break;
    }
  }
  if (out.path.empty()) out.path = ".";
  if (trailing_slash && out.path != ".") out.path += '/';
  return out;
}

}  // namespace wws::wasi
