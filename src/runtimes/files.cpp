#include "runtimes/files.h"

#include <unistd.h>

#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <openssl/evp.h>

namespace wws::runtimes {

namespace {

// One read of the known size: interpreters are tens of MB, and a character-wise copy of them
// was most of a warm start.
template <typename Bytes>
bool read_whole_file(const std::filesystem::path& file, Bytes& out) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return false;
  std::streamoff size = in.tellg();
  if (size < 0) {  // not seekable (a pipe): read it as a stream
    in.clear();
    in.seekg(0);
    out.assign(std::istreambuf_iterator<char>(in), {});
    return !in.bad();
  }
  out.resize(static_cast<size_t>(size));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(out.data()), size);
  out.resize(static_cast<size_t>(in.gcount()));
  return !in.bad();
}

}  // namespace

bool read_text_file(const std::filesystem::path& file, std::string& out) { return read_whole_file(file, out); }

bool read_binary_file(const std::filesystem::path& file, std::vector<uint8_t>& out) {
  return read_whole_file(file, out);
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace wws::runtimes
