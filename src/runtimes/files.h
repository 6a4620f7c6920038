// runtimes/files: small file helpers shared by installing, indexing and preparing workers.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "util/files.h"

namespace wws::runtimes {

bool read_text_file(const std::filesystem::path& file, std::string& out);
bool read_binary_file(const std::filesystem::path& file, std::vector<uint8_t>& out);
using util::write_file_atomically;  // util/files.h
// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view bytes);

}  // namespace wws::runtimes
