// Static file resolution against tests/unit/data/http (copied to a temp folder so symlinks that
// leave public/ can be created), traversal attempts, validators and 304s, content types.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "http/http_date.h"
#include "http/static_files.h"

namespace wws::http {
namespace {
namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("wws-http-static-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::copy(fs::path(WWS_TEST_DATA) / "http", root_, fs::copy_options::recursive);
    fs::create_symlink("../README.md", root_ / "public" / "escape.txt");
    fs::create_directory_symlink("..", root_ / "public" / "up");
    fs::create_symlink("main.css", root_ / "public" / "inner.css");
    public_ = fs::canonical(root_ / "public");
  }
  void TearDown() override { fs::remove_all(root_); }

  std::optional<fs::path> resolve(std::string_view path, std::string prefix = "") {
    return StaticFiles(root_ / "public", std::move(prefix)).resolve(path);
  }
  fs::path in_public(const std::string& rel) { return public_ / rel; }

  fs::path root_, public_;
};

TEST_F(StaticFilesTest, ResolvesExactFilesIndexesAndPrettyUrls) {
  EXPECT_EQ(resolve("/"), in_public("index.html"));
  EXPECT_EQ(resolve(""), in_public("index.html"));
  EXPECT_EQ(resolve("/index.html"), in_public("index.html"));
  EXPECT_EQ(resolve("/main.css"), in_public("main.css"));
  EXPECT_EQ(resolve("/main.css/"), in_public("main.css"));
  EXPECT_EQ(resolve("/sub"), in_public("sub/index.html"));
  EXPECT_EQ(resolve("/sub/"), in_public("sub/index.html"));
  EXPECT_EQ(resolve("/blog"), in_public("blog.html"));  // the v1.6.0 pretty URL, lost in v1.6.1
  EXPECT_EQ(resolve("/about.html"), in_public("about.html"));
  EXPECT_EQ(resolve("/assets/data.json"), in_public("assets/data.json"));
  EXPECT_EQ(resolve("//assets///data.json"), in_public("assets/data.json"));
  EXPECT_EQ(resolve("/./assets/./data.json"), in_public("assets/data.json"));
  EXPECT_EQ(resolve("/assets/%64ata.json"), in_public("assets/data.json"));
  EXPECT_EQ(resolve("/inner.css"), in_public("main.css"));  // a symlink inside public/ is fine
}

TEST_F(StaticFilesTest, FolderIndexBeatsHtmlSibling) {
  // Order: exact file, <path>/index.html, <path>.html.
  EXPECT_EQ(resolve("/about"), in_public("about/index.html"));
  EXPECT_EQ(resolve("/about/"), in_public("about/index.html"));
  EXPECT_EQ(resolve("/about/index.html"), in_public("about/index.html"));
}

TEST_F(StaticFilesTest, MissingFilesDoNotResolve) {
  EXPECT_FALSE(resolve("/missing"));
  EXPECT_FALSE(resolve("/missing.css"));
  EXPECT_FALSE(resolve("/assets"));  // a folder without index.html
  EXPECT_FALSE(resolve("/main"));    // no main.html
  EXPECT_FALSE(resolve("/sub/missing"));
}

TEST_F(StaticFilesTest, TraversalAttemptsNeverEscapePublic) {
  const std::string absolute_readme = fs::canonical(root_ / "README.md").string();
  const std::vector<std::string> attacks = {
      "/../README.md",
      "/%2e%2e/README.md",
      "/%2E%2E/README.md",
      "/.%2e/README.md",
      "/%C0AE%C0AE%C0AFREADME.md",
      "/%C0%AE%C0%AE/README.md",
      "/%C0%AE%C0%AE%C0%AFREADME.md",
      "/%E0%80%AE%E0%80%AE/README.md",
      "/%2e%2e%2fREADME.md",
      "/..%2fREADME.md",
      "/..%5cREADME.md",
      "/%2e%2e%5cREADME.md",
      "/sub/../../README.md",
      "/sub/%2e%2e/%2e%2e/README.md",
      "/..",
      "/../",
      "/" + absolute_readme,
      absolute_readme,
      "//etc/passwd",
      "/etc/passwd",
      "README.md",
      "/escape.txt",
      "/up/README.md",
      "/index.html%00",
      "/%00index.html",
      "/index.html%00.css",
      "/%",
      "/%2",
      "/%zzindex.html",
      "/%FF.html",
  };
  for (const auto& attack : attacks) {
    const auto got = resolve(attack);
    EXPECT_FALSE(got) << attack << " resolved to " << got->string();
  }
}

TEST_F(StaticFilesTest, DotFilesAndFoldersAreNotServed) {
  auto write = [&](const std::string& rel, const std::string& text) {
    fs::create_directories((root_ / "public" / rel).parent_path());
    std::ofstream(root_ / "public" / rel) << text;
  };
  write(".env", "SECRET=1");
  write(".git/config", "[core]");
  write("sub/.htpasswd", "admin:x");
  write(".well-known/security.txt", "Contact: mailto:a@b.c");
  fs::create_symlink(".env", root_ / "public" / "env.txt");
  EXPECT_FALSE(resolve("/.env"));
  EXPECT_FALSE(resolve("/%2eenv"));
  EXPECT_FALSE(resolve("/.git/config"));
  EXPECT_FALSE(resolve("/.git"));
  EXPECT_FALSE(resolve("/sub/.htpasswd"));
  EXPECT_FALSE(resolve("/env.txt"));  // a link to a dot-file inside public/
  EXPECT_EQ(resolve("/.well-known/security.txt"), in_public(".well-known/security.txt"));
  EXPECT_EQ(resolve("/./main.css"), in_public("main.css"));
}

TEST_F(StaticFilesTest, PrefixIsStrippedAndRequired) {
  EXPECT_EQ(resolve("/app", "/app"), in_public("index.html"));
  EXPECT_EQ(resolve("/app/", "/app"), in_public("index.html"));
  EXPECT_EQ(resolve("/app/main.css", "/app"), in_public("main.css"));
  EXPECT_EQ(resolve("/app/about", "/app"), in_public("about/index.html"));
  EXPECT_FALSE(resolve("/main.css", "/app"));
  EXPECT_FALSE(resolve("/apple/main.css", "/app"));
  EXPECT_FALSE(resolve("/appmain.css", "/app"));
  EXPECT_FALSE(resolve("/app/../README.md", "/app"));
  EXPECT_FALSE(resolve("/app/%2e%2e/README.md", "/app"));
}

TEST_F(StaticFilesTest, MissingPublicFolderServesNothing) {
  StaticFiles files(root_ / "nope", "");
  EXPECT_FALSE(files.enabled());
  EXPECT_FALSE(files.resolve("/index.html"));
  Request req;
  req.method = "GET";
  Response res;
  files.not_found(req, res);
  EXPECT_EQ(res.status, 404);
  EXPECT_TRUE(res.body.empty());
}

std::string header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (Response::strcase_equal(k, name)) return v;
  return {};
}

TEST_F(StaticFilesTest, ServesBodyTypeAndValidators) {
  StaticFiles files(root_ / "public", "");
  Request req;
  req.method = "GET";
  Response res;
  files.serve(req, in_public("main.css"), res);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "body { color: red; }\n");
  EXPECT_EQ(header(res, "Content-Type"), "text/css; charset=utf-8");
  const std::string etag = header(res, "ETag");
  EXPECT_EQ(etag.rfind("W/\"", 0), 0u);
  EXPECT_EQ(etag.back(), '"');
  struct stat st;
  ASSERT_EQ(::stat(in_public("main.css").c_str(), &st), 0);
  EXPECT_EQ(header(res, "Last-Modified"), http_date(st.st_mtim.tv_sec));

  // A changed file gets a new ETag.
  { std::ofstream(in_public("main.css"), std::ios::app) << "/* more */\n"; }
  Response changed;
  files.serve(req, in_public("main.css"), changed);
  EXPECT_NE(header(changed, "ETag"), etag);
}

TEST_F(StaticFilesTest, ConditionalRequests) {
  StaticFiles files(root_ / "public", "");
  const fs::path file = in_public("index.html");
  // A fixed mtime makes the If-Modified-Since cases exact.
  const std::time_t mtime = 1700000000;
  const fs::file_time_type ft = fs::file_time_type::clock::from_sys(std::chrono::system_clock::from_time_t(mtime));
  fs::last_write_time(file, ft);

  Request req;
  req.method = "GET";
  Response first;
  files.serve(req, file, first);
  const std::string etag = header(first, "ETag");
  ASSERT_FALSE(etag.empty());

  auto status_with = [&](HeaderList headers, std::string method = "GET") {
    Request r;
    r.method = std::move(method);
    r.headers = std::move(headers);
    Response res;
    files.serve(r, file, res);
    if (res.status == 304) {
      EXPECT_TRUE(res.body.empty());
      EXPECT_EQ(header(res, "ETag"), etag);
    }
    return res.status;
  };
  EXPECT_EQ(status_with({{"if-none-match", etag}}), 304);
  EXPECT_EQ(status_with({{"if-none-match", etag}}, "HEAD"), 304);
  EXPECT_EQ(status_with({{"if-none-match", etag.substr(2)}}), 304);  // strong form, weak comparison
  EXPECT_EQ(status_with({{"if-none-match", "\"other\", " + etag}}), 304);
  EXPECT_EQ(status_with({{"if-none-match", "*"}}), 304);
  EXPECT_EQ(status_with({{"if-none-match", "\"other\""}}), 200);
  EXPECT_EQ(status_with({{"if-none-match", etag}}, "POST"), 200);
  EXPECT_EQ(status_with({{"if-modified-since", http_date(mtime)}}), 304);
  EXPECT_EQ(status_with({{"if-modified-since", http_date(mtime + 60)}}), 304);
  EXPECT_EQ(status_with({{"if-modified-since", http_date(mtime - 1)}}), 200);
  EXPECT_EQ(status_with({{"if-modified-since", "garbage"}}), 200);
  // If-None-Match wins over If-Modified-Since.
  EXPECT_EQ(status_with({{"if-none-match", "\"other\""}, {"if-modified-since", http_date(mtime + 60)}}), 200);
}

TEST_F(StaticFilesTest, NotFoundServes404PageWithStatus404) {
  StaticFiles files(root_ / "public", "");
  Request req;
  req.method = "GET";
  req.headers = {{"if-none-match", "*"}};  // never a 304 for an error page
  Response res;
  files.not_found(req, res);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.body, "<h1>custom not found</h1>\n");
  EXPECT_EQ(header(res, "Content-Type"), "text/html; charset=utf-8");

  fs::remove(root_ / "public" / "404.html");
  Response empty;
  files.not_found(req, empty);
  EXPECT_EQ(empty.status, 404);
  EXPECT_TRUE(empty.body.empty());
}

TEST(ContentType, ByExtension) {
  EXPECT_EQ(content_type_for("a.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("a.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("a.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("a.json"), "application/json; charset=utf-8");
  EXPECT_EQ(content_type_for("a.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(content_type_for("a.svg"), "image/svg+xml; charset=utf-8");
  EXPECT_EQ(content_type_for("a.png"), "image/png");
  EXPECT_EQ(content_type_for("a/Logo.PNG"), "image/png");
  EXPECT_EQ(content_type_for("a.jpg"), "image/jpeg");
  EXPECT_EQ(content_type_for("a.jpeg"), "image/jpeg");
  EXPECT_EQ(content_type_for("a.gif"), "image/gif");
  EXPECT_EQ(content_type_for("a.webp"), "image/webp");
  EXPECT_EQ(content_type_for("a.ico"), "image/x-icon");
  EXPECT_EQ(content_type_for("a.wasm"), "application/wasm");
  EXPECT_EQ(content_type_for("a.pdf"), "application/pdf");
  EXPECT_EQ(content_type_for("a.xml"), "application/xml; charset=utf-8");
  EXPECT_EQ(content_type_for("a.woff"), "font/woff");
  EXPECT_EQ(content_type_for("a.woff2"), "font/woff2");
  EXPECT_EQ(content_type_for("a.mp4"), "video/mp4");
  EXPECT_EQ(content_type_for("a.webm"), "video/webm");
  EXPECT_EQ(content_type_for("a.mp3"), "audio/mpeg");
  EXPECT_EQ(content_type_for("a.js.map"), "application/json; charset=utf-8");
  EXPECT_EQ(content_type_for("a.csv"), "text/csv; charset=utf-8");
  EXPECT_EQ(content_type_for("a.unknown"), "application/octet-stream");
  EXPECT_EQ(content_type_for("Makefile"), "application/octet-stream");
}

}  // namespace
}  // namespace wws::http
