// The guest's file descriptor table: WASI fd number -> what it refers to (stdio, a host file or
// a host directory). It owns every host fd it holds and closes them when destroyed.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wasi/errno.h"

namespace wws::wasi {

enum class FdKind { Stdin, Stdout, Stderr, File, Directory };

// A host file descriptor closed on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// One directory entry as fd_readdir serialises it.
struct DirEntry {
  std::string name;
  uint64_t ino = 0;
  uint8_t filetype = 0;
};

// The mounts of a MountedRoot (wasi/context.h), opened: guest paths relative to "/",
// normalised ("src/assets"), longest first.
struct GraftedMount {
  std::string prefix;
  UniqueFd dir;
};
using MountTable = std::vector<GraftedMount>;

struct FdEntry {
  FdKind kind = FdKind::File;
  UniqueFd host;         // invalid for stdio
  uint8_t filetype = 0;  // WASI filetype reported by fdstat
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  std::optional<std::string> preopen_guest_path;  // set for preopened directories only
  std::shared_ptr<const MountTable> mounts;       // set for a MountedRoot's "/" only
  // fd_readdir's snapshot of the directory, taken at cookie 0, so cookies (indexes into it)
  // stay valid across calls while the guest pages through a listing.
  std::shared_ptr<std::vector<DirEntry>> listing;

  bool is_stdio() const { return kind == FdKind::Stdin || kind == FdKind::Stdout || kind == FdKind::Stderr; }
};

class FdTable {
 public:
  // Bounds what one guest can hold open, so a loop of path_open cannot exhaust the host.
  static constexpr size_t kMaxOpen = 1024;

  FdEntry* get(uint32_t fd);
  // Puts the entry at the lowest free number (as POSIX does); EMFILE when the table is full.
  Errno insert(FdEntry entry, uint32_t& fd_out);
  // Puts the entry at a given number (used to set up stdio and preopens).
  void insert_at(uint32_t fd, FdEntry entry);
  Errno close(uint32_t fd);
  // Moves `from` to `to`, closing what `to` held; both must be open.
  Errno renumber(uint32_t from, uint32_t to);
  size_t size() const { return entries_.size(); }

 private:
  std::map<uint32_t, FdEntry> entries_;
};

}  // namespace wws::wasi
