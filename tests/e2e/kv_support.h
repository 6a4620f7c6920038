// Helpers of the K/V end-to-end tests: worker TOML, concurrent request load, a JS worker on
// Cache, and another process's lock on a SQLite file.
#pragma once
#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>

#include "harness.h"

namespace e2e {

inline std::string kv_toml(const std::string& name, const std::string& ns) {
  return "name = \"" + name + "\"\nversion = \"1\"\n[data.kv]\nnamespace = \"" + ns + "\"\n";
}

// `clients` threads send `total` GETs of `target` between them; returns how many were not 200.
inline int hammer(const Server& server, const std::string& target, int clients, int total) {
  std::atomic<int> next{0}, failures{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&] {
      while (next.fetch_add(1) < total)
        if (server.get(target).status != 200) failures++;
    });
  for (auto& t : threads) t.join();
  return failures.load();
}

// ?op=incr|cas|get&key=K[&by=N][&expect=E][&value=V] through JS's Cache.
inline constexpr const char* kJsCacheWorker = R"(
export default {
  fetch(request) {
    const q = new URL(request.url).searchParams;
    const key = q.get("key");
    switch (q.get("op")) {
      case "incr": return new Response(String(Cache.increment(key, Number(q.get("by") ?? 1))));
      case "cas": return new Response(String(Cache.compareAndSwap(key, q.get("expect"), q.get("value"))));
      default: return new Response(String(Cache.get(key)));
    }
  }
};
)";

// Holds SQLite's write lock on a database, as another process committing slowly would.
class SqliteLock {
 public:
  explicit SqliteLock(const std::filesystem::path& file) {
    if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK ||
        sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
      error_ = sqlite3_errmsg(db_);
      return;
    }
    held_ = true;
  }
  ~SqliteLock() {
    release();
    sqlite3_close(db_);
  }
  bool held() const { return held_; }
  const std::string& error() const { return error_; }
  void release() {
    if (held_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    held_ = false;
  }

 private:
  sqlite3* db_ = nullptr;
  bool held_ = false;
  std::string error_;
};

}  // namespace e2e
