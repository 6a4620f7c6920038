// kv/sqlite_store.h: the default backend, one SQLite database file in WAL mode, shared by every
// thread of a wws process and by every wws process on the machine that opens the same file.
#pragma once
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "kv/store.h"

namespace wws::kv {

// How hard a commit works to survive a crash; see README "Durability".
enum class SqliteSync {
  Normal,  // WAL + synchronous=NORMAL: survives a killed process (SIGKILL, a crash of wws), not
           // necessarily a power loss or kernel crash, which may lose the last commits (never
           // corrupting the file). No fsync per commit.
  Full,    // WAL + synchronous=FULL: every commit is fsynced before the request is answered, so
           // it survives power loss too. Costs one fsync per group of concurrent commits.
};

struct SqliteOptions {
  std::filesystem::path path;  // created (with its folder) if missing
  SqliteSync sync = SqliteSync::Normal;
  // How long a commit waits for another process holding the write lock before it fails with
  // Unavailable (the request then answers 503).
  std::chrono::milliseconds busy_timeout{5000};
  // The write-ahead log is copied into the database file (a checkpoint, two fsyncs) by a thread
  // of its own once the log holds this many pages, so commits do not wait on it.
  int checkpoint_pages = 1000;
  // The log starts over only after a checkpoint that caught up with every commit, which a
  // background checkpoint under sustained writes never does: at this many pages the committing
  // thread checkpoints itself (and waits for readers), so the log stays about this size.
  int max_wal_pages = 10000;
};

// Opens (creating if needed) the database. On failure returns nullptr and a reason naming the file.
std::unique_ptr<Store> open_sqlite_store(const SqliteOptions& options, std::string* error);

}  // namespace wws::kv
