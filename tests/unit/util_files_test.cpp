// util/files and util/fast_hash: whole-file reads (exact bytes whatever the stat says) and the
// fast hash's stability, which the code cache's on-disk checksums depend on.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "util/fast_hash.h"
#include "util/files.h"

namespace fs = std::filesystem;
using wws::util::fast_hash128;
using wws::util::fast_hash64;
using wws::util::read_file;
using wws::util::read_file_bytes;

namespace {

struct TempFile {
  fs::path path = fs::temp_directory_path() /
                  ("wws-util-files-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
  ~TempFile() {
    std::error_code ec;
    fs::remove(path, ec);
  }
  void write(const std::string& content) const { std::ofstream(path, std::ios::binary) << content; }
};

std::string random_bytes(size_t n) {
  std::mt19937 gen(42);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(gen());
  return s;
}

}  // namespace

TEST(ReadFileBytes, ReadsExactlyTheFileIncludingZeroBytes) {
  TempFile f;
  std::string content = random_bytes(3 << 20);  // several reads' worth, with many zero bytes
  content[0] = '\0';
  f.write(content);
  auto bytes = read_file_bytes(f.path);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->text(), content);
  EXPECT_EQ(bytes->bytes().size(), content.size());
}

TEST(ReadFileBytes, AnEmptyFileIsEmptyNotAnError) {
  TempFile f;
  f.write("");
  auto bytes = read_file_bytes(f.path);
  ASSERT_TRUE(bytes);
  EXPECT_TRUE(bytes->bytes().empty());
}

TEST(ReadFileBytes, AMissingFileOrAFolderIsNotRead) {
  EXPECT_FALSE(read_file_bytes("/nonexistent/wws/file.wasm"));
  EXPECT_FALSE(read_file_bytes(fs::temp_directory_path()));  // read(2) fails with EISDIR
}

// Files under /proc and pipes have a stat size of 0, and can be longer than the first guess (64
// KiB): the read goes on to the end.
TEST(ReadFileBytes, AFileWhoseStatHasNoSizeIsReadToTheEnd) {
  auto maps = read_file_bytes("/proc/self/maps");
  ASSERT_TRUE(maps);
  EXPECT_NE(maps->text().find("[stack]"), std::string::npos);

  TempFile fifo;
  ASSERT_EQ(::mkfifo(fifo.path.c_str(), 0600), 0);
  std::string content = random_bytes(300 << 10);
  std::thread writer([&] { std::ofstream(fifo.path, std::ios::binary) << content; });
  auto bytes = read_file_bytes(fifo.path);
  writer.join();
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->text(), content);
}

TEST(FastHash, IsStableAndSeesEveryByte) {
  // XXH3's published values for empty input: on-disk checksums rely on the function not changing.
  EXPECT_EQ(fast_hash64(std::string_view()), 0x2D06800538D394C2ull);
  std::array<uint8_t, 16> empty128 = {0x99, 0xaa, 0x06, 0xd3, 0x01, 0x47, 0x98, 0xd8,
                                      0x60, 0x01, 0xc3, 0x24, 0x46, 0x8d, 0x49, 0x7f};
  EXPECT_EQ(fast_hash128({}), empty128);
  std::string content = random_bytes(1 << 20);
  auto span = [](const std::string& s) {
    return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  auto h64 = fast_hash64(content);
  auto h128 = fast_hash128(span(content));
  for (size_t at : {size_t{0}, content.size() / 2, content.size() - 1}) {
    std::string changed = content;
    changed[at] ^= 1;
    EXPECT_NE(fast_hash64(changed), h64) << at;
    EXPECT_NE(fast_hash128(span(changed)), h128) << at;
  }
}
