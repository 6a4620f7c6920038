// The K/V backends the unit tests run against, each on fresh, private data: memory, SQLite in a
// temp folder, and Redis on a redis-server the tests start on a free port (tests/support/redis_server.h).
#pragma once
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "../support/redis_server.h"
#include "kv/redis_store.h"
#include "kv/sqlite_store.h"
#include "kv/store.h"

namespace wws::kv::test {

// Opens handles on one backend's data; every open() sees the same data, as two processes would.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::unique_ptr<Store> open(std::string* error) = 0;
};

// A handle that forwards to a store shared by every handle (the memory backend has no second
// process to share with).
class SharedHandle : public Store {
 public:
  explicit SharedHandle(std::shared_ptr<Store> store) : store_(std::move(store)) {}
  std::string describe() const override { return store_->describe(); }
  bool may_block() const override { return store_->may_block(); }
  Status read(std::string_view ns, std::optional<uint64_t> known, NamespaceRead* out) override {
    return store_->read(ns, known, out);
  }
  Status get(std::string_view ns, std::string_view key, std::optional<std::string>* value) override {
    return store_->get(ns, key, value);
  }
  Status list(std::string_view ns, std::string_view prefix, std::string_view after, size_t limit,
              std::vector<std::string>* keys) override {
    return store_->list(ns, prefix, after, limit, keys);
  }
  Status commit(std::string_view ns, const Batch& batch, const Limits& limits, CommitResult* out) override {
    return store_->commit(ns, batch, limits, out);
  }
  Status namespaces(std::vector<std::string>* out) override { return store_->namespaces(out); }

 private:
  std::shared_ptr<Store> store_;
};

class MemoryBackend final : public Backend {
 public:
  std::unique_ptr<Store> open(std::string*) override { return std::make_unique<SharedHandle>(store_); }

 private:
  std::shared_ptr<Store> store_ = make_memory_store();
};

// A folder under the system temp dir, removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "wws-kv-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class SqliteBackend final : public Backend {
 public:
  explicit SqliteBackend(SqliteSync sync = SqliteSync::Normal) : sync_(sync) {}
  std::unique_ptr<Store> open(std::string* error) override {
    SqliteOptions options;
    options.path = dir_.path() / "state" / "kv.sqlite3";  // the folder does not exist yet
    options.sync = sync_;
    return open_sqlite_store(options, error);
  }
  std::filesystem::path file() const { return dir_.path() / "state" / "kv.sqlite3"; }

 private:
  TempDir dir_;
  SqliteSync sync_;
};

// One redis-server for the whole test binary (started on first use); each backend gets its own
// key prefix, so tests never see each other's data.
inline wws::test::RedisServer& shared_redis() {
  static wws::test::RedisServer server;
  return server;
}

class RedisBackend final : public Backend {
 public:
  std::unique_ptr<Store> open(std::string* error) override {
    if (!shared_redis().running()) {
      *error = "redis-server did not start (scripts/setup.sh installs it): " + shared_redis().log();
      return nullptr;
    }
    return open_with(shared_redis().url(), error);
  }
  std::unique_ptr<Store> open_with(const std::string& url, std::string* error) {
    RedisOptions options;
    options.key_prefix = prefix_;
    options.address.timeout = std::chrono::milliseconds(2000);
    if (std::string problem = parse_redis_url(url, &options.address); !problem.empty()) {
      *error = problem;
      return nullptr;
    }
    return open_redis_store(options, error);
  }

 private:
  std::string prefix_ = "t" + std::to_string(next_id()) + ":";
  static int next_id() {
    static std::atomic<int> id{0};
    return id++;
  }
};

inline std::vector<std::string> backend_names() { return {"memory", "sqlite", "redis"}; }

inline std::unique_ptr<Backend> make_backend(const std::string& name) {
  if (name == "memory") return std::make_unique<MemoryBackend>();
  if (name == "sqlite") return std::make_unique<SqliteBackend>();
  if (name == "redis") return std::make_unique<RedisBackend>();
  return nullptr;
}

}  // namespace wws::kv::test
