// util/files: reading a whole file at once, and writing one so that readers never see half of it.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wws::util {

// The whole content of `file` (sized by its stat and read in large blocks: a module of tens of
// MiB is read in milliseconds, not byte by byte), or nullopt if it cannot be read.
std::optional<std::string> read_file(const std::filesystem::path& file);
// The same into `out` (reusing its capacity); false if the file cannot be read.
bool read_file(const std::filesystem::path& file, std::string& out);
bool read_file(const std::filesystem::path& file, std::vector<uint8_t>& out);

// A file's bytes in a buffer that is never zero-filled first: for modules of tens of MiB, where
// clearing the buffer before reading over it is a third of the read (its pages are faulted in
// twice, by the clearing and by the read).
class FileBytes {
 public:
  std::span<const uint8_t> bytes() const { return {data_.get(), size_}; }
  std::string_view text() const { return {reinterpret_cast<const char*>(data_.get()), size_}; }

  // What the reader needs of a byte container; growing leaves the new bytes uninitialised.
  uint8_t* data() { return data_.get(); }
  size_t size() const { return size_; }
  void clear() { size_ = 0; }
  void resize(size_t n);  // std::bad_alloc when memory runs out, as a standard container

 private:
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};
std::optional<FileBytes> read_file_bytes(const std::filesystem::path& file);

// Writes to a temp file beside `file`, then renames it over `file`.
bool write_file_atomically(const std::filesystem::path& file, std::string_view content, std::string* error);

}  // namespace wws::util
