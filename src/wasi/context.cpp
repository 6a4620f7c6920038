// WasiContext setup: stdio entries and preopened host folders.
#include "wasi/context.h"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "wasi/abi.h"
#include "wasi/fd_table.h"
#include "wasi/sandbox.h"

namespace wws::wasi {

namespace {

// Rights for stdio: no seek/tell, which is how wasi-libc's isatty() recognises a terminal.
constexpr uint64_t kStdioRights = abi::kRightFdFdstatSetFlags | abi::kRightFdFilestatGet | abi::kRightPollFdReadwrite;

FdEntry stdio_entry(FdKind kind, uint64_t rw_right) {
  FdEntry e;
  e.kind = kind;
  e.filetype = abi::kFiletypeCharacterDevice;
  e.rights_base = kStdioRights | rw_right;
  return e;
}

FdEntry directory_entry(int host, const std::string& guest_path) {
  FdEntry e;
  e.kind = FdKind::Directory;
  e.host.reset(host);
  e.filetype = abi::kFiletypeDirectory;
  e.rights_base = abi::kRightsAll;
  e.rights_inheriting = abi::kRightsAll;
  e.preopen_guest_path = guest_path;
  return e;
}

}  // namespace

WasiContext::WasiContext(WasiConfig config) : config_(std::move(config)), fds_(std::make_unique<FdTable>()) {
  fds_->insert_at(0, stdio_entry(FdKind::Stdin, abi::kRightFdRead));
  fds_->insert_at(1, stdio_entry(FdKind::Stdout, abi::kRightFdWrite));
  fds_->insert_at(2, stdio_entry(FdKind::Stderr, abi::kRightFdWrite));
  uint32_t fd = 3;
  if (config_.root) {
    auto mounts = std::make_shared<MountTable>();
    for (const Preopen& m : config_.root->mounts) {
      UniqueFd dir(open_folder(m));
      if (!dir.valid()) continue;
      std::string prefix = graft({}, -1, m.guest_path).path;
      mounts->push_back({prefix == "." ? "" : prefix, std::move(dir)});
    }
    std::stable_sort(mounts->begin(), mounts->end(),
                     [](const GraftedMount& a, const GraftedMount& b) { return a.prefix.size() > b.prefix.size(); });
    Preopen root{config_.root->host_path, "/"};
    if (int host = open_folder(root); host >= 0) {
      FdEntry e = directory_entry(host, "/");
      e.mounts = std::move(mounts);
      fds_->insert_at(fd, std::move(e));
    }
    fd++;
  }
  for (const Preopen& preopen : config_.preopens) {
    int host = open_folder(preopen);
    if (host < 0) continue;
    fds_->insert_at(fd++, directory_entry(host, preopen.guest_path));
  }
}

int WasiContext::open_folder(const Preopen& preopen) {
  // O_RDONLY so fd_readdir works on the preopen itself; O_PATH if the folder is not readable.
  int host = ::open(preopen.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (host < 0 && errno == EACCES) host = ::open(preopen.host_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (host < 0)
    request_trap("cannot open the folder " + preopen.host_path + " (mounted at " + preopen.guest_path +
                 "): " + std::strerror(errno));
  return host;
}

WasiContext::~WasiContext() = default;

}  // namespace wws::wasi
