// kv/service.h: what the worker layer holds: the configured backend plus the protocol's
// snapshot cache over it, and the choice of backend from the command line.
#pragma once
#include <filesystem>
#include <memory>
#include <string>

#include "kv/snapshot_cache.h"
#include "kv/sqlite_store.h"
#include "kv/store.h"

namespace wws::kv {

class Service {
 public:
  explicit Service(std::unique_ptr<Store> store) : store_(std::move(store)), snapshots_(*store_) {}
  Store& store() { return *store_; }
  SnapshotCache& snapshots() { return snapshots_; }

 private:
  std::unique_ptr<Store> store_;
  SnapshotCache snapshots_;
};

// --kv and its companions.
struct BackendOptions {
  std::string spec = "sqlite";        // "memory", "sqlite", or a redis:// / rediss:// URL
  std::filesystem::path sqlite_path;  // --kv-path; empty: <project>/.wws/kv.sqlite3
  SqliteSync sqlite_sync = SqliteSync::Normal;
  std::filesystem::path redis_tls_ca;    // --kv-tls-ca: CA bundle to verify the server (default: system's)
  std::filesystem::path redis_tls_cert;  // --kv-tls-cert / --kv-tls-key: client certificate
  std::filesystem::path redis_tls_key;
};

// The SQLite file wws uses for a project when --kv-path is not given.
std::filesystem::path default_sqlite_path(const std::filesystem::path& project_root);

// Checks `spec` without connecting: "" when fine, else what is wrong.
std::string check_backend_spec(const std::string& spec);

// Opens the configured backend. On failure returns nullptr and a reason a user can act on.
std::unique_ptr<Store> open_store(const BackendOptions& options, const std::filesystem::path& project_root,
                                  std::string* error);

// The configured backend, opened on its first call (for a server none of whose workers had a
// namespace at start-up, so that a project without K/V creates no state, while a worker added
// by a reload still gets the configured store). If opening fails, every call fails with
// Unavailable and the reason; the next call tries again.
std::unique_ptr<Store> open_store_lazily(const BackendOptions& options, const std::filesystem::path& project_root);

}  // namespace wws::kv
