#include "kv/service.h"

#include "kv/redis_store.h"

#include <cstdlib>
#include <mutex>

#include <fmt/format.h>

namespace wws::kv {
namespace {

class LazyStore final : public Store {
 public:
  LazyStore(BackendOptions options, std::filesystem::path root)
      : options_(std::move(options)), root_(std::move(root)) {}
  std::string describe() const override {
    std::lock_guard lock(mutex_);
    return store_ ? store_->describe() : options_.spec + " (opened when first used)";
  }
  bool may_block() const override { return options_.spec != "memory"; }
  Status read(std::string_view ns, std::optional<uint64_t> known, NamespaceRead* out) override {
    Store* s = nullptr;
    if (Status st = open(&s); !st) return st;
    return s->read(ns, known, out);
  }
  Status get(std::string_view ns, std::string_view key, std::optional<std::string>* value) override {
    Store* s = nullptr;
    if (Status st = open(&s); !st) return st;
    return s->get(ns, key, value);
  }
  Status list(std::string_view ns, std::string_view prefix, std::string_view after, size_t limit,
              std::vector<std::string>* keys) override {
    Store* s = nullptr;
    if (Status st = open(&s); !st) return st;
    return s->list(ns, prefix, after, limit, keys);
  }
  Status commit(std::string_view ns, const Batch& batch, const Limits& limits, CommitResult* out) override {
    Store* s = nullptr;
    if (Status st = open(&s); !st) return st;
    return s->commit(ns, batch, limits, out);
  }
  Status namespaces(std::vector<std::string>* out) override {
    Store* s = nullptr;
    if (Status st = open(&s); !st) return st;
    return s->namespaces(out);
  }

 private:
  Status open(Store** out) {
    std::lock_guard lock(mutex_);
    if (!store_) {
      std::string error;
      store_ = open_store(options_, root_, &error);
      if (!store_) return unavailable(error);
    }
    *out = store_.get();
    return Status::ok();
  }

  const BackendOptions options_;
  const std::filesystem::path root_;
  mutable std::mutex mutex_;
  std::unique_ptr<Store> store_;  // never replaced once open, so callers may keep using it
};

}  // namespace

std::filesystem::path default_sqlite_path(const std::filesystem::path& project_root) {
  return project_root / ".wws" / "kv.sqlite3";
}

bool is_redis_spec(std::string_view spec) {
  return spec.substr(0, 8) == "redis://" || spec.substr(0, 9) == "rediss://";
}

std::string check_backend_spec(const std::string& spec) {
  if (spec == "memory" || spec == "sqlite") return {};
  if (is_redis_spec(spec)) {
    RedisAddress address;
    std::string problem = parse_redis_url(spec, &address);
    return problem.empty() ? problem : fmt::format("bad Redis URL \"{}\": {}", spec, problem);
  }
  return fmt::format("unknown K/V backend \"{}\"; use memory, sqlite or redis://HOST[:PORT][/DB]", spec);
}

std::unique_ptr<Store> open_store(const BackendOptions& options, const std::filesystem::path& project_root,
                                  std::string* error) {
  if (std::string problem = check_backend_spec(options.spec); !problem.empty()) {
    *error = problem;
    return nullptr;
  }
  if (options.spec == "memory") return make_memory_store();
  if (is_redis_spec(options.spec)) {
    RedisOptions redis;
    parse_redis_url(options.spec, &redis.address);
    // The password may come from the environment instead, to keep it out of `ps` and shell history.
    if (const char* password = std::getenv("WWS_REDIS_PASSWORD"); password && redis.address.password.empty())
      redis.address.password = password;
    redis.address.tls_ca = options.redis_tls_ca;
    redis.address.tls_cert = options.redis_tls_cert;
    redis.address.tls_key = options.redis_tls_key;
    return open_redis_store(redis, error);
  }
  SqliteOptions sqlite;
  sqlite.path = options.sqlite_path.empty() ? default_sqlite_path(project_root) : options.sqlite_path;
  sqlite.sync = options.sqlite_sync;
  auto store = open_sqlite_store(sqlite, error);
  if (!store) *error += "; give another file with --kv-path FILE, or --kv memory to keep K/V in memory";
  return store;
}

}  // namespace wws::kv

namespace wws::kv {

std::unique_ptr<Store> open_store_lazily(const BackendOptions& options, const std::filesystem::path& project_root) {
  return std::make_unique<LazyStore>(options, project_root);
}

}  // namespace wws::kv
