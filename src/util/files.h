// util/files: writing a file so that readers never see half of it.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace wws::util {

// Writes to a temp file beside `file`, then renames it over `file`.
bool write_file_atomically(const std::filesystem::path& file, std::string_view content, std::string* error);

}  // namespace wws::util
