// WasiContext setup: stdio entries and preopened host folders.
#include "wasi/context.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>

#include "wasi/abi.h"
#include "wasi/fd_table.h"

namespace wws::wasi {

namespace {

// Rights for stdio: no seek/tell, which is how wasi-libc's isatty() recognises a terminal.
constexpr uint64_t kStdioRights = abi::kRightFdFdstatSetFlags | abi::kRightFdFilestatGet |
                                  abi::kRightPollFdReadwrite;

FdEntry stdio_entry(FdKind kind, uint64_t rw_right) {
  FdEntry e;
  e.kind = kind;
  e.filetype = abi::kFiletypeCharacterDevice;
  e.rights_base = kStdioRights | rw_right;
  return e;
}

}  // namespace

WasiContext::WasiContext(WasiConfig config) : config_(std::move(config)), fds_(std::make_unique<FdTable>()) {
  fds_->insert_at(0, stdio_entry(FdKind::Stdin, abi::kRightFdRead));
  fds_->insert_at(1, stdio_entry(FdKind::Stdout, abi::kRightFdWrite));
  fds_->insert_at(2, stdio_entry(FdKind::Stderr, abi::kRightFdWrite));
  uint32_t fd = 3;
  for (const Preopen& preopen : config_.preopens) {
    // O_RDONLY so fd_readdir works on the preopen itself; O_PATH if the folder is not readable.
    int host = ::open(preopen.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (host < 0 && errno == EACCES) host = ::open(preopen.host_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (host < 0) {
      request_trap("cannot open the folder " + preopen.host_path + " (mounted at " + preopen.guest_path +
                   "): " + std::strerror(errno));
      continue;
    }
    FdEntry e;
    e.kind = FdKind::Directory;
    e.host.reset(host);
    e.filetype = abi::kFiletypeDirectory;
    e.rights_base = abi::kRightsAll;
    e.rights_inheriting = abi::kRightsAll;
    e.preopen_guest_path = preopen.guest_path;
    fds_->insert_at(fd++, std::move(e));
  }
}

WasiContext::~WasiContext() = default;

}  // namespace wws::wasi
