// Filesystem preview1 calls against real temp folders: preopens, path_open and file I/O,
// metadata, directory listing with paging, entry creation/removal, and the sandbox (no "..",
// absolute path or symlink may reach outside a preopen).
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include "wasi_test_support.h"

namespace wws::wasi::test {
namespace {

using namespace abi;

constexpr uint32_t kData = 3;  // the first preopen
constexpr uint64_t kReadWrite = kRightFdRead | kRightFdWrite | kRightFdSeek | kRightFdTell | kRightFdFilestatGet |
                                kRightFdFilestatSetSize | kRightFdAllocate;

class WasiFs : public ::testing::Test {
 protected:
  WasiFs() {
    fs::create_directories(pre() / "sub");
    tmp_.write("secret.txt", "top secret");
    tmp_.write("pre/hello.txt", "hello world");
    tmp_.write("pre/sub/inner.txt", "inner");
    fs::create_symlink("../secret.txt", pre() / "escape");
    fs::create_symlink(tmp_.path() / "secret.txt", pre() / "absolute");
    fs::create_symlink("hello.txt", pre() / "inside");
    fs::create_symlink("sub", pre() / "sub_link");
    fs::create_symlink("..", pre() / "sub" / "up");
    fs::create_symlink("../..", pre() / "sub" / "up2");
    guest_ = std::make_unique<Guest>(config_with({{pre().string(), "/data"}}));
  }

  fs::path pre() const { return tmp_.path() / "pre"; }
  Guest& g() { return *guest_; }

  Errno stat_path(std::string_view path, uint32_t& st, bool follow = true) {
    uint32_t p = g().put(path);
    st = g().alloc(64);
    return g().err("path_filestat_get", {kData, follow ? kLookupSymlinkFollow : 0u, p, path.size(), st});
  }

  std::string read_all(uint32_t fd) {
    std::string all, part;
    while (g().read(fd, 7, part) == Errno::Success && !part.empty()) all += part;
    return all;
  }

  TempDir tmp_;
  std::unique_ptr<Guest> guest_;
};

TEST_F(WasiFs, PreopensAreListedWithTheirGuestPath) {
  TempDir other;
  Guest two(config_with({{pre().string(), "/data"}, {other.path().string(), "."}}));
  uint32_t st = two.alloc(8);
  ASSERT_EQ(two.err("fd_prestat_get", {3, st}), Errno::Success);
  EXPECT_EQ(two.u8(st), kPreopenDir);
  EXPECT_EQ(two.u32_at(st + 4), 5u);
  uint32_t name = two.alloc(16);
  ASSERT_EQ(two.err("fd_prestat_dir_name", {3, name, 16}), Errno::Success);
  EXPECT_EQ(two.str(name, 5), "/data");
  EXPECT_EQ(two.err("fd_prestat_dir_name", {3, name, 4}), Errno::NameTooLong);
  EXPECT_EQ(two.err("fd_prestat_dir_name", {3, Guest::kMemorySize - 2, 5}), Errno::Fault);
  ASSERT_EQ(two.err("fd_prestat_get", {4, st}), Errno::Success);
  EXPECT_EQ(two.u32_at(st + 4), 1u);
  EXPECT_EQ(two.err("fd_prestat_get", {5, st}), Errno::Badf);  // where wasi-libc stops scanning
  EXPECT_EQ(two.err("fd_prestat_get", {3, Guest::kMemorySize - 4}), Errno::Fault);
  uint32_t fdstat = two.alloc(24);
  ASSERT_EQ(two.err("fd_fdstat_get", {3, fdstat}), Errno::Success);
  EXPECT_EQ(two.u8(fdstat), kFiletypeDirectory);
  EXPECT_EQ(two.u64(fdstat + 16), kRightsAll);  // wasi-libc derives file rights from these
  // A file opened from a preopen is not a preopen.
  uint32_t fd;
  ASSERT_EQ(two.open(3, "hello.txt", fd), Errno::Success);
  EXPECT_EQ(two.err("fd_prestat_get", {fd, st}), Errno::Badf);
}

TEST_F(WasiFs, MissingPreopenFolderTrapsInsteadOfThrowing) {
  Guest bad(config_with({{(tmp_.path() / "nope").string(), "/x"}}));
  ASSERT_TRUE(bad.ctx().trap().has_value());
  EXPECT_NE(bad.ctx().trap()->find("nope"), std::string::npos);
  EXPECT_TRUE(bad.ctx().unwinding());
}

TEST_F(WasiFs, OpenReadSeekTell) {
  uint32_t fd;
  ASSERT_EQ(g().open(kData, "hello.txt", fd), Errno::Success);
  EXPECT_GE(fd, 4u);
  std::string data;
  ASSERT_EQ(g().read(fd, 5, data), Errno::Success);
  EXPECT_EQ(data, "hello");
  uint32_t pos = g().alloc(8);
  ASSERT_EQ(g().err("fd_tell", {fd, pos}), Errno::Success);
  EXPECT_EQ(g().u64(pos), 5u);
  ASSERT_EQ(g().err("fd_seek", {fd, static_cast<uint64_t>(-5), kWhenceEnd, pos}), Errno::Success);
  EXPECT_EQ(g().u64(pos), 6u);
  EXPECT_EQ(read_all(fd), "world");
  EXPECT_EQ(g().err("fd_seek", {fd, static_cast<uint64_t>(-100), kWhenceCur, pos}), Errno::Inval);
  EXPECT_EQ(g().err("fd_seek", {fd, 0, 3, pos}), Errno::Inval);
  EXPECT_EQ(g().err("fd_seek", {fd, 0, kWhenceSet, Guest::kMemorySize - 4}), Errno::Fault);
  // pread does not move the offset.
  ASSERT_EQ(g().err("fd_seek", {fd, 2, kWhenceSet, pos}), Errno::Success);
  uint32_t buf = g().alloc(8), n = g().alloc(4);
  uint32_t iov = g().iovecs({{buf, 5}});
  ASSERT_EQ(g().err("fd_pread", {fd, iov, 1, 6, n}), Errno::Success);
  EXPECT_EQ(g().str(buf, g().u32_at(n)), "world");
  ASSERT_EQ(g().err("fd_tell", {fd, pos}), Errno::Success);
  EXPECT_EQ(g().u64(pos), 2u);
  uint32_t st = g().alloc(24);
  ASSERT_EQ(g().err("fd_fdstat_get", {fd, st}), Errno::Success);
  EXPECT_EQ(g().u8(st), kFiletypeRegularFile);
  EXPECT_EQ(g().u64(st + 8), kRightFdRead | kRightFdSeek | kRightFdTell);
  // Read-only: writing fails on the host side.
  EXPECT_EQ(g().write(fd, "x"), Errno::Badf);
  ASSERT_EQ(g().err("fd_close", {fd}), Errno::Success);
  EXPECT_EQ(g().read(fd, 1, data), Errno::Badf);
}

TEST_F(WasiFs, CreateWriteAppendTruncate) {
  uint32_t fd;
  ASSERT_EQ(g().open(kData, "new.txt", fd, kOflagCreat | kOflagTrunc, kReadWrite), Errno::Success);
  uint32_t written;
  ASSERT_EQ(g().write(fd, "abcdef", &written), Errno::Success);
  EXPECT_EQ(written, 6u);
  uint32_t buf = g().put("XY"), n = g().alloc(4);
  ASSERT_EQ(g().err("fd_pwrite", {fd, g().iovecs({{buf, 2}}), 1, 1, n}), Errno::Success);
  EXPECT_EQ(g().u32_at(n), 2u);
  EXPECT_EQ(tmp_.read("pre/new.txt"), "aXYdef");
  EXPECT_EQ(g().err("fd_pwrite", {fd, g().iovecs({{buf, 2}}), 1, static_cast<uint64_t>(-1), n}), Errno::Inval);
  ASSERT_EQ(g().err("fd_filestat_set_size", {fd, 3}), Errno::Success);
  EXPECT_EQ(tmp_.read("pre/new.txt"), "aXY");
  ASSERT_EQ(g().err("fd_allocate", {fd, 0, 4096}), Errno::Success);
  EXPECT_EQ(fs::file_size(pre() / "new.txt"), 4096u);
  EXPECT_EQ(g().err("fd_advise", {fd, 0, 0, kAdviceSequential}), Errno::Success);
  EXPECT_EQ(g().err("fd_advise", {fd, 0, 0, 17}), Errno::Inval);
  EXPECT_EQ(g().err("fd_datasync", {fd}), Errno::Success);
  EXPECT_EQ(g().err("fd_sync", {fd}), Errno::Success);
  ASSERT_EQ(g().err("fd_close", {fd}), Errno::Success);

  EXPECT_EQ(g().open(kData, "new.txt", fd, kOflagCreat | kOflagExcl, kReadWrite), Errno::Exist);

  ASSERT_EQ(g().open(kData, "hello.txt", fd, 0, kReadWrite, kFdflagAppend), Errno::Success);
  ASSERT_EQ(g().write(fd, "!"), Errno::Success);
  EXPECT_EQ(tmp_.read("pre/hello.txt"), "hello world!");
  uint32_t st = g().alloc(24);
  ASSERT_EQ(g().err("fd_fdstat_get", {fd, st}), Errno::Success);
  EXPECT_EQ(g().u16(st + 2), kFdflagAppend);
  ASSERT_EQ(g().err("fd_fdstat_set_flags", {fd, 0}), Errno::Success);
  ASSERT_EQ(g().err("fd_fdstat_get", {fd, st}), Errno::Success);
  EXPECT_EQ(g().u16(st + 2), 0u);
  EXPECT_EQ(g().err("fd_fdstat_set_flags", {fd, kFdflagSync}), Errno::NotSup);

  ASSERT_EQ(g().open(kData, "hello.txt", fd, kOflagTrunc, kReadWrite), Errno::Success);
  EXPECT_EQ(tmp_.read("pre/hello.txt"), "");
}

TEST_F(WasiFs, RightsCanOnlyShrink) {
  uint32_t fd;
  ASSERT_EQ(g().open(kData, "hello.txt", fd), Errno::Success);
  EXPECT_EQ(g().err("fd_fdstat_set_rights", {fd, kRightFdRead, 0}), Errno::Success);
  EXPECT_EQ(g().err("fd_fdstat_set_rights", {fd, kRightFdRead | kRightFdWrite, 0}), Errno::NotCapable);
  EXPECT_EQ(g().err("fd_fdstat_set_rights", {99, 0, 0}), Errno::Badf);
}

TEST_F(WasiFs, OpenErrors) {
  uint32_t fd;
  EXPECT_EQ(g().open(kData, "missing.txt", fd), Errno::NoEnt);
  EXPECT_EQ(g().open(kData, "hello.txt", fd, kOflagDirectory), Errno::NotDir);
  EXPECT_EQ(g().open(kData, "hello.txt/", fd), Errno::NotDir);
  EXPECT_EQ(g().open(kData, "sub", fd, 0, kReadWrite), Errno::IsDir);
  EXPECT_EQ(g().open(kData, "", fd), Errno::NoEnt);
  EXPECT_EQ(g().open(kData, std::string("hello.txt\0x", 11), fd), Errno::Inval);
  EXPECT_EQ(g().open(kData, std::string(5000, 'a'), fd), Errno::NameTooLong);
  EXPECT_EQ(g().open(42, "hello.txt", fd), Errno::Badf);
  EXPECT_EQ(g().open(1, "hello.txt", fd), Errno::NotDir);
  ASSERT_EQ(g().open(kData, "hello.txt", fd), Errno::Success);
  uint32_t file_fd = fd;
  EXPECT_EQ(g().open(file_fd, "x", fd), Errno::NotDir);
  uint32_t p = g().put("hello.txt");
  // Path out of bounds, result pointer out of bounds (and then nothing was opened).
  EXPECT_EQ(g().err("path_open", {kData, 1, Guest::kMemorySize - 3, 9, 0, kRightFdRead, 0, 0, 0}), Errno::Fault);
  EXPECT_EQ(g().err("path_open", {kData, 1, p, 9, 0, kRightFdRead, 0, 0, Guest::kMemorySize}), Errno::Fault);
  EXPECT_EQ(g().ctx().fds().size(), 5u);
}

TEST_F(WasiFs, DotDotAndAbsolutePathsCannotEscape) {
  uint32_t fd;
  for (std::string path :
       {"../secret.txt", "sub/../../secret.txt", "/etc/passwd", "/data/hello.txt", "sub/up/../secret.txt"}) {
    EXPECT_EQ(g().open(kData, path, fd), Errno::NotCapable) << path;
  }
  uint32_t st;
  EXPECT_EQ(stat_path("../secret.txt", st), Errno::NotCapable);
  EXPECT_EQ(stat_path("..", st), Errno::NotCapable);
  EXPECT_EQ(g().path_call("path_create_directory", kData, "../made"), Errno::NotCapable);
  EXPECT_FALSE(fs::exists(tmp_.path() / "made"));
  EXPECT_EQ(g().path_call("path_unlink_file", kData, "../secret.txt"), Errno::NotCapable);
  EXPECT_EQ(g().path_call("path_unlink_file", kData, "/etc/hostname"), Errno::NotCapable);
  EXPECT_EQ(g().path_call("path_remove_directory", kData, "../pre"), Errno::NotCapable);
  EXPECT_TRUE(fs::exists(tmp_.path() / "secret.txt"));
  uint32_t from = g().put("hello.txt"), to = g().put("../stolen.txt");
  EXPECT_EQ(g().err("path_rename", {kData, from, 9, kData, to, 13}), Errno::NotCapable);
  EXPECT_FALSE(fs::exists(tmp_.path() / "stolen.txt"));
  // A subdirectory fd is itself a sandbox root.
  ASSERT_EQ(g().open(kData, "sub", fd, kOflagDirectory), Errno::Success);
  uint32_t inner;
  EXPECT_EQ(g().open(fd, "inner.txt", inner), Errno::Success);
  EXPECT_EQ(g().open(fd, "../hello.txt", inner), Errno::NotCapable);
}

TEST_F(WasiFs, SymlinksAreFollowedOnlyInside) {
  uint32_t fd;
  EXPECT_EQ(g().open(kData, "escape", fd), Errno::NotCapable);
  EXPECT_EQ(g().open(kData, "absolute", fd), Errno::NotCapable);
  EXPECT_EQ(g().open(kData, "sub/up2/secret.txt", fd), Errno::NotCapable);
  uint32_t st;
  EXPECT_EQ(stat_path("escape", st), Errno::NotCapable);
  ASSERT_EQ(g().open(kData, "inside", fd), Errno::Success);
  EXPECT_EQ(read_all(fd), "hello world");
  ASSERT_EQ(g().open(kData, "sub_link/inner.txt", fd), Errno::Success);
  EXPECT_EQ(read_all(fd), "inner");
  ASSERT_EQ(g().open(kData, "sub/up/hello.txt", fd), Errno::Success);
  // Without symlink_follow the last component is not followed.
  EXPECT_EQ(g().open(kData, "inside", fd, 0, kRightFdRead, 0, 0), Errno::Loop);
  // Stat without following sees the link itself, even one pointing outside.
  ASSERT_EQ(stat_path("escape", st, false), Errno::Success);
  EXPECT_EQ(g().u8(st + 16), kFiletypeSymbolicLink);
  ASSERT_EQ(stat_path("inside", st, true), Errno::Success);
  EXPECT_EQ(g().u8(st + 16), kFiletypeRegularFile);
  EXPECT_EQ(g().u64(st + 32), 11u);
}

TEST_F(WasiFs, GuestMadeSymlinksCannotEscapeLater) {
  uint32_t target = g().put("../secret.txt"), name = g().put("made_link");
  ASSERT_EQ(g().err("path_symlink", {target, 13, kData, name, 9}), Errno::Success);
  EXPECT_TRUE(fs::is_symlink(pre() / "made_link"));
  uint32_t fd;
  EXPECT_EQ(g().open(kData, "made_link", fd), Errno::NotCapable);
  uint32_t link_name = g().put("hard"), src = g().put("made_link");
  EXPECT_EQ(g().err("path_link", {kData, kLookupSymlinkFollow, src, 9, kData, link_name, 4}), Errno::NotCapable);
  EXPECT_FALSE(fs::exists(pre() / "hard"));
  uint32_t abs = g().put("/etc/passwd"), name2 = g().put("abs_link");
  EXPECT_EQ(g().err("path_symlink", {abs, 11, kData, name2, 8}), Errno::NotCapable);
  EXPECT_FALSE(fs::is_symlink(pre() / "abs_link"));
  uint32_t inside = g().put("hello.txt"), name3 = g().put("sub/ok_link");
  EXPECT_EQ(g().err("path_symlink", {inside, 9, kData, name3, 11}), Errno::Success);
  EXPECT_EQ(g().open(kData, "sub/ok_link", fd), Errno::NoEnt);  // relative to sub/
  EXPECT_EQ(g().err("path_symlink", {inside, 9, kData, name, 9}), Errno::Exist);
  EXPECT_EQ(g().err("path_symlink", {inside, 9, kData, g().put("../x"), 4}), Errno::NotCapable);
}

TEST_F(WasiFs, Readlink) {
  uint32_t p = g().put("escape"), buf = g().alloc(64), used = g().alloc(4);
  ASSERT_EQ(g().err("path_readlink", {kData, p, 6, buf, 64, used}), Errno::Success);
  EXPECT_EQ(g().str(buf, g().u32_at(used)), "../secret.txt");
  ASSERT_EQ(g().err("path_readlink", {kData, p, 6, buf, 4, used}), Errno::Success);
  EXPECT_EQ(g().u32_at(used), 4u);
  EXPECT_EQ(g().str(buf, 4), "../s");
  uint32_t file = g().put("hello.txt");
  EXPECT_EQ(g().err("path_readlink", {kData, file, 9, buf, 64, used}), Errno::Inval);
  EXPECT_EQ(g().err("path_readlink", {kData, p, 6, Guest::kMemorySize - 2, 64, used}), Errno::Fault);
  uint32_t out = g().put("../pre/escape");
  EXPECT_EQ(g().err("path_readlink", {kData, out, 13, buf, 64, used}), Errno::NotCapable);
}

TEST_F(WasiFs, DirectoriesAndFiles) {
  EXPECT_EQ(g().path_call("path_create_directory", kData, "made"), Errno::Success);
  EXPECT_TRUE(fs::is_directory(pre() / "made"));
  EXPECT_EQ(g().path_call("path_create_directory", kData, "made"), Errno::Exist);
  EXPECT_EQ(g().path_call("path_create_directory", kData, "made/deeper/"), Errno::Success);
  EXPECT_EQ(g().path_call("path_create_directory", kData, "missing/x"), Errno::NoEnt);
  EXPECT_EQ(g().path_call("path_create_directory", kData, "."), Errno::Exist);
  EXPECT_EQ(g().path_call("path_remove_directory", kData, "made"), Errno::NotEmpty);
  EXPECT_EQ(g().path_call("path_remove_directory", kData, "hello.txt"), Errno::NotDir);
  EXPECT_EQ(g().path_call("path_remove_directory", kData, "."), Errno::Inval);
  EXPECT_EQ(g().path_call("path_remove_directory", kData, "sub/.."), Errno::Inval);
  EXPECT_EQ(g().path_call("path_remove_directory", kData, "made/deeper"), Errno::Success);
  EXPECT_EQ(g().path_call("path_remove_directory", kData, "made/"), Errno::Success);
  EXPECT_FALSE(fs::exists(pre() / "made"));

  EXPECT_EQ(g().path_call("path_unlink_file", kData, "sub"), Errno::IsDir);
  EXPECT_EQ(g().path_call("path_unlink_file", kData, "hello.txt/"), Errno::NotDir);
  EXPECT_EQ(g().path_call("path_unlink_file", kData, "missing"), Errno::NoEnt);
  EXPECT_EQ(g().path_call("path_unlink_file", kData, ".."), Errno::IsDir);
  EXPECT_EQ(g().path_call("path_unlink_file", kData, "escape"), Errno::Success);  // the link, not its target
  EXPECT_TRUE(fs::exists(tmp_.path() / "secret.txt"));
  EXPECT_EQ(g().path_call("path_unlink_file", kData, "sub/inner.txt"), Errno::Success);
  EXPECT_FALSE(fs::exists(pre() / "sub" / "inner.txt"));
  EXPECT_EQ(g().path_call("path_unlink_file", 1, "x"), Errno::NotDir);
  EXPECT_EQ(g().path_call("path_unlink_file", 77, "x"), Errno::Badf);
  EXPECT_EQ(g().err("path_unlink_file", {kData, Guest::kMemorySize - 1, 5}), Errno::Fault);

  uint32_t a = g().put("hello.txt"), b = g().put("sub/renamed.txt");
  ASSERT_EQ(g().err("path_rename", {kData, a, 9, kData, b, 15}), Errno::Success);
  EXPECT_EQ(tmp_.read("pre/sub/renamed.txt"), "hello world");
  EXPECT_EQ(g().err("path_rename", {kData, a, 9, kData, b, 15}), Errno::NoEnt);
  uint32_t dot = g().put(".");
  EXPECT_EQ(g().err("path_rename", {kData, dot, 1, kData, b, 15}), Errno::Busy);

  uint32_t src = g().put("sub/renamed.txt"), dst = g().put("hard.txt");
  ASSERT_EQ(g().err("path_link", {kData, 0, src, 15, kData, dst, 8}), Errno::Success);
  uint32_t st;
  ASSERT_EQ(stat_path("hard.txt", st), Errno::Success);
  EXPECT_EQ(g().u64(st + 24), 2u);  // nlink
  EXPECT_EQ(g().err("path_link", {kData, 0, src, 15, kData, dst, 8}), Errno::Exist);
  uint32_t through = g().put("inside2"), target = g().put("hard.txt");
  ASSERT_EQ(g().err("path_symlink", {target, 8, kData, through, 7}), Errno::Success);
  uint32_t followed = g().put("hard2.txt");
  ASSERT_EQ(g().err("path_link", {kData, kLookupSymlinkFollow, through, 7, kData, followed, 9}), Errno::Success);
  EXPECT_FALSE(fs::is_symlink(pre() / "hard2.txt"));
  EXPECT_EQ(tmp_.read("pre/hard2.txt"), "hello world");
}

TEST_F(WasiFs, FilestatAndTimes) {
  uint32_t st;
  ASSERT_EQ(stat_path("hello.txt", st), Errno::Success);
  struct stat host {};
  ASSERT_EQ(::stat((pre() / "hello.txt").c_str(), &host), 0);
  EXPECT_EQ(g().u64(st + 8), host.st_ino);
  EXPECT_EQ(g().u64(st + 0), host.st_dev);
  EXPECT_EQ(g().u8(st + 16), kFiletypeRegularFile);
  EXPECT_EQ(g().u64(st + 32), 11u);
  ASSERT_EQ(stat_path("sub", st), Errno::Success);
  EXPECT_EQ(g().u8(st + 16), kFiletypeDirectory);
  ASSERT_EQ(stat_path(".", st), Errno::Success);
  EXPECT_EQ(g().u8(st + 16), kFiletypeDirectory);
  EXPECT_EQ(stat_path("nothing", st), Errno::NoEnt);
  uint32_t p = g().put("hello.txt");
  EXPECT_EQ(g().err("path_filestat_get", {kData, 1, p, 9, Guest::kMemorySize - 8}), Errno::Fault);

  const uint64_t t = 1'600'000'000'123'456'789ull;
  ASSERT_EQ(g().err("path_filestat_set_times", {kData, 1, p, 9, t, t + 1'000'000'000ull, kFstAtim | kFstMtim}),
            Errno::Success);
  ASSERT_EQ(::stat((pre() / "hello.txt").c_str(), &host), 0);
  EXPECT_EQ(host.st_atim.tv_sec, 1'600'000'000);
  EXPECT_EQ(host.st_atim.tv_nsec, 123'456'789);
  EXPECT_EQ(host.st_mtim.tv_sec, 1'600'000'001);
  ASSERT_EQ(stat_path("hello.txt", st), Errno::Success);
  EXPECT_EQ(g().u64(st + 48), t + 1'000'000'000ull);
  EXPECT_EQ(g().err("path_filestat_set_times", {kData, 1, p, 9, t, t, kFstAtim | kFstAtimNow}), Errno::Inval);
  EXPECT_EQ(g().err("path_filestat_set_times", {kData, 1, p, 9, t, t, 0x40}), Errno::Inval);
  // Only the mtime, to now: the atime stays.
  ASSERT_EQ(g().err("path_filestat_set_times", {kData, 1, p, 9, 0, 0, kFstMtimNow}), Errno::Success);
  ASSERT_EQ(::stat((pre() / "hello.txt").c_str(), &host), 0);
  EXPECT_EQ(host.st_atim.tv_sec, 1'600'000'000);
  EXPECT_GT(host.st_mtim.tv_sec, 1'700'000'000);
  // The escaping link's target is untouched even when following.
  uint32_t e = g().put("escape");
  EXPECT_EQ(g().err("path_filestat_set_times", {kData, 1, e, 6, t, t, kFstAtim | kFstMtim}), Errno::NotCapable);

  uint32_t fd;
  ASSERT_EQ(g().open(kData, "hello.txt", fd), Errno::Success);
  ASSERT_EQ(g().err("fd_filestat_set_times", {fd, t, t, kFstMtim}), Errno::Success);
  uint32_t fst = g().alloc(64);
  ASSERT_EQ(g().err("fd_filestat_get", {fd, fst}), Errno::Success);
  EXPECT_EQ(g().u64(fst + 48), t);
  EXPECT_EQ(g().u8(fst + 16), kFiletypeRegularFile);
  EXPECT_EQ(g().err("fd_filestat_get", {fd, Guest::kMemorySize - 63}), Errno::Fault);
  EXPECT_EQ(g().err("fd_filestat_set_times", {fd, t, t, kFstMtim | kFstMtimNow}), Errno::Inval);
  EXPECT_EQ(g().err("fd_filestat_set_size", {kData, 0}), Errno::IsDir);
  EXPECT_EQ(g().err("fd_filestat_set_size", {fd, 0}), Errno::Inval);  // opened read-only
}

struct Listed {
  std::map<std::string, std::pair<uint64_t, uint8_t>> entries;  // name -> (ino, type)
  int calls = 0;
};

// Pages through a directory the way wasi-libc's readdir does: resume from the d_next of the last
// whole entry whenever the buffer came back full.
Listed list_dir(Guest& g, uint32_t fd, uint32_t buf_len) {
  Listed out;
  uint32_t buf = g.alloc(buf_len), used = g.alloc(4);
  uint64_t cookie = 0;
  for (;;) {
    ++out.calls;
    EXPECT_LT(out.calls, 1000);
    if (out.calls >= 1000) return out;
    EXPECT_EQ(g.err("fd_readdir", {fd, buf, buf_len, cookie, used}), Errno::Success);
    uint32_t n = g.u32_at(used);
    uint32_t off = 0;
    bool progressed = false;
    while (off + kDirentSize <= n) {
      uint32_t namlen = g.u32_at(buf + off + kDirentNamlen);
      if (off + kDirentSize + namlen > n) break;  // truncated: fetch it again next round
      std::string name = g.str(buf + off + kDirentSize, namlen);
      EXPECT_FALSE(out.entries.count(name)) << "listed twice: " << name;
      out.entries[name] = {g.u64(buf + off + kDirentIno), g.u8(buf + off + kDirentType)};
      cookie = g.u64(buf + off + kDirentNext);
      off += kDirentSize + namlen;
      progressed = true;
    }
    if (n < buf_len) return out;
    EXPECT_TRUE(progressed) << "buffer too small for one entry";
    if (!progressed) return out;
  }
}

TEST_F(WasiFs, ReaddirListsEverythingAcrossSmallBuffers) {
  std::set<std::string> expected = {".", "..", "hello.txt", "sub", "escape", "absolute", "inside", "sub_link"};
  for (int i = 0; i < 40; ++i) {
    std::string name = "file-with-a-longish-name-" + std::to_string(i);
    tmp_.write("pre/" + name, "x");
    expected.insert(name);
  }
  uint32_t fd;
  ASSERT_EQ(g().open(kData, ".", fd, kOflagDirectory, kRightFdReaddir), Errno::Success);
  for (uint32_t size : {64u, 100u, 128u, 4096u}) {
    Listed listed = list_dir(g(), fd, size);
    std::set<std::string> names;
    for (const auto& [name, _] : listed.entries) names.insert(name);
    EXPECT_EQ(names, expected) << "buffer " << size;
    if (size == 64) EXPECT_GT(listed.calls, 20);
    struct stat host {};
    ASSERT_EQ(::stat((pre() / "hello.txt").c_str(), &host), 0);
    EXPECT_EQ(listed.entries["hello.txt"].first, host.st_ino);
    EXPECT_EQ(listed.entries["hello.txt"].second, kFiletypeRegularFile);
    EXPECT_EQ(listed.entries["sub"].second, kFiletypeDirectory);
    EXPECT_EQ(listed.entries["escape"].second, kFiletypeSymbolicLink);
  }
  // The preopen itself can be listed too.
  EXPECT_EQ(list_dir(g(), kData, 256).entries.size(), expected.size());
}

TEST_F(WasiFs, ReaddirTruncatesTheLastEntryAndHandlesOddCookies) {
  uint32_t fd;
  ASSERT_EQ(g().open(kData, "sub", fd, kOflagDirectory, kRightFdReaddir), Errno::Success);
  // sub holds ".", "..", "inner.txt", "up", "up2".
  uint32_t buf = g().alloc(256), used = g().alloc(4);
  ASSERT_EQ(g().err("fd_readdir", {fd, buf, 256, 0, used}), Errno::Success);
  uint32_t full = g().u32_at(used);
  EXPECT_EQ(full, 5 * 24 + 1 + 2 + 9 + 2 + 3);
  ASSERT_EQ(g().err("fd_readdir", {fd, buf, 30, 0, used}), Errno::Success);
  EXPECT_EQ(g().u32_at(used), 30u);  // full buffer: the second entry is cut short
  EXPECT_EQ(g().u64(buf + kDirentNext), 1u);
  ASSERT_EQ(g().err("fd_readdir", {fd, buf, 10, 0, used}), Errno::Success);
  EXPECT_EQ(g().u32_at(used), 10u);  // even a header can be cut
  ASSERT_EQ(g().err("fd_readdir", {fd, buf, 256, 5, used}), Errno::Success);
  EXPECT_EQ(g().u32_at(used), 0u);  // past the end
  ASSERT_EQ(g().err("fd_readdir", {fd, buf, 256, 1'000'000, used}), Errno::Success);
  EXPECT_EQ(g().u32_at(used), 0u);
  ASSERT_EQ(g().err("fd_readdir", {fd, buf, 0, 0, used}), Errno::Success);
  EXPECT_EQ(g().u32_at(used), 0u);
  EXPECT_EQ(g().err("fd_readdir", {fd, Guest::kMemorySize - 10, 256, 0, used}), Errno::Fault);
  uint32_t file;
  ASSERT_EQ(g().open(kData, "hello.txt", file), Errno::Success);
  EXPECT_EQ(g().err("fd_readdir", {file, buf, 256, 0, used}), Errno::NotDir);
  EXPECT_EQ(g().err("fd_readdir", {1, buf, 256, 0, used}), Errno::NotDir);
  EXPECT_EQ(g().err("fd_readdir", {99, buf, 256, 0, used}), Errno::Badf);
}

TEST_F(WasiFs, ReaddirSeesChangesAfterRewind) {
  uint32_t fd;
  ASSERT_EQ(g().open(kData, "sub", fd, kOflagDirectory, kRightFdReaddir), Errno::Success);
  EXPECT_EQ(list_dir(g(), fd, 512).entries.size(), 5u);
  tmp_.write("pre/sub/late.txt", "");
  EXPECT_EQ(list_dir(g(), fd, 512).entries.count("late.txt"), 1u);
}

size_t open_host_fds() {
  size_t n = 0;
  for (const auto& _ : fs::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

TEST_F(WasiFs, DestroyingTheContextClosesEveryHostFd) {
  guest_.reset();
  size_t before = open_host_fds();
  {
    Guest guest(config_with({{pre().string(), "/data"}, {pre().string(), "/again"}}));
    uint32_t fd;
    ASSERT_EQ(guest.open(kData, "hello.txt", fd), Errno::Success);
    ASSERT_EQ(guest.open(kData, "sub", fd, kOflagDirectory), Errno::Success);
    uint32_t buf = guest.alloc(128), used = guest.alloc(4);
    ASSERT_EQ(guest.err("fd_readdir", {fd, buf, 128, 0, used}), Errno::Success);
    ASSERT_EQ(guest.open(4, "sub/inner.txt", fd), Errno::Success);
    EXPECT_EQ(open_host_fds(), before + 5);
    ASSERT_EQ(guest.err("fd_renumber", {fd, 5}), Errno::Success);  // closes what 5 held
    EXPECT_EQ(open_host_fds(), before + 4);
  }
  EXPECT_EQ(open_host_fds(), before);
}

TEST_F(WasiFs, TheFdTableIsBounded) {
  uint32_t fd = 0;
  Errno e = Errno::Success;
  int opened = 0;
  while (opened < 5000 && (e = g().open(kData, "hello.txt", fd)) == Errno::Success) {
    ++opened;
    g().reset_scratch();
  }
  EXPECT_EQ(e, Errno::Mfile);
  EXPECT_LE(opened, 1024);
  // Closing one makes room again, at the lowest free number.
  ASSERT_EQ(g().err("fd_close", {10}), Errno::Success);
  ASSERT_EQ(g().open(kData, "hello.txt", fd), Errno::Success);
  EXPECT_EQ(fd, 10u);
}

}  // namespace
}  // namespace wws::wasi::test
