// The guest's fd table and the host fd owner it is built on.
#include "wasi/fd_table.h"

#include <unistd.h>

namespace wws::wasi {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) reset(other.release());
  return *this;
}

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

FdEntry* FdTable::get(uint32_t fd) {
  auto it = entries_.find(fd);
  return it == entries_.end() ? nullptr : &it->second;
}

Errno FdTable::insert(FdEntry entry, uint32_t& fd_out) {
  if (entries_.size() >= kMaxOpen) return Errno::Mfile;
  uint32_t fd = 0;
  for (const auto& [number, _] : entries_) {
    if (number != fd) break;
    ++fd;
  }
  entries_.emplace(fd, std::move(entry));
  fd_out = fd;
  return Errno::Success;
}

void FdTable::insert_at(uint32_t fd, FdEntry entry) { entries_.insert_or_assign(fd, std::move(entry)); }

Errno FdTable::close(uint32_t fd) { return entries_.erase(fd) ? Errno::Success : Errno::Badf; }

Errno FdTable::renumber(uint32_t from, uint32_t to) {
  auto src = entries_.find(from);
  if (src == entries_.end() || !entries_.count(to)) return Errno::Badf;
  if (from == to) return Errno::Success;
  FdEntry moved = std::move(src->second);
  entries_.erase(src);
  entries_.insert_or_assign(to, std::move(moved));
  return Errno::Success;
}

}  // namespace wws::wasi
