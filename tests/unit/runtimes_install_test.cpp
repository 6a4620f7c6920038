// runtimes/installer and fetch: installing from a file:// repository with checksums, nothing
// half-installed on a mismatch or an unreachable repository, uninstalling one version only.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "runtimes/installer.h"
#include "runtimes/repository_index.h"
#include "util/files.h"
#include "util/sha256.h"

namespace wws::runtimes {
namespace {
namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/wws-runtimes-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

void write(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

RuntimeMetadata runtime(const fs::path& repo, const std::string& version, const std::string& binary_sha) {
  std::string toml = "version = 1\n[[runtimes]]\nname = \"lang\"\nversion = \"" + version +
                     "\"\nextensions = [\"lg\"]\n[runtimes.binary]\nurl = \"lang.wasm\"\nfilename = \"lang.wasm\"\n"
                     "checksum = { type = \"sha256\", value = \"" +
                     binary_sha +
                     "\" }\n"
                     "[runtimes.wrapper]\nurl = \"wrapper.txt\"\nfilename = \"wrapper.txt\"\n"
                     "checksum = { type = \"sha256\", value = \"" +
                     util::sha256_hex("{source}") + "\" }\n";
  auto index = parse_index(toml, "file://" + (repo / "index.toml").string(), nullptr);
  return index.runtimes.at(0);
}

TEST(RuntimesInstall, InstallsFromFileUrlsAndVerifies) {
  TempDir repo, project;
  write(repo.path / "lang.wasm", "binary");
  write(repo.path / "wrapper.txt", "{source}");
  auto r = runtime(repo.path, "1.0", util::sha256_hex("binary"));
  std::string error;
  ASSERT_TRUE(install_runtime(project.path, "local", r, nullptr, &error)) << error;
  fs::path dir = runtime_dir(project.path, "local", "lang", "1.0");
  EXPECT_EQ(dir, project.path / ".wws/runtimes/local/lang/1.0");
  EXPECT_TRUE(is_installed(project.path, "local", r));
  std::string problem;
  EXPECT_TRUE(verify_runtime(project.path, "local", r, &problem)) << problem;
  write(dir / "lang.wasm", "tampered");
  EXPECT_FALSE(verify_runtime(project.path, "local", r, &problem));
  EXPECT_NE(problem.find("does not match its checksum"), std::string::npos);
}

TEST(RuntimesInstall, ChecksumMismatchLeavesNothing) {
  TempDir repo, project;
  write(repo.path / "lang.wasm", "binary");
  write(repo.path / "wrapper.txt", "{source}");
  auto r = runtime(repo.path, "1.0", util::sha256_hex("something else"));
  std::string error;
  EXPECT_FALSE(install_runtime(project.path, "local", r, nullptr, &error));
  EXPECT_NE(error.find("does not match its checksum"), std::string::npos) << error;
  EXPECT_NE(error.find(util::sha256_hex("binary")), std::string::npos) << error;
  fs::path parent = project.path / ".wws/runtimes/local/lang";
  EXPECT_FALSE(fs::exists(parent / "1.0"));
  EXPECT_TRUE(!fs::exists(parent) || fs::is_empty(parent)) << "staging folder left behind";
}

TEST(RuntimesInstall, FailedStepKeepsThePreviousInstall) {
  TempDir repo, project;
  write(repo.path / "lang.wasm", "binary");
  write(repo.path / "wrapper.txt", "{source}");
  auto r = runtime(repo.path, "1.0", util::sha256_hex("binary"));
  std::string error;
  ASSERT_TRUE(install_runtime(project.path, "local", r, nullptr, &error)) << error;
  auto failing = [](const fs::path&, std::string* e) {
    *e = "pre-initialising failed";
    return false;
  };
  EXPECT_FALSE(install_runtime(project.path, "local", r, failing, &error));
  EXPECT_EQ(error, "pre-initialising failed");
  EXPECT_TRUE(is_installed(project.path, "local", r));
}

TEST(RuntimesInstall, UnreachableRepositoryIsAClearError) {
  std::string error;
  EXPECT_FALSE(fetch_index("http://127.0.0.1:1/index.toml", &error, nullptr));
  EXPECT_NE(error.find("http://127.0.0.1:1/index.toml"), std::string::npos) << error;
  EXPECT_FALSE(fetch_index("file:///nonexistent/wws/index.toml", &error, nullptr));
  EXPECT_NE(error.find("/nonexistent/wws/index.toml"), std::string::npos) << error;
  EXPECT_FALSE(fetch_index("ftp://example.com/index.toml", &error, nullptr));
  EXPECT_NE(error.find("http://, https:// or file://"), std::string::npos) << error;
}

TEST(RuntimesInstall, UninstallRemovesOnlyThatVersion) {
  TempDir repo, project;
  write(repo.path / "lang.wasm", "binary");
  write(repo.path / "wrapper.txt", "{source}");
  auto one = runtime(repo.path, "1.0", util::sha256_hex("binary"));
  auto two = runtime(repo.path, "2.0", util::sha256_hex("binary"));
  std::string error;
  ASSERT_TRUE(install_runtime(project.path, "local", one, nullptr, &error)) << error;
  ASSERT_TRUE(install_runtime(project.path, "local", two, nullptr, &error)) << error;
  ASSERT_TRUE(uninstall_runtime(project.path, "local", "lang", "1.0", &error)) << error;
  EXPECT_FALSE(is_installed(project.path, "local", one));
  EXPECT_TRUE(is_installed(project.path, "local", two));
  ASSERT_TRUE(uninstall_runtime(project.path, "local", "lang", "2.0", &error)) << error;
  EXPECT_FALSE(fs::exists(project.path / ".wws/runtimes/local"));  // empty parents tidied
  EXPECT_TRUE(fs::exists(project.path / ".wws/runtimes"));
}

}  // namespace
}  // namespace wws::runtimes
