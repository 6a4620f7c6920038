// util/files: reading a whole file at once, and writing one so that readers never see half of it.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
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

// Writes to a temp file beside `file`, then renames it over `file`.
bool write_file_atomically(const std::filesystem::path& file, std::string_view content, std::string* error);

}  // namespace wws::util
