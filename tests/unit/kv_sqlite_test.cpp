// What only the SQLite backend promises beyond the conformance suite: several processes on one
// file, commits that survive the process being killed, a busy file failing cleanly, group
// commits whose batches fail independently, the file's schema version, and a write-ahead log
// that stays bounded while commits never stop.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kv_backends.h"

namespace wws::kv {
namespace {

Status commit(Store& store, std::string_view ns, std::vector<Op> ops, Limits limits = {}) {
  CommitResult r;
  return store.commit(ns, Batch{std::move(ops), {}}, limits, &r);
}

std::optional<std::string> get(Store& store, std::string_view ns, std::string_view key) {
  std::optional<std::string> v;
  EXPECT_TRUE(store.get(ns, key, &v));
  return v;
}

TEST(KvSqlite, ProcessesSharingTheFileLoseNoIncrement) {
  test::SqliteBackend backend;
  std::string error;
  ASSERT_TRUE(backend.open(&error)) << error;  // creates the file before the children race
  constexpr int kProcesses = 4, kPerProcess = 250;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // A child's failure says why on stderr: the parent sees only its exit status.
      std::string e;
      auto store = backend.open(&e);
      if (!store) std::fprintf(stderr, "writer %d: open failed: %s\n", p, e.c_str());
      int failures = store ? 0 : 1;
      for (int i = 0; store && i < kPerProcess; ++i) {
        Status s = commit(*store, "ns", {Op::increment("n", 1)});
        if (!s && failures++ == 0) std::fprintf(stderr, "writer %d: commit %d failed: %s\n", p, i, s.message().c_str());
      }
      _exit(failures ? 1 : 0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  auto store = backend.open(&error);
  EXPECT_EQ(get(*store, "ns", "n"), std::to_string(kProcesses * kPerProcess));
}

TEST(KvSqlite, ACommitThatReturnedSurvivesSigkill) {
  test::SqliteBackend backend;
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::string e;
    auto store = backend.open(&e);
    bool ok = store && commit(*store, "ns", {Op::set("k", "committed"), Op::increment("n", 7)});
    char c = ok ? '1' : '0';
    (void)!write(ready[1], &c, 1);
    pause();  // killed here, with the store still open and nothing closed or checkpointed
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, '1');
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  std::string error;
  auto store = backend.open(&error);
  ASSERT_TRUE(store) << error;
  EXPECT_EQ(get(*store, "ns", "k"), "committed");
  EXPECT_EQ(get(*store, "ns", "n"), "7");
  close(ready[0]);
  close(ready[1]);
}

TEST(KvSqlite, ALockedFileFailsAsUnavailableAndAppliesNothing) {
  test::TempDir dir;
  SqliteOptions options;
  options.path = dir.path() / "kv.sqlite3";
  options.busy_timeout = std::chrono::milliseconds(200);
  std::string error;
  auto store = open_sqlite_store(options, &error);
  ASSERT_TRUE(store) << error;
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(options.path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto started = std::chrono::steady_clock::now();
  Status s = commit(*store, "ns", {Op::set("k", "v")});
  EXPECT_EQ(s.code(), Code::Unavailable);
  EXPECT_NE(s.message().find("kv.sqlite3"), std::string::npos) << s.message();
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(150));
  EXPECT_EQ(get(*store, "ns", "k"), std::nullopt);  // reads still work beside the writer (WAL)
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_TRUE(commit(*store, "ns", {Op::set("k", "v")}));
}

// Many threads commit at once, so batches share transactions; the ones over quota fail alone.
TEST(KvSqlite, BatchesInOneGroupCommitFailIndependently) {
  test::SqliteBackend backend(SqliteSync::Full);
  std::string error;
  auto store = backend.open(&error);
  ASSERT_TRUE(store) << error;
  Limits small;
  small.max_value_bytes = 4;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        const bool too_big = (t + i) % 3 == 0;
        Status s = commit(*store, "ns", {Op::increment("n", 1), Op::set("v", too_big ? "12345" : "1234")}, small);
        if (s.is_ok() == too_big) wrong++;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  int expected = 0;
  for (int t = 0; t < 8; ++t)
    for (int i = 0; i < 40; ++i) expected += (t + i) % 3 != 0;
  EXPECT_EQ(get(*store, "ns", "n"), std::to_string(expected));
}

// Checkpoints run in the background, and a background checkpoint never catches up with commits
// that never stop, so the log could only grow; past max_wal_pages the committing thread
// checkpoints and the log starts over. Watched from another thread while 4 threads commit.
TEST(KvSqlite, TheWriteAheadLogStaysBoundedUnderSustainedWrites) {
  test::TempDir dir;
  SqliteOptions options;
  options.path = dir.path() / "kv.sqlite3";
  options.checkpoint_pages = 20;
  options.max_wal_pages = 100;
  std::string error;
  auto store = open_sqlite_store(options, &error);
  ASSERT_TRUE(store) << error;
  const std::filesystem::path wal = options.path.string() + "-wal";
  std::atomic<bool> writing{true};
  std::atomic<uintmax_t> largest{0};
  std::thread watcher([&] {
    while (writing) {
      std::error_code ec;
      uintmax_t size = std::filesystem::file_size(wal, ec);
      if (!ec && size > largest) largest = size;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  constexpr int kThreads = 4, kPerThread = 1500;
  const std::string value(1500, 'v');  // about one page written per commit
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string key = "k" + std::to_string(t) + "-" + std::to_string(i % 40);
        if (!commit(*store, "ns", {Op::increment("n", 1), Op::set(key, value)})) failures++;
      }
    });
  for (auto& th : threads) th.join();
  writing = false;
  watcher.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(get(*store, "ns", "n"), std::to_string(kThreads * kPerThread));
  // The log's file is reused from its start, not cut, so its size is the largest it ever was:
  // over 6,000 commits of a page or more it would be 25 MB or more without the bound. Allowed:
  // max_wal_pages, plus what commits wrote while a background checkpoint kept the log busy.
  constexpr uintmax_t kFrame = 4096 + 24;
  EXPECT_GT(largest.load(), 20 * kFrame);  // the watcher saw the log
  EXPECT_LE(largest.load(), 3 * 100 * kFrame) << "the log grew to " << largest.load() << " bytes";
}

TEST(KvSqlite, RefusesADatabaseFromANewerSchema) {
  test::TempDir dir;
  SqliteOptions options;
  options.path = dir.path() / "kv.sqlite3";
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(options.path.c_str(), &db), SQLITE_OK);
    sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  std::string error;
  EXPECT_FALSE(open_sqlite_store(options, &error));
  EXPECT_NE(error.find("newer wws"), std::string::npos) << error;
  EXPECT_NE(error.find("kv.sqlite3"), std::string::npos) << error;
}

TEST(KvSqlite, TheFileIsInWalMode) {
  test::SqliteBackend backend;
  std::string error;
  ASSERT_TRUE(backend.open(&error)) << error;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(backend.file().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace
}  // namespace wws::kv
