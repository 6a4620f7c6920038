// runtimes/files: the file helpers installing, indexing and preparing workers use (util's).
#pragma once
#include "util/files.h"
#include "util/sha256.h"

namespace wws::runtimes {

inline bool read_text_file(const std::filesystem::path& file, std::string& out) { return util::read_file(file, out); }
inline bool read_binary_file(const std::filesystem::path& file, std::vector<uint8_t>& out) {
  return util::read_file(file, out);
}
using util::sha256_hex;
using util::write_file_atomically;

}  // namespace wws::runtimes
