// runtimes/files: small file helpers shared by installing, indexing and preparing workers.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace wws::runtimes {

bool read_text_file(const std::filesystem::path& file, std::string& out);
// Writes to a temp file beside `file`, then renames it over `file`, so readers never see half.
bool write_file_atomically(const std::filesystem::path& file, std::string_view content, std::string* error);
// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view bytes);

}  // namespace wws::runtimes
