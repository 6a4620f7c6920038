// kv/sqlite_store.cpp: K/V in one SQLite file (WAL). Reads run on a pool of read connections
// and never wait for writers. Commits use one write connection per process with group commit
// (group_commit.h): the batches of a group apply in one transaction, each in its own savepoint
// when there are several (so one failing batch leaves the others alone). Under load many
// requests share one transaction (and, with synchronous=FULL, one fsync).
// Other processes on the same file take turns on SQLite's write lock (busy_timeout).
// Checkpoints run on a thread of their own (their fsyncs used to stall every commit queued
// behind the one that ran them); see SqliteOptions for how the log stays bounded.
#include "kv/sqlite_store.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "kv/group_commit.h"

namespace wws::kv {
namespace {

constexpr int kSchemaVersion = 1;
constexpr size_t kMaxGroup = 256;

const char* const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS wws_namespaces(
  name BLOB PRIMARY KEY,
  version INTEGER NOT NULL,   -- goes up with every commit that changes the namespace
  keys INTEGER NOT NULL,      -- entries stored (expired ones until purged)
  bytes INTEGER NOT NULL      -- sum of their key and value lengths
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS wws_entries(
  ns BLOB NOT NULL,
  key BLOB NOT NULL,
  value BLOB NOT NULL,
  expires_at INTEGER NOT NULL DEFAULT 0,  -- Unix ms; 0 = never
  PRIMARY KEY (ns, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS wws_entries_expiry ON wws_entries(ns, expires_at) WHERE expires_at > 0;
)sql";

// A prepared statement, reset after every use.
class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(Stmt&& o) noexcept : stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept {
    std::swap(stmt_, o.stmt_);
    return *this;
  }
  bool valid() const { return stmt_ != nullptr; }

  // Binds in order from parameter 1. Strings bind as blobs (never NULL, even when empty).
  Stmt& bind(int i, std::string_view bytes) {
    sqlite3_bind_blob64(stmt_, i, bytes.empty() ? "" : bytes.data(), bytes.size(), SQLITE_STATIC);
    return *this;
  }
  Stmt& bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  int step() { return sqlite3_step(stmt_); }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  int64_t int64(int col) { return sqlite3_column_int64(stmt_, col); }
  std::string text(int col) {
    const void* p = sqlite3_column_blob(stmt_, col);
    return p ? std::string(static_cast<const char*>(p), sqlite3_column_bytes(stmt_, col)) : std::string();
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets the statement whatever way the scope is left.
struct Resetter {
  Stmt& s;
  ~Resetter() { s.reset(); }
};

class Connection {
 public:
  Connection(const SqliteOptions& options, std::string* error) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(options.path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      *error = db_ ? sqlite3_errmsg(db_) : "out of memory";
      return;
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, static_cast<int>(options.busy_timeout.count()));
    const char* sync = options.sync == SqliteSync::Full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
    if (!exec(sync, error) || !exec("PRAGMA foreign_keys=OFF", error)) return;
    ok_ = true;
  }
  ~Connection() {
    stmts_.clear();
    sqlite3_close_v2(db_);
  }
  bool ok() const { return ok_; }
  sqlite3* db() { return db_; }
  std::string error() const { return sqlite3_errmsg(db_); }

  bool exec(const char* sql, std::string* error = nullptr) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) == SQLITE_OK) return true;
    if (error) *error = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return false;
  }

  // Statements are prepared once per connection, on first use.
  Stmt& stmt(int id, const char* sql) {
    if (stmts_.size() <= static_cast<size_t>(id)) stmts_.resize(id + 1);
    if (!stmts_[id].valid()) stmts_[id] = Stmt(db_, sql);
    return stmts_[id];
  }

 private:
  sqlite3* db_ = nullptr;
  bool ok_ = false;
  std::vector<Stmt> stmts_;
};

enum StmtId {
  kGetVersion,
  kScan,
  kGet,
  kListBounded,
  kListOpen,
  kNamespaces,
  kNamespaceRow,
  kPurge,
  kLookup,
  kInsert,
  kUpdate,
  kDelete,
  kInsertNamespace,
  kUpdateNamespace,
  kBegin,
  kCommit,
  kRollback,
  kSavepoint,
  kRelease,
  kRollbackTo,
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(SqliteOptions options) : options_(std::move(options)) {}
  ~SqliteStore() override {
    {
      std::lock_guard lock(checkpoint_mutex_);
      stopping_ = true;
    }
    checkpoint_cv_.notify_one();
    if (checkpointer_.joinable()) checkpointer_.join();
  }
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  bool open(std::string* error) {
    std::error_code ec;
    if (options_.path.has_parent_path()) std::filesystem::create_directories(options_.path.parent_path(), ec);
    if (ec) {
      *error = fmt::format("cannot create the folder {}: {}", options_.path.parent_path().string(), ec.message());
      return false;
    }
    writer_ = std::make_unique<Connection>(options_, error);
    if (!writer_->ok()) return false;
    // WAL is a property of the file: set once, kept by every later connection and process.
    Stmt wal(writer_->db(), "PRAGMA journal_mode=WAL");
    if (!wal.valid() || wal.step() != SQLITE_ROW || sqlite3_stricmp(wal.text(0).c_str(), "wal") != 0) {
      *error = "cannot switch the database to WAL mode: " + writer_->error();
      return false;
    }
    wal.reset();
    if (!writer_->exec("BEGIN IMMEDIATE", error)) return false;
    int user_version = 0;
    {
      Stmt v(writer_->db(), "PRAGMA user_version");
      if (v.step() == SQLITE_ROW) user_version = static_cast<int>(v.int64(0));
    }
    if (user_version > kSchemaVersion) {
      writer_->exec("ROLLBACK");
      *error = fmt::format("the database was made by a newer wws (schema {}, this one knows {})", user_version,
                           kSchemaVersion);
      return false;
    }
    std::string pragma = fmt::format("PRAGMA user_version={}", kSchemaVersion);
    if (!writer_->exec(kSchema, error) || !writer_->exec(pragma.c_str(), error) || !writer_->exec("COMMIT", error)) {
      writer_->exec("ROLLBACK");
      return false;
    }
    // Replaces SQLite's automatic checkpoint (which runs inside the COMMIT that crosses its
    // threshold) with the background one.
    sqlite3_wal_hook(writer_->db(), &SqliteStore::on_wal_commit, this);
    checkpointer_ = std::thread([this] { checkpoint_loop(); });
    return true;
  }

  std::string describe() const override { return "sqlite " + options_.path.string(); }
  bool may_block() const override { return true; }

  Status read(std::string_view ns, std::optional<uint64_t> known_version, NamespaceRead* out) override {
    *out = NamespaceRead{};
    return with_reader([&](Connection& c) -> Status {
      // One read transaction, so the version and the rows belong to the same commit.
      if (!c.exec("BEGIN")) return failed(c, "read");
      Status s = read_in_transaction(c, ns, known_version, out);
      c.exec(s ? "COMMIT" : "ROLLBACK");
      return s;
    });
  }

  Status get(std::string_view ns, std::string_view key, std::optional<std::string>* value) override {
    value->reset();
    return with_reader([&](Connection& c) -> Status {
      Stmt& s = c.stmt(kGet, "SELECT value, expires_at FROM wws_entries WHERE ns=?1 AND key=?2");
      Resetter r{s};
      s.bind(1, ns).bind(2, key);
      int rc = s.step();
      if (rc == SQLITE_ROW) {
        int64_t expires = s.int64(1);
        if (expires == 0 || expires > now_ms()) *value = s.text(0);
        return Status::ok();
      }
      return rc == SQLITE_DONE ? Status::ok() : failed(c, "get");
    });
  }

  Status list(std::string_view ns, std::string_view prefix, std::string_view after, size_t limit,
              std::vector<std::string>* keys) override {
    keys->clear();
    if (limit == 0) return Status::ok();
    std::string start = list_start(prefix, after);
    auto end = prefix_end(std::string(prefix));
    return with_reader([&](Connection& c) -> Status {
      Stmt& s = end ? c.stmt(kListBounded,
                             "SELECT key FROM wws_entries WHERE ns=?1 AND key>=?2 AND key<?3 "
                             "AND (expires_at=0 OR expires_at>?4) ORDER BY key LIMIT ?5")
                    : c.stmt(kListOpen,
                             "SELECT key FROM wws_entries WHERE ns=?1 AND key>=?2 "
                             "AND (expires_at=0 OR expires_at>?4) ORDER BY key LIMIT ?5");
      Resetter r{s};
      s.bind(1, ns).bind(2, start).bind(4, now_ms()).bind(5, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
      if (end) s.bind(3, *end);
      int rc;
      while ((rc = s.step()) == SQLITE_ROW) keys->push_back(s.text(0));
      return rc == SQLITE_DONE ? Status::ok() : failed(c, "list");
    });
  }

  Status namespaces(std::vector<std::string>* out) override {
    out->clear();
    return with_reader([&](Connection& c) -> Status {
      Stmt& s =
          c.stmt(kNamespaces, "SELECT DISTINCT ns FROM wws_entries WHERE expires_at=0 OR expires_at>?1 ORDER BY ns");
      Resetter r{s};
      s.bind(1, now_ms());
      int rc;
      while ((rc = s.step()) == SQLITE_ROW) out->push_back(s.text(0));
      return rc == SQLITE_DONE ? Status::ok() : failed(c, "list namespaces");
    });
  }

  Status commit(std::string_view ns, const Batch& batch, const Limits& limits, CommitResult* out) override {
    QueuedCommit me{ns, batch, limits, out, Status::ok()};
    group_commit_.run(me, [this](const std::vector<QueuedCommit*>& group) { commit_group(group); });
    return me.status;
  }

 private:
  Status failed(Connection& c, std::string_view what) const {
    return unavailable(fmt::format("sqlite {}: {} failed: {}", options_.path.string(), what, c.error()));
  }

  template <class Fn>
  Status with_reader(Fn&& fn) {
    std::unique_ptr<Connection> c;
    {
      std::lock_guard lock(readers_mutex_);
      if (!readers_.empty()) {
        c = std::move(readers_.back());
        readers_.pop_back();
      }
    }
    if (!c) {
      std::string error;
      c = std::make_unique<Connection>(options_, &error);
      if (!c->ok()) return unavailable(fmt::format("sqlite {}: cannot open: {}", options_.path.string(), error));
    }
    Status s = fn(*c);
    std::lock_guard lock(readers_mutex_);
    readers_.push_back(std::move(c));
    return s;
  }

  Status read_in_transaction(Connection& c, std::string_view ns, std::optional<uint64_t> known, NamespaceRead* out) {
    {
      Stmt& v = c.stmt(kGetVersion, "SELECT version FROM wws_namespaces WHERE name=?1");
      Resetter r{v};
      v.bind(1, ns);
      int rc = v.step();
      if (rc == SQLITE_ROW) out->version = static_cast<uint64_t>(v.int64(0));
      else if (rc != SQLITE_DONE) return failed(c, "read");
    }
    if (known && *known == out->version) {
      out->unchanged = true;
      return Status::ok();
    }
    Stmt& s = c.stmt(kScan, "SELECT key, value, expires_at FROM wws_entries WHERE ns=?1 ORDER BY key");
    Resetter r{s};
    s.bind(1, ns);
    const int64_t now = now_ms();
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      int64_t expires = s.int64(2);
      if (expires != 0 && expires <= now) continue;
      if (expires != 0 && (out->next_expiry_ms == 0 || expires < out->next_expiry_ms)) out->next_expiry_ms = expires;
      out->data.emplace_hint(out->data.end(), s.text(0), s.text(1));
    }
    return rc == SQLITE_DONE ? Status::ok() : failed(c, "read");
  }

  bool step_done(Stmt& s) {
    Resetter r{s};
    return s.step() == SQLITE_DONE;
  }

  void commit_group(const std::vector<QueuedCommit*>& group) {
    Connection& c = *writer_;
    auto fail_all = [&](const Status& s) {
      for (QueuedCommit* w : group) w->status = s;
    };
    if (!step_done(c.stmt(kBegin, "BEGIN IMMEDIATE"))) {
      Status s = failed(c, "begin a write transaction");
      step_done(c.stmt(kRollback, "ROLLBACK"));
      return fail_all(s);
    }
    if (group.size() == 1) {
      // Alone in its transaction, a batch needs no savepoint: a failure rolls the whole back.
      QueuedCommit& w = *group.front();
      w.status = apply(c, w);
      if (!w.status) {
        step_done(c.stmt(kRollback, "ROLLBACK"));
        return;
      }
    } else {
      commit_savepoints(c, group);
    }
    if (!step_done(c.stmt(kCommit, "COMMIT"))) {
      Status s = failed(c, "commit");
      step_done(c.stmt(kRollback, "ROLLBACK"));
      for (QueuedCommit* w : group)
        if (w->status) w->status = s;
    }
    if (wal_pages_.load(std::memory_order_relaxed) >= options_.max_wal_pages) {
      // RESTART waits for readers to leave the log too, so the next commit writes it from the
      // start. It would find the background checkpoint at work most of the time (BUSY), so it
      // waits for that to finish. BUSY from another process's checkpoint is retried after the
      // next group. The group's requests wait for this; it is rare (once per max_wal_pages).
      std::lock_guard checkpointing(checkpoint_running_);
      int rc = sqlite3_wal_checkpoint_v2(c.db(), nullptr, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
      if (rc == SQLITE_OK) wal_pages_.store(0, std::memory_order_relaxed);
      else if (rc != SQLITE_BUSY) spdlog::warn("sqlite {}: checkpoint failed: {}", options_.path.string(), c.error());
    }
  }

  // Called by SQLite on the committing thread after each commit with the log's size in pages.
  static int on_wal_commit(void* self, sqlite3* /*db*/, const char* /*schema*/, int pages) {
    auto* store = static_cast<SqliteStore*>(self);
    store->wal_pages_.store(pages, std::memory_order_relaxed);
    // Once per checkpoint_pages new pages: the log only starts over at max_wal_pages under load,
    // and a checkpoint per commit past the first threshold would be an fsync pair per commit.
    if (pages < store->checkpoint_requested_at_) store->checkpoint_requested_at_ = 0;  // it started over
    if (pages - store->checkpoint_requested_at_ < store->options_.checkpoint_pages) return SQLITE_OK;
    store->checkpoint_requested_at_ = pages;
    if (!store->checkpoint_wanted_.exchange(true)) {
      std::lock_guard lock(store->checkpoint_mutex_);  // so the wake-up cannot fall between check and wait
      store->checkpoint_cv_.notify_one();
    }
    return SQLITE_OK;
  }

  // The background checkpoint: PASSIVE, so it copies what it can without taking the write lock
  // or waiting for readers; commits go on meanwhile. When it catches up with every commit, the
  // next commit starts the log over.
  void checkpoint_loop() {
    std::unique_ptr<Connection> c;
    std::unique_lock lock(checkpoint_mutex_);
    for (;;) {
      checkpoint_cv_.wait(lock, [&] { return stopping_ || checkpoint_wanted_.load(); });
      if (stopping_) return;
      lock.unlock();
      checkpoint_wanted_ = false;
      std::string error;
      if (!c) c = std::make_unique<Connection>(options_, &error);
      if (!c->ok()) {
        spdlog::warn("sqlite {}: cannot open a connection to checkpoint: {}", options_.path.string(), error);
        c.reset();
      } else {
        std::lock_guard checkpointing(checkpoint_running_);
        int rc = sqlite3_wal_checkpoint_v2(c->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
          spdlog::warn("sqlite {}: checkpoint failed: {}", options_.path.string(), c->error());
      }
      lock.lock();
    }
  }

  // Each batch of a group in a savepoint of its own, so a failing one leaves the others applied.
  void commit_savepoints(Connection& c, const std::vector<QueuedCommit*>& group) {
    for (QueuedCommit* w : group) {
      if (!step_done(c.stmt(kSavepoint, "SAVEPOINT batch"))) {
        w->status = failed(c, "savepoint");
        continue;
      }
      w->status = apply(c, *w);
      if (!w->status) step_done(c.stmt(kRollbackTo, "ROLLBACK TO batch"));
      step_done(c.stmt(kRelease, "RELEASE batch"));
    }
  }

  // A namespace's row as a commit finds it, with what has expired in it.
  struct NamespaceRow {
    bool exists = false;
    uint64_t version = 0;
    NamespaceStats stats;
    uint64_t expired_keys = 0, expired_bytes = 0;
  };

  // The namespace's row and its expired entries in one statement. Expired entries go first, so
  // quotas count live entries only; the version stays: they were already invisible to every
  // read. They are counted (a read on the expiry index) and deleted only if there are any: almost
  // no commit finds one, and a write statement costs far more than an index probe.
  Status read_namespace(Connection& c, std::string_view ns, int64_t now, NamespaceRow* row) {
    Stmt& s = c.stmt(kNamespaceRow,
                     "SELECT n.version, n.keys, n.bytes, e.count, e.bytes FROM wws_namespaces AS n, "
                     "(SELECT count(*) AS count, sum(length(key)+length(value)) AS bytes FROM wws_entries "
                     "WHERE ns=?1 AND expires_at>0 AND expires_at<=?2) AS e WHERE n.name=?1");
    Resetter r{s};
    s.bind(1, ns).bind(2, now);
    const int rc = s.step();
    if (rc == SQLITE_DONE) return Status::ok();
    if (rc != SQLITE_ROW) return failed(c, "read the namespace");
    row->exists = true;
    row->version = static_cast<uint64_t>(s.int64(0));
    row->stats.keys = static_cast<uint64_t>(s.int64(1));
    row->stats.bytes = static_cast<uint64_t>(s.int64(2));
    row->expired_keys = static_cast<uint64_t>(s.int64(3));
    row->expired_bytes = static_cast<uint64_t>(s.int64(4));
    return Status::ok();
  }

  Status purge_expired(Connection& c, std::string_view ns, int64_t now, NamespaceRow* row) {
    Stmt& s = c.stmt(kPurge, "DELETE FROM wws_entries WHERE ns=?1 AND expires_at>0 AND expires_at<=?2");
    Resetter r{s};
    s.bind(1, ns).bind(2, now);
    if (s.step() != SQLITE_DONE) return failed(c, "purge expired keys");
    row->stats.keys -= row->expired_keys;
    row->stats.bytes -= row->expired_bytes;
    return Status::ok();
  }

  Status lookup_entry(Connection& c, std::string_view ns, const std::string& key, std::optional<Entry>* entry) {
    entry->reset();
    Stmt& s = c.stmt(kLookup, "SELECT value, expires_at FROM wws_entries WHERE ns=?1 AND key=?2");
    Resetter r{s};
    s.bind(1, ns).bind(2, key);
    const int rc = s.step();
    if (rc == SQLITE_ROW) *entry = Entry{s.text(0), s.int64(1)};
    else if (rc != SQLITE_DONE) return failed(c, "read a key");
    return Status::ok();
  }

  Status write_entry(Connection& c, std::string_view ns, const Write& write) {
    // After the purge a row exists exactly when the key had a live entry; an UPDATE rewrites it
    // in place, where INSERT OR REPLACE deletes it and inserts it again.
    Stmt& s = !write.entry ? c.stmt(kDelete, "DELETE FROM wws_entries WHERE ns=?1 AND key=?2")
              : write.existed
                  ? c.stmt(kUpdate, "UPDATE wws_entries SET value=?3, expires_at=?4 WHERE ns=?1 AND key=?2")
                  : c.stmt(kInsert, "INSERT INTO wws_entries(ns, key, value, expires_at) VALUES(?1, ?2, ?3, ?4)");
    Resetter r{s};
    s.bind(1, ns).bind(2, write.key);
    if (write.entry) s.bind(3, write.entry->value).bind(4, write.entry->expires_at_ms);
    if (s.step() != SQLITE_DONE) return failed(c, "write a key");
    return Status::ok();
  }

  Status store_namespace(Connection& c, std::string_view ns, bool exists, uint64_t version,
                         const NamespaceStats& stats) {
    Stmt& s = exists ? c.stmt(kUpdateNamespace, "UPDATE wws_namespaces SET version=?2, keys=?3, bytes=?4 WHERE name=?1")
                     : c.stmt(kInsertNamespace,
                              "INSERT INTO wws_namespaces(name, version, keys, bytes) VALUES(?1, ?2, ?3, ?4)");
    Resetter r{s};
    s.bind(1, ns)
        .bind(2, static_cast<int64_t>(version))
        .bind(3, static_cast<int64_t>(stats.keys))
        .bind(4, static_cast<int64_t>(stats.bytes));
    if (s.step() != SQLITE_DONE) return failed(c, "update the namespace");
    return Status::ok();
  }

  // One batch, inside the group's transaction.
  Status apply(Connection& c, QueuedCommit& w) {
    const int64_t now = now_ms();
    NamespaceRow row;
    if (Status s = read_namespace(c, w.ns, now, &row); !s) return s;
    if (w.batch.if_version && *w.batch.if_version != row.version)
      return {Code::Conflict, "the namespace changed since it was read"};
    const bool purged = row.expired_keys > 0;
    if (purged)
      if (Status s = purge_expired(c, w.ns, now, &row); !s) return s;
    Plan plan;
    auto lookup = [&](const std::string& key, std::optional<Entry>* entry) {
      return lookup_entry(c, w.ns, key, entry);
    };
    if (Status s = plan_batch(w.batch, w.limits, row.stats, now, lookup, &plan); !s) return s;
    for (const Write& write : plan.writes)
      if (Status s = write_entry(c, w.ns, write); !s) return s;
    uint64_t version = row.version;
    if (!plan.writes.empty() || purged) {
      // A new namespace starts at a time-based version, so a namespace deleted and made again
      // never repeats a version a cache may still hold.
      if (!plan.writes.empty()) version = row.exists ? version + 1 : static_cast<uint64_t>(now) * 1000;
      if (Status s = store_namespace(c, w.ns, row.exists, version, plan.stats_after); !s) return s;
    }
    w.out->version = version;
    w.out->results = std::move(plan.results);
    return Status::ok();
  }

  SqliteOptions options_;
  std::unique_ptr<Connection> writer_;  // used only by the thread leading a group commit
  GroupCommit group_commit_{kMaxGroup};
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::atomic<int> wal_pages_{0};    // the log's size after the latest commit of this process
  int checkpoint_requested_at_ = 0;  // the log's size when the latest checkpoint was asked for (leader only)
  std::atomic<bool> checkpoint_wanted_{false};
  std::mutex checkpoint_running_;  // held by whoever checkpoints: the background thread or the leader
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_cv_;
  bool stopping_ = false;  // guarded by checkpoint_mutex_
  std::thread checkpointer_;
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const SqliteOptions& options, std::string* error) {
  auto store = std::make_unique<SqliteStore>(options);
  std::string why;
  if (!store->open(&why)) {
    *error = fmt::format("cannot open the K/V database {}: {}", options.path.string(), why);
    return nullptr;
  }
  return store;
}

}  // namespace wws::kv
