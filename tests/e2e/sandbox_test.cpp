// What a worker can reach: [vars] as its whole environment, and [[folders]] mounts that it can
// read and write but never escape (../, absolute paths, symlinks pointing out).
#include <gtest/gtest.h>

#include "harness.h"
#include "json.h"

namespace e2e {
namespace {

TEST(Vars, EnvironmentIsExactlyTheWorkerVars) {
  Project project;
  project.worker("vars.wasm", "vars").worker("plain.wasm", "vars");
  project.file("vars.toml",
               "name = \"vars\"\nversion = \"1\"\n[vars]\nMESSAGE = \"hello from toml\"\n"
               "TOKEN = \"$WWS_E2E_TOKEN\"\nMISSING = \"$WWS_E2E_UNSET_VAR\"\nSPACED = \"$ not a var\"\n");
  Server server(project, {}, {"WWS_E2E_TOKEN=s3cret"});
  auto response = server.get("/vars");
  ASSERT_EQ(response.status, 200) << response.body;
  auto doc = parse_json(response.body);
  ASSERT_TRUE(doc.IsObject()) << response.body;
  EXPECT_EQ(str(doc, "MESSAGE"), "hello from toml");
  EXPECT_EQ(str(doc, "TOKEN"), "s3cret");
  EXPECT_EQ(str(doc, "MISSING"), "");
  EXPECT_EQ(str(doc, "SPACED"), "$ not a var");
  EXPECT_EQ(doc.MemberCount(), 4u) << "the host environment must not leak: " << response.body;

  auto plain = server.get("/plain");
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body, "{}");
}

class Mount : public SharedServerTest<Mount> {
 public:
  static void build(Project& p) {
    p.fixture("mount").worker("folder.wasm", "folder");
    p.symlink("_data/link_out", "../secret.txt");
    p.symlink("_data/abs_link", p.path("secret.txt"));
    p.symlink("_data/dir_link", "..");
  }
  static std::vector<std::string> args() { return {}; }
};

TEST_F(Mount, ReadsAFileInTheMount) {
  auto response = server_->get("/folder?op=read&path=/mnt/data/hello.txt");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello from the mounted folder\n");
}

TEST_F(Mount, WritesAFileInTheMount) {
  auto response = server_->get("/folder?op=write&path=/mnt/data/written.txt&data=from%20the%20worker");
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(read_file(project_->path("_data/written.txt")), "from the worker");
}

TEST_F(Mount, CannotEscapeTheMount) {
  const char* escapes[] = {
      "/mnt/data/../secret.txt",  // dot-dot out of the mount
      "/mnt/data/../../secret.txt",
      "/mnt/data/sub/../../secret.txt",
      "/mnt/data/link_out",             // relative symlink pointing out
      "/mnt/data/abs_link",             // absolute symlink pointing out
      "/mnt/data/dir_link/secret.txt",  // symlinked directory pointing out
      "/etc/passwd",                    // absolute path outside any mount
      "../secret.txt",
  };
  for (const char* path : escapes) {
    auto response = server_->get(std::string("/folder?op=read&path=") + path);
    EXPECT_EQ(response.status, 403) << path << ": " << response.body;
    EXPECT_EQ(response.body.find("TOP SECRET"), std::string::npos) << path;
    EXPECT_EQ(response.body.rfind("ERR", 0), 0u) << path << ": " << response.body;
  }
}

TEST_F(Mount, CannotWriteOutsideTheMount) {
  auto dotdot = server_->get("/folder?op=write&path=/mnt/data/../escaped.txt&data=x");
  EXPECT_EQ(dotdot.status, 403) << dotdot.body;
  EXPECT_FALSE(fs::exists(project_->path("escaped.txt")));
  auto via_link = server_->get("/folder?op=write&path=/mnt/data/dir_link/escaped2.txt&data=x");
  EXPECT_EQ(via_link.status, 403) << via_link.body;
  EXPECT_FALSE(fs::exists(project_->path("escaped2.txt")));
  auto over_link = server_->get("/folder?op=write&path=/mnt/data/link_out&data=overwritten");
  EXPECT_EQ(over_link.status, 403) << over_link.body;
  EXPECT_EQ(read_file(project_->path("secret.txt")), "TOP SECRET outside the mount\n");
}

}  // namespace
}  // namespace e2e
